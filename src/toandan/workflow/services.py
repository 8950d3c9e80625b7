"""Taking one step of a workflow: lock, check, guard, execute, history, audit, event — in one
transaction (see `toandan.workflow.machine`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from toandan.audit.services import audit_record
from toandan.core.events import Event, publish
from toandan.workflow.machine import Machine, Transition
from toandan.workflow.models import StateChange

M = TypeVar("M", bound=models.Model)
# Raises WorkflowRefusedError when the domain's own rule refuses the step (e.g. "a review
# needs at least one activity"); runs after the generic checks, on the locked object.
Guard = Callable[[Any, Transition], None]
# The domain's effects beyond the state (dates, decision numbers, counters); returns data to
# keep in the history and the audit event.
Execute = Callable[[Any, Transition], "dict[str, Any] | None"]


@dataclass(frozen=True)
class StepDone:
    """What `publish` passes to subscribers of a machine's event."""

    obj: Any
    transition: Transition
    change: StateChange


def object_type(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def workflow_apply(
    machine: Machine,
    obj: M,
    *,
    action: str,
    actor: Any,
    audit_action: StrEnum,
    reason: str = "",
    document: str = "",
    effective_on: dt.date | None = None,
    actor_unit: str = "",
    guard: Guard | None = None,
    execute: Execute | None = None,
    event: Event | None = None,
    now: dt.datetime | None = None,
) -> tuple[M, StateChange]:
    """Take `action` on `obj` for `actor`. Raises WorkflowAccessError (the actor may not) or
    WorkflowRefusedError (not now, with a message for the user); on either, nothing changes.

    The object is re-read under a row lock, so two people acting at once take turns and the
    second is checked against the first one's result."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        transition, text = machine.check(action, user=actor, obj=locked, reason=reason)
        if guard is not None:
            guard(locked, transition)
        before = machine.state_of(locked)
        if transition.target is not None:
            setattr(locked, machine.state_field, transition.target)
        data = (execute(locked, transition) if execute is not None else None) or {}
        locked.save()
        change = StateChange.objects.create(
            machine=machine.name,
            object_type=object_type(locked),
            object_id=str(locked.pk),
            action=transition.action,
            from_state=before,
            to_state=machine.state_of(locked),
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_unit=actor_unit,
            reason=text,
            document=document.strip(),
            effective_on=effective_on,
            at=now,
            data=data,
        )
        audit_record(
            actor=actor,
            action=audit_action,
            target=locked,
            reason=text,
            data={
                "from_status": before,
                "to_status": change.to_state,
                "document": change.document,
                **data,
            },
        )
        if event is not None:
            publish(event, StepDone(obj=locked, transition=transition, change=change))
    return locked, change


def workflow_record_creation(
    machine: Machine,
    obj: models.Model,
    *,
    actor: Any,
    action: str = "create",
    reason: str = "",
    document: str = "",
    effective_on: dt.date | None = None,
    actor_unit: str = "",
    now: dt.datetime | None = None,
) -> StateChange:
    """The first history row of an object created in the caller's transaction (its state is
    the one it was created in); the caller writes the audit event of the creation."""
    return StateChange.objects.create(
        machine=machine.name,
        object_type=object_type(obj),
        object_id=str(obj.pk),
        action=action,
        from_state="",
        to_state=machine.state_of(obj),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_unit=actor_unit,
        reason=reason.strip(),
        document=document.strip(),
        effective_on=effective_on,
        at=now or timezone.now(),
    )
