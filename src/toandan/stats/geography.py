"""Places in statistics: the country, regions, provinces and communes of either generation, and
how a figure recorded in one place is shown in another.

Place keys are short and readable, taken from the official codes (a code is unique within a
generation, and province, district and commune codes have 2, 3 and 5 digits):

    VN                    the country
    region:macro:north    a region (kind and code of geo.Region)
    01                    Thành phố Hà Nội, today (current generation)
    L01                   Thành phố Hà Nội before 01/07/2025 (legacy generation)
    00070                 Phường Hoàn Kiếm (current); L00070 a legacy commune
    01:?                  figures of the province whose commune is not known
    central               a central unit's own figures (no place)

Two geographies:

- "current": every figure is shown in today's 34 provinces and 3,321 communes. A legacy commune
  goes to the current commune its primary succession edge names (the part that kept most of a
  divided commune), a legacy province to its successor province. Resolution 202/2025/QH15 moved
  each old province whole, and no commune edge crosses into another province (a test checks
  the loaded data), so province figures can be re-aggregated from the province summary alone.
- "old": every figure stays in the unit it was recorded in (the 63 old provinces before
  01/07/2025, the 34 new ones after), the way reports of the time showed it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from toandan.core.process_cache import ProcessCache
from toandan.geo.models import AdminUnit, Generation, Level, Region, RegionKind, Succession

COUNTRY = "VN"
CENTRAL = "central"
UNKNOWN_COMMUNE = ":?"

CURRENT = "current"
OLD = "old"
GEOGRAPHIES = (CURRENT, OLD)

LEVEL_COUNTRY = "country"
LEVEL_REGION = "region"
LEVEL_STATISTICAL_REGION = "statistical_region"
LEVEL_PROVINCE = "province"
LEVEL_COMMUNE = "commune"
PLACE_LEVELS = (
    LEVEL_COUNTRY,
    LEVEL_REGION,
    LEVEL_STATISTICAL_REGION,
    LEVEL_PROVINCE,
    LEVEL_COMMUNE,
)
_DEPTH = {
    LEVEL_COUNTRY: 0,
    LEVEL_REGION: 1,
    LEVEL_STATISTICAL_REGION: 1,
    LEVEL_PROVINCE: 2,
    LEVEL_COMMUNE: 3,
}
_REGION_KIND = {LEVEL_REGION: RegionKind.MACRO, LEVEL_STATISTICAL_REGION: RegionKind.STATISTICAL}


def level_depth(level: str) -> int:
    return _DEPTH[level]


@dataclass(frozen=True)
class Place:
    key: str
    name: str
    level: str
    generation: str = ""  # "legacy" | "current" | "" (country, regions)
    admin_unit_id: int | None = None
    path: str = ""
    region_kind: str = ""
    region_code: str = ""

    @property
    def is_legacy(self) -> bool:
        return self.generation == Generation.LEGACY


def admin_unit_key(generation: str, code: str) -> str:
    return ("L" if generation == Generation.LEGACY else "") + code


def place_of(unit: AdminUnit) -> Place:
    level = LEVEL_PROVINCE if unit.level == Level.PROVINCE else LEVEL_COMMUNE
    return Place(
        key=admin_unit_key(unit.generation, unit.code),
        name=_legacy_name(unit.name) if unit.generation == Generation.LEGACY else unit.name,
        level=level,
        generation=unit.generation,
        admin_unit_id=unit.pk,
        path=unit.path,
    )


def _legacy_name(name: str) -> str:
    return _("%(name)s (before 01/07/2025)") % {"name": name}


def country() -> Place:
    return Place(key=COUNTRY, name=_("Whole country"), level=LEVEL_COUNTRY)


def central_place() -> Place:
    return Place(key=CENTRAL, name=_("Central level (no place)"), level=LEVEL_PROVINCE)


def place_get(key: str) -> Place | None:
    """The place a key names, or None."""
    key = (key or "").strip()
    if not key or key.upper() == COUNTRY:
        return country()
    if key.startswith("region:"):
        parts = key.split(":")
        if len(parts) != 3 or parts[1] not in RegionKind.values:
            return None
        region = (
            Region.objects.filter(kind=parts[1], code=parts[2])
            .order_by("-generation")  # the current generation's name first
            .first()
        )
        if region is None:
            return None
        level = LEVEL_REGION if parts[1] == RegionKind.MACRO else LEVEL_STATISTICAL_REGION
        return Place(
            key=key, name=region.name, level=level, region_kind=parts[1], region_code=parts[2]
        )
    generation = Generation.CURRENT
    code = key
    if key[:1] in {"L", "l"}:
        generation, code = Generation.LEGACY, key[1:]
    levels = {2: Level.PROVINCE, 5: Level.COMMUNE}
    if not code.isdigit() or len(code) not in levels:
        return None
    unit = AdminUnit.objects.filter(
        generation=generation, level=levels[len(code)], code=code
    ).first()
    return place_of(unit) if unit is not None else None


_UNIT_FIELDS = ("id", "generation", "level", "code", "name", "path", "valid_from", "valid_to")


@dataclass
class _Unit:
    id: int
    generation: str
    level: str
    code: str
    name: str
    path: str
    valid_from: dt.date | None
    valid_to: dt.date | None

    # The province at the root of the path (itself for a province): read per row by roll-ups,
    # so parsed once.
    province_id: int = field(init=False)

    def __post_init__(self) -> None:
        self.province_id = int(self.path.strip("/").split("/")[0])

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= end) and (
            self.valid_to is None or start <= self.valid_to
        )

    @property
    def key(self) -> str:
        return admin_unit_key(self.generation, self.code)


@dataclass
class Atlas:
    """The part of the geography one query needs, read in a few queries, and the mapping of a
    recorded (province, commune) onto the place a roll-up shows it in."""

    geography: str
    level: str
    unit: Place
    provinces: dict[int, _Unit] = field(default_factory=dict)
    communes: dict[int, _Unit] = field(default_factory=dict)
    province_successor: dict[int, int] = field(default_factory=dict)
    commune_successor: dict[int, int] = field(default_factory=dict)
    # (generation, province id) -> region key, for region levels and region units.
    region_of: dict[int, str] = field(default_factory=dict)
    region_names: dict[str, str] = field(default_factory=dict)
    _cache: dict[tuple[int | None, int | None], Place | None] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)

    # --- building ---------------------------------------------------------------------------

    @classmethod
    def load(cls, *, geography: str, level: str, unit: Place) -> Atlas:
        provinces = _loaded(_provinces.get(None))
        atlas = cls(
            geography=geography,
            level=level,
            unit=unit,
            # Shared with other atlases of this process (see `_provinces`): read only.
            provinces=provinces.units,
            province_successor=provinces.successor,
        )
        region_level = level if level in _REGION_KIND else ""
        if unit.level in _REGION_KIND:
            region_level = region_level or unit.level
        if region_level:
            atlas._load_regions(_REGION_KIND[region_level])
        if LEVEL_COMMUNE in {level, unit.level}:
            atlas._load_communes()
        return atlas

    def _load_regions(self, kind: str) -> None:
        for province_id, code, name, generation in _regions.get(kind) or ():
            key = f"region:{kind}:{code}"
            self.region_of[province_id] = key
            if generation == Generation.CURRENT or key not in self.region_names:
                self.region_names[key] = name

    def scope_provinces(self) -> frozenset[int] | None:
        """The provinces (as recorded, either generation) whose figures can land in the unit;
        None for the whole country."""
        unit = self.unit
        if unit.level == LEVEL_COUNTRY:
            return None
        if unit.level in _REGION_KIND:
            members = {pid for pid, key in self.region_of.items() if key == unit.key}
            if self.geography == CURRENT:
                members = {p for p in members if self.provinces[p].generation == Generation.CURRENT}
                return frozenset(members | self._predecessors(members))
            return frozenset(members)
        province_id = self._province_of_place(unit)
        if self.geography == CURRENT and not unit.is_legacy:
            return frozenset({province_id} | self._predecessors({province_id}))
        return frozenset({province_id})

    def _province_of_place(self, place: Place) -> int:
        if place.level == LEVEL_PROVINCE and place.admin_unit_id is not None:
            return place.admin_unit_id
        return int(place.path.strip("/").split("/")[0])

    def _predecessors(self, current: Iterable[int]) -> set[int]:
        wanted = set(current)
        return {old for old, new in self.province_successor.items() if new in wanted}

    def _load_communes(self) -> None:
        communes = _loaded(_communes.get(self.scope_provinces()))
        self.communes = communes.units
        if self.geography == CURRENT:
            self.commune_successor = communes.successor

    def expected_places(self, start: dt.date, end: dt.date) -> list[Place]:
        """The places a complete table lists at this level, in order: in the current geography
        today's units, in the old one the units that existed during the period."""
        if self.level == LEVEL_COUNTRY:
            return [self._keyed(COUNTRY, country().name, LEVEL_COUNTRY)]
        if self.level in _REGION_KIND:
            # North to south: by the smallest official code of the region's provinces.
            first_code: dict[str, str] = {}
            for pid, key in self.region_of.items():
                if self._in_unit(*self._effective(pid, None)):
                    code = self.provinces[pid].code
                    first_code[key] = min(first_code.get(key, code), code)
            keys = sorted(first_code, key=lambda k: (first_code[k], k))
            return [self._keyed(k, self.region_names.get(k, k), self.level) for k in keys]
        source = self.provinces if self.level == LEVEL_PROVINCE else self.communes
        units = []
        for unit in source.values():
            if self.geography == CURRENT:
                # Today's units, whatever the period: old figures are re-aggregated onto them.
                if unit.generation != Generation.CURRENT or unit.valid_to is not None:
                    continue
            elif not unit.overlaps(start, end):
                continue
            province_id = unit.id if self.level == LEVEL_PROVINCE else unit.province_id
            if not self._in_unit(province_id, unit.id if self.level == LEVEL_COMMUNE else None):
                continue
            units.append(unit)
        # Old units first (in the old geography), then by official code.
        units.sort(key=lambda u: (u.generation != Generation.LEGACY, u.code))
        return [self._place(u, self.level) for u in units]

    # --- mapping ----------------------------------------------------------------------------

    def _place(self, unit: _Unit, level: str) -> Place:
        place = self.places.get(unit.key)
        if place is None:
            name = unit.name
            if unit.generation == Generation.LEGACY:
                name = _legacy_name(name)
            place = Place(
                key=unit.key,
                name=name,
                level=level,
                generation=unit.generation,
                admin_unit_id=unit.id,
                path=unit.path,
            )
            self.places[place.key] = place
        return place

    def _keyed(self, key: str, name: str, level: str) -> Place:
        place = self.places.get(key)
        if place is None:
            place = self.places[key] = Place(key=key, name=name, level=level)
        return place

    def _effective(self, province_id: int, commune_id: int | None) -> tuple[int, int | None]:
        """The (province, commune) the figure belongs to in this geography."""
        if self.geography != CURRENT:
            return province_id, commune_id
        province = self.provinces.get(province_id)
        if province is None or province.generation == Generation.CURRENT:
            return province_id, commune_id
        if commune_id is not None and commune_id in self.commune_successor:
            successor = self.commune_successor[commune_id]
            successor_unit = self.communes.get(successor)
            if successor_unit is not None:
                return successor_unit.province_id, successor
        return self.province_successor.get(province_id, province_id), None

    def _in_unit(self, province_id: int, commune_id: int | None) -> bool:
        unit = self.unit
        if unit.level == LEVEL_COUNTRY:
            return True
        if unit.level in _REGION_KIND:
            return self.region_of.get(province_id) == unit.key
        if unit.level == LEVEL_PROVINCE:
            return unit.admin_unit_id == province_id
        return commune_id is not None and unit.admin_unit_id == commune_id

    def map(self, province_id: int | None, commune_id: int | None) -> Place | None:
        """Where a figure recorded at (province, commune) shows at this query's level, or None
        when it falls outside the query's unit."""
        cache_key = (province_id, commune_id)
        if cache_key in self._cache:
            return self._cache[cache_key]
        result = self._map(province_id, commune_id)
        self._cache[cache_key] = result
        return result

    def _map(self, province_id: int | None, commune_id: int | None) -> Place | None:
        if province_id is None:
            return self._map_central()
        province_id, commune_id = self._effective(province_id, commune_id)
        if not self._in_unit(province_id, commune_id):
            return None
        if self.level == LEVEL_COUNTRY:
            return self._keyed(COUNTRY, country().name, LEVEL_COUNTRY)
        if self.level in _REGION_KIND:
            key = self.region_of.get(province_id, "region:?")
            return self._keyed(key, self.region_names.get(key, _("No region")), self.level)
        return self._map_unit(province_id, commune_id)

    def _map_unit(self, province_id: int, commune_id: int | None) -> Place | None:
        province = self.provinces.get(province_id)
        if province is None:
            return None
        if self.level == LEVEL_PROVINCE:
            return self._place(province, LEVEL_PROVINCE)
        commune = self.communes.get(commune_id) if commune_id is not None else None
        if commune is not None:
            return self._place(commune, LEVEL_COMMUNE)
        province_place = self._place(province, LEVEL_PROVINCE)
        return self._keyed(
            province_place.key + UNKNOWN_COMMUNE,
            _("Commune not known (%(province)s)") % {"province": province_place.name},
            LEVEL_COMMUNE,
        )

    def _map_central(self) -> Place | None:
        """A central unit's own figure: part of the country only."""
        if self.unit.level != LEVEL_COUNTRY:
            return None
        if self.level == LEVEL_COUNTRY:
            return self._keyed(COUNTRY, country().name, LEVEL_COUNTRY)
        central = central_place()
        return self._keyed(central.key, central.name, self.level)


# --- The geography kept per process ------------------------------------------------------------
#
# Every roll-up needs the provinces and their successions, a drill-down the communes of a
# province: reference data that changes with an administrative reform. Reading it for each
# roll-up cost about as much as the roll-up itself, so each process keeps a copy (see
# `ProcessCache`). A save or delete of a unit, a succession or a region drops the copy of the
# process that made it at once; other processes (other web workers, and `load_geo`'s bulk
# writes, which send no signal) see the change within GEOGRAPHY_MAX_AGE seconds.

GEOGRAPHY_MAX_AGE = 60.0


@dataclass(frozen=True)
class _Units:
    units: dict[int, _Unit]
    # Primary succession edges of the old units among `units`: predecessor id -> successor id.
    successor: dict[int, int]


def _load_provinces(_key: None) -> _Units:
    units = {
        row[0]: _Unit(*row)
        for row in AdminUnit.objects.filter(level=Level.PROVINCE).values_list(*_UNIT_FIELDS)
    }
    successor = dict(
        Succession.objects.filter(predecessor__level=Level.PROVINCE, is_primary=True).values_list(
            "predecessor_id", "successor_id"
        )
    )
    return _Units(units, successor)


def _load_communes(scope: frozenset[int] | None) -> _Units:
    """The communes of these provinces (as recorded: old provinces hold old communes), every
    commune for None; with the successors of the old ones, loaded too when they lie in
    another province."""
    provinces = _loaded(_provinces.get(None))
    queryset = AdminUnit.objects.filter(level=Level.COMMUNE)
    if scope is not None:
        prefixes = Q(pk__in=[])
        for province_id in scope:
            prefixes |= Q(path__startswith=provinces.units[province_id].path)
        queryset = queryset.filter(prefixes)
    units = {row[0]: _Unit(*row) for row in queryset.values_list(*_UNIT_FIELDS)}
    successions = Succession.objects.filter(is_primary=True, predecessor__level=Level.COMMUNE)
    if scope is not None:
        legacy = [c.id for c in units.values() if c.generation == Generation.LEGACY]
        successions = successions.filter(predecessor_id__in=legacy)
    successor = dict(successions.values_list("predecessor_id", "successor_id"))
    missing = set(successor.values()) - set(units)
    if missing:
        for row in AdminUnit.objects.filter(pk__in=missing).values_list(*_UNIT_FIELDS):
            units[row[0]] = _Unit(*row)
    return _Units(units, successor)


def _loaded(units: _Units | None) -> _Units:
    # The loaders always return a value; `ProcessCache.get` is typed for those that may not.
    if units is None:
        raise RuntimeError("the geography could not be read")
    return units


def _load_region_memberships(kind: str) -> tuple[tuple[int, str, str, str], ...]:
    """(province id, region code, region name, region generation) of a kind of region."""
    return tuple(
        Region.provinces.through.objects.filter(region__kind=kind).values_list(
            "adminunit_id", "region__code", "region__name", "region__generation"
        )
    )


_provinces: ProcessCache[None, _Units] = ProcessCache(
    "stats.geography.provinces",
    _load_provinces,
    senders=[AdminUnit, Succession],
    max_age=GEOGRAPHY_MAX_AGE,
)
_communes: ProcessCache[frozenset[int] | None, _Units] = ProcessCache(
    "stats.geography.communes",
    _load_communes,
    senders=[AdminUnit, Succession],
    max_age=GEOGRAPHY_MAX_AGE,
)
_regions: ProcessCache[str, tuple[tuple[int, str, str, str], ...]] = ProcessCache(
    "stats.geography.regions",
    _load_region_memberships,
    senders=[AdminUnit, Region],
    max_age=GEOGRAPHY_MAX_AGE,
)


def current_successor(place: Place) -> Place:
    """Today's unit for a legacy province or commune (itself otherwise)."""
    if not place.is_legacy or place.admin_unit_id is None:
        return place
    successor = (
        Succession.objects.filter(predecessor_id=place.admin_unit_id, is_primary=True)
        .select_related("successor")
        .first()
    )
    return place_of(successor.successor) if successor is not None else place


def children_level(place: Place) -> str:
    """The level a drill-down from `place` shows."""
    if place.level == LEVEL_COUNTRY:
        return LEVEL_PROVINCE
    if place.level in _REGION_KIND:
        return LEVEL_PROVINCE
    return LEVEL_COMMUNE


def default_place_for_admin_paths(paths: Iterable[str]) -> Place | None:
    """The place at the top of a jurisdiction (its first root)."""
    for path in sorted(paths, key=len):
        unit = AdminUnit.objects.filter(path=path).first()
        if unit is not None:
            return place_of(unit)
    return None


def parent_place(place: Place) -> Place | None:
    """One step up a drill-down: commune → province → country."""
    if place.level == LEVEL_COUNTRY:
        return None
    if place.level == LEVEL_COMMUNE and place.path:
        province_id = int(place.path.strip("/").split("/")[0])
        unit = AdminUnit.objects.filter(pk=province_id).first()
        if unit is not None:
            return place_of(unit)
    return country()


def drillable(place: Place, level: str) -> bool:
    """True if a drill-down below `place` (shown at `level`) exists."""
    if level == LEVEL_COMMUNE or (level == LEVEL_COUNTRY and place.key != COUNTRY):
        return False
    return not (place.key in {CENTRAL, "region:?"} or place.key.endswith(UNKNOWN_COMMUNE))
