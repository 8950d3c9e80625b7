"""The geography API: public reference data (`/api/v1/geo/...`), read-only.

Lists carry the total `count` and are paginated with `limit` (at most 500) and `offset`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import P, QueryEx, Router
from ninja.errors import ValidationError

from toandan.core.access import public
from toandan.core.pagination import MAX_OFFSET
from toandan.geo import selectors
from toandan.geo.models import AdminUnit, Generation, Level, Succession
from toandan.geo.schemas import RegionPage, SuccessionPage, UnitDetailOut, UnitOut, UnitPage

router = Router(tags=["geo"])

MAX_LIMIT = 500
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Limit = QueryEx[int, P(ge=1, le=MAX_LIMIT, description="Page size, at most 500.")]
Offset = QueryEx[
    int, P(ge=0, le=MAX_OFFSET, description=f"How many items to skip, at most {MAX_OFFSET}.")
]


def _parse_day(value: str | None, *, default: dt.date | None) -> dt.date | None:
    """A YYYY-MM-DD query value; anything else is a 422 that says what to write."""
    if value is None or value == "":
        return default
    try:
        if not _ISO_DATE.match(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        message = _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2025-07-01.") % {
            "value": value
        }
        raise ValidationError(
            [{"type": "date_format", "loc": ["query", "on"], "msg": message}]
        ) from None


def _page(rows: QuerySet[Any], limit: int, offset: int) -> dict[str, Any]:
    return {"count": rows.count(), "items": list(rows[offset : offset + limit])}


def _edges_page(
    edges: QuerySet[Succession], limit: int, offset: int, *, forward: bool
) -> dict[str, Any]:
    page = _page(edges, limit, offset)
    page["items"] = [
        {
            "kind": edge.kind,
            "is_primary": edge.is_primary,
            "effective_on": edge.effective_on,
            "unit": edge.successor if forward else edge.predecessor,
        }
        for edge in page["items"]
    ]
    return page


@router.get("/provinces", response=UnitPage, auth=None, summary="Provinces valid on a date")
@public
def provinces(
    request: HttpRequest,
    on: QueryEx[str | None, P(description="YYYY-MM-DD; today when omitted.")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """63 provinces until 2025-06-30, 34 from 2025-07-01."""
    day = _parse_day(on, default=timezone.localdate())
    assert day is not None
    return _page(selectors.provinces_valid_on(day), limit, offset)


@router.get("/units", response=UnitPage, auth=None, summary="Units valid on a date, by level")
@public
def units(
    request: HttpRequest,
    on: QueryEx[str | None, P(description="YYYY-MM-DD; today when omitted.")] = None,
    level: Level | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """`level=commune` on 2025-07-01 counts 3,321 communes; on 2024-06-30, 10,035."""
    day = _parse_day(on, default=timezone.localdate())
    assert day is not None
    rows = selectors.units_valid_on(day, level=level.value if level is not None else None)
    return _page(rows.order_by("level", "code"), limit, offset)


@router.get("/units/{unit_id}", response=UnitDetailOut, auth=None, summary="One unit")
@public
def unit_detail(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    unit = get_object_or_404(AdminUnit, pk=unit_id)
    return {
        **UnitOut.model_validate(unit).model_dump(),
        "ancestors": list(selectors.ancestors(unit)),
        "children_count": unit.children.count(),
    }


@router.get("/units/{unit_id}/children", response=UnitPage, auth=None, summary="Children of a unit")
@public
def unit_children(
    request: HttpRequest,
    unit_id: int,
    on: QueryEx[str | None, P(description="YYYY-MM-DD; all children when omitted.")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    unit = get_object_or_404(AdminUnit, pk=unit_id)
    return _page(selectors.children(unit, on=_parse_day(on, default=None)), limit, offset)


@router.get("/search", response=UnitPage, auth=None, summary="Search units by name")
@public
def search(
    request: HttpRequest,
    *,
    q: QueryEx[str, P(min_length=1, max_length=100, description="“ha noi”, “kinh mon”")],
    on: QueryEx[str | None, P(description="YYYY-MM-DD; both generations when omitted.")] = None,
    level: Level | None = None,
    province: QueryEx[int | None, P(description="Only units under this province id.")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Accent-insensitive: exact short names first, then names starting with the query."""
    within = get_object_or_404(AdminUnit, pk=province) if province is not None else None
    rows = selectors.search(
        q,
        on=_parse_day(on, default=None),
        level=level.value if level is not None else None,
        province=within,
        limit=None,
    )
    return _page(rows, limit, offset)


@router.get(
    "/units/{unit_id}/successors",
    response=SuccessionPage,
    auth=None,
    summary="Current units that took over a legacy unit",
)
@public
def unit_successors(
    request: HttpRequest, unit_id: int, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    """Kinds: unchanged, renamed, merged, divided; `is_primary` marks where figures go."""
    unit = get_object_or_404(AdminUnit, pk=unit_id)
    return _edges_page(selectors.successors(unit), limit, offset, forward=True)


@router.get(
    "/units/{unit_id}/predecessors",
    response=SuccessionPage,
    auth=None,
    summary="Legacy units a current unit was formed from",
)
@public
def unit_predecessors(
    request: HttpRequest, unit_id: int, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    unit = get_object_or_404(AdminUnit, pk=unit_id)
    return _edges_page(selectors.predecessors(unit), limit, offset, forward=False)


@router.get("/regions", response=RegionPage, auth=None, summary="Regions and their provinces")
@public
def regions(
    request: HttpRequest,
    generation: Generation | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    rows = selectors.regions(generation.value if generation is not None else None)
    return _page(rows, limit, offset)
