"""Who may do what with statistics reports (`may_<verb>(user, obj) -> bool`), in one place.

The report's state machine (`toandan.stats.services.REPORT_MACHINE`) names `may_enter_report`
and `may_approve_report` as its policies. Each rule asks accounts (the user's jurisdiction
for the roles, their role assignments).
"""

from __future__ import annotations

from dataclasses import dataclass

from toandan.accounts.models import Role
from toandan.accounts.selectors import (
    active_role_assignments,
    can_access_org_unit,
    user_jurisdiction,
)
from toandan.orgs.models import OrgKind, OrgUnit
from toandan.stats import geography as geo
from toandan.stats.models import DataSet, Report
from toandan.stats.selectors.rollup import STATS_READ_ROLES, AnyUser, place_visible
from toandan.workflow.machine import NEW

# Who enters and submits a unit's reports, and who approves them, by kind of unit.
ENTRY_ROLES: dict[str, frozenset[str]] = {
    OrgKind.WOMENS_UNION: frozenset({Role.UNION_CADRE.value, Role.UNION_LEADER.value}),
    OrgKind.POLICE: frozenset({Role.POLICE_OFFICER.value, Role.POLICE_LEADER.value}),
}
APPROVE_ROLES: dict[str, frozenset[str]] = {
    OrgKind.WOMENS_UNION: frozenset({Role.UNION_LEADER.value}),
    OrgKind.POLICE: frozenset({Role.POLICE_LEADER.value}),
}
REPORT_ROLES = frozenset().union(*ENTRY_ROLES.values(), *APPROVE_ROLES.values())


def may_enter_report(user: AnyUser, dataset: DataSet, unit: OrgUnit) -> bool:
    """Cadres and officers (and leaders) of the unit, or of a unit above it, enter and submit
    its report."""
    roles = ENTRY_ROLES.get(unit.kind)
    if not roles or unit.kind != dataset.org_kind or unit.level not in dataset.levels:
        return False
    return can_access_org_unit(user, unit, roles)


def may_approve_report(user: AnyUser, dataset: DataSet, unit: OrgUnit) -> bool:
    """Leaders of a unit above approve or return a report (a root unit's own leader for a root
    unit's report)."""
    roles = APPROVE_ROLES.get(unit.kind)
    if not roles or unit.kind != dataset.org_kind:
        return False
    for assignment in active_role_assignments(user, roles):
        above = assignment.org_unit
        if unit.path.startswith(above.path) and (above.pk != unit.pk or unit.parent_id is None):
            return True
    return False


def may_read_report(user: AnyUser, unit: OrgUnit) -> bool:
    """Whoever may enter or approve it, and statistics readers whose jurisdiction covers the
    unit (or, for a unit closed by the 2025 reform, its place today)."""
    reach = user_jurisdiction(user, STATS_READ_ROLES | REPORT_ROLES)
    if reach.covers_org_path(unit.path):
        return True
    if unit.admin_unit is None:
        return reach.all_admin_units
    return place_visible(user, geo.place_of(unit.admin_unit))


@dataclass(frozen=True)
class ReportSubject:
    """What the report machine's policies and states look at: a unit's report of a data set for
    one period, which may not exist yet (`report` None: the state is `NEW`)."""

    dataset: DataSet
    unit: OrgUnit
    report: Report | None = None

    @property
    def status(self) -> str:
        return self.report.status if self.report is not None else NEW


def may_enter_subject(user: AnyUser, subject: ReportSubject) -> bool:
    return may_enter_report(user, subject.dataset, subject.unit)


def may_approve_subject(user: AnyUser, subject: ReportSubject) -> bool:
    return may_approve_report(user, subject.dataset, subject.unit)
