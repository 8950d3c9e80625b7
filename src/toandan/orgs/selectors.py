"""Reads of the organisation tree. Functions that take a user return only what the user's
jurisdiction allows (see toandan.accounts.selectors)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from toandan.core.text import search_key
from toandan.orgs.models import OrgUnit

AnyUser = AbstractBaseUser | AnonymousUser


def org_unit_ancestors(unit: OrgUnit) -> QuerySet[OrgUnit]:
    """From the root down to the unit's parent."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part][:-1]
    return OrgUnit.objects.filter(pk__in=ids).order_by("depth")


def org_units_valid_on(queryset: QuerySet[OrgUnit], day: dt.date) -> QuerySet[OrgUnit]:
    return queryset.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def org_units_visible_to(user: AnyUser) -> QuerySet[OrgUnit]:
    """The units in the user's jurisdiction: the subtrees of the units where they hold a role."""
    from toandan.accounts.selectors import jurisdiction_org_units

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
    queryset = org_units_visible_to(user).select_related("admin_unit")
    key = search_key(query)
    for word in key.split():
        queryset = queryset.filter(search_name__contains=word)
    if kind:
        queryset = queryset.filter(kind=kind)
    if level:
        queryset = queryset.filter(level=level)
    if current_only:
        queryset = org_units_valid_on(queryset, timezone.localdate())
    return queryset.order_by("path")


def org_unit_children_visible(user: AnyUser, unit: OrgUnit) -> QuerySet[OrgUnit]:
    return org_units_visible_to(user).filter(parent=unit).select_related("admin_unit")
