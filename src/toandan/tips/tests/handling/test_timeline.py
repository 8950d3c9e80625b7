"""The legal timeline of a tip as a state machine (`toandan.tips.handling.timeline.tip_act`).

Every (status, action) pair of the transition table is walked: allowed ones succeed with valid
input and leave one history entry and one audit event; all others are refused with a message
and leave nothing. Then the deadlines at their edges on real tips (month ends, suspension and
resumption, extensions, 24 h / 48 h / 7 days), forwarding and acceptance between units,
re-routing, merging, conclusions the tipster is told about (BLTTHS Art. 158), and who may see
or touch a tip at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.exceptions import PermissionDenied
from django.utils import translation

from toandan.accounts.models import User
from toandan.accounts.tests.factories import unit
from toandan.audit.models import AuditEvent
from toandan.orgs.models import OrgUnit
from toandan.tips import policies, services
from toandan.tips.deadlines import LOCAL_TZ, due_date
from toandan.tips.handling.timeline import (
    DEFAULT_DEADLINES,
    TRANSITIONS,
    ActionInput,
    TipNotFoundError,
    TransitionRefusedError,
    allowed_actions,
    open_event_text,
    tip_act,
    tip_note_add,
)
from toandan.tips.models import (
    Channel,
    DueKind,
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
from toandan.tips.selectors import (
    tip_content,
    tip_data_key,
    tip_get_for_staff,
    tip_public_view,
)
from toandan.tips.tests.conftest import (
    BA_DINH,
    BA_DINH_POLICE,
    HANOI_POLICE,
    HOAN_KIEM_POLICE,
    category,
    commune,
    tip_input,
)


def in_site_language(text: object) -> str:
    """What the tipster is told is written in the site's language, whoever acts."""
    with translation.override("vi"):
        return str(text)


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    # The messages are asserted in their English source text; the Vietnamese interface is
    # tested by the page tests (test_views_handling).
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

A = TipAction
S = TipStatus
REASON = "Cần xác minh thêm tại nhiều địa điểm."


def vn(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


RECEIVED = vn(2026, 3, 2, 9)
LATER = vn(2026, 3, 2, 10)


@pytest.fixture(autouse=True)
def _law_defaults(settings: LazySettings) -> None:
    settings.TOANDAN_TIP_DEADLINES = dict(DEFAULT_DEADLINES)


@dataclass
class People:
    hoan_kiem: User  # officer of the commune police that receives the tips below
    ba_dinh: User  # officer of a neighbouring commune police
    leader: User  # leader of the Hà Nội police (the province)
    cadre: User  # Women's Union cadre of phường Hoàn Kiếm


@pytest.fixture
def people(officer_hoan_kiem, officer_ba_dinh, leader_hanoi, cadre_hoan_kiem) -> People:
    return People(officer_hoan_kiem, officer_ba_dinh, leader_hanoi, cadre_hoan_kiem)


def receive(at: dt.datetime = RECEIVED, **overrides: Any) -> Tip:
    """A web tip about phường Hoàn Kiếm (theft unless said otherwise), received at `at`."""
    overrides.setdefault("occurred_on", dt.date(2025, 12, 1))
    data = tip_input(**overrides)
    return services.tip_receive(data=data, channel=Channel.WEB, received_at=at).tip


def act(actor: Any, tip: Tip, action: str, at: dt.datetime = LATER, **fields: Any) -> Tip:
    return tip_act(actor=actor, tip=tip, action=action, data=ActionInput(**fields), now=at)


def fresh(tip: Tip) -> Tip:
    return Tip.objects.select_related("responsible_unit", "pending_unit", "category").get(pk=tip.pk)


def last_day(tip: Tip) -> dt.date:
    """The last day of the tip's running deadline, as the officer reads it."""
    assert tip.due_at is not None
    return due_date(tip.due_at)


def written_for(tip: Tip) -> tuple[int, int]:
    """(history entries of the tip, audit events overall): what an action may have written."""
    return TipEvent.objects.filter(tip=tip).count(), AuditEvent.objects.count()


CONCLUDE_VALUABLE: dict[str, Any] = {
    "valuable": True,
    "valuable_reasons": [ValuableReason.LED_TO_CASE],
    "offence_chapter": 16,
    "arrested_count": 2,
    "property_recovered_vnd": 15_000_000,
}
NOT_VALUABLE: dict[str, Any] = {"valuable": False}


# --- The table itself -----------------------------------------------------------------------------

# The state machine, written out by hand so a change of the table is a decision.
EXPECTED_TABLE: dict[str, tuple[set[str], str | None]] = {
    A.CHECK: ({S.RECEIVED}, S.CHECKING),
    A.FORWARD: ({S.RECEIVED, S.CHECKING}, S.FORWARDED),
    A.ACCEPT: ({S.FORWARDED}, S.CHECKING),
    A.RETURN: ({S.FORWARDED}, S.CHECKING),
    A.REROUTE: ({S.RECEIVED, S.CHECKING, S.FORWARDED, S.RESOLVING, S.SUSPENDED}, None),
    A.TAKE: ({S.RECEIVED, S.CHECKING}, S.RESOLVING),
    A.EXTEND_COMPLEX: ({S.RESOLVING}, None),
    A.EXTEND_PROCURACY: ({S.RESOLVING}, None),
    A.SUSPEND: ({S.RESOLVING}, S.SUSPENDED),
    A.RESUME: ({S.SUSPENDED}, S.RESOLVING),
    A.PROSECUTE: ({S.RESOLVING}, S.CONCLUDED),
    A.NOT_PROSECUTE: ({S.RESOLVING}, S.CONCLUDED),
    A.HAND_OVER: ({S.RECEIVED, S.CHECKING, S.RESOLVING}, S.CONCLUDED),
    A.MERGE: ({S.RECEIVED, S.CHECKING, S.RESOLVING, S.SUSPENDED}, S.MERGED),
    A.SEND_TO_PROCURACY: ({S.CONCLUDED, S.SUSPENDED}, None),
    A.CORRECT_OUTCOME: ({S.CONCLUDED}, None),
    A.PROCURACY_CANCEL_SUSPENSION: ({S.SUSPENDED}, S.RESOLVING),
    A.PROCURACY_CANCEL_NOT_PROSECUTE: ({S.CONCLUDED}, S.RESOLVING),
}


def test_the_transition_table_is_the_legal_timeline():
    actual = {action: ({str(s) for s in t.sources}, t.target) for action, t in TRANSITIONS.items()}
    assert actual == {str(a): (set(map(str, s)), t) for a, (s, t) in EXPECTED_TABLE.items()}


def test_every_action_but_notes_messages_and_reveals_is_a_transition():
    assert set(TRANSITIONS) == set(A.values) - {A.NOTE, A.MESSAGE, A.REVEAL}


def test_closed_tips_accept_no_transition_that_changes_their_status():
    # But the procuracy's cancellation of a decision not to prosecute (BLTTHS Art. 159).
    for transition in TRANSITIONS.values():
        if S.MERGED in transition.sources:
            pytest.fail(f"{transition.action} applies to a merged tip")
        if (
            S.CONCLUDED in transition.sources
            and transition.action != A.PROCURACY_CANCEL_NOT_PROSECUTE
        ):
            assert transition.target is None, transition.action


# --- Walking every (status, action) pair ---------------------------------------------------------

Step = tuple[str, str, Callable[[People, Tip], dict[str, Any]]]


def _to_ba_dinh(people: People, other: Tip) -> dict[str, Any]:
    return {"target_unit": unit(BA_DINH_POLICE), "reason": "Nơi xảy ra thuộc phường Ba Đình."}


def _nothing(people: People, other: Tip) -> dict[str, Any]:
    return {}


# Who does each action with valid input: (actor, input).
VALID: dict[str, tuple[str, Callable[[People, Tip], dict[str, Any]]]] = {
    A.CHECK: ("hoan_kiem", _nothing),
    A.FORWARD: ("hoan_kiem", _to_ba_dinh),
    A.ACCEPT: ("ba_dinh", _nothing),
    A.RETURN: ("ba_dinh", lambda p, o: {"reason": "Không thuộc địa bàn phường Ba Đình."}),
    A.REROUTE: ("leader", _to_ba_dinh),
    A.TAKE: ("hoan_kiem", _nothing),
    A.EXTEND_COMPLEX: ("hoan_kiem", lambda p, o: {"reason": REASON}),
    A.EXTEND_PROCURACY: (
        "hoan_kiem",
        lambda p, o: {"decision_number": "15/QĐ-VKS-HK", "months": 2},
    ),
    A.SUSPEND: ("hoan_kiem", lambda p, o: {"ground": SuspensionGround.EXPERT_ASSESSMENT}),
    A.RESUME: ("hoan_kiem", _nothing),
    A.PROSECUTE: (
        "hoan_kiem",
        lambda p, o: {"decision_number": "08/QĐ-KTVA", **CONCLUDE_VALUABLE},
    ),
    A.NOT_PROSECUTE: (
        "hoan_kiem",
        lambda p, o: {"reason": "Hành vi không cấu thành tội phạm.", **NOT_VALUABLE},
    ),
    A.HAND_OVER: (
        "hoan_kiem",
        lambda p, o: {
            "agency": "UBND phường Hoàn Kiếm",
            "reason": "Tranh chấp dân sự, không có dấu hiệu tội phạm.",
            **NOT_VALUABLE,
        },
    ),
    A.MERGE: ("hoan_kiem", lambda p, o: {"merge_into": o}),
    A.SEND_TO_PROCURACY: ("hoan_kiem", lambda p, o: {"decision_number": "03/QĐ-KKT"}),
    A.CORRECT_OUTCOME: (
        "hoan_kiem",
        lambda p, o: {"reason": "Đã bắt được đối tượng sau đó.", **CONCLUDE_VALUABLE},
    ),
    A.PROCURACY_CANCEL_SUSPENSION: ("hoan_kiem", lambda p, o: {"decision_number": "21/QĐ-VKS"}),
    A.PROCURACY_CANCEL_NOT_PROSECUTE: (
        "hoan_kiem",
        lambda p, o: {"decision_number": "22/QĐ-VKS"},
    ),
}
assert set(VALID) == set(TRANSITIONS)

# How a freshly received tip reaches each status.
REACH: dict[str, list[str]] = {
    S.RECEIVED: [],
    S.CHECKING: [A.CHECK],
    S.FORWARDED: [A.FORWARD],
    S.RESOLVING: [A.TAKE],
    S.SUSPENDED: [A.TAKE, A.SUSPEND],
    S.CONCLUDED: [A.TAKE, A.NOT_PROSECUTE],
    S.MERGED: [A.MERGE],
}
# What else an action needs first (beyond the status).
PREPARE: dict[str, list[str]] = {A.EXTEND_PROCURACY: [A.EXTEND_COMPLEX]}


def when(tip: Tip, action: str, at: dt.datetime) -> dt.datetime:
    """When the walk does `action`: at `at`, but a suspension on the last day of the time limit
    (BLTTHS Art. 148(1): only once it has run out)."""
    if action == A.SUSPEND and tip.due_at is not None:
        return max(at, tip.due_at - dt.timedelta(hours=1))
    return at


def do_valid(people: People, tip: Tip, action: str, other: Tip, at: dt.datetime = LATER) -> Tip:
    who, build = VALID[action]
    at = when(tip, action, at)
    return act(getattr(people, who), tip, action, at=at, **build(people, other))


def tip_in_status(people: People, status: str) -> tuple[Tip, Tip]:
    """A tip in `status`, and another open tip of the same unit (to merge into)."""
    other = receive()
    tip = receive()
    for action in REACH[status]:
        tip = do_valid(people, tip, action, other, at=LATER - dt.timedelta(minutes=30))
    assert tip.status == status
    return fresh(tip), other


PAIRS = [(status, action) for status in S.values for action in TRANSITIONS]
ALLOWED = [(s, a) for s, a in PAIRS if s in TRANSITIONS[a].sources]
REFUSED = [(s, a) for s, a in PAIRS if s not in TRANSITIONS[a].sources]


@pytest.mark.parametrize(("status", "action"), ALLOWED)
def test_an_allowed_transition_succeeds_and_writes_one_event_and_one_audit(
    people: People, status: str, action: str
):
    tip, other = tip_in_status(people, status)
    for step in PREPARE.get(action, []):
        tip = do_valid(people, tip, step, other, at=LATER - dt.timedelta(minutes=10))
    events_before, audits_before = written_for(tip)
    last_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    expected_at = when(tip, action, LATER)

    result = do_valid(people, tip, action, other)

    target = TRANSITIONS[action].target
    # Re-routing a forwarded tip settles it at the new unit: nothing is pending any more.
    expected = S.CHECKING if (status, action) == (S.FORWARDED, A.REROUTE) else target or status
    assert result.status == expected
    assert fresh(tip).status == expected
    events = list(TipEvent.objects.filter(tip=tip).order_by("pk"))
    assert len(events) == events_before + 1
    event = events[-1]
    assert (event.action, event.from_status, event.to_status) == (action, status, expected)
    assert event.created_at == expected_at
    new_audits = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq"))
    assert [a.action for a in new_audits] == [f"tips.tip.{action}"]
    assert new_audits[0].object_id == str(tip.pk)
    assert new_audits[0].data["reference"] == tip.reference
    assert new_audits[0].data["event"] == event.pk
    assert AuditEvent.objects.count() == audits_before + 1


@pytest.mark.parametrize(("status", "action"), REFUSED)
def test_a_transition_from_another_status_is_refused_and_writes_nothing(
    people: People, status: str, action: str
):
    tip, other = tip_in_status(people, status)
    before = written_for(tip)
    row_before = Tip.objects.filter(pk=tip.pk).values().get()
    _, build = VALID[action]

    # The province leader sees every tip of Hà Nội: only the status stands in the way.
    with pytest.raises(TransitionRefusedError) as refused:
        act(people.leader, tip, action, **build(people, other))

    assert refused.value.message.strip()
    assert str(S(status).label) in refused.value.message
    assert written_for(tip) == before
    assert Tip.objects.filter(pk=tip.pk).values().get() == row_before


def test_an_unknown_action_is_refused(people: People):
    tip = receive()

    with pytest.raises(TransitionRefusedError) as refused:
        act(people.hoan_kiem, tip, "close_quietly")

    assert refused.value.message
    assert TipEvent.objects.filter(tip=tip).count() == 0


def test_the_tip_the_event_and_the_audit_are_one_transaction(
    people: People, monkeypatch: pytest.MonkeyPatch
):
    tip = receive()
    before = written_for(tip)

    def broken(*args: Any, **kwargs: Any) -> None:
        msg = "notification store down"
        raise RuntimeError(msg)

    # The last step of the transaction fails: the status change, the history entry and the
    # audit event must all roll back with it.
    monkeypatch.setattr("toandan.tips.handling.notices.notify_tip_event", broken)
    with pytest.raises(RuntimeError):
        act(people.hoan_kiem, tip, A.TAKE)

    assert written_for(tip) == before
    assert fresh(tip).status == S.RECEIVED
    assert fresh(tip).due_kind == DueKind.FORWARD


# --- Refusals with a valid status: the input or the rule ------------------------------------------


@pytest.mark.parametrize(
    ("status", "action", "fields", "field"),
    [
        (S.RECEIVED, A.FORWARD, {"reason": REASON}, "target_unit"),
        (S.RECEIVED, A.FORWARD, {"target_unit": "ba_dinh"}, "reason"),
        (S.RECEIVED, A.FORWARD, {"target_unit": "hoan_kiem", "reason": REASON}, "target_unit"),
        (S.RECEIVED, A.FORWARD, {"target_unit": "union", "reason": REASON}, "target_unit"),
        (S.FORWARDED, A.RETURN, {}, "reason"),
        (S.RESOLVING, A.EXTEND_COMPLEX, {"reason": "   "}, "reason"),
        (S.RESOLVING, A.EXTEND_COMPLEX, {"reason": "x" * 2001}, "reason"),
        (S.RESOLVING, A.SUSPEND, {}, "ground"),
        (S.RESOLVING, A.SUSPEND, {"ground": "bored"}, "ground"),
        (S.RESOLVING, A.NOT_PROSECUTE, NOT_VALUABLE, "reason"),
        (S.RESOLVING, A.NOT_PROSECUTE, {"reason": REASON}, "valuable"),
        (S.RESOLVING, A.PROSECUTE, {}, "valuable"),
        (S.RESOLVING, A.PROSECUTE, {"valuable": True}, "valuable_reasons"),
        (
            S.RESOLVING,
            A.PROSECUTE,
            {"valuable": False, "valuable_reasons": [ValuableReason.ARREST]},
            "valuable_reasons",
        ),
        (
            S.RESOLVING,
            A.PROSECUTE,
            {"valuable": True, "valuable_reasons": ["famous"]},
            "valuable_reasons",
        ),
        (
            S.RESOLVING,
            A.PROSECUTE,
            {"valuable": True, "valuable_reasons": ["arrest"], "offence_chapter": 99},
            "offence_chapter",
        ),
        (
            S.RESOLVING,
            A.PROSECUTE,
            {"valuable": True, "valuable_reasons": ["arrest"], "arrested_count": -1},
            "arrested_count",
        ),
        (S.CHECKING, A.HAND_OVER, {"reason": REASON, **NOT_VALUABLE}, "agency"),
        (S.CHECKING, A.HAND_OVER, {"agency": "UBND phường", **NOT_VALUABLE}, "reason"),
        (S.CHECKING, A.HAND_OVER, {"agency": "UBND phường", "reason": REASON}, "valuable"),
        (S.RECEIVED, A.MERGE, {}, "merge_into"),
        (S.RECEIVED, A.MERGE, {"merge_into": "self"}, "merge_into"),
        (S.CONCLUDED, A.CORRECT_OUTCOME, CONCLUDE_VALUABLE, "reason"),
        (S.CONCLUDED, A.CORRECT_OUTCOME, {"reason": REASON}, "valuable"),
        (S.SUSPENDED, A.PROCURACY_CANCEL_SUSPENSION, {}, "decision_number"),
        (
            S.CONCLUDED,
            A.PROCURACY_CANCEL_NOT_PROSECUTE,
            {"decision_number": " "},
            "decision_number",
        ),
    ],
)
def test_invalid_input_is_refused_naming_the_field_and_writes_nothing(
    people: People, status: str, action: str, fields: dict[str, Any], field: str
):
    tip, _ = tip_in_status(people, status)
    resolved = dict(fields)
    units = {
        "ba_dinh": BA_DINH_POLICE,
        "hoan_kiem": HOAN_KIEM_POLICE,
        "union": "PN-01-00004",
    }
    if isinstance(resolved.get("target_unit"), str):
        resolved["target_unit"] = unit(units[resolved["target_unit"]])
    if resolved.get("merge_into") == "self":
        resolved["merge_into"] = tip
    who, _build = VALID[action]
    before = written_for(tip)
    row_before = Tip.objects.filter(pk=tip.pk).values().get()

    # A suspension is tried on the last day of the time limit, when Art. 148(1) allows it.
    at = tip.due_at - dt.timedelta(hours=1) if action == A.SUSPEND and tip.due_at else LATER
    with pytest.raises(TransitionRefusedError) as refused:
        act(getattr(people, who), tip, action, at=at, **resolved)

    assert refused.value.field == field
    assert refused.value.message.strip()
    assert written_for(tip) == before
    assert Tip.objects.filter(pk=tip.pk).values().get() == row_before


def test_forwarding_to_a_unit_closed_by_the_reform_names_it(people: People):
    tip = receive()
    OrgUnit.objects.filter(code=BA_DINH_POLICE).update(valid_to=dt.date(2026, 1, 31))

    with pytest.raises(TransitionRefusedError) as refused:
        act(people.hoan_kiem, tip, A.FORWARD, **_to_ba_dinh(people, tip))

    assert refused.value.field == "target_unit"
    assert unit(BA_DINH_POLICE).name in refused.value.message


# --- Deadlines on real tips -----------------------------------------------------------------------


def test_received_on_31_january_taken_for_resolution_is_due_by_20_february(people: People):
    tip = receive(at=vn(2026, 1, 31, 16))

    tip = act(people.hoan_kiem, tip, A.TAKE, at=vn(2026, 2, 3, 8))

    assert tip.due_kind == DueKind.DECIDE
    assert last_day(tip) == dt.date(2026, 2, 20)
    # Counted from receipt, not from the day the officer took it.
    assert tip.due_at == vn(2026, 2, 21, 0)


def test_a_complex_case_received_on_31_december_runs_to_monday_2_march(people: People):
    tip = receive(at=vn(2025, 12, 31, 10))
    tip = act(people.hoan_kiem, tip, A.TAKE, at=vn(2026, 1, 2))
    assert last_day(tip) == dt.date(2026, 1, 20)

    tip = act(people.hoan_kiem, tip, A.EXTEND_COMPLEX, at=vn(2026, 1, 15), reason=REASON)

    assert tip.complex_extended is True
    assert tip.due_kind == DueKind.DECIDE_COMPLEX
    # The two months count to Saturday 28/02/2026; Art. 134 ends them on Monday.
    assert last_day(tip) == dt.date(2026, 3, 2)
    event = TipEvent.objects.filter(tip=tip, action=A.EXTEND_COMPLEX).get()
    assert open_event_text(tip, event, tip_data_key(tip)) == REASON
    assert REASON.encode() not in bytes(event.text)


def test_a_case_is_extended_as_complex_only_once_and_only_from_the_20_days(people: People):
    tip = act(people.hoan_kiem, receive(), A.TAKE)
    tip = act(people.hoan_kiem, tip, A.EXTEND_COMPLEX, reason=REASON)

    with pytest.raises(TransitionRefusedError, match="already"):
        act(people.hoan_kiem, tip, A.EXTEND_COMPLEX, reason=REASON)
    assert A.EXTEND_COMPLEX not in allowed_actions(fresh(tip), people.hoan_kiem)


def test_the_procuracy_extends_once_after_the_complex_extension(people: People):
    tip = act(people.hoan_kiem, receive(at=vn(2025, 12, 31, 10)), A.TAKE, at=vn(2026, 1, 2))

    with pytest.raises(TransitionRefusedError, match="complex"):
        act(people.hoan_kiem, tip, A.EXTEND_PROCURACY, decision_number="15/QĐ-VKS")
    tip = act(people.hoan_kiem, tip, A.EXTEND_COMPLEX, reason=REASON, at=vn(2026, 1, 15))
    assert A.EXTEND_PROCURACY in allowed_actions(fresh(tip), people.hoan_kiem, now=vn(2026, 1, 16))

    tip = act(
        people.hoan_kiem,
        tip,
        A.EXTEND_PROCURACY,
        at=vn(2026, 2, 25),
        decision_number="  15/QĐ-VKS  ",
        months=2,
    )

    assert tip.due_kind == DueKind.DECIDE_PROCURACY
    assert last_day(tip) == dt.date(2026, 4, 28)
    assert tip.procuracy_decision == "15/QĐ-VKS"
    event = TipEvent.objects.filter(tip=tip, action=A.EXTEND_PROCURACY).get()
    assert event.data["decision_number"] == "15/QĐ-VKS"
    assert event.data["months"] == 2
    with pytest.raises(TransitionRefusedError, match="once"):
        act(people.hoan_kiem, tip, A.EXTEND_PROCURACY, decision_number="16/QĐ-VKS", months=1)
    assert A.EXTEND_PROCURACY not in allowed_actions(fresh(tip), people.hoan_kiem)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"months": 1}, "decision_number"),
        ({"decision_number": "15/QĐ-VKS", "months": 3}, "months"),
        ({"decision_number": "15/QĐ-VKS", "months": 0}, "months"),
        ({"decision_number": "x" * 81}, "decision_number"),
    ],
)
def test_the_procuracy_extension_needs_a_decision_number_and_at_most_two_months(
    people: People, fields: dict[str, Any], field: str
):
    tip = act(people.hoan_kiem, receive(), A.TAKE)
    tip = act(people.hoan_kiem, tip, A.EXTEND_COMPLEX, reason=REASON)

    with pytest.raises(TransitionRefusedError) as refused:
        act(people.hoan_kiem, tip, A.EXTEND_PROCURACY, **fields)

    assert refused.value.field == field
    assert fresh(tip).procuracy_decision == ""


def test_a_one_month_procuracy_extension(people: People):
    tip = act(people.hoan_kiem, receive(at=vn(2025, 12, 31, 10)), A.TAKE, at=vn(2026, 1, 2))
    tip = act(people.hoan_kiem, tip, A.EXTEND_COMPLEX, reason=REASON, at=vn(2026, 1, 15))

    tip = act(
        people.hoan_kiem,
        tip,
        A.EXTEND_PROCURACY,
        at=vn(2026, 2, 20),
        decision_number="15/QĐ",
        months=1,
    )

    # From the complex period's end as counted (Sat 28/02), one month: Sat 28/03 → Mon 30/03.
    assert last_day(tip) == dt.date(2026, 3, 30)


def test_suspension_stops_the_clock_and_resumption_on_31_january_ends_with_february(
    people: People,
):
    tip = act(people.hoan_kiem, receive(at=vn(2026, 1, 5)), A.TAKE, at=vn(2026, 1, 6))
    decide_by = tip.due_at
    assert last_day(tip) == dt.date(2026, 1, 25)

    tip = act(
        people.hoan_kiem,
        tip,
        A.SUSPEND,
        at=vn(2026, 1, 25),
        ground=SuspensionGround.VALUATION,
        reason="Chờ kết quả định giá chiếc xe máy.",
    )
    assert (tip.status, tip.due_at, tip.due_kind) == (S.SUSPENDED, None, "")
    assert tip.suspension_ground == SuspensionGround.VALUATION
    assert tip.suspended_at == vn(2026, 1, 25)
    suspended = TipEvent.objects.filter(tip=tip, action=A.SUSPEND).get()
    # What the deadline was, should the suspension be found unlawful.
    assert dt.datetime.fromisoformat(suspended.data["before"]["due_at"]) == decide_by
    assert suspended.data["before"]["due_kind"] == DueKind.DECIDE

    tip = act(people.hoan_kiem, tip, A.RESUME, at=vn(2026, 1, 31, 15))

    assert tip.status == S.RESOLVING
    assert tip.due_kind == DueKind.DECIDE_RESUMED
    # 28/02/2026 is a Saturday (BLTTHS Art. 134).
    assert last_day(tip) == dt.date(2026, 3, 2)
    assert (tip.suspended_at, tip.suspension_ground) == (None, "")


def test_after_resumption_the_case_can_no_longer_be_extended_as_complex(people: People):
    tip = act(people.hoan_kiem, receive(), A.TAKE)
    assert tip.due_at is not None
    at_the_end = tip.due_at - dt.timedelta(hours=1)
    tip = act(people.hoan_kiem, tip, A.SUSPEND, at=at_the_end, ground=SuspensionGround.DOCUMENTS)
    tip = act(people.hoan_kiem, tip, A.RESUME, at=at_the_end + dt.timedelta(minutes=5))

    with pytest.raises(TransitionRefusedError):
        act(people.hoan_kiem, tip, A.EXTEND_COMPLEX, reason=REASON)


def test_an_ordinary_tip_is_forwarded_within_seven_days(people: People):
    tip = receive(at=vn(2026, 2, 25, 22))

    assert tip.due_kind == DueKind.FORWARD
    assert last_day(tip) == dt.date(2026, 3, 4)
    assert tip.clock_started_at == vn(2026, 2, 25, 22)


def test_a_serious_tip_is_due_within_24_hours(people: People):
    tip = receive(at=vn(2026, 3, 10, 14, 25), category=category("drug-trafficking"))

    assert tip.due_at == vn(2026, 3, 11, 14, 25)


def test_a_serious_tip_in_a_remote_commune_is_due_within_48_hours(people: People):
    OrgUnit.objects.filter(code=HOAN_KIEM_POLICE).update(is_remote=True)

    tip = receive(at=vn(2026, 3, 10, 14, 25), category=category("drug-trafficking"))

    assert tip.due_at == vn(2026, 3, 12, 14, 25)


def test_marking_a_tip_flagrant_during_the_check_shortens_its_deadline(people: People):
    tip = receive(at=vn(2026, 3, 10, 14, 25))
    assert last_day(tip) == dt.date(2026, 3, 17)

    tip = act(people.hoan_kiem, tip, A.CHECK, at=vn(2026, 3, 10, 15), flagrant=True)

    assert tip.is_flagrant is True
    # From when the unit received it, not from the check.
    assert tip.due_at == vn(2026, 3, 11, 14, 25)


def test_settings_change_the_deadlines_of_new_tips(people: People, settings: LazySettings):
    settings.TOANDAN_TIP_DEADLINES = {"forward_days": 3, "decide_days": 10}

    tip = receive(at=vn(2026, 1, 31, 16))
    assert last_day(tip) == dt.date(2026, 2, 3)
    tip = act(people.hoan_kiem, tip, A.TAKE, at=vn(2026, 2, 1))

    assert last_day(tip) == dt.date(2026, 2, 10)


@pytest.mark.parametrize(
    ("late_by", "in_time"),
    [
        (dt.timedelta(0), True),
        (-dt.timedelta(seconds=1), True),
        (dt.timedelta(microseconds=1), False),
        (dt.timedelta(days=1), False),
    ],
)
def test_decided_in_time_at_the_edge_of_the_deadline(
    people: People, late_by: dt.timedelta, in_time: bool
):
    tip = act(people.hoan_kiem, receive(at=vn(2026, 1, 31, 16)), A.TAKE, at=vn(2026, 2, 1))
    deadline = tip.due_at
    assert deadline == vn(2026, 2, 21, 0)  # 24:00 on 20 February

    tip = act(
        people.hoan_kiem,
        tip,
        A.PROSECUTE,
        at=deadline + late_by,
        **CONCLUDE_VALUABLE,
    )

    assert tip.decided_in_time is in_time
    assert (tip.due_at, tip.due_kind) == (None, "")
    assert tip.concluded_at == deadline + late_by


# --- Forwarding, acceptance, sending back, re-routing --------------------------------------------


def test_forwarding_waits_for_the_receiving_unit_to_accept(people: People):
    tip = receive(at=vn(2026, 3, 2, 9))

    tip = act(people.hoan_kiem, tip, A.FORWARD, at=vn(2026, 3, 2, 10), **_to_ba_dinh(people, tip))

    assert tip.status == S.FORWARDED
    assert tip.pending_unit == unit(BA_DINH_POLICE)
    assert tip.responsible_unit == unit(HOAN_KIEM_POLICE)
    # Ba Đình reads it before accepting it; its own clock runs from the forwarding.
    assert tip_get_for_staff(user=people.ba_dinh, reference=tip.reference) is not None
    assert last_day(tip) == dt.date(2026, 3, 9)
    assert allowed_actions(fresh(tip), people.ba_dinh) == [A.ACCEPT, A.RETURN]
    assert A.ACCEPT not in allowed_actions(fresh(tip), people.hoan_kiem)
    event = TipEvent.objects.filter(tip=tip, action=A.FORWARD).get()
    assert event.target_unit == unit(BA_DINH_POLICE)
    assert event.unit == unit(HOAN_KIEM_POLICE)


def test_only_the_receiving_unit_accepts_a_forwarded_tip(people: People):
    tip = act(people.hoan_kiem, receive(), A.FORWARD, **_to_ba_dinh(people, receive()))

    with pytest.raises(TransitionRefusedError, match="forwarded to"):
        act(people.hoan_kiem, tip, A.ACCEPT)
    with pytest.raises(TransitionRefusedError):
        act(people.hoan_kiem, tip, A.RETURN, reason=REASON)

    tip = act(people.ba_dinh, tip, A.ACCEPT, at=vn(2026, 3, 3, 8))

    assert tip.status == S.CHECKING
    assert tip.responsible_unit == unit(BA_DINH_POLICE)
    assert tip.pending_unit is None
    # The clock runs from the delivery (Art. 147(1) "nhận được"), not the acceptance.
    assert tip.clock_started_at == LATER
    assert tip.accepted_at == vn(2026, 3, 3, 8)
    assert last_day(tip) == dt.date(2026, 3, 9)
    primary = TipRoute.objects.filter(tip=tip, role=RouteRole.PRIMARY, active=True).get()
    assert primary.org_unit == unit(BA_DINH_POLICE)
    # Hoàn Kiếm no longer handles it; Ba Đình does, and takes it for resolution.
    with pytest.raises(TipNotFoundError):
        act(people.hoan_kiem, tip, A.TAKE)
    tip = act(people.ba_dinh, tip, A.TAKE, at=vn(2026, 3, 3, 9))
    assert last_day(tip) == dt.date(2026, 3, 22)


def test_the_receiving_unit_can_send_a_forwarded_tip_back(people: People):
    tip = receive(at=vn(2026, 3, 2, 9))
    tip = act(people.hoan_kiem, tip, A.FORWARD, **_to_ba_dinh(people, tip))

    tip = act(
        people.ba_dinh,
        tip,
        A.RETURN,
        at=vn(2026, 3, 2, 15),
        reason="Địa điểm thuộc phường Hoàn Kiếm.",
    )

    assert tip.status == S.CHECKING
    assert tip.responsible_unit == unit(HOAN_KIEM_POLICE)
    assert tip.pending_unit is None
    # Back on Hoàn Kiếm's own clock, from its receipt.
    assert last_day(tip) == dt.date(2026, 3, 9)
    event = TipEvent.objects.filter(tip=tip, action=A.RETURN).get()
    assert event.data == {"from_unit": BA_DINH_POLICE}
    assert event.unit == unit(BA_DINH_POLICE)
    assert tip_get_for_staff(user=people.ba_dinh, reference=tip.reference) is None


def test_the_province_leader_reroutes_a_misrouted_tip(people: People):
    tip = act(people.hoan_kiem, receive(at=vn(2026, 3, 2, 9)), A.CHECK)
    assert A.REROUTE in allowed_actions(fresh(tip), people.leader)
    assert A.REROUTE not in allowed_actions(fresh(tip), people.hoan_kiem)

    tip = act(
        people.leader,
        tip,
        A.REROUTE,
        at=vn(2026, 3, 4, 9),
        **_to_ba_dinh(people, tip),
    )

    assert tip.responsible_unit == unit(BA_DINH_POLICE)
    assert tip.status == S.CHECKING
    # A misrouted tip starts afresh at the right unit.
    assert tip.clock_started_at == vn(2026, 3, 4, 9)
    assert last_day(tip) == dt.date(2026, 3, 11)
    event = TipEvent.objects.filter(tip=tip, action=A.REROUTE).get()
    assert event.unit == unit(HANOI_POLICE)
    assert event.data == {"from_unit": HOAN_KIEM_POLICE, "to_unit": BA_DINH_POLICE}


def test_a_commune_officer_may_not_reroute(people: People):
    tip = receive()

    with pytest.raises(TransitionRefusedError, match="province"):
        act(people.hoan_kiem, tip, A.REROUTE, **_to_ba_dinh(people, tip))

    assert fresh(tip).responsible_unit == unit(HOAN_KIEM_POLICE)


def test_rerouting_keeps_a_running_decision_deadline(people: People):
    tip = act(people.hoan_kiem, receive(at=vn(2026, 3, 2, 9)), A.TAKE)
    decide_by = tip.due_at

    tip = act(people.leader, tip, A.REROUTE, at=vn(2026, 3, 10), **_to_ba_dinh(people, tip))

    assert tip.status == S.RESOLVING
    assert tip.due_at == decide_by
    assert tip.due_kind == DueKind.DECIDE


def test_rerouting_a_forwarded_tip_settles_where_it_goes(people: People):
    tip = act(people.hoan_kiem, receive(), A.FORWARD, **_to_ba_dinh(people, receive()))

    tip = act(people.leader, tip, A.REROUTE, **_to_ba_dinh(people, tip))

    assert (tip.status, tip.responsible_unit, tip.pending_unit) == (
        S.CHECKING,
        unit(BA_DINH_POLICE),
        None,
    )


def test_a_leader_reroutes_only_to_units_under_their_own(people: People):
    tip = receive()
    lao_cai = OrgUnit.objects.get(code="CA-15")

    with pytest.raises(TransitionRefusedError) as refused:
        act(people.leader, tip, A.REROUTE, target_unit=lao_cai, reason=REASON)

    assert refused.value.field == "target_unit"


# --- Merging ------------------------------------------------------------------------------------


def test_merging_points_the_tip_and_its_earlier_merges_at_the_surviving_tip(people: People):
    survivor = receive()
    tip = receive()
    earlier = act(people.hoan_kiem, receive(), A.MERGE, merge_into=tip)
    assert earlier.merged_into == tip

    tip = act(people.hoan_kiem, tip, A.MERGE, merge_into=survivor, reason="Cùng một vụ việc.")

    assert tip.status == S.MERGED
    assert tip.merged_into == survivor
    assert (tip.due_at, tip.due_kind) == (None, "")
    assert tip.concluded_at == LATER
    assert fresh(earlier).merged_into == survivor
    assert fresh(survivor).status == S.RECEIVED
    event = TipEvent.objects.filter(tip=tip, action=A.MERGE).get()
    assert event.data == {"merged_into": survivor.reference}
    assert allowed_actions(fresh(tip), people.hoan_kiem) == []


def test_merging_only_into_an_open_tip_the_unit_handles(people: People):
    tip = receive()
    concluded = act(people.hoan_kiem, receive(), A.HAND_OVER, **VALID[A.HAND_OVER][1](people, tip))
    forwarded = act(people.hoan_kiem, receive(), A.FORWARD, **_to_ba_dinh(people, tip))
    elsewhere = receive(commune=commune(BA_DINH))
    assert elsewhere.responsible_unit == unit(BA_DINH_POLICE)

    for target in (concluded, forwarded, elsewhere):
        with pytest.raises(TransitionRefusedError) as refused:
            act(people.hoan_kiem, tip, A.MERGE, merge_into=target)
        assert refused.value.field == "merge_into"
    assert fresh(tip).status == S.RECEIVED


# --- Conclusions (Art. 147, 158) ----------------------------------------------------------------


def test_not_prosecuting_tells_the_tipster_the_reason_and_starts_the_procuracy_24_hours(
    people: People,
):
    tip = act(people.hoan_kiem, receive(), A.TAKE)
    reason = "Hành vi chưa đủ yếu tố cấu thành tội phạm; đã xử phạt hành chính."

    tip = act(
        people.hoan_kiem,
        tip,
        A.NOT_PROSECUTE,
        at=vn(2026, 3, 5, 16),
        reason=reason,
        valuable=True,
        valuable_reasons=[ValuableReason.ADMINISTRATIVE_SANCTION],
    )

    assert (tip.status, tip.outcome) == (S.CONCLUDED, Outcome.NOT_PROSECUTED)
    assert tip.procuracy_due_at == vn(2026, 3, 6, 16)
    view = tip_public_view(fresh(tip))
    assert view.result == in_site_language(Outcome.NOT_PROSECUTED.label)
    assert view.result_reason == reason
    assert view.is_closed
    # What the tipster is told lives in the encrypted content, not in a clear column.
    assert reason.encode() not in bytes(fresh(tip).content)
    assert A.SEND_TO_PROCURACY in allowed_actions(fresh(tip), people.hoan_kiem)


@pytest.mark.parametrize(("hours", "in_time"), [(24, True), (25, False)])
def test_sending_the_decision_to_the_procuracy_is_recorded_once(
    people: People, hours: int, in_time: bool
):
    tip = act(people.hoan_kiem, receive(), A.TAKE)
    decided = vn(2026, 3, 5, 16)
    tip = act(people.hoan_kiem, tip, A.NOT_PROSECUTE, at=decided, reason=REASON, **NOT_VALUABLE)

    tip = act(people.hoan_kiem, tip, A.SEND_TO_PROCURACY, at=decided + dt.timedelta(hours=hours))

    assert tip.procuracy_sent_at == decided + dt.timedelta(hours=hours)
    event = TipEvent.objects.filter(tip=tip, action=A.SEND_TO_PROCURACY).get()
    assert event.data["in_time"] is in_time
    with pytest.raises(TransitionRefusedError, match="already"):
        act(people.hoan_kiem, tip, A.SEND_TO_PROCURACY)


def test_a_decision_to_prosecute_goes_to_the_procuracy_within_24_hours(people: People):
    # BLTTHS Art. 154(2), TT 28/2020 Art. 16: tracked like the other decisions.
    tip = act(people.hoan_kiem, receive(), A.TAKE)
    decided = vn(2026, 3, 5, 16)
    tip = act(people.hoan_kiem, tip, A.PROSECUTE, at=decided, **CONCLUDE_VALUABLE)

    assert tip.procuracy_due_at == decided + dt.timedelta(hours=24)
    assert A.SEND_TO_PROCURACY in allowed_actions(fresh(tip), people.hoan_kiem)
    tip = act(people.hoan_kiem, tip, A.SEND_TO_PROCURACY, at=decided + dt.timedelta(hours=25))
    event = TipEvent.objects.filter(tip=tip, action=A.SEND_TO_PROCURACY).get()
    assert event.data["in_time"] is False


def test_a_handed_over_matter_does_not_go_to_the_procuracy(people: People):
    tip = act(people.hoan_kiem, receive(), A.HAND_OVER, **VALID[A.HAND_OVER][1](people, receive()))

    assert A.SEND_TO_PROCURACY not in allowed_actions(fresh(tip), people.hoan_kiem)
    with pytest.raises(TransitionRefusedError, match="158"):
        act(people.hoan_kiem, tip, A.SEND_TO_PROCURACY)


def test_prosecution_records_what_the_movement_counts(people: People):
    tip = act(people.hoan_kiem, receive(), A.TAKE)

    tip = act(people.hoan_kiem, tip, A.PROSECUTE, decision_number="08/QĐ-KTVA", **CONCLUDE_VALUABLE)

    tip = fresh(tip)
    assert (tip.status, tip.outcome, tip.decided_in_time) == (
        S.CONCLUDED,
        Outcome.PROSECUTED,
        True,
    )
    assert tip.valuable is True
    assert tip.valuable_reasons == [ValuableReason.LED_TO_CASE]
    assert (tip.offence_chapter, tip.arrested_count, tip.property_recovered_vnd) == (
        16,
        2,
        15_000_000,
    )
    # Art. 154(2): the decision to prosecute goes to the procuracy within 24 hours.
    assert tip.procuracy_due_at == LATER + dt.timedelta(hours=24)
    assert tip_public_view(tip).result == in_site_language(Outcome.PROSECUTED.label)
    event = TipEvent.objects.filter(tip=tip, action=A.PROSECUTE).get()
    assert event.data["decision_number"] == "08/QĐ-KTVA"


def test_handing_over_names_the_agency_to_the_tipster(people: People):
    tip = act(people.hoan_kiem, receive(), A.CHECK)

    tip = act(
        people.hoan_kiem,
        tip,
        A.HAND_OVER,
        agency="UBND phường Hoàn Kiếm",
        reason="Tranh chấp đất đai, không có dấu hiệu tội phạm.",
        **NOT_VALUABLE,
    )

    assert tip.outcome == Outcome.HANDED_OVER
    view = tip_public_view(fresh(tip))
    assert "UBND phường Hoàn Kiếm" in view.result
    assert view.result_reason == "Tranh chấp đất đai, không có dấu hiệu tội phạm."


def test_correcting_the_outcome_needs_a_reason_and_is_audited_with_before_and_after(
    people: People,
):
    tip = act(people.hoan_kiem, receive(), A.TAKE)
    tip = act(people.hoan_kiem, tip, A.NOT_PROSECUTE, reason=REASON, **NOT_VALUABLE)
    why = "Kết quả xác minh sau đó dẫn tới bắt giữ hai đối tượng."

    tip = act(people.hoan_kiem, tip, A.CORRECT_OUTCOME, reason=why, **CONCLUDE_VALUABLE)

    assert (tip.status, tip.outcome, tip.valuable) == (
        S.CONCLUDED,
        Outcome.NOT_PROSECUTED,
        True,
    )
    audit = AuditEvent.objects.filter(action="tips.tip.correct_outcome").get()
    # The reason is kept encrypted in the history entry the audit event names, not in the
    # append-only audit log, which outlives the tip.
    assert why not in audit.reason
    event = TipEvent.objects.get(pk=audit.data["event"])
    assert open_event_text(tip, event, tip_data_key(tip)) == why
    assert audit.actor_id == people.hoan_kiem.pk
    assert audit.data["before"]["valuable"] is False
    assert audit.data["after"]["valuable"] is True
    assert audit.data["after"]["arrested_count"] == 2
    # The tipster's result does not change with the statistics.
    assert tip_public_view(fresh(tip)).result_reason == REASON


# --- Who may see and act ------------------------------------------------------------------------


def test_an_officer_of_another_commune_gets_not_found(people: People):
    tip = receive()

    assert tip_get_for_staff(user=people.ba_dinh, reference=tip.reference) is None
    with pytest.raises(TipNotFoundError):
        act(people.ba_dinh, tip, A.TAKE)
    with pytest.raises(TipNotFoundError):
        tip_note_add(actor=people.ba_dinh, tip=tip, text="Ghi chú")
    assert allowed_actions(tip, people.ba_dinh) == []
    assert TipEvent.objects.filter(tip=tip).count() == 0


def test_the_province_police_see_and_act_on_tips_of_both_communes(people: People):
    hoan_kiem_tip = receive()
    ba_dinh_tip = receive(commune=commune(BA_DINH))

    for tip in (hoan_kiem_tip, ba_dinh_tip):
        assert tip_get_for_staff(user=people.leader, reference=tip.reference) is not None
        assert A.TAKE in allowed_actions(tip, people.leader)
    act(people.leader, ba_dinh_tip, A.TAKE)
    assert fresh(ba_dinh_tip).status == S.RESOLVING


def test_a_womens_union_cadre_sees_no_tip_content_and_cannot_act(people: People):
    tip = receive()

    assert tip_get_for_staff(user=people.cadre, reference=tip.reference) is None
    assert not policies.may_open_tip(people.cadre, tip)
    with pytest.raises(PermissionDenied):
        tip_content(tip, actor=people.cadre)
    with pytest.raises(TipNotFoundError):
        act(people.cadre, tip, A.CHECK)
    assert allowed_actions(tip, people.cadre) == []
    assert not AuditEvent.objects.filter(action="tips.tip.content.view").exists()


def test_an_anonymous_visitor_cannot_act(people: People):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(TipNotFoundError):
        act(AnonymousUser(), receive(), A.CHECK)


def test_allowed_actions_are_the_buttons_the_officer_can_press(people: People):
    tip = receive()

    assert set(allowed_actions(tip, people.hoan_kiem)) == {
        A.CHECK,
        A.FORWARD,
        A.TAKE,
        A.HAND_OVER,
        A.MERGE,
    }
    assert set(allowed_actions(tip, people.leader)) == {
        A.CHECK,
        A.FORWARD,
        A.TAKE,
        A.HAND_OVER,
        A.MERGE,
        A.REROUTE,
    }
    concluded = act(
        people.hoan_kiem, act(people.hoan_kiem, tip, A.TAKE), A.PROSECUTE, **CONCLUDE_VALUABLE
    )
    assert allowed_actions(fresh(concluded), people.hoan_kiem) == [
        A.SEND_TO_PROCURACY,
        A.CORRECT_OUTCOME,
    ]


def test_a_note_is_history_for_officers_only(people: People):
    tip = receive()

    event = tip_note_add(actor=people.hoan_kiem, tip=tip, text="Đã gọi điện cho tổ dân phố.")

    assert event.action == A.NOTE
    assert fresh(tip).status == S.RECEIVED
    assert open_event_text(tip, event, tip_data_key(tip)) == "Đã gọi điện cho tổ dân phố."
    assert AuditEvent.objects.filter(action="tips.tip.note").count() == 1
    assert "tổ dân phố" not in str(tip_public_view(fresh(tip)))


def test_the_result_is_stored_in_the_site_language_whatever_the_officer_reads(
    people: People,
):
    tip = act(people.hoan_kiem, receive(), A.TAKE)

    # An officer using the English interface: the tipster still reads Vietnamese.
    with translation.override("en"):
        tip = act(people.hoan_kiem, tip, A.NOT_PROSECUTE, reason=REASON, **NOT_VALUABLE)

    with translation.override("vi"):
        expected = str(Outcome.NOT_PROSECUTED.label)
        assert tip_public_view(fresh(tip)).result == expected


def test_a_deadline_is_extended_only_while_it_runs(people: People):
    """Art. 147(2): received 1 March → due 24:00 on 21 March. At 23:59 on the 21st the case can
    still be extended; at 24:00 it cannot, and the refusal names the day it ended."""
    tip = act(people.hoan_kiem, receive(at=vn(2026, 3, 1, 9)), A.TAKE, at=vn(2026, 3, 1, 10))
    assert last_day(tip) == dt.date(2026, 3, 21)

    with pytest.raises(TransitionRefusedError, match="21/03/2026"):
        act(people.hoan_kiem, tip, A.EXTEND_COMPLEX, at=vn(2026, 3, 22, 0, 0), reason=REASON)
    assert not fresh(tip).complex_extended

    tip = act(people.hoan_kiem, tip, A.EXTEND_COMPLEX, at=vn(2026, 3, 21, 23, 59), reason=REASON)
    assert tip.complex_extended
    assert A.EXTEND_PROCURACY in allowed_actions(fresh(tip), people.hoan_kiem, now=vn(2026, 4, 1))
    # Two months count to Friday 01/05 (Labour Day): the period ends on Monday 04/05.
    with pytest.raises(TransitionRefusedError, match="04/05/2026"):
        act(
            people.hoan_kiem,
            tip,
            A.EXTEND_PROCURACY,
            at=vn(2026, 5, 5, 0, 0),
            decision_number="07/QĐ-VKS",
            months=2,
        )


def test_a_surviving_tip_is_kept_as_long_as_the_tips_merged_into_it(people: People):
    older = receive(at=vn(2026, 1, 5, 9))
    newer = receive(at=vn(2026, 2, 20, 9))
    assert older.retention_until < newer.retention_until

    act(people.hoan_kiem, newer, A.MERGE, at=vn(2026, 2, 21, 9), merge_into=older)

    # The newer tipster reads the result on the older tip until their own tip's retention ends.
    assert fresh(older).retention_until == newer.retention_until


def test_a_suspension_is_sent_to_the_procuracy_within_24_hours_art_148(people: People):
    tip = act(people.hoan_kiem, receive(), A.TAKE)
    suspended_at = vn(2026, 3, 22, 10)  # the last of the 20 days from 02/03
    tip = act(people.hoan_kiem, tip, A.SUSPEND, at=suspended_at, ground="valuation")

    assert tip.procuracy_due_at == suspended_at + dt.timedelta(hours=24)
    tip = act(people.hoan_kiem, tip, A.SEND_TO_PROCURACY, at=vn(2026, 3, 22, 16))

    assert tip.procuracy_sent_at == vn(2026, 3, 22, 16)
    assert tip.status == S.SUSPENDED
    with pytest.raises(TransitionRefusedError, match="already"):
        act(people.hoan_kiem, tip, A.SEND_TO_PROCURACY, at=vn(2026, 3, 22, 17))
