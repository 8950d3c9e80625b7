"""The anti-fraud figures as a statistics source ("antifraud"): reports confirmed by officers
from fraud tips and the losses they state (by province, scam type), identifiers verified and
lookups made (national, no place), per month; and the anti-fraud sentence of the dashboard's
summary paragraph (`gather_fraud`: one query, whatever the places shown).

The indicator rows that name this source come with antifraud's migration 0004. The monthly
public page (`/fraud/statistics/`) reads the same tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy

from toandan.core.process_cache import ProcessCache
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
from toandan.stats.vietnamese import SummaryFigures, fraud_sentence

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


@dataclass(frozen=True)
class FraudFigures:
    reports: int
    losses_vnd: int
    verified: int | None  # None: not a national figure (a province's paragraph)
    lookups: int | None


def gather_fraud(scope: SummaryScope) -> FraudFigures | None:
    """The summary's figures in one query: reports and losses in the place (the country, or
    a current province by its code: reports keep the tip's province), and nationwide the
    identifiers verified and the checks made. None (no sentence) for other places and when
    there is nothing to say."""
    from toandan.antifraud.models import Indicator, IndicatorReport, IndicatorSource, LookupCount
    from toandan.geo.models import Generation

    place = scope.place
    national = place.level == "country"
    if not national and not (
        place.level == "province" and place.generation == Generation.CURRENT and place.key
    ):
        return None
    tz = timezone.get_current_timezone()
    low = dt.datetime.combine(scope.period.start, dt.time.min, tzinfo=tz)
    high = dt.datetime.combine(scope.period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    reports = IndicatorReport._meta.db_table
    in_place = "" if national else " AND province_code = %s"
    where = f"created_at >= %s AND created_at < %s{in_place}"
    params: list[Any] = [low, high] if national else [low, high, place.key]
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {reports} WHERE {where}), "  # noqa: S608 - table names
        f"(SELECT COALESCE(SUM(loss_vnd), 0) FROM {reports} WHERE {where})"
    )
    params = params * 2
    if national:
        sql += (
            f", (SELECT COUNT(*) FROM {Indicator._meta.db_table} WHERE source = %s"  # noqa: S608
            " AND verified_at >= %s AND verified_at < %s)"
            f", (SELECT COALESCE(SUM(count), 0) FROM {LookupCount._meta.db_table}"
            " WHERE day >= %s AND day <= %s)"
        )
        params += [IndicatorSource.POLICE.value, low, high, scope.period.start, scope.period.end]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    figures = FraudFigures(
        reports=int(row[0]),
        losses_vnd=int(row[1]),
        verified=int(row[2]) if national else None,
        lookups=int(row[3]) if national else None,
    )
    if not (figures.reports or figures.verified or figures.lookups):
        return None
    return figures


def write_fraud(figures: SummaryFigures, gathered: FraudFigures) -> list[Sentence]:
    return [
        fraud_sentence(
            reports=gathered.reports,
            losses_vnd=gathered.losses_vnd,
            verified=gathered.verified,
            lookups=gathered.lookups,
        )
    ]


def register() -> None:
    kind = Dimension(
        SCAM_TYPE, gettext_lazy("Scam type"), _scam_types, all_label=gettext_lazy("All scam types")
    )
    register_source(SOURCE, _fetch, complete=True, label="antifraud", dimensions=(kind,))
    register_summary_sentences(SOURCE, write_fraud, weight=40, gather=gather_fraud)
