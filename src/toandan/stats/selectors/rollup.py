"""Roll-ups of indicators along period, place and the sources' own dimensions, the
jurisdiction of statistics readers over places, and the errors every statistics selector raises.

- `rollup(indicator_codes, period, *, level, geography, unit, by, interval, categories,
  channels, user) -> Table`
- `indicators_listed()`, `datasets_active()`, `default_place(user)`, `place_visible(user, place)`,
  `place_for_user(user, unit, geography)`

Statistics read the summary tables and report values only, never a tip's content.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from toandan.accounts.models import Role
from toandan.accounts.selectors import user_jurisdiction
from toandan.stats import geography as geo
from toandan.stats.geography import Atlas, Place
from toandan.stats.models import (
    Aggregation,
    DataSet,
    Indicator,
    ReportValue,
)
from toandan.stats.periods import (
    Period,
    PeriodError,
    parse_period,
    period_label,
    split,
)
from toandan.stats.registry import (
    FORMULA,
    PERIOD,
    PLACE,
    CellMaps,
    Dimension,
    DimensionItem,
    Source,
    SourceQuery,
    SourceRow,
    WideRows,
    dimension_names,
    dimensions,
    get_source,
)
from toandan.stats.tables import (
    ALL,
    IndicatorInfo,
    Item,
    Number,
    Table,
)

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

INTERVALS = ("month", "quarter", "half", "year")


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


def resolve_indicators(codes: Sequence[str]) -> tuple[list[Indicator], list[Indicator]]:
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


def indicator_info(indicator: Indicator) -> IndicatorInfo:
    source = get_source(indicator.source)
    return IndicatorInfo(
        code=indicator.code,
        name=indicator.localized_name(),
        source=indicator.source,
        aggregation=indicator.aggregation,
        value_type=indicator.value_type,
        complete=bool(source and source.complete),
    )


def bucket_finder(buckets: Sequence[Period]) -> Callable[[dt.date, dt.date], Period | None]:
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


def normalise(value: Number) -> Number:
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
    # The sources' own dimensions by name, and their items (`_catalogues`).
    dimensions: dict[str, Dimension]
    catalogues: dict[str, Sequence[DimensionItem]]
    # Filters on them: name -> the keys kept.
    filters: dict[str, frozenset[Any]]


@dataclass
class _Collected:
    cells: dict[tuple[str, ...], Number]
    places: dict[str, Place]
    # The dimensions asked for under which some values were not broken down.
    unbroken: set[str]


def check_choices(
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
    known = dimension_names()
    unknown = [d for d in dims if d not in known]
    if unknown:
        raise StatsQueryError(
            _("Unknown dimension: %(names)s.") % {"names": ", ".join(unknown)}, field="by"
        )
    return period, dims


def _catalogues() -> tuple[dict[str, Dimension], dict[str, Sequence[DimensionItem]]]:
    """Every source's own dimensions with their items. Read at every roll-up, asked for or not,
    as the tip categories always were: the dashboards' pinned query counts include that read
    (reading only the dimensions asked for would save it and change those pins)."""
    found = dimensions()
    return found, {name: dimension.items() for name, dimension in found.items()}


def _filters(
    found: dict[str, Dimension],
    catalogues: dict[str, Sequence[DimensionItem]],
    asked: Mapping[str, Sequence[str] | None],
) -> dict[str, frozenset[Any]]:
    """Filters by item code -> by the keys the sources' rows carry."""
    result: dict[str, frozenset[Any]] = {}
    for name, codes in asked.items():
        if not codes:
            continue
        dimension = found.get(name)
        if dimension is None:
            raise StatsQueryError(_("Unknown dimension: %(names)s.") % {"names": name}, field=name)
        by_code = {item.code: item.key for item in catalogues[name]}
        unknown = [c for c in codes if c not in by_code]
        if unknown and dimension.unknown is not None:
            raise StatsQueryError(
                str(dimension.unknown) % {"codes": ", ".join(unknown)}, field=name
            )
        result[name] = frozenset(by_code.get(code, code) for code in codes)
    return result


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
    filters: Mapping[str, Sequence[str]] | None = None,
) -> Table:
    """Indicators along the dimensions `by`, at `level` under `unit` (a place key such as
    "VN", "01", "L01", "00070", "region:macro:north", or a Place; None: the country), in the
    current geography (old units re-aggregated onto today's through the successions) or the old
    one (each figure in the unit it was recorded in). The "period" dimension cuts `period`
    into `interval`s (month, quarter, half, year). Any other dimension of `by` is a source's own
    (`registry.Dimension`: the tips source's "category" and "channel"); `filters` keeps, per such
    dimension, the item codes listed (`categories` and `channels` are the tips source's, as
    tip category codes and channel codes). A source asked for a dimension it does not have shows
    its values under the dimension's "all" item. With `user`, a unit outside their
    jurisdiction raises StatsAccessError.

    Raises StatsQueryError with a message for the user on a bad parameter.
    """
    period, dims = check_choices(period, geography, interval, by)
    place = _resolve_unit(unit, geography)
    _check_level(place, level)
    if user is not None and not place_visible(user, place):
        raise StatsAccessError
    asked, needed = resolve_indicators(indicator_codes)
    found, catalogues = _catalogues()
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
        dimensions=found,
        catalogues=catalogues,
        filters=_filters(
            found, catalogues, {"category": categories, "channel": channels, **(filters or {})}
        ),
    )
    collected = _collect(plan)
    return Table(
        indicators=[indicator_info(i) for i in asked],
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
        own = {dimension.name for dimension in source.dimensions}
        query = SourceQuery(
            indicators=tuple(indicators),
            start=plan.period.start,
            end=plan.period.end,
            province_ids=scope,
            communes=geo.LEVEL_COMMUNE in {plan.level, plan.place.level},
            dimensions=frozenset(d for d in plan.dims if d in own),
            filters={name: keys for name, keys in plan.filters.items() if name in own},
        )
        result.append((source, query))
    return result


class _Placer:
    """Where a row goes: its period bucket, place and the items of the source's own
    dimensions, each worked out once per distinct value and remembered (the national roll-up
    passes ten thousand rows through here, so the per-row work is a few dictionary
    look-ups). `use` sets it up for one source's rows, `done` notes what they left unbroken."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.find_bucket = bucket_finder(plan.buckets)
        self.codes = {
            name: {item.key: item.code for item in items} for name, items in plan.catalogues.items()
        }
        self.buckets: dict[tuple[dt.date, dt.date | None], str] = {}
        self.places: dict[tuple[int | None, int | None], str] = {}
        self.seen: dict[str, Place] = {}
        self.unbroken: set[str] = set()
        # Of the source in use: its dimensions, the codes of its rows' keys, the dimensions
        # asked for that it does not have, and whether any of its rows was placed.
        self.own: tuple[str, ...] = ()
        self.firsts: dict[Any, str] = {}
        self.seconds: dict[Any, str] = {}
        self.missing: list[str] = []
        self.placed = False
        self.pick: Callable[[tuple[str, str, str, str, str]], tuple[str, ...]] = lambda _p: ()

    def use(self, source: Source) -> None:
        """Cells of `source`'s rows: a row's parts are (bucket, place, code of its first
        dimension's key, code of its second's, "all"); a dimension asked for that the source
        does not have takes "all"."""
        self.own = tuple(dimension.name for dimension in source.dimensions)
        positions = {PERIOD: 0, PLACE: 1, **{name: 2 + i for i, name in enumerate(self.own)}}
        indexes = [positions.get(d, 4) for d in self.plan.dims]
        self.missing = [d for d in self.plan.dims if d not in positions]
        self.firsts, self.seconds = {}, {}
        self.placed = False
        if not indexes:
            self.pick = lambda _parts: ()
        elif len(indexes) == 1:
            only = indexes[0]
            self.pick = lambda parts: (parts[only],)
        else:
            self.pick = operator.itemgetter(*indexes)

    def done(self) -> None:
        if self.placed:
            self.unbroken.update(self.missing)
        for name, named in zip(self.own, (self.firsts, self.seconds), strict=False):
            if name in self.plan.dims and ALL in named.values():
                self.unbroken.add(name)

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

    def item(self, index: int, key: Any) -> str:
        """The code of the key of the source's dimension `index` (0 or 1) in a row: "all"
        when not broken down, the key itself when its catalogue does not know it."""
        if not key or index >= len(self.own):
            return ALL
        return self.codes[self.own[index]].get(key, str(key))

    def cell(self, row: Sequence[Any]) -> tuple[str, ...] | None:
        """The cell key without the indicator for a row starting (start, end, province id,
        commune id, dimension_1, dimension_2), or None when the row is outside the query."""
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
        first = self.firsts.get(row[4])
        if first is None:
            first = self.firsts[row[4]] = self.item(0, row[4])
        second = self.seconds.get(row[5])
        if second is None:
            second = self.seconds[row[5]] = self.item(1, row[5])
        self.placed = True
        return self.pick((bucket, place, first, second, ALL))


def _sum_wide(
    placer: _Placer,
    codes: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sums: dict[tuple[str, ...], Amount],
) -> None:
    """Add up wide rows of summed indicators: the hot loop of the national roll-up (ten
    thousand rows), so the cell key of a row is looked up once and reused for each of its
    values, and the placer is only asked about a (start, end, place) or dimension key not
    seen before."""
    buckets, places, firsts, seconds = placer.buckets, placer.places, placer.firsts, placer.seconds
    pick = placer.pick
    numbered = tuple(enumerate(codes, start=7))
    placed = False
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
        first = firsts.get(row[4])
        if first is None:
            first = firsts[row[4]] = placer.item(0, row[4])
        second = seconds.get(row[5])
        if second is None:
            second = seconds[row[5]] = placer.item(1, row[5])
        placed = True
        rest = pick((bucket, place, first, second, ALL))
        for index, code in numbered:
            value = row[index]
            if value:
                sums[(code, *rest)] += value
    placer.placed = placer.placed or placed


class _Names(dict[Any, str]):
    """A dimension's keys to codes; a key unknown to the catalogue is named by itself, as the
    placer does."""

    def __missing__(self, key: Any) -> str:
        return str(key)


def _cell_maps(placer: _Placer, query: SourceQuery) -> CellMaps | None:
    """The placer's decisions numbered, for a source to group by in the database: the same
    names as `_Placer.cell` gives, worked out once per month and place instead of once per
    row. None when a dimension asked for is not the source's own (the general way then
    shows the source's values under its "all" item) or is keyed by text (a channel): cells
    are numbered by integers."""
    plan = placer.plan
    for name in plan.dims:
        if name in {PERIOD, PLACE}:
            continue
        if name not in query.dimensions or any(
            not isinstance(item.key, int) for item in plan.catalogues[name]
        ):
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
    names: dict[str, Sequence[str] | dict[Any, str]] = {
        PERIOD: maps.periods,
        PLACE: maps.places,
        **{name: _Names({0: ALL, "": ALL, **placer.codes[name]}) for name in placer.own},
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
        elif width == 0:
            total = sum(r[index] for r in rows if r[index])
            if total:
                sums[(code,)] = total
        else:
            sums.update(
                {
                    (code, *(lookup[part] for lookup, part in zip(lookups, r, strict=False))): r[
                        index
                    ]
                    for r in rows
                    if r[index]
                }
            )
    if PLACE in maps.dims:
        position = maps.dims.index(PLACE)
        known = placer.plan.atlas.places
        for number in {row[position] for row in rows}:
            key = maps.places[number]
            placer.seen[key] = known[key]
    for name in placer.own:
        if name in maps.dims:
            position = maps.dims.index(name)
            if any(not row[position] for row in rows):
                placer.unbroken.add(name)


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

    def read(source: Source, query: SourceQuery) -> None:
        if source.fetch_cells is not None and all(i.code in summed for i in query.indicators):
            maps = _cell_maps(placer, query)
            summed_rows = source.fetch_cells(query, maps) if maps is not None else None
            if maps is not None and summed_rows is not None:
                _sum_cells(placer, maps, summed_rows, sums)
                return
        if source.fetch_wide is not None:
            codes, rows = source.fetch_wide(query)
            if all(code in summed for code in codes):
                _sum_wide(placer, codes, rows, sums)
            else:
                _add_wide(placer, codes, rows, add)
        elif source.fetch is not None:
            for code, start, end, province, commune, value, first, second, unit in source.fetch(
                query
            ):
                rest = placer.cell((start, end, province, commune, first, second))
                if rest is not None:
                    add(code, rest, value, end, unit)

    for source, query in _sources(plan):
        placer.use(source)
        read(source, query)
        placer.done()
    cells: dict[tuple[str, ...], Number] = dict(sums)
    cells.update(reduce_series(series, aggregation))
    apply_formulas(cells, plan.needed)
    return _Collected(
        cells=_asked_cells(cells, plan),
        places=placer.seen,
        unbroken=placer.unbroken,
    )


def _add_wide(
    placer: _Placer,
    codes: Sequence[str],
    rows: Iterable[Sequence[Any]],
    add: Callable[[str, tuple[str, ...], Amount, dt.date, str], None],
) -> None:
    """Wide rows holding stocks (aggregated by last value or average): each value by itself."""
    first = 7  # the values follow (start, end, province, commune, dimension_1, dimension_2, unit)
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
    # Mostly counts: the types are checked at C speed first (the loop cost 7 ms at 28,000 cells).
    if not set(map(type, cells.values())) <= {int}:
        for key, v in cells.items():
            if type(v) is not int:
                cells[key] = normalise(v)
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
    for name in plan.dims:
        dimension = plan.dimensions.get(name)
        if dimension is None:
            continue
        chosen = plan.filters.get(name)
        items[name] = [
            Item(item.code, item.name)
            for item in plan.catalogues[name]
            if chosen is None or item.key in chosen
        ]
        if dimension.all_label is not None and name in collected.unbroken:
            items[name].append(Item(ALL, str(dimension.all_label)))
    return items


def reduce_series(
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


def apply_formulas(cells: dict[tuple[str, ...], Number], needed: Sequence[Indicator]) -> None:
    """numerator / denominator × factor in every cell where the denominator is known and not
    0 (no ratio at all, rather than 0 %, where nothing was counted)."""
    by_id = {i.pk: i for i in needed}
    complete = {i.code: indicator_info(i).complete for i in needed}
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


def own_level(place: Place) -> str:
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
