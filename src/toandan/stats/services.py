"""Writes of statistics: periodic reports and their approval up the tree.

The state machine of a report, in one place (`REPORT_MACHINE`), walked by a test:

    (none) ─save─▶ draft ─save─▶ draft
    (none) / draft / returned ─submit─▶ submitted
    submitted ─approve─▶ approved          (a leader above; all reports below approved first)
    submitted / approved ─return─▶ returned  (a leader above, with a reason; an approved report
                                              only while the report above it is not approved)
    returned ─save─▶ returned ─submit─▶ submitted
    approved ─correct─▶ approved           (a leader above, with a reason: audited)

Approval locks the figures: only `correct` changes an approved report, and it must say why.
Every action writes its audit event in the same transaction, and the report's values count in
statistics (`ReportValue.counted`) from submission until a return, also in that transaction:
a roll-up never lags behind a report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from toandan.audit.services import audit_record
from toandan.orgs.models import OrgUnit
from toandan.stats.audit_actions import REPORT_ACTIONS
from toandan.stats.models import (
    COUNTED_STATUSES,
    Comparison,
    DataElement,
    DataSet,
    Report,
    ReportStatus,
    ReportValue,
    ValueType,
)
from toandan.stats.periods import Period
from toandan.stats.policies import ReportSubject, may_approve_subject, may_enter_subject
from toandan.stats.selectors import (
    StatsQueryError,
    dataset_period,
    expected_units,
    report_children,
    report_parent,
)
from toandan.workflow.machine import NEW, Machine, Transition

AnyUser = AbstractBaseUser | AnonymousUser
REASON_MAX = 2000
VALUE_MAX = Decimal("1000000000000000")

S = ReportStatus


# The report's state machine, declared on the shared workflow helper (its declaration, its
# policies and `edges()`); `report_act` takes the steps, because a step also creates the report
# (a new one is saved as a draft: `save` from NEW keeps no state of its own), writes its
# figures and counts them in statistics. `by`: "enter", the unit's own staff (or above);
# "approve", a leader above.
REPORT_MACHINE = Machine(
    "stats.report",
    states=ReportStatus,
    policies={"enter": may_enter_subject, "approve": may_approve_subject},
    transitions=[
        Transition("save", sources=[NEW, S.DRAFT, S.RETURNED], target=None, by="enter"),
        Transition("submit", sources=[NEW, S.DRAFT, S.RETURNED], target=S.SUBMITTED, by="enter"),
        Transition("approve", sources=[S.SUBMITTED], target=S.APPROVED, by="approve"),
        Transition("return", sources=[S.SUBMITTED, S.APPROVED], target=S.RETURNED, by="approve"),
        Transition("correct", sources=[S.APPROVED], target=None, by="approve"),
    ],
)
# The transitions by action (what the views and the tests look up).
REPORT_TRANSITIONS: dict[str, Transition] = {t.action: t for t in REPORT_MACHINE.transitions}


class ReportRefusedError(Exception):
    """The action is not possible now; `message` says why, `errors` maps figure codes (or
    "reason", "period") to what is wrong with them."""

    def __init__(self, message: str, *, errors: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = dict(errors or {})


class ReportAccessError(Exception):
    """The user may not take this action on this unit's report."""


def action_label(action: str) -> str:
    labels = {
        "save": _("Save draft"),
        "submit": _("Submit"),
        "approve": _("Approve"),
        "return": _("Return for correction"),
        "correct": _("Correct the approved figures"),
    }
    return labels[action]


def allowed_report_actions(
    user: AnyUser, dataset: DataSet, unit: OrgUnit, report: Report | None
) -> list[str]:
    """The actions to offer this user on this report now (the service still checks each)."""
    subject = ReportSubject(dataset, unit, report)
    return [transition.action for transition in REPORT_MACHINE.available(user, subject)]


# --- Checks -----------------------------------------------------------------------------------


def _elements(dataset: DataSet) -> list[DataElement]:
    return list(dataset.elements.select_related("indicator").order_by("order", "id"))


def _element_error(element: DataElement, value: Decimal) -> str:
    """What is wrong with one figure, or "" when it is fine."""
    if not value.is_finite() or abs(value) >= VALUE_MAX:
        return _("Enter a number.")
    if element.indicator.value_type == ValueType.INTEGER and value != value.to_integral_value():
        return _("Enter a whole number (no decimals).")
    if element.min_value is not None and value < element.min_value:
        return _("At least %(min)s.") % {"min": _plain(element.min_value)}
    if element.max_value is not None and value > element.max_value:
        return _("At most %(max)s.") % {"max": _plain(element.max_value)}
    return ""


def validate_values(
    dataset: DataSet, values: Mapping[str, Decimal | None], *, complete: bool
) -> dict[str, Decimal]:
    """The figures, checked: each against its element (whole number, minimum, maximum, and
    when `complete` required), then the data set's rules across figures. Returns the figures
    given (None left out); raises ReportRefusedError naming every figure that fails."""
    by_code = {e.indicator.code: e for e in _elements(dataset)}
    errors: dict[str, str] = {
        code: _("This figure is not part of the form.") for code in values if code not in by_code
    }
    clean: dict[str, Decimal] = {}
    for code, element in by_code.items():
        value = values.get(code)
        if value is None:
            if complete and element.required:
                errors[code] = _("Enter this figure (0 if there were none).")
            continue
        problem = _element_error(element, Decimal(value))
        if problem:
            errors[code] = problem
        else:
            clean[code] = Decimal(value)
    if complete and not errors:
        for rule in dataset.rules.select_related("left", "right"):
            left, right = clean.get(rule.left.code), clean.get(rule.right.code)
            if (
                left is not None
                and right is not None
                and not _compare(left, rule.operator, right * rule.factor)
            ):
                errors[rule.left.code] = _rule_message(rule, right * rule.factor)
    if errors:
        raise ReportRefusedError(_("Check the figures marked below."), errors=errors)
    return clean


def _plain(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else str(value.normalize())


def _compare(left: Decimal, operator: str, right: Decimal) -> bool:
    checks = {
        Comparison.LTE: left <= right,
        Comparison.LT: left < right,
        Comparison.GTE: left >= right,
        Comparison.GT: left > right,
        Comparison.EQ: left == right,
    }
    return checks[Comparison(operator)]


def _rule_message(rule: Any, bound: Decimal) -> str:
    from django.utils.translation import get_language

    language = get_language() or "vi"
    custom = rule.message_en if language.startswith("en") else rule.message_vi
    if custom:
        return str(custom)
    return _("Must be %(operator)s %(bound)s (%(factor)s × “%(right)s”).") % {
        "operator": Comparison(rule.operator).label,
        "bound": _plain(bound),
        "factor": _plain(rule.factor),
        "right": rule.right.localized_name(),
    }


def _clean_reason(reason: str, *, required: bool, what: str) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ReportRefusedError(what, errors={"reason": what})
    if len(reason) > REASON_MAX:
        message = _("The reason is too long (at most %(n)d characters).") % {"n": REASON_MAX}
        raise ReportRefusedError(message, errors={"reason": message})
    return reason


def report_place_ids(unit: OrgUnit) -> tuple[int | None, int | None]:
    admin = unit.admin_unit
    if admin is None:
        return None, None
    if admin.level == "province":
        return admin.pk, None
    return int(admin.path.strip("/").split("/")[0]), admin.pk


# --- Writing ----------------------------------------------------------------------------------


def _write_values(report: Report, clean: Mapping[str, Decimal], dataset: DataSet) -> dict[str, Any]:
    """Replace the report's figures; returns {code: [before, after]} for the changed ones."""
    elements = {e.indicator.code: e for e in _elements(dataset)}
    existing = {v.indicator.code: v for v in report.values.select_related("indicator")}
    province_id, commune_id = report_place_ids(report.org_unit)
    changes: dict[str, Any] = {}
    for code, element in elements.items():
        new = clean.get(code)
        row = existing.get(code)
        old = row.value if row is not None else None
        if new is None:
            if row is not None:
                row.delete()
                changes[code] = [str(old), None]
            continue
        if row is None:
            ReportValue.objects.create(
                report=report,
                indicator=element.indicator,
                value=new,
                org_unit=report.org_unit,
                province_id=province_id,
                commune_id=commune_id,
                period_start=report.period_start,
                period_end=report.period_end,
                counted=report.status in COUNTED_STATUSES,
            )
            changes[code] = [None, str(new)]
        elif row.value != new:
            row.value = new
            row.save(update_fields=["value"])
            changes[code] = [str(old), str(new)]
    return changes


def _check_expected(dataset: DataSet, unit: OrgUnit, period: Period) -> None:
    if not expected_units(dataset, period, levels=[unit.level]).filter(pk=unit.pk).exists():
        raise ReportRefusedError(
            _("%(unit)s does not report “%(dataset)s” for this period.")
            % {"unit": unit.name, "dataset": dataset.localized_name()}
        )


def _check_children_approved(dataset: DataSet, unit: OrgUnit, period: Period) -> None:
    pending = [c for c in report_children(dataset, unit, period) if c.status != S.APPROVED]
    if pending:
        names = ", ".join(c.unit.name for c in pending[:5])
        if len(pending) > 5:
            names = _("%(names)s and %(count)s more") % {"names": names, "count": len(pending) - 5}
        raise ReportRefusedError(
            _("Approve the reports of the units below first; not yet approved: %(names)s.")
            % {"names": names}
        )


# Row locks, always taken down the tree (the report above, then the unit's own, then the
# reports below, each level in id order): approving a report (own, then below) and returning a
# report below it (above, then own) queue behind each other instead of deadlocking. Without
# them, a report below could be returned after its parent's check "all below approved" read it,
# and the parent would be approved over figures that no longer count.


def _lock_parent(dataset: DataSet, unit: OrgUnit, period: Period) -> None:
    """Lock the report of the nearest unit above, so it cannot be approved while a report it
    includes is being returned."""
    parent = report_parent(dataset, unit, period)
    if parent is not None:
        list(
            Report.objects.select_for_update().filter(pk=parent.pk).order_by("pk").values_list("pk")
        )


def _lock_children(dataset: DataSet, unit: OrgUnit, period: Period) -> None:
    """Lock the reports approved before this one, so none is returned while it is approved."""
    ids = sorted(
        child.report.pk
        for child in report_children(dataset, unit, period)
        if child.report is not None
    )
    if ids:
        list(Report.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


def report_act(
    *,
    actor: AnyUser,
    dataset: DataSet,
    unit: OrgUnit,
    period_id: str,
    action: str,
    values: Mapping[str, Decimal | None] | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Report:
    """Take one step of a report's state machine (see the module docstring).

    Raises ReportAccessError when the user may not take this action on this unit's report, and
    ReportRefusedError (with messages for the user) when it is not possible now.
    """
    transition = REPORT_TRANSITIONS.get(action)
    if transition is None:
        raise ReportRefusedError(_("Unknown action."))
    if not isinstance(actor, AbstractBaseUser) or not actor.is_authenticated:
        raise ReportAccessError
    if not REPORT_MACHINE.may(actor, ReportSubject(dataset, unit), transition):
        raise ReportAccessError
    try:
        period = dataset_period(dataset, period_id)
    except StatsQueryError as error:
        raise ReportRefusedError(error.message, errors={"period": error.message}) from error
    now = now or timezone.now()
    with transaction.atomic():
        if action == "return":
            _lock_parent(dataset, unit, period)
        # Ordered by id, not by the model's default (which joins the unit and would lock its
        # row too).
        report = (
            Report.objects.select_for_update()
            .filter(dataset=dataset, org_unit=unit, period_id=period.id)
            .order_by("pk")
            .first()
        )
        if action == "approve":
            _lock_children(dataset, unit, period)
        status = report.status if report is not None else NEW
        if status not in transition.sources:
            raise ReportRefusedError(_status_refusal(action, status))
        if report is None:
            _check_expected(dataset, unit, period)
        clean = (
            validate_values(dataset, values or {}, complete=action != "save")
            if action in {"save", "submit", "correct"}
            else None
        )
        text = _precondition(action, status, reason, dataset=dataset, unit=unit, period=period)
        if report is None:
            report = Report.objects.create(
                dataset=dataset,
                org_unit=unit,
                period_id=period.id,
                period_start=period.start,
                period_end=period.end,
                status=S.DRAFT,
                created_at=now,
                updated_at=now,
            )
        _apply(report, transition, actor, text, now)
        data: dict[str, Any] = {
            "dataset": dataset.code,
            "unit": unit.code,
            "period": period.id,
            "from_status": status,
            "to_status": report.status,
        }
        if clean is not None:
            data["values"] = _write_values(report, clean, dataset)
        report.values.update(counted=report.status in COUNTED_STATUSES)
        audit_record(
            actor=actor, action=REPORT_ACTIONS[action], target=report, reason=text, data=data
        )
    return report


def _precondition(
    action: str, status: str, reason: str, *, dataset: DataSet, unit: OrgUnit, period: Period
) -> str:
    """Refusals beyond the status; returns the cleaned reason."""
    if action == "correct":
        return _clean_reason(
            reason, required=True, what=_("Say why approved figures are corrected (required).")
        )
    if action == "return":
        text = _clean_reason(
            reason, required=True, what=_("Say what the unit must correct (required).")
        )
        parent = report_parent(dataset, unit, period) if status == S.APPROVED else None
        if parent is not None and parent.status == S.APPROVED:
            raise ReportRefusedError(
                _(
                    "The report of %(unit)s, which includes this one, is already approved: "
                    "correct the figures instead."
                )
                % {"unit": parent.org_unit.name}
            )
        return text
    if action == "approve":
        _check_children_approved(dataset, unit, period)
    return ""


def _apply(
    report: Report,
    transition: Transition,
    actor: AbstractBaseUser,
    text: str,
    now: dt.datetime,
) -> None:
    if transition.target is not None:
        report.status = transition.target
    if transition.action == "submit":
        report.submitted_at = report.submitted_at or now
        if report.submitted_by_id is None:
            report.submitted_by = actor  # type: ignore[assignment]
        report.last_submitted_at = now
        report.returned_reason = ""
    elif transition.action == "approve":
        report.approved_at = now
        report.approved_by = actor  # type: ignore[assignment]
    elif transition.action == "return":
        report.returned_reason = text
        report.approved_at = None
        report.approved_by = None
    report.updated_at = now
    report.save()


def _status_refusal(action: str, status: str) -> str:
    label = ReportStatus(status).label if status else _("not started")
    return _("“%(action)s” is not possible while the report is “%(status)s”.") % {
        "action": action_label(action),
        "status": label,
    }
