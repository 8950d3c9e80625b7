"""The anti-fraud figures as a statistics source ("antifraud"): reports confirmed by officers
from fraud tips and the losses they state (by province, scam type), identifiers verified and
lookups made (national, no place), per month. No sentence in the dashboard's summary
paragraph yet: its query count is pinned, and the sentence's roll-up would add to every
dashboard; the public monthly page (`/fraud/statistics/`) has its own summary sentence.

The indicator rows that name this source come with antifraud's migration 0004. The monthly
public page (`/fraud/statistics/`) reads the same tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy

from toandan.core.process_cache import ProcessCache
from toandan.stats.registry import (
    Dimension,
    DimensionItem,
    SourceQuery,
    SourceRow,
    register_source,
)

SOURCE = "antifraud"
SCAM_TYPE = "fraud_scam_type"
REPORTS = "fraud_reports"
LOSSES = "fraud_losses_vnd"
VERIFIED = "fraud_verified"
LOOKUPS = "fraud_lookups"


def _load_scam_types(_key: None) -> tuple[tuple[int, str, str, str], ...]:
    from toandan.antifraud.models import ScamType

    return tuple((t.pk, t.code, t.name_vi, t.name_en) for t in ScamType.objects.all())


# Every roll-up asks each source for its dimensions' items: kept per process, dropped when an
# administrator saves a scam type (`toandan.core.process_cache`).
_scam_type_rows: ProcessCache[None, tuple[tuple[int, str, str, str], ...]] | None = None


def _scam_types() -> list[DimensionItem]:
    global _scam_type_rows  # noqa: PLW0603 - made once, after the apps are ready
    if _scam_type_rows is None:
        from toandan.antifraud.models import ScamType

        _scam_type_rows = ProcessCache(
            "stats.sources.antifraud.scam_types", _load_scam_types, senders=[ScamType]
        )
    english = (get_language() or "vi").startswith("en")
    return [
        DimensionItem(pk, code, (name_en if english and name_en else name_vi))
        for pk, code, name_vi, name_en in _scam_type_rows.get(None) or ()
    ]


def _month_end(start: dt.date) -> dt.date:
    return (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def _bounds(query: SourceQuery) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(query.start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(query.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def _inside(query: SourceQuery, start: dt.date) -> bool:
    return query.start <= start and _month_end(start) <= query.end


def _start(value: dt.date | dt.datetime) -> dt.date:
    return timezone.localdate(value) if isinstance(value, dt.datetime) else value


def _reports(query: SourceQuery, codes: set[str]) -> Iterable[SourceRow]:
    from toandan.antifraud.models import IndicatorReport
    from toandan.geo.models import AdminUnit, Generation, Level

    by_type = SCAM_TYPE in query.dimensions
    low, high = _bounds(query)
    provinces = dict(
        AdminUnit.objects.filter(generation=Generation.CURRENT, level=Level.PROVINCE).values_list(
            "code", "pk"
        )
    )
    rows = (
        IndicatorReport.objects.filter(created_at__gte=low, created_at__lt=high)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "province_code", "indicator__scam_type_id")
        .annotate(n=Count("id"), loss=Sum("loss_vnd"))
    )
    for row in rows:
        start = _start(row["month"])
        province_id = provinces.get(row["province_code"])
        if not _inside(query, start) or (
            query.province_ids is not None and province_id not in query.province_ids
        ):
            continue
        kind = (row["indicator__scam_type_id"] or 0) if by_type else 0
        end = _month_end(start)
        if REPORTS in codes:
            yield SourceRow(REPORTS, start, end, province_id, None, row["n"], kind)
        if LOSSES in codes:
            yield SourceRow(LOSSES, start, end, province_id, None, row["loss"] or 0, kind)


def _verified(query: SourceQuery) -> Iterable[SourceRow]:
    from toandan.antifraud.models import Indicator, IndicatorSource

    by_type = SCAM_TYPE in query.dimensions
    low, high = _bounds(query)
    rows = (
        Indicator.objects.filter(
            source=IndicatorSource.POLICE, verified_at__gte=low, verified_at__lt=high
        )
        .annotate(month=TruncMonth("verified_at"))
        .values("month", "scam_type_id")
        .annotate(n=Count("id"))
    )
    for row in rows:
        start = _start(row["month"])
        if _inside(query, start):
            kind = (row["scam_type_id"] or 0) if by_type else 0
            yield SourceRow(VERIFIED, start, _month_end(start), None, None, row["n"], kind)


def _lookups(query: SourceQuery) -> Iterable[SourceRow]:
    from toandan.antifraud.models import LookupCount

    rows = (
        LookupCount.objects.filter(day__gte=query.start, day__lte=query.end)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(n=Sum("count"))
    )
    for row in rows:
        start = _start(row["month"])
        if _inside(query, start):
            yield SourceRow(LOOKUPS, start, _month_end(start), None, None, row["n"] or 0)


def _fetch(query: SourceQuery) -> Iterable[SourceRow]:
    """Reports and losses where the tip was (its province), per month and scam type; the
    verified indicators and the checks are national figures (no place)."""
    codes = {indicator.code for indicator in query.indicators}
    if codes & {REPORTS, LOSSES}:
        yield from _reports(query, codes)
    national = query.province_ids is None
    if VERIFIED in codes and national:
        yield from _verified(query)
    if LOOKUPS in codes and national and SCAM_TYPE not in query.dimensions:
        yield from _lookups(query)


def register() -> None:
    kind = Dimension(
        SCAM_TYPE, gettext_lazy("Scam type"), _scam_types, all_label=gettext_lazy("All scam types")
    )
    register_source(SOURCE, _fetch, complete=True, label="antifraud", dimensions=(kind,))
