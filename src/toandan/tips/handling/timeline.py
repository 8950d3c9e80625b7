"""The legal timeline of a tip, in one place: deadlines and the state machine.

BLTTHS 2015 (Criminal Procedure Code) and joint circulars 01/2017, 01/2021:

- forwarding to the competent unit: 24 h for serious or flagrant cases (48 h when the commune
  is remote), 7 days otherwise (configurable: the circulars predate the 2025 reform);
- Art. 147(1): a decision within 20 days of receipt; (2) up to 2 months for a complex case,
  and the procuracy may extend once more by up to 2 months;
- Art. 148: suspension on listed grounds; Art. 149: after resumption, at most 1 month more;
- Art. 158: a decision not to prosecute goes to the procuracy within 24 h, and the tipster is
  told the result and the reason.

Deadlines are counted as BLTTHS Art. 134 says by the pure arithmetic of `toandan.tips.deadlines`;
this module gives it the lengths of the periods (the settings `TOANDAN_TIP_DEADLINES`) and the
working-day calendar (`toandan.workdays`). Whether a period in days moves off a day off too is
decided, with the text, at `_day_end`.

Every transition goes through `tip_act`, which checks who may act, checks the input, writes the
tip, its history and the audit event in one transaction, and refuses anything else with a
message the officer can act on (`TransitionRefusedError`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from toandan.accounts.models import POLICE_ROLES, User
from toandan.accounts.selectors import active_role_assignments
from toandan.audit.services import audit_record
from toandan.orgs.models import OrgKind, OrgUnit
from toandan.tips import crypto, deadlines, policies
from toandan.tips.audit_actions import TRANSITION_ACTIONS, TipsAction
from toandan.tips.deadlines import (
    LOCAL_TZ,
    Deadline,
    add_months,
    days_later,
    due_date,
    end_of_day,
    local_date,
)
from toandan.tips.events import TipChange, tip_change_publish
from toandan.tips.handling import notices
from toandan.tips.models import (
    OPEN_STATUSES,
    Category,
    DueKind,
    OffenceChapter,
    Outcome,
    RouteRole,
    SuspensionGround,
    Tip,
    TipAction,
    TipEvent,
    TipRoute,
    TipStatus,
    ValuableReason,
)
from toandan.workdays.selectors import WorkCalendar, work_calendar
from toandan.workflow.machine import Machine, Transition

AnyUser = AbstractBaseUser | AnonymousUser
REASON_MAX = 2000

# The law behind each deadline, shown next to it.
DUE_ARTICLES: dict[str, Any] = {
    DueKind.FORWARD: gettext_lazy("BLTTHS Art. 146; joint circular 01/2017"),
    DueKind.DECIDE: gettext_lazy("BLTTHS Art. 147(1)"),
    DueKind.DECIDE_COMPLEX: gettext_lazy("BLTTHS Art. 147(2)"),
    DueKind.DECIDE_PROCURACY: gettext_lazy("BLTTHS Art. 147(2), procuracy extension"),
    DueKind.DECIDE_RESUMED: gettext_lazy("BLTTHS Art. 149"),
    DueKind.DECIDE_CANCELLED: gettext_lazy("BLTTHS Art. 148(2)"),
    DueKind.DECIDE_REOPENED: gettext_lazy("BLTTHS Art. 147(1), 159"),
}
# Periods in months, which BLTTHS Art. 134 moves off days off.
MONTH_PERIODS = frozenset(
    {
        DueKind.DECIDE_COMPLEX,
        DueKind.DECIDE_PROCURACY,
        DueKind.DECIDE_RESUMED,
        DueKind.DECIDE_CANCELLED,
    }
)

DEFAULT_DEADLINES: dict[str, int] = {
    "forward_urgent_hours": 24,
    "forward_urgent_remote_hours": 48,
    "forward_days": 7,
    "decide_days": 20,
    "complex_months": 2,
    "procuracy_max_months": 2,
    "resumed_months": 1,
    # 1: periods in days also move off days off (see `_day_end` for why they do not).
    "day_periods_move_off_days_off": 0,
    # After the procuracy cancels a decision not to prosecute, the unit resolves the tip again
    # within this many days of receiving the cancellation. No article found sets it: the
    # 20 days of Art. 147(1) by analogy (UNCONFIRMED).
    "reopened_decide_days": 20,
}


def deadline_setting(name: str) -> int:
    configured: dict[str, int] = getattr(settings, "TOANDAN_TIP_DEADLINES", {}) or {}
    return int(configured.get(name, DEFAULT_DEADLINES[name]))


def due_article(kind: str) -> str:
    """The law behind a kind of deadline, shown next to it."""
    return str(DUE_ARTICLES[kind])


# --- Deadlines: the pure arithmetic (toandan.tips.deadlines) over the settings and calendar -----


def _calendar(start: dt.date, cal: WorkCalendar | None) -> WorkCalendar:
    return cal if cal is not None else work_calendar(start, add_months(start, 5))


def _month_end_moved(kind: str, period_end: dt.date, cal: WorkCalendar | None) -> Deadline:
    return deadlines.moved_off_days_off(kind, period_end, _calendar(period_end, cal))


def _day_end(kind: str, period_end: dt.date, cal: WorkCalendar | None) -> Deadline:
    """A period in days (the 20 days of Art. 147(1), the 7 days to forward).

    Art. 134(1) says "Khi tính thời hạn theo ngày thì thời hạn hết vào 24 giờ ngày cuối cùng
    của thời hạn" in a sentence of its own; the move to the next working day is the last clause
    of the next sentence, which begins "Khi tính thời hạn theo tháng" and is joined to it by
    semicolons. Read as written, only a period in months moves off a day off: a period in days
    ends on its last day whatever day that is. This is also the reading that never makes an
    officer late: a decision taken by that day is in time under either reading. Where the
    competent authority rules otherwise, the setting `day_periods_move_off_days_off` (1) moves
    periods in days too.
    """
    moves = bool(deadline_setting("day_periods_move_off_days_off"))
    return deadlines.ending_on(kind, period_end, _calendar(period_end, cal) if moves else None)


def period_deadline(kind: str, period_end: dt.date, cal: WorkCalendar | None = None) -> Deadline:
    """The deadline of a period that counts to `period_end`, moved as Art. 134 says for its kind
    (what recomputation uses after the calendar changes)."""
    if kind in MONTH_PERIODS:
        return _month_end_moved(kind, period_end, cal)
    return _day_end(kind, period_end, cal)


def forward_deadline(
    start: dt.datetime,
    *,
    hours: int | None,
    cal: WorkCalendar | None = None,
) -> Deadline:
    """Forwarding to the competent unit (BLTTHS Art. 146, joint circulars 01/2017, 01/2021):
    within `hours` for the cases the circulars name, otherwise within 7 days."""
    if hours is not None:
        return deadlines.within_hours(DueKind.FORWARD, start, hours)
    days = deadline_setting("forward_days")
    return _day_end(DueKind.FORWARD, days_later(local_date(start), days), cal)


def forward_hours(*, urgent: bool, remote: bool, category: Category | None = None) -> int | None:
    """The hours to forward a tip in, or None for the ordinary 7 days.

    TTLT 01/2021: 24 h (48 h from a remote commune) for very serious and especially serious
    crimes and cases of public concern. Which categories those are, and their hours, is data on
    the category (`Category.forward_hours`, with its legal source); a flagrant or urgent case
    ticked by the officer gets the settings' hours.
    """
    if category is not None and category.forward_hours is not None:
        if remote:
            return category.forward_remote_hours or deadline_setting("forward_urgent_remote_hours")
        return category.forward_hours
    if urgent:
        return deadline_setting("forward_urgent_remote_hours" if remote else "forward_urgent_hours")
    return None


def forward_due(
    start: dt.datetime, *, urgent: bool, remote: bool, cal: WorkCalendar | None = None
) -> dt.datetime:
    return forward_deadline(
        start, hours=forward_hours(urgent=urgent, remote=remote), cal=cal
    ).due_at


def decide_deadline(start: dt.datetime, cal: WorkCalendar | None = None) -> Deadline:
    """BLTTHS Art. 147(1): 20 days from the day the competent unit received the tip."""
    end = days_later(local_date(start), deadline_setting("decide_days"))
    return _day_end(DueKind.DECIDE, end, cal)


def decide_due(start: dt.datetime, cal: WorkCalendar | None = None) -> dt.datetime:
    return decide_deadline(start, cal).due_at


def complex_deadline(start: dt.datetime, cal: WorkCalendar | None = None) -> Deadline:
    """BLTTHS Art. 147(2): a complex case, up to 2 months from receipt."""
    end = add_months(local_date(start), deadline_setting("complex_months"))
    return _month_end_moved(DueKind.DECIDE_COMPLEX, end, cal)


def complex_due(start: dt.datetime, cal: WorkCalendar | None = None) -> dt.datetime:
    return complex_deadline(start, cal).due_at


def procuracy_deadline(
    period_end: dt.date, months: int, cal: WorkCalendar | None = None
) -> Deadline:
    """BLTTHS Art. 147(2): the procuracy extends once, by up to 2 months, counted from the end
    of the complex case's period as the law counts it (`period_end`, before any move off a day
    off), so that days off never add up across the two periods."""
    return _month_end_moved(DueKind.DECIDE_PROCURACY, add_months(period_end, months), cal)


def resumed_deadline(
    resumed_at: dt.datetime, cal: WorkCalendar | None = None, *, kind: str = DueKind.DECIDE_RESUMED
) -> Deadline:
    """BLTTHS Art. 149(1): at most 1 month from the decision to resume; Art. 148(2) (2021):
    the same month from the day the unit receives the procuracy's cancellation of a
    suspension."""
    end = add_months(local_date(resumed_at), deadline_setting("resumed_months"))
    return _month_end_moved(kind, end, cal)


def initial_forward_deadline(
    tip: Tip, unit: OrgUnit, start: dt.datetime, cal: WorkCalendar | None = None
) -> Deadline:
    hours = forward_hours(urgent=tip.is_flagrant, remote=unit.is_remote, category=tip.category)
    return forward_deadline(start, hours=hours, cal=cal)


def set_deadline(tip: Tip, deadline: Deadline | None) -> None:
    """Keep a computed deadline on the tip (None: no deadline runs)."""
    if deadline is None:
        tip.due_at, tip.due_kind, tip.due_period_end = None, "", None
        return
    tip.due_at, tip.due_kind, tip.due_period_end = (
        deadline.due_at,
        deadline.kind,
        deadline.period_end,
    )


# --- The deadline calculator ---------------------------------------------------------------------

# `toandan deadline RULE START` and the staff calculator page: the same functions as the
# timeline, so what a trainer computes is what a tip would get.
CALCULATOR_RULES = ("decide", "extend", "procuracy-extend", "resume", "forward")


def deadline_compute(
    rule: str,
    start: dt.date | dt.datetime,
    *,
    remote: bool = False,
    serious: bool = False,
    months: int | None = None,
) -> Deadline:
    """The deadline of `rule` for a period starting on `start` (the day of receipt for
    `decide`, `extend` and `forward`; the end of the complex case's period for
    `procuracy-extend`; the day of resumption for `resume`)."""
    moment = (
        start
        if isinstance(start, dt.datetime)
        else dt.datetime.combine(start, dt.time(0, 0), tzinfo=LOCAL_TZ)
    )
    day = local_date(moment)
    if rule == "decide":
        return decide_deadline(moment)
    if rule == "extend":
        return complex_deadline(moment)
    if rule == "procuracy-extend":
        limit = deadline_setting("procuracy_max_months")
        count = limit if months is None else months
        if not 1 <= count <= limit:
            raise ValueError(_("The procuracy extends by 1 to %(n)d months.") % {"n": limit})
        return procuracy_deadline(day, count)
    if rule == "resume":
        return resumed_deadline(moment)
    if rule == "forward":
        return forward_deadline(moment, hours=forward_hours(urgent=serious, remote=remote))
    raise ValueError(_("Unknown rule: %(rule)s.") % {"rule": rule})


# --- Input and refusals --------------------------------------------------------------------------


class TransitionRefusedError(Exception):
    """The action is not allowed now; `message` says why, in the officer's language."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TipNotFoundError(Exception):
    """The user may not act on this tip (and is not told whether it exists)."""


@dataclass(frozen=True)
class ActionInput:
    reason: str = ""
    target_unit: OrgUnit | None = None  # forward, reroute
    decision_number: str = ""  # procuracy extension; prosecution decision
    months: int | None = None  # procuracy extension: 1 or 2
    ground: str = ""  # suspension (SuspensionGround)
    merge_into: Tip | None = None
    flagrant: bool | None = None  # check: mark the case flagrant or urgent
    agency: str = ""  # hand over: the competent agency
    # Conclusion and its correction: what the movement counts.
    valuable: bool | None = None
    valuable_reasons: Sequence[str] = field(default_factory=tuple)
    offence_chapter: int | None = None
    arrested_count: int | None = None
    property_recovered_vnd: int | None = None


S = TipStatus
A = TipAction
# The tip's state machine, declared on the shared workflow helper for its declaration, its
# policies and `edges()`. Taking a step stays `tip_act`: a tip keeps its own encrypted history
# (TipEvent) and its refusals name the unit that may act. `by` names whose jurisdiction must
# cover the actor (`toandan.tips.policies`); `target=None`: the status does not change
# (extensions, corrections, procuracy). The reason each step needs is checked by its handler,
# with a message of its own.
TIP_MACHINE = Machine(
    "tips.tip",
    states=TipStatus,
    policies={
        "responsible": policies.may_act_for_responsible_unit,
        "pending": policies.may_act_for_pending_unit,
        "above": policies.may_reroute,
    },
    transitions=[
        Transition(A.CHECK, sources=[S.RECEIVED], target=S.CHECKING, by="responsible"),
        Transition(
            A.FORWARD, sources=[S.RECEIVED, S.CHECKING], target=S.FORWARDED, by="responsible"
        ),
        Transition(A.ACCEPT, sources=[S.FORWARDED], target=S.CHECKING, by="pending"),
        Transition(A.RETURN, sources=[S.FORWARDED], target=S.CHECKING, by="pending"),
        Transition(
            A.REROUTE,
            sources=[S.RECEIVED, S.CHECKING, S.FORWARDED, S.RESOLVING, S.SUSPENDED],
            target=None,
            by="above",
        ),
        Transition(A.TAKE, sources=[S.RECEIVED, S.CHECKING], target=S.RESOLVING, by="responsible"),
        Transition(A.EXTEND_COMPLEX, sources=[S.RESOLVING], target=None, by="responsible"),
        Transition(A.EXTEND_PROCURACY, sources=[S.RESOLVING], target=None, by="responsible"),
        Transition(A.SUSPEND, sources=[S.RESOLVING], target=S.SUSPENDED, by="responsible"),
        Transition(A.RESUME, sources=[S.SUSPENDED], target=S.RESOLVING, by="responsible"),
        Transition(A.PROSECUTE, sources=[S.RESOLVING], target=S.CONCLUDED, by="responsible"),
        Transition(A.NOT_PROSECUTE, sources=[S.RESOLVING], target=S.CONCLUDED, by="responsible"),
        Transition(
            A.HAND_OVER,
            sources=[S.RECEIVED, S.CHECKING, S.RESOLVING],
            target=S.CONCLUDED,
            by="responsible",
        ),
        Transition(
            A.MERGE,
            sources=[S.RECEIVED, S.CHECKING, S.RESOLVING, S.SUSPENDED],
            target=S.MERGED,
            by="responsible",
        ),
        Transition(
            A.SEND_TO_PROCURACY, sources=[S.CONCLUDED, S.SUSPENDED], target=None, by="responsible"
        ),
        Transition(A.CORRECT_OUTCOME, sources=[S.CONCLUDED], target=None, by="responsible"),
        Transition(
            A.PROCURACY_CANCEL_SUSPENSION,
            sources=[S.SUSPENDED],
            target=S.RESOLVING,
            by="responsible",
        ),
        Transition(
            A.PROCURACY_CANCEL_NOT_PROSECUTE,
            sources=[S.CONCLUDED],
            target=S.RESOLVING,
            by="responsible",
        ),
    ],
)
# The transitions by action (what the views, the API schema and the tests look up).
TRANSITIONS: dict[str, Transition] = {t.action: t for t in TIP_MACHINE.transitions}
CONCLUDING = {A.PROSECUTE.value, A.NOT_PROSECUTE.value, A.HAND_OVER.value}


def allowed_actions(tip: Tip, user: AnyUser, *, now: dt.datetime | None = None) -> list[str]:
    """The transitions this user may try on this tip now (the buttons on the tip page). The
    service still checks each one: this only hides what would certainly be refused."""
    result = []
    for transition in TIP_MACHINE.available(user, tip):
        try:
            _precondition(tip, transition.action, now)
        except TransitionRefusedError:
            continue
        result.append(transition.action)
    return result


# --- Who may act ---------------------------------------------------------------------------------


def actor_unit(user: AnyUser, near: OrgUnit | None) -> OrgUnit | None:
    """The police unit the user acts for: the one whose subtree holds `near`, most local first."""
    assignments = list(
        active_role_assignments(user, POLICE_ROLES)
        .select_related("org_unit")
        .order_by("-org_unit__depth")
    )
    for assignment in assignments:
        if near is not None and near.path.startswith(assignment.org_unit.path):
            return assignment.org_unit
    return assignments[0].org_unit if assignments else None


# --- Checks --------------------------------------------------------------------------------------


def _clean_reason(text: str, *, required: bool, what: str) -> str:
    text = (text or "").strip()
    if required and not text:
        raise TransitionRefusedError(what, field="reason")
    if len(text) > REASON_MAX:
        raise TransitionRefusedError(
            _("The reason is too long (at most %(n)d characters).") % {"n": REASON_MAX},
            field="reason",
        )
    return text


def _precondition(tip: Tip, action: str, now: dt.datetime | None = None) -> None:
    """Refusals that depend on the tip, beyond its status."""
    if action == A.EXTEND_COMPLEX and tip.complex_extended:
        raise TransitionRefusedError(_("This tip has already been extended as a complex case."))
    if action == A.EXTEND_COMPLEX and tip.due_kind != DueKind.DECIDE:
        raise TransitionRefusedError(
            _("Only the 20-day decision deadline can be extended as a complex case.")
        )
    if action == A.EXTEND_PROCURACY:
        if not tip.complex_extended:
            raise TransitionRefusedError(
                _(
                    "The procuracy extends only a complex case already extended to 2 months "
                    "(BLTTHS Art. 147(2))."
                )
            )
        if tip.procuracy_decision:
            raise TransitionRefusedError(
                _("The procuracy can extend the time limit only once (BLTTHS Art. 147(2)).")
            )
        if tip.due_kind != DueKind.DECIDE_COMPLEX:
            raise TransitionRefusedError(
                _("The procuracy extension follows the 2-month deadline of a complex case.")
            )
    _procuracy_precondition(tip, action)
    if action == A.CORRECT_OUTCOME and tip.status != S.CONCLUDED:
        raise TransitionRefusedError(_("Only a concluded tip has an outcome to correct."))
    now = now or timezone.now()
    if action == A.SUSPEND:
        _suspension_precondition(tip, now)
    extending = action in {A.EXTEND_COMPLEX, A.EXTEND_PROCURACY}
    if extending and tip.due_at is not None and now >= tip.due_at:
        # Art. 147(2) extends a time limit that is still running; extending it afterwards
        # would also count a late decision as one made in time.
        raise TransitionRefusedError(
            _(
                "The deadline passed on %(date)s: a time limit can be extended only while it "
                "runs (BLTTHS Art. 147(2))."
            )
            % {"date": due_date(tip.due_at).strftime("%d/%m/%Y")}
        )


def _procuracy_precondition(tip: Tip, action: str) -> None:
    if action == A.SEND_TO_PROCURACY:
        if tip.status != S.SUSPENDED and tip.outcome not in {
            Outcome.PROSECUTED,
            Outcome.NOT_PROSECUTED,
        }:
            raise TransitionRefusedError(
                _(
                    "Only a decision to prosecute (Art. 154), not to prosecute (Art. 158) or "
                    "to suspend (Art. 148) is sent to the procuracy here."
                )
            )
        if tip.procuracy_sent_at is not None:
            raise TransitionRefusedError(_("Sending to the procuracy is already recorded."))
    if action == A.PROCURACY_CANCEL_NOT_PROSECUTE and tip.outcome != Outcome.NOT_PROSECUTED:
        raise TransitionRefusedError(
            _("The procuracy cancels here only a decision not to prosecute (BLTTHS Art. 159).")
        )


def _suspension_precondition(tip: Tip, now: dt.datetime) -> None:
    """BLTTHS Art. 148(1) (2021 text): "Hết thời hạn quy định tại Điều 147 …" — a resolution is
    suspended when its time limit has run out, not before. The decision is taken at the end of
    the period, so its last day counts as run out: suspending then is in time, and refusing it
    until the next day would make every suspension late."""
    if tip.due_at is None or tip.due_kind == DueKind.FORWARD:
        raise TransitionRefusedError(
            _(
                "A resolution is suspended only when its time limit under BLTTHS Art. 147 has "
                "run out (Art. 148(1)); take the tip for resolution first."
            )
        )
    last_day = due_date(tip.due_at)
    if local_date(now) < last_day:
        raise TransitionRefusedError(
            _(
                "The time limit runs until %(date)s: a resolution is suspended only when its "
                "time limit has run out (BLTTHS Art. 148(1))."
            )
            % {"date": last_day.strftime("%d/%m/%Y")}
        )


def _status_refusal(tip: Tip, action: str) -> TransitionRefusedError:
    label = TipStatus(tip.status).label if tip.status in TipStatus.values else tip.status
    return TransitionRefusedError(
        _('"%(action)s" is not possible while the tip is "%(status)s".')
        % {"action": TipAction(action).label, "status": label}
    )


def _check_unit(tip: Tip, unit: OrgUnit | None, *, today: dt.date) -> OrgUnit:
    if unit is None:
        raise TransitionRefusedError(_("Choose the unit to send the tip to."), field="target_unit")
    if unit.kind != OrgKind.POLICE:
        raise TransitionRefusedError(
            _("Tips are forwarded to police units only."), field="target_unit"
        )
    if unit.valid_to is not None and unit.valid_to < today:
        raise TransitionRefusedError(
            _("%(unit)s no longer exists; choose the unit that replaced it.") % {"unit": unit.name},
            field="target_unit",
        )
    if tip.responsible_unit_id == unit.pk:
        raise TransitionRefusedError(
            _("The tip is already with %(unit)s.") % {"unit": unit.name}, field="target_unit"
        )
    return unit


def _check_valuable(data: ActionInput, *, required: bool) -> None:
    if data.valuable is None:
        if required:
            raise TransitionRefusedError(
                _("Say whether the tip was valuable (có giá trị)."), field="valuable"
            )
        return
    reasons = [str(r) for r in data.valuable_reasons]
    unknown = [r for r in reasons if r not in ValuableReason.values]
    if unknown:
        raise TransitionRefusedError(
            _("Unknown reason: %(codes)s.") % {"codes": ", ".join(unknown)},
            field="valuable_reasons",
        )
    if data.valuable and not reasons:
        raise TransitionRefusedError(
            _("Say why the tip was valuable (at least one reason)."), field="valuable_reasons"
        )
    if not data.valuable and reasons:
        raise TransitionRefusedError(
            _("A tip marked not valuable takes no reasons for being valuable."),
            field="valuable_reasons",
        )
    if data.offence_chapter is not None and data.offence_chapter not in OffenceChapter.values:
        raise TransitionRefusedError(
            _("Choose a chapter of the Criminal Code."), field="offence_chapter"
        )
    for name in ("arrested_count", "property_recovered_vnd"):
        value = getattr(data, name)
        if value is not None and value < 0:
            raise TransitionRefusedError(_("The number cannot be negative."), field=name)


# --- Writing -------------------------------------------------------------------------------------

# The facts of a tip that events carry (`toandan.tips.events.TipChange`).
FACT_FIELDS = (
    "id",
    "province_id",
    "commune_id",
    "register_unit_id",
    "responsible_unit_id",
    "category_id",
    "channel",
    "union_branch_id",
    "received_at",
    "status",
    "outcome",
    "concluded_at",
    "decided_in_time",
    "valuable",
    "offence_chapter",
    "arrested_count",
    "property_recovered_vnd",
    "first_action_at",
)


def tip_facts(tip: Tip) -> dict[str, Any]:
    return {name: getattr(tip, name) for name in FACT_FIELDS}


def tip_changed(
    before: dict[str, Any] | None, after: dict[str, Any] | None, *, action: str = ""
) -> None:
    """Publish the change (`toandan.tips.events`): statistics and the unit counts subscribe in
    this transaction, their statements run together in one round trip."""
    tip_change_publish(TipChange(before, after, action))


def seal_event_text(tip: Tip, text: str, action: str) -> bytes:
    from toandan.tips.selectors import tip_data_key

    if not text:
        return b""
    return crypto.seal_text(tip_data_key(tip), text, crypto.aad(tip.reference, "event", action))


def open_event_text(tip: Tip, event: TipEvent, data_key: bytes) -> str:
    if not event.text:
        return ""
    return crypto.open_text(data_key, event.text, crypto.aad(tip.reference, "event", event.action))


def event_record(
    *,
    tip: Tip,
    action: str,
    actor: AbstractBaseUser | None,
    now: dt.datetime,
    from_status: str = "",
    to_status: str = "",
    unit: OrgUnit | None = None,
    target_unit: OrgUnit | None = None,
    text: str = "",
    data: dict[str, Any] | None = None,
) -> TipEvent:
    """One history entry; caller holds the transaction. Free text is sealed."""
    return TipEvent.objects.create(
        tip=tip,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=cast("User | None", actor),
        unit=unit,
        target_unit=target_unit,
        data=data or {},
        text=seal_event_text(tip, text, action),
        created_at=now,
    )


def _move_primary(tip: Tip, unit: OrgUnit, *, why: str) -> None:
    TipRoute.objects.filter(tip=tip, role=RouteRole.PRIMARY, active=True).update(active=False)
    # The unit may already have an information copy: it becomes responsible instead.
    TipRoute.objects.filter(tip=tip, org_unit=unit, active=True).update(active=False)
    TipRoute.objects.create(tip=tip, org_unit=unit, role=RouteRole.PRIMARY, reason=why[:300])


def _set_result(tip: Tip, outcome: str, reason: str, *, agency: str = "") -> None:
    """What the tipster is told (Art. 158), kept inside the encrypted content. Written in the
    site's language, not the officer's: the tipster reads it later, whatever the officer's
    interface language was."""
    from toandan.tips.selectors import tip_data_key

    with translation.override(settings.LANGUAGE_CODE):
        label = str(Outcome(outcome).label)
    result = f"{label}: {agency}" if agency else label
    data_key = tip_data_key(tip)
    associated = crypto.aad(tip.reference, "content")
    content = dict(crypto.open_json(data_key, tip.content, associated))
    content["result"] = result
    content["result_reason"] = reason
    tip.content = crypto.seal_json(data_key, content, associated)


def _clear_result(tip: Tip) -> None:
    from toandan.tips.selectors import tip_data_key

    data_key = tip_data_key(tip)
    associated = crypto.aad(tip.reference, "content")
    content = dict(crypto.open_json(data_key, tip.content, associated))
    content.pop("result", None)
    content.pop("result_reason", None)
    tip.content = crypto.seal_json(data_key, content, associated)


def _apply_valuable(tip: Tip, data: ActionInput) -> dict[str, Any]:
    tip.valuable = data.valuable
    tip.valuable_reasons = [str(r) for r in data.valuable_reasons]
    tip.offence_chapter = data.offence_chapter
    tip.arrested_count = data.arrested_count
    tip.property_recovered_vnd = data.property_recovered_vnd
    return {
        "valuable": tip.valuable,
        "valuable_reasons": tip.valuable_reasons,
        "offence_chapter": tip.offence_chapter,
        "arrested_count": tip.arrested_count,
        "property_recovered_vnd": tip.property_recovered_vnd,
    }


def _conclude(tip: Tip, outcome: str, now: dt.datetime) -> None:
    tip.status = S.CONCLUDED
    tip.outcome = outcome
    tip.concluded_at = now
    tip.decided_in_time = tip.due_at is None or now <= tip.due_at
    set_deadline(tip, None)


def tip_act(
    *,
    actor: AnyUser,
    tip: Tip,
    action: str,
    data: ActionInput | None = None,
    now: dt.datetime | None = None,
) -> Tip:
    """Perform one transition of the legal timeline (see the module docstring).

    Raises TipNotFoundError when the user may not act on the tip at all, and
    TransitionRefusedError (with a message for the officer) when the action is not possible.
    """
    data = data or ActionInput()
    now = now or timezone.now()
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefusedError(_("Unknown action."))
    if not isinstance(actor, AbstractBaseUser) or not actor.is_authenticated:
        raise TipNotFoundError
    with transaction.atomic():
        if action == A.MERGE and data.merge_into is not None:
            # Both tips, in id order: two opposite merges at once wait for each other
            # instead of deadlocking.
            list(
                Tip.objects.select_for_update(of=("self",))
                .filter(pk__in=[tip.pk, data.merge_into.pk])
                .order_by("pk")
            )
        # The row lock makes two officers acting at once take turns; the second sees the
        # first one's result and is refused with a clear message if it no longer applies.
        locked = (
            Tip.objects.select_for_update(of=("self",))
            .select_related("category", "responsible_unit", "pending_unit")
            .get(pk=tip.pk)
        )
        if not policies.may_handle(actor, locked):
            raise TipNotFoundError
        if locked.status not in transition.sources:
            raise _status_refusal(locked, action)
        if not TIP_MACHINE.may(actor, locked, transition):
            if transition.by == "pending":
                raise TransitionRefusedError(
                    _("Only the unit the tip was forwarded to can accept it or send it back.")
                )
            if transition.by == "above":
                raise TransitionRefusedError(
                    _("Only a unit above the one that has the tip (the province) can re-route it.")
                )
            raise TransitionRefusedError(
                _("The tip is with %(unit)s; only that unit can do this.")
                % {"unit": locked.responsible_unit.name if locked.responsible_unit else "?"}
            )
        _precondition(locked, action, now)
        before = tip_facts(locked)
        result = _HANDLERS[action](locked, actor, data, now)
        if locked.first_action_at is None:
            locked.first_action_at = now
        locked.save()
        event = event_record(
            tip=locked,
            action=action,
            actor=actor,
            now=now,
            from_status=before["status"],
            to_status=locked.status,
            unit=actor_unit(actor, locked.responsible_unit),
            target_unit=result.target_unit,
            text=result.text,
            data=result.data,
        )
        audit_record(
            actor=actor,
            action=TRANSITION_ACTIONS[action],
            target=locked,
            # The reason itself stays in the encrypted history entry (`event`): the audit log
            # is append-only and outlives the tip, and free text may name people.
            data={"reference": locked.reference, "event": event.pk, **result.data},
        )
        tip_changed(before, tip_facts(locked), action=action)
        notices.notify_tip_event(locked, event)
    return locked


@dataclass
class _Result:
    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    target_unit: OrgUnit | None = None


Handler = Callable[[Tip, AbstractBaseUser, ActionInput, dt.datetime], _Result]


def _check(tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime) -> _Result:
    tip.status = S.CHECKING
    if data.flagrant is not None and data.flagrant != tip.is_flagrant:
        tip.is_flagrant = data.flagrant
        if tip.due_kind == DueKind.FORWARD and tip.clock_started_at and tip.responsible_unit:
            set_deadline(
                tip, initial_forward_deadline(tip, tip.responsible_unit, tip.clock_started_at)
            )
    note = _clean_reason(data.reason, required=False, what="")
    return _Result(text=note, data={"flagrant": tip.is_flagrant})


def _forward(tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime) -> _Result:
    unit = _check_unit(tip, data.target_unit, today=local_date(now))
    reason = _clean_reason(
        data.reason, required=True, what=_("Say why the tip is forwarded to this unit.")
    )
    tip.status = S.FORWARDED
    tip.pending_unit = unit
    # Delivered now: the receiving unit has it from this moment (Art. 147(1) "nhận được"),
    # whenever it accepts.
    tip.delivered_at, tip.accepted_at = now, None
    # The receiving unit's own clock: it must accept and act within the forwarding deadline.
    set_deadline(tip, initial_forward_deadline(tip, unit, now))
    return _Result(text=reason, data={"to_unit": unit.code}, target_unit=unit)


def _accept(tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime) -> _Result:
    unit = tip.pending_unit
    assert unit is not None
    previous = tip.responsible_unit
    # Stored with the route and read by every officer: in the site's language, like routing's.
    with translation.override(settings.LANGUAGE_CODE):
        why = _("Forwarded by %(unit)s") % {"unit": previous.name if previous else "?"}
    _move_primary(tip, unit, why=why)
    tip.responsible_unit = unit
    tip.pending_unit = None
    tip.status = S.CHECKING
    # BLTTHS Art. 147(1): the 20 days run "kể từ ngày nhận được", from the day the competent
    # unit received the tip (its delivery), not from the day it got round to accepting it.
    tip.clock_started_at = tip.delivered_at or now
    tip.accepted_at = now
    set_deadline(tip, initial_forward_deadline(tip, unit, tip.clock_started_at))
    note = _clean_reason(data.reason, required=False, what="")
    return _Result(
        text=note, data={"from_unit": previous.code if previous else ""}, target_unit=unit
    )


def _return(tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime) -> _Result:
    reason = _clean_reason(data.reason, required=True, what=_("Say why the tip is sent back."))
    unit = tip.pending_unit
    tip.pending_unit = None
    tip.status = S.CHECKING
    # Back with the unit that had it, on its own clock (which may now be overdue).
    tip.delivered_at = None
    if tip.responsible_unit is not None and tip.clock_started_at is not None:
        set_deadline(tip, initial_forward_deadline(tip, tip.responsible_unit, tip.clock_started_at))
    return _Result(
        text=reason, data={"from_unit": unit.code if unit else ""}, target_unit=tip.responsible_unit
    )


def _reroute(tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime) -> _Result:
    unit = _check_unit(tip, data.target_unit, today=local_date(now))
    if not policies.may_act_in_unit(actor, unit):
        raise TransitionRefusedError(
            _("You can re-route only to units under your own."), field="target_unit"
        )
    reason = _clean_reason(data.reason, required=True, what=_("Say why the tip is re-routed."))
    previous = tip.responsible_unit
    with translation.override(settings.LANGUAGE_CODE):
        why = _("Re-routed by %(unit)s") % {"unit": _unit_name(actor_unit(actor, unit))}
    _move_primary(tip, unit, why=why)
    tip.responsible_unit = unit
    if tip.status == S.FORWARDED:
        tip.status = S.CHECKING
        tip.pending_unit = None
    if tip.status in {S.RECEIVED, S.CHECKING}:
        # A misrouted tip starts afresh at the right unit; a decision deadline already
        # running (Art. 147) keeps running.
        tip.clock_started_at = now
        set_deadline(tip, initial_forward_deadline(tip, unit, now))
    return _Result(
        text=reason,
        data={"from_unit": previous.code if previous else "", "to_unit": unit.code},
        target_unit=unit,
    )


def _unit_name(unit: OrgUnit | None) -> str:
    return unit.name if unit is not None else "?"


def _take(tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime) -> _Result:
    tip.status = S.RESOLVING
    start = tip.clock_started_at or tip.received_at
    set_deadline(tip, decide_deadline(start))
    return _Result(text=_clean_reason(data.reason, required=False, what=""))


def _extend_complex(
    tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime
) -> _Result:
    reason = _clean_reason(
        data.reason, required=True, what=_("Say why the case is complex (required).")
    )
    start = tip.clock_started_at or tip.received_at
    tip.complex_extended = True
    set_deadline(tip, complex_deadline(start))
    assert tip.due_at is not None
    return _Result(text=reason, data={"due_at": tip.due_at.isoformat()})


def _extend_procuracy(
    tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime
) -> _Result:
    number = (data.decision_number or "").strip()
    if not number:
        raise TransitionRefusedError(
            _("Enter the number of the procuracy's extension decision."), field="decision_number"
        )
    if len(number) > 80:
        raise TransitionRefusedError(_("The decision number is too long."), field="decision_number")
    limit = deadline_setting("procuracy_max_months")
    months = data.months if data.months is not None else limit
    if not 1 <= months <= limit:
        raise TransitionRefusedError(
            _("The procuracy extends by 1 to %(n)d months.") % {"n": limit}, field="months"
        )
    assert tip.due_at is not None
    tip.procuracy_decision = number
    set_deadline(tip, procuracy_deadline(tip.due_period_end or due_date(tip.due_at), months))
    assert tip.due_at is not None
    return _Result(
        text=_clean_reason(data.reason, required=False, what=""),
        data={"decision_number": number, "months": months, "due_at": tip.due_at.isoformat()},
    )


def _suspend(tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime) -> _Result:
    if data.ground not in SuspensionGround.values:
        raise TransitionRefusedError(
            _("Choose a ground for suspension from BLTTHS Art. 148."), field="ground"
        )
    reason = _clean_reason(data.reason, required=False, what="")
    previous = {"due_at": tip.due_at.isoformat() if tip.due_at else None, "due_kind": tip.due_kind}
    tip.status = S.SUSPENDED
    tip.suspended_at = now
    tip.suspension_ground = data.ground
    set_deadline(tip, None)
    # Art. 148(2): the decision to suspend goes to the procuracy within 24 hours.
    tip.procuracy_due_at, tip.procuracy_sent_at = now + dt.timedelta(hours=24), None
    return _Result(text=reason, data={"ground": data.ground, "before": previous})


def _resume(tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime) -> _Result:
    tip.status = S.RESOLVING
    tip.suspended_at = None
    tip.suspension_ground = ""
    set_deadline(tip, resumed_deadline(now))
    assert tip.due_at is not None
    return _Result(
        text=_clean_reason(data.reason, required=False, what=""),
        data={"due_at": tip.due_at.isoformat()},
    )


def _prosecute(tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime) -> _Result:
    _check_valuable(data, required=True)
    note = _clean_reason(data.reason, required=False, what="")
    number = (data.decision_number or "").strip()[:80]
    _conclude(tip, Outcome.PROSECUTED, now)
    # BLTTHS Art. 154(2), TT 28/2020 Art. 16: the decision to prosecute goes to the procuracy
    # within 24 hours, tracked like the decisions not to prosecute and to suspend.
    tip.procuracy_due_at, tip.procuracy_sent_at = now + dt.timedelta(hours=24), None
    counted = _apply_valuable(tip, data)
    _set_result(tip, Outcome.PROSECUTED, note)
    return _Result(text=note, data={"decision_number": number, **counted})


def _not_prosecute(
    tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime
) -> _Result:
    reason = _clean_reason(
        data.reason,
        required=True,
        what=_("Give the reason for not prosecuting: the tipster is told it (Art. 158)."),
    )
    _check_valuable(data, required=True)
    _conclude(tip, Outcome.NOT_PROSECUTED, now)
    tip.procuracy_due_at, tip.procuracy_sent_at = now + dt.timedelta(hours=24), None
    counted = _apply_valuable(tip, data)
    _set_result(tip, Outcome.NOT_PROSECUTED, reason)
    return _Result(text=reason, data=counted)


def _hand_over(tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime) -> _Result:
    agency = (data.agency or "").strip()
    if not agency:
        raise TransitionRefusedError(_("Name the agency the matter is handed to."), field="agency")
    if len(agency) > 200:
        raise TransitionRefusedError(_("The agency name is too long."), field="agency")
    reason = _clean_reason(
        data.reason, required=True, what=_("Say why this is not a criminal matter.")
    )
    _check_valuable(data, required=True)
    _conclude(tip, Outcome.HANDED_OVER, now)
    counted = _apply_valuable(tip, data)
    _set_result(tip, Outcome.HANDED_OVER, reason, agency=agency)
    return _Result(text=reason, data={"agency": agency, **counted})


def _merge(tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime) -> _Result:
    target = data.merge_into
    if target is None:
        raise TransitionRefusedError(_("Choose the tip to merge into."), field="merge_into")
    target = (
        Tip.objects.select_for_update(of=("self",))
        .select_related("responsible_unit")
        .get(pk=target.pk)
    )
    if target.pk == tip.pk:
        raise TransitionRefusedError(_("A tip cannot be merged into itself."), field="merge_into")
    if target.status not in OPEN_STATUSES or target.status == S.FORWARDED:
        raise TransitionRefusedError(
            _("Merge into an open tip that your unit is handling."), field="merge_into"
        )
    if not policies.may_act_in_unit(actor, target.responsible_unit):
        raise TransitionRefusedError(
            _("You can merge only into a tip your unit handles."), field="merge_into"
        )
    reason = _clean_reason(data.reason, required=False, what="")
    # The surviving tip is kept as long as any tip merged into it: its tipster reads the
    # result there (Art. 158) until their own tip's retention ends.
    earlier = Tip.objects.filter(merged_into=tip).values_list("retention_until", flat=True)
    keep_until = max([tip.retention_until, target.retention_until, *earlier])
    if keep_until != target.retention_until:
        Tip.objects.filter(pk=target.pk).update(retention_until=keep_until)
    tip.status = S.MERGED
    tip.merged_into = target
    set_deadline(tip, None)
    tip.concluded_at = now
    # Tips merged earlier into this one now point at the surviving tip, so every tipster's
    # follow-up leads to one place (no chains).
    Tip.objects.filter(merged_into=tip).update(merged_into=target)
    return _Result(
        text=reason, data={"merged_into": target.reference}, target_unit=target.responsible_unit
    )


def _send_to_procuracy(
    tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime
) -> _Result:
    tip.procuracy_sent_at = now
    in_time = tip.procuracy_due_at is None or now <= tip.procuracy_due_at
    return _Result(
        text=_clean_reason(data.reason, required=False, what=""),
        data={"in_time": in_time, "decision_number": (data.decision_number or "").strip()[:80]},
    )


def _correct_outcome(
    tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime
) -> _Result:
    reason = _clean_reason(
        data.reason, required=True, what=_("Say why the outcome is corrected (required).")
    )
    _check_valuable(data, required=True)
    before = {
        "valuable": tip.valuable,
        "valuable_reasons": list(tip.valuable_reasons or []),
        "offence_chapter": tip.offence_chapter,
        "arrested_count": tip.arrested_count,
        "property_recovered_vnd": tip.property_recovered_vnd,
    }
    after = _apply_valuable(tip, data)
    return _Result(text=reason, data={"before": before, "after": after})


def _procuracy_decision_number(data: ActionInput) -> str:
    number = (data.decision_number or "").strip()
    if not number:
        raise TransitionRefusedError(
            _("Enter the number of the procuracy's decision."), field="decision_number"
        )
    if len(number) > 80:
        raise TransitionRefusedError(_("The decision number is too long."), field="decision_number")
    return number


def _cancel_suspension(
    tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime
) -> _Result:
    """BLTTHS Art. 148(2) (2021 text): the procuracy cancels a suspension without grounds; the
    resolution goes on for at most 1 month from the day the unit receives the cancellation
    (recorded now)."""
    number = _procuracy_decision_number(data)
    tip.status = S.RESOLVING
    tip.suspended_at = None
    tip.suspension_ground = ""
    set_deadline(tip, resumed_deadline(now, kind=DueKind.DECIDE_CANCELLED))
    assert tip.due_at is not None
    return _Result(
        text=_clean_reason(data.reason, required=False, what=""),
        data={"decision_number": number, "due_at": tip.due_at.isoformat()},
    )


def _cancel_not_prosecute(
    tip: Tip, actor: AbstractBaseUser, data: ActionInput, now: dt.datetime
) -> _Result:
    """BLTTHS Art. 159: the procuracy cancels a decision not to prosecute without grounds. The
    tip is resolved again; no article found sets the new time limit, so it is the setting
    `reopened_decide_days` (20 days, as Art. 147(1)) from the day the unit receives the
    cancellation (recorded now). The result the tipster was told no longer stands."""
    number = _procuracy_decision_number(data)
    before = {
        "outcome": tip.outcome,
        "concluded_at": tip.concluded_at.isoformat() if tip.concluded_at else None,
    }
    tip.status = S.RESOLVING
    tip.outcome = ""
    tip.concluded_at = None
    tip.decided_in_time = None
    tip.procuracy_due_at, tip.procuracy_sent_at = None, None
    end = days_later(local_date(now), deadline_setting("reopened_decide_days"))
    set_deadline(tip, _day_end(DueKind.DECIDE_REOPENED, end, None))
    _clear_result(tip)
    assert tip.due_at is not None
    return _Result(
        text=_clean_reason(data.reason, required=False, what=""),
        data={
            "decision_number": number,
            "due_at": tip.due_at.isoformat(),
            "before": before,
        },
    )


_HANDLERS: dict[str, Handler] = {
    A.CHECK: _check,
    A.FORWARD: _forward,
    A.ACCEPT: _accept,
    A.RETURN: _return,
    A.REROUTE: _reroute,
    A.TAKE: _take,
    A.EXTEND_COMPLEX: _extend_complex,
    A.EXTEND_PROCURACY: _extend_procuracy,
    A.SUSPEND: _suspend,
    A.RESUME: _resume,
    A.PROSECUTE: _prosecute,
    A.NOT_PROSECUTE: _not_prosecute,
    A.HAND_OVER: _hand_over,
    A.MERGE: _merge,
    A.SEND_TO_PROCURACY: _send_to_procuracy,
    A.CORRECT_OUTCOME: _correct_outcome,
    A.PROCURACY_CANCEL_SUSPENSION: _cancel_suspension,
    A.PROCURACY_CANCEL_NOT_PROSECUTE: _cancel_not_prosecute,
}
assert set(_HANDLERS) == set(TRANSITIONS)


def deadlines_recompute_for_calendar(days: list[dt.date], actor: AbstractBaseUser | None) -> None:
    """An announced change of the working-day calendar (`toandan.workdays`): the open tips
    whose period ends on or before a changed day and whose deadline is on or after it may now
    end on another day (BLTTHS Art. 134). Each one moved is saved with an audit event saying
    from which day to which; the caller holds the transaction."""
    for day in days:
        affected = (
            Tip.objects.select_for_update(of=("self",))
            .filter(
                status__in=OPEN_STATUSES,
                due_period_end__isnull=False,
                due_period_end__lte=day,
                due_at__gte=end_of_day(day),
            )
            .order_by("pk")
        )
        for tip in affected:
            assert tip.due_period_end is not None
            assert tip.due_at is not None
            deadline = period_deadline(tip.due_kind, tip.due_period_end)
            if deadline.due_at == tip.due_at:
                continue
            before = due_date(tip.due_at)
            tip.due_at = deadline.due_at
            tip.save(update_fields=["due_at"])
            audit_record(
                actor=actor,
                action=TipsAction.TIP_DEADLINE_RECOMPUTED,
                target=tip,
                data={
                    "reference": tip.reference,
                    "changed_day": day.isoformat(),
                    "before": before.isoformat(),
                    "after": deadline.last_day.isoformat(),
                },
            )


def tip_note_add(
    *, actor: AnyUser, tip: Tip, text: str, now: dt.datetime | None = None
) -> TipEvent:
    """An internal note: officers of the units on the tip read it; the tipster never does."""
    now = now or timezone.now()
    if not isinstance(actor, AbstractBaseUser) or not policies.may_handle(actor, tip):
        raise TipNotFoundError
    text = _clean_reason(text, required=True, what=_("Write the note."))
    with transaction.atomic():
        event = event_record(
            tip=tip,
            action=A.NOTE,
            actor=actor,
            now=now,
            from_status=tip.status,
            to_status=tip.status,
            unit=actor_unit(actor, tip.responsible_unit),
            text=text,
        )
        audit_record(
            actor=actor,
            action=TipsAction.TIP_NOTE,
            target=tip,
            data={"reference": tip.reference, "event": event.pk},
        )
        # After the audit event, as in every transition: one order of locks everywhere.
        if tip.first_action_at is None:
            if Tip.objects.filter(pk=tip.pk, first_action_at__isnull=True).update(
                first_action_at=now
            ):
                # Read after the update holds the row lock: the facts of the tip as it is.
                after = tip_facts(Tip.objects.get(pk=tip.pk))
                tip_changed({**after, "first_action_at": None}, after)
            tip.first_action_at = now
    return event
