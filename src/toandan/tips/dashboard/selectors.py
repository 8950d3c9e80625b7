"""The unit dashboard: where a police unit stands with its tips, and, for a province, its
communes side by side.

Figures (a tip counts for the unit that has it now, `Tip.responsible_unit`, as in the inbox):
- open, due within DUE_SOON_DAYS (until the end of the third day from today), overdue: open
  tips and their running deadline (BLTTHS Art. 146-149, `toandan.tips.handling.timeline`);
- awaiting acceptance: tips forwarded to the unit that it has not accepted or sent back;
- median time from receipt to the first action, over the tips first acted on this month and
  the FIRST_ACTION_MONTHS months before (about the last 90 days): read from a histogram of
  hours (within 1, 2, 4, 8, 12, 24, 48, 72, 168 hours, or later), so the page shows the band
  holding the median as its upper bound, "within 8 hours": at least half of those tips had
  their first action within that time (`toandan.tips.dashboard.unit_counts.median_band`);
- share decided in time: of the tips concluded this month and the DECIDED_MONTHS months
  before, those decided before the deadline that applied (20 days, Art. 147(1), or its lawful
  extension);
- valuable tips concluded this month (Vietnam calendar month).

The open counts are two grouped counts on the inbox's indexes (`tips_tip_inbox_idx`, and
(pending unit, status)), answered from the indexes alone on PostgreSQL. The figures over
months come from `UnitMonthCount` (`toandan.tips.dashboard.unit_counts`), kept current in the
transaction of every tip change: a few rows per unit and month, so nothing is cached and every
figure is as of the request. No tip is decrypted; the number of queries is fixed, however many
tips and units. `make bench` measures it on a million tips against the figures counted from
every tip.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, Sum
from django.utils import timezone

from toandan.accounts.models import POLICE_ROLES
from toandan.accounts.selectors import jurisdiction_org_units
from toandan.orgs.models import OrgKind
from toandan.tips.dashboard.unit_counts import (
    BAND_COLUMNS,
    FIRST_ACTION_BANDS,
    median_band,
    month_start,
)
from toandan.tips.deadlines import add_months, end_of_day, local_date
from toandan.tips.handling.inbox import DUE_SOON_DAYS, deadline_running
from toandan.tips.models import OPEN_STATUSES, Tip, TipStatus, UnitMonthCount

AnyUser = AbstractBaseUser | AnonymousUser

# Months before this one that the figures over months cover (this month so far is added).
FIRST_ACTION_MONTHS = 3
DECIDED_MONTHS = 12
# The page says "later than 168 hours" when the median is beyond the last band.
FIRST_ACTION_LATER_HOURS = FIRST_ACTION_BANDS[-1]


class DashboardScopeError(Exception):
    """The unit asked for is not a police unit in the user's charge."""


# --- What the page shows -------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    open: int = 0
    due_soon: int = 0
    overdue: int = 0
    incoming: int = 0
    # How many tips had their first action in each band of `FIRST_ACTION_BANDS` (and later).
    first_action_bands: tuple[int, ...] = ()
    decided: int = 0
    decided_in_time: int = 0
    valuable_month: int = 0

    @property
    def first_action_tips(self) -> int:
        """How many tips the median is over."""
        return sum(self.first_action_bands)

    @property
    def first_action_band(self) -> int | None:
        """The band holding the median time to the first action; None without tips."""
        return median_band(self.first_action_bands)

    @property
    def first_action_hours(self) -> int | None:
        """The median as the upper bound of its band, in hours: at least half of the tips had
        their first action within it. None without tips, or when the median is later than
        the last bound (`first_action_later`)."""
        band = self.first_action_band
        return (
            FIRST_ACTION_BANDS[band]
            if band is not None and band < len(FIRST_ACTION_BANDS)
            else None
        )

    @property
    def first_action_later(self) -> bool:
        """The median is later than the last band's bound (FIRST_ACTION_LATER_HOURS)."""
        return self.first_action_band == len(FIRST_ACTION_BANDS)

    @property
    def share_in_time(self) -> float | None:
        """Percent of the decided tips decided in time; None when none was decided."""
        if not self.decided:
            return None
        return 100 * self.decided_in_time / self.decided

    @property
    def is_empty(self) -> bool:
        return not (
            self.open
            or self.incoming
            or self.first_action_tips
            or self.decided
            or self.valuable_month
        )


def _add_bands(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    if not a:
        return tuple(b)
    if not b:
        return tuple(a)
    return tuple(x + y for x, y in zip(a, b, strict=True))


@dataclass(frozen=True)
class UnitRow:
    unit_id: int
    name: str
    code: str
    figures: Figures


@dataclass(frozen=True)
class Dashboard:
    scope_name: str
    selected_unit_id: int | None  # set when a province officer looks at one unit
    total: Figures
    # One row per police unit with tips, for the side-by-side table (empty for a single unit).
    rows: list[UnitRow]
    now: dt.datetime
    first_action_since: dt.date
    decided_since: dt.date
    month_start: dt.date
    sort: str = "overdue"
    max_overdue: int = 0


# --- Sorting the side-by-side table --------------------------------------------------------


def _none_last(value: float | None, *, descending: bool) -> tuple[int, float]:
    if value is None:
        return (1, 0.0)
    return (0, -value if descending else value)


SortKey = Callable[[UnitRow], Any]
SORTS: dict[str, SortKey] = {
    "overdue": lambda r: (-r.figures.overdue, -r.figures.due_soon, r.name),
    "due_soon": lambda r: (-r.figures.due_soon, -r.figures.overdue, r.name),
    "open": lambda r: (-r.figures.open, r.name),
    "incoming": lambda r: (-r.figures.incoming, r.name),
    # Slowest first: the units that take long to act need looking at.
    "first_action": lambda r: (
        _none_last(r.figures.first_action_band, descending=True),
        r.name,
    ),
    # Worst first: the units that decide late need looking at.
    "share": lambda r: (_none_last(r.figures.share_in_time, descending=False), r.name),
    "valuable": lambda r: (-r.figures.valuable_month, r.name),
    "name": lambda r: (r.name, r.code),
}
DEFAULT_SORT = "overdue"


# --- Scope ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    pk: int
    name: str
    code: str
    path: str


def _police_units(user: AnyUser) -> list[_Unit]:
    rows = (
        jurisdiction_org_units(user, POLICE_ROLES)
        .filter(kind=OrgKind.POLICE)
        .order_by("path")
        .values_list("pk", "name", "code", "path")
    )
    return [_Unit(pk, name, code, path) for pk, name, code, path in rows]


def _roots(units: Sequence[_Unit]) -> list[_Unit]:
    roots: list[_Unit] = []
    for unit in sorted(units, key=lambda u: len(u.path)):
        if not any(unit.path.startswith(r.path) for r in roots):
            roots.append(unit)
    return roots


# --- Queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Windows:
    now: dt.datetime
    soon_limit: dt.datetime
    month: dt.date  # this month, Vietnam calendar
    first_action_since: dt.date  # first day of the first month of the median
    decided_since: dt.date  # first day of the first month of the share decided in time

    @property
    def first_action_from(self) -> dt.datetime:
        return month_start(self.first_action_since)

    @property
    def decided_from(self) -> dt.datetime:
        return month_start(self.decided_since)

    @property
    def month_from(self) -> dt.datetime:
        return month_start(self.month)


def windows(now: dt.datetime) -> Windows:
    """The periods of the figures at `now` (the bench counts the same periods from the tips)."""
    today = local_date(now)
    month = today.replace(day=1)
    return Windows(
        now=now,
        soon_limit=end_of_day(today + dt.timedelta(days=DUE_SOON_DAYS)),
        month=month,
        first_action_since=add_months(month, -FIRST_ACTION_MONTHS),
        decided_since=add_months(month, -DECIDED_MONTHS),
    )


@dataclass(frozen=True)
class _Live:
    open: int = 0
    due_soon: int = 0
    overdue: int = 0
    incoming: int = 0


def _live_open_query(unit_ids: list[int], w: Windows) -> Any:
    return (
        Tip.objects.filter(responsible_unit_id__in=unit_ids, status__in=OPEN_STATUSES)
        .values_list("responsible_unit_id")
        .annotate(
            # Counting a column of the (responsible unit, status, due) index, not the primary
            # key, lets PostgreSQL answer from the index alone.
            n_open=Count("*"),
            # A forwarded tip has met its forwarding deadline (inbox.deadline_running).
            n_due_soon=Count(
                "status",
                filter=deadline_running() & Q(due_at__gte=w.now, due_at__lte=w.soon_limit),
            ),
            n_overdue=Count("status", filter=deadline_running() & Q(due_at__lt=w.now)),
        )
        .order_by()
    )


def _live_incoming_query(unit_ids: list[int]) -> Any:
    return (
        Tip.objects.filter(pending_unit_id__in=unit_ids, status=TipStatus.FORWARDED)
        .values_list("pending_unit_id")
        .annotate(n_incoming=Count("*"))
        .order_by()
    )


def _live(unit_ids: list[int], w: Windows) -> dict[int, _Live]:
    """Open, due soon, overdue (by responsible unit) and awaiting acceptance (by the unit it
    was forwarded to): two grouped queries on the inbox's indexes (the bench prints their
    plans)."""
    result: dict[int, _Live] = defaultdict(_Live)
    for unit, open_count, due_soon, overdue in _live_open_query(unit_ids, w):
        result[unit] = _Live(open=open_count, due_soon=due_soon, overdue=overdue)
    for unit, count in _live_incoming_query(unit_ids):
        result[unit] = replace(result[unit], incoming=count)
    return result


def _monthly(unit_ids: list[int], w: Windows) -> dict[int, Figures]:
    """The figures over months, per unit: one grouped query on `UnitMonthCount` (its unique
    (unit, month) index), a dozen rows per unit at most."""
    recent = Q(month__gte=w.first_action_since)
    decided = Q(month__gte=w.decided_since)
    bands = {f"band_{i}": Sum(column, filter=recent) for i, column in enumerate(BAND_COLUMNS)}
    rows = (
        UnitMonthCount.objects.filter(
            org_unit_id__in=unit_ids, month__gte=min(w.first_action_since, w.decided_since)
        )
        .values_list("org_unit_id")
        .annotate(
            n_decided=Sum("decided", filter=decided),
            n_in_time=Sum("decided_in_time", filter=decided),
            n_valuable=Sum("valuable", filter=Q(month=w.month)),
            **bands,
        )
        .order_by()
    )
    result: dict[int, Figures] = {}
    for unit, n_decided, n_in_time, n_valuable, *histogram in rows:
        counts = tuple(int(n or 0) for n in histogram)
        result[unit] = Figures(
            first_action_bands=counts if any(counts) else (),
            decided=int(n_decided or 0),
            decided_in_time=int(n_in_time or 0),
            valuable_month=int(n_valuable or 0),
        )
    return result


# --- The selector --------------------------------------------------------------------------


def unit_dashboard(
    user: AnyUser,
    *,
    unit_id: int | None = None,
    sort: str = DEFAULT_SORT,
    now: dt.datetime | None = None,
) -> Dashboard:
    """The dashboard of the police units in the user's charge, or of one of them (`unit_id`,
    with the units under it). Raises DashboardScopeError when `unit_id` is not in the user's
    charge (the caller answers 404: the user is not told whether the unit exists)."""
    now = now or timezone.now()
    units = _police_units(user)
    selected: _Unit | None = None
    if unit_id is not None:
        selected = next((u for u in units if u.pk == unit_id), None)
        if selected is None:
            raise DashboardScopeError
        units = [u for u in units if u.path.startswith(selected.path)]
    roots = _roots(units)
    scope_name = ", ".join(r.name for r in roots)
    unit_ids = [u.pk for u in units]
    w = windows(now)
    live = _live(unit_ids, w) if unit_ids else {}
    monthly = _monthly(unit_ids, w) if unit_ids else {}
    rows = []
    for unit in units:
        now_counts = live.get(unit.pk, _Live())
        figures = replace(
            monthly.get(unit.pk, Figures()),
            open=now_counts.open,
            due_soon=now_counts.due_soon,
            overdue=now_counts.overdue,
            incoming=now_counts.incoming,
        )
        if not figures.is_empty:
            rows.append(UnitRow(unit.pk, unit.name, unit.code, figures))
    # Sums of the units' counts: the median is that of all their tips together (the
    # histograms add up), not a median of the units' medians.
    bands: tuple[int, ...] = ()
    for row in rows:
        bands = _add_bands(bands, row.figures.first_action_bands)
    total = Figures(
        open=sum(r.figures.open for r in rows),
        due_soon=sum(r.figures.due_soon for r in rows),
        overdue=sum(r.figures.overdue for r in rows),
        incoming=sum(r.figures.incoming for r in rows),
        first_action_bands=bands,
        decided=sum(r.figures.decided for r in rows),
        decided_in_time=sum(r.figures.decided_in_time for r in rows),
        valuable_month=sum(r.figures.valuable_month for r in rows),
    )
    sort = sort if sort in SORTS else DEFAULT_SORT
    rows.sort(key=SORTS[sort])
    single = len(units) == 1
    return Dashboard(
        scope_name=scope_name,
        selected_unit_id=selected.pk if selected else None,
        total=total,
        rows=[] if single else rows,
        now=now,
        first_action_since=w.first_action_since,
        decided_since=w.decided_since,
        month_start=w.month,
        sort=sort,
        max_overdue=max((r.figures.overdue for r in rows), default=0),
    )
