"""`toandan audit verify|checkpoint`: check the audit chain; record its end outside the database.

`verify` walks the chain and holds it to the checkpoints in TOANDAN_AUDIT_CHECKPOINT_FILE (or
`--checkpoints FILE`, e.g. a copy kept elsewhere); when the chain is intact it appends a new
checkpoint, so that deleting the newest events later, or all of them, is reported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from toandan.audit.services import audit_checkpoint_write, audit_verify, checkpoint_path


class Command(BaseCommand):
    help = "Audit log tools."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Check the hash chain of every audit event.")
        verify.add_argument(
            "--checkpoints",
            type=Path,
            default=None,
            help="A checkpoint file to hold the chain to (default: TOANDAN_AUDIT_CHECKPOINT_FILE).",
        )
        sub.add_parser("checkpoint", help="Append the chain's last event to the checkpoint file.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            checkpoint = audit_checkpoint_write()
            if checkpoint is None:
                msg = "no checkpoint written: the chain is empty or its head is not sealed"
                raise CommandError(msg)
            self.stdout.write(f"checkpoint #{checkpoint.seq} appended to {checkpoint_path()}")
            return
        report = audit_verify(checkpoints=options["checkpoints"])
        if report.ok:
            checkpoint = audit_checkpoint_write()
            self.stdout.write(f"audit log intact: {report.checked} events checked")
            if checkpoint is not None:
                self.stdout.write(f"checkpoint #{checkpoint.seq} appended to {checkpoint_path()}")
            return
        for problem in report.problems:
            self.stderr.write(f"event #{problem.seq}: {problem.problem}")
        msg = f"audit log tampered: {len(report.problems)} problem(s) in {report.checked} events"
        raise CommandError(msg)
