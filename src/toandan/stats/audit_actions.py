"""The audit actions of stats: report transitions, admin edits of indicators and data sets,
demo and synthetic loads, summary rebuilds.

Values are the strings stored in the audit chain: never change one (see toandan.audit.actions).
"""

from __future__ import annotations

from enum import StrEnum

from toandan.audit.actions import register_actions


class StatsAction(StrEnum):
    REPORT_SAVE = "stats.report.save"
    REPORT_SUBMIT = "stats.report.submit"
    REPORT_APPROVE = "stats.report.approve"
    REPORT_RETURN = "stats.report.return"
    REPORT_CORRECT = "stats.report.correct"
    INDICATOR_CREATE = "stats.indicator.create"
    INDICATOR_CHANGE = "stats.indicator.change"
    INDICATOR_DELETE = "stats.indicator.delete"
    DATASET_CREATE = "stats.dataset.create"
    DATASET_CHANGE = "stats.dataset.change"
    DATASET_DELETE = "stats.dataset.delete"
    DEMO_LOAD = "stats.demo.load"
    SYNTHETIC_REPORTS = "stats.synthetic.reports"
    SUMMARY_REBUILD = "stats.summary.rebuild"


register_actions("stats", StatsAction)

# A report transition (`REPORT_TRANSITIONS`' keys) and its action.
REPORT_ACTIONS: dict[str, StatsAction] = {
    "save": StatsAction.REPORT_SAVE,
    "submit": StatsAction.REPORT_SUBMIT,
    "approve": StatsAction.REPORT_APPROVE,
    "return": StatsAction.REPORT_RETURN,
    "correct": StatsAction.REPORT_CORRECT,
}
