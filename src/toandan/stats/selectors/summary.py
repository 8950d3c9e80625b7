"""The figures of the summary paragraph of a place and period
(`toandan.stats.vietnamese.summary_paragraph` writes them)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from django.utils import translation

from toandan.orgs.models import OrgLevel
from toandan.stats import geography as geo
from toandan.stats.geography import Place
from toandan.stats.models import (
    DataSet,
)
from toandan.stats.periods import (
    Period,
    period_label,
    period_opening,
)
from toandan.stats.registry import SummaryScope, summary_sentences
from toandan.stats.selectors.coverage import PlaceCoverage, place_coverage
from toandan.stats.selectors.rollup import (
    AnyUser,
    own_level,
    parse_query_period,
    place_for_user,
    rollup,
)
from toandan.stats.tables import (
    Number,
    Table,
)
from toandan.stats.vietnamese import ProvincesReported, SummaryFigures

# --- Coverage of a place --------------------------------------------------------------------------

# The figure of the provincial Women's Unions' annual report that the seed article quotes
# ("110 nghìn nguồn tin có giá trị").
REPORTED_VALUABLE = "valuable_tips_reported"
TIPS_RECEIVED = "tips_received"
TIPS_VALUABLE = "tips_valuable"


def summary_dataset() -> DataSet | None:
    """The data set the summary counts provinces by: the first active data set whose form
    holds the reported valuable tips (by default the provincial Women's Unions' annual
    report)."""
    return (
        DataSet.objects.filter(
            active=True,
            elements__indicator__code=REPORTED_VALUABLE,
            elements__indicator__active=True,
        )
        .order_by("order", "code")
        .first()
    )


# --- The summary paragraph --------------------------------------------------------------------


def _whole(value: Number | None) -> int | None:
    if value is None:
        return None
    return int(Decimal(str(value)).to_integral_value())


def running_name(place: Place) -> str | None:
    """The place as it reads inside a sentence, after "trên địa bàn" ("tỉnh Lào Cai",
    "phường Hoàn Kiếm"); None for the whole country."""
    if place.level == geo.LEVEL_COUNTRY:
        return None
    return place.name[:1].lower() + place.name[1:]


def summary_from(totals: Table, place: Place, reached: PlaceCoverage | None) -> SummaryFigures:
    """The summary's figures from a roll-up without dimensions of the tips received, the
    valuable tips and (when the summary data set exists) the reported valuable tips.

    Which figure the "valuable tips" sentence uses: the figure units reported
    (`valuable_tips_reported` of the annual report) wherever a report covers the period,
    because that is what the movement reports and what the seed article quotes, with the
    provinces that reported out of those expected; otherwise the valuable tips toandan counted
    itself. The two are never added up: a union's report may already count tips sent through
    toandan. When the reported figure is used, the tips toandan received follow in their own
    sentence ("Qua nền tảng toandan …"), with their own share of valuable tips, and only if
    there were any (before toandan there were none to speak of). Other sources' figures are
    added by `with_contributions`.
    """
    received = _whole(totals.value(TIPS_RECEIVED))
    computed = _whole(totals.value(TIPS_VALUABLE))
    reported = None
    if any(info.code == REPORTED_VALUABLE for info in totals.indicators):
        reported = _whole(totals.value(REPORTED_VALUABLE))
    unit_name = running_name(place)
    label = period_label(totals.period)
    if reported is None:
        return SummaryFigures(
            unit_name=unit_name,
            period_label=label,
            period_opening=period_opening(totals.period),
            valuable_tips=computed,
            tips_received=received,
        )
    provinces_reported = provinces_expected = None
    provinces_years = ""
    by_generation: tuple[ProvincesReported, ...] = ()
    # A single expected province is the place itself: "all 1 provinces" says nothing.
    if (
        reached is not None
        and reached.level == OrgLevel.PROVINCE
        and (place.level != geo.LEVEL_PROVINCE or reached.expected > 1)
    ):
        provinces_reported, provinces_expected = reached.reported, reached.expected
        parts = reached.parts
        if len(parts) > 1:
            # 63 provinces before 01/07/2025 and 34 from it are never one count.
            from toandan.geo.services import reform_date

            by_generation = tuple(
                ProvincesReported(
                    reported=part.reported,
                    expected=part.expected,
                    years=part.years_label,
                    generation=part.generation,
                    reform=reform_date(),
                )
                for part in parts
            )
            provinces_reported = provinces_expected = None
        elif parts:
            (part,) = parts
            provinces_reported, provinces_expected = part.reported, part.expected
            period = totals.period
            if set(part.years) != set(range(period.start.year, period.end.year + 1)):
                provinces_years = part.years_label
    return SummaryFigures(
        unit_name=unit_name,
        period_label=label,
        period_opening=period_opening(totals.period),
        provinces_reported=provinces_reported,
        provinces_expected=provinces_expected,
        provinces_years=provinces_years,
        provinces_by_generation=by_generation,
        valuable_tips=reported,
        tips_received=received or None,
        received_valuable=computed if received else None,
    )


def with_contributions(figures: SummaryFigures, scope: SummaryScope) -> SummaryFigures:
    """`figures` with what each source's registered summary sentences gathered for `scope`
    (`registry.register_summary_sentences`); a source with nothing to say is left out."""
    found = []
    for entry in summary_sentences():
        if entry.gather is None:
            continue
        with translation.override(scope.language):
            gathered = entry.gather(scope)
        if gathered is not None:
            found.append((entry.code, gathered))
    return replace(figures, contributions=tuple(found)) if found else figures


def summary_figures(
    user: AnyUser | None,
    *,
    unit: Place | str | None = None,
    period: Period | str = "LAST_12_MONTHS",
    geography: str = geo.CURRENT,
) -> SummaryFigures:
    """The key figures of a place (a key such as "VN", "01", "L01", "00070"; by default the
    user's own place) over a period, for `toandan.stats.vietnamese.summary_paragraph`. Which
    source each figure comes from: see `summary_from`. With a user, a place outside their
    jurisdiction raises StatsAccessError."""
    parsed = parse_query_period(period)
    place = place_for_user(user, unit, geography)
    dataset = summary_dataset()
    codes = [TIPS_RECEIVED, TIPS_VALUABLE, *([REPORTED_VALUABLE] if dataset else [])]
    totals = rollup(
        codes, parsed, level=own_level(place), geography=geography, unit=place, by=(), user=user
    )
    reached = place_coverage(dataset, parsed, place, geography=geography) if dataset else None
    scope = SummaryScope(place, parsed, geography, user, translation.get_language())
    return with_contributions(summary_from(totals, place, reached), scope)
