"""Reads about staff: their roles, their jurisdiction, and the access checks built on them.

Every view and API handler that shows something scoped to a place or a unit asks these
functions; none queries a sensitive model without them.

The rules:
- Only active assignments count: valid today, held by an active user, in a unit that is open.
- A role held in unit U gives the organisation units of U's subtree (path prefix), and the
  administrative units under U's administrative unit. A central unit (no administrative unit)
  covers the whole country.
- A superuser is treated as holding `system_admin` (and no other role). `system_admin`
  reaches every unit and place: the system administrator has to be able to fix any unit's
  data. Roles that read tips are separate; a later app asks for them explicitly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from toandan.accounts.models import ApiToken, Role, RoleAssignment, User
from toandan.geo.models import AdminUnit
from toandan.orgs.models import OrgUnit

AnyUser = AbstractBaseUser | AnonymousUser
M = TypeVar("M", bound=Model)

_ASSIGNMENTS_CACHE = "_toandan_assignments"
_ROLES_CACHE = "_toandan_roles"
_JURISDICTION_CACHE = "_toandan_jurisdiction"


def _is_active_user(user: AnyUser) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_active", False))


def _is_superuser(user: AnyUser) -> bool:
    return _is_active_user(user) and bool(getattr(user, "is_superuser", False))


def active_role_assignments(
    user: AnyUser, roles: Iterable[str] | None = None
) -> QuerySet[RoleAssignment]:
    """The user's assignments valid today, in units that are open today."""
    if not _is_active_user(user) or user.pk is None:
        return RoleAssignment.objects.none()
    today = timezone.localdate()
    queryset = (
        RoleAssignment.objects.filter(user_id=int(user.pk), valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .filter(Q(org_unit__valid_to__isnull=True) | Q(org_unit__valid_to__gte=today))
        .filter(Q(org_unit__valid_from__isnull=True) | Q(org_unit__valid_from__lte=today))
        .select_related("org_unit", "org_unit__admin_unit")
        .order_by("org_unit__path", "role")
    )
    if roles is not None:
        queryset = queryset.filter(role__in=list(roles))
    return queryset


def _assignments_now(user: AnyUser) -> list[RoleAssignment]:
    """The active assignments, read once per user object (that is, once per request)."""
    cached: list[RoleAssignment] | None = getattr(user, _ASSIGNMENTS_CACHE, None)
    if cached is None:
        cached = list(active_role_assignments(user))
        if user.is_authenticated:
            setattr(user, _ASSIGNMENTS_CACHE, cached)
    return cached


def user_roles(user: AnyUser) -> frozenset[str]:
    """The roles the user holds today (cached on the user object for the request)."""
    cached = getattr(user, _ROLES_CACHE, None)
    if cached is not None:
        return frozenset(cached)
    roles = {a.role for a in _assignments_now(user)}
    if _is_superuser(user):
        roles.add(Role.SYSTEM_ADMIN.value)
    result = frozenset(roles)
    if user.is_authenticated:
        setattr(user, _ROLES_CACHE, result)
    return result


def user_has_any_role(user: AnyUser, roles: Iterable[str]) -> bool:
    """True if the user holds one of `roles` today; with no roles given, any role at all."""
    held = user_roles(user)
    wanted = frozenset(roles)
    if not held:
        return False
    return not wanted or bool(held & wanted)


@dataclass(frozen=True)
class Jurisdiction:
    """Where a user's roles reach: subtree roots as path prefixes, or everything."""

    all_org_units: bool
    all_admin_units: bool
    org_paths: tuple[str, ...]
    admin_paths: tuple[str, ...]

    def covers_org_path(self, path: str) -> bool:
        return self.all_org_units or any(path.startswith(p) for p in self.org_paths)

    def covers_admin_path(self, path: str) -> bool:
        return self.all_admin_units or any(path.startswith(p) for p in self.admin_paths)

    @property
    def is_empty(self) -> bool:
        return not (
            self.all_org_units or self.all_admin_units or self.org_paths or self.admin_paths
        )


_EVERYWHERE = Jurisdiction(all_org_units=True, all_admin_units=True, org_paths=(), admin_paths=())


def _outermost(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop paths already covered by a shorter prefix in the set."""
    result: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(p) for p in result):
            result.append(path)
    return tuple(sorted(result))


def user_jurisdiction(user: AnyUser, roles: Iterable[str] | None = None) -> Jurisdiction:
    """The union of the subtrees of the units where the user holds (one of) `roles`."""
    key = None if roles is None else frozenset(roles)
    cache: dict[frozenset[str] | None, Jurisdiction] = getattr(user, _JURISDICTION_CACHE, {})
    if key in cache:
        return cache[key]
    if _is_superuser(user) and (key is None or Role.SYSTEM_ADMIN in key):
        result = _EVERYWHERE
    else:
        org_paths: list[str] = []
        admin_paths: list[str] = []
        everywhere = False
        assignments = [a for a in _assignments_now(user) if key is None or a.role in key]
        if any(a.role == Role.SYSTEM_ADMIN for a in assignments):
            return _remember(user, key, cache, _EVERYWHERE)
        for assignment in assignments:
            unit = assignment.org_unit
            org_paths.append(unit.path)
            if unit.admin_unit is None:
                everywhere = True
            else:
                admin_paths.append(unit.admin_unit.path)
        result = Jurisdiction(
            all_org_units=False,
            all_admin_units=everywhere,
            org_paths=_outermost(org_paths),
            admin_paths=() if everywhere else _outermost(admin_paths),
        )
    return _remember(user, key, cache, result)


def _remember(
    user: AnyUser,
    key: frozenset[str] | None,
    cache: dict[frozenset[str] | None, Jurisdiction],
    result: Jurisdiction,
) -> Jurisdiction:
    if user.is_authenticated:
        cache[key] = result
        setattr(user, _JURISDICTION_CACHE, cache)
    return result


def _prefix_q(field: str, paths: Iterable[str]) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def jurisdiction_org_units(user: AnyUser, roles: Iterable[str] | None = None) -> QuerySet[OrgUnit]:
    """The organisation units in the subtrees of the user's role units."""
    reach = user_jurisdiction(user, roles)
    if reach.all_org_units:
        return OrgUnit.objects.all()
    if not reach.org_paths:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(_prefix_q("path", reach.org_paths))


def jurisdiction_admin_units(
    user: AnyUser, roles: Iterable[str] | None = None
) -> QuerySet[AdminUnit]:
    """The administrative units under the administrative units of the user's role units."""
    reach = user_jurisdiction(user, roles)
    if reach.all_admin_units:
        return AdminUnit.objects.all()
    if not reach.admin_paths:
        return AdminUnit.objects.none()
    return AdminUnit.objects.filter(_prefix_q("path", reach.admin_paths))


def can_access_org_unit(user: AnyUser, unit: OrgUnit, roles: Iterable[str] | None = None) -> bool:
    return user_jurisdiction(user, roles).covers_org_path(unit.path)


def filter_by_jurisdiction(
    user: AnyUser,
    queryset: QuerySet[M],
    admin_unit_field: str | None = "admin_unit",
    *,
    org_unit_field: str | None = None,
    roles: Iterable[str] | None,
) -> QuerySet[M]:
    """Keep the rows of `queryset` the user may see.

    `roles` has no default on purpose: a union cadre's area covers the same wards as the
    ward police, so every caller must say which roles open these rows (None = any role).

    A row is in the jurisdiction when its administrative unit (`admin_unit_field`, a foreign
    key to geo.AdminUnit) lies under one of the user's areas, or, when `org_unit_field` is
    given, when its organisation unit lies in one of the user's subtrees. A user without a
    role sees nothing.
    """
    reach = user_jurisdiction(user, roles)
    conditions: list[Q] = []
    if admin_unit_field:
        if reach.all_admin_units:
            return queryset
        conditions.append(_prefix_q(f"{admin_unit_field}__path", reach.admin_paths))
    if org_unit_field:
        if reach.all_org_units:
            return queryset
        conditions.append(_prefix_q(f"{org_unit_field}__path", reach.org_paths))
    if not conditions:
        msg = "filter_by_jurisdiction needs admin_unit_field or org_unit_field"
        raise ValueError(msg)
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return queryset.filter(combined)


# --- Units and people -----------------------------------------------------------------------


def role_assignments_in_unit(unit: OrgUnit) -> QuerySet[RoleAssignment]:
    """The staff holding a role in `unit` today."""
    today = timezone.localdate()
    return (
        RoleAssignment.objects.filter(org_unit=unit, valid_from__lte=today, user__is_active=True)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("user")
        .order_by("role", "user__full_name", "user__username")
    )


# --- API tokens -----------------------------------------------------------------------------


def api_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_find_usable(raw: str) -> ApiToken | None:
    """The usable token with this value (not revoked, not expired, active owner), if any."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=api_token_hash(raw), user__is_active=True)
        .first()
    )
    if token is None or not token.is_usable():
        return None
    return token


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def user_summary(user: User) -> dict[str, Any]:
    """What `/accounts/me` and `/api/v1/accounts/me` show about the user."""
    return {
        "username": user.username,
        "full_name": user.get_full_name(),
        "email": user.email,
        "two_factor_enrolled": user.has_two_factor,
        "is_superuser": user.is_superuser,
        "roles": [
            {
                "role": a.role,
                "role_label": str(a.get_role_display()),
                "org_unit_id": a.org_unit_id,
                "org_unit_code": a.org_unit.code,
                "org_unit_name": a.org_unit.name,
                "valid_from": a.valid_from,
                "valid_to": a.valid_to,
            }
            for a in active_role_assignments(user)
        ],
    }
