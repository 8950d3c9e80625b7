"""Who may do what with a tip (`may_<verb>(user, obj) -> bool`), in one place.

Two role sets, on purpose:
- handling a tip is police work: officers and leaders (`POLICE_ROLES`) of the unit that has
  the tip, or of a unit above it;
- seeing who sent a tip is narrower: police leaders and designated identity custodians
  (`REVEAL_ROLES`), and only through the reveal procedure (`toandan.tips.reveal`).

Every rule asks accounts (`can_access_org_unit`: the user's jurisdiction for those roles
covers the unit; `active_role_assignments`). The state machine (`timeline.TIP_MACHINE`) names
the handling rules as its policies.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from toandan.accounts.models import POLICE_ROLES, REVEAL_ROLES
from toandan.accounts.selectors import (
    active_role_assignments,
    can_access_org_unit,
    user_jurisdiction,
)
from toandan.orgs.models import OrgUnit
from toandan.tips.models import ContactReveal, RevealStatus, Tip, TipRoute

AnyUser = AbstractBaseUser | AnonymousUser


# --- Reading ------------------------------------------------------------------------------------


def active_routes(tip: Tip) -> list[TipRoute]:
    """The units the tip is routed to now (its handling unit and the information copies)."""
    cache = getattr(tip, "_prefetched_objects_cache", {})
    if "routes" in cache:
        return [r for r in tip.routes.all() if r.active]
    return list(tip.routes.filter(active=True).select_related("org_unit"))


def may_open_tip(user: AnyUser, tip: Tip) -> bool:
    """A police role (officer or leader) over one of the units the tip is routed to, or over
    the unit it was forwarded to. Union cadres never read a tip's content, whatever their area:
    they hold no police role."""
    reach = user_jurisdiction(user, POLICE_ROLES)
    if reach.is_empty:
        return False
    # The unit a tip was forwarded to reads it before accepting it or sending it back.
    if tip.pending_unit is not None and reach.covers_org_path(tip.pending_unit.path):
        return True
    return any(reach.covers_org_path(route.org_unit.path) for route in active_routes(tip))


# --- Handling ----------------------------------------------------------------------------------


def may_act_in_unit(user: AnyUser, unit: OrgUnit | None) -> bool:
    """The user's police jurisdiction covers `unit` (a re-routing target, a merge target)."""
    return unit is not None and can_access_org_unit(user, unit, POLICE_ROLES)


def may_handle(user: AnyUser, tip: Tip) -> bool:
    """The user's police jurisdiction covers the unit handling the tip or the unit it was
    forwarded to (holders of an information copy only read)."""
    return may_act_in_unit(user, tip.responsible_unit) or may_act_in_unit(user, tip.pending_unit)


def may_act_for_responsible_unit(user: AnyUser, tip: Tip) -> bool:
    """Most steps: the unit that has the tip (or a unit above it)."""
    return may_act_in_unit(user, tip.responsible_unit)


def may_act_for_pending_unit(user: AnyUser, tip: Tip) -> bool:
    """Accepting or sending back a forwarded tip: the unit it was forwarded to."""
    return may_act_in_unit(user, tip.pending_unit)


def may_reroute(user: AnyUser, tip: Tip) -> bool:
    """Correcting a misrouted tip is for a unit above the one that has it (the province)."""
    unit = tip.responsible_unit
    if unit is None:
        return False
    for assignment in active_role_assignments(user, POLICE_ROLES).select_related("org_unit"):
        above = assignment.org_unit
        if unit.path.startswith(above.path) and unit.pk != above.pk:
            return True
    return False


# --- Revealing who sent a tip ----------------------------------------------------------------


def may_reveal_in_unit(user: AnyUser, unit: OrgUnit | None) -> bool:
    """The user holds a reveal role over `unit`."""
    return unit is not None and can_access_org_unit(user, unit, REVEAL_ROLES)


def may_request_reveal(user: AnyUser, tip: Tip) -> bool:
    """A police leader or identity custodian whose jurisdiction covers the tip, when the
    tipster left contact details."""
    return bool(tip.has_contact) and may_reveal_in_unit(user, tip.responsible_unit)


def may_see_reveal(user: AnyUser, reveal: ContactReveal) -> bool:
    """The requester, or anyone with a reveal role over its unit."""
    if user.is_authenticated and reveal.requested_by_id == user.pk:
        return True
    return may_reveal_in_unit(user, reveal.unit)


def may_decide_reveal(user: AnyUser, reveal: ContactReveal) -> bool:
    """A pending request may be decided by another officer with a reveal role over its unit."""
    return (
        reveal.status == RevealStatus.PENDING
        and user.is_authenticated
        and reveal.requested_by_id != user.pk
        and may_reveal_in_unit(user, reveal.unit)
    )


def may_read_reveal(
    user: AnyUser, reveal: ContactReveal, *, now: dt.datetime | None = None
) -> bool:
    """The requester, while the approval is valid (the page shows the button only then)."""
    now = now or timezone.now()
    return (
        user.is_authenticated
        and reveal.requested_by_id == user.pk
        and reveal.status == RevealStatus.APPROVED
        and reveal.valid_until is not None
        and now < reveal.valid_until
        and may_reveal_in_unit(user, reveal.unit)
    )
