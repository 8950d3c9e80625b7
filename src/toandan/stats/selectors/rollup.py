"""Reads of statistics: roll-ups of indicators, coverage of periodic reports, and the reports a
user may see, enter or approve.

Public selectors (the dashboards, exports and summary paragraph call these):

- `rollup(indicator_codes, period, *, level, geography, unit, by, interval, categories,
  channels, user) -> Table`
- `stats_query(user, *, indicator, period, unit, level, by, geography, interval) -> Table`
  (the API's parsing of strings, same result as `rollup`)
- `coverage(dataset, period, *, unit=None, level=None, today=None) -> Coverage`
- `coverage_for_user(user, *, dataset, period, unit, level) -> Coverage` (pages, API, exports)
- `coverage_sentence(coverage, *, limit=10) -> str`
- `place_coverage(dataset, period, place, *, geography) -> PlaceCoverage | None`
- `summary_figures(user, *, unit, period, geography) -> SummaryFigures` (the summary paragraph)
- `dashboard(user, *, unit, period, geography) -> Dashboard`
- `indicators_listed()`, `datasets_active()`, `default_place(user)`, `place_visible(user, place)`

Statistics read the summary tables and report values only, never a tip's content.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from toandan.accounts.models import Role
from toandan.accounts.selectors import active_role_assignments, user_jurisdiction
from toandan.geo.models import AdminUnit
from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit
from toandan.stats import geography as geo
from toandan.stats.geography import Atlas, Place
from toandan.stats.models import (
    COUNTED_STATUSES,
    Aggregation,
    DataSet,
    Indicator,
    PeriodType,
    Report,
    ReportStatus,
    ReportValue,
)
from toandan.stats.periods import (
    Period,
    PeriodError,
    half_period,
    month_period,
    parse_period,
    period_label,
    period_opening,
    quarter_period,
    split,
    year_period,
)
from toandan.stats.registry import (
    FORMULA,
    CellMaps,
    Source,
    SourceQuery,
    SourceRow,
    WideRows,
    get_source,
)
from toandan.stats.tables import (
    ALL_CATEGORIES,
    BY_DIMENSIONS,
    IndicatorInfo,
    Item,
    Number,
    Table,
)
from toandan.stats.vietnamese import CURRENT, LEGACY, ProvincesReported, SummaryFigures

AnyUser = AbstractBaseUser | AnonymousUser
# What sources give and sums hold (formulas add floats afterwards).
Amount = int | Decimal
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Who reads statistics (each within their jurisdiction); analysts at a central unit see all.
STATS_READ_ROLES = frozenset(
    {
        Role.ANALYST.value,
        # Commendation campaigns are judged on these figures.
        Role.CAMPAIGN_ORGANISER.value,
        Role.UNION_CADRE.value,
        Role.UNION_LEADER.value,
        Role.POLICE_OFFICER.value,
        Role.POLICE_LEADER.value,
        Role.SYSTEM_ADMIN.value,
    }
)
# Who enters and submits a unit's reports, and who approves them, by kind of unit.
ENTRY_ROLES: dict[str, frozenset[str]] = {
    OrgKind.WOMENS_UNION: frozenset({Role.UNION_CADRE.value, Role.UNION_LEADER.value}),
    OrgKind.POLICE: frozenset({Role.POLICE_OFFICER.value, Role.POLICE_LEADER.value}),
}
APPROVE_ROLES: dict[str, frozenset[str]] = {
    OrgKind.WOMENS_UNION: frozenset({Role.UNION_LEADER.value}),
    OrgKind.POLICE: frozenset({Role.POLICE_LEADER.value}),
}
REPORT_ROLES = frozenset().union(*ENTRY_ROLES.values(), *APPROVE_ROLES.values())

INTERVALS = ("month", "quarter", "half", "year")
# Org levels from the top: a report is approved after the reports of the levels below it.
LEVEL_ORDER = (
    OrgLevel.CENTRAL.value,
    OrgLevel.PROVINCE.value,
    OrgLevel.DISTRICT.value,
    OrgLevel.COMMUNE.value,
    OrgLevel.BRANCH.value,
)


class StatsQueryError(Exception):
    """A query that cannot be answered as asked; `message` tells the user why, `field` which
    parameter."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StatsAccessError(Exception):
    """The unit asked for is outside the user's jurisdiction."""


class StatsNotFoundError(StatsQueryError):
    """An unknown data set, unit or place: pages and the API answer 404."""


# --- Reference data -------------------------------------------------------------------------


def indicators_listed() -> QuerySet[Indicator]:
    return Indicator.objects.filter(active=True, listed=True).order_by("order", "code")


def datasets_active() -> QuerySet[DataSet]:
    return DataSet.objects.filter(active=True).order_by("order", "code")


def dataset_get(code: str) -> DataSet | None:
    return DataSet.objects.filter(code=code, active=True).first()


def _categories() -> dict[int, tuple[str, str]]:
    from toandan.tips.models import Category

    return {c.pk: (c.code, c.localized_name()) for c in Category.objects.order_by("order", "code")}


def _channels() -> list[tuple[str, str]]:
    from toandan.tips.models import Channel

    return [(str(value), str(label)) for value, label in Channel.choices]


# --- Jurisdiction over places ---------------------------------------------------------------


def place_visible(user: AnyUser, place: Place) -> bool:
    """True if the user's statistics roles reach the place: a place at or under one of their
    administrative units, a legacy place through its successor; the country and regions only
    for a national jurisdiction."""
    reach = user_jurisdiction(user, STATS_READ_ROLES)
    if reach.all_admin_units:
        return True
    if place.level not in {geo.LEVEL_PROVINCE, geo.LEVEL_COMMUNE} or not place.path:
        return False
    current = geo.current_successor(place)
    return reach.covers_admin_path(current.path)


def default_place(user: AnyUser) -> Place | None:
    """Where the user's statistics start: the country for a national jurisdiction, otherwise
    the first administrative unit they cover; None without a statistics role."""
    reach = user_jurisdiction(user, STATS_READ_ROLES)
    if reach.all_admin_units:
        return geo.country()
    return geo.default_place_for_admin_paths(reach.admin_paths)


# --- Roll-up --------------------------------------------------------------------------------


def _resolve_indicators(codes: Sequence[str]) -> tuple[list[Indicator], list[Indicator]]:
    """The indicators asked for, in order, and every indicator needed to compute them
    (formula parts included)."""
    wanted = [c.strip() for c in codes if c and c.strip()]
    if not wanted:
        raise StatsQueryError(_("Choose at least one indicator."), field="indicator")
    found = {i.code: i for i in Indicator.objects.filter(code__in=wanted, active=True)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise StatsQueryError(
            _("Unknown indicator: %(codes)s.") % {"codes": ", ".join(unknown)}, field="indicator"
        )
    asked = [found[c] for c in dict.fromkeys(wanted)]
    needed: dict[int, Indicator] = {i.pk: i for i in asked}
    frontier = [i for i in asked if i.source == FORMULA]
    for _depth in range(5):
        part_ids = {
            pk for i in frontier for pk in (i.numerator_id, i.denominator_id) if pk is not None
        } - set(needed)
        if not part_ids:
            break
        parts = list(Indicator.objects.filter(pk__in=part_ids))
        needed.update({p.pk: p for p in parts})
        frontier = [p for p in parts if p.source == FORMULA]
    return asked, list(needed.values())


def _info(indicator: Indicator) -> IndicatorInfo:
    source = get_source(indicator.source)
    return IndicatorInfo(
        code=indicator.code,
        name=indicator.localized_name(),
        source=indicator.source,
        aggregation=indicator.aggregation,
        value_type=indicator.value_type,
        complete=bool(source and source.complete),
    )


def _bucket_finder(buckets: Sequence[Period]) -> Callable[[dt.date, dt.date], Period | None]:
    by_month: dict[tuple[int, int], Period] = {}
    for bucket in buckets:
        day = bucket.start
        while day <= bucket.end:
            by_month.setdefault((day.year, day.month), bucket)
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)

    def find(start: dt.date, end: dt.date) -> Period | None:
        bucket = by_month.get((start.year, start.month))
        if bucket is None or start < bucket.start or end > bucket.end:
            return None
        return bucket

    return find


def _resolve_unit(unit: Place | str | None, geography: str) -> Place:
    if unit is None or unit == "":
        return geo.country()
    place = geo.place_get(unit) if isinstance(unit, str) else unit
    if place is None:
        raise StatsNotFoundError(_("Unknown place: %(key)s.") % {"key": unit}, field="unit")
    if geography == geo.CURRENT and place.is_legacy:
        # An old unit asked for in today's geography: its successor.
        place = geo.current_successor(place)
    return place


def _check_level(unit: Place, level: str) -> None:
    if level not in geo.PLACE_LEVELS:
        raise StatsQueryError(
            _("Unknown level; use one of: %(levels)s.") % {"levels": ", ".join(geo.PLACE_LEVELS)},
            field="level",
        )
    if geo.level_depth(level) < geo.level_depth(unit.level) or (
        level in {geo.LEVEL_REGION, geo.LEVEL_STATISTICAL_REGION}
        and unit.level != geo.LEVEL_COUNTRY
    ):
        raise StatsQueryError(
            _("The level must be at or below the place asked for."), field="level"
        )


def _normalise(value: Number) -> Number:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value.quantize(Decimal("0.01"))
    return value


@dataclass
class _Plan:
    """A roll-up's parameters, checked and resolved."""

    period: Period
    geography: str
    level: str
    interval: str
    dims: tuple[str, ...]
    place: Place
    asked: list[Indicator]
    needed: list[Indicator]
    atlas: Atlas
    buckets: list[Period]
    category_names: dict[int, tuple[str, str]]
    category_filter: frozenset[int] | None
    channel_filter: frozenset[str] | None


@dataclass
class _Collected:
    cells: dict[tuple[str, ...], Number]
    places: dict[str, Place]
    all_categories: bool


def _check_choices(
    period: Period | str, geography: str, interval: str, by: Sequence[str]
) -> tuple[Period, tuple[str, ...]]:
    if isinstance(period, str):
        try:
            period = parse_period(period)
        except PeriodError as error:
            raise StatsQueryError(error.message, field="period") from error
    if geography not in geo.GEOGRAPHIES:
        raise StatsQueryError(_("Choose the current or the old geography."), field="geography")
    if interval not in INTERVALS:
        raise StatsQueryError(
            _("Unknown interval; use one of: %(values)s.") % {"values": ", ".join(INTERVALS)},
            field="interval",
        )
    dims = tuple(dict.fromkeys(d for d in by if d))
    unknown = [d for d in dims if d not in BY_DIMENSIONS]
    if unknown:
        raise StatsQueryError(
            _("Unknown dimension: %(names)s.") % {"names": ", ".join(unknown)}, field="by"
        )
    return period, dims


def _category_filter(
    names: dict[int, tuple[str, str]], categories: Sequence[str] | None
) -> frozenset[int] | None:
    if not categories:
        return None
    by_code = {code: pk for pk, (code, _name) in names.items()}
    unknown = [c for c in categories if c not in by_code]
    if unknown:
        raise StatsQueryError(
            _("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)}, field="category"
        )
    return frozenset(by_code[c] for c in categories)


def rollup(
    indicator_codes: Sequence[str],
    period: Period | str,
    *,
    level: str = geo.LEVEL_PROVINCE,
    geography: str = geo.CURRENT,
    unit: Place | str | None = None,
    by: Sequence[str] = ("period", "place", "category"),
    interval: str = "month",
    categories: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
    user: AnyUser | None = None,
) -> Table:
    """Indicators along the dimensions `by`, at `level` under `unit` (a place key such as
    "VN", "01", "L01", "00070", "region:macro:north", or a Place; None: the country), in the
    current geography (old units re-aggregated onto today's through the successions) or the old
    one (each figure in the unit it was recorded in). The "period" dimension cuts `period`
    into `interval`s (month, quarter, half, year). `categories` (tip category codes) and
    `channels` filter tip indicators. With `user`, a unit outside their jurisdiction raises
    StatsAccessError.

    Raises StatsQueryError with a message for the user on a bad parameter.
    """
    period, dims = _check_choices(period, geography, interval, by)
    place = _resolve_unit(unit, geography)
    _check_level(place, level)
    if user is not None and not place_visible(user, place):
        raise StatsAccessError
    asked, needed = _resolve_indicators(indicator_codes)
    names = _categories()
    plan = _Plan(
        period=period,
        geography=geography,
        level=level,
        interval=interval,
        dims=dims,
        place=place,
        asked=asked,
        needed=needed,
        atlas=Atlas.load(geography=geography, level=level, unit=place),
        buckets=split(period, interval) if "period" in dims else [period],  # type: ignore[arg-type]
        category_names=names,
        category_filter=_category_filter(names, categories),
        channel_filter=frozenset(channels) if channels else None,
    )
    collected = _collect(plan)
    return Table(
        indicators=[_info(i) for i in asked],
        period=period,
        interval=interval,
        geography=geography,
        level=level,
        unit=place,
        by=dims,
        items=_items(plan, collected),
        cells=collected.cells,
    )


def _sources(plan: _Plan) -> list[tuple[Source, SourceQuery]]:
    by_source: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in plan.needed:
        if indicator.source != FORMULA:
            by_source[indicator.source].append(indicator)
    scope = plan.atlas.scope_provinces()
    result = []
    for source_code, indicators in by_source.items():
        source = get_source(source_code)
        if source is None or (source.fetch is None and source.fetch_wide is None):
            raise StatsQueryError(
                _("Indicator source “%(source)s” is not available.") % {"source": source_code}
            )
        query = SourceQuery(
            indicators=tuple(indicators),
            start=plan.period.start,
            end=plan.period.end,
            province_ids=scope,
            communes=geo.LEVEL_COMMUNE in {plan.level, plan.place.level},
            categories="category" in plan.dims,
            channels="channel" in plan.dims,
            category_ids=plan.category_filter,
            channel_codes=plan.channel_filter,
        )
        result.append((source, query))
    return result


class _Placer:
    """Where a row goes: its period bucket, place and category, each worked out once per
    distinct value and remembered (the national roll-up passes ten thousand rows through
    here, so the per-row work is a few dictionary look-ups)."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.find_bucket = _bucket_finder(plan.buckets)
        self.category_codes = {pk: code for pk, (code, _n) in plan.category_names.items()}
        self.buckets: dict[tuple[dt.date, dt.date | None], str] = {}
        self.places: dict[tuple[int | None, int | None], str] = {}
        self.categories: dict[int, str] = {}
        self.seen: dict[str, Place] = {}
        positions = {"period": 0, "place": 1, "category": 2, "channel": 3}
        indexes = [positions[d] for d in plan.dims]
        self.pick: Callable[[tuple[str, str, str, str]], tuple[str, ...]]
        if not indexes:
            self.pick = lambda _parts: ()
        elif len(indexes) == 1:
            only = indexes[0]
            self.pick = lambda parts: (parts[only],)
        else:
            self.pick = operator.itemgetter(*indexes)

    def bucket(self, start: dt.date, end: dt.date | None) -> str:
        if end is None:
            end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(
                days=1
            )
        found = self.find_bucket(start, end)
        period = self.plan.period
        inside = found is not None and period.start <= start and end <= period.end
        return found.id if found is not None and inside else ""

    def place(self, province_id: int | None, commune_id: int | None) -> str:
        target = self.plan.atlas.map(province_id, commune_id)
        if target is None:
            return ""
        self.seen[target.key] = target
        return target.key

    def category(self, category_id: int) -> str:
        if not category_id:
            return ALL_CATEGORIES
        return self.category_codes.get(category_id, str(category_id))

    def cell(self, row: Sequence[Any]) -> tuple[str, ...] | None:
        """The cell key without the indicator for a row starting (start, end, province id,
        commune id, category id, channel), or None when the row is outside the query."""
        when = (row[0], row[1])
        bucket = self.buckets.get(when)
        if bucket is None:
            bucket = self.buckets[when] = self.bucket(row[0], row[1])
        where = (row[2], row[3])
        place = self.places.get(where)
        if place is None:
            place = self.places[where] = self.place(row[2], row[3] or None)
        if not bucket or not place:
            return None
        category = self.categories.get(row[4])
        if category is None:
            category = self.categories[row[4]] = self.category(row[4])
        return self.pick((bucket, place, category, row[5] or ALL_CATEGORIES))


def _sum_wide(
    placer: _Placer,
    codes: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sums: dict[tuple[str, ...], Amount],
) -> None:
    """Add up wide rows of summed indicators: the hot loop of the national roll-up (ten
    thousand rows), so the cell key of a row is looked up once and reused for each of its
    values, and the placer is only asked about a (start, end, place) or category not seen
    before."""
    buckets, places, categories = placer.buckets, placer.places, placer.categories
    pick = placer.pick
    numbered = tuple(enumerate(codes, start=7))
    for row in rows:
        when = (row[0], row[1])
        bucket = buckets.get(when)
        if bucket is None:
            bucket = buckets[when] = placer.bucket(row[0], row[1])
        if not bucket:
            continue
        where = (row[2], row[3])
        place = places.get(where)
        if place is None:
            place = places[where] = placer.place(row[2], row[3] or None)
        if not place:
            continue
        category = categories.get(row[4])
        if category is None:
            category = categories[row[4]] = placer.category(row[4])
        rest = pick((bucket, place, category, row[5] or ALL_CATEGORIES))
        for index, code in numbered:
            value = row[index]
            if value:
                sums[(code, *rest)] += value


class _Names(dict[int, str]):
    """Category ids to codes; an id unknown to the catalogue is named by itself, as the
    placer does."""

    def __missing__(self, key: int) -> str:
        return str(key)


def _cell_maps(placer: _Placer, query: SourceQuery) -> CellMaps | None:
    """The placer's decisions numbered, for a source to group by in the database: the same
    names as `_Placer.cell` gives, worked out once per month, place and category instead of
    once per row. None when a dimension cannot be numbered this way (channels)."""
    plan = placer.plan
    if any(d not in {"period", "place", "category"} for d in plan.dims):
        return None
    periods: dict[str, int] = {}
    months = []
    month = plan.period.start.replace(day=1)
    while month <= plan.period.end:
        bucket = placer.bucket(month, None)
        if bucket:
            months.append((month, periods.setdefault(bucket, len(periods))))
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    atlas = plan.atlas
    places: dict[str, int] = {}

    def number(province_id: int, commune_id: int | None) -> int | None:
        # Not `placer.place`, which also marks the place as seen: only rows do that here.
        target = atlas.map(province_id, commune_id)
        return None if target is None else places.setdefault(target.key, len(places))

    scope = query.province_ids
    recorded = scope if scope is not None else atlas.provinces
    provinces = tuple((pid, number(pid, None)) for pid in sorted(recorded))
    communes: tuple[tuple[int, int | None], ...] = ()
    if query.communes:
        communes = tuple(
            (unit.id, number(unit.province_id, unit.id))
            for unit in atlas.communes.values()
            if scope is None or unit.province_id in scope
        )
    numbered_places = [i for _id, i in (*provinces, *communes) if i is not None]
    return CellMaps(
        dims=plan.dims,
        periods=tuple(periods),
        months=tuple(months),
        places=tuple(places),
        provinces=provinces,
        communes=communes,
        injective=len(periods) == len(months) and len(set(numbered_places)) == len(numbered_places),
    )


def _sum_cells(
    placer: _Placer, maps: CellMaps, cells: WideRows, sums: dict[tuple[str, ...], Amount]
) -> None:
    """File rows summed per cell: (*the cell's number along each dimension, *values), one row
    per cell (`fetch_cells` groups, or reads a table whose key is the cells), so each value is
    stored, not added. The hot loop of the national roll-up (about
    ten thousand rows): one dictionary comprehension per indicator, a row's name made of list
    and dictionary look-ups (written out per number of dimensions: a generic loop costs about
    three times as much)."""
    names: dict[str, Sequence[str] | dict[int, str]] = {
        "period": maps.periods,
        "place": maps.places,
        "category": _Names({0: ALL_CATEGORIES, **placer.category_codes}),
    }
    lookups = [names[d] for d in maps.dims]
    width = len(lookups)
    rows = cells.rows if isinstance(cells.rows, list) else list(cells.rows)
    for index, code in enumerate(cells.indicators, start=width):
        if width == 3:
            first, second, third = lookups
            sums.update(
                {(code, first[r[0]], second[r[1]], third[r[2]]): r[index] for r in rows if r[index]}
            )
        elif width == 2:
            first, second = lookups
            sums.update({(code, first[r[0]], second[r[1]]): r[index] for r in rows if r[index]})
        elif width == 1:
            (first,) = lookups
            sums.update({(code, first[r[0]]): r[index] for r in rows if r[index]})
        else:
            total = sum(r[index] for r in rows if r[index])
            if total:
                sums[(code,)] = total
    if "place" in maps.dims:
        position = maps.dims.index("place")
        known = placer.plan.atlas.places
        for number in {row[position] for row in rows}:
            key = maps.places[number]
            placer.seen[key] = known[key]
    if "category" in maps.dims:
        position = maps.dims.index("category")
        if any(row[position] == 0 for row in rows):
            placer.categories[0] = ALL_CATEGORIES


def _collect(plan: _Plan) -> _Collected:
    """Read every source, put each value in its cell, and aggregate."""
    placer = _Placer(plan)
    aggregation = {i.code: i.aggregation for i in plan.needed}
    summed = {code for code, how in aggregation.items() if how == Aggregation.SUM}
    sums: dict[tuple[str, ...], Amount] = defaultdict(int)
    series: dict[tuple[tuple[str, ...], str], list[tuple[dt.date, Amount]]] = defaultdict(list)

    def add(code: str, rest: tuple[str, ...], value: Amount, end: dt.date, unit: str) -> None:
        if code in summed:
            sums[(code, *rest)] += value
        else:
            series[((code, *rest), unit)].append((end, value))

    for source, query in _sources(plan):
        if source.fetch_cells is not None and all(i.code in summed for i in query.indicators):
            maps = _cell_maps(placer, query)
            summed_rows = source.fetch_cells(query, maps) if maps is not None else None
            if maps is not None and summed_rows is not None:
                _sum_cells(placer, maps, summed_rows, sums)
                continue
        if source.fetch_wide is not None:
            codes, rows = source.fetch_wide(query)
            if all(code in summed for code in codes):
                _sum_wide(placer, codes, rows, sums)
            else:
                _add_wide(placer, codes, rows, add)
        elif source.fetch is not None:
            for code, start, end, province, commune, value, category, channel, unit in source.fetch(
                query
            ):
                rest = placer.cell((start, end, province, commune, category, channel))
                if rest is not None:
                    add(code, rest, value, end, unit)
    cells: dict[tuple[str, ...], Number] = dict(sums)
    cells.update(_reduce_series(series, aggregation))
    _apply_formulas(cells, plan.needed)
    return _Collected(
        cells=_asked_cells(cells, plan),
        places=placer.seen,
        all_categories="category" in plan.dims and 0 in placer.categories,
    )


def _add_wide(
    placer: _Placer,
    codes: Sequence[str],
    rows: Iterable[Sequence[Any]],
    add: Callable[[str, tuple[str, ...], Amount, dt.date, str], None],
) -> None:
    """Wide rows holding stocks (aggregated by last value or average): each value by itself."""
    first = 7  # the values follow (start, end, province, commune, category, channel, unit)
    for row in rows:
        rest = placer.cell(row)
        if rest is None:
            continue
        for index, code in enumerate(codes, start=first):
            value = row[index]
            if value:
                add(code, rest, value, row[1] or row[0], row[6])


def _asked_cells(
    cells: dict[tuple[str, ...], Number], plan: _Plan
) -> dict[tuple[str, ...], Number]:
    """The cells of the indicators asked for (not of the parts of their formulas), decimals
    normalised; the dictionary is filtered only when parts were added, and updated in place."""
    asked = {i.code for i in plan.asked}
    if any(i.code not in asked for i in plan.needed):
        cells = {key: v for key, v in cells.items() if key[0] in asked}
    for key, v in cells.items():
        if type(v) is not int:
            cells[key] = _normalise(v)
    return cells


def _items(plan: _Plan, collected: _Collected) -> dict[str, list[Item]]:
    """The items of every dimension, in order: complete lists (every province of the unit,
    every category), so a place or category without figures still shows."""
    items: dict[str, list[Item]] = {
        "indicator": [Item(i.code, i.localized_name()) for i in plan.asked]
    }
    if "period" in plan.dims:
        items["period"] = [Item(b.id, period_label(b)) for b in plan.buckets]
    if "place" in plan.dims:
        places = plan.atlas.expected_places(plan.period.start, plan.period.end)
        listed = {p.key for p in places}
        # Places outside the expected list (a figure without a commune, a unit since closed),
        # by key: the order of the summary rows must not decide the order of the table.
        places += sorted(
            (p for key, p in collected.places.items() if key not in listed), key=lambda p: p.key
        )
        items["place"] = [
            Item(p.key, p.name, level=p.level, drillable=geo.drillable(p, plan.level))
            for p in places
        ]
    if "category" in plan.dims:
        chosen = plan.category_filter
        items["category"] = [
            Item(code, name)
            for pk, (code, name) in plan.category_names.items()
            if chosen is None or pk in chosen
        ]
        if collected.all_categories:
            items["category"].append(Item(ALL_CATEGORIES, _("All categories")))
    if "channel" in plan.dims:
        items["channel"] = [
            Item(code, name)
            for code, name in _channels()
            if plan.channel_filter is None or code in plan.channel_filter
        ]
    return items


def _reduce_series(
    series: dict[tuple[tuple[str, ...], str], list[tuple[dt.date, Amount]]],
    aggregation: dict[str, str],
) -> dict[tuple[str, ...], Amount]:
    """Stocks: each unit's last value (or its average over the periods) in the cell, then the
    units added up."""
    result: dict[tuple[str, ...], Amount] = defaultdict(int)
    for (key, _unit), values in series.items():
        if aggregation[key[0]] == Aggregation.LAST:
            result[key] += max(values, key=lambda pair: pair[0])[1]
        else:
            total = sum((Decimal(str(v)) for _day, v in values), Decimal(0))
            result[key] += total / len(values)
    return dict(result)


def _apply_formulas(cells: dict[tuple[str, ...], Number], needed: Sequence[Indicator]) -> None:
    """numerator / denominator × factor in every cell where the denominator is known and not
    0 (no ratio at all, rather than 0 %, where nothing was counted)."""
    by_id = {i.pk: i for i in needed}
    complete = {i.code: _info(i).complete for i in needed}
    formulas = [i for i in needed if i.source == FORMULA]
    # Formulas of formulas: each round computes the ones whose parts are ready.
    for _round in range(len(formulas)):
        for formula in formulas:
            numerator = by_id.get(formula.numerator_id or 0)
            denominator = by_id.get(formula.denominator_id or 0)
            if numerator is None or denominator is None:
                continue
            factor = float(formula.factor)
            rests = {key[1:] for key in cells if key[0] == denominator.code}
            for rest in rests:
                bottom = cells[(denominator.code, *rest)]
                top = cells.get((numerator.code, *rest))
                if top is None and complete[numerator.code]:
                    top = 0
                if top is None or not bottom:
                    continue
                cells[(formula.code, *rest)] = round(float(top) * factor / float(bottom), 2)


def fetch_reported(query: SourceQuery) -> Iterable[SourceRow]:
    """The "reports" source: values of reports that are submitted or approved, whose period
    lies within the query's days."""
    codes = {i.pk: i.code for i in query.indicators}
    values = ReportValue.objects.filter(
        indicator_id__in=list(codes),
        counted=True,
        period_start__gte=query.start,
        period_end__lte=query.end,
    )
    if query.province_ids is not None:
        values = values.filter(province_id__in=sorted(query.province_ids))
    for indicator_id, start, end, province_id, commune_id, org_unit_id, value in values.values_list(
        "indicator_id",
        "period_start",
        "period_end",
        "province_id",
        "commune_id",
        "org_unit_id",
        "value",
    ):
        yield SourceRow(
            codes[indicator_id],
            start,
            end,
            province_id,
            commune_id,
            value,
            unit=str(org_unit_id),
        )


def _split_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    parts = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    return [p.strip() for p in parts if p and p.strip()]


def stats_query(
    user: AnyUser,
    *,
    indicator: str | Sequence[str],
    period: str,
    unit: str = "",
    level: str = "",
    by: str | Sequence[str] = "period,place",
    geography: str = geo.CURRENT,
    interval: str = "",
    category: str | Sequence[str] = "",
    channel: str | Sequence[str] = "",
) -> Table:
    """`rollup` from the strings of a query string (the API and the pivot page): lists are
    comma-separated, the unit defaults to the user's own place, the level to one below the
    unit, the interval to months for a period of up to two years and to years beyond."""
    try:
        parsed = parse_period(period or "LAST_12_MONTHS")
    except PeriodError as error:
        raise StatsQueryError(error.message, field="period") from error
    if not interval:
        months = (
            (parsed.end.year - parsed.start.year) * 12 + parsed.end.month - parsed.start.month + 1
        )
        interval = "month" if months <= 24 else "year"
    if "-" in unit:
        # An organisation unit code (PN-01): the roll-up follows the organisation tree.
        return org_rollup(
            _split_list(indicator),
            parsed,
            unit=unit,
            by=[d for d in _split_list(by) if d in {"period", "place"}],
            interval=interval,
            user=user,
        )
    place: Place | None
    if unit:
        place = geo.place_get(unit)
        if place is None:
            raise StatsNotFoundError(_("Unknown place: %(key)s.") % {"key": unit}, field="unit")
    else:
        place = default_place(user)
        if place is None:
            raise StatsAccessError
    if geography == geo.CURRENT and place.is_legacy:
        place = geo.current_successor(place)
    return rollup(
        _split_list(indicator),
        parsed,
        level=level or geo.children_level(place),
        geography=geography,
        unit=place,
        by=_split_list(by),
        interval=interval,
        categories=_split_list(category) or None,
        channels=_split_list(channel) or None,
        user=user,
    )


# --- Roll-up along the organisation tree ------------------------------------------------------

ORG_LEVEL = "org"
# What the Women's Union tree counts of the tips: those whose tipster named a union unit.
_ATTRIBUTED = {"union_received": "received", "union_valuable": "valuable"}


def org_rollup(
    indicator_codes: Sequence[str],
    period: Period | str,
    *,
    unit: OrgUnit | str,
    by: Sequence[str] = ("place",),
    interval: str = "year",
    user: AnyUser | None = None,
) -> Table:
    """Indicators of a Women's Union unit broken down by the units directly below it in the
    organisation tree (province → communes → branches): reported figures by the unit that
    reported them, tips by the union unit the tipster named (tip indicators then count only
    those tips). The unit's own figures show as its own row. Police units follow the
    administrative units one to one: use `rollup` for them.

    The "place" dimension holds organisation unit codes."""
    period, dims = _check_choices(period, geo.CURRENT, interval, by)
    if set(dims) - {"period", "place"}:
        raise StatsQueryError(
            _("The organisation tree is shown by period and unit only."), field="by"
        )
    org = org_unit_by_code(unit) if isinstance(unit, str) else unit
    if org is None:
        raise StatsNotFoundError(_("Unknown unit."), field="unit")
    if org.kind != OrgKind.WOMENS_UNION:
        raise StatsQueryError(
            _("Police units follow the administrative units: choose a place instead."),
            field="unit",
        )
    if user is not None and not can_read_report(user, org):
        raise StatsAccessError
    asked, needed = _resolve_indicators(indicator_codes)
    buckets = split(period, interval) if "period" in dims else [period]  # type: ignore[arg-type]
    find_bucket = _bucket_finder(buckets)
    below = _org_children_of(org)
    sums: dict[tuple[str, ...], Amount] = defaultdict(int)
    series: dict[tuple[tuple[str, ...], str], list[tuple[dt.date, Amount]]] = defaultdict(list)
    aggregation = {i.code: i.aggregation for i in needed}
    pick = "period" in dims, "place" in dims

    def add(code: str, start: dt.date, end: dt.date, unit_id: int, value: Amount) -> None:
        bucket = find_bucket(start, end)
        if bucket is None or start < period.start or end > period.end or not value:
            return
        key = (code, *((bucket.id,) if pick[0] else ()), *((below[unit_id],) if pick[1] else ()))
        if aggregation[code] == Aggregation.SUM:
            sums[key] += value
        else:
            series[(key, str(unit_id))].append((end, value))

    for code, start, end, unit_id, value in _org_rows(needed, period, list(below)):
        add(code, start, end, unit_id, value)
    cells: dict[tuple[str, ...], Number] = dict(sums)
    cells.update(_reduce_series(series, aggregation))
    _apply_formulas(cells, needed)
    codes = {i.code for i in asked}
    items: dict[str, list[Item]] = {"indicator": [Item(i.code, i.localized_name()) for i in asked]}
    if "period" in dims:
        items["period"] = [Item(b.id, period_label(b)) for b in buckets]
    if "place" in dims:
        items["place"] = _org_items(org, period)
    return Table(
        indicators=[_info(i) for i in asked],
        period=period,
        interval=interval,
        geography=geo.CURRENT,
        level=ORG_LEVEL,
        unit=Place(key=org.code, name=org.name, level=ORG_LEVEL),
        by=dims,
        items=items,
        cells={
            k: (v if type(v) is int else _normalise(v)) for k, v in cells.items() if k[0] in codes
        },
    )


def org_parent_place(place: Place) -> Place | None:
    """One step up the organisation tree from an org-unit "place" (None at the root)."""
    org = org_unit_by_code(place.key)
    parent = org.parent if org is not None else None
    if parent is None:
        return None
    return Place(key=parent.code, name=parent.name, level=ORG_LEVEL)


def _org_children_of(org: OrgUnit) -> dict[int, str]:
    """Every unit in the subtree of `org` (itself included) -> the code of the child of
    `org` it lies under (`org`'s own code for `org`)."""
    subtree = list(
        OrgUnit.objects.filter(path__startswith=org.path, kind=org.kind).values_list(
            "pk", "path", "code"
        )
    )
    child_codes = {
        pk: code for pk, path, code in subtree if path.count("/") == org.path.count("/") + 1
    }
    result = {}
    for pk, path, _code in subtree:
        rest = path[len(org.path) :].strip("/")
        result[pk] = child_codes.get(int(rest.split("/")[0]), org.code) if rest else org.code
    return result


def _org_rows(
    needed: Sequence[Indicator], period: Period, unit_ids: list[int]
) -> Iterable[tuple[str, dt.date, dt.date, int, Amount]]:
    tips = [i for i in needed if i.source == "tips"]
    measures = {i.code: _ATTRIBUTED.get(i.source_key, i.source_key) for i in tips}
    if tips:
        from toandan.stats.models import TipFact

        fields = sorted(set(measures.values()))
        rows = (
            TipFact.objects.filter(
                month__gte=period.start.replace(day=1),
                month__lte=period.end,
                union_unit_id__in=unit_ids,
            )
            .values("month", "union_unit_id")
            .order_by()
            .annotate(**{f"m_{f}": Sum(f) for f in fields})
            .values_list("month", "union_unit_id", *(f"m_{f}" for f in fields))
        )
        for month, unit_id, *values in rows:
            by_field = dict(zip(fields, values, strict=True))
            end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(
                days=1
            )
            for code, field_name in measures.items():
                yield code, month, end, unit_id, int(by_field[field_name] or 0)
    reported = {i.pk: i.code for i in needed if i.source == "reports"}
    if reported:
        for indicator_id, start, end, unit_id, value in ReportValue.objects.filter(
            indicator_id__in=list(reported),
            counted=True,
            org_unit_id__in=unit_ids,
            period_start__gte=period.start,
            period_end__lte=period.end,
        ).values_list("indicator_id", "period_start", "period_end", "org_unit_id", "value"):
            yield reported[indicator_id], start, end, unit_id, value


def _org_items(org: OrgUnit, period: Period) -> list[Item]:
    children = (
        OrgUnit.objects.filter(parent=org, kind=org.kind)
        .filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=period.end),
            Q(valid_to__isnull=True) | Q(valid_to__gte=period.start),
        )
        .order_by("code")
    )
    items = [Item(org.code, _("%(unit)s (its own figures)") % {"unit": org.name})]
    items += [Item(c.code, c.name, level=ORG_LEVEL, drillable=True) for c in children]
    return items


# --- Periods of a data set --------------------------------------------------------------------

_WHOLE: dict[str, Callable[[dt.date], Period]] = {
    PeriodType.MONTH: lambda d: month_period(d.year, d.month),
    PeriodType.QUARTER: lambda d: quarter_period(d.year, (d.month - 1) // 3 + 1),
    PeriodType.HALF: lambda d: half_period(d.year, 1 if d.month <= 6 else 2),
    PeriodType.YEAR: lambda d: year_period(d.year),
}


def dataset_periods(period_type: str, period: Period) -> list[Period]:
    """The data set's periods within `period` (a year holds four quarters); when `period` is
    shorter than one of them, the one it falls in."""
    pieces = [p for p in split(period, period_type) if p.type == period_type]  # type: ignore[arg-type]
    return pieces or [_WHOLE[period_type](period.start)]


def dataset_period(dataset: DataSet, period_id: str) -> Period:
    """The period `period_id` names, which must be of the data set's type."""
    try:
        period = parse_period(period_id)
    except PeriodError as error:
        raise StatsQueryError(error.message, field="period") from error
    if period.type != dataset.period_type:
        raise StatsQueryError(
            _("This data set is reported %(type)s: enter a period such as %(example)s.")
            % {
                "type": PeriodType(dataset.period_type).label.lower(),
                "example": _WHOLE[dataset.period_type](timezone.localdate()).id,
            },
            field="period",
        )
    return period


def recent_periods(
    dataset: DataSet, *, count: int = 4, today: dt.date | None = None
) -> list[Period]:
    """The data set's current period and the ones before it, newest first."""
    today = today or timezone.localdate()
    result: list[Period] = []
    day = today
    for _index in range(count):
        period = _WHOLE[dataset.period_type](day)
        result.append(period)
        day = period.start - dt.timedelta(days=1)
    return result


def due_at(dataset: DataSet, period: Period) -> dt.datetime:
    """End of the last day a report is on time (DHIS2's timelyDays after the period)."""
    last_day = period.end + dt.timedelta(days=dataset.due_days)
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=LOCAL_TZ)


# --- Expected units and coverage ----------------------------------------------------------------


def _level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level)


def expected_units(
    dataset: DataSet,
    period: Period,
    *,
    under: OrgUnit | None = None,
    levels: Iterable[str] | None = None,
) -> QuerySet[OrgUnit]:
    """Units that must report the data set for one of its periods: of its kind, at one of its
    levels, valid on the period's last day (the unit existing when the period closes reports
    for it; so a province that ceased on 30/06/2025 reports for 2025S1 but not for 2025),
    among its assigned units if it has any, and in the subtree of `under`."""
    chosen = list(levels) if levels is not None else list(dataset.levels)
    queryset = OrgUnit.objects.filter(kind=dataset.org_kind, level__in=chosen).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=period.end),
        Q(valid_to__isnull=True) | Q(valid_to__gte=period.end),
    )
    if dataset.assigned_units.exists():
        queryset = queryset.filter(pk__in=dataset.assigned_units.values("pk"))
    if under is not None:
        queryset = queryset.filter(path__startswith=under.path)
    # Official order (north to south, as lists of provinces are read).
    return queryset.select_related("admin_unit").order_by("admin_unit__code", "code")


def default_coverage_level(dataset: DataSet, unit: OrgUnit | None) -> str:
    """The highest of the data set's levels below `unit` (its own level when none is below)."""
    levels: list[str] = sorted((str(level) for level in dataset.levels), key=_level_rank)
    if unit is None:
        return levels[0]
    below = [level for level in levels if _level_rank(level) > _level_rank(unit.level)]
    return below[0] if below else unit.level


@dataclass(frozen=True)
class CoverageRow:
    unit_id: int
    code: str
    name: str
    place: str  # the unit's place, short: "Hà Giang"
    period_id: str
    status: str  # "" when no report
    submitted_at: dt.datetime | None
    reported: bool
    on_time: bool
    # The unit's administrative unit (None for a central unit), to place the row on the map.
    admin_unit_id: int | None = None


@dataclass(frozen=True)
class Coverage:
    dataset: DataSet
    period: Period
    periods: list[Period]
    unit: OrgUnit | None
    level: str
    rows: list[CoverageRow] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def reported(self) -> int:
        return sum(1 for r in self.rows if r.reported)

    @property
    def on_time(self) -> int:
        return sum(1 for r in self.rows if r.on_time)

    @property
    def missing(self) -> list[CoverageRow]:
        return [r for r in self.rows if not r.reported]

    @property
    def rate(self) -> float | None:
        """Reported / expected in percent: never above 100, since only expected units count."""
        return round(100 * self.reported / self.expected, 1) if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.expected, 1) if self.expected else None


def _place_name(unit: OrgUnit) -> str:
    admin = unit.admin_unit
    return admin.short_name if admin is not None else unit.name


def coverage(
    dataset: DataSet,
    period: Period | str,
    *,
    unit: OrgUnit | None = None,
    level: str | None = None,
    today: dt.date | None = None,
) -> Coverage:
    """Who should have reported the data set for the period, who did, who on time, and who
    not (named). Expected: see `expected_units`, once per data-set period in `period`.
    Reported: a submitted or approved report. On time: first submitted by `due_at`."""
    if isinstance(period, str):
        try:
            period = parse_period(period, today=today)
        except PeriodError as error:
            raise StatsQueryError(error.message, field="period") from error
    level = level or default_coverage_level(dataset, unit)
    if level not in dataset.levels:
        raise StatsQueryError(_("This data set is not reported at that level."), field="level")
    periods = dataset_periods(dataset.period_type, period)
    rows: list[CoverageRow] = []
    for piece in periods:
        units = list(expected_units(dataset, piece, under=unit, levels=[level]))
        reports = {
            r.org_unit_id: r
            for r in Report.objects.filter(
                dataset=dataset, period_id=piece.id, org_unit__in=[u.pk for u in units]
            )
        }
        deadline = due_at(dataset, piece)
        for org_unit in units:
            report = reports.get(org_unit.pk)
            reported = report is not None and report.status in COUNTED_STATUSES
            rows.append(
                CoverageRow(
                    unit_id=org_unit.pk,
                    code=org_unit.code,
                    name=org_unit.name,
                    place=_place_name(org_unit),
                    period_id=piece.id,
                    status=report.status if report else "",
                    submitted_at=report.submitted_at if report else None,
                    reported=reported,
                    on_time=bool(
                        reported
                        and report is not None
                        and report.submitted_at is not None
                        and report.submitted_at <= deadline
                    ),
                    admin_unit_id=org_unit.admin_unit_id,
                )
            )
    return Coverage(
        dataset=dataset, period=period, periods=periods, unit=unit, level=level, rows=rows
    )


def _units_phrase(level: str, count: int) -> str:
    if level == OrgLevel.PROVINCE:
        return ngettext("province", "provinces", count)
    if level == OrgLevel.COMMUNE:
        return ngettext("commune", "communes", count)
    if level == OrgLevel.BRANCH:
        return ngettext("branch", "branches", count)
    return ngettext("unit", "units", count)


def coverage_sentence(result: Coverage, *, limit: int = 10) -> str:
    """ "20 of 63 provinces reported; missing: Hà Giang, Cao Bằng, … and 33 more." """
    if not result.expected:
        return _("No unit is expected to report this data set for %(period)s.") % {
            "period": period_label(result.period)
        }
    several = len(result.periods) > 1
    if several:
        head = _("%(reported)s of %(expected)s expected reports received") % {
            "reported": result.reported,
            "expected": result.expected,
        }
    else:
        head = _("%(reported)s of %(expected)s %(units)s reported") % {
            "reported": result.reported,
            "expected": result.expected,
            "units": _units_phrase(result.level, result.expected),
        }
    missing = result.missing
    if not missing:
        return _("%(head)s; all have reported.") % {"head": head}
    names = [f"{row.place} ({row.period_id})" if several else row.place for row in missing[:limit]]
    listed = ", ".join(names)
    if len(missing) > limit:
        listed = _("%(names)s and %(count)s more") % {
            "names": listed,
            "count": len(missing) - limit,
        }
    return _("%(head)s; missing: %(names)s.") % {"head": head, "names": listed}


# --- Reports: who may do what ------------------------------------------------------------------


def can_enter_report(user: AnyUser, dataset: DataSet, unit: OrgUnit) -> bool:
    """Cadres and officers (and leaders) of the unit, or of a unit above it, enter and submit
    its report."""
    roles = ENTRY_ROLES.get(unit.kind)
    if not roles or unit.kind != dataset.org_kind or unit.level not in dataset.levels:
        return False
    return user_jurisdiction(user, roles).covers_org_path(unit.path)


def can_approve_report(user: AnyUser, dataset: DataSet, unit: OrgUnit) -> bool:
    """Leaders of a unit above approve or return a report (a root unit's own leader for a root
    unit's report)."""
    roles = APPROVE_ROLES.get(unit.kind)
    if not roles or unit.kind != dataset.org_kind:
        return False
    for assignment in active_role_assignments(user, roles):
        above = assignment.org_unit
        if unit.path.startswith(above.path) and (above.pk != unit.pk or unit.parent_id is None):
            return True
    return False


def can_read_report(user: AnyUser, unit: OrgUnit) -> bool:
    """Whoever may enter or approve it, and statistics readers whose jurisdiction covers the
    unit (or, for a unit closed by the 2025 reform, its place today)."""
    reach = user_jurisdiction(user, STATS_READ_ROLES | REPORT_ROLES)
    if reach.covers_org_path(unit.path):
        return True
    if unit.admin_unit is None:
        return reach.all_admin_units
    return place_visible(user, geo.place_of(unit.admin_unit))


def default_coverage_unit(user: AnyUser, dataset: DataSet) -> OrgUnit | None:
    """Where coverage starts for this user: their own unit of the data set's kind (the highest
    one), or the central unit of that kind for a national jurisdiction, or else, for readers
    of another organisation (a police leader reading the Women's Union's reports), the data
    set's unit of their own place (PN-01 for the Hà Nội police)."""
    assignments = list(
        active_role_assignments(user, STATS_READ_ROLES | REPORT_ROLES).order_by("org_unit__depth")
    )
    for assignment in assignments:
        if assignment.org_unit.kind == dataset.org_kind:
            return assignment.org_unit
    if user_jurisdiction(user, STATS_READ_ROLES | REPORT_ROLES).all_admin_units:
        return coverage_unit_of_place(dataset, None)
    for assignment in assignments:
        counterpart = coverage_unit_of_place(dataset, assignment.org_unit.admin_unit_id)
        if counterpart is not None and can_read_report(user, counterpart):
            return counterpart
    return None


def coverage_unit_of_place(dataset: DataSet, admin_unit_id: int | None) -> OrgUnit | None:
    """The highest unit of the data set's kind at an administrative unit (the central unit for
    None, the whole country)."""
    units = OrgUnit.objects.select_related("admin_unit").filter(kind=dataset.org_kind)
    if admin_unit_id is None:
        return units.filter(parent__isnull=True).order_by("code").first()
    return units.filter(admin_unit_id=admin_unit_id).order_by("depth", "code").first()


def report_units_of_user(user: AnyUser, dataset: DataSet) -> list[OrgUnit]:
    """The units where the user holds an entry role and that report this data set."""
    roles = ENTRY_ROLES.get(dataset.org_kind, frozenset())
    units = []
    for assignment in active_role_assignments(user, roles):
        org_unit = assignment.org_unit
        if org_unit.kind == dataset.org_kind and org_unit.level in dataset.levels:
            units.append(org_unit)
    return list({u.pk: u for u in units}.values())


def approver_units_of_user(user: AnyUser, dataset: DataSet) -> list[OrgUnit]:
    roles = APPROVE_ROLES.get(dataset.org_kind, frozenset())
    units = [
        a.org_unit
        for a in active_role_assignments(user, roles)
        if a.org_unit.kind == dataset.org_kind
    ]
    return list({u.pk: u for u in units}.values())


def report_get(dataset: DataSet, unit: OrgUnit, period_id: str) -> Report | None:
    return (
        Report.objects.filter(dataset=dataset, org_unit=unit, period_id=period_id)
        .select_related("submitted_by", "approved_by")
        .first()
    )


def report_values(report: Report | None) -> dict[str, Decimal]:
    if report is None:
        return {}
    return dict(report.values.values_list("indicator__code", "value"))


@dataclass(frozen=True)
class ChildStatus:
    unit: OrgUnit
    report: Report | None

    @property
    def status(self) -> str:
        return self.report.status if self.report else ""


def report_children(dataset: DataSet, unit: OrgUnit, period: Period) -> list[ChildStatus]:
    """The reports approved before this unit's: those of the expected units at the highest
    data-set level below the unit, in its subtree."""
    below = [level for level in dataset.levels if _level_rank(level) > _level_rank(unit.level)]
    if not below:
        return []
    next_level = min(below, key=_level_rank)
    units = list(
        expected_units(dataset, period, under=unit, levels=[next_level]).exclude(pk=unit.pk)
    )
    reports = {
        r.org_unit_id: r
        for r in Report.objects.filter(
            dataset=dataset, period_id=period.id, org_unit__in=[u.pk for u in units]
        )
    }
    return [ChildStatus(unit=u, report=reports.get(u.pk)) for u in units]


def report_parent(dataset: DataSet, unit: OrgUnit, period: Period) -> Report | None:
    """The report of the nearest unit above that reports this data set (its approval locks
    the reports below)."""
    above = [level for level in dataset.levels if _level_rank(level) < _level_rank(unit.level)]
    if not above:
        return None
    ancestor_ids = [int(part) for part in unit.path.strip("/").split("/") if part][:-1]
    candidates = (
        Report.objects.filter(dataset=dataset, period_id=period.id, org_unit_id__in=ancestor_ids)
        .select_related("org_unit")
        .order_by("-org_unit__depth")
    )
    return candidates.first()


def reports_awaiting_approval(user: AnyUser, dataset: DataSet | None = None) -> list[Report]:
    """Submitted reports the user may approve or return, oldest first."""
    result: list[Report] = []
    datasets = [dataset] if dataset is not None else list(datasets_active())
    for each in datasets:
        for above in approver_units_of_user(user, each):
            queryset = Report.objects.filter(
                dataset=each,
                status=ReportStatus.SUBMITTED,
                org_unit__path__startswith=above.path,
            ).select_related("org_unit", "dataset")
            if above.parent_id is not None:
                queryset = queryset.exclude(org_unit=above)
            result.extend(queryset)
    unique = {r.pk: r for r in result}
    return sorted(unique.values(), key=lambda r: (r.last_submitted_at or r.created_at, r.pk))


def org_unit_by_code(code: str) -> OrgUnit | None:
    return OrgUnit.objects.select_related("admin_unit").filter(code=code).first()


def admin_unit_name(admin_unit_id: int | None) -> str:
    if admin_unit_id is None:
        return ""
    return AdminUnit.objects.filter(pk=admin_unit_id).values_list("name", flat=True).first() or ""


def coverage_as_dict(result: Coverage) -> dict[str, Any]:
    """What the coverage API returns."""
    return {
        "dataset": result.dataset.code,
        "period": result.period.id,
        "periods": [p.id for p in result.periods],
        "unit": result.unit.code if result.unit else None,
        "level": result.level,
        "expected": result.expected,
        "reported": result.reported,
        "on_time": result.on_time,
        "rate": result.rate,
        "on_time_rate": result.on_time_rate,
        "missing": [
            {"code": r.code, "name": r.name, "place": r.place, "period": r.period_id}
            for r in result.missing
        ],
        "sentence": coverage_sentence(result),
    }


# --- Coverage for a user (pages, API, exports) --------------------------------------------------


def coverage_for_user(
    user: AnyUser, *, dataset: str, period: Period | str, unit: str = "", level: str = ""
) -> Coverage:
    """`coverage` from the strings of a query, within the user's jurisdiction. `unit` is an
    organisation unit code (PN-TW, PN-01…), by default the user's own. Raises
    StatsNotFoundError for an unknown data set or unit, StatsAccessError for a unit outside the
    jurisdiction, StatsQueryError for a bad period or level."""
    found = dataset_get(dataset)
    if found is None:
        raise StatsNotFoundError(_("Unknown data set."), field="dataset")
    org_unit = org_unit_by_code(unit) if unit else default_coverage_unit(user, found)
    if org_unit is None:
        raise StatsNotFoundError(_("Unknown unit."), field="unit")
    if not can_read_report(user, org_unit):
        raise StatsAccessError
    return coverage(found, period, unit=org_unit, level=level or None)


# --- Coverage of a place --------------------------------------------------------------------------

# The figure of the provincial Women's Unions' annual report that the seed article quotes
# ("110 nghìn nguồn tin có giá trị").
REPORTED_VALUABLE = "valuable_tips_reported"
TIPS_RECEIVED = "tips_received"
TIPS_VALUABLE = "tips_valuable"


def summary_dataset() -> DataSet | None:
    """The data set the summary counts provinces by: the first active data set whose form
    holds the reported valuable tips (by default the provincial Women's Unions' annual
    report)."""
    return (
        DataSet.objects.filter(
            active=True,
            elements__indicator__code=REPORTED_VALUABLE,
            elements__indicator__active=True,
        )
        .order_by("order", "code")
        .first()
    )


@dataclass(frozen=True)
class PlaceCoverage:
    """Who reported a data set among the units of one place. Units are counted as they
    reported (the 63 provinces before 01/07/2025, the 34 after) and each once, however many of
    the data set's periods the period holds."""

    dataset: DataSet
    period: Period
    periods: list[Period]
    level: str
    expected: int
    reported: int
    on_time: int
    # Where the units that have not reported are, in official order.
    missing: list[str]
    # The same, per generation of the geography (one part, or two for a period across the
    # 2025 reform), over the years that had reports: 63 and 34 provinces are never added up.
    parts: tuple[CoveragePart, ...] = ()

    @property
    def period_ids(self) -> str:
        return ", ".join(p.id for p in self.periods)

    @property
    def stated_parts(self) -> tuple[CoveragePart, ...]:
        """The parts a reader must see apart, with their years: both generations across the
        2025 reform, or the one part when only some of the period's years had reports (none
        when the counts need no years)."""
        if len(self.parts) > 1:
            return self.parts
        years = set(range(self.period.start.year, self.period.end.year + 1))
        if self.parts and set(self.parts[0].years) != years:
            return self.parts
        return ()


@dataclass(frozen=True)
class CoveragePart:
    """Who reported among the units of one generation, over `years`: the years of its data-set
    periods that had a report (all of them when none had)."""

    generation: str  # vietnamese.LEGACY or CURRENT
    years: tuple[int, ...]
    expected: int
    reported: int

    @property
    def years_label(self) -> str:
        return years_label(self.years)


def years_label(years: Sequence[int]) -> str:
    """(2023,) -> "2023"; (2023, 2024) -> "2023–2024"; (2021, 2023) -> "2021, 2023"."""
    ordered = sorted(set(years))
    if not ordered:
        return ""
    if len(ordered) > 1 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}–{ordered[-1]}"
    return ", ".join(str(year) for year in ordered)


def _coverage_parts(rows: list[CoverageRow], periods: list[Period]) -> tuple[CoveragePart, ...]:
    from toandan.geo.services import reform_date

    reform = reform_date()
    pieces = {piece.id: piece for piece in periods}
    # The units expected for a period are those that existed at its end (`expected_units`).
    by_generation: dict[str, list[CoverageRow]] = {LEGACY: [], CURRENT: []}
    for row in rows:
        piece = pieces[row.period_id]
        by_generation[LEGACY if piece.end < reform else CURRENT].append(row)
    parts = []
    for generation, generation_rows in by_generation.items():
        if not generation_rows:
            continue
        reported_years = {pieces[r.period_id].end.year for r in generation_rows if r.reported}
        years = reported_years or {pieces[r.period_id].end.year for r in generation_rows}
        kept = [r for r in generation_rows if pieces[r.period_id].end.year in years]
        parts.append(
            CoveragePart(
                generation=generation,
                years=tuple(sorted(years)),
                expected=len({r.unit_id for r in kept}),
                reported=len({r.unit_id for r in kept if r.reported}),
            )
        )
    return tuple(parts)


def place_coverage(
    dataset: DataSet, period: Period | str, place: Place, *, geography: str = geo.CURRENT
) -> PlaceCoverage | None:
    """Coverage of `dataset` at its highest level among the units whose place lies in
    `place`: the whole country, a region or a province of either generation. In the current
    geography a province of today counts the old provinces merged into it (for periods before
    01/07/2025). None for a commune, or when no unit of the place is expected."""
    if place.level == geo.LEVEL_COMMUNE:
        return None
    result = coverage(dataset, period)
    rows = result.rows
    if place.level != geo.LEVEL_COUNTRY:
        atlas = Atlas.load(geography=geography, level=geo.LEVEL_PROVINCE, unit=place)
        rows = [
            row
            for row in rows
            if row.admin_unit_id is not None and atlas.map(row.admin_unit_id, None) is not None
        ]
    if not rows:
        return None
    expected = list(dict.fromkeys(row.unit_id for row in rows))
    reported = {row.unit_id for row in rows if row.reported}
    on_time = {row.unit_id for row in rows if row.on_time}
    places = {row.unit_id: row.place for row in rows}
    return PlaceCoverage(
        dataset=dataset,
        period=result.period,
        periods=result.periods,
        level=result.level,
        expected=len(expected),
        reported=len(reported),
        on_time=len(on_time),
        missing=[places[pk] for pk in expected if pk not in reported],
        parts=_coverage_parts(rows, result.periods),
    )


# --- The summary paragraph --------------------------------------------------------------------


def _whole(value: Number | None) -> int | None:
    if value is None:
        return None
    return int(Decimal(str(value)).to_integral_value())


def running_name(place: Place) -> str | None:
    """The place as it reads inside a sentence, after "trên địa bàn" ("tỉnh Lào Cai",
    "phường Hoàn Kiếm"); None for the whole country."""
    if place.level == geo.LEVEL_COUNTRY:
        return None
    return place.name[:1].lower() + place.name[1:]


def summary_from(totals: Table, place: Place, reached: PlaceCoverage | None) -> SummaryFigures:
    """The summary's figures from a roll-up without dimensions of the tips received, the
    valuable tips and (when the summary data set exists) the reported valuable tips.

    Which figure the "valuable tips" sentence uses: the figure units reported
    (`valuable_tips_reported` of the annual report) wherever a report covers the period,
    because that is what the movement reports and what the seed article quotes, with the
    provinces that reported out of those expected; otherwise the valuable tips toandan counted
    itself. The two are never added up: a union's report may already count tips sent through
    toandan. When the reported figure is used, the tips toandan received follow in their own
    sentence ("Qua nền tảng toandan …"), with their own share of valuable tips, and only if
    there were any (before toandan there were none to speak of). Models and commendations are
    not counted yet (their modules do not exist): None, so their sentences are left out.
    """
    received = _whole(totals.value(TIPS_RECEIVED))
    computed = _whole(totals.value(TIPS_VALUABLE))
    reported = None
    if any(info.code == REPORTED_VALUABLE for info in totals.indicators):
        reported = _whole(totals.value(REPORTED_VALUABLE))
    unit_name = running_name(place)
    label = period_label(totals.period)
    if reported is None:
        return SummaryFigures(
            unit_name=unit_name,
            period_label=label,
            period_opening=period_opening(totals.period),
            valuable_tips=computed,
            tips_received=received,
        )
    provinces_reported = provinces_expected = None
    provinces_years = ""
    by_generation: tuple[ProvincesReported, ...] = ()
    # A single expected province is the place itself: "all 1 provinces" says nothing.
    if (
        reached is not None
        and reached.level == OrgLevel.PROVINCE
        and (place.level != geo.LEVEL_PROVINCE or reached.expected > 1)
    ):
        provinces_reported, provinces_expected = reached.reported, reached.expected
        parts = reached.parts
        if len(parts) > 1:
            # 63 provinces before 01/07/2025 and 34 from it are never one count.
            from toandan.geo.services import reform_date

            by_generation = tuple(
                ProvincesReported(
                    reported=part.reported,
                    expected=part.expected,
                    years=part.years_label,
                    generation=part.generation,
                    reform=reform_date(),
                )
                for part in parts
            )
            provinces_reported = provinces_expected = None
        elif parts:
            (part,) = parts
            provinces_reported, provinces_expected = part.reported, part.expected
            period = totals.period
            if set(part.years) != set(range(period.start.year, period.end.year + 1)):
                provinces_years = part.years_label
    return SummaryFigures(
        unit_name=unit_name,
        period_label=label,
        period_opening=period_opening(totals.period),
        provinces_reported=provinces_reported,
        provinces_expected=provinces_expected,
        provinces_years=provinces_years,
        provinces_by_generation=by_generation,
        valuable_tips=reported,
        tips_received=received or None,
        received_valuable=computed if received else None,
    )


def place_for_user(user: AnyUser | None, unit: Place | str | None, geography: str) -> Place:
    """The place a page or export asks for (the user's own by default), in `geography`.
    Raises StatsNotFoundError for an unknown key and StatsAccessError outside the user's
    jurisdiction."""
    if geography not in geo.GEOGRAPHIES:
        raise StatsQueryError(_("Choose the current or the old geography."), field="geography")
    place: Place | None
    if isinstance(unit, Place):
        place = unit
    elif unit:
        place = geo.place_get(unit)
        if place is None:
            raise StatsNotFoundError(_("Unknown place: %(key)s.") % {"key": unit}, field="unit")
    elif user is not None:
        place = default_place(user)
        if place is None:
            raise StatsAccessError
    else:
        place = geo.country()
    if geography == geo.CURRENT and place.is_legacy:
        place = geo.current_successor(place)
    if user is not None and not place_visible(user, place):
        raise StatsAccessError
    return place


def _own_level(place: Place) -> str:
    """The level a roll-up of the place's own totals runs at (a region adds up provinces)."""
    if place.level in {geo.LEVEL_REGION, geo.LEVEL_STATISTICAL_REGION}:
        return geo.LEVEL_PROVINCE
    return place.level


def parse_query_period(period: Period | str) -> Period:
    if isinstance(period, Period):
        return period
    try:
        return parse_period(period or "LAST_12_MONTHS")
    except PeriodError as error:
        raise StatsQueryError(error.message, field="period") from error


def summary_figures(
    user: AnyUser | None,
    *,
    unit: Place | str | None = None,
    period: Period | str = "LAST_12_MONTHS",
    geography: str = geo.CURRENT,
) -> SummaryFigures:
    """The key figures of a place (a key such as "VN", "01", "L01", "00070"; by default the
    user's own place) over a period, for `toandan.stats.vietnamese.summary_paragraph`. Which
    source each figure comes from: see `summary_from`. With a user, a place outside their
    jurisdiction raises StatsAccessError."""
    parsed = parse_query_period(period)
    place = place_for_user(user, unit, geography)
    dataset = summary_dataset()
    codes = [TIPS_RECEIVED, TIPS_VALUABLE, *([REPORTED_VALUABLE] if dataset else [])]
    totals = rollup(
        codes, parsed, level=_own_level(place), geography=geography, unit=place, by=(), user=user
    )
    reached = place_coverage(dataset, parsed, place, geography=geography) if dataset else None
    return summary_from(totals, place, reached)


# --- Dashboard --------------------------------------------------------------------------------

DASHBOARD_TIPS = (TIPS_RECEIVED, TIPS_VALUABLE)
DASHBOARD_TOTALS = (
    TIPS_RECEIVED,
    TIPS_VALUABLE,
    "tips_concluded",
    "tips_decided_in_time",
    "share_decided_in_time",
)


def default_interval(period: Period) -> str:
    """Months for a period of up to two years, years beyond (a chart of 72 months is a
    smear)."""
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month
    return "month" if months < 24 else "year"


@dataclass(frozen=True)
class TipRow:
    """One item of a dashboard table (a period, place or category) with its tips."""

    item: Item
    received: Number | None
    valuable: Number | None

    @property
    def share(self) -> float | None:
        """Valuable tips in percent of the tips received (None without tips)."""
        if self.valuable is None or not self.received:
            return None
        return round(100 * float(self.valuable) / float(self.received), 1)


def tip_rows(table: Table, dimension: str) -> list[TipRow]:
    """The items of `dimension` in order, with the tips received and the valuable tips of a
    roll-up of DASHBOARD_TIPS by that one dimension."""
    return [
        TipRow(
            item=item,
            received=table.value(TIPS_RECEIVED, item.id),
            valuable=table.value(TIPS_VALUABLE, item.id),
        )
        for item in table.items[dimension]
    ]


@dataclass(frozen=True)
class Dashboard:
    place: Place
    # One step up the drill-down (None for the country).
    parent: Place | None
    period: Period
    geography: str
    interval: str
    # Roll-ups: without dimensions, by period, by the places one level down (None for a
    # commune, the bottom of the drill-down) and by category.
    totals: Table
    series: Table
    places: Table | None
    categories: Table
    coverage: PlaceCoverage | None
    figures: SummaryFigures

    def total(self, code: str) -> Number | None:
        return self.totals.value(code)


def dashboard(
    user: AnyUser,
    *,
    unit: str = "",
    period: Period | str = "",
    geography: str = geo.CURRENT,
) -> Dashboard:
    """The figures of the dashboard of a place (by default the user's own): key figures, a
    time series, the places one level down side by side, categories, coverage of the summary
    data set and the summary paragraph. A fixed number of roll-ups, so the number of queries
    does not grow with the number of provinces or communes shown. Raises StatsNotFoundError
    for an unknown place, StatsAccessError outside the user's jurisdiction and
    StatsQueryError for a bad period."""
    parsed = parse_query_period(period)
    place = place_for_user(user, unit, geography)
    interval = default_interval(parsed)
    dataset = summary_dataset()
    common: dict[str, Any] = {"geography": geography, "unit": place, "user": user}
    totals = rollup(
        [*DASHBOARD_TOTALS, *([REPORTED_VALUABLE] if dataset else [])],
        parsed,
        level=_own_level(place),
        by=(),
        **common,
    )
    series = rollup(
        DASHBOARD_TIPS,
        parsed,
        level=_own_level(place),
        by=("period",),
        interval=interval,
        **common,
    )
    places = None
    if place.level != geo.LEVEL_COMMUNE:
        places = rollup(
            DASHBOARD_TIPS, parsed, level=geo.children_level(place), by=("place",), **common
        )
    categories = rollup(DASHBOARD_TIPS, parsed, level=_own_level(place), by=("category",), **common)
    reached = place_coverage(dataset, parsed, place, geography=geography) if dataset else None
    parent = geo.parent_place(place)
    return Dashboard(
        place=place,
        # A province's reader has no way up to the country.
        parent=parent if parent is not None and place_visible(user, parent) else None,
        period=parsed,
        geography=geography,
        interval=interval,
        totals=totals,
        series=series,
        places=places,
        categories=categories,
        coverage=reached,
        figures=summary_from(totals, place, reached),
    )
