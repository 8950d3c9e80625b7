"""`toandan fraud rotate-range-key|retire-range-key|range-key-status`: the key of the
hash-prefix API (`toandan.antifraud.hashing`).

`rotate-range-key [--overlap-days N]` makes a new key current and keeps the old one answering
for N days (settings.TOANDAN_FRAUD_RANGE_KEY_OVERLAP_DAYS by default): partner apps fetch the
new key (`GET /api/v1/fraud/range/key`) and switch meanwhile. `retire-range-key` ends the
overlap now. Both are audited; the key itself is never printed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from toandan.antifraud import services
from toandan.antifraud.hashing import range_keys


class Command(BaseCommand):
    help = "Anti-fraud: the key of the hash-prefix API (rotate, retire the previous, status)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser(
            "rotate-range-key", help="Make a new key current; the old one answers meanwhile."
        )
        rotate.add_argument(
            "--overlap-days",
            type=int,
            default=None,
            help="How long the old key keeps answering (default: "
            "TOANDAN_FRAUD_RANGE_KEY_OVERLAP_DAYS).",
        )
        sub.add_parser("retire-range-key", help="Stop answering for the previous key now.")
        sub.add_parser("range-key-status", help="Which key versions answer, and until when.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("_", "-")
        if action == "rotate-range-key":
            days = options["overlap_days"] or settings.TOANDAN_FRAUD_RANGE_KEY_OVERLAP_DAYS
            try:
                result = services.range_key_rotate(overlap_days=int(days))
            except services.AntifraudError as error:
                raise CommandError(error.message) from None
            self.stdout.write(
                f"range key v{result.version} is current ({result.indicators} indicators "
                f"rehashed); v{result.previous_version} answers until "
                f"{timezone.localtime(result.previous_until):%Y-%m-%d %H:%M}. Tell the partner "
                "apps to fetch the new key (GET /api/v1/fraud/range/key)."
            )
        elif action == "retire-range-key":
            version = services.range_key_retire()
            self.stdout.write(
                f"range key v{version} no longer answers" if version else "no previous key"
            )
        self._status()

    def _status(self) -> None:
        keys = range_keys(fresh=True)
        self.stdout.write(f"current: v{keys.version}")
        if keys.previous_version is not None and keys.previous_live():
            assert keys.previous_until is not None
            until = timezone.localtime(keys.previous_until)
            self.stdout.write(
                f"previous: v{keys.previous_version}, answers until {until:%Y-%m-%d %H:%M}"
            )
