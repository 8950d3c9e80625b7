"""The place picker: choose a province, then a commune, with plain form submissions.

`PlacePickerForm` works without JavaScript. Each step is one submission of the same form;
a button named `place_action` says what the person asked for:

- step "province": a text box filters the list of the 34 provinces (accent-insensitive),
  `filter_province` re-renders it filtered, `choose_province` goes on;
- step "commune": the province is fixed (hidden input), a text box filters its communes on the
  server, the list has an "I do not know the commune" option, `choose_commune` finishes;
- step "done": the chosen unit (the commune, or the province when the commune is unknown);
  `change_province` / `change_commune` go back.

Embedding it in another form (the tip form, for instance)::

    class TipForm(PlacePickerForm):
        text = forms.CharField(...)

    form = TipForm(request.POST or None)
    if request.method == "POST" and not form.place_in_progress() and form.is_valid():
        place = form.cleaned_data["place"]   # an AdminUnit: commune or province
        ...

and in the template, inside the host's <form>: ``{% include "geo/includes/place_picker.html" %}``
(it reads `form`). While the person is still picking (`place_in_progress()`), the host view
should re-render the form without validating it. Works with a form prefix too.

Pressing Enter in a text box submits the form with its first submit button: on the picker's
own steps that is the filter button next to the box. A host that puts text inputs before the
picker should put its own submit button (or a copy) before the picker as well.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from toandan.core.text import search_key
from toandan.geo.models import AdminUnit, Level
from toandan.geo.selectors import provinces_valid_on, units_valid_on

UNKNOWN_COMMUNE = "unknown"
PLACE_ACTION = "place_action"
# Buttons that move between steps; any other submission is the host form's own.
PICKER_ACTIONS = frozenset(
    {
        "filter_province",
        "choose_province",
        "change_province",
        "filter_commune",
        "choose_commune",
        "change_commune",
    }
)


def _matches(unit: AdminUnit, key: str) -> bool:
    """Word-start, accent-insensitive match: "ha" finds "Hà Nội" and "Thanh Hóa" not."""
    name = unit.search_name
    return name.startswith(key) or f" {key}" in name


@dataclass
class PickerState:
    """Where the person is in the picker, worked out from the submitted data."""

    step: str = "province"  # "province" | "commune" | "done"
    province: AdminUnit | None = None
    commune: AdminUnit | None = None
    commune_unknown: bool = False
    province_options: list[AdminUnit] = field(default_factory=list)
    communes: list[AdminUnit] = field(default_factory=list)  # all of the province's
    commune_options: list[AdminUnit] = field(default_factory=list)
    message: str = ""
    # After a step, the control the person goes on with (autofocus; none on a first view).
    focus: str = ""

    @property
    def place(self) -> AdminUnit | None:
        if self.step != "done":
            return None
        return self.commune or self.province


class PlacePickerForm(forms.Form):
    province_q = forms.CharField(
        label=_("Find a province or city"),
        required=False,
        max_length=80,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "data-geo-filter": "province"}
        ),
    )
    province = forms.ModelChoiceField(
        label=_("Province or city"),
        queryset=AdminUnit.objects.none(),
        required=False,
        empty_label=_("— choose a province —"),
        widget=forms.Select(attrs={"data-geo-list": "province"}),
    )
    commune_q = forms.CharField(
        label=_("Find a commune, ward or special zone"),
        required=False,
        max_length=80,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "data-geo-filter": "commune"}
        ),
    )
    commune = forms.ChoiceField(
        label=_("Commune, ward or special zone"),
        required=False,
        widget=forms.Select(attrs={"data-geo-list": "commune"}),
    )

    # Host forms that may be sent without a place set this to False.
    place_required = True

    def __init__(self, *args: Any, on: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on = on or timezone.localdate()
        provinces = list(provinces_valid_on(self.on).order_by("search_short"))
        province_field = self.fields["province"]
        assert isinstance(province_field, forms.ModelChoiceField)
        province_field.queryset = provinces_valid_on(self.on)
        self.picker = self._work_out_state(provinces)
        self.picker.focus = self._focus_after(self.place_action())
        self._set_choices()
        if self.picker.focus in self.fields:
            self.fields[self.picker.focus].widget.attrs["autofocus"] = True

    # --- reading the submission ------------------------------------------------------------

    def _raw(self, name: str) -> str:
        if not self.is_bound:
            value = self.initial.get(name, "")
            return str(getattr(value, "pk", value) or "")
        value = self.data.get(self.add_prefix(name), "")
        return str(value or "").strip()

    @property
    def place_action_name(self) -> str:
        """The step buttons' name, with the form's prefix."""
        return self.add_prefix(PLACE_ACTION)

    def place_action(self) -> str:
        action = self._raw(PLACE_ACTION)
        if action in PICKER_ACTIONS:
            return action
        # Enter in a search box presses the host form's first button (its "send"): with a
        # search typed and nothing chosen from that list yet, the person meant to filter.
        if not self.is_bound or action:
            return ""
        if self._raw("province_q") and not self._raw("province"):
            return "filter_province"
        if self._raw("commune_q") and self._raw("province") and not self._raw("commune"):
            return "filter_commune"
        return ""

    def place_in_progress(self) -> bool:
        """True when this submission was a step of the picker (even its last, "Choose"), not
        the host form's own submit button: the host then re-renders without validating."""
        return self.is_bound and self.place_action() != ""

    def _work_out_state(self, provinces: list[AdminUnit]) -> PickerState:
        state = PickerState()
        action = self.place_action()
        by_id = {str(unit.pk): unit for unit in provinces}
        state.province = by_id.get(self._raw("province"))
        province_key = search_key(self._raw("province_q"))
        state.province_options = (
            [unit for unit in provinces if _matches(unit, province_key)]
            if province_key
            else provinces
        )
        if state.province is None or action in {"filter_province", "change_province"}:
            if action == "choose_province" and state.province is None:
                state.message = str(_("Choose a province or city from the list."))
            elif province_key and not state.province_options:
                state.message = str(_("No province or city matches this name."))
            return state

        communes = list(
            units_valid_on(self.on, level=Level.COMMUNE, parent=state.province).order_by(
                "search_short", "code"
            )
        )
        state.communes = communes
        commune_key = search_key(self._raw("commune_q"))
        state.commune_options = (
            [unit for unit in communes if _matches(unit, commune_key)] if commune_key else communes
        )
        raw_commune = self._raw("commune")
        state.commune_unknown = raw_commune == UNKNOWN_COMMUNE
        state.commune = next((u for u in communes if str(u.pk) == raw_commune), None)
        chosen = state.commune is not None or state.commune_unknown
        if not chosen or action in {"filter_commune", "change_commune", "choose_province"}:
            state.step = "commune"
            if action == "choose_commune" and not chosen:
                state.message = str(_("Choose a commune from the list, or “I do not know”."))
            elif commune_key and not state.commune_options:
                state.message = str(_("No commune in this province matches this name."))
            return state
        state.step = "done"
        return state

    def _focus_after(self, action: str) -> str:
        """Where a step leaves the focus: on the control that comes next, so that a keyboard
        or screen-reader user does not start again from the top of a long page."""
        if not action:
            return ""
        step = self.picker.step
        if step == "province":
            return "province"
        if step == "commune":
            return "commune_q" if action in {"choose_province", "change_commune"} else "commune"
        return "change_commune"

    def _set_choices(self) -> None:
        state = self.picker
        province_field = self.fields["province"]
        assert isinstance(province_field, forms.ModelChoiceField)
        options = [(unit.pk, unit.name) for unit in state.province_options]
        # A filter that leaves one province lists it alone, so it is already selected.
        empty = [] if len(options) == 1 else [("", province_field.empty_label)]
        province_field.widget.choices = [*empty, *options]
        head = [("", _("— choose a commune —")), (UNKNOWN_COMMUNE, _("I do not know the commune"))]
        commune_field = self.fields["commune"]
        assert isinstance(commune_field, forms.ChoiceField)
        # Validation accepts any commune of the province; the list shows the filtered ones.
        commune_field.choices = [*head, *((unit.pk, unit.name) for unit in state.communes)]
        commune_field.widget.choices = [
            *head,
            *((unit.pk, unit.name) for unit in state.commune_options),
        ]

    # --- validation ------------------------------------------------------------------------

    def place_errors(self) -> list[str]:
        """The "no place chosen" error, once the host has validated the form.

        Never triggers validation itself: while the person is still picking, the picker
        shows its own hints and no errors.
        """
        errors: ErrorDict | None = getattr(self, "_errors", None)
        if errors is None:
            return []
        return [
            str(message)
            for error in errors.as_data().get(NON_FIELD_ERRORS, [])
            if error.code == "place_missing"
            for message in error.messages
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        place = self.picker.place
        if place is None and self.place_required:
            raise forms.ValidationError(
                _("Choose the province, then the commune (or “I do not know the commune”)."),
                code="place_missing",
            )
        cleaned["place"] = place
        return cleaned
