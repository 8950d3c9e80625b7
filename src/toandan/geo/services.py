"""Writes to the geography: the offline load of both generations of administrative units.

The source is the `vietnamadminunits` package (MIT), read from its bundled files only, never
through its geocoder:

- `data/dataset.db`, table `admin_units_legacy`: the 63 provinces, 696 districts and 10,035
  communes in force until 30/06/2025 (plus five island districts that had no communes);
- the same file, table `admin_units`: the 34 provinces and 3,321 communes in force from
  01/07/2025 (Resolution 202/2025/QH15 for provinces; the Standing Committee's resolutions of
  06/2025 for communes), with the General Statistics Office's codes of 25/06/2025;
- `data/converter_2025.json`: which old units each new unit was formed from.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat

from toandan.audit.services import audit_record
from toandan.core.events import publish
from toandan.core.text import search_key
from toandan.geo.audit_actions import GeoAction
from toandan.geo.events import GEOGRAPHY_LOADED
from toandan.geo.models import (
    AdminUnit,
    Generation,
    Level,
    Region,
    Succession,
    SuccessionKind,
)
from toandan.geo.regions_data import REGIONS

UnitKey = tuple[str, str, str]  # (generation, level, code): unique, see AdminUnit.Meta

# Fields the loader owns on AdminUnit: a rerun rewrites them when the source says otherwise.
_UNIT_FIELDS = (
    "name",
    "short_name",
    "full_name",
    "unit_type",
    "search_name",
    "search_short",
    "search_full",
    "parent_id",
    "path",
    "depth",
    "latitude",
    "longitude",
    "area_km2",
    "valid_from",
    "valid_to",
)
# Parents before children: a child's path is its parent's path plus its own id.
_LEVEL_ORDER: tuple[tuple[str, str], ...] = (
    (Generation.LEGACY, Level.PROVINCE),
    (Generation.CURRENT, Level.PROVINCE),
    (Generation.LEGACY, Level.DISTRICT),
    (Generation.LEGACY, Level.COMMUNE),
    (Generation.CURRENT, Level.COMMUNE),
)
_BATCH = 500


def reform_date() -> dt.date:
    """The first day of the current generation (settings.TOANDAN_GEO_REFORM_DATE)."""
    return dt.date.fromisoformat(str(settings.TOANDAN_GEO_REFORM_DATE))


@dataclass
class _UnitSpec:
    generation: str
    level: str
    code: str
    name: str
    short_name: str
    unit_type: str
    parent: UnitKey | None
    latitude: float | None
    longitude: float | None
    area_km2: float | None = None

    @property
    def key(self) -> UnitKey:
        return (self.generation, self.level, self.code)


@dataclass
class _Source:
    units: dict[UnitKey, _UnitSpec]
    # (predecessor, successor) -> (kind, is_primary)
    edges: dict[tuple[UnitKey, UnitKey], tuple[str, bool]]


@dataclass
class GeoLoadResult:
    """What one run of the loader found and changed."""

    units: dict[str, int] = field(default_factory=dict)  # "legacy commune" -> how many
    units_created: int = 0
    units_updated: int = 0
    successions: dict[str, int] = field(default_factory=dict)  # kind -> how many
    successions_created: int = 0
    successions_updated: int = 0
    successions_deleted: int = 0
    regions_created: int = 0
    org_units: Any = None

    @property
    def changed(self) -> bool:
        return bool(
            self.units_created
            or self.units_updated
            or self.successions_created
            or self.successions_updated
            or self.successions_deleted
            or self.regions_created
        )


# --- Reading the package's files --------------------------------------------------------------


@contextmanager
def _data_file(name: str) -> Iterator[Path]:
    resource = importlib.resources.files("vietnamadminunits").joinpath("data", name)
    with importlib.resources.as_file(resource) as path:
        yield path


def _rows(connection: sqlite3.Connection, sql: str) -> list[sqlite3.Row]:
    connection.row_factory = sqlite3.Row
    return connection.execute(sql).fetchall()


def _province_type(name: str) -> str:
    return "Thành phố" if name.startswith("Thành phố ") else "Tỉnh"


def _province_spec(generation: str, row: Any) -> _UnitSpec:
    """The province of a source row (both tables name provinces with the same columns)."""
    return _UnitSpec(
        generation,
        Level.PROVINCE,
        row["provinceCode"],
        row["province"],
        row["provinceShort"],
        _province_type(row["province"]),
        None,
        row["provinceLat"],
        row["provinceLon"],
    )


def _read_source() -> _Source:
    with _data_file("dataset.db") as db_path:
        connection = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
        try:
            legacy = _rows(connection, "SELECT * FROM admin_units_legacy")
            current = _rows(connection, "SELECT * FROM admin_units")
        finally:
            connection.close()
    with _data_file("converter_2025.json") as json_path:
        converter = json.loads(json_path.read_text(encoding="utf-8"))

    units: dict[UnitKey, _UnitSpec] = {}
    # The converter names units by accent-free keys; these map them to our unit keys.
    legacy_by_key: dict[str, UnitKey] = {}
    legacy_province_by_key: dict[str, UnitKey] = {}
    current_by_key: dict[tuple[str, str], UnitKey] = {}
    current_province_by_key: dict[str, UnitKey] = {}

    for row in legacy:
        province = _province_spec(Generation.LEGACY, row)
        units.setdefault(province.key, province)
        legacy_province_by_key[row["provinceKey"]] = province.key
        district = _UnitSpec(
            Generation.LEGACY,
            Level.DISTRICT,
            row["districtCode"],
            row["district"],
            row["districtShort"],
            row["districtType"],
            province.key,
            row["districtLat"],
            row["districtLon"],
        )
        units.setdefault(district.key, district)
        converter_key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"
        if not row["wardCode"]:
            # Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo: island districts without
            # communes, listed once with an empty commune.
            legacy_by_key[converter_key] = district.key
            continue
        commune = _UnitSpec(
            Generation.LEGACY,
            Level.COMMUNE,
            row["wardCode"],
            row["ward"],
            row["wardShort"],
            row["wardType"],
            district.key,
            row["wardLat"],
            row["wardLon"],
        )
        units[commune.key] = commune
        legacy_by_key[converter_key] = commune.key

    for row in current:
        province = _province_spec(Generation.CURRENT, row)
        units.setdefault(province.key, province)
        current_province_by_key[row["provinceKey"]] = province.key
        commune = _UnitSpec(
            Generation.CURRENT,
            Level.COMMUNE,
            row["wardCode"],
            row["ward"],
            row["wardShort"],
            row["wardType"],
            province.key,
            row["wardLat"],
            row["wardLon"],
            row["wardAreaKm2"],
        )
        units[commune.key] = commune
        current_by_key[(row["provinceKey"], row["wardKey"])] = commune.key

    edges = _province_edges(converter, units, legacy_province_by_key, current_province_by_key)
    edges.update(_commune_edges(converter, units, legacy_by_key, current_by_key))
    return _Source(units=units, edges=edges)


def _whole_unit_kind(old: _UnitSpec, new: _UnitSpec, predecessors: int) -> str:
    if predecessors > 1:
        return SuccessionKind.MERGED
    return SuccessionKind.UNCHANGED if old.name == new.name else SuccessionKind.RENAMED


def _province_edges(
    converter: dict[str, Any],
    units: dict[UnitKey, _UnitSpec],
    legacy_by_key: dict[str, UnitKey],
    current_by_key: dict[str, UnitKey],
) -> dict[tuple[UnitKey, UnitKey], tuple[str, bool]]:
    """Province successions (Resolution 202/2025/QH15): each old province went whole into one
    new province, alone (unchanged, e.g. Hà Nội) or with others (merged, e.g. Hải Dương and
    Hải Phòng into Thành phố Hải Phòng)."""
    edges: dict[tuple[UnitKey, UnitKey], tuple[str, bool]] = {}
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        new = current_by_key[new_key]
        for old_key in old_keys:
            old = legacy_by_key[old_key]
            edges[(old, new)] = (_whole_unit_kind(units[old], units[new], len(old_keys)), True)
    return edges


def _commune_edges(
    converter: dict[str, Any],
    units: dict[UnitKey, _UnitSpec],
    legacy_by_key: dict[str, UnitKey],
    current_by_key: dict[tuple[str, str], UnitKey],
) -> dict[tuple[UnitKey, UnitKey], tuple[str, bool]]:
    """Commune successions (the Standing Committee's 2025 resolutions, one per province).

    An old commune either went whole into one new commune (DICT_PROVINCE_WARD_NO_DIVIDED) or
    was divided between several (DICT_PROVINCE_WARD_DIVIDED, one part marked as the default).
    A whole unit is `unchanged` or `renamed` when it is the new commune's only predecessor, and
    `merged` when the new commune has others (whole or parts). Each part of a divided commune
    is a `divided` edge; the default part is the primary one, where its figures re-aggregate.

    Districts have no successor: the district level was abolished on 01/07/2025 and its
    communes went their own ways. The exceptions are the five island districts that had no
    communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo): each became a special zone
    (đặc khu), and that edge is kept so their figures can re-aggregate too.
    """
    whole: dict[UnitKey, list[UnitKey]] = defaultdict(list)  # new -> old units taken whole
    parts: dict[UnitKey, list[tuple[UnitKey, bool]]] = defaultdict(list)  # old -> (new, default)
    predecessor_count: Counter[UnitKey] = Counter()
    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            new = current_by_key[(province_key, ward_key)]
            for old_key in old_keys:
                whole[new].append(legacy_by_key[old_key])
                predecessor_count[new] += 1
    for province_key, divided in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, new_parts in divided.items():
            old = legacy_by_key[old_key]
            for part in new_parts:
                new = current_by_key[(province_key, part["newWardKey"])]
                parts[old].append((new, bool(part["isDefaultNewWard"])))
                predecessor_count[new] += 1

    edges: dict[tuple[UnitKey, UnitKey], tuple[str, bool]] = {}
    for new, olds in whole.items():
        for old in olds:
            kind = _whole_unit_kind(units[old], units[new], predecessor_count[new])
            edges[(old, new)] = (kind, True)
    for old, new_parts in parts.items():
        for new, is_default in new_parts:
            edges[(old, new)] = (SuccessionKind.DIVIDED, is_default)
    return edges


# --- Writing ----------------------------------------------------------------------------------


def _full_names(units: dict[UnitKey, _UnitSpec]) -> dict[UnitKey, str]:
    names: dict[UnitKey, str] = {}
    for key, spec in units.items():
        parts = [spec.name]
        parent = spec.parent
        while parent is not None:
            parts.append(units[parent].name)
            parent = units[parent].parent
        names[key] = ", ".join(parts)
    return names


def _chunks(items: list[int], size: int = _BATCH) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _upsert_units(source: _Source, result: GeoLoadResult) -> dict[UnitKey, AdminUnit]:
    reform = reform_date()
    validity: dict[str, tuple[dt.date | None, dt.date | None]] = {
        Generation.LEGACY: (None, reform - dt.timedelta(days=1)),
        Generation.CURRENT: (reform, None),
    }
    full_names = _full_names(source.units)
    by_key: dict[UnitKey, AdminUnit] = {
        (unit.generation, unit.level, unit.code): unit for unit in AdminUnit.objects.all()
    }
    for generation, level in _LEVEL_ORDER:
        specs = [s for s in source.units.values() if (s.generation, s.level) == (generation, level)]
        result.units[f"{generation} {level}"] = len(specs)
        created: list[tuple[AdminUnit, AdminUnit | None]] = []  # (new unit, its parent)
        changed: list[AdminUnit] = []
        for spec in specs:
            parent = by_key[spec.parent] if spec.parent else None
            valid_from, valid_to = validity[spec.generation]
            values: dict[str, Any] = {
                "name": spec.name,
                "short_name": spec.short_name,
                "full_name": full_names[spec.key],
                "unit_type": spec.unit_type,
                "search_name": search_key(spec.name),
                "search_short": search_key(spec.short_name),
                "search_full": search_key(full_names[spec.key]),
                "parent_id": parent.pk if parent else None,
                "depth": parent.depth + 1 if parent else 1,
                "latitude": spec.latitude,
                "longitude": spec.longitude,
                "area_km2": spec.area_km2,
                "valid_from": valid_from,
                "valid_to": valid_to,
            }
            unit = by_key.get(spec.key)
            if unit is None:
                # The path needs the new row's id: written by one UPDATE after the insert.
                unit = AdminUnit(
                    generation=spec.generation, level=spec.level, code=spec.code, path="", **values
                )
                by_key[spec.key] = unit
                created.append((unit, parent))
                continue
            values["path"] = f"{parent.path if parent else '/'}{unit.pk}/"
            if any(getattr(unit, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(unit, name, value)
                changed.append(unit)
        if created:
            AdminUnit.objects.bulk_create([unit for unit, _parent in created], batch_size=_BATCH)
            _write_new_paths(generation, level)
            for unit, parent in created:
                unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        if changed:
            AdminUnit.objects.bulk_update(changed, _UNIT_FIELDS, batch_size=_BATCH)
        result.units_created += len(created)
        result.units_updated += len(changed)
    return by_key


def _write_new_paths(generation: str, level: str) -> None:
    """Set "/<parent path>/<id>/" on the rows just inserted at one level, in one statement."""
    new_rows = AdminUnit.objects.filter(generation=generation, level=level, path="")
    own_id = Cast("pk", output_field=CharField())
    if level == Level.PROVINCE:
        new_rows.update(path=Concat(Value("/"), own_id, Value("/"), output_field=CharField()))
        return
    parent_path = Subquery(AdminUnit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1])
    new_rows.update(path=Concat(parent_path, own_id, Value("/"), output_field=CharField()))


def _upsert_successions(
    source: _Source, by_key: dict[UnitKey, AdminUnit], result: GeoLoadResult
) -> None:
    effective_on = reform_date()
    wanted: dict[tuple[int, int], tuple[str, bool]] = {
        (by_key[old].pk, by_key[new].pk): edge for (old, new), edge in source.edges.items()
    }
    result.successions = dict(Counter(kind for kind, _primary in wanted.values()))
    existing = {(e.predecessor_id, e.successor_id): e for e in Succession.objects.all()}
    created: list[Succession] = []
    changed: list[Succession] = []
    for (old_id, new_id), (kind, is_primary) in wanted.items():
        edge = existing.get((old_id, new_id))
        if edge is None:
            created.append(
                Succession(
                    predecessor_id=old_id,
                    successor_id=new_id,
                    kind=kind,
                    is_primary=is_primary,
                    effective_on=effective_on,
                )
            )
        elif (edge.kind, edge.is_primary, edge.effective_on) != (kind, is_primary, effective_on):
            edge.kind, edge.is_primary, edge.effective_on = kind, is_primary, effective_on
            changed.append(edge)
    # Successions are the official table's, like the units: an edge it no longer lists goes.
    stale = [edge.pk for pair, edge in existing.items() if pair not in wanted]
    Succession.objects.bulk_create(created, batch_size=_BATCH)
    Succession.objects.bulk_update(
        changed, ["kind", "is_primary", "effective_on"], batch_size=_BATCH
    )
    for chunk in _chunks(stale):
        Succession.objects.filter(pk__in=chunk).delete()
    result.successions_created = len(created)
    result.successions_updated = len(changed)
    result.successions_deleted = len(stale)


def _create_missing_regions(by_key: dict[UnitKey, AdminUnit], result: GeoLoadResult) -> None:
    existing = set(Region.objects.values_list("generation", "kind", "code"))
    for spec in REGIONS:
        if (spec.generation, spec.kind, spec.code) in existing:
            continue  # the admin's now: never overwritten
        region = Region.objects.create(
            generation=spec.generation, kind=spec.kind, code=spec.code, name=spec.name
        )
        region.provinces.set(
            [by_key[(spec.generation, Level.PROVINCE, code)] for code in spec.province_codes]
        )
        result.regions_created += 1


def geo_load() -> GeoLoadResult:
    """Load or refresh both generations of units, their successions and the default regions.

    Idempotent: units are matched by (generation, level, code) and only rows whose data differ
    are written, so a second run changes nothing. Legacy units are valid until the day before
    settings.TOANDAN_GEO_REFORM_DATE (01/07/2025: Resolution 202/2025/QH15 for provinces, the
    Standing Committee's 2025 resolutions for communes), current units from that day. Regions
    are only created, never updated: once created they are edited in the admin.

    At the end `GEOGRAPHY_LOADED` is published: orgs subscribes and synchronises the
    organisation units with the geography (`toandan.orgs.services.org_units_sync_with_geography`).
    """
    source = _read_source()
    result = GeoLoadResult()
    with transaction.atomic():
        by_key = _upsert_units(source, result)
        _upsert_successions(source, by_key, result)
        _create_missing_regions(by_key, result)
        if result.changed:
            audit_record(
                actor=None,
                action=GeoAction.LOAD,
                object_type="geo.adminunit",
                reason="load of the administrative geography from vietnamadminunits",
                data={
                    "units_created": result.units_created,
                    "units_updated": result.units_updated,
                    "successions_created": result.successions_created,
                    "successions_updated": result.successions_updated,
                    "successions_deleted": result.successions_deleted,
                    "regions_created": result.regions_created,
                },
            )
    publish(GEOGRAPHY_LOADED, result)
    return result
