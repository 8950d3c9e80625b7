"""`toandan audit verify`: walk the audit chain and report any edited or deleted event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from toandan.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit log tools."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Check the hash chain of every audit event.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        if report.ok:
            self.stdout.write(f"audit log intact: {report.checked} events checked")
            return
        for problem in report.problems:
            self.stderr.write(f"event #{problem.seq}: {problem.problem}")
        msg = f"audit log tampered: {len(report.problems)} problem(s) in {report.checked} events"
        raise CommandError(msg)
