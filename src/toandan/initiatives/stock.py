"""The stock of models, sites, teams and members per commune (and theme) on any date.

Each commune (and each commune and theme) has a `StockKey`; its `StockPoint`s hold the counts
at the end of every day they changed. The counts on a date are, for each key, its last point
on or before that date: one index lookup per key, whatever the length of the history (the
naive way scans every model, site and team ever registered; `bench/bench_initiatives.py`
measures both).

Every commune's total key also has a point at each month end (carried forward) through
`StockMonthEnds.through`: the counts of all communes on a date, the heavy query (about 10,000
keys), read one contiguous range of the points' day index, from the month end before the date
to the date, instead of one lookup per key (`stock_on`). The services and the rebuild keep the
month-end points; the morning task carries them into each new month (`stock_months_extend`);
until it runs, a later date reads a longer range, with the same result.

Services keep the points right: they compute what an initiative contributes (its intervals
per commune) before and after a change and apply the difference (`stock_apply_change`). The
2025 reform: a model, site or team of an old commune with a successor (`current_commune`)
counts in the old commune until 30/06/2025 and in the successor from 01/07/2025.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from toandan.core.process_cache import ProcessCache
from toandan.geo.models import AdminUnit, Generation
from toandan.geo.services import reform_date
from toandan.initiatives.models import (
    Initiative,
    Site,
    StockKey,
    StockMonthEnds,
    StockPoint,
    Team,
)

ONE_DAY = dt.timedelta(days=1)


class Contribution(NamedTuple):
    commune_id: int
    theme_id: int
    start: dt.date
    end: dt.date | None  # inclusive; None: still running
    models: int
    sites: int
    teams: int
    members: int


Values = tuple[int, int, int, int]
# (commune_id, theme_id or None) -> {day: values}; a province's own key has -province_id.
Deltas = dict[tuple[int, int | None], dict[dt.date, Values]]


def placements(
    commune_id: int,
    current_commune_id: int | None,
    legacy: bool,
    start: dt.date,
    end: dt.date | None,
) -> Iterator[tuple[int, dt.date, dt.date | None]]:
    """Where a thing counts over its life: an old commune until the reform, then its successor
    (nowhere, when no successor is recorded)."""
    if not legacy:
        yield commune_id, start, end
        return
    reform = reform_date()
    last_old = reform - ONE_DAY
    if start <= last_old:
        yield commune_id, start, last_old if end is None or end > last_old else end
    if current_commune_id is not None and (end is None or end >= reform):
        yield current_commune_id, max(start, reform), end


def contributions_of(
    initiative: Initiative,
    sites: Sequence[Site] | None = None,
    teams: Sequence[Team] | None = None,
    legacy_ids: frozenset[int] | None = None,
) -> list[Contribution]:
    """What one initiative adds to the stock, as read now from the database (or given)."""
    if sites is None:
        sites = list(Site.objects.filter(initiative=initiative))
    if teams is None:
        teams = list(Team.objects.filter(site__initiative=initiative))
    if legacy_ids is None:
        ids = {initiative.commune_id} | {s.commune_id for s in sites}
        legacy_ids = frozenset(
            AdminUnit.objects.filter(pk__in=ids, generation=Generation.LEGACY).values_list(
                "pk", flat=True
            )
        )
    theme = initiative.theme_id
    out: list[Contribution] = []
    for commune, start, end in placements(
        initiative.commune_id,
        initiative.current_commune_id,
        initiative.commune_id in legacy_ids,
        initiative.started_on,
        initiative.ended_on,
    ):
        out.append(Contribution(commune, theme, start, end, 1, 0, 0, 0))
    by_site = {s.pk: s for s in sites}
    for site in sites:
        for commune, start, end in placements(
            site.commune_id,
            site.current_commune_id,
            site.commune_id in legacy_ids,
            site.started_on,
            site.ended_on,
        ):
            out.append(Contribution(commune, theme, start, end, 0, 1, 0, 0))
    for team in teams:
        site = by_site[team.site_id]
        for commune, start, end in placements(
            site.commune_id,
            site.current_commune_id,
            site.commune_id in legacy_ids,
            team.started_on,
            team.ended_on,
        ):
            out.append(Contribution(commune, theme, start, end, 0, 0, 1, team.member_count))
    return out


def _add(deltas: Deltas, key: tuple[int, int | None], day: dt.date, v: Values, sign: int) -> None:
    old = deltas[key].get(day, (0, 0, 0, 0))
    deltas[key][day] = (
        old[0] + sign * v[0],
        old[1] + sign * v[1],
        old[2] + sign * v[2],
        old[3] + sign * v[3],
    )


def deltas_of(
    contributions: Iterable[Contribution],
    sign: int = 1,
    into: Deltas | None = None,
    provinces: dict[int, int] | None = None,
) -> Deltas:
    """The changes per key and day: + at the start, - the day after the end; each on the
    commune's total and (commune, theme) keys and on its province's two keys. `provinces`
    maps communes to their provinces (read from the database when not given)."""
    deltas: Deltas = into if into is not None else defaultdict(dict)
    contributions = list(contributions)
    if provinces is None:
        provinces = province_ids_of(c.commune_id for c in contributions)
    for c in contributions:
        if c.end is not None and c.end < c.start:
            continue
        values = (c.models, c.sites, c.teams, c.members)
        province = -provinces[c.commune_id]
        for key in (
            (c.commune_id, None),
            (c.commune_id, c.theme_id),
            (province, None),
            (province, c.theme_id),
        ):
            _add(deltas, key, c.start, values, sign)
            if c.end is not None:
                _add(deltas, key, c.end + ONE_DAY, values, -sign)
    return deltas


def province_ids_of(commune_ids: Iterable[int]) -> dict[int, int]:
    """The province (same generation) of each commune, from the materialised paths."""
    return {
        pk: int(path.strip("/").split("/")[0])
        for pk, path in AdminUnit.objects.filter(pk__in=set(commune_ids)).values_list("pk", "path")
    }


def _keys_for(wanted: Iterable[tuple[int, int | None]]) -> dict[tuple[int, int | None], int]:
    wanted = set(wanted)
    communes = {c for c, _t in wanted if c > 0}
    provinces = {-c for c, _t in wanted if c < 0}

    def existing() -> dict[tuple[int, int | None], int]:
        rows = StockKey.objects.filter(
            Q(commune_id__in=communes) | Q(commune__isnull=True, province_id__in=provinces)
        ).only("pk", "commune_id", "province_id", "theme_id")
        return {(k.commune_id if k.commune_id else -k.province_id, k.theme_id): k.pk for k in rows}

    found = existing()
    missing = [k for k in wanted if k not in found]
    if missing:
        province_of = province_ids_of(c for c, _t in missing if c > 0)
        # A change elsewhere in the province may be making the same key right now: its insert
        # wins (ours waits for its commit and does nothing) instead of an IntegrityError.
        StockKey.objects.bulk_create(
            [
                StockKey(commune_id=c, theme_id=t, province_id=province_of[c])
                if c > 0
                else StockKey(commune_id=None, theme_id=t, province_id=-c)
                for c, t in missing
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
        found = existing()
    return found


def _lock_month_ends() -> dt.date | None:
    """`StockMonthEnds.through`, held against the morning task until the caller commits (a
    share lock: changes do not wait for each other). Without it the task could carry the month
    ends from points that miss a key this change is making, and never carry that key."""
    table = connection.ops.quote_name(StockMonthEnds._meta.db_table)
    lock = " FOR SHARE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name('through')} FROM {table}{lock}")  # noqa: S608 - the model's table
        row = cursor.fetchone()
    return row[0] if row else None


def stock_apply(deltas: Deltas) -> None:
    """Apply changes to the stored points (inside the caller's transaction): a point on the
    day of the change, and the change added to every later point of the key."""
    nonzero = {key: {day: v for day, v in days.items() if any(v)} for key, days in deltas.items()}
    nonzero = {key: days for key, days in nonzero.items() if days}
    if not nonzero:
        return
    through = _lock_month_ends()
    key_ids = _keys_for(nonzero)
    # Each key's points are read and written by one change at a time (in the order of the keys,
    # so two changes cannot deadlock): the communes of a province share its keys, and a point
    # made from a read that missed a parallel change would keep missing it.
    list(
        StockKey.objects.filter(pk__in=key_ids.values())
        .order_by("pk")
        .select_for_update(no_key=True)
        .values_list("pk", flat=True)
    )
    for key, days in nonzero.items():
        key_id = key_ids[key]
        for day, v in sorted(days.items()):
            point = StockPoint.objects.filter(key_id=key_id, day=day).first()
            if point is None:
                before = (
                    StockPoint.objects.filter(key_id=key_id, day__lt=day).order_by("-day").first()
                )
                StockPoint.objects.create(
                    key_id=key_id,
                    day=day,
                    commune_total=key[0] > 0 and key[1] is None,
                    models_count=(before.models_count if before else 0) + v[0],
                    sites=(before.sites if before else 0) + v[1],
                    teams=(before.teams if before else 0) + v[2],
                    members=(before.members if before else 0) + v[3],
                )
            else:
                StockPoint.objects.filter(pk=point.pk).update(
                    models_count=F("models_count") + v[0],
                    sites=F("sites") + v[1],
                    teams=F("teams") + v[2],
                    members=F("members") + v[3],
                )
            StockPoint.objects.filter(key_id=key_id, day__gt=day).update(
                models_count=F("models_count") + v[0],
                sites=F("sites") + v[1],
                teams=F("teams") + v[2],
                members=F("members") + v[3],
            )
    if through is not None:
        _carry_key_forward(
            [key_ids[key] for key in nonzero if key[0] > 0 and key[1] is None], through
        )


# --- Month-end points of the communes' totals ----------------------------------------------


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last days of the months from `start`'s to `end`'s that fall within [start, end]."""
    out = []
    month = start.replace(day=1)
    while month <= end:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        last = following - ONE_DAY
        if start <= last <= end:
            out.append(last)
        month = following
    return out


def month_end_before(day: dt.date) -> dt.date:
    """The last month end on or before `day` (the first date there is, in January of year 1,
    which has none before it: a range from there still holds every point)."""
    if day == dt.date.max or (day + ONE_DAY).day == 1:
        return day
    first = day.replace(day=1)
    return first - ONE_DAY if first > dt.date.min else first


def months_through() -> dt.date | None:
    return StockMonthEnds.objects.values_list("through", flat=True).first()


def _commune_totals() -> Any:
    return StockPoint.objects.filter(commune_total=True)


PointValues = tuple[int, int, int, int]


def _carried(
    points: Iterable[tuple[int, dt.date, int, int, int, int]], ends: Sequence[dt.date]
) -> list[tuple[Any, ...]]:
    """The month-end points missing among `points` (key, day, counts; sorted by key and day),
    as rows for `insert_rows`: at each of `ends` on or after a key's first point, the counts
    of its last point by then."""
    out: list[tuple[Any, ...]] = []
    adapt = connection.ops.adapt_datefield_value
    by_key: dict[int, list[tuple[dt.date, PointValues]]] = defaultdict(list)
    for key_id, day, *values in points:
        by_key[key_id].append((day, (values[0], values[1], values[2], values[3])))
    for key_id, rows in by_key.items():
        index = 0
        last: PointValues | None = None
        for end in ends:
            while index < len(rows) and rows[index][0] < end:
                last = rows[index][1]
                index += 1
            if index < len(rows) and rows[index][0] == end:
                continue  # a point on the month end already
            if last is not None:
                out.append((key_id, adapt(end), *last, True))
    return out


COLUMNS = ("key_id", "day", "models_count", "sites", "teams", "members", "commune_total")


def _carry_key_forward(key_ids: Sequence[int], through: dt.date) -> None:
    """After a change: the month-end points of these commune totals through `through` (a key
    met for the first time, or history written before its first point, needs new ones)."""
    if not key_ids:
        return
    points = list(
        StockPoint.objects.filter(key_id__in=key_ids, day__lte=through)
        .order_by("key_id", "day")
        .values_list(*COLUMNS[:6])
    )
    if points:
        first = min(day for _k, day, *_v in points)
        insert_rows(StockPoint, COLUMNS, _carried(points, month_ends(first, through)))


def stock_months_extend(through: dt.date) -> int:
    """Carry every commune's total forward to each month end up to `through` (the morning
    task, and after a rebuild); returns the points written. Reads from the last month end
    already carried, where every key that began by then has a point."""
    with transaction.atomic():
        through = month_end_before(through)
        # Waits for the changes being saved (they hold the row shared), so the points read below
        # include every key they make.
        done = StockMonthEnds.objects.select_for_update().values_list("through", flat=True).first()
        if done is not None and done >= through:
            return 0
        rows = _commune_totals().filter(day__lte=through)
        if done is not None:
            rows = rows.filter(day__gte=done)
        points = list(rows.order_by("key_id", "day").values_list(*COLUMNS[:6]))
        written = 0
        if points:
            start = done + ONE_DAY if done is not None else min(day for _k, day, *_v in points)
            carried = _carried(points, month_ends(start, through))
            insert_rows(StockPoint, COLUMNS, carried)
            written = len(carried)
        if done is None:
            StockMonthEnds.objects.all().delete()
            StockMonthEnds.objects.create(through=through)
        else:
            StockMonthEnds.objects.update(through=through)
        return written


def stock_apply_change(before: Iterable[Contribution], after: Iterable[Contribution]) -> None:
    deltas = deltas_of(before, sign=-1)
    deltas_of(after, sign=1, into=deltas)
    stock_apply(deltas)


def insert_rows(model: type[Any], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Plain multi-row INSERTs for bulk loads (the ORM's bulk_create spends most of its time
    preparing values one by one): the rows must already be database values."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    size = max(1, 900 // len(columns))  # under SQLite's 999 parameters
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            sql = f"INSERT INTO {table} ({names}) VALUES " + ", ".join([one] * len(chunk))  # noqa: S608
            cursor.execute(sql, [value for row in chunk for value in row])


def stock_rebuild_from(deltas: Deltas) -> int:
    """Replace every point with the running totals of `deltas` (the demo and the bench load
    this way; `stock_rebuild` recomputes from the registry). Returns the points written."""
    StockPoint.objects.all().delete()
    StockMonthEnds.objects.all().delete()
    key_ids = _keys_for(deltas)
    rows: list[tuple[Any, ...]] = []
    for key, days in deltas.items():
        m = s = t = mem = 0
        for day in sorted(days):
            v = days[day]
            if not any(v):
                continue
            m, s, t, mem = m + v[0], s + v[1], t + v[2], mem + v[3]
            rows.append(
                (
                    key_ids[key],
                    connection.ops.adapt_datefield_value(day),
                    m,
                    s,
                    t,
                    mem,
                    key[0] > 0 and key[1] is None,
                )
            )
    insert_rows(StockPoint, COLUMNS, rows)
    return len(rows) + stock_months_extend(timezone.localdate())


def stock_rebuild() -> int:
    """Recompute every point from the registry (after a bulk load or to repair)."""
    legacy_ids = frozenset(
        AdminUnit.objects.filter(generation=Generation.LEGACY, level="commune").values_list(
            "pk", flat=True
        )
    )
    sites_of: dict[int, list[Site]] = defaultdict(list)
    for site in Site.objects.all():
        sites_of[site.initiative_id].append(site)
    teams_of: dict[int, list[Team]] = defaultdict(list)
    for team in Team.objects.select_related(None).annotate(iid=F("site__initiative_id")):
        teams_of[team.iid].append(team)
    deltas: Deltas = defaultdict(dict)
    provinces = {
        pk: int(path.strip("/").split("/")[0])
        for pk, path in AdminUnit.objects.filter(level="commune").values_list("pk", "path")
    }
    for initiative in Initiative.objects.all():
        deltas_of(
            contributions_of(
                initiative,
                sites_of.get(initiative.pk, []),
                teams_of.get(initiative.pk, []),
                legacy_ids,
            ),
            into=deltas,
            provinces=provinces,
        )
    return stock_rebuild_from(deltas)


class StockRow(NamedTuple):
    province_id: int
    commune_id: int  # 0 when summed per province
    theme_id: int | None
    models: int
    sites: int
    teams: int
    members: int
    code: str = ""  # of the commune (per commune) or the province (per province)
    name: str = ""


class _Communes(NamedTuple):
    labels: dict[int, tuple[str, str]]  # code and name by id
    order: tuple[int, ...]  # ids by code and name


def _load_communes(_key: None) -> _Communes:
    rows = list(
        AdminUnit.objects.filter(level="commune")
        .order_by("code", "name")
        .values_list("pk", "code", "name")
    )
    return _Communes({pk: (code, name) for pk, code, name in rows}, tuple(r[0] for r in rows))


# The code and name of every commune (both generations), as the statistics' geography keeps
# them: a process sees another's edit of a unit within a minute.
_communes: ProcessCache[None, _Communes] = ProcessCache(
    "initiatives.stock.communes", _load_communes, senders=[AdminUnit], max_age=60.0
)


def _load_total_keys(_key: None) -> dict[int, tuple[int, int]]:
    return {
        pk: (province, commune)
        for pk, province, commune in StockKey.objects.filter(
            commune__isnull=False, theme__isnull=True
        ).values_list("pk", "province_id", "commune_id")
    }


# The province and commune of each commune's total key. A key never changes once made, and a
# key made since the copy was read (services add them with bulk_create, which sends no
# signal) is missed and the copy read again: always exact.
_total_keys: ProcessCache[None, dict[int, tuple[int, int]]] = ProcessCache(
    "initiatives.stock.total-keys", _load_total_keys, senders=[StockKey], max_age=3600.0
)


def _commune_totals_on(day: dt.date, through: dt.date) -> list[StockRow]:
    """The communes' totals at the end of `day`: each key's last point between the month end
    before `day` (or `through`, the last carried) and `day`, in the order of the codes."""
    point = StockPoint._meta.db_table
    # The partial covering index on the day (migration 0005) makes the range index-only and
    # gives it in the order of the days, so the last point of each key is the last one read
    # (cheaper than DISTINCT ON, which sorts the range again).
    sql = f"""
        SELECT key_id, models_count, sites, teams, members
        FROM {point}
        WHERE commune_total AND day >= %s AND day <= %s
        ORDER BY day
    """  # noqa: S608 - the table name from the model, the dates parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [min(month_end_before(day), through), day])
        points = {row[0]: row for row in cursor.fetchall()}.values()
    keys = _total_keys.get(None) or {}
    if any(p[0] not in keys for p in points):
        _total_keys.forget()
        keys = _total_keys.get(None) or {}
    # Joining the names in the query cost as much as the query: they come from memory.
    communes = _communes.get(None) or _Communes({}, ())
    found: dict[int, StockRow] = {}
    for key_id, m, s, t, mem in points:
        if m or s or t or mem:
            province, commune = keys[key_id]
            code, name = communes.labels.get(commune, ("", ""))
            found[commune] = StockRow(province, commune, None, m, s, t, mem, code, name)
    return [found[c] for c in communes.order if c in found]


def stock_on(day: dt.date, *, by_theme: bool = False, level: str = "commune") -> list[StockRow]:
    """The counts at the end of `day` per commune, or per province from the provinces' own
    keys (`level`), and per theme when asked, with the place's code and name joined in: for
    the communes' totals one range of the points from the month end before `day`, otherwise
    one index lookup per key."""
    point = StockPoint._meta.db_table
    key = StockKey._meta.db_table
    unit = AdminUnit._meta.db_table
    nonzero = "(p.models_count <> 0 OR p.sites <> 0 OR p.teams <> 0 OR p.members <> 0)"
    through = (
        months_through()
        if level == "commune" and not by_theme and connection.vendor == "postgresql"
        else None
    )
    if through is not None:
        return _commune_totals_on(day, through)
    theme_condition = "k.theme_id IS NOT NULL" if by_theme else "k.theme_id IS NULL"
    place = "k.commune_id" if level == "commune" else "k.province_id"
    commune = "k.commune_id" if level == "commune" else "0"
    level_condition = "k.commune_id IS NOT NULL" if level == "commune" else "k.commune_id IS NULL"
    if connection.vendor == "postgresql":
        # One index-only scan per key on the covering index (migration 0004).
        point_join = f"""CROSS JOIN LATERAL (
            SELECT p2.models_count, p2.sites, p2.teams, p2.members FROM {point} p2
            WHERE p2.key_id = k.id AND p2.day <= %s
            ORDER BY p2.day DESC LIMIT 1
        ) p"""  # noqa: S608 - table names from the models
    else:
        point_join = f"""JOIN {point} p ON p.id = (
            SELECT p2.id FROM {point} p2
            WHERE p2.key_id = k.id AND p2.day <= %s
            ORDER BY p2.day DESC LIMIT 1
        )"""  # noqa: S608 - table names from the models
    sql = f"""
        SELECT k.province_id, {commune}, k.theme_id,
               p.models_count, p.sites, p.teams, p.members, u.code, u.name
        FROM {key} k
        {point_join}
        JOIN {unit} u ON u.id = {place}
        WHERE {theme_condition} AND {level_condition} AND {nonzero}
    """  # noqa: S608 - table names from the models, the date a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [day])
        return list(map(StockRow._make, cursor.fetchall()))
