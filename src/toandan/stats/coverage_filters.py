"""Filters and pages of the coverage page: the country's 3,321 communes in one table made a
1.4 MB page. A reader narrows it to a province or to the units that have (not) reported, and
reads it a page at a time; the sentence, the counts and the exports stay those of the whole."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from toandan.geo.models import AdminUnit
from toandan.stats.selectors import Coverage, CoverageRow

COVERAGE_PAGE_ROWS = 50
# The named list of units not yet reported: this many names, then a link to all of them.
MISSING_NAMED = 60
MISSING = "missing"
REPORTED = "reported"


class CoverageFilterForm(forms.Form):
    province = forms.TypedChoiceField(
        label=_("Province or city"), coerce=int, empty_value=None, required=False
    )
    state = forms.ChoiceField(
        label=_("Reports"),
        required=False,
        choices=(
            ("", _("All units")),
            (MISSING, _("Not yet reported")),
            (REPORTED, _("Reported")),
        ),
    )

    def __init__(self, *args: object, provinces: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["province"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("All provinces")), *provinces]


@dataclass(frozen=True)
class Filtered:
    rows: list[CoverageRow]
    missing: list[CoverageRow]


def _province_of(rows: list[CoverageRow]) -> dict[int, int]:
    """Administrative unit id -> its province's id, for the rows' units."""
    ids = {row.admin_unit_id for row in rows if row.admin_unit_id is not None}
    found = AdminUnit.objects.filter(pk__in=ids).values_list("pk", "path")
    return {pk: int(path.strip("/").split("/")[0]) for pk, path in found}


def province_choices(result: Coverage) -> tuple[list[tuple[int, str]], dict[int, int]]:
    """The provinces of the result's units, by official code, and each unit's province."""
    province_of = _province_of(result.rows)
    provinces = AdminUnit.objects.filter(pk__in=set(province_of.values())).order_by("code")
    return [(p.pk, p.name) for p in provinces], province_of


def filtered(
    result: Coverage, *, province_of: dict[int, int], province: int | None, state: str
) -> Filtered:
    """The rows of one province (all without), those (not) reported, and the units of that
    province not yet reported, in the result's order."""
    rows = result.rows
    if province is not None:
        rows = [
            r
            for r in rows
            if r.admin_unit_id is not None and province_of.get(r.admin_unit_id) == province
        ]
    missing = [r for r in rows if not r.reported]
    if state == MISSING:
        rows = missing
    elif state == REPORTED:
        rows = [r for r in rows if r.reported]
    return Filtered(rows=rows, missing=missing)
