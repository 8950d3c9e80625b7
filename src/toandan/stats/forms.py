"""Forms of the statistics pages: the pivot query, the coverage query and a report's figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from toandan.orgs.models import OrgLevel
from toandan.stats import geography as geo
from toandan.stats.models import DataElement, DataSet, Indicator, ValueType
from toandan.stats.registry import dimensions
from toandan.stats.selectors import INTERVALS

# The pivot's rows and columns: these, then the sources' own dimensions (`pivot_dimensions`).
PIVOT_DIMENSIONS = (
    ("place", _("Place")),
    ("period", _("Period")),
    ("indicator", _("Indicator")),
)
INTERVAL_CHOICES = (
    ("month", _("Months")),
    ("quarter", _("Quarters")),
    ("half", _("Half-years")),
    ("year", _("Years")),
)
GEOGRAPHY_CHOICES = (
    (geo.CURRENT, _("Today's units (old units re-aggregated)")),
    (geo.OLD, _("Units as recorded (63 provinces before 01/07/2025)")),
)
LEVEL_CHOICES = (
    ("", _("One level below the place")),
    (geo.LEVEL_COUNTRY, _("Country")),
    (geo.LEVEL_REGION, _("Region (North, Central, South)")),
    (geo.LEVEL_STATISTICAL_REGION, _("Statistical region")),
    (geo.LEVEL_PROVINCE, pgettext_lazy("place level", "Province")),
    (geo.LEVEL_COMMUNE, pgettext_lazy("place level", "Commune")),
)
assert {value for value, _label in INTERVAL_CHOICES} == set(INTERVALS)


def pivot_dimensions() -> list[tuple[str, str | Promise]]:
    """What the pivot lays out: place, period, indicator and every source's own dimension
    offered on the pivot (the tips source's category), in the order sources registered."""
    return [
        *PIVOT_DIMENSIONS,
        *((d.name, d.label) for d in dimensions().values() if d.pivot),
    ]


class PivotForm(forms.Form):
    indicators = forms.MultipleChoiceField(
        label=_("Indicators"), widget=forms.CheckboxSelectMultiple, required=True
    )
    period = forms.CharField(
        label=_("Period"),
        max_length=40,
        initial="LAST_12_MONTHS",
        help_text=_("For example 2024, 2024Q3, 202408, 2024S1, 2019-2024 or LAST_12_MONTHS."),
    )
    interval = forms.ChoiceField(
        label=_("Period columns in"), choices=INTERVAL_CHOICES, required=False
    )
    geography = forms.ChoiceField(
        label=_("Geography"), choices=GEOGRAPHY_CHOICES, initial=geo.CURRENT, required=False
    )
    unit = forms.CharField(
        label=_("Place"),
        max_length=40,
        required=False,
        help_text=_("VN for the country, 01 for Hà Nội, L01 for Hà Nội before 01/07/2025."),
    )
    level = forms.ChoiceField(label=_("Show by"), choices=LEVEL_CHOICES, required=False)
    rows = forms.ChoiceField(label=_("Rows"), choices=PIVOT_DIMENSIONS, initial="place")
    columns = forms.ChoiceField(label=_("Columns"), choices=PIVOT_DIMENSIONS, initial="period")

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicators"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(i.code, i.localized_name()) for i in indicators]
        choices = pivot_dimensions()
        for name in ("rows", "columns"):
            layout = self.fields[name]
            assert isinstance(layout, forms.ChoiceField)
            layout.choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("rows") and cleaned.get("rows") == cleaned.get("columns"):
            self.add_error("columns", _("Choose different dimensions for rows and columns."))
        return cleaned

    def layout(self) -> tuple[list[str], list[str], list[str]]:
        """For a valid form: the roll-up's `by`, the grid's row dimensions and its column
        dimensions. The indicator goes down the rows when neither rows nor columns hold it."""
        rows, columns = self.cleaned_data["rows"], self.cleaned_data["columns"]
        by = [d for d in (rows, columns) if d != "indicator"]
        row_dims = [rows] if "indicator" in (rows, columns) else ["indicator", rows]
        return by, row_dims, [columns]


class CoverageForm(forms.Form):
    dataset = forms.ChoiceField(label=_("Data set"))
    period = forms.CharField(
        label=_("Period"),
        max_length=40,
        help_text=_("For example 2024, 2024Q3 or 202408."),
    )
    unit = forms.CharField(
        label=_("Unit code"),
        max_length=40,
        required=False,
        help_text=_("PN-TW for the whole country, PN-01 for Hà Nội; empty: your own unit."),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("The level below the unit")), *OrgLevel.choices],
    )

    def __init__(self, *args: Any, datasets: list[DataSet], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dataset"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(d.code, d.localized_name()) for d in datasets]


class ReportForm(forms.Form):
    """One number field per figure of the data set. Empty is "not reported", 0 is zero;
    whether a figure is required is checked on submission, by the service."""

    reason = forms.CharField(
        label=_("Reason (required to return or correct)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, elements: list[DataElement], disabled: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.element_codes: list[str] = []
        for element in elements:
            indicator = element.indicator
            whole = indicator.value_type == ValueType.INTEGER
            label = indicator.localized_name()
            if element.required:
                label = f"{label} *"
            field = forms.DecimalField(
                label=label,
                required=False,
                max_digits=18,
                decimal_places=0 if whole else 2,
                disabled=disabled,
                help_text=element.help_vi,
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "numeric" if whole else "decimal"}),
            )
            self.fields[indicator.code] = field
            self.element_codes.append(indicator.code)
        # The reason comes last on the page.
        self.order_fields([*self.element_codes, "reason"])

    def values(self) -> dict[str, Decimal | None]:
        return {code: self.cleaned_data.get(code) for code in self.element_codes}

    def figure_fields(self) -> list[forms.BoundField]:
        return [self[code] for code in self.element_codes]
