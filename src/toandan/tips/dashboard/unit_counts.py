"""What each police unit did each month (`UnitMonthCount`), kept current with the tips.

The unit dashboard shows, per unit and side by side for a province's communes, figures over
months: the median time from receipt to the first action, the share of tips decided within the
deadline, the valuable tips of this month. Read from the tips, they cost a scan of every tip of
the period (about a second for Hà Nội on a million tips); read from here, a few rows per unit.

The tips app calls `unit_counts_on_tip_change(before, after)` (`TipsConfig.ready()` subscribes
it to the event `toandan.tips.events.TIP_CHANGED`) inside the transaction
that records the tip or its change, with the tip's facts (`timeline.FACT_FIELDS`) before and
after. The hook returns the UPSERT that subtracts what the tip counted for and adds what it
counts for now (`INSERT … ON CONFLICT (org_unit_id, month) DO UPDATE SET x = x + excluded.x`,
PostgreSQL and SQLite ≥ 3.24 alike); `timeline.tip_changed` runs it in the same transaction, so
a rolled-back change rolls its counts back too.

What a tip counts for (`tip_counts` for the hook; `unit_counts_recount` counts the same in SQL,
and the tests hold the two together), always for its responsible unit of now, in the Vietnam
calendar month of the relevant date:
- `received`: the month of receipt;
- `concluded`, `decided` (concluded with a known timeliness), `decided_in_time` and `valuable`
  (concluded and marked valuable): the month of the conclusion, so "valuable this month" means
  valuable tips concluded this month; merged tips are not concluded;
- `first_action_count` and one band of the histogram of hours from receipt to the first action
  (`FIRST_ACTION_BANDS`: within 1, 2, 4, 8, 12, 24, 48, 72, 168 hours, or later): the month of
  the first action. A median read from it is a band, not a number of minutes (`median_band`).

The retention purge deletes tips without calling the hook: the counts are not personal data and
outlive the tips. A recount from the tips cannot see purged tips, so `unit_counts_rebuild`
starts, unless told otherwise, at `purge_horizon()`: the first month none of whose tips can have
been purged yet.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from toandan.core.sql import Statement, add_counts_statements, execute_together
from toandan.tips.deadlines import LOCAL_TZ, local_date
from toandan.tips.models import Tip, TipStatus, UnitMonthCount

# Upper bounds, in hours, of the bands of time to the first action; one more band for later.
FIRST_ACTION_BANDS: tuple[int, ...] = (1, 2, 4, 8, 12, 24, 48, 72, 168)
BAND_COLUMNS: tuple[str, ...] = (
    *(f"first_action_{hours}h" for hours in FIRST_ACTION_BANDS),
    "first_action_later",
)
MEASURES: tuple[str, ...] = (
    "received",
    "concluded",
    "decided",
    "decided_in_time",
    "valuable",
    "first_action_count",
    *BAND_COLUMNS,
)
KEY_COLUMNS = ("org_unit_id", "month")

Key = tuple[int, dt.date]  # (unit id, first day of the month)
Counts = dict[str, int]
_BAND_LIMITS = tuple(dt.timedelta(hours=hours) for hours in FIRST_ACTION_BANDS)


def month_of(moment: dt.datetime) -> dt.date:
    return local_date(moment).replace(day=1)


def month_start(month: dt.date) -> dt.datetime:
    """The first instant of a month in Vietnam."""
    return dt.datetime.combine(month.replace(day=1), dt.time(0, 0), tzinfo=LOCAL_TZ)


def band_of(delay: dt.timedelta) -> int:
    """The index of the band holding a time to the first action (bounds included: exactly
    one hour is "within 1 hour"); an action recorded before the receipt time counts as
    immediate."""
    for index, limit in enumerate(_BAND_LIMITS):
        if delay <= limit:
            return index
    return len(_BAND_LIMITS)


def median_band(histogram: Sequence[int]) -> int | None:
    """The band holding the median time to the first action: the band of the ⌈n/2⌉-th
    shortest time (the lower median when n is even), so at least half of the tips had their
    first action within that band's upper bound. None when the histogram is empty."""
    total = sum(histogram)
    if not total:
        return None
    seen = 0
    for index, count in enumerate(histogram):
        seen += count
        if 2 * seen >= total:
            return index
    raise AssertionError  # unreachable: the counts add up to the total


# --- What one tip counts for -------------------------------------------------------------------


def tip_counts(facts: Mapping[str, Any]) -> dict[Key, Counts]:
    """The counts one tip adds, by (unit, month). A tip without a responsible unit counts
    nowhere (no unit's dashboard would show it)."""
    unit = facts["responsible_unit_id"]
    if unit is None:
        return {}
    result: dict[Key, Counts] = defaultdict(dict)

    def add(moment: dt.datetime, name: str) -> None:
        row = result[(int(unit), month_of(moment))]
        row[name] = row.get(name, 0) + 1

    received = facts["received_at"]
    add(received, "received")
    concluded = facts["concluded_at"]
    if facts["status"] == TipStatus.CONCLUDED and concluded is not None:
        add(concluded, "concluded")
        if facts["decided_in_time"] is not None:
            add(concluded, "decided")
            if facts["decided_in_time"]:
                add(concluded, "decided_in_time")
        if facts["valuable"] is True:
            add(concluded, "valuable")
    acted = facts["first_action_at"]
    if acted is not None:
        add(acted, "first_action_count")
        add(acted, BAND_COLUMNS[band_of(acted - received)])
    return dict(result)


def _add(target: dict[Key, Counts], counts: Mapping[Key, Mapping[str, int]], sign: int) -> None:
    for key, measures in counts.items():
        row = target.setdefault(key, {})
        for name, value in measures.items():
            row[name] = row.get(name, 0) + sign * value


def _nonzero(counts: Mapping[Key, Mapping[str, int]]) -> dict[Key, Counts]:
    result: dict[Key, Counts] = {}
    for key, measures in counts.items():
        kept = {name: value for name, value in measures.items() if value}
        if kept:
            result[key] = kept
    return result


# --- Keeping the table current -----------------------------------------------------------------


def unit_counts_statements(deltas: Mapping[Key, Mapping[str, int]]) -> list[Statement]:
    """Upserts adding signed counts to the table (its keys are distinct), keys in sorted
    order, so two transactions touching the same rows lock them in the same order and cannot
    deadlock."""
    return add_counts_statements(
        UnitMonthCount._meta.db_table, KEY_COLUMNS, MEASURES, _nonzero(deltas)
    )


def unit_counts_add(deltas: Mapping[Key, Mapping[str, int]]) -> int:
    """Add signed counts to the table, in the caller's transaction; returns the rows touched.
    Also for bulk loaders that write tips without the hook (pass the sum of `tip_counts` of
    their tips)."""
    statements = unit_counts_statements(deltas)
    execute_together(statements)
    return len(_nonzero(deltas))


def unit_counts_on_tip_change(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[Statement]:
    """The hook: the upsert subtracting what the tip counted for and adding what it counts for
    now (run by `toandan.tips.handling.timeline.tip_changed` with the other hooks' statements)."""
    deltas: dict[Key, Counts] = {}
    if before is not None:
        _add(deltas, tip_counts(before), -1)
    if after is not None:
        _add(deltas, tip_counts(after), 1)
    return unit_counts_statements(deltas)


# --- Recount and repair ------------------------------------------------------------------------


def _since(queryset: models.QuerySet[Tip], field: str, since: dt.date | None) -> Any:
    return queryset if since is None else queryset.filter(**{f"{field}__gte": month_start(since)})


def _by_unit_month(queryset: models.QuerySet[Tip], field: str, since: dt.date | None) -> Any:
    return (
        _since(queryset, field, since)
        .annotate(month=TruncMonth(field, output_field=models.DateField(), tzinfo=LOCAL_TZ))
        .order_by()
    )


def unit_counts_recount(*, since: dt.date | None = None) -> dict[Key, Counts]:
    """Count from the tips what falls in the months from `since` on (every month when None).

    Three grouped queries (by the month of receipt, of conclusion, of the first action), in
    SQL: a million tips take seconds, not the minutes of reading them one by one. Written
    apart from `tip_counts` on purpose: the tests check that the hook, counting in Python
    change by change, ends where this recount does.
    """
    tips = Tip.objects.filter(responsible_unit__isnull=False)
    result: dict[Key, Counts] = {}

    def put(unit: int, month: dt.date, **counts: int) -> None:
        _add(result, {(unit, month): counts}, 1)

    received = _by_unit_month(tips, "received_at", since)
    for unit, month, n in received.values_list("responsible_unit_id", "month").annotate(
        n=Count("*")
    ):
        put(unit, month, received=n)
    concluded = _by_unit_month(
        tips.filter(status=TipStatus.CONCLUDED, concluded_at__isnull=False), "concluded_at", since
    )
    for unit, month, n, decided, in_time, valuable in concluded.values_list(
        "responsible_unit_id", "month"
    ).annotate(
        n=Count("*"),
        decided=Count("id", filter=Q(decided_in_time__isnull=False)),
        in_time=Count("id", filter=Q(decided_in_time=True)),
        valuable=Count("id", filter=Q(valuable=True)),
    ):
        put(
            unit,
            month,
            concluded=n,
            decided=decided,
            decided_in_time=in_time,
            valuable=valuable,
        )
    band = Case(
        *(
            When(first_action_at__lte=F("received_at") + limit, then=Value(index))
            for index, limit in enumerate(_BAND_LIMITS)
        ),
        default=Value(len(_BAND_LIMITS)),
        output_field=models.IntegerField(),
    )
    acted = _by_unit_month(tips.filter(first_action_at__isnull=False), "first_action_at", since)
    for unit, month, index, n in (
        acted.annotate(band=band)
        .values_list("responsible_unit_id", "month", "band")
        .annotate(n=Count("*"))
    ):
        put(unit, month, first_action_count=n, **{BAND_COLUMNS[index]: n})
    return _nonzero(result)


def unit_counts_stored(*, since: dt.date | None = None) -> dict[Key, Counts]:
    """The rows of the table from `since` on (every month when None), zero counts left out."""
    rows = UnitMonthCount.objects.all()
    if since is not None:
        rows = rows.filter(month__gte=since)
    result: dict[Key, Counts] = {}
    for values in rows.values_list(*KEY_COLUMNS, *MEASURES).iterator(chunk_size=10_000):
        result[(values[0], values[1])] = dict(zip(MEASURES, values[2:], strict=True))
    return _nonzero(result)


def purge_horizon(today: dt.date | None = None) -> dt.date:
    """The first month none of whose counts can come from a purged tip: tips received
    `TOANDAN_TIP_RETENTION_DAYS` ago or earlier may be gone (a tip's counts fall in the month of
    its receipt or later; one concluded years after its receipt, after a long suspension, is
    the exception a recount from here could still miss)."""
    today = today or timezone.localdate()
    oldest_kept = today - dt.timedelta(days=int(settings.TOANDAN_TIP_RETENTION_DAYS))
    first = oldest_kept.replace(day=1)
    return first if oldest_kept.day == 1 else (first + dt.timedelta(days=32)).replace(day=1)


@dataclass
class RebuildResult:
    since: dt.date | None
    rows_before: int = 0
    rows_after: int = 0
    differences: list[Key] = field(default_factory=list)


def _lock_table() -> None:
    # PostgreSQL: tip changes wait (their UPSERT needs ROW EXCLUSIVE) until the rebuild
    # commits, and the recount sees every change committed before the lock. SQLite has one
    # writer at a time anyway.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(UnitMonthCount._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")


def unit_counts_rebuild(*, since: dt.date | None = None, check: bool = False) -> RebuildResult:
    """Replace the rows of the months from `since` on (every month when None) by a recount of
    the tips; with `check`, only compare and list the differing keys. For repair, and after
    tips were written in bulk without the hook (benchmarks, imports).

    Counts of tips the retention purge deleted are lost from the months rebuilt: start at
    `purge_horizon()` unless none were purged.
    """
    since = since.replace(day=1) if since is not None else None
    result = RebuildResult(since=since)
    with transaction.atomic():
        if not check:
            _lock_table()
        counted = unit_counts_recount(since=since)
        current = unit_counts_stored(since=since)
        result.rows_before, result.rows_after = len(current), len(counted)
        result.differences = sorted(
            key for key in set(counted) | set(current) if counted.get(key) != current.get(key)
        )
        if check:
            return result
        stale = UnitMonthCount.objects.all()
        if since is not None:
            stale = stale.filter(month__gte=since)
        stale.delete()
        UnitMonthCount.objects.bulk_create(
            (
                UnitMonthCount(org_unit_id=unit, month=month, **counts)
                for (unit, month), counts in sorted(counted.items())
            ),
            batch_size=2000,
        )
        from toandan.audit.services import audit_record
        from toandan.tips.audit_actions import TipsAction

        audit_record(
            actor=None,
            action=TipsAction.UNIT_COUNTS_REBUILD,
            object_type="tips.unitmonthcount",
            reason="unit month counts recounted from the tips",
            data={
                "since": f"{since:%Y-%m}" if since else None,
                "rows_before": result.rows_before,
                "rows_after": result.rows_after,
                "rows_changed": len(result.differences),
            },
        )
    return result
