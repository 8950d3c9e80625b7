"""The summary tables of tips, kept current in the transaction of every tip change.

DHIS2 shows figures only after its analytics tables are rebuilt; here there is no lag. The tips
app calls `tip_change_statements(before, after)` (`StatsConfig.ready()` subscribes it to the
event `toandan.tips.events.TIP_CHANGED`) inside the transaction that records the tip or
its transition, with the tip's counted fields before and after. The hook returns the upserts
that subtract what the tip counted for before and add what it counts for now, one per table
(`INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x`, on PostgreSQL and SQLite alike): the
fine table, and the province and commune tables that answer national roll-ups and drill-downs
quickly. The tips app runs them in the same transaction (one round trip on PostgreSQL, with the
other hooks' statements), so a roll-back of the change rolls the counts back too.

A tip is counted in the month it was received (its cohort, in Vietnam time), at the place
recorded at intake (tips received before 01/07/2025 stay in the old units; roll-ups
re-aggregate them), so a decision months later updates the same row.

The retention purge deletes tips WITHOUT calling the hook: the counts are not personal data and
must outlive the tips. That is why `rebuild` works on an explicit month range and refuses, unless
told otherwise, months whose tips may already have been purged (a recount would lose them).
The hook and the rebuild share `tip_measures`, so they cannot count differently.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    DateField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from toandan.audit.services import audit_chain_lock, audit_record
from toandan.core.sql import Statement, add_counts_statements, execute_together
from toandan.stats.audit_actions import StatsAction
from toandan.stats.models import TIP_MEASURES, TipCommuneFact, TipFact, TipProvinceFact
from toandan.stats.registry import (
    CellMaps,
    Dimension,
    DimensionItem,
    SourceQuery,
    SourceRow,
    WideRows,
)

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# The key of a fine row: month, province id, commune id or 0, category id, channel, union unit
# id or 0.
FactKey = tuple[dt.date, int, int, int, str, int]
ProvinceKey = tuple[dt.date, int, int]
CommuneKey = tuple[dt.date, int, int]
Measures = dict[str, int]

FACT_KEY_COLUMNS = ("month", "province_id", "commune_id", "category_id", "channel", "union_unit_id")
PROVINCE_KEY_COLUMNS = ("month", "province_id", "category_id")
COMMUNE_KEY_COLUMNS = ("month", "province_id", "commune_id")
UNION_MEASURES = ("union_received", "union_valuable")
PROVINCE_MEASURES = TIP_MEASURES + UNION_MEASURES
# Measures whose value in one row may not fit a 32-bit integer (money).
WIDE_MEASURES = frozenset({"property_recovered", "decision_days", "first_action_hours"})
# What the "tips" source offers as `Indicator.source_key`.
TIP_SOURCE_KEYS = frozenset(PROVINCE_MEASURES)


def month_of(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LOCAL_TZ).date().replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=LOCAL_TZ)


# --- What one tip counts for -------------------------------------------------------------------


def fact_key(facts: Mapping[str, Any]) -> FactKey:
    return (
        month_of(facts["received_at"]),
        int(facts["province_id"]),
        int(facts["commune_id"] or 0),
        int(facts["category_id"]),
        str(facts["channel"]),
        int(facts["union_branch_id"] or 0),
    )


def tip_measures(facts: Mapping[str, Any]) -> Measures:
    """The counts one tip adds to its row (the fields of
    `toandan.tips.handling.timeline.FACT_FIELDS`)."""
    status = facts["status"]
    concluded = status == "concluded"
    outcome = facts["outcome"] if concluded else ""
    days = 0
    if concluded and facts["concluded_at"] is not None:
        days = (
            facts["concluded_at"].astimezone(LOCAL_TZ).date()
            - facts["received_at"].astimezone(LOCAL_TZ).date()
        ).days
    return {
        "received": 1,
        "valuable": int(facts["valuable"] is True),
        "assessed": int(facts["valuable"] is not None),
        "concluded": int(concluded),
        "decided_in_time": int(concluded and facts["decided_in_time"] is True),
        "prosecuted": int(outcome == "prosecuted"),
        "not_prosecuted": int(outcome == "not_prosecuted"),
        "handed_over": int(outcome == "handed_over"),
        "merged": int(status == "merged"),
        "decision_days": max(days, 0),
        "arrested": int(facts["arrested_count"] or 0),
        "property_recovered": int(facts["property_recovered_vnd"] or 0),
        **first_action_measures(facts["received_at"], facts.get("first_action_at")),
    }


def first_action_measures(received_at: dt.datetime, acted_at: dt.datetime | None) -> Measures:
    """A tip's first police action: counted once it happened, with the whole hours since the
    tip was received (the average is their sum over their count)."""
    if acted_at is None:
        return {"first_action": 0, "first_action_hours": 0}
    hours = int((acted_at - received_at).total_seconds() // 3600)
    return {"first_action": 1, "first_action_hours": max(hours, 0)}


def _add(target: Measures, measures: Mapping[str, int], sign: int) -> None:
    for name, value in measures.items():
        if value:
            target[name] = target.get(name, 0) + sign * value


def _coarser_rows(
    fine: Mapping[FactKey, Mapping[str, int]], key: Callable[[FactKey], tuple[dt.date, int, int]]
) -> dict[tuple[dt.date, int, int], Measures]:
    result: dict[tuple[dt.date, int, int], Measures] = defaultdict(dict)
    for fine_key, measures in fine.items():
        row = result[key(fine_key)]
        _add(row, measures, 1)
        if fine_key[5]:  # a union unit was named
            for name, source in (("union_received", "received"), ("union_valuable", "valuable")):
                if measures.get(source):
                    row[name] = row.get(name, 0) + measures[source]
    return dict(result)


def province_rows(fine: Mapping[FactKey, Mapping[str, int]]) -> dict[ProvinceKey, Measures]:
    """The province-grain rows of some fine rows (deltas or whole counts)."""
    return _coarser_rows(fine, lambda k: (k[0], k[1], k[3]))


def commune_rows(fine: Mapping[FactKey, Mapping[str, int]]) -> dict[CommuneKey, Measures]:
    """The commune-grain rows (month, province, commune) of some fine rows."""
    return _coarser_rows(fine, lambda k: (k[0], k[1], k[2]))


# The coarser tables, each with its key and the function deriving its rows from fine rows.
COARSER_TABLES: tuple[
    tuple[
        type[TipProvinceFact] | type[TipCommuneFact],
        tuple[str, ...],
        Callable[[Mapping[FactKey, Mapping[str, int]]], dict[tuple[dt.date, int, int], Measures]],
    ],
    ...,
] = (
    (TipProvinceFact, PROVINCE_KEY_COLUMNS, province_rows),
    (TipCommuneFact, COMMUNE_KEY_COLUMNS, commune_rows),
)


# --- Keeping the tables current ----------------------------------------------------------------


def delta_statements(deltas: Mapping[FactKey, Mapping[str, int]]) -> list[Statement]:
    """The upserts adding signed counts to the three tables: keys in sorted order and the
    tables always in the same order, so two transactions touching the same rows lock them in
    the same order and cannot deadlock."""
    fine = {key: dict(m) for key, m in deltas.items() if any(m.values())}
    if not fine:
        return []
    statements = add_counts_statements(TipFact._meta.db_table, FACT_KEY_COLUMNS, TIP_MEASURES, fine)
    for model, keys, derive in COARSER_TABLES:
        statements += add_counts_statements(
            model._meta.db_table, keys, PROVINCE_MEASURES, derive(fine)
        )
    return statements


def apply_deltas(deltas: Mapping[FactKey, Mapping[str, int]]) -> None:
    """Add signed counts to the three tables, in one round trip on PostgreSQL."""
    execute_together(delta_statements(deltas))


def tip_change_statements(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[Statement]:
    """The hook: the upserts subtracting what the tip counted for and adding what it counts
    for now. `toandan.tips.handling.timeline.tip_changed` runs them with the other hooks' statements
    in one round trip (the intake holds its register lock meanwhile)."""
    deltas: dict[FactKey, Measures] = defaultdict(dict)
    if before is not None:
        _add(deltas[fact_key(before)], tip_measures(before), -1)
    if after is not None:
        _add(deltas[fact_key(after)], tip_measures(after), 1)
    return delta_statements(deltas)


def on_tip_change(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> None:
    """The hook's statements, run at once (for callers outside `tip_changed`)."""
    execute_together(tip_change_statements(before, after))


# --- Reading (the "tips" source) ---------------------------------------------------------------

CATEGORY = "category"
CHANNEL = "channel"


def _category_items() -> list[DimensionItem]:
    from toandan.tips.models import Category

    # Every category, retired ones too: their tips still count in the years they were used.
    return [
        DimensionItem(c.pk, c.code, c.localized_name())
        for c in Category.objects.order_by("order", "code")
    ]


def _channel_items() -> list[DimensionItem]:
    from toandan.tips.models import Channel

    return [DimensionItem(str(value), str(value), str(label)) for value, label in Channel.choices]


# The tips source's own dimensions: the category id in a row's first dimension, the channel in
# its second (the summary tables' columns).
TIP_DIMENSIONS = (
    Dimension(
        CATEGORY,
        _("Category"),
        _category_items,
        all_label=_("All categories"),
        unknown=_("Unknown category: %(codes)s."),
    ),
    # Not on the pivot page, which has never offered it (the API and exports do).
    Dimension(CHANNEL, _("Channel"), _channel_items, pivot=False),
)


def _asks(query: SourceQuery, dimension: str) -> bool:
    """True when the query breaks the tips down by `dimension` or filters on it."""
    return dimension in query.dimensions or dimension in query.filters


def _measure_expression(name: str, *, fine: bool) -> Any:
    if not fine or name not in UNION_MEASURES:
        return Sum(name)
    source = "received" if name == "union_received" else "valuable"
    return Sum(Case(When(~Q(union_unit_id=0), then=F(source)), default=0))


def _summary_table(
    query: SourceQuery,
) -> tuple[type[TipFact] | type[TipProvinceFact] | type[TipCommuneFact], tuple[str, ...]]:
    """The smallest summary table that answers `query`, and its key columns: the province
    table for every query without commune or channel detail (the national roll-up reads about
    ten thousand rows), the commune table for communes without category or channel (a
    province's drill-down), the fine table for the rest."""
    channels = _asks(query, CHANNEL)
    categories = _asks(query, CATEGORY)
    if not query.communes and not channels:
        return TipProvinceFact, PROVINCE_KEY_COLUMNS
    if not channels and not categories:
        return TipCommuneFact, COMMUNE_KEY_COLUMNS
    return TipFact, FACT_KEY_COLUMNS


def _summary_rows(query: SourceQuery, measures: list[str]) -> Iterable[tuple[Any, ...]]:
    """Rows of the summary table that answers `query`, already in the wide layout (start, end,
    province, commune, category, channel, unit, *measures): the database lays them out, so
    no Python work is spent per row here. `end` is None (the end of the start's month), and
    detail not asked for is 0 or ""."""
    model, key_columns = _summary_table(query)
    fine = model is TipFact
    zero, blank = Value(0, output_field=IntegerField()), Value("", output_field=CharField())
    columns: list[Any] = [
        "month",
        Value(None, output_field=DateField()),
        "province_id",
        "commune_id" if query.communes else zero,
        "category_id" if CATEGORY in query.dimensions else zero,
        "channel" if CHANNEL in query.dimensions else blank,
        blank,
    ]
    group = [c for c in columns if isinstance(c, str)]
    queryset: QuerySet[Any] = _filtered(model, query)
    if not fine and set(group) == set(key_columns):
        # The grouping is the table's own key: the rows are already the groups.
        return _raw(queryset.values_list(*columns, *measures))
    unique = sorted(set(measures))
    return _raw(
        queryset.values(*group)
        .order_by()
        .annotate(
            **{f"m_{m}": Cast(_measure_expression(m, fine=fine), BigIntegerField()) for m in unique}
        )
        .values_list(*columns, *(f"m_{m}" for m in measures))
    )


def _filtered(
    model: type[TipFact] | type[TipProvinceFact] | type[TipCommuneFact], query: SourceQuery
) -> QuerySet[Any]:
    """The rows of `model` within the query's months, provinces, categories and channels."""
    queryset: QuerySet[Any] = model.objects.filter(
        month__gte=query.start.replace(day=1), month__lte=query.end
    )
    if query.province_ids is not None:
        queryset = queryset.filter(province_id__in=sorted(query.province_ids))
    if CATEGORY in query.filters:
        queryset = queryset.filter(category_id__in=sorted(query.filters[CATEGORY]))
    if CHANNEL in query.filters:
        queryset = queryset.filter(channel__in=sorted(query.filters[CHANNEL]))
    return queryset


def _raw(queryset: QuerySet[Any]) -> Iterable[tuple[Any, ...]]:
    """The rows of a values_list, fetched at once. On PostgreSQL straight from the cursor:
    psycopg already gives dates, ints and None, and Django's per-row converters cost more than
    the query for the national roll-up's ten thousand rows. SQLite needs the converters (its
    dates are text)."""
    database = connections[queryset.db]
    if database.vendor != "postgresql":
        return cast("Iterable[tuple[Any, ...]]", queryset)
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        return cast("list[tuple[Any, ...]]", cursor.fetchall())


def fetch_tips_wide(query: SourceQuery) -> WideRows:
    """The "tips" source, one row per summary row with every indicator's value side by side
    (the roll-up then places each row once, however many indicators are asked for)."""
    wanted = [(i.code, i.source_key) for i in query.indicators if i.source_key in TIP_SOURCE_KEYS]
    if not wanted:
        return WideRows((), ())
    rows = _summary_rows(query, [key for _code, key in wanted])
    return WideRows(tuple(code for code, _key in wanted), rows)


def fetch_tips_cells(query: SourceQuery, maps: CellMaps) -> WideRows | None:
    """The "tips" source summed per cell by PostgreSQL: the summary rows are joined to the
    roll-up's numbering of months, places and categories (passed as arrays) and grouped by it,
    so a national roll-up in today's geography returns one row per (month, province, category)
    already re-aggregated, and Python only files the rows. Integers throughout: psycopg makes
    them fastest, and PostgreSQL groups them fastest. None on other databases (the roll-up then
    places the `fetch_tips_wide` rows itself, with the same result)."""
    if connection.vendor != "postgresql" or any(d not in CELL_DIMS for d in maps.dims):
        return None
    wanted = [(i.code, i.source_key) for i in query.indicators if i.source_key in TIP_SOURCE_KEYS]
    if not wanted:
        return WideRows((), ())
    model, _keys = _summary_table(query)
    # Grouping is skipped when every row is already one cell: the province table, whose key
    # (month, province, category) is exactly the dimensions asked for, each numbered one to
    # one. Not the commune table: a commune the numbering does not list shares its province's
    # number with the province's rows without a commune.
    grouped = (
        model is not TipProvinceFact
        or not maps.injective
        or set(maps.dims) != {"period", "place", "category"}
    )
    joins, params, place = _cell_joins(query, maps)
    expressions = {"period": "b.i", "place": place, "category": "f.category_id"}
    select = [expressions[d] for d in maps.dims]
    select += _cell_values([key for _code, key in wanted], fine=model is TipFact, grouped=grouped)
    where, where_params = _cell_filters(query, place)
    group = ""
    if grouped and maps.dims:
        group = f" GROUP BY {', '.join(str(n) for n in range(1, len(maps.dims) + 1))}"
    table = connection.ops.quote_name(model._meta.db_table)
    sql = (
        f"SELECT {', '.join(select)} FROM {table} f "  # noqa: S608 - names from the models and fixed expressions
        f"{' '.join(joins)} WHERE {' AND '.join(where)}{group}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *where_params])
        rows = cursor.fetchall()
    return WideRows(tuple(code for code, _key in wanted), rows)


# The dimensions `fetch_tips_cells` numbers (a channel is text: those roll-ups take the
# general way).
CELL_DIMS = frozenset({"period", "place", "category"})


def _cell_joins(query: SourceQuery, maps: CellMaps) -> tuple[list[str], list[Any], str]:
    """The joins numbering a summary row `f`'s month (b.i) and place, their parameters (the
    numbering as arrays), and the expression of the place's number."""
    joins = ["JOIN unnest(%s::date[], %s::int[]) AS b(month, i) ON b.month = f.month"]
    params: list[Any] = [[m for m, _i in maps.months], [i for _m, i in maps.months]]
    provinces = [(pid, i) for pid, i in maps.provinces if i is not None]
    province_join = "JOIN unnest(%s::bigint[], %s::int[]) AS pm(id, i) ON pm.id = f.province_id"
    place = "pm.i"
    if query.communes:
        # A commune the numbering lists takes its own number; any other, its province's.
        joins.append(
            "LEFT JOIN unnest(%s::bigint[], %s::int[]) AS cm(id, i) ON cm.id = f.commune_id"
        )
        params += [[c for c, _i in maps.communes], [i for _c, i in maps.communes]]
        province_join = "LEFT " + province_join
        place = "(CASE WHEN cm.id IS NOT NULL THEN cm.i ELSE pm.i END)"
    joins.append(province_join)
    params += [[p for p, _i in provinces], [i for _p, i in provinces]]
    return joins, params, place


def _cell_values(measures: list[str], *, fine: bool, grouped: bool) -> list[str]:
    values = []
    for key in measures:
        value = f"f.{key}"
        if fine and key in UNION_MEASURES:
            source = "received" if key == "union_received" else "valuable"
            value = f"CASE WHEN f.union_unit_id <> 0 THEN f.{source} ELSE 0 END"
        if not grouped:
            values.append(value)
        elif key in WIDE_MEASURES:
            values.append(f"SUM({value})::bigint")
        else:
            # SUM of a bigint is a numeric, slow to add up and to fetch; one row's count fits
            # an integer, whose SUM is a bigint.
            values.append(f"SUM(({value})::int)")
    return values


def _cell_filters(query: SourceQuery, place: str) -> tuple[list[str], list[Any]]:
    where = ["f.month >= %s", "f.month <= %s", f"{place} IS NOT NULL"]
    params: list[Any] = [query.start.replace(day=1), query.end]
    if query.province_ids is not None:
        where.append("f.province_id = ANY(%s::bigint[])")
        params.append(sorted(query.province_ids))
    if CATEGORY in query.filters:
        where.append("f.category_id = ANY(%s::bigint[])")
        params.append(sorted(query.filters[CATEGORY]))
    if CHANNEL in query.filters:
        where.append("f.channel = ANY(%s::text[])")
        params.append(sorted(query.filters[CHANNEL]))
    return where, params


def fetch_tips(query: SourceQuery) -> Iterator[SourceRow]:
    """The "tips" source, one row per value (the simple form every source may use)."""
    codes, rows = fetch_tips_wide(query)
    for start, _end, province, commune, category, channel, unit, *values in rows:
        end = month_end(start)
        for code, value in zip(codes, values, strict=True):
            if value:
                yield SourceRow(
                    code, start, end, province, commune or None, value, category, channel, unit
                )


# --- Recount and rebuild -----------------------------------------------------------------------

_RECOUNT_FIELDS = (
    "province_id",
    "commune_id",
    "category_id",
    "channel",
    "union_branch_id",
    "received_at",
    "status",
    "outcome",
    "concluded_at",
    "decided_in_time",
    "valuable",
    "arrested_count",
    "property_recovered_vnd",
    "first_action_at",
)


def recount(first_month: dt.date, last_month: dt.date) -> dict[FactKey, Measures]:
    """Count the tips received in these months from scratch (the tips table, GROUP BY in
    Python with the hook's own `tip_measures`, streamed: memory grows with the number of rows
    of the summary, not of tips)."""
    from toandan.tips.models import Tip

    result: dict[FactKey, Measures] = defaultdict(dict)
    tips = (
        Tip.objects.filter(
            received_at__gte=local_midnight(first_month),
            received_at__lt=local_midnight(next_month(last_month)),
        )
        .order_by()
        .values_list(*_RECOUNT_FIELDS)
    )
    for values in tips.iterator(chunk_size=5000):
        facts = dict(zip(_RECOUNT_FIELDS, values, strict=True))
        _add(result[fact_key(facts)], tip_measures(facts), 1)
    return {key: measures for key, measures in result.items() if any(measures.values())}


def stored(first_month: dt.date, last_month: dt.date) -> dict[FactKey, Measures]:
    """The fine summary rows of these months, zero rows left out."""
    result: dict[FactKey, Measures] = {}
    rows = TipFact.objects.filter(month__gte=first_month, month__lte=last_month).values_list(
        *FACT_KEY_COLUMNS, *TIP_MEASURES
    )
    for row in rows:
        measures = {
            name: int(value)
            for name, value in zip(TIP_MEASURES, row[len(FACT_KEY_COLUMNS) :], strict=True)
            if value
        }
        if measures:
            key: FactKey = (row[0], row[1], row[2], row[3], row[4], row[5])
            result[key] = measures
    return result


def _stored_coarser(
    model: type[TipProvinceFact] | type[TipCommuneFact],
    keys: tuple[str, ...],
    first_month: dt.date,
    last_month: dt.date,
) -> dict[tuple[dt.date, int, int], Measures]:
    result: dict[tuple[dt.date, int, int], Measures] = {}
    rows = model.objects.filter(month__gte=first_month, month__lte=last_month).values_list(
        *keys, *PROVINCE_MEASURES
    )
    for row in rows:
        measures = {
            name: int(value)
            for name, value in zip(PROVINCE_MEASURES, row[len(keys) :], strict=True)
            if value
        }
        if measures:
            result[(row[0], row[1], row[2])] = measures
    return result


def stored_provinces(first_month: dt.date, last_month: dt.date) -> dict[ProvinceKey, Measures]:
    """The province rows of these months, zero rows left out."""
    return _stored_coarser(TipProvinceFact, PROVINCE_KEY_COLUMNS, first_month, last_month)


def stored_communes(first_month: dt.date, last_month: dt.date) -> dict[CommuneKey, Measures]:
    """The commune rows of these months, zero rows left out."""
    return _stored_coarser(TipCommuneFact, COMMUNE_KEY_COLUMNS, first_month, last_month)


class PurgedMonthsError(Exception):
    """The range reaches months whose tips the retention purge may have deleted."""

    def __init__(self, horizon: dt.date) -> None:
        super().__init__(f"months before {horizon:%Y-%m} may hold purged tips")
        self.horizon = horizon


def purge_horizon(today: dt.date | None = None) -> dt.date:
    """The first month all of whose tips are still kept: tips received earlier may have been
    deleted by the retention purge (kept `TOANDAN_TIP_RETENTION_DAYS` days)."""
    today = today or timezone.localdate()
    oldest_kept = today - dt.timedelta(days=int(settings.TOANDAN_TIP_RETENTION_DAYS))
    return next_month(oldest_kept.replace(day=1)) if oldest_kept.day > 1 else oldest_kept


@dataclass
class RebuildResult:
    first_month: dt.date
    last_month: dt.date
    tips_rows: int = 0
    rows_before: int = 0
    rows_after: int = 0
    differences: list[FactKey] = field(default_factory=list)
    # Rows of the province and commune tables that differ from the recount (a process that
    # wrote the fine table only, such as one of the release before the commune table).
    coarser_differences: int = 0


def _lock_tables() -> None:
    # PostgreSQL: tip changes wait (their UPSERT needs ROW EXCLUSIVE) until the rebuild
    # commits; the recount then sees every change committed before the lock. SQLite has one
    # writer at a time anyway.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (TipFact, TipProvinceFact, TipCommuneFact):
                cursor.execute(
                    f"LOCK TABLE {connection.ops.quote_name(model._meta.db_table)} "
                    "IN EXCLUSIVE MODE"
                )


def rebuild(
    first_month: dt.date,
    last_month: dt.date,
    *,
    allow_purged: bool = False,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> RebuildResult:
    """Replace the summary of the months `first_month`..`last_month` by a recount of the tips.

    Refuses (PurgedMonthsError) months before `purge_horizon()` unless `allow_purged`: their
    tips may have been deleted, and a recount would drop them from the statistics for good.
    With `dry_run`, only compares and reports the differing rows.
    """
    first_month, last_month = first_month.replace(day=1), last_month.replace(day=1)
    horizon = purge_horizon(today)
    if first_month < horizon and not allow_purged and not dry_run:
        raise PurgedMonthsError(horizon)
    result = RebuildResult(first_month=first_month, last_month=last_month)
    with transaction.atomic():
        if not dry_run:
            # The audit chain first, then the tables: the order of every tip change.
            audit_chain_lock()
            _lock_tables()
        counted = recount(first_month, last_month)
        current = stored(first_month, last_month)
        result.rows_before = len(current)
        result.rows_after = len(counted)
        result.differences = sorted(
            key for key in set(counted) | set(current) if counted.get(key) != current.get(key)
        )
        result.tips_rows = sum(m.get("received", 0) for m in counted.values())
        for stored_rows, derived in (
            (stored_provinces(first_month, last_month), province_rows(counted)),
            (stored_communes(first_month, last_month), commune_rows(counted)),
        ):
            result.coarser_differences += sum(
                1
                for key in set(stored_rows) | set(derived)
                if stored_rows.get(key) != derived.get(key)
            )
        if dry_run:
            return result
        TipFact.objects.filter(month__gte=first_month, month__lte=last_month).delete()
        TipProvinceFact.objects.filter(month__gte=first_month, month__lte=last_month).delete()
        TipCommuneFact.objects.filter(month__gte=first_month, month__lte=last_month).delete()
        TipFact.objects.bulk_create(
            (
                TipFact(
                    month=key[0],
                    province_id=key[1],
                    commune_id=key[2],
                    category_id=key[3],
                    channel=key[4],
                    union_unit_id=key[5],
                    **measures,
                )
                for key, measures in counted.items()
            ),
            batch_size=2000,
        )
        TipProvinceFact.objects.bulk_create(
            (
                TipProvinceFact(month=key[0], province_id=key[1], category_id=key[2], **measures)
                for key, measures in province_rows(counted).items()
            ),
            batch_size=2000,
        )
        TipCommuneFact.objects.bulk_create(
            (
                TipCommuneFact(month=key[0], province_id=key[1], commune_id=key[2], **measures)
                for key, measures in commune_rows(counted).items()
            ),
            batch_size=2000,
        )
        audit_record(
            actor=None,
            action=StatsAction.SUMMARY_REBUILD,
            object_type="stats.tipfact",
            reason="summary of tips recounted from the tips",
            data={
                "from": f"{first_month:%Y-%m}",
                "to": f"{last_month:%Y-%m}",
                "rows_before": result.rows_before,
                "rows_after": result.rows_after,
                "rows_changed": len(result.differences),
                "allow_purged": allow_purged,
            },
        )
    return result
