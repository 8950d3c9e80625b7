"""The dashboard of a place: key figures, a time series, the places one level down,
categories, coverage of the summary data set and the summary paragraph's figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation

from toandan.stats import geography as geo
from toandan.stats.geography import Place
from toandan.stats.periods import (
    Period,
)
from toandan.stats.registry import SummaryScope
from toandan.stats.selectors.coverage import PlaceCoverage, place_coverage
from toandan.stats.selectors.rollup import (
    AnyUser,
    own_level,
    parse_query_period,
    place_for_user,
    place_visible,
    rollup,
)
from toandan.stats.selectors.summary import (
    REPORTED_VALUABLE,
    TIPS_RECEIVED,
    TIPS_VALUABLE,
    summary_dataset,
    summary_from,
    with_contributions,
)
from toandan.stats.tables import (
    Item,
    Number,
    Table,
)
from toandan.stats.vietnamese import SummaryFigures

# --- Dashboard --------------------------------------------------------------------------------

DASHBOARD_TIPS = (TIPS_RECEIVED, TIPS_VALUABLE)
DASHBOARD_TOTALS = (
    TIPS_RECEIVED,
    TIPS_VALUABLE,
    "tips_concluded",
    "tips_decided_in_time",
    "share_decided_in_time",
)


def default_interval(period: Period) -> str:
    """Months for a period of up to two years, years beyond (a chart of 72 months is a
    smear)."""
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month
    return "month" if months < 24 else "year"


@dataclass(frozen=True)
class TipRow:
    """One item of a dashboard table (a period, place or category) with its tips."""

    item: Item
    received: Number | None
    valuable: Number | None

    @property
    def share(self) -> float | None:
        """Valuable tips in percent of the tips received (None without tips)."""
        if self.valuable is None or not self.received:
            return None
        return round(100 * float(self.valuable) / float(self.received), 1)


def tip_rows(table: Table, dimension: str) -> list[TipRow]:
    """The items of `dimension` in order, with the tips received and the valuable tips of a
    roll-up of DASHBOARD_TIPS by that one dimension."""
    return [
        TipRow(
            item=item,
            received=table.value(TIPS_RECEIVED, item.id),
            valuable=table.value(TIPS_VALUABLE, item.id),
        )
        for item in table.items[dimension]
    ]


@dataclass(frozen=True)
class Dashboard:
    place: Place
    # One step up the drill-down (None for the country).
    parent: Place | None
    period: Period
    geography: str
    interval: str
    # Roll-ups: without dimensions, by period, by the places one level down (None for a
    # commune, the bottom of the drill-down) and by category.
    totals: Table
    series: Table
    places: Table | None
    categories: Table
    coverage: PlaceCoverage | None
    figures: SummaryFigures

    def total(self, code: str) -> Number | None:
        return self.totals.value(code)


def dashboard(
    user: AnyUser,
    *,
    unit: str = "",
    period: Period | str = "",
    geography: str = geo.CURRENT,
) -> Dashboard:
    """The figures of the dashboard of a place (by default the user's own): key figures, a
    time series, the places one level down side by side, categories, coverage of the summary
    data set and the summary paragraph. A fixed number of roll-ups, so the number of queries
    does not grow with the number of provinces or communes shown. Raises StatsNotFoundError
    for an unknown place, StatsAccessError outside the user's jurisdiction and
    StatsQueryError for a bad period."""
    parsed = parse_query_period(period)
    place = place_for_user(user, unit, geography)
    interval = default_interval(parsed)
    dataset = summary_dataset()
    common: dict[str, Any] = {"geography": geography, "unit": place, "user": user}
    totals = rollup(
        [*DASHBOARD_TOTALS, *([REPORTED_VALUABLE] if dataset else [])],
        parsed,
        level=own_level(place),
        by=(),
        **common,
    )
    series = rollup(
        DASHBOARD_TIPS,
        parsed,
        level=own_level(place),
        by=("period",),
        interval=interval,
        **common,
    )
    places = None
    if place.level != geo.LEVEL_COMMUNE:
        places = rollup(
            DASHBOARD_TIPS, parsed, level=geo.children_level(place), by=("place",), **common
        )
    categories = rollup(DASHBOARD_TIPS, parsed, level=own_level(place), by=("category",), **common)
    reached = place_coverage(dataset, parsed, place, geography=geography) if dataset else None
    parent = geo.parent_place(place)
    return Dashboard(
        place=place,
        # A province's reader has no way up to the country.
        parent=parent if parent is not None and place_visible(user, parent) else None,
        period=parsed,
        geography=geography,
        interval=interval,
        totals=totals,
        series=series,
        places=places,
        categories=categories,
        coverage=reached,
        figures=with_contributions(
            summary_from(totals, place, reached),
            SummaryScope(place, parsed, geography, user, translation.get_language()),
        ),
    )
