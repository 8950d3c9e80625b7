"""Forms of antifraud: the check box, the appeal, the officers' decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from toandan.antifraud.models import IdentifierKind, ScamType
from toandan.orgs.models import OrgUnit

CHECK_MAX = 5000
LOSS_MAX_VND = 10**15


class CheckForm(forms.Form):
    q = forms.CharField(
        label=_("Phone number, bank account, link, social account or the whole message"),
        max_length=CHECK_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For a bank account, write the bank too, e.g. “Vietcombank 0011004567890”. "
            "What you type is not kept."
        ),
    )


class ConfirmForm(forms.Form):
    kind = forms.ChoiceField(choices=IdentifierKind.choices, widget=forms.HiddenInput)
    value = forms.CharField(max_length=500, widget=forms.HiddenInput)
    # At most 10^15 VND (the column holds 64 bits): above it, a typing slip.
    loss_vnd = forms.IntegerField(
        label=_("Loss reported in this tip (VND)"),
        min_value=0,
        max_value=LOSS_MAX_VND,
        required=False,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AppealForm(forms.Form):
    identifier = forms.CharField(
        label=_("The listed number, account or link"),
        max_length=500,
        help_text=_("Exactly as the check shows it, e.g. “Vietcombank 0011004567890”."),
    )
    statement = forms.CharField(
        label=_("Why it should be delisted"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say that the number or account is yours and what happened (e.g. stolen SIM)."),
    )
    contact = forms.CharField(
        label=_("How to reach you (optional)"),
        max_length=200,
        required=False,
        help_text=_("You can follow the decision with the receipt without leaving a contact."),
    )


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label=_("Appeal receipt (20 digits)"), max_length=40)


class ImportForm(forms.Form):
    source = forms.CharField(
        label=_("Source (the partner the list comes from)"),
        max_length=200,
        help_text=_("E.g. “Ngân hàng X – danh sách cảnh báo”: shown next to each imported entry."),
    )
    upload = forms.FileField(
        label=_("File (STIX 2.1 JSON bundle or CSV)"),
        help_text=_("CSV columns: kind, value, first_seen, expires_at (the export's columns)."),
    )


class WarningForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    scam_type = forms.ModelChoiceField(
        label=_("Scam"), queryset=ScamType.objects.all(), required=False
    )
    how_it_works = forms.CharField(
        label=_("How the scam works"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    what_to_do = forms.CharField(
        label=_("What to do"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    audience = forms.ModelChoiceField(
        label=_("Audience: the members of this unit and of the units below it"),
        queryset=OrgUnit.objects.none(),
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["audience"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units if units is not None else OrgUnit.objects.none()
