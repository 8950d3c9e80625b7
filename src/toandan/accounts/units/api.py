"""JSON API of the organisation tree, limited to the caller's jurisdiction."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router
from ninja.pagination import paginate

from toandan.accounts.api_auth import ApiAuth
from toandan.accounts.units.selectors import (
    org_unit_children_visible,
    org_unit_get_visible,
    org_unit_list,
)
from toandan.core.pagination import BoundedPageNumberPagination
from toandan.orgs.models import OrgUnit
from toandan.orgs.schemas import OrgUnitDetailOut, OrgUnitOut

router = Router(tags=["orgs"], auth=ApiAuth())


@router.get("/units", response=list[OrgUnitOut], summary="Units in my jurisdiction")
@paginate(BoundedPageNumberPagination, page_size=50, max_page_size=500)
def units(
    request: HttpRequest, q: str = "", kind: str = "", level: str = "", closed: bool = False
) -> QuerySet[OrgUnit]:
    """Search ignores accents and case: `q=hoan kiem`. Filter by `kind` (police,
    womens_union, …) and `level` (central, province, commune, branch). Units closed by the
    2025 reform are left out unless `closed=true`."""
    return org_unit_list(
        request.user, query=q[:100], kind=kind, level=level, current_only=not closed
    )


@router.get(
    "/units/{unit_id}",
    response=OrgUnitDetailOut,
    summary="One unit (404 outside my jurisdiction)",
)
def unit(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    found = org_unit_get_visible(request.user, unit_id)
    if found is None:
        raise Http404
    data = OrgUnitOut.from_orm(found).dict()
    data["parent_name"] = found.parent.name if found.parent else None
    data["children"] = [
        OrgUnitOut.from_orm(child).dict()
        for child in org_unit_children_visible(request.user, found)
    ]
    return data
