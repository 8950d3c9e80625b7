"""Where a tip goes, and why: the routing table (`RoutingRule` rows) applied to one tip.

The defaults (data migration 0002) follow the issue: the police of the commune where it
happened; the province police when the commune is unknown; and, for categories marked serious
(drug trafficking, human trafficking, large frauds ...), an information copy to the province
police. Administrators edit the table in the admin.

Rules are tried in priority order. The first matching `primary` rule whose target unit exists
decides the responsible unit; every matching `information` rule adds a copy to a unit that is
not already on the tip. BLTTHS Art. 144: no tip may be refused, so when no primary rule
applies, the province police (or, failing that, the Ministry) receive it.

Each route carries a reason in plain Vietnamese naming the rule and the place, shown with the
tip ("Nơi xảy ra thuộc phường Hoàn Kiếm → Công an phường Hoàn Kiếm").

Every tip reads the table, and it changes a few times a year: each process keeps a copy
(`active_rules`). A rule saved or deleted (the admin, `save()`, `delete()`) drops the copy at
once and again when its transaction commits; a change that sends no signal (`update()` from a
shell, a data migration, another process) is picked up within RULES_MAX_AGE seconds.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext as _

from toandan.geo.models import AdminUnit
from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit
from toandan.tips.models import (
    Category,
    RouteRole,
    RoutingCondition,
    RoutingRule,
    RoutingTarget,
)

REASON_MAX = 300
# How long a process trusts its copy of the routing table when no signal said it changed.
RULES_MAX_AGE = 5.0


class RoutingError(RuntimeError):
    """Not even the Ministry's police unit exists: the organisation tree is not loaded."""


@dataclass(frozen=True)
class Route:
    org_unit: OrgUnit
    role: str  # RouteRole
    rule: RoutingRule | None
    reason: str


@dataclass(frozen=True)
class Routing:
    primary: Route
    information: tuple[Route, ...]

    @property
    def routes(self) -> tuple[Route, ...]:
        return (self.primary, *self.information)


def place_name(unit: AdminUnit) -> str:
    """ "phường Hoàn Kiếm", "thành phố Hà Nội", "đặc khu Côn Đảo": as it reads in a sentence."""
    unit_type = unit.unit_type.strip()
    if not unit_type:
        return unit.name
    return f"{unit_type.lower()} {unit.short_name}"


def police_units_of(admin_units: Iterable[AdminUnit], day: dt.date) -> dict[int, OrgUnit]:
    """The police unit attached to each commune or province, open on `day`, in one query:
    admin unit id -> unit (places without one are left out)."""
    units: dict[int, OrgUnit] = {}
    for unit in (
        OrgUnit.objects.filter(
            kind=OrgKind.POLICE, admin_unit__in=[place.pk for place in admin_units]
        )
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("depth", "pk")
    ):
        assert unit.admin_unit_id is not None
        units.setdefault(unit.admin_unit_id, unit)
    return units


def police_unit_of(admin_unit: AdminUnit, day: dt.date) -> OrgUnit | None:
    """The police unit attached to a commune or province, open on `day`."""
    return police_units_of([admin_unit], day).get(admin_unit.pk)


# --- The routing table, kept per process -------------------------------------------------------


class _ChangePending:
    """Registered with `on_commit` by a rule change: the copy is dropped again once the change
    is visible to everyone. Until then no copy is kept, so a copy read inside the changing
    transaction (or by another thread before it commits) never outlives it. A rolled-back
    transaction drops its callbacks, and with them this object (see `_pending`)."""

    def __call__(self) -> None:
        with _rules_lock:
            _pending.discard(self)
        forget_cached_rules()


# Weak: the only strong reference is the transaction's list of on_commit callbacks, so a
# rollback, which empties that list, also empties this set.
_pending: weakref.WeakSet[_ChangePending] = weakref.WeakSet()
_rules_lock = threading.Lock()
# (monotonic time read, rules), or None; `_generation` counts the changes seen, so a reader
# that started before a change never stores what it read.
_rules: tuple[float, tuple[RoutingRule, ...]] | None = None
_generation = 0


def forget_cached_rules() -> None:
    """Drop this process's copy of the routing table: the next tip reads it again."""
    global _rules, _generation  # noqa: PLW0603 - the per-process copy
    with _rules_lock:
        _rules = None
        _generation += 1


def active_rules() -> tuple[RoutingRule, ...]:
    """The active rules in priority order, from this process's copy when it is fresh. The
    instances are shared between threads: read them, never change them."""
    global _rules  # noqa: PLW0603 - the per-process copy
    now = time.monotonic()
    cached = _rules
    if cached is not None and now - cached[0] < RULES_MAX_AGE:
        return cached[1]
    generation = _generation
    rules = tuple(RoutingRule.objects.filter(active=True).order_by("priority", "pk"))
    with _rules_lock:
        if generation == _generation and not _pending:
            _rules = (now, rules)
    return rules


@receiver(post_save, sender=RoutingRule, dispatch_uid="tips.routing.rule_saved")
@receiver(post_delete, sender=RoutingRule, dispatch_uid="tips.routing.rule_deleted")
def _rule_changed(*, using: str = DEFAULT_DB_ALIAS, **_kwargs: Any) -> None:
    forget_cached_rules()
    if transaction.get_connection(using).in_atomic_block:
        marker = _ChangePending()
        with _rules_lock:
            _pending.add(marker)
        transaction.on_commit(marker, using=using)


def _matches(rule: RoutingRule, category: Category, commune: AdminUnit | None) -> bool:
    if rule.category_id is not None and rule.category_id != category.pk:
        return False
    if rule.only_serious and not category.is_serious:
        return False
    if rule.condition == RoutingCondition.COMMUNE_KNOWN:
        return commune is not None
    if rule.condition == RoutingCondition.COMMUNE_UNKNOWN:
        return commune is None
    return rule.condition == RoutingCondition.ALWAYS


def _clip(text: str) -> str:
    return text if len(text) <= REASON_MAX else text[: REASON_MAX - 1] + "…"


def _reason(
    rule: RoutingRule | None,
    *,
    target: str,
    role: str,
    unit: OrgUnit,
    category: Category,
    province: AdminUnit,
    commune: AdminUnit | None,
) -> str:
    if target == RoutingTarget.COMMUNE_POLICE and commune is not None:
        detail = _("The place of the events is in %(place)s → %(unit)s") % {
            "place": place_name(commune),
            "unit": unit.name,
        }
    elif role == RouteRole.INFORMATION and category.is_serious:
        detail = _("“%(category)s” is a serious category → information copy to %(unit)s") % {
            "category": category.name_vi,
            "unit": unit.name,
        }
    elif commune is None:
        detail = _("The commune is not known; the place is in %(place)s → %(unit)s") % {
            "place": place_name(province),
            "unit": unit.name,
        }
    else:
        detail = _("The place of the events is in %(place)s → %(unit)s") % {
            "place": f"{place_name(commune)}, {place_name(province)}",
            "unit": unit.name,
        }
    if rule is None:
        return _clip(
            _("No routing rule applies; no tip may be refused (BLTTHS Art. 144): %(detail)s")
            % {"detail": detail}
        )
    return _clip(_("%(detail)s (rule “%(rule)s”)") % {"detail": detail, "rule": rule.name})


def route_tip(
    *, category: Category, province: AdminUnit, commune: AdminUnit | None, day: dt.date
) -> Routing:
    """The units that receive a tip, each with the rule that sent it there and why.

    Reasons are written in Vietnamese whatever the sender's language: they are stored with the
    tip and read by officers.
    """
    with translation.override("vi"):
        return _route(category=category, province=province, commune=commune, day=day)


def _route(
    *, category: Category, province: AdminUnit, commune: AdminUnit | None, day: dt.date
) -> Routing:
    # Both units in one query: the province police are needed for the fallback and for
    # information copies, often enough that asking for them each time is the cheaper plan.
    police = police_units_of([province] if commune is None else [commune, province], day)

    def unit_for(target: str) -> OrgUnit | None:
        if target == RoutingTarget.COMMUNE_POLICE:
            return police.get(commune.pk) if commune is not None else None
        return police.get(province.pk)

    primary: Route | None = None
    information: list[Route] = []
    for rule in active_rules():
        if not _matches(rule, category, commune):
            continue
        if rule.role == RouteRole.PRIMARY and primary is not None:
            continue
        unit = unit_for(rule.target)
        if unit is None:
            continue
        reason = _reason(
            rule,
            target=rule.target,
            role=rule.role,
            unit=unit,
            category=category,
            province=province,
            commune=commune,
        )
        route = Route(org_unit=unit, role=rule.role, rule=rule, reason=reason)
        if rule.role == RouteRole.PRIMARY:
            primary = route
        else:
            information.append(route)

    if primary is None:
        primary = _fallback(category, province, commune, police.get(province.pk))
    # One copy per unit, and none to the unit that is already responsible: the province copy
    # of a serious tip is skipped when the province police are the primary unit already.
    seen = {primary.org_unit.pk}
    kept: list[Route] = []
    for route in information:
        if route.org_unit.pk not in seen:
            seen.add(route.org_unit.pk)
            kept.append(route)
    return Routing(primary=primary, information=tuple(kept))


def _fallback(
    category: Category,
    province: AdminUnit,
    commune: AdminUnit | None,
    unit: OrgUnit | None,
) -> Route:
    if unit is None:
        unit = (
            OrgUnit.objects.filter(kind=OrgKind.POLICE, level=OrgLevel.CENTRAL)
            .order_by("pk")
            .first()
        )
    if unit is None:
        msg = "no police unit can receive the tip: load the geography (`toandan load-geo`)"
        raise RoutingError(msg)
    reason = _reason(
        None,
        target=RoutingTarget.PROVINCE_POLICE,
        role=RouteRole.PRIMARY,
        unit=unit,
        category=category,
        province=province,
        commune=commune,
    )
    return Route(org_unit=unit, role=RouteRole.PRIMARY, rule=None, reason=reason)
