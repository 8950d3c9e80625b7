"""Handling at scale: the inbox's first page and the unit dashboard on a million tips.

PostgreSQL only (the figures that matter; SQLite prints a skip line). The bench writes
TOANDAN_BENCH_HANDLING_TIPS tips (default 1,000,000) straight into the scratch database with
COPY: what three years of the legal timeline would have left in Hà Nội (126 communes, 40 % of
the tips) and four other provinces, volume growing over time: most tips concluded (about three
in four within the deadline), a few merged, a few stuck (suspended, or overdue and forgotten),
and the tips of the last weeks open at every stage with their deadlines. Every tip has its
primary route; serious ones an information copy to the province police. Encrypted columns hold
keyed pseudo-random bytes of a realistic size (nothing is decrypted here). Secondary indexes are
dropped during the load and rebuilt from their own definitions, then the tables are vacuumed and
analysed, as after a restore.

Then, for a commune officer (Công an phường Hoàn Kiếm) and for the province leader (Công an
thành phố Hà Nội), medians of RUNS runs, each with a fresh user object (as a request has):

- the inbox's first page as the page reads it (`inbox_ids` sliced, then `tips_in_order`), plus
  its count;
  baseline: the same page written without the denormalised `Tip.responsible_unit`, joining the
  active primary `TipRoute` of every tip to the units in the user's charge;
- the dashboard, `unit_dashboard(user)`, as on a first view (nothing is cached: the open
  counts come from the inbox's indexes, the figures over months from `UnitMonthCount`, which the
  bench fills with `unit_counts_rebuild()` after the bulk load, as the hook would have);
  baselines: the same figures computed in Python from every tip of the user's units read from
  the database, and the figures over months read from the tips table by grouped queries (the
  dashboard's previous way: PostgreSQL's exact median, `percentile_cont`).

The median time to the first action is read from a histogram of bands (`unit_counts`), so the
check compares the band holding the exact (lower) median counted from the tips; the exact
median is printed next to it. The query plan of the open counts is printed too (the inbox
index alone, no heap fetches after VACUUM).

Each fast result is checked against its baseline before it is timed.
"""

from __future__ import annotations

import bisect
import copy
import datetime as dt
import hashlib
import math
import os
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bench.harness import Measurement, measure, report

TIPS = int(os.environ.get("TOANDAN_BENCH_HANDLING_TIPS", "1000000"))
RUNS = 9
NAIVE_RUNS = 3

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
YEARS = 3
SEED = 20260819
KEY = b"toandan-bench-handling"
CONTENT_BYTES = 420  # a short description, address and time in the tipster's words, sealed
# Where tips come from: Hà Nội has the largest share, the others share the rest by size.
HANOI = "01"
OTHER_PROVINCES = ("79", "31", "48", "15")
HANOI_SHARE = 0.4


@dataclass(frozen=True)
class Place:
    province_id: int
    commune_id: int | None
    police_id: int  # responsible unit
    police_code: str
    province_police_id: int
    province_code: str
    remote: bool


@dataclass(frozen=True)
class World:
    places_by_province: dict[str, list[Place]]
    province_police: dict[str, tuple[int, str]]  # province code -> (unit id, unit code)
    categories: list[tuple[int, bool]]  # (id, is_serious)
    now: dt.datetime


def load_world(now: dt.datetime) -> World:
    from toandan.geo.models import AdminUnit, Generation, Level
    from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit
    from toandan.tips.models import Category

    places: dict[str, list[Place]] = {}
    province_police: dict[str, tuple[int, str]] = {}
    for code in (HANOI, *OTHER_PROVINCES):
        province = AdminUnit.objects.get(
            generation=Generation.CURRENT, level=Level.PROVINCE, code=code
        )
        police = OrgUnit.objects.get(
            kind=OrgKind.POLICE, level=OrgLevel.PROVINCE, admin_unit=province, valid_to=None
        )
        province_police[code] = (police.pk, police.code)
        communes = OrgUnit.objects.filter(
            kind=OrgKind.POLICE, level=OrgLevel.COMMUNE, parent=police, valid_to=None
        ).order_by("code")
        places[code] = [
            Place(
                province_id=province.pk,
                commune_id=unit.admin_unit_id,
                police_id=unit.pk,
                police_code=unit.code,
                province_police_id=police.pk,
                province_code=police.code,
                remote=unit.is_remote,
            )
            for unit in communes
        ]
    categories = list(Category.objects.values_list("pk", "is_serious"))
    return World(places, province_police, categories, now)


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=LOCAL_TZ)


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LOCAL_TZ).date()


TIP_COLUMNS = (
    "id",
    "reference",
    "receipt_hash",
    "receipt_kind",
    "channel",
    "category_id",
    "status",
    "province_id",
    "commune_id",
    "victim_request",
    "has_contact",
    "register_unit_id",
    "register_year",
    "register_seq",
    "register_number",
    "received_at",
    "updated_at",
    "kek_id",
    "wrapped_key",
    "content",
    "retention_until",
    "responsible_unit_id",
    "pending_unit_id",
    "is_flagrant",
    "clock_started_at",
    "due_at",
    "due_kind",
    "complex_extended",
    "procuracy_decision",
    "suspended_at",
    "suspension_ground",
    "first_action_at",
    "concluded_at",
    "outcome",
    "decided_in_time",
    "valuable",
    "valuable_reasons",
)
TIP_TYPES = (
    "int8",
    "varchar",
    "varchar",
    "varchar",
    "varchar",
    "int8",
    "varchar",
    "int8",
    "int8",
    "varchar",
    "bool",
    "int8",
    "int2",
    "int4",
    "varchar",
    "timestamptz",
    "timestamptz",
    "varchar",
    "bytea",
    "bytea",
    "date",
    "int8",
    "int8",
    "bool",
    "timestamptz",
    "timestamptz",
    "varchar",
    "bool",
    "varchar",
    "timestamptz",
    "varchar",
    "timestamptz",
    "timestamptz",
    "varchar",
    "bool",
    "bool",
    "jsonb",
)
ROUTE_COLUMNS = ("id", "tip_id", "org_unit_id", "role", "reason", "created_at", "active")
ROUTE_TYPES = ("int8", "int8", "int8", "varchar", "varchar", "timestamptz", "bool")

CHANNELS = (("web", 70), ("api", 5), ("open311", 5), ("phone", 10), ("in_person", 7), ("mail", 3))
OUTCOMES = (("prosecuted", 25), ("not_prosecuted", 45), ("handed_over", 30))


def _weighted(rng: random.Random, table: Sequence[tuple[str, int]]) -> str:
    return rng.choices([v for v, _w in table], weights=[w for _v, w in table])[0]


def _received_times(rng: random.Random, count: int, now: dt.datetime) -> list[dt.datetime]:
    """`count` moments over the last YEARS years, the rate doubling from start to end, sorted
    (tips are inserted in the order they arrive, as in production)."""
    span = YEARS * 365 * 86400.0
    # Density proportional to 1 + t/span on [0, span]: invert its distribution function.
    moments = []
    for _ in range(count):
        u = rng.random()
        t = span * (math.sqrt(1 + 3 * u) - 1)
        moments.append(now - dt.timedelta(seconds=span - t))
    moments.sort()
    return moments


@dataclass
class _Handling:
    status: str = "received"
    first_action_at: dt.datetime | None = None
    concluded_at: dt.datetime | None = None
    outcome: str = ""
    decided_in_time: bool | None = None
    valuable: bool | None = None
    due_at: dt.datetime | None = None
    due_kind: str = ""
    complex_extended: bool = False
    suspended_at: dt.datetime | None = None
    suspension_ground: str = ""
    pending_unit_id: int | None = None


def _handle(  # noqa: PLR0912, PLR0915 - one branch per stage of the timeline
    rng: random.Random, received: dt.datetime, now: dt.datetime, urgent: bool, place: Place
) -> _Handling:
    h = _Handling()
    delay_hours = rng.lognormvariate(math.log(6), 1.2)
    acted = received + dt.timedelta(hours=delay_hours)
    h.first_action_at = acted if acted <= now else None
    forward_due = (
        received + dt.timedelta(hours=24)
        if urgent
        else end_of_day(local_date(received) + dt.timedelta(days=7))
    )
    decide_due = end_of_day(local_date(received) + dt.timedelta(days=20))
    complex_due = end_of_day(local_date(received) + dt.timedelta(days=61))
    u = rng.random()
    stuck = False
    if u < 0.72:
        days = rng.uniform(0.5, 20)
    elif u < 0.87:
        days = rng.uniform(20, 45)  # late
    elif u < 0.95:
        days, h.complex_extended = rng.uniform(21, 60), True
    elif u < 0.99:
        days = rng.uniform(60, 150)  # suspended on the way, resumed
    elif u < 0.995:
        days = 0.0  # merged into another tip
    else:
        days, stuck = 10_000.0, True
    if days == 0.0:
        h.status = "merged"
        h.first_action_at = h.first_action_at or received
        return h
    decided = received + dt.timedelta(days=days)
    if h.first_action_at is not None and decided < h.first_action_at:
        decided = h.first_action_at + dt.timedelta(hours=1)
    if decided <= now and h.first_action_at is not None:
        h.status = "concluded"
        h.concluded_at = decided
        h.outcome = _weighted(rng, OUTCOMES)
        deadline = complex_due if h.complex_extended else decide_due
        h.decided_in_time = decided <= deadline
        h.valuable = rng.random() < 0.22
        return h
    if h.first_action_at is None:
        h.status, h.due_at, h.due_kind = "received", forward_due, "forward"
        return h
    age_days = (now - received).total_seconds() / 86400
    r = rng.random()
    if age_days < 3 and r < 0.45:
        h.status, h.due_at, h.due_kind = "checking", forward_due, "forward"
    elif r < 0.05:
        h.status = "forwarded"
        h.pending_unit_id = place.province_police_id
        h.due_at = end_of_day(local_date(h.first_action_at) + dt.timedelta(days=7))
        h.due_kind = "forward"
    elif (stuck and r < 0.5) or (days > 60 and age_days > 30 and r < 0.3):
        h.status = "suspended"
        h.suspended_at = h.first_action_at + dt.timedelta(days=rng.uniform(1, 15))
        h.suspension_ground = "expert_assessment"
    else:
        h.status = "resolving"
        h.due_at, h.due_kind = (
            (complex_due, "decide_complex") if h.complex_extended else (decide_due, "decide")
        )
    return h


def generate(world: World, count: int) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    """(tip row, its route rows) for `count` tips, in the order they were received."""
    rng = random.Random(SEED)
    now = world.now
    moments = _received_times(rng, count, now)
    others = [p for code in OTHER_PROVINCES for p in world.places_by_province[code]]
    hanoi = world.places_by_province[HANOI]
    seqs: dict[tuple[int, int], int] = {}
    route_id = 0
    for tip_id, received in enumerate(moments, start=1):
        place = rng.choice(hanoi) if rng.random() < HANOI_SHARE else rng.choice(others)
        category_id, serious = rng.choice(world.categories)
        flagrant = rng.random() < 0.05
        # Tips without a commune go to the province police.
        unit_id, unit_code = place.police_id, place.police_code
        commune_id: int | None = place.commune_id
        if rng.random() < 0.04:
            unit_id, unit_code, commune_id = place.province_police_id, place.province_code, None
        year = local_date(received).year
        seq = seqs[(unit_id, year)] = seqs.get((unit_id, year), 0) + 1
        h = _handle(rng, received, now, serious or flagrant, place)
        digest = hashlib.blake2b(tip_id.to_bytes(8, "big"), key=KEY, digest_size=32).digest()
        content = hashlib.shake_256(digest).digest(CONTENT_BYTES)
        last_change = h.concluded_at or h.suspended_at or h.first_action_at or received
        tip = (
            tip_id,
            digest[:8].hex(),
            digest.hex(),
            "citizen",
            _weighted(rng, CHANNELS),
            category_id,
            h.status,
            place.province_id,
            commune_id,
            "",
            rng.random() < 0.3,
            unit_id,
            year,
            seq,
            f"{unit_code}/{year}/{seq:06d}",
            received,
            last_change,
            "bench",
            digest[:40],
            content,
            local_date(received) + dt.timedelta(days=365 * 10),
            unit_id,
            h.pending_unit_id,
            flagrant,
            received,
            h.due_at,
            h.due_kind,
            h.complex_extended,
            "",
            h.suspended_at,
            h.suspension_ground,
            h.first_action_at,
            h.concluded_at,
            h.outcome,
            h.decided_in_time,
            h.valuable,
            "[]",
        )
        route_id += 1
        routes = [(route_id, tip_id, unit_id, "primary", "bench", received, True)]
        if serious and unit_id != place.province_police_id:
            route_id += 1
            routes.append(
                (route_id, tip_id, place.province_police_id, "information", "bench", received, True)
            )
        yield tip, routes


def _secondary_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's indexes that back no constraint."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [table],
    )
    return [(str(n), str(d)) for n, d in cursor.fetchall()]


def load(world: World, count: int) -> None:
    """COPY `count` tips and their routes into empty tables (PostgreSQL only)."""
    from django.db import connection

    tables = ("tips_tip", "tips_tiproute")
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor, for COPY
        indexes = [ix for table in tables for ix in _secondary_indexes(raw, table)]
        for name, _definition in indexes:
            raw.execute(f'DROP INDEX "{name}"')
        # Foreign keys are checked by triggers; these rows point at units and categories that
        # exist, and skipping a million trigger calls saves most of the load time.
        raw.execute("SET session_replication_role = replica")
        routes: list[tuple[Any, ...]] = []
        with raw.copy(f"COPY tips_tip ({', '.join(TIP_COLUMNS)}) FROM STDIN (FORMAT BINARY)") as cp:
            cp.set_types(list(TIP_TYPES))
            for tip, tip_routes in generate(world, count):
                cp.write_row(tip)
                routes.extend(tip_routes)
        with raw.copy(
            f"COPY tips_tiproute ({', '.join(ROUTE_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
        ) as cp:
            cp.set_types(list(ROUTE_TYPES))
            for route in routes:
                cp.write_row(route)
        raw.execute("SET session_replication_role = DEFAULT")
        for _name, definition in indexes:
            raw.execute(definition)
        for table in tables:
            raw.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


# --- Measurements ------------------------------------------------------------------------------


def _staff(username: str, role: str, unit_code: str) -> Any:
    from toandan.accounts.models import RoleAssignment, User
    from toandan.orgs.models import OrgUnit

    user = User.objects.create(username=username, full_name=username)
    RoleAssignment.objects.create(
        user=user,
        role=role,
        org_unit=OrgUnit.objects.get(code=unit_code),
        valid_from=dt.date(2025, 7, 1),
    )
    return User.objects.get(pk=user.pk)


def _inbox_page(user: Any, now: dt.datetime) -> tuple[list[int], int]:
    from toandan.tips.handling.inbox import InboxFilters, inbox_ids, inbox_tips, tips_in_order

    # As the inbox page does: the page's ids from the covering index, then those 25 rows.
    tips = inbox_tips(copy.copy(user), InboxFilters(), now=now)
    page = tips_in_order(list(inbox_ids(tips)[:25]))
    return [tip.pk for tip in page], tips.count()


def _naive_inbox(user: Any, now: dt.datetime) -> tuple[list[int], int]:
    """The same page without `Tip.responsible_unit`: through the tip's active primary route."""
    from django.db.models import F

    from toandan.accounts.models import POLICE_ROLES
    from toandan.accounts.selectors import jurisdiction_org_units
    from toandan.tips.models import OPEN_STATUSES, RouteRole, Tip

    units = jurisdiction_org_units(copy.copy(user), POLICE_ROLES).values("pk")
    tips = (
        Tip.objects.select_related("category", "responsible_unit", "pending_unit", "commune")
        .filter(
            routes__org_unit__in=units,
            routes__role=RouteRole.PRIMARY,
            routes__active=True,
            status__in=OPEN_STATUSES,
        )
        .order_by(F("due_at").asc(nulls_last=True), "received_at", "pk")
    )
    return [tip.pk for tip in tips[:25]], tips.count()


def _dashboard_totals(user: Any, now: dt.datetime) -> dict[str, Any]:
    from toandan.tips.dashboard.selectors import unit_dashboard

    board = unit_dashboard(copy.copy(user), now=now)
    total = board.total
    return {
        "open": total.open,
        "due_soon": total.due_soon,
        "overdue": total.overdue,
        "incoming": total.incoming,
        "first_action_tips": total.first_action_tips,
        "first_action_band": total.first_action_band,
        "decided": total.decided,
        "decided_in_time": total.decided_in_time,
        "valuable_month": total.valuable_month,
        "units": len(board.rows),
    }


def _band(delay_s: float) -> int:
    from toandan.tips.dashboard.unit_counts import FIRST_ACTION_BANDS

    return bisect.bisect_left([hours * 3600 for hours in FIRST_ACTION_BANDS], delay_s)


def _naive_dashboard(user: Any, now: dt.datetime) -> dict[str, Any]:
    """Every tip of the user's units read from the database, the figures counted in Python."""
    from django.db.models import Q

    from toandan.accounts.models import POLICE_ROLES
    from toandan.accounts.selectors import jurisdiction_org_units
    from toandan.tips.dashboard import selectors as dashboard
    from toandan.tips.models import OPEN_STATUSES, Tip

    w = dashboard.windows(now)
    ids = list(jurisdiction_org_units(copy.copy(user), POLICE_ROLES).values_list("pk", flat=True))
    rows = Tip.objects.filter(
        Q(responsible_unit_id__in=ids) | Q(pending_unit_id__in=ids)
    ).values_list(
        "responsible_unit_id",
        "pending_unit_id",
        "status",
        "due_at",
        "received_at",
        "first_action_at",
        "concluded_at",
        "decided_in_time",
        "valuable",
    )
    scope = set(ids)
    counts: dict[str, int] = defaultdict(int)
    delays: list[float] = []
    units: set[int] = set()
    for unit, pending, status, due, received, acted, concluded, in_time, valuable in rows:
        if pending in scope and status == "forwarded":
            counts["incoming"] += 1
            units.add(pending)
        if unit not in scope:
            continue
        if status in OPEN_STATUSES:
            counts["open"] += 1
            units.add(unit)
            # A forwarded tip met its deadline by forwarding; the unit it went to starts its
            # own clock on accepting it (`inbox.deadline_running`): neither due nor overdue.
            running = status != "forwarded"
            if running and due is not None and due < now:
                counts["overdue"] += 1
            elif running and due is not None and due <= w.soon_limit:
                counts["due_soon"] += 1
        if acted is not None and acted >= w.first_action_from:
            delays.append((acted - received).total_seconds())
            units.add(unit)
        if status == "concluded" and concluded is not None and concluded >= w.decided_from:
            if in_time is not None:
                counts["decided"] += 1
                counts["decided_in_time"] += int(in_time)
                units.add(unit)
            if valuable and concluded >= w.month_from:
                counts["valuable_month"] += 1
                units.add(unit)
    return {
        "open": counts["open"],
        "due_soon": counts["due_soon"],
        "overdue": counts["overdue"],
        "incoming": counts["incoming"],
        "first_action_tips": len(delays),
        # The band of the lower median: the dashboard reads the median from bands.
        "first_action_band": _band(statistics.median_low(delays)) if delays else None,
        "decided": counts["decided"],
        "decided_in_time": counts["decided_in_time"],
        "valuable_month": counts["valuable_month"],
        "units": len(units) if len(ids) > 1 else 0,
    }


def _scan_trends(user: Any, now: dt.datetime) -> tuple[float | None, int, int, int, int]:
    """The figures over months read from the tips table, as the dashboard did before
    `UnitMonthCount`: grouped queries per unit and over all, PostgreSQL's exact median.
    Returns (exact median in hours, tips it is over, decided, in time, valuable this month)."""
    from django.db.models import Aggregate, Count, DurationField, F, Q

    from toandan.accounts.models import POLICE_ROLES
    from toandan.accounts.selectors import jurisdiction_org_units
    from toandan.orgs.models import OrgKind
    from toandan.tips.dashboard import selectors as dashboard
    from toandan.tips.models import Tip

    class Median(Aggregate):
        function = "percentile_cont"
        template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        output_field = DurationField()

    w = dashboard.windows(now)
    ids = list(
        jurisdiction_org_units(copy.copy(user), POLICE_ROLES)
        .filter(kind=OrgKind.POLICE)
        .values_list("pk", flat=True)
    )
    acted = Tip.objects.filter(
        responsible_unit_id__in=ids, first_action_at__gte=w.first_action_from
    )
    delay = F("first_action_at") - F("received_at")
    list(acted.values("responsible_unit_id").annotate(m=Median(delay), n=Count("*")).order_by())
    total = acted.aggregate(m=Median(delay), n=Count("*"))
    decided = list(
        Tip.objects.filter(
            responsible_unit_id__in=ids, status="concluded", concluded_at__gte=w.decided_from
        )
        .values_list("responsible_unit_id")
        .annotate(
            d=Count("status", filter=Q(decided_in_time__isnull=False)),
            t=Count("status", filter=Q(decided_in_time=True)),
            v=Count("status", filter=Q(valuable=True, concluded_at__gte=w.month_from)),
        )
        .order_by()
    )
    median = total["m"].total_seconds() / 3600 if total["m"] is not None else None
    return (
        median,
        total["n"],
        sum(r[1] for r in decided),
        sum(r[2] for r in decided),
        sum(r[3] for r in decided),
    )


def _open_counts_plan(user: Any, now: dt.datetime) -> str:
    """How PostgreSQL answers the open counts: the scan and its heap fetches."""
    from django.db import connection

    from toandan.accounts.models import POLICE_ROLES
    from toandan.accounts.selectors import jurisdiction_org_units
    from toandan.orgs.models import OrgKind
    from toandan.tips.dashboard import selectors as dashboard

    w = dashboard.windows(now)
    ids = list(
        jurisdiction_org_units(copy.copy(user), POLICE_ROLES)
        .filter(kind=OrgKind.POLICE)
        .values_list("pk", flat=True)
    )
    parts = []
    for label, query in (
        ("open", dashboard._live_open_query(ids, w)),
        ("incoming", dashboard._live_incoming_query(ids)),
    ):
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        nodes: list[str] = []

        def walk(node: dict[str, Any], into: list[str] = nodes) -> None:
            if "Scan" in node["Node Type"]:
                fetches = node.get("Heap Fetches")
                into.append(
                    f"{node['Node Type']} on {node.get('Index Name') or node.get('Relation Name')}"
                    + (f", heap fetches {fetches}" if fetches is not None else "")
                )
            for child in node.get("Plans", []):
                walk(child, into)

        walk(plan[0]["Plan"])
        parts.append(f"{label}: {'; '.join(nodes)}")
    return " | ".join(parts)


def _checked(name: str, fast: object, naive: object) -> None:
    if fast != naive:
        msg = f"{name}: the fast and the naive results differ:\n{fast}\n{naive}"
        raise AssertionError(msg)


def _band_label(band: int | None) -> str:
    from toandan.tips.dashboard.unit_counts import FIRST_ACTION_BANDS

    if band is None:
        return "none"
    if band < len(FIRST_ACTION_BANDS):
        return f"within {FIRST_ACTION_BANDS[band]} h"
    return f"later than {FIRST_ACTION_BANDS[-1]} h"


def _goal(m: Measurement, limit_ms: float = 50.0) -> str:
    return f"under {limit_ms:.0f} ms ({'met' if m.median_ms < limit_ms else 'NOT met'})"


def _mix() -> str:
    from django.db.models import Count

    from toandan.tips.models import Tip

    by_status = dict(Tip.objects.values_list("status").annotate(n=Count("*")).order_by())
    total = sum(by_status.values())
    parts = ", ".join(
        f"{status} {n / total:.1%}" for status, n in sorted(by_status.items(), key=lambda s: -s[1])
    )
    return f"status mix: {parts}"


def run() -> list[str]:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from toandan.tips.dashboard.unit_counts import unit_counts_rebuild

    if connection.vendor != "postgresql":
        return ["skipped: this benchmark needs PostgreSQL (DATABASE_URL=postgres://...)"]
    call_command("load_geo", verbosity=0)
    now = timezone.now()
    started = time.perf_counter()
    load(load_world(now), TIPS)
    lines = [f"{TIPS:,} tips and their routes loaded in {time.perf_counter() - started:.0f} s"]
    started = time.perf_counter()
    # Loaded with COPY, the tips never went through the hook: count them as it would have.
    counts = unit_counts_rebuild()
    lines.append(
        f"unit month counts rebuilt in {time.perf_counter() - started:.1f} s "
        f"({counts.rows_after:,} rows)"
    )
    lines.append(_mix())
    people = [
        ("commune officer, Hoàn Kiếm", _staff("bench.hoankiem", "police_officer", "CA-01-00070")),
        ("province leader, Hà Nội", _staff("bench.hanoi", "police_leader", "CA-01")),
    ]
    for label, user in people:
        page, count = _inbox_page(user, now)
        _checked(f"inbox ({label})", (page, count), _naive_inbox(user, now))
        fast = measure(
            f"inbox first page + count ({label}, {count:,} open tips)",
            lambda u=user: _inbox_page(u, now),
            runs=RUNS,
        )
        naive = measure("the same through TipRoute", lambda u=user: _naive_inbox(u, now), runs=RUNS)
        lines.append(report(fast, naive, goal=_goal(fast)))
    for label, user in people:
        figures = _dashboard_totals(user, now)
        _checked(f"dashboard ({label})", figures, _naive_dashboard(user, now))
        median, n, decided, in_time, valuable = _scan_trends(user, now)
        _checked(
            f"dashboard figures over months ({label})",
            (figures["first_action_tips"], figures["decided"], figures["decided_in_time"]),
            (n, decided, in_time),
        )
        _checked(f"valuable this month ({label})", figures["valuable_month"], valuable)
        lines.append(
            f"{label}: exact median to the first action {median:.2f} h over {n:,} tips; "
            f"the dashboard's band: {_band_label(figures['first_action_band'])}"
        )
        lines.append(f"{label}, open counts plan: {_open_counts_plan(user, now)}")
        naive = measure(
            "the same figures from every tip, in Python",
            lambda u=user: _naive_dashboard(u, now),
            runs=NAIVE_RUNS,
        )
        scan = measure(
            "the figures over months from the tips table (the previous way)",
            lambda u=user: _scan_trends(u, now),
            runs=NAIVE_RUNS,
        )
        cold = measure(
            f"dashboard, nothing cached ({label}, {figures['units']} units listed)",
            lambda u=user: _dashboard_totals(u, now),
            runs=RUNS,
        )
        lines.append(report(cold, naive, goal=_goal(cold)))
        lines.append(report(cold, scan))
    return lines
