"""Writing audit events. Call `audit_record` inside the transaction of the change it records.

Truncation: deleting the newest events breaks nothing inside the chain, so two things outside
the events vouch for its end. The head row carries a MAC with the chain's key (kept outside the
database), so it cannot be pointed at an earlier event; and checkpoints (last seq and hash,
keyed too) are appended to a file the operator keeps outside the database
(TOANDAN_AUDIT_CHECKPOINT_FILE) by every intact `toandan audit verify`, by
`toandan audit checkpoint` and by the backup, so that putting an old head back, or deleting
every event and the head, still shows: the checkpoint names an event that is no longer there.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from toandan.audit.actions import action_check
from toandan.audit.models import AuditEvent, AuditHead
from toandan.core.sql import Statement, execute_together, insert_statement

GENESIS_HASH = "0" * 64


class AuditOutsideTransactionError(RuntimeError):
    """Raised when an audit event would be written outside the change's transaction."""


def _canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)


def chain_key_for(*, secret_key: str, audit_key: str) -> bytes:
    """The chain's key of an installation with these settings (also: of a backup's)."""
    if audit_key:
        return audit_key.encode()
    return hmac.new(secret_key.encode(), b"toandan-audit-chain-v1", "sha256").digest()


def _chain_key() -> bytes:
    """The HMAC key of the chain, kept outside the database (settings, from the environment or
    the installation's secret file), so editing the database alone cannot forge a chain."""
    return chain_key_for(
        secret_key=settings.SECRET_KEY,
        audit_key=str(getattr(settings, "TOANDAN_AUDIT_KEY", "") or ""),
    )


def head_mac(last_seq: int, last_hash: str) -> str:
    """The keyed MAC of the head: without the key, the head cannot be moved back."""
    message = f"toandan-audit-head-v1|{last_seq}|{last_hash}".encode()
    return hmac.new(_chain_key(), message, hashlib.sha256).hexdigest()


def _head_for_update() -> AuditHead:
    head, _created = AuditHead.objects.select_for_update().get_or_create(
        id=1, defaults={"mac": head_mac(0, GENESIS_HASH)}
    )
    return head


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
    _head_for_update()


def _new_event(
    head: tuple[int, str],
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: StrEnum,
    target: models.Model | None,
    object_type: str,
    object_id: str,
    reason: str,
    data: dict[str, Any] | None,
) -> AuditEvent:
    """The event that follows the head (last seq, last hash), with its hash."""
    if not transaction.get_connection().in_atomic_block:
        msg = "audit_record() must be called inside the transaction of the change it records"
        raise AuditOutsideTransactionError(msg)
    action_check(action)
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    actor_id: int | None = None
    actor_label = ""
    if actor is not None and actor.is_authenticated:
        actor_id = int(actor.pk)
        actor_label = actor.get_username()
    last_seq, last_hash = head
    event = AuditEvent(
        seq=last_seq + 1,
        occurred_at=timezone.now(),
        actor_id=actor_id,
        actor_label=actor_label,
        action=str(action),
        object_type=object_type,
        object_id=object_id,
        reason=reason,
        data=data or {},
        prev_hash=last_hash,
    )
    event.hash = event_hash(event)
    return event


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: StrEnum,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain.

    Must run inside `transaction.atomic()` together with the change it records: if the change
    rolls back, so does its event, and an event never exists for a change that did not happen.
    `action` is a member of an app's catalogue (`<app>/audit_actions.py`); any other string is
    refused (`UnregisteredAuditActionError`).
    """
    if not transaction.get_connection().in_atomic_block:
        msg = "audit_record() must be called inside the transaction of the change it records"
        raise AuditOutsideTransactionError(msg)
    head = _head_for_update()
    event = _new_event(
        (head.last_seq, head.last_hash),
        actor=actor,
        action=action,
        target=target,
        object_type=object_type,
        object_id=object_id,
        reason=reason,
        data=data,
    )
    event.save(force_insert=True)
    head.last_seq = event.seq
    head.last_hash = event.hash
    head.mac = head_mac(event.seq, event.hash)
    head.save(update_fields=["last_seq", "last_hash", "mac"])
    return event


def audit_head_lock_statement() -> Statement:
    """The SELECT that locks the chain's head and reads it (last seq, last hash), for a
    caller that sends it joined with its own statements and passes the row it read to
    `audit_record_together`."""
    # SQLite has no row locks (and no FOR UPDATE): its writers take turns on the whole file.
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return (
        f"SELECT last_seq, last_hash FROM {AuditHead._meta.db_table} WHERE id = %s{lock}",  # noqa: S608 - names from the model
        [1],
    )


def audit_record_together(
    *,
    head: tuple[int, str] | None,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: StrEnum,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """`audit_record` for a transaction that sends its last writes together: the event's
    INSERT and the head's UPDATE go through `execute_together`, so inside
    `core.sql.run_together` they leave in the same round trip as the writes that follow (the
    intake's statistics). The same event and chain as `audit_record`; its id is not read back.

    `head`: the head row as `audit_head_lock_statement` read it in this transaction (the lock
    is held); None to lock and read it here."""
    if head is None:
        with connection.cursor() as cursor:
            sql, params = audit_head_lock_statement()
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:  # a new installation: the head row is made on first use
            return audit_record(
                actor=actor,
                action=action,
                target=target,
                object_type=object_type,
                object_id=object_id,
                reason=reason,
                data=data,
            )
        head = (int(row[0]), str(row[1]))
    event = _new_event(
        head,
        actor=actor,
        action=action,
        target=target,
        object_type=object_type,
        object_id=object_id,
        reason=reason,
        data=data,
    )
    execute_together(
        [
            insert_statement([event]),
            (
                (
                    f"UPDATE {AuditHead._meta.db_table} "  # noqa: S608 - names from the model
                    "SET last_seq = %s, last_hash = %s, mac = %s WHERE id = %s"
                ),
                [event.seq, event.hash, head_mac(event.seq, event.hash), 1],
            ),
        ]
    )
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


@dataclass(frozen=True)
class Checkpoint:
    """The chain's end at some moment, kept outside the database."""

    seq: int
    hash: str
    at: str

    def mac(self, key: bytes | None = None) -> str:
        message = f"toandan-audit-checkpoint-v1|{self.seq}|{self.hash}|{self.at}".encode()
        return hmac.new(key or _chain_key(), message, hashlib.sha256).hexdigest()

    def to_line(self) -> str:
        fields = {"seq": self.seq, "hash": self.hash, "at": self.at, "mac": self.mac()}
        return json.dumps(fields, sort_keys=True)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problems: list[ChainProblem]
    # The newest checkpoint the chain was held to (None: no checkpoint file yet).
    checkpoint: Checkpoint | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def checkpoint_path() -> Path:
    return Path(settings.TOANDAN_AUDIT_CHECKPOINT_FILE)


def checkpoints_read(
    path: Path | None = None, *, key: bytes | None = None
) -> tuple[list[Checkpoint], list[ChainProblem]]:
    """The checkpoints of a file, and a problem for every line that is not one we wrote
    (with `key`: that installation's chain key, e.g. a backup's, instead of ours)."""
    path = path or checkpoint_path()
    checkpoints: list[Checkpoint] = []
    problems: list[ChainProblem] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            checkpoint = Checkpoint(seq=int(raw["seq"]), hash=str(raw["hash"]), at=str(raw["at"]))
            mac = str(raw["mac"])
        except (ValueError, KeyError, TypeError):
            problems.append(ChainProblem(0, f"checkpoint file {path}, line {number}: unreadable"))
            continue
        if not hmac.compare_digest(mac, checkpoint.mac(key)):
            problems.append(
                ChainProblem(checkpoint.seq, f"checkpoint file {path}, line {number}: not ours")
            )
            continue
        checkpoints.append(checkpoint)
    return checkpoints, problems


def audit_checkpoint_current() -> Checkpoint | None:
    """The chain's end now, from the head row, if its MAC holds (None for an empty chain)."""
    head = AuditHead.objects.filter(id=1).first()
    if head is None or head.last_seq == 0:
        return None
    if not hmac.compare_digest(head.mac, head_mac(head.last_seq, head.last_hash)):
        return None
    return Checkpoint(seq=head.last_seq, hash=head.last_hash, at=timezone.now().isoformat())


def audit_checkpoint_write(
    checkpoint: Checkpoint | None = None, *, path: Path | None = None
) -> Checkpoint | None:
    """Append the chain's end (or `checkpoint`) to the checkpoint file, synced to disk.

    The file is append-only by convention: keep it (or copies of it) where whoever controls
    the database cannot write, e.g. ship it off the machine with the logs."""
    checkpoint = checkpoint or audit_checkpoint_current()
    if checkpoint is None:
        return None
    path = path or checkpoint_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(checkpoint.to_line() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return checkpoint


def audit_verify(*, batch_size: int = 5000, checkpoints: Path | None = None) -> ChainReport:
    """Walk the whole chain; report every edited, deleted, inserted or reordered event, a head
    that was rewritten, and the newest events (or all of them) deleted since a checkpoint."""
    problems: list[ChainProblem] = []
    kept, checkpoint_problems = checkpoints_read(checkpoints)
    problems.extend(checkpoint_problems)
    expected_at = {c.seq: c.hash for c in kept}
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
        if expected_at.get(event.seq, event.hash) != event.hash:
            problems.append(ChainProblem(event.seq, "is not the event the checkpoint recorded"))
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
    elif head is not None and not hmac.compare_digest(
        head.mac, head_mac(head.last_seq, head.last_hash)
    ):
        problems.append(
            ChainProblem(
                head.last_seq,
                f"the chain head was rewritten without the key: events after #{last_seq} "
                "may have been deleted",
            )
        )
    newest = max(kept, key=lambda c: c.seq, default=None)
    if newest is not None and newest.seq > last_seq:
        problems.append(
            ChainProblem(
                newest.seq,
                f"events #{last_seq + 1}..#{newest.seq} were deleted: the checkpoint of "
                f"{newest.at} recorded #{newest.seq}",
            )
        )
    return ChainReport(checked=checked, problems=problems, checkpoint=newest)
