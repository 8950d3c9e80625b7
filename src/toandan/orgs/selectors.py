"""Reads of the organisation tree. orgs knows units, not people: which units a user may see
is accounts' business (`toandan.accounts.units.selectors`, built on these)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from toandan.core.text import search_key
from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit


def org_unit_ancestors(unit: OrgUnit) -> QuerySet[OrgUnit]:
    """From the root down to the unit's parent."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part][:-1]
    return OrgUnit.objects.filter(pk__in=ids).order_by("depth")


def org_units_valid_on(queryset: QuerySet[OrgUnit], day: dt.date) -> QuerySet[OrgUnit]:
    return queryset.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def org_units_search(
    queryset: QuerySet[OrgUnit],
    *,
    query: str = "",
    kind: str = "",
    level: str = "",
    current_only: bool = False,
) -> QuerySet[OrgUnit]:
    """`queryset` filtered; the search ignores accents and case ("hoan kiem" finds "Công an
    phường Hoàn Kiếm")."""
    queryset = queryset.select_related("admin_unit")
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


def org_unit_takes_branches(unit: OrgUnit) -> bool:
    """Branches (chi hội) are created under an open commune Women's Union only (the Union's
    charter); who may create them is `toandan.accounts.policies.may_create_branch`."""
    today = timezone.localdate()
    return (
        unit.kind == OrgKind.WOMENS_UNION
        and unit.level == OrgLevel.COMMUNE
        and (unit.valid_to is None or unit.valid_to >= today)
    )
