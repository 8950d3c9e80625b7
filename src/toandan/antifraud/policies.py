"""Who may do what in antifraud.

- An officer who may open a fraud tip confirms its identifiers (checked by
  `toandan.tips.interface.fraud`).
- A second police officer verifies: one whose jurisdiction covers the unit of one of the
  indicator's reports (the tip's unit or the province above it) and who confirmed none of them.
- The police over a report's unit delist, reject, relist and decide appeals; imported
  indicators (no report) are delisted by a police leader.
- The system (no user) expires and reopens.
"""

from __future__ import annotations

from typing import Any

from toandan.accounts.models import POLICE_ROLES, Role
from toandan.accounts.selectors import user_has_any_role, user_jurisdiction
from toandan.antifraud.models import Appeal, Indicator


def _covers_a_report(user: Any, indicator: Indicator) -> bool:
    reach = user_jurisdiction(user, POLICE_ROLES)
    if reach.is_empty:
        return False
    paths = indicator.reports.values_list("unit__path", flat=True)
    return any(reach.covers_org_path(path) for path in paths)


def may_confirm(user: Any, indicator: Indicator | None) -> bool:
    """Creating an indicator from a tip: the tips interface already checked the tip."""
    return bool(user is not None and user_has_any_role(user, POLICE_ROLES))


def may_verify(user: Any, indicator: Indicator) -> bool:
    if user is None or not _covers_a_report(user, indicator):
        return False
    return not indicator.reports.filter(confirmed_by=user).exists()


def may_manage(user: Any, indicator: Indicator) -> bool:
    if user is None:
        return False
    if not indicator.reports.exists():
        return user_has_any_role(user, {Role.POLICE_LEADER.value})
    return _covers_a_report(user, indicator)


def may_decide_appeal(user: Any, appeal: Appeal) -> bool:
    return may_manage(user, appeal.indicator)


def is_system(user: Any, obj: Any) -> bool:
    return user is None
