"""Cost of the audit hash chain: one audited write against the same insert without the chain.

Every accountable write in toandan appends an audit event in its own transaction, locking the
chain head; this shows what that lock and hash add over a bare insert of the same row.
"""

from __future__ import annotations

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from bench.harness import measure, report
from toandan.audit.models import AuditEvent
from toandan.audit.services import audit_record
from toandan.tips.audit_actions import BenchAction

BATCH = 300


# The benchmark's action is writable only with the bench switch on (never in production).
@override_settings(TOANDAN_BENCH_ENDPOINTS=True)
def _chained() -> None:
    for i in range(BATCH):
        with transaction.atomic():
            audit_record(
                actor=None,
                action=BenchAction.TIP_VIEW,
                object_type="bench.tip",
                object_id=str(i),
                reason="đọc để kiểm tra",
                data={"i": i},
            )


_counter = {"seq": 10**12}


def _bare_insert() -> None:
    for i in range(BATCH):
        _counter["seq"] += 1
        with transaction.atomic():
            AuditEvent.objects.create(
                seq=_counter["seq"],
                occurred_at=timezone.now(),
                action=BenchAction.TIP_VIEW,
                object_type="bench.tip",
                object_id=str(i),
                reason="đọc để kiểm tra",
                data={"i": i},
                prev_hash="0" * 64,
                hash=f"{_counter['seq']:064d}",
            )


def run() -> list[str]:
    chained = measure(f"{BATCH} audited writes", _chained, runs=5)
    bare = measure(f"{BATCH} bare inserts", _bare_insert, runs=5)
    return [report(chained, bare, goal="ratio under 3x (the chain must stay cheap)")]
