"""Output schemas of the statistics API."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class HeaderOut(Schema):
    name: str
    column: str
    type: str


class QueryOut(Schema):
    """DHIS2 analytics' shape: one row per cell with a value, the names of every item in
    metaData."""

    headers: list[HeaderOut]
    metaData: dict[str, Any]  # noqa: N815 - DHIS2's field name
    rows: list[list[Any]]
    height: int
    width: int


class MissingOut(Schema):
    code: str
    name: str
    place: str
    period: str


class CoverageOut(Schema):
    dataset: str
    period: str
    periods: list[str]
    unit: str | None
    level: str
    expected: int
    reported: int
    on_time: int
    rate: float | None
    on_time_rate: float | None
    missing: list[MissingOut]
    sentence: str


class ErrorOut(Schema):
    detail: str
    field: str = ""
