"""Sources of indicator values: where a roll-up gets its numbers.

An indicator names its source (`Indicator.source`). Built in:

- "tips": computed from the tip summary tables (`toandan.stats.summary`), complete: a place
  and month without a row had no tips, so the figure is 0;
- "reports": entered by units in periodic reports, not complete: no value is "not reported"
  (shown as "–"), never 0;
- "formula": numerator / denominator × factor of two other indicators (no fetch of its own).

Adding a source (community models, commendation, anti-fraud) is done in the app's
`AppConfig.ready()`, plus the indicator rows that use it (a data migration). Its values, with
a dimension of its own (rows carry the key of the first in `dimension_1`, of a second in
`dimension_2`; the roll-up, the API's `by` and the pivot page then offer it):

    from toandan.stats.registry import Dimension, DimensionItem, SourceQuery, SourceRow
    from toandan.stats.registry import register_source, register_summary_sentences

    def model_kinds() -> list[DimensionItem]:
        return [DimensionItem(k.pk, k.code, k.name) for k in ModelKind.objects.order_by("code")]

    KIND = Dimension("model_kind", _("Kind of model"), model_kinds, all_label=_("All kinds"))

    def fetch_models(query: SourceQuery) -> Iterable[SourceRow]:
        for code, start, end, province_id, commune_id, kind_id, unit, count in my_rows(query):
            kind = kind_id if "model_kind" in query.dimensions else 0
            yield SourceRow(code, start, end, province_id, commune_id, count, kind, unit=unit)

    register_source(
        "models", fetch_models, complete=False, label=_("Community models"), dimensions=(KIND,)
    )

and its sentence of the summary paragraph (read with the summary's figures, worded with the
paragraph; ordered by weight: tips 10, models 20, commendations 30):

    def models_active(scope: SummaryScope) -> tuple[int, dt.date] | None:
        totals = rollup(["models_active"], scope.period, unit=scope.place,
                        level=scope.place.level, geography=scope.geography, by=(),
                        user=scope.user)
        count = totals.value("models_active")
        return None if count is None else (int(count), scope.period.end)

    def models_words(figures: SummaryFigures, found: tuple[int, dt.date]) -> list[Sentence]:
        return [models_sentence(found[0], as_of=found[1], unit_name=figures.unit_name)]

    register_summary_sentences("models", models_words, weight=20, gather=models_active)

(`toandan.stats.tests.test_new_source` does exactly this.)

`fetch` receives the indicators of that source asked for, the day range, the provinces (as
recorded, old or new generation) to read, the source's dimensions asked for and the filters
on them; it yields rows at the place where each value was recorded. The roll-up engine maps
places onto old or current units, regions and levels, puts values into periods, applies each
indicator's aggregation and checks jurisdiction: a source only says what happened where and
when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.utils.functional import Promise

    from toandan.stats.geography import Place
    from toandan.stats.models import Indicator
    from toandan.stats.periods import Period
    from toandan.stats.vietnamese import SummaryFigures

TIPS = "tips"
REPORTS = "reports"
FORMULA = "formula"
# The dimensions every roll-up has; a source declares the others (`Dimension`).
PERIOD = "period"
PLACE = "place"


class DimensionItem(NamedTuple):
    key: Any  # as the source's rows carry it (a tips.Category id, a channel code)
    code: str  # as cells, `by` filters and the API name it
    name: str  # shown to the reader


@dataclass(frozen=True)
class Dimension:
    """A breakdown a source offers besides period and place: the tips source's "category" and
    "channel", a community-models source's kind of model. Rows carry the key of the source's
    first dimension in `SourceRow.dimension_1`, of its second in `dimension_2`; a source
    asked for a dimension it does not declare is shown under that dimension's "all" item.
    Two sources declaring a dimension of the same name share it (declare the same object)."""

    name: str  # as in `by` ("category")
    label: str | Promise  # the column heading
    # Every item in the order of the tables (read at each roll-up that could name them).
    items: Callable[[], Sequence[DimensionItem]]
    # The item for values not broken down by this dimension; None: they are not listed.
    all_label: str | Promise | None = None
    # The message (with %(codes)s) for a filter naming an unknown code; None: unknown codes
    # are kept and match nothing.
    unknown: str | Promise | None = None
    # Offered as rows or columns on the pivot page.
    pivot: bool = True


@dataclass(frozen=True)
class SourceQuery:
    indicators: tuple[Indicator, ...]
    start: dt.date  # first day, inclusive
    end: dt.date  # last day, inclusive
    # AdminUnit ids of provinces as recorded (either generation); None: the whole country.
    province_ids: frozenset[int] | None
    # Which detail the roll-up needs; a source may ignore what it does not have.
    communes: bool = False
    # The source's own dimensions asked for (`Source.dimensions` names, e.g. "category").
    dimensions: frozenset[str] = frozenset()
    # Filters on the source's own dimensions: name -> the keys kept (as rows carry them, e.g.
    # tips.Category ids). A dimension without an entry is not filtered.
    filters: Mapping[str, frozenset[Any]] = field(default_factory=dict)


class SourceRow(NamedTuple):
    indicator: str  # Indicator.code
    start: dt.date  # the period the value is for
    end: dt.date
    province_id: int | None  # None: a central unit's own value (no place)
    commune_id: int | None
    value: int | Decimal
    # The keys of the source's first and second dimensions (`Source.dimensions`); 0 or "":
    # not broken down (the roll-up shows it under the dimension's "all" item).
    dimension_1: Any = 0
    dimension_2: Any = ""
    # The reporting unit, for indicators aggregated by "last" or "average" over time.
    unit: str = ""


class WideRows(NamedTuple):
    """A faster form for sources with many indicators per row: `indicators` names the values
    at the end of every row, laid out as (start, end, province_id, commune_id, dimension_1,
    dimension_2, unit, value_1, value_2, ...). `end` None means the end of the start's month;
    commune 0 or None means not known; a dimension's key 0 or "" means not broken down."""

    indicators: tuple[str, ...]
    rows: Iterable[tuple[Any, ...]]


@dataclass(frozen=True)
class CellMaps:
    """How the roll-up names its cells, for a source that can group by them in the database
    (`fetch_cells`). `dims` lists the dimensions of a row, in order, among "period", "place"
    and the source's own dimensions; a row carries an integer per dimension:

    - period: the index in `periods` of the bucket of the value's month (`months` maps the
      first day of each month of the query to its bucket; a month missing is outside it);
    - place: the index in `places` of the place where the value shows. `provinces` maps a
      recorded province to where its figures without a commune (or at a level above communes)
      show, `communes` a recorded commune to where its figures show; None is outside the
      query's unit. A commune missing from `communes` shows where its province's figures
      without a commune show;
    - a source's own dimension: its key as rows carry it (0: not broken down).

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
    # Its own dimensions, at most two, in the order of the rows' `dimension_1`, `dimension_2`.
    dimensions: tuple[Dimension, ...] = ()


_SOURCES: dict[str, Source] = {}


def register_source(
    code: str,
    fetch: Fetch | None,
    *,
    complete: bool,
    label: str = "",
    fetch_wide: FetchWide | None = None,
    fetch_cells: FetchCells | None = None,
    dimensions: Sequence[Dimension] = (),
) -> None:
    """Make `code` usable as `Indicator.source`. Registering again replaces the source (tests,
    reloads)."""
    if len(dimensions) > 2:
        msg = f"source {code}: rows carry at most two dimensions of their own"
        raise ValueError(msg)
    _SOURCES[code] = Source(
        code=code,
        fetch=fetch,
        complete=complete,
        label=label,
        fetch_wide=fetch_wide,
        fetch_cells=fetch_cells,
        dimensions=tuple(dimensions),
    )


def get_source(code: str) -> Source | None:
    return _SOURCES.get(code)


def source_codes() -> frozenset[str]:
    return frozenset(_SOURCES)


def dimensions() -> dict[str, Dimension]:
    """Every source's own dimensions by name, in the order the sources were registered."""
    found: dict[str, Dimension] = {}
    for source in _SOURCES.values():
        for dimension in source.dimensions:
            found.setdefault(dimension.name, dimension)
    return found


def dimension_names() -> tuple[str, ...]:
    """What a roll-up may be broken down by: period, place and the sources' dimensions."""
    return (PERIOD, PLACE, *dimensions())


# --- Summary sentences ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    """One sentence of the summary paragraph, in the reader's language."""

    text: str
    # About the period's flows (tips passed on, people commended): the first such sentence of
    # the paragraph opens with the period and the unit ("In 2023, in tỉnh Lào Cai, …"). False
    # for a stock with its own date ("As of 20/11/2023, … models"), which never takes them.
    flow: bool = True


@dataclass(frozen=True)
class SummaryScope:
    """What a source's summary figures are read for: a place and period in a geography, for a
    reader (None: no jurisdiction check, e.g. the command line), in a language."""

    place: Place
    period: Period
    geography: str
    user: AbstractBaseUser | AnonymousUser | None
    language: str


# Reads a source's figures for the paragraph (None: nothing to say), when the summary's figures
# are read (`toandan.stats.selectors.summary_figures`, the dashboard).
SummaryGather = Callable[[SummaryScope], Any]
# Words them, when the paragraph is written (`toandan.stats.vietnamese.summary_paragraph`): the
# paragraph's figures (unit name, period, the tips' figures) and what `gather` read.
SummaryWrite = Callable[["SummaryFigures", Any], Sequence[Sentence]]


@dataclass(frozen=True)
class SummarySentences:
    code: str
    weight: int
    write: SummaryWrite
    gather: SummaryGather | None = None


_SENTENCES: dict[str, SummarySentences] = {}


def register_summary_sentences(
    code: str, write: SummaryWrite, *, weight: int, gather: SummaryGather | None = None
) -> None:
    """Add a source's sentences to the summary paragraph, ordered by `weight` (tips 10; a
    stock such as the models active on a date, 20; commendations, 30). `gather(scope)` reads
    its figures with the summary's (None leaves the source out); `write(figures, gathered)`
    words them in the active language. Without `gather`, `write` gets None and words the
    paragraph's own figures (the tips'). Registering again replaces (tests, reloads)."""
    _SENTENCES[code] = SummarySentences(code=code, weight=weight, write=write, gather=gather)


def summary_sentences() -> list[SummarySentences]:
    """The registered sentences in paragraph order."""
    return sorted(_SENTENCES.values(), key=lambda entry: (entry.weight, entry.code))


def register_builtin_sources() -> None:
    """Called from StatsConfig.ready()."""
    from toandan.stats.selectors import fetch_reported
    from toandan.stats.summary import (
        TIP_DIMENSIONS,
        fetch_tips,
        fetch_tips_cells,
        fetch_tips_wide,
    )
    from toandan.stats.vietnamese import tip_sentences

    register_source(
        TIPS,
        fetch_tips,
        complete=True,
        label="tips",
        fetch_wide=fetch_tips_wide,
        fetch_cells=fetch_tips_cells,
        dimensions=TIP_DIMENSIONS,
    )
    register_source(REPORTS, fetch_reported, complete=False, label="reports")
    register_summary_sentences(TIPS, tip_sentences, weight=10)
    register_source(FORMULA, None, complete=False, label="formula")
