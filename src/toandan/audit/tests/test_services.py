"""The audit chain: written in the change's transaction, and tampering is detected."""

from __future__ import annotations

from enum import StrEnum

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from toandan.audit.actions import register_actions
from toandan.audit.models import AuditEvent
from toandan.audit.services import (
    AuditOutsideTransactionError,
    audit_chain_lock,
    audit_head_lock_statement,
    audit_record,
    audit_record_together,
    audit_verify,
)
from toandan.core.sql import execute_together, run_together

pytestmark = pytest.mark.django_db


class _TestAction(StrEnum):
    """The actions these tests write: audit_record refuses any action outside a catalogue."""

    UPDATE = "test.thing.update"
    DELETE = "test.thing.delete"


register_actions("audit-tests", _TestAction)


def _write(n: int) -> list[AuditEvent]:
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                audit_record(
                    actor=None,
                    action=_TestAction.UPDATE,
                    object_type="test.thing",
                    object_id=str(i),
                    reason=f"lý do số {i}",
                    data={"field": "value", "n": i},
                )
            )
    return events


def _bypass_append_only_guard() -> None:
    """What an attacker with database-owner rights would do first: get past the triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


def test_events_form_an_intact_chain() -> None:
    before = AuditEvent.objects.count()
    events = _write(5)
    first = events[0].seq
    assert [e.seq for e in events] == list(range(first, first + 5))
    assert events[1].prev_hash == events[0].hash
    report = audit_verify()
    assert report.ok
    assert report.checked == before + 5


def test_event_rolls_back_with_the_change() -> None:
    _write(1)
    count = AuditEvent.objects.count()

    def failing_change() -> None:
        with transaction.atomic():
            audit_record(actor=None, action=_TestAction.DELETE, object_id="x")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert AuditEvent.objects.count() == count
    assert audit_verify().ok


def test_guard_reports_missing_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    class NotAtomic:
        in_atomic_block = False

    monkeypatch.setattr(transaction, "get_connection", lambda *a, **k: NotAtomic())
    with pytest.raises(AuditOutsideTransactionError):
        audit_record(actor=None, action=_TestAction.UPDATE)
    with pytest.raises(AuditOutsideTransactionError):
        audit_chain_lock()


def test_taking_the_chain_lock_first_leaves_the_chain_whole() -> None:
    _write(2)
    before = AuditEvent.objects.count()
    with transaction.atomic():
        audit_chain_lock()
        audit_record(actor=None, action=_TestAction.UPDATE)

    assert AuditEvent.objects.count() == before + 1
    assert audit_verify().ok


def test_events_written_together_continue_the_same_chain() -> None:
    # Given events written one by one
    _write(2)
    before = AuditEvent.objects.count()
    # When a transaction sends its event with its last writes, the head read beforehand
    with transaction.atomic():
        sql, params = audit_head_lock_statement()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            head = cursor.fetchone()
        with CaptureQueriesContext(connection) as queries, run_together():
            event = audit_record_together(
                head=(head[0], head[1]),
                actor=None,
                action=_TestAction.UPDATE,
                object_type="test.thing",
                object_id="7",
                data={"n": 7},
            )
            execute_together([("SELECT %s", [1])])
    # Then it is one round trip on PostgreSQL (three statements one by one elsewhere)
    assert len(queries) == (1 if connection.vendor == "postgresql" else 3)
    # And the chain goes on whole, by audit_record and by itself again
    stored = AuditEvent.objects.get(seq=event.seq)
    assert (stored.hash, stored.data, stored.object_id) == (event.hash, {"n": 7}, "7")
    with transaction.atomic():
        audit_record_together(head=None, actor=None, action=_TestAction.DELETE)
    _write(1)
    assert AuditEvent.objects.count() == before + 3
    assert audit_verify().ok


def test_an_event_written_together_rolls_back_with_the_change() -> None:
    _write(1)
    count = AuditEvent.objects.count()

    def failing_change() -> None:
        with transaction.atomic(), run_together():
            audit_record_together(head=None, actor=None, action=_TestAction.DELETE)
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()

    assert AuditEvent.objects.count() == count
    assert audit_verify().ok


def test_database_refuses_update_and_delete() -> None:
    event = _write(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="sửa lại")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_attack_edit_event_content_is_detected() -> None:
    events = _write(4)
    _bypass_append_only_guard()
    AuditEvent.objects.filter(pk=events[1].pk).update(reason="không có gì")
    report = audit_verify()
    assert not report.ok
    assert [p.seq for p in report.problems] == [events[1].seq]
    assert "changed" in report.problems[0].problem


def test_attack_edit_and_rehash_event_is_detected() -> None:
    """Recomputing the edited event's own hash still breaks the link to the next event."""
    events = _write(4)
    _bypass_append_only_guard()
    target = AuditEvent.objects.get(pk=events[1].pk)
    target.data = {"field": "forged"}
    from toandan.audit.services import event_hash

    AuditEvent.objects.filter(pk=target.pk).update(data=target.data, hash=event_hash(target))
    report = audit_verify()
    assert not report.ok
    assert events[2].seq in [p.seq for p in report.problems]


def test_attack_delete_event_in_the_middle_is_detected() -> None:
    events = _write(5)
    _bypass_append_only_guard()
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    report = audit_verify()
    assert not report.ok
    assert "missing" in report.problems[0].problem


def test_attack_delete_newest_events_is_detected() -> None:
    events = _write(5)
    _bypass_append_only_guard()
    AuditEvent.objects.filter(seq__gte=events[3].seq).delete()
    report = audit_verify()
    assert not report.ok
    assert "deleted" in report.problems[-1].problem


def test_verify_command_passes_then_fails_after_tampering(
    capsys: pytest.CaptureFixture[str],
) -> None:
    events = _write(3)
    call_command("audit", "verify")
    assert f"intact: {AuditEvent.objects.count()} events" in capsys.readouterr().out
    _bypass_append_only_guard()
    AuditEvent.objects.filter(pk=events[0].pk).update(action="test.thing.view")
    with pytest.raises(CommandError, match="tampered"):
        call_command("audit", "verify")
    assert f"event #{events[0].seq}" in capsys.readouterr().err


def test_attack_rewrite_tail_and_head_without_the_key_is_detected() -> None:
    """An attacker with database access edits the last event and recomputes the plain SHA-256
    of the content and the head: without the HMAC key outside the database, it still shows."""
    import hashlib
    import json

    from toandan.audit.models import AuditHead

    events = _write(3)
    _bypass_append_only_guard()
    last = AuditEvent.objects.get(pk=events[-1].pk)
    forged = hashlib.sha256(json.dumps({"forged": True}).encode()).hexdigest()
    AuditEvent.objects.filter(pk=last.pk).update(reason="đã xóa dấu vết", hash=forged)
    AuditHead.objects.filter(id=1).update(last_hash=forged)
    report = audit_verify()
    assert not report.ok
    assert last.seq in [p.seq for p in report.problems]


def test_attack_delete_the_chain_head_is_detected() -> None:
    from toandan.audit.models import AuditHead

    _write(2)
    AuditHead.objects.all().delete()
    report = audit_verify()
    assert not report.ok
    assert "head" in report.problems[-1].problem


def test_chain_key_comes_from_settings_not_the_database(settings) -> None:
    events = _write(2)
    assert audit_verify().ok
    settings.TOANDAN_AUDIT_KEY = "a-different-key-outside-the-database"
    # Same rows, different key: every event fails, which is what makes forging need the key.
    assert {p.seq for p in audit_verify().problems} >= {e.seq for e in events}


def _delete_all_events_and_head() -> None:
    from toandan.audit.models import AuditHead

    AuditEvent.objects.all().delete()
    AuditHead.objects.all().delete()


def test_attack_delete_newest_events_and_rewrite_the_head_is_detected() -> None:
    """The attacker deletes the newest events and points the head at the new last event, so
    the chain and the head agree: the head's MAC, keyed outside the database, still shows."""
    from toandan.audit.models import AuditHead

    events = _write(5)
    _bypass_append_only_guard()
    AuditEvent.objects.filter(seq__gt=events[2].seq).delete()
    AuditHead.objects.filter(id=1).update(last_seq=events[2].seq, last_hash=events[2].hash)
    report = audit_verify()
    assert not report.ok
    assert "head" in report.problems[-1].problem


def test_attack_delete_newest_events_and_put_back_an_old_head_is_detected() -> None:
    """The attacker saved the head row when it was genuine (#3) and puts it back whole after
    deleting the newer events: the checkpoint written outside the database by the last
    `audit verify` names an event that is gone."""
    from toandan.audit.models import AuditHead

    events = _write(3)
    old_head = AuditHead.objects.values("last_seq", "last_hash", "mac").get(id=1)
    _write(2)
    call_command("audit", "verify")  # intact: appends a checkpoint at the newest event
    _bypass_append_only_guard()
    AuditEvent.objects.filter(seq__gt=events[2].seq).delete()
    AuditHead.objects.filter(id=1).update(**old_head)
    report = audit_verify()
    assert not report.ok
    assert "deleted" in report.problems[-1].problem
    assert f"#{events[2].seq + 2}" in report.problems[-1].problem


def test_attack_delete_all_events_and_the_head_is_detected(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _write(3)
    call_command("audit", "verify")
    newest = AuditEvent.objects.order_by("-seq").first()
    assert newest is not None
    _bypass_append_only_guard()
    _delete_all_events_and_head()
    with pytest.raises(CommandError, match="tampered"):
        call_command("audit", "verify")
    assert f"#{newest.seq} were deleted" in capsys.readouterr().err


def test_attack_forge_a_checkpoint_line_is_reported(settings) -> None:
    _write(2)
    call_command("audit", "verify")
    path = settings.TOANDAN_AUDIT_CHECKPOINT_FILE
    path.write_text(path.read_text().replace('"seq": ', '"seq": 1'))
    report = audit_verify()
    assert not report.ok
    assert "not ours" in report.problems[0].problem


def test_checkpoint_of_another_file_can_be_given(tmp_path) -> None:
    """A copy kept elsewhere (off the server) is checked the same way."""
    from toandan.audit.services import audit_checkpoint_write

    _write(2)
    elsewhere = tmp_path / "offsite.jsonl"
    audit_checkpoint_write(path=elsewhere)
    assert audit_verify(checkpoints=elsewhere).ok
    _bypass_append_only_guard()
    _delete_all_events_and_head()
    assert audit_verify().ok  # the default file was never written in this test
    assert not audit_verify(checkpoints=elsewhere).ok


def test_the_hourly_task_appends_a_checkpoint(settings) -> None:
    from toandan.audit.tasks import write_audit_checkpoint

    events = _write(2)
    write_audit_checkpoint.call_local()
    line = settings.TOANDAN_AUDIT_CHECKPOINT_FILE.read_text().splitlines()[-1]
    assert f'"seq": {events[-1].seq}' in line
