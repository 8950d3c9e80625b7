"""Who may do what in awards. Jurisdiction is the organisation tree: a role held in a unit
reaches its subtree (`toandan.accounts.selectors.user_jurisdiction`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toandan.accounts.models import Role
from toandan.accounts.selectors import user_jurisdiction, user_roles

if TYPE_CHECKING:
    from toandan.awards.models import Campaign, Nomination
    from toandan.orgs.models import OrgUnit

NOMINATOR_ROLES = frozenset({Role.UNION_CADRE, Role.UNION_LEADER, Role.POLICE_LEADER})
PROVINCE_ROLES = frozenset({Role.UNION_LEADER, Role.POLICE_LEADER})
ORGANISER_ROLES = frozenset({Role.CAMPAIGN_ORGANISER, Role.SYSTEM_ADMIN})
STAFF_ROLES = NOMINATOR_ROLES | ORGANISER_ROLES | {Role.REVIEWER}


def _covers(user: Any, unit: OrgUnit, roles: frozenset[str]) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user_jurisdiction(user, roles).covers_org_path(unit.path)


def may_nominate(user: Any, unit: OrgUnit) -> bool:
    """A commune or branch union (its cadre or leader), or a police leader for a tipster."""
    return _covers(user, unit, NOMINATOR_ROLES)


def may_file(user: Any, nomination: Nomination | None) -> bool:
    return nomination is not None and may_nominate(user, nomination.unit)


def may_consolidate(user: Any, nomination: Nomination | None) -> bool:
    """The province level: its union leader (or police leader) ranks, forwards or returns."""
    return nomination is not None and _covers(user, nomination.province_unit, PROVINCE_ROLES)


def may_organise(user: Any, campaign: Campaign | None) -> bool:
    """A campaign organiser in (or above) one of the campaign's organising units."""
    if campaign is None or not getattr(user, "is_authenticated", False):
        return False
    reach = user_jurisdiction(user, ORGANISER_ROLES)
    return any(reach.covers_org_path(unit.path) for unit in campaign.organisers.all())


def may_decide(user: Any, nomination: Nomination | None) -> bool:
    return nomination is not None and may_organise(user, nomination.campaign)


def is_council_member(user: Any, campaign: Campaign) -> bool:
    if not getattr(user, "is_authenticated", False) or Role.REVIEWER not in user_roles(user):
        return False
    council = getattr(campaign, "council", None)
    return council is not None and council.members.filter(user=user).exists()


def may_view_nomination(user: Any, nomination: Nomination) -> bool:
    return (
        may_file(user, nomination)
        or may_consolidate(user, nomination)
        or may_organise(user, nomination.campaign)
        or (
            nomination.status not in {"draft", "submitted", "returned"}
            and is_council_member(user, nomination.campaign)
        )
    )


def may_freeze(user: Any, nomination: Nomination | None) -> bool:
    return nomination is not None and (
        may_consolidate(user, nomination) or may_organise(user, nomination.campaign)
    )
