"""Units a user may see: the subtrees of the units where they hold a role."""

from __future__ import annotations

from django.db.models import QuerySet

from toandan.accounts.selectors import AnyUser, jurisdiction_org_units
from toandan.orgs.models import OrgUnit
from toandan.orgs.selectors import org_units_search


def org_units_visible_to(user: AnyUser) -> QuerySet[OrgUnit]:
    """The units in the user's jurisdiction: the subtrees of the units where they hold a role."""
    return jurisdiction_org_units(user)


def org_unit_get_visible(user: AnyUser, pk: int) -> OrgUnit | None:
    """The unit if it exists and is in the user's jurisdiction; None either way otherwise,
    so a caller cannot tell a unit outside its jurisdiction from one that does not exist."""
    return org_units_visible_to(user).select_related("admin_unit", "parent").filter(pk=pk).first()


def org_unit_list(
    user: AnyUser,
    *,
    query: str = "",
    kind: str = "",
    level: str = "",
    current_only: bool = False,
) -> QuerySet[OrgUnit]:
    """The units in the user's jurisdiction, filtered; the search ignores accents and case
    ("hoan kiem" finds "Công an phường Hoàn Kiếm")."""
    return org_units_search(
        org_units_visible_to(user), query=query, kind=kind, level=level, current_only=current_only
    )


def org_unit_children_visible(user: AnyUser, unit: OrgUnit) -> QuerySet[OrgUnit]:
    return org_units_visible_to(user).filter(parent=unit).select_related("admin_unit")
