"""`toandan tips purge [--today YYYY-MM-DD]`: delete tips kept past their retention date.

Run it daily (cron, or a periodic task). It also removes encrypted attachment files that no
tip names any more (left by a crash or a rolled-back transaction).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from toandan.tips.services import attachments_sweep_orphans, tips_purge_expired


class Command(BaseCommand):
    help = "Tips maintenance: purge the tips past their retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser("purge", help="Delete tips kept past their retention date.")
        purge.add_argument("--today", help="the day to purge for (YYYY-MM-DD; default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                msg = f"--today: not a date: {options['today']!r}"
                raise CommandError(msg) from exc
        deleted = tips_purge_expired(today=today)
        orphans = attachments_sweep_orphans()
        self.stdout.write(
            f"{deleted} tips past their retention date deleted; "
            f"{orphans} orphaned attachment files removed"
        )
