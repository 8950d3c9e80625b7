"""Sources of indicator values: where a roll-up gets its numbers.

An indicator names its source (`Indicator.source`). Built in:

- "tips": computed from the tip summary tables (`toandan.stats.summary`), complete: a place
  and month without a row had no tips, so the figure is 0;
- "reports": entered by units in periodic reports, not complete: no value is "not reported"
  (shown as "–"), never 0;
- "formula": numerator / denominator × factor of two other indicators (no fetch of its own).

Adding a source (community models, commendation, anti-fraud) is one call, made in the app's
`AppConfig.ready()`, plus the indicator rows that use it (a data migration):

    from toandan.stats.registry import SourceQuery, SourceRow, register_source

    def fetch_models(query: SourceQuery) -> Iterable[SourceRow]:
        for code, month, province_id, commune_id, count in my_summary_rows(query):
            yield SourceRow(code, month, month_end(month), province_id, commune_id, count)

    register_source("models", fetch_models, complete=False, label=_("Community models"))

`fetch` receives the indicators of that source asked for, the day range, and the provinces (as
recorded, old or new generation) to read; it yields rows at the place where each value was
recorded. The roll-up engine maps places onto old or current units, regions and levels, puts
values into periods, applies each indicator's aggregation and checks jurisdiction: a source only
says what happened where and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from toandan.stats.models import Indicator

TIPS = "tips"
REPORTS = "reports"
FORMULA = "formula"


@dataclass(frozen=True)
class SourceQuery:
    indicators: tuple[Indicator, ...]
    start: dt.date  # first day, inclusive
    end: dt.date  # last day, inclusive
    # AdminUnit ids of provinces as recorded (either generation); None: the whole country.
    province_ids: frozenset[int] | None
    # Which detail the roll-up needs; a source may ignore what it does not have.
    communes: bool = False
    categories: bool = False
    channels: bool = False
    # Filters (None: no filter). Category ids are tips.Category ids.
    category_ids: frozenset[int] | None = None
    channel_codes: frozenset[str] | None = None


class SourceRow(NamedTuple):
    indicator: str  # Indicator.code
    start: dt.date  # the period the value is for
    end: dt.date
    province_id: int | None  # None: a central unit's own value (no place)
    commune_id: int | None
    value: int | Decimal
    category_id: int = 0  # 0: not broken down by category
    channel: str = ""
    # The reporting unit, for indicators aggregated by "last" or "average" over time.
    unit: str = ""


class WideRows(NamedTuple):
    """A faster form for sources with many indicators per row: `indicators` names the values
    at the end of every row, laid out as (start, end, province_id, commune_id, category_id,
    channel, unit, value_1, value_2, ...). `end` None means the end of the start's month;
    commune 0 or None means not known; category 0 and channel "" mean not broken down."""

    indicators: tuple[str, ...]
    rows: Iterable[tuple[Any, ...]]


@dataclass(frozen=True)
class CellMaps:
    """How the roll-up names its cells, for a source that can group by them in the database
    (`fetch_cells`). `dims` lists the dimensions of a row, in order, among "period", "place"
    and "category"; a row carries an integer per dimension:

    - period: the index in `periods` of the bucket of the value's month (`months` maps the
      first day of each month of the query to its bucket; a month missing is outside it);
    - place: the index in `places` of the place where the value shows. `provinces` maps a
      recorded province to where its figures without a commune (or at a level above communes)
      show, `communes` a recorded commune to where its figures show; None is outside the
      query's unit. A commune missing from `communes` shows where its province's figures
      without a commune show;
    - category: the category id (0: not broken down).

    `injective` is True when no two months and no two recorded provinces or communes share a
    number (the source still groups rows that may land in one cell)."""

    dims: tuple[str, ...]
    periods: tuple[str, ...]
    months: tuple[tuple[dt.date, int], ...]
    places: tuple[str, ...]
    provinces: tuple[tuple[int, int | None], ...]
    communes: tuple[tuple[int, int | None], ...]
    injective: bool


Fetch = Callable[[SourceQuery], Iterable[SourceRow]]
FetchWide = Callable[[SourceQuery], WideRows]
# Rows (*one integer per dimension of `CellMaps.dims`, *one value per indicator), one per
# cell, in the `WideRows` wrapper; or None when the source cannot answer this query that way
# (the roll-up then places `fetch_wide` rows itself).
FetchCells = Callable[[SourceQuery, CellMaps], WideRows | None]


@dataclass(frozen=True)
class Source:
    code: str
    fetch: Fetch | None
    # True when the source counts everything, so a missing row means zero.
    complete: bool
    label: str = ""
    # Optional: the same rows in the wide form (the roll-up prefers it when given).
    fetch_wide: FetchWide | None = None
    # Optional: the values already summed per cell (only asked for when every indicator of the
    # source is aggregated by sum).
    fetch_cells: FetchCells | None = None


_SOURCES: dict[str, Source] = {}


def register_source(
    code: str,
    fetch: Fetch | None,
    *,
    complete: bool,
    label: str = "",
    fetch_wide: FetchWide | None = None,
    fetch_cells: FetchCells | None = None,
) -> None:
    """Make `code` usable as `Indicator.source`. Registering again replaces the source (tests,
    reloads)."""
    _SOURCES[code] = Source(
        code=code,
        fetch=fetch,
        complete=complete,
        label=label,
        fetch_wide=fetch_wide,
        fetch_cells=fetch_cells,
    )


def get_source(code: str) -> Source | None:
    return _SOURCES.get(code)


def source_codes() -> frozenset[str]:
    return frozenset(_SOURCES)


def register_builtin_sources() -> None:
    """Called from StatsConfig.ready()."""
    from toandan.stats.selectors import fetch_reported
    from toandan.stats.summary import fetch_tips, fetch_tips_cells, fetch_tips_wide

    register_source(
        TIPS,
        fetch_tips,
        complete=True,
        label="tips",
        fetch_wide=fetch_tips_wide,
        fetch_cells=fetch_tips_cells,
    )
    register_source(REPORTS, fetch_reported, complete=False, label="reports")
    register_source(FORMULA, None, complete=False, label="formula")
