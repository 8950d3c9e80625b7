"""Who may do what with staff and units (`may_<verb>(user, obj) -> bool`).

Rules that name a role at a unit live here rather than in orgs: orgs sits below accounts and
knows units, not people. The tree's own half of a rule stays in orgs
(`org_unit_takes_branches`); the half about people is here.
"""

from __future__ import annotations

from toandan.accounts.models import UNION_ROLES
from toandan.accounts.selectors import AnyUser, can_access_org_unit
from toandan.orgs.models import OrgUnit
from toandan.orgs.selectors import org_unit_takes_branches


def may_see_unit(user: AnyUser, unit: OrgUnit) -> bool:
    """Any role in the unit or above it (its subtree is in the user's jurisdiction)."""
    return can_access_org_unit(user, unit)


def may_create_branch(user: AnyUser, parent: OrgUnit) -> bool:
    """Cadres and leaders of the commune Women's Union, or of a Union above it."""
    return org_unit_takes_branches(parent) and can_access_org_unit(user, parent, UNION_ROLES)
