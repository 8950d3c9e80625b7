"""Writing audit events. Call `audit_record` inside the transaction of the change it records."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from toandan.audit.models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64


class AuditOutsideTransactionError(RuntimeError):
    """Raised when an audit event would be written outside the change's transaction."""


def _canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)


def _chain_key() -> bytes:
    """The HMAC key of the chain, kept outside the database (settings, from the environment or
    the installation's secret file), so editing the database alone cannot forge a chain."""
    configured = getattr(settings, "TOANDAN_AUDIT_KEY", "")
    if configured:
        return str(configured).encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"toandan-audit-chain-v1", "sha256").digest()


def event_hash(event: AuditEvent) -> str:
    """The keyed hash (HMAC-SHA256) of an event's content and its predecessor's hash."""
    payload = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "reason": event.reason,
        # Round-trip through JSON so the hash is computed on what the database gives back.
        "data": json.loads(_canonical(event.data)),
        "prev_hash": event.prev_hash,
    }
    return hmac.new(_chain_key(), _canonical(payload).encode(), hashlib.sha256).hexdigest()


def audit_chain_lock() -> None:
    """Take the chain's lock now, in the current transaction, for a change that will lock
    rows every tip change locks after the chain's (summary tables) and record its event only
    at the end: taking the chain's lock first keeps one order of locks, so the two cannot
    deadlock. `audit_record` in the same transaction then finds the lock already held."""
    if not transaction.get_connection().in_atomic_block:
        msg = "audit_chain_lock() must be called inside the transaction of the change"
        raise AuditOutsideTransactionError(msg)
    AuditHead.objects.select_for_update().get_or_create(id=1)


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain.

    Must run inside `transaction.atomic()` together with the change it records: if the change
    rolls back, so does its event, and an event never exists for a change that did not happen.
    """
    if not transaction.get_connection().in_atomic_block:
        msg = "audit_record() must be called inside the transaction of the change it records"
        raise AuditOutsideTransactionError(msg)
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    actor_id: int | None = None
    actor_label = ""
    if actor is not None and actor.is_authenticated:
        actor_id = int(actor.pk)
        actor_label = actor.get_username()
    head, _created = AuditHead.objects.select_for_update().get_or_create(id=1)
    event = AuditEvent(
        seq=head.last_seq + 1,
        occurred_at=timezone.now(),
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        reason=reason,
        data=data or {},
        prev_hash=head.last_hash,
    )
    event.hash = event_hash(event)
    event.save(force_insert=True)
    head.last_seq = event.seq
    head.last_hash = event.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problems: list[ChainProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_verify(*, batch_size: int = 5000) -> ChainReport:
    """Walk the whole chain; report every edited, deleted, inserted or reordered event."""
    problems: list[ChainProblem] = []
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    last_seq = 0
    queryset = AuditEvent.objects.order_by("seq")
    for event in queryset.iterator(chunk_size=batch_size):
        checked += 1
        if event.seq != expected_seq:
            problems.append(
                ChainProblem(expected_seq, f"events {expected_seq}..{event.seq - 1} are missing")
            )
        if event.prev_hash != prev_hash:
            problems.append(ChainProblem(event.seq, "does not follow the previous event's hash"))
        if event_hash(event) != event.hash:
            problems.append(ChainProblem(event.seq, "content was changed after it was written"))
        expected_seq = event.seq + 1
        prev_hash = event.hash
        last_seq = event.seq
    head = AuditHead.objects.filter(id=1).first()
    if head is None and checked:
        problems.append(ChainProblem(last_seq, "the chain head record was deleted"))
    elif head is not None and (head.last_seq != last_seq or head.last_hash != prev_hash):
        problems.append(
            ChainProblem(head.last_seq, f"the newest events after #{last_seq} were deleted")
        )
    return ChainReport(checked=checked, problems=problems)
