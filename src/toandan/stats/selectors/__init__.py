"""Reads of statistics, one module per topic:

- `rollup`: `rollup(...) -> Table` along period, place and the sources' own dimensions
  (category and channel are the tips source's), the readers' jurisdiction over places, errors;
- `org_rollup`: the same along the Women's Union organisation tree;
- `query`: `stats_query(user, ...)`, either roll-up from the strings of a query string;
- `coverage`: who reported a data set (`coverage`, `coverage_sentence`, `place_coverage`);
- `reports`: who may enter, approve or read a report; coverage within a user's jurisdiction;
- `summary`: the figures of the summary paragraph (`summary_figures`);
- `dashboard`: a place's dashboard (`dashboard`).

The names the rest of toandan uses are re-exported here: `from toandan.stats.selectors import
rollup` keeps working. Statistics read the summary tables and report values only, never a
tip's content.
"""

from __future__ import annotations

from toandan.stats.policies import APPROVE_ROLES, ENTRY_ROLES, REPORT_ROLES
from toandan.stats.selectors.coverage import (
    LEVEL_ORDER,
    Coverage,
    CoveragePart,
    CoverageRow,
    PlaceCoverage,
    coverage,
    coverage_as_dict,
    coverage_sentence,
    dataset_period,
    dataset_periods,
    default_coverage_level,
    due_at,
    expected_units,
    place_coverage,
    recent_periods,
    years_label,
)
from toandan.stats.selectors.dashboard import (
    DASHBOARD_TIPS,
    DASHBOARD_TOTALS,
    Dashboard,
    TipRow,
    dashboard,
    default_interval,
    tip_rows,
)
from toandan.stats.selectors.org_rollup import ORG_LEVEL, org_parent_place, org_rollup
from toandan.stats.selectors.query import stats_query
from toandan.stats.selectors.reports import (
    ChildStatus,
    admin_unit_name,
    approver_units_of_user,
    coverage_for_user,
    coverage_unit_of_place,
    default_coverage_unit,
    org_unit_by_code,
    report_children,
    report_get,
    report_parent,
    report_units_of_user,
    report_values,
    reports_awaiting_approval,
)
from toandan.stats.selectors.rollup import (
    INTERVALS,
    STATS_READ_ROLES,
    AnyUser,
    StatsAccessError,
    StatsNotFoundError,
    StatsQueryError,
    dataset_get,
    datasets_active,
    default_place,
    fetch_reported,
    indicators_listed,
    parse_query_period,
    place_for_user,
    place_visible,
    rollup,
)
from toandan.stats.selectors.summary import (
    REPORTED_VALUABLE,
    TIPS_RECEIVED,
    TIPS_VALUABLE,
    running_name,
    summary_dataset,
    summary_figures,
    summary_from,
    with_contributions,
)

__all__ = [
    "APPROVE_ROLES",
    "DASHBOARD_TIPS",
    "DASHBOARD_TOTALS",
    "ENTRY_ROLES",
    "INTERVALS",
    "LEVEL_ORDER",
    "ORG_LEVEL",
    "REPORTED_VALUABLE",
    "REPORT_ROLES",
    "STATS_READ_ROLES",
    "TIPS_RECEIVED",
    "TIPS_VALUABLE",
    "AnyUser",
    "ChildStatus",
    "Coverage",
    "CoveragePart",
    "CoverageRow",
    "Dashboard",
    "PlaceCoverage",
    "StatsAccessError",
    "StatsNotFoundError",
    "StatsQueryError",
    "TipRow",
    "admin_unit_name",
    "approver_units_of_user",
    "coverage",
    "coverage_as_dict",
    "coverage_for_user",
    "coverage_sentence",
    "coverage_unit_of_place",
    "dashboard",
    "dataset_get",
    "dataset_period",
    "dataset_periods",
    "datasets_active",
    "default_coverage_level",
    "default_coverage_unit",
    "default_interval",
    "default_place",
    "due_at",
    "expected_units",
    "fetch_reported",
    "indicators_listed",
    "org_parent_place",
    "org_rollup",
    "org_unit_by_code",
    "parse_query_period",
    "place_coverage",
    "place_for_user",
    "place_visible",
    "recent_periods",
    "report_children",
    "report_get",
    "report_parent",
    "report_units_of_user",
    "report_values",
    "reports_awaiting_approval",
    "rollup",
    "running_name",
    "stats_query",
    "summary_dataset",
    "summary_figures",
    "summary_from",
    "tip_rows",
    "with_contributions",
    "years_label",
]
