"""Periodic reports (who may enter, approve or read one: `toandan.stats.policies`): the
reports of the units below and above, the reports awaiting a user's approval, and coverage
within a user's jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from toandan.accounts.selectors import active_role_assignments, user_jurisdiction
from toandan.geo.models import AdminUnit
from toandan.orgs.models import OrgUnit
from toandan.stats.models import (
    DataSet,
    Report,
    ReportStatus,
)
from toandan.stats.periods import (
    Period,
)
from toandan.stats.policies import (
    APPROVE_ROLES,
    ENTRY_ROLES,
    REPORT_ROLES,
    may_read_report,
)
from toandan.stats.selectors.coverage import Coverage, coverage, expected_units, level_rank
from toandan.stats.selectors.rollup import (
    STATS_READ_ROLES,
    AnyUser,
    StatsAccessError,
    StatsNotFoundError,
    dataset_get,
    datasets_active,
)


def default_coverage_unit(user: AnyUser, dataset: DataSet) -> OrgUnit | None:
    """Where coverage starts for this user: their own unit of the data set's kind (the highest
    one), or the central unit of that kind for a national jurisdiction, or else, for readers
    of another organisation (a police leader reading the Women's Union's reports), the data
    set's unit of their own place (PN-01 for the Hà Nội police)."""
    assignments = list(
        active_role_assignments(user, STATS_READ_ROLES | REPORT_ROLES).order_by("org_unit__depth")
    )
    for assignment in assignments:
        if assignment.org_unit.kind == dataset.org_kind:
            return assignment.org_unit
    if user_jurisdiction(user, STATS_READ_ROLES | REPORT_ROLES).all_admin_units:
        return coverage_unit_of_place(dataset, None)
    for assignment in assignments:
        counterpart = coverage_unit_of_place(dataset, assignment.org_unit.admin_unit_id)
        if counterpart is not None and may_read_report(user, counterpart):
            return counterpart
    return None


def coverage_unit_of_place(dataset: DataSet, admin_unit_id: int | None) -> OrgUnit | None:
    """The highest unit of the data set's kind at an administrative unit (the central unit for
    None, the whole country)."""
    units = OrgUnit.objects.select_related("admin_unit").filter(kind=dataset.org_kind)
    if admin_unit_id is None:
        return units.filter(parent__isnull=True).order_by("code").first()
    return units.filter(admin_unit_id=admin_unit_id).order_by("depth", "code").first()


def report_units_of_user(user: AnyUser, dataset: DataSet) -> list[OrgUnit]:
    """The units where the user holds an entry role and that report this data set."""
    roles = ENTRY_ROLES.get(dataset.org_kind, frozenset())
    units = []
    for assignment in active_role_assignments(user, roles):
        org_unit = assignment.org_unit
        if org_unit.kind == dataset.org_kind and org_unit.level in dataset.levels:
            units.append(org_unit)
    return list({u.pk: u for u in units}.values())


def approver_units_of_user(user: AnyUser, dataset: DataSet) -> list[OrgUnit]:
    roles = APPROVE_ROLES.get(dataset.org_kind, frozenset())
    units = [
        a.org_unit
        for a in active_role_assignments(user, roles)
        if a.org_unit.kind == dataset.org_kind
    ]
    return list({u.pk: u for u in units}.values())


def report_get(dataset: DataSet, unit: OrgUnit, period_id: str) -> Report | None:
    return (
        Report.objects.filter(dataset=dataset, org_unit=unit, period_id=period_id)
        .select_related("submitted_by", "approved_by")
        .first()
    )


def report_values(report: Report | None) -> dict[str, Decimal]:
    if report is None:
        return {}
    return dict(report.values.values_list("indicator__code", "value"))


@dataclass(frozen=True)
class ChildStatus:
    unit: OrgUnit
    report: Report | None

    @property
    def status(self) -> str:
        return self.report.status if self.report else ""


def report_children(dataset: DataSet, unit: OrgUnit, period: Period) -> list[ChildStatus]:
    """The reports approved before this unit's: those of the expected units at the highest
    data-set level below the unit, in its subtree."""
    below = [level for level in dataset.levels if level_rank(level) > level_rank(unit.level)]
    if not below:
        return []
    next_level = min(below, key=level_rank)
    units = list(
        expected_units(dataset, period, under=unit, levels=[next_level]).exclude(pk=unit.pk)
    )
    reports = {
        r.org_unit_id: r
        for r in Report.objects.filter(
            dataset=dataset, period_id=period.id, org_unit__in=[u.pk for u in units]
        )
    }
    return [ChildStatus(unit=u, report=reports.get(u.pk)) for u in units]


def report_parent(dataset: DataSet, unit: OrgUnit, period: Period) -> Report | None:
    """The report of the nearest unit above that reports this data set (its approval locks
    the reports below)."""
    above = [level for level in dataset.levels if level_rank(level) < level_rank(unit.level)]
    if not above:
        return None
    ancestor_ids = [int(part) for part in unit.path.strip("/").split("/") if part][:-1]
    candidates = (
        Report.objects.filter(dataset=dataset, period_id=period.id, org_unit_id__in=ancestor_ids)
        .select_related("org_unit")
        .order_by("-org_unit__depth")
    )
    return candidates.first()


def reports_awaiting_approval(user: AnyUser, dataset: DataSet | None = None) -> list[Report]:
    """Submitted reports the user may approve or return, oldest first."""
    result: list[Report] = []
    datasets = [dataset] if dataset is not None else list(datasets_active())
    for each in datasets:
        for above in approver_units_of_user(user, each):
            queryset = Report.objects.filter(
                dataset=each,
                status=ReportStatus.SUBMITTED,
                org_unit__path__startswith=above.path,
            ).select_related("org_unit", "dataset")
            if above.parent_id is not None:
                queryset = queryset.exclude(org_unit=above)
            result.extend(queryset)
    unique = {r.pk: r for r in result}
    return sorted(unique.values(), key=lambda r: (r.last_submitted_at or r.created_at, r.pk))


def org_unit_by_code(code: str) -> OrgUnit | None:
    return OrgUnit.objects.select_related("admin_unit").filter(code=code).first()


def admin_unit_name(admin_unit_id: int | None) -> str:
    if admin_unit_id is None:
        return ""
    return AdminUnit.objects.filter(pk=admin_unit_id).values_list("name", flat=True).first() or ""


# --- Coverage for a user (pages, API, exports) --------------------------------------------------


def coverage_for_user(
    user: AnyUser, *, dataset: str, period: Period | str, unit: str = "", level: str = ""
) -> Coverage:
    """`coverage` from the strings of a query, within the user's jurisdiction. `unit` is an
    organisation unit code (PN-TW, PN-01…), by default the user's own. Raises
    StatsNotFoundError for an unknown data set or unit, StatsAccessError for a unit outside the
    jurisdiction, StatsQueryError for a bad period or level."""
    found = dataset_get(dataset)
    if found is None:
        raise StatsNotFoundError(_("Unknown data set."), field="dataset")
    org_unit = org_unit_by_code(unit) if unit else default_coverage_unit(user, found)
    if org_unit is None:
        raise StatsNotFoundError(_("Unknown unit."), field="unit")
    if not may_read_report(user, org_unit):
        raise StatsAccessError
    return coverage(found, period, unit=org_unit, level=level or None)
