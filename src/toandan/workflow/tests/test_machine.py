"""The workflow helper: declared machines refuse typos, and a step is checked, applied,
kept in the history and audited in one transaction — or not at all."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone

from toandan.audit.actions import register_actions
from toandan.audit.models import AuditEvent
from toandan.core.events import event_define, subscribe
from toandan.workflow.machine import (
    NEW,
    Machine,
    Transition,
    WorkflowAccessError,
    WorkflowRefusedError,
)
from toandan.workflow.models import StateChange
from toandan.workflow.selectors import history_of
from toandan.workflow.services import StepDone, workflow_apply, workflow_record_creation


class _State(models.TextChoices):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"


class _Action(StrEnum):
    STEP = "workflow-tests.step"


register_actions("workflow-tests", _Action)
_STEPPED = event_define("workflowtests.stepped", "a test machine took a step")
_SEEN: list[StepDone] = []
subscribe(_STEPPED, _SEEN.append, when="in_transaction")


def _machine() -> Machine:
    # The state lives in Group.name: any model with a text field can carry a machine, and
    # this one needs no table of its own.
    return Machine(
        "tests.group",
        states=_State,
        state_field="name",
        transitions=[
            Transition("submit", sources={"draft", "returned"}, target="submitted", by="anyone"),
            Transition(
                "return", sources={"submitted"}, target="returned", by="staff", reason="required"
            ),
            Transition("note", sources={"submitted"}, target=None, by="anyone", reason="optional"),
        ],
        policies={
            "anyone": lambda user, obj: user.is_authenticated,
            "staff": lambda user, obj: user.is_staff,
        },
    )


def test_a_transition_to_an_undeclared_state_fails_at_declaration() -> None:
    with pytest.raises(ValueError, match="unknown states"):
        Machine(
            "x",
            states=_State,
            policies={"a": lambda u, o: True},
            transitions=[Transition("go", sources={"draft"}, target="aproved", by="a")],
        )


def test_a_transition_naming_no_policy_fails_at_declaration() -> None:
    with pytest.raises(ValueError, match="names no policy"):
        Machine("x", policies={}, transitions=[Transition("go", sources={NEW}, target="a", by="b")])


def test_edges_list_every_step_with_its_target() -> None:
    assert set(_machine().edges()) == {
        ("draft", "submit", "submitted"),
        ("returned", "submit", "submitted"),
        ("submitted", "return", "returned"),
        ("submitted", "note", "submitted"),
    }


@pytest.mark.django_db
def test_a_step_changes_the_state_and_keeps_history_audit_and_event_together() -> None:
    user = get_user_model().objects.create_user("cadre", is_staff=True)
    group = Group.objects.create(name="draft")
    machine = _machine()
    workflow_record_creation(machine, group, actor=user, effective_on=dt.date(2023, 1, 1))
    _SEEN.clear()

    group, change = workflow_apply(
        machine,
        group,
        action="submit",
        actor=user,
        audit_action=_Action.STEP,
        document="12/QĐ-UBND",
        effective_on=dt.date(2023, 3, 1),
        event=_STEPPED,
        execute=lambda obj, t: {"extra": 1},
    )

    assert group.name == "submitted"
    assert [c.action for c in history_of(group)] == ["create", "submit"]
    assert (change.from_state, change.to_state, change.document) == (
        "draft",
        "submitted",
        "12/QĐ-UBND",
    )
    event = AuditEvent.objects.get(action=_Action.STEP)
    assert event.data["to_status"] == "submitted"
    assert event.data["extra"] == 1
    assert [seen.change.pk for seen in _SEEN] == [change.pk]


@pytest.mark.django_db
def test_a_refused_step_changes_nothing() -> None:
    user = get_user_model().objects.create_user("cadre")
    group = Group.objects.create(name="submitted")
    machine = _machine()

    with pytest.raises(WorkflowAccessError):  # "return" is for staff
        workflow_apply(
            machine,
            group,
            action="return",
            actor=user,
            audit_action=_Action.STEP,
            reason="thiếu số liệu",
        )
    user.is_staff = True
    with pytest.raises(WorkflowRefusedError) as refused:
        workflow_apply(
            machine, group, action="return", actor=user, audit_action=_Action.STEP, reason="   "
        )
    assert refused.value.field == "reason"
    with pytest.raises(WorkflowRefusedError) as refused:
        workflow_apply(machine, group, action="submit", actor=user, audit_action=_Action.STEP)
    assert refused.value.field == "action"

    def guard(obj: Group, transition: Transition) -> None:
        raise WorkflowRefusedError("no", field="members")

    with pytest.raises(WorkflowRefusedError):
        workflow_apply(
            machine, group, action="note", actor=user, audit_action=_Action.STEP, guard=guard
        )
    with pytest.raises(WorkflowRefusedError):
        workflow_apply(machine, group, action="nonsense", actor=user, audit_action=_Action.STEP)

    group.refresh_from_db()
    assert group.name == "submitted"
    assert not StateChange.objects.exists()
    assert not AuditEvent.objects.filter(action=_Action.STEP).exists()


@pytest.mark.django_db
def test_a_step_that_keeps_the_state_is_still_history() -> None:
    user = get_user_model().objects.create_user("cadre")
    group = Group.objects.create(name="submitted")

    group, change = workflow_apply(
        _machine(),
        group,
        action="note",
        actor=user,
        audit_action=_Action.STEP,
        reason="  đã gọi điện  ",
        now=timezone.now(),
    )

    assert (group.name, change.to_state, change.reason) == ("submitted", "submitted", "đã gọi điện")


def test_available_offers_only_what_the_user_may_do_from_the_state() -> None:
    class _U:
        is_authenticated = True
        is_staff = False

    class _O:
        name = "submitted"

    assert [t.action for t in _machine().available(_U(), _O())] == ["note"]
