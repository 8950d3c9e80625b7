"""Forms of the police's handling pages: the inbox filters, the actions of the legal timeline,
internal notes and messages to the tipster.

The action forms check only the shape of what was typed (a number is a number, a unit code
exists). What the law requires (a reason for not prosecuting, a ground for suspension, the
procuracy's decision number...) is checked once, by `toandan.tips.handling.timeline.tip_act`, whose
refusal comes back to the form as an error on the field it names, with its legal basis.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import translation
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from toandan.geo.models import AdminUnit
from toandan.orgs.models import OrgUnit
from toandan.tips.handling import inbox
from toandan.tips.handling.inbox import Box, DueFilter, InboxFilters
from toandan.tips.handling.timeline import (
    REASON_MAX,
    ActionInput,
    TransitionRefusedError,
    deadline_setting,
)
from toandan.tips.models import (
    Category,
    Channel,
    OffenceChapter,
    Outcome,
    SuspensionGround,
    Tip,
    TipAction,
    TipStatus,
    ValuableReason,
)
from toandan.tips.selectors import current_commune

AnyUser = AbstractBaseUser | AnonymousUser
A = TipAction

# --- The inbox -----------------------------------------------------------------------------------

STATUS_ALL = "all"
VALUABLE_YES = "yes"
VALUABLE_NO = "no"
VALUABLE_UNASSESSED = "unassessed"
NUMBER_MAX = 60


def _set_choices(field: forms.Field, choices: list[tuple[Any, Any]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InboxFilterForm(forms.Form):
    """The inbox's filters, sent by GET. Places and units are a list when the user's
    jurisdiction has few of them (a commune, a province), a code to type otherwise."""

    box = forms.ChoiceField(
        choices=[(b, b) for b in Box.ALL], required=False, widget=forms.HiddenInput
    )
    number = forms.CharField(
        label=_("Register number or reference"),
        required=False,
        max_length=NUMBER_MAX,
        help_text=_(
            "All or part of the register number, e.g. CA-01-00070/2026/12, or the tip's "
            "reference as the tipster reads it out. Closed tips are found too."
        ),
    )
    status = forms.ChoiceField(label=pgettext_lazy("tip", "Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    due = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[
            ("", _("Any")),
            (DueFilter.OVERDUE, _("Overdue")),
            (DueFilter.TODAY, _("Due today")),
            (DueFilter.SOON, inbox.due_soon_lazy(gettext_noop("Due within %(days)s days"))),
            (DueFilter.NONE, _("No running deadline")),
        ],
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any")), *Channel.choices]
    )
    valuable = forms.ChoiceField(
        label=_("Valuable"),
        required=False,
        choices=[
            ("", _("Any")),
            (VALUABLE_YES, _("Valuable")),
            (VALUABLE_NO, _("Not valuable")),
            (VALUABLE_UNASSESSED, _("Concluded, not yet assessed")),
        ],
    )
    received_from = forms.DateField(label=_("Received from"), required=False, widget=_date_input())
    received_to = forms.DateField(label=_("Received until"), required=False, widget=_date_input())
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("due", _("Deadline, soonest first")),
            ("-received", _("Received, newest first")),
            ("received", _("Received, oldest first")),
        ],
    )

    def __init__(
        self,
        data: Any,
        *,
        categories: list[Category],
        communes: list[AdminUnit],
        units: list[OrgUnit],
    ) -> None:
        super().__init__(data)
        _set_choices(
            self.fields["status"],
            [
                ("", pgettext_lazy("tip status filter", "Open")),
                (STATUS_ALL, _("Any status")),
                *TipStatus.choices,
            ],
        )
        _set_choices(
            self.fields["category"],
            [("", _("Any")), *((c.code, c.localized_name()) for c in categories)],
        )
        self.commune_as_code = len(communes) > inbox.CHOICES_LIMIT
        if self.commune_as_code:
            self.fields["commune"] = forms.CharField(
                label=_("Commune (official code)"), required=False, max_length=8
            )
        else:
            self.fields["commune"] = forms.TypedChoiceField(
                label=pgettext_lazy("place level", "Commune"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("Any")), *((c.pk, c.name) for c in communes)],
            )
        # A unit list only for those who see several units (the province police).
        self.shows_units = len(units) > 1
        if len(units) > inbox.CHOICES_LIMIT:
            self.fields["unit"] = forms.CharField(
                label=_("Responsible unit (code)"), required=False, max_length=40
            )
        elif self.shows_units:
            self.fields["unit"] = forms.TypedChoiceField(
                label=_("Responsible unit"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("Any")), *((u.pk, u.name) for u in units)],
            )

    def clean_commune(self) -> int | None:
        value = self.cleaned_data.get("commune")
        if not self.commune_as_code:
            return value if isinstance(value, int) else None
        code = str(value or "").strip()
        if not code:
            return None
        place = current_commune(code)
        if place is None:
            raise forms.ValidationError(_("No commune has this code."))
        return int(place.pk)

    def clean_unit(self) -> int | None:
        value = self.cleaned_data.get("unit")
        if isinstance(value, int) or value is None:
            return value
        code = str(value).strip()
        if not code:
            return None
        unit = inbox.unit_by_code(code)
        if unit is None:
            raise forms.ValidationError(_("No unit has this code."))
        return int(unit.pk)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and start > end:
            self.add_error("received_to", _("This date is before the first one."))
        return cleaned

    def filters(self) -> InboxFilters:
        """The filters that are valid; a wrong value is shown as an error and ignored."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        data = self.cleaned_data
        status = data.get("status") or ""
        if status == STATUS_ALL:
            statuses: tuple[str, ...] = tuple(TipStatus.values)
        elif status:
            statuses = (status,)
        else:
            statuses = ()
        valuable = data.get("valuable") or ""
        return InboxFilters(
            box=data.get("box") or Box.HANDLING,
            statuses=statuses,
            category=data.get("category") or "",
            commune=data.get("commune"),
            unit=data.get("unit"),
            due=data.get("due") or "",
            channel=data.get("channel") or "",
            valuable={VALUABLE_YES: True, VALUABLE_NO: False}.get(valuable),
            valuable_unassessed=valuable == VALUABLE_UNASSESSED,
            number=(data.get("number") or "").strip(),
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            sort=data.get("sort") or "due",
        )

    def place_fields(self) -> list[forms.BoundField]:
        names = ["commune", "unit"] if self.shows_units else ["commune"]
        return [self[name] for name in names]


# --- Actions of the legal timeline ---------------------------------------------------------------

# The fields each action asks for, in order, besides the reason (every action has one).
OUTCOME_FIELDS = (
    "valuable",
    "valuable_reasons",
    "offence_chapter",
    "arrested_count",
    "property_recovered_vnd",
)
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    A.CHECK: ("flagrant",),
    A.FORWARD: ("target_unit", "target_unit_code"),
    A.ACCEPT: (),
    A.RETURN: (),
    A.REROUTE: ("target_unit", "target_unit_code"),
    A.TAKE: (),
    A.EXTEND_COMPLEX: (),
    A.EXTEND_PROCURACY: ("decision_number", "months"),
    A.SUSPEND: ("ground",),
    A.RESUME: (),
    A.PROSECUTE: ("decision_number", *OUTCOME_FIELDS),
    A.NOT_PROSECUTE: OUTCOME_FIELDS,
    A.HAND_OVER: ("agency", *OUTCOME_FIELDS),
    A.MERGE: ("merge_into",),
    A.SEND_TO_PROCURACY: ("decision_number",),
    A.CORRECT_OUTCOME: OUTCOME_FIELDS,
    A.PROCURACY_CANCEL_SUSPENSION: ("decision_number",),
    A.PROCURACY_CANCEL_NOT_PROSECUTE: ("decision_number",),
}

# The label of the reason box, and whether the law makes it required (the timeline checks).
REASON_LABELS: dict[str, tuple[Any, bool]] = {
    A.CHECK: (_("Note (optional)"), False),
    A.FORWARD: (_("Why this unit is competent"), True),
    A.ACCEPT: (_("Note (optional)"), False),
    A.RETURN: (_("Why the tip is sent back"), True),
    A.REROUTE: (_("Why the tip was misrouted"), True),
    A.TAKE: (_("Note (optional)"), False),
    A.EXTEND_COMPLEX: (_("Why the case is complex"), True),
    A.EXTEND_PROCURACY: (_("Note (optional)"), False),
    A.SUSPEND: (_("Details (optional)"), False),
    A.RESUME: (_("Why the resolution resumes (optional)"), False),
    A.PROSECUTE: (_("What the tipster is told"), False),
    A.NOT_PROSECUTE: (_("What the tipster is told"), True),
    A.HAND_OVER: (_("What the tipster is told"), True),
    A.MERGE: (_("Note (optional)"), False),
    A.SEND_TO_PROCURACY: (_("Note (optional)"), False),
    A.CORRECT_OUTCOME: (_("Why the outcome is corrected"), True),
    A.PROCURACY_CANCEL_SUSPENSION: (_("Note (optional)"), False),
    A.PROCURACY_CANCEL_NOT_PROSECUTE: (_("Note (optional)"), False),
}
assert set(ACTION_FIELDS) == set(REASON_LABELS) == set(A.values) - {A.NOTE, A.MESSAGE, A.REVEAL}

# The conclusions: their reason is what the tipster reads as "Reason" on the follow-up page
# (BLTTHS Art. 158), so each form also has an internal note that never leaves the police.
CONCLUSIONS: dict[str, str] = {
    A.PROSECUTE: Outcome.PROSECUTED,
    A.NOT_PROSECUTE: Outcome.NOT_PROSECUTED,
    A.HAND_OVER: Outcome.HANDED_OVER,
}
TOLD_HELP: dict[str, Any] = {
    A.PROSECUTE: _(
        "Optional. Shown word for word to the tipster as the reason, on their follow-up page. "
        "Write nothing the tipster must not know: use the internal note for that."
    ),
    A.NOT_PROSECUTE: _(
        "Required (BLTTHS Art. 158). Shown word for word to the tipster as the reason, on "
        "their follow-up page. Write nothing the tipster must not know: use the internal note "
        "for that."
    ),
}
TOLD_HELP[A.HAND_OVER] = TOLD_HELP[A.NOT_PROSECUTE]

YES_NO_CHOICES = [("yes", _("Yes, the tip was valuable")), ("no", _("No"))]


def _number_input() -> forms.NumberInput:
    return forms.NumberInput(attrs={"min": "0", "inputmode": "numeric"})


class ActionForm(forms.Form):
    """One action on one tip: the fields the action takes (ACTION_FIELDS) and a reason."""

    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    internal_note = forms.CharField(
        label=_("Internal note (never shown to the tipster)"),
        help_text=_("Kept in the tip's history for the officers of the units on the tip."),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    flagrant = forms.BooleanField(required=False)
    target_unit = forms.TypedChoiceField(
        label=_("Police unit"), required=False, coerce=int, empty_value=None
    )
    target_unit_code = forms.CharField(
        label=_("…or the unit's code"),
        required=False,
        max_length=40,
        help_text=_("For a unit not in the list, e.g. CA-01-00004."),
    )
    decision_number = forms.CharField(label=_("Decision number"), required=False, max_length=200)
    months = forms.IntegerField(
        label=_("Extended by (months)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": "1", "max": "2"}),
    )
    ground = forms.ChoiceField(
        label=_("Ground (BLTTHS Art. 148)"),
        required=False,
        choices=[("", "—"), *SuspensionGround.choices],
    )
    merge_into = forms.CharField(
        label=_("Merge into (register number or reference)"),
        required=False,
        max_length=NUMBER_MAX,
    )
    agency = forms.CharField(label=_("Competent agency"), required=False, max_length=400)
    valuable = forms.ChoiceField(
        label=_("Was the tip valuable?"),
        required=False,
        choices=YES_NO_CHOICES,
        widget=forms.RadioSelect,
    )
    valuable_reasons = forms.MultipleChoiceField(
        label=_("Why it was valuable"),
        required=False,
        choices=ValuableReason.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    offence_chapter = forms.TypedChoiceField(
        label=_("Offence (Criminal Code chapter)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *OffenceChapter.choices],
    )
    arrested_count = forms.IntegerField(
        label=_("People arrested"), required=False, widget=_number_input()
    )
    property_recovered_vnd = forms.IntegerField(
        label=_("Property recovered (VND)"), required=False, widget=_number_input()
    )

    def __init__(
        self,
        data: Any = None,
        *,
        action: str,
        tip: Tip,
        user: AnyUser,
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=self._initial(action, tip, initial))
        self.action = action
        self.tip = tip
        self.user = user
        keep = {"reason", *ACTION_FIELDS[action]}
        if action in CONCLUSIONS:
            keep.add("internal_note")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "flagrant" in self.fields:
            # Labelled per form: the hours are a setting, read when the form is built.
            self.fields["flagrant"].label = gettext(
                "Caught in the act, or urgent (forwarding due within %(hours)s hours)"
            ) % {"hours": deadline_setting("forward_urgent_hours")}
        label, required = REASON_LABELS[action]
        self.fields["reason"].label = label
        self.reason_required = required
        if action in TOLD_HELP:
            self.fields["reason"].help_text = TOLD_HELP[action]
        elif required:
            self.fields["reason"].help_text = _("Required.")
        self._targets: list[OrgUnit] = []
        if "target_unit" in self.fields:
            self._targets = inbox.forward_targets(tip)
            _set_choices(
                self.fields["target_unit"],
                [("", "—"), *((u.pk, f"{u.name} ({u.code})") for u in self._targets)],
            )
        self._merge_tip: Tip | None = None
        self._unit: OrgUnit | None = None

    @staticmethod
    def _initial(action: str, tip: Tip, initial: dict[str, Any] | None) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if action == A.CHECK:
            values["flagrant"] = tip.is_flagrant
        if action == A.CORRECT_OUTCOME:
            values.update(
                valuable="" if tip.valuable is None else ("yes" if tip.valuable else "no"),
                valuable_reasons=list(tip.valuable_reasons or []),
                offence_chapter=tip.offence_chapter,
                arrested_count=tip.arrested_count,
                property_recovered_vnd=tip.property_recovered_vnd,
            )
        values.update(initial or {})
        return values

    def clean_target_unit_code(self) -> str:
        code = str(self.cleaned_data.get("target_unit_code") or "").strip().upper()
        if code:
            unit = inbox.unit_by_code(code)
            if unit is None:
                raise forms.ValidationError(_("No unit has this code."))
            self._unit = unit
        return code

    def clean_target_unit(self) -> int | None:
        value = self.cleaned_data.get("target_unit")
        return value if isinstance(value, int) else None

    def clean_merge_into(self) -> str:
        value = str(self.cleaned_data.get("merge_into") or "").strip()
        if value:
            self._merge_tip = inbox.merge_target(self.user, value)
            if self._merge_tip is None:
                raise forms.ValidationError(
                    _("No tip with this register number or reference is open to you.")
                )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "target_unit" in self.fields and self._unit is None:
            chosen = cleaned.get("target_unit")
            if chosen is not None:
                self._unit = next((u for u in self._targets if u.pk == chosen), None)
        return cleaned

    def action_input(self) -> ActionInput:
        """What the timeline needs, from a valid form."""
        data = self.cleaned_data
        valuable = data.get("valuable") or ""
        return ActionInput(
            reason=data.get("reason") or "",
            target_unit=self._unit,
            decision_number=data.get("decision_number") or "",
            months=data.get("months"),
            ground=data.get("ground") or "",
            merge_into=self._merge_tip,
            flagrant=bool(data.get("flagrant")) if "flagrant" in self.fields else None,
            agency=data.get("agency") or "",
            valuable={"yes": True, "no": False}.get(valuable),
            valuable_reasons=tuple(data.get("valuable_reasons") or ()),
            offence_chapter=data.get("offence_chapter"),
            arrested_count=data.get("arrested_count"),
            property_recovered_vnd=data.get("property_recovered_vnd"),
        )

    def note_text(self) -> str:
        """The conclusion's internal note, from a valid form ("" when none)."""
        return str(self.cleaned_data.get("internal_note") or "").strip()

    def tipster_preview(self) -> dict[str, str] | None:
        """What the tipster's follow-up page will show once the conclusion is recorded (as
        `timeline` writes it: the result in the site's language, the agency after a hand-over,
        the reason as typed); None for the other actions."""
        outcome = CONCLUSIONS.get(self.action)
        if outcome is None:
            return None
        data = getattr(self, "cleaned_data", None) or {}
        with translation.override(settings.LANGUAGE_CODE):
            result = str(Outcome(outcome).label)
        agency = str(data.get("agency") or "").strip()
        return {
            "result": f"{result}: {agency}" if agency else result,
            "reason": str(data.get("reason") or "").strip(),
        }

    def add_refusal(self, error: TransitionRefusedError) -> None:
        """The timeline's refusal, next to the field it is about (or at the top)."""
        name = error.field if error.field in self.fields else None
        self.add_error(name, error.message)

    def outcome_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in OUTCOME_FIELDS if name in self.fields]

    def other_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in self.fields
            if name not in OUTCOME_FIELDS and name != "internal_note"
        ]

    def note_field(self) -> forms.BoundField | None:
        return self["internal_note"] if "internal_note" in self.fields else None


# --- Notes and messages --------------------------------------------------------------------------


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        help_text=_("Seen by the officers of the units on this tip; never by the tipster."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the tipster"),
        help_text=_(
            "The tipster reads it on the follow-up page with their receipt. Do not write the "
            "names of other people or anything the tipster must not know."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            for message in messages:
                self.add_error("body" if name in {"body", ""} else None, message)
