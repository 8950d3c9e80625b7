"""Who may do what with community models.

- Staff of the area see a model: its host unit, its co-host police unit or its commune (or
  the commune that took it over in 2025) lies in their jurisdiction. Others get 404.
- The host side (union cadres and leaders, and the police, who co-host) registers models in
  units of their jurisdiction, adds sites, teams and channels, and files the reviews.
- The commune police (police roles over the co-host police unit or the commune) confirm or
  return a review, and put a model under consolidation, dissolve or merge it.
- The province (a police leader or union leader holding the role in a province or central
  unit) recognises models, marks them exemplary and grades reviews.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from toandan.accounts.models import POLICE_ROLES, UNION_ROLES, Role
from toandan.accounts.selectors import active_role_assignments, user_jurisdiction
from toandan.initiatives.models import Initiative, Review
from toandan.orgs.models import OrgLevel, OrgUnit

STAFF_ROLES = frozenset(UNION_ROLES | POLICE_ROLES | {Role.SYSTEM_ADMIN.value})
HOST_ROLES = frozenset(UNION_ROLES | POLICE_ROLES | {Role.SYSTEM_ADMIN.value})
POLICE_SIDE = frozenset(POLICE_ROLES | {Role.SYSTEM_ADMIN.value})
PROVINCE_ROLES = frozenset(
    {Role.POLICE_LEADER.value, Role.UNION_LEADER.value, Role.SYSTEM_ADMIN.value}
)
UPPER_LEVELS = frozenset({OrgLevel.PROVINCE.value, OrgLevel.CENTRAL.value})


def _covers(
    user: Any, initiative: Initiative, roles: Iterable[str], *, org_only: bool = False
) -> bool:
    reach = user_jurisdiction(user, roles)
    if reach.covers_org_path(initiative.host_unit.path):
        return True
    if initiative.police_unit is not None and reach.covers_org_path(initiative.police_unit.path):
        return True
    if org_only:
        return False
    communes = [initiative.commune, initiative.current_commune]
    return any(c is not None and reach.covers_admin_path(c.path) for c in communes)


def visible_initiatives(user: Any, queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """The rows of `queryset` the user's jurisdiction covers (nothing without a role)."""
    reach = user_jurisdiction(user, STAFF_ROLES)
    if reach.all_org_units or reach.all_admin_units:
        return queryset
    condition = Q(pk__in=[])
    for path in reach.org_paths:
        condition |= Q(host_unit__path__startswith=path) | Q(police_unit__path__startswith=path)
    for path in reach.admin_paths:
        condition |= Q(commune__path__startswith=path) | Q(current_commune__path__startswith=path)
    return queryset.filter(condition)


def may_view(user: Any, initiative: Initiative) -> bool:
    return bool(user.is_authenticated) and _covers(user, initiative, STAFF_ROLES)


def may_see_contact(user: Any, initiative: Initiative) -> bool:
    """Contact name and phone: staff of the area only."""
    return may_view(user, initiative)


def may_register(user: Any, host_unit: OrgUnit) -> bool:
    return bool(user.is_authenticated) and user_jurisdiction(user, HOST_ROLES).covers_org_path(
        host_unit.path
    )


def may_edit(user: Any, initiative: Initiative | None) -> bool:
    """Add sites, teams and channels; pilot and activate (the host side)."""
    if initiative is None or not user.is_authenticated:
        return False
    return _covers(user, initiative, HOST_ROLES, org_only=True)


def may_police(user: Any, initiative: Initiative | None) -> bool:
    """The commune police's steps (and any police above them)."""
    if initiative is None or not user.is_authenticated:
        return False
    return _covers(user, initiative, POLICE_SIDE)


def _holds_upper_role(user: Any) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return any(
        a.org_unit.level in UPPER_LEVELS for a in active_role_assignments(user, PROVINCE_ROLES)
    )


def may_province(user: Any, initiative: Initiative | None) -> bool:
    """The province's steps: recognise, mark exemplary, grade."""
    if initiative is None or not user.is_authenticated or not _holds_upper_role(user):
        return False
    return _covers(user, initiative, PROVINCE_ROLES)


# Reviews: the same rules on the review's model.


def may_file_review(user: Any, review: Review | None) -> bool:
    return review is not None and may_edit(user, review.initiative)


def may_confirm_review(user: Any, review: Review | None) -> bool:
    return review is not None and may_police(user, review.initiative)


def may_grade_review(user: Any, review: Review | None) -> bool:
    return review is not None and may_province(user, review.initiative)
