"""Community models in the statistics: a stock source (the value at the end of a period, not a
sum), the sentence of the summary paragraph ("Tính đến ngày 20/11/2023, theo thống kê trên cả
nước có tổng số 4.701 mô hình ..."), and the figures a model's review shows beside its
self-assessment (the tips of its commune and period and the time to the police's first
action on them, from the tip summary tables).

The models app does not import statistics: it declares `register_area_figures` and this module
fills it (see `toandan.stats.sources`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.db.models import Sum
from django.utils import timezone

from toandan.core.process_cache import ProcessCache
from toandan.geo.models import AdminUnit
from toandan.initiatives.models import Theme
from toandan.initiatives.selectors import (
    ALL_THEMES_LABEL,
    THEME_LABEL,
    AreaFigures,
    count_date_in,
    counts_on,
    register_area_figures,
    registry_is_empty,
)
from toandan.initiatives.stock import StockRow, stock_on
from toandan.stats.geography import LEVEL_COMMUNE, LEVEL_COUNTRY, LEVEL_PROVINCE
from toandan.stats.models import TipCommuneFact
from toandan.stats.registry import (
    Dimension,
    DimensionItem,
    Sentence,
    SourceQuery,
    SourceRow,
    SummaryScope,
    register_source,
    register_summary_sentences,
)
from toandan.stats.summary import month_end, next_month
from toandan.stats.vietnamese import SummaryFigures, models_sentence

SOURCE = "initiatives"
# Indicator.source_key -> the stock row's field.
MEASURES = {"models": "models", "sites": "sites", "teams": "teams", "members": "members"}


def _load_themes(_key: int) -> tuple[DimensionItem, ...]:
    return tuple(
        DimensionItem(t.pk, t.code, t.name) for t in Theme.objects.order_by("order", "code")
    )


# Read at every roll-up: kept per process, dropped when an administrator edits a theme.
_THEMES: ProcessCache[int, tuple[DimensionItem, ...]] = ProcessCache(
    "initiatives-theme-items", _load_themes, senders=[Theme]
)


def _themes() -> list[DimensionItem]:
    return list(_THEMES.get(0) or ())


THEME = Dimension("model_theme", THEME_LABEL, _themes, all_label=ALL_THEMES_LABEL)


def _month_ends(start: dt.date, end: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
    month = start.replace(day=1)
    while month <= end:
        yield max(month, start), min(month_end(month), end)
        month = next_month(month)


def fetch_models(query: SourceQuery) -> Iterable[SourceRow]:
    """The stock at the end of each month of the range (or of the range's last day), per
    commune (and theme when asked): a value of the "last" kind."""
    by_theme = THEME.name in query.dimensions
    wanted_themes = query.filters.get(THEME.name)
    for start, end in _month_ends(query.start, query.end):
        for row in stock_on(end, by_theme=by_theme):
            if query.province_ids is not None and row.province_id not in query.province_ids:
                continue
            if wanted_themes is not None and row.theme_id not in wanted_themes:
                continue
            for indicator in query.indicators:
                column = MEASURES.get(indicator.source_key or "models", "models")
                yield SourceRow(
                    indicator.code,
                    start,
                    end,
                    row.province_id,
                    row.commune_id,
                    _value(row, column),
                    row.theme_id if by_theme else 0,
                )


def _value(row: StockRow, column: str) -> int:
    return int(getattr(row, column))


def models_active(scope: SummaryScope) -> tuple[int, dt.date] | None:
    """The models active on the count day of the summary's period, in its place."""
    day = count_date_in(scope.period.start, scope.period.end, timezone.localdate())
    if day is None or registry_is_empty():
        return None  # an empty registry says nothing (not "0 models")
    place = scope.place
    if place.level == LEVEL_COUNTRY:
        return counts_on(day).models, day
    if place.level not in (LEVEL_PROVINCE, LEVEL_COMMUNE) or place.admin_unit_id is None:
        return None
    unit = AdminUnit.objects.filter(pk=place.admin_unit_id).first()
    if unit is None:
        return None
    geography = "old" if place.is_legacy else "current"
    counts = counts_on(day, by=place.level, geography=geography)
    found = next((r["models"] for r in counts.rows if r["code"] == unit.code), 0)
    return int(found), day


def models_words(figures: SummaryFigures, found: tuple[int, dt.date]) -> list[Sentence]:
    return [models_sentence(found[0], as_of=found[1], unit_name=figures.unit_name)]


def area_figures(commune: AdminUnit, start: dt.date, end: dt.date) -> AreaFigures | None:
    """Tips of the commune over the review period, from the tip summary tables (counted by the
    month received: the months the period touches): received, via the union, valuable, the
    average days to the decision and the average hours to the first police action."""
    rows = TipCommuneFact.objects.filter(
        commune_id=commune.pk, month__gte=start.replace(day=1), month__lte=end
    ).aggregate(
        received=Sum("received"),
        valuable=Sum("valuable"),
        union=Sum("union_received"),
        concluded=Sum("concluded"),
        days=Sum("decision_days"),
        acted=Sum("first_action"),
        hours=Sum("first_action_hours"),
    )
    if rows["received"] is None:
        return AreaFigures(0, 0, 0, None, None)
    concluded = rows["concluded"] or 0
    acted = rows["acted"] or 0
    return AreaFigures(
        tips_received=int(rows["received"] or 0),
        tips_via_union=int(rows["union"] or 0),
        tips_valuable=int(rows["valuable"] or 0),
        days_to_decision=(rows["days"] or 0) / concluded if concluded else None,
        hours_to_first_action=(rows["hours"] or 0) / acted if acted else None,
    )


def register() -> None:
    register_source(
        SOURCE,
        fetch_models,
        complete=False,
        label="community models",
        dimensions=(THEME,),
    )
    register_summary_sentences(SOURCE, models_words, weight=20, gather=models_active)
    register_area_figures(area_figures)
