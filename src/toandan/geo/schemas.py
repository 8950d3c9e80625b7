"""Input and output shapes of the geography API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class UnitOut(Schema):
    id: int
    generation: str
    level: str
    code: str
    name: str
    short_name: str
    full_name: str
    unit_type: str
    parent_id: int | None
    latitude: float | None
    longitude: float | None
    area_km2: float | None
    valid_from: dt.date | None
    valid_to: dt.date | None


class UnitBriefOut(Schema):
    id: int
    generation: str
    level: str
    code: str
    name: str


class UnitDetailOut(UnitOut):
    ancestors: list[UnitBriefOut]
    children_count: int


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


class SuccessionOut(Schema):
    kind: str
    is_primary: bool
    effective_on: dt.date
    unit: UnitOut


class SuccessionPage(Schema):
    count: int
    items: list[SuccessionOut]


class RegionOut(Schema):
    id: int
    generation: str
    kind: str
    code: str
    name: str
    provinces: list[UnitBriefOut]


class RegionPage(Schema):
    count: int
    items: list[RegionOut]
