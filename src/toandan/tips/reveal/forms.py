"""Forms of the identity-reveal pages. The rules (reason length, who may decide) live in
`toandan.tips.reveal`; the forms only carry the text, so a refusal has one wording."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from toandan.tips.reveal.services import NOTE_MAX, REASON_MAX

DECISION_APPROVE = "approve"
DECISION_REFUSE = "refuse"


class RevealRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to know who sent this tip?"),
        # Checked by the service, which gives the message (and refuses without auditing).
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "For example: to take a statement from the tipster as a witness in the check "
            "of this tip. The reason is recorded with every reading and shown to your "
            "unit's leaders."
        ),
    )


class RevealDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(DECISION_APPROVE, _("Approve")), (DECISION_REFUSE, _("Refuse"))],
        # Sent by the button pressed ("approve" or "refuse"); not rendered as a field.
    )
    note = forms.CharField(
        label=_("Note (required when refusing)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @property
    def approve(self) -> bool:
        return self.cleaned_data.get("decision") == DECISION_APPROVE
