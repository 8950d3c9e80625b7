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

Every tip reads the table and the police units, which change a few times a year: each process
keeps a copy of both (`core.process_cache.ProcessCache`: a save in the admin applies at once,
other changes within seconds).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from toandan.core.process_cache import ProcessCache
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


def _load_police_units(admin_unit_id: int) -> tuple[OrgUnit, ...]:
    return tuple(
        OrgUnit.objects.filter(kind=OrgKind.POLICE, admin_unit_id=admin_unit_id).order_by(
            "depth", "pk"
        )
    )


# Police units attached to a commune or province, open or closed: the day is checked per tip.
_police_units: ProcessCache[int, tuple[OrgUnit, ...]] = ProcessCache(
    "tips.police_units", _load_police_units, senders=[OrgUnit]
)


def police_unit_of(admin_unit: AdminUnit, day: dt.date) -> OrgUnit | None:
    """The police unit attached to a commune or province, open on `day`."""
    for unit in _police_units.get(admin_unit.pk) or ():
        if unit.is_valid_on(day):
            return unit
    return None


def _load_rules(_key: None) -> tuple[RoutingRule, ...]:
    return tuple(RoutingRule.objects.filter(active=True).order_by("priority", "pk"))


_rules: ProcessCache[None, tuple[RoutingRule, ...]] = ProcessCache(
    "tips.routing_rules", _load_rules, senders=[RoutingRule]
)


def active_rules() -> tuple[RoutingRule, ...]:
    """The active rules, in the order they are tried."""
    return _rules.get(None) or ()


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
    def unit_for(target: str) -> OrgUnit | None:
        if target == RoutingTarget.COMMUNE_POLICE:
            return police_unit_of(commune, day) if commune is not None else None
        return police_unit_of(province, day)

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
        primary = _fallback(category, province, commune, police_unit_of(province, day))
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


def received_directly(routing: Routing, *, unit: OrgUnit, channel_label: str) -> Routing:
    """A tip an officer took by phone, in person or by mail: the officer's own unit received
    it, so it goes in that unit's intake register and that unit is responsible until it
    forwards the tip (BLTTHS Art. 146). The unit the rules chose for the place keeps an
    information copy, so it knows at once.
    """
    if unit.pk == routing.primary.org_unit.pk:
        return routing
    with translation.override("vi"):
        reason = _clip(
            _(
                "Received directly by %(unit)s (%(channel)s); to be forwarded to the "
                "competent unit (BLTTHS Art. 146)"
            )
            % {"unit": unit.name, "channel": channel_label}
        )
    primary = Route(org_unit=unit, role=RouteRole.PRIMARY, rule=None, reason=reason)
    copies = [
        Route(
            org_unit=route.org_unit,
            role=RouteRole.INFORMATION,
            rule=route.rule,
            reason=route.reason,
        )
        for route in routing.routes
        if route.org_unit.pk != unit.pk
    ]
    return Routing(primary=primary, information=tuple(copies))
