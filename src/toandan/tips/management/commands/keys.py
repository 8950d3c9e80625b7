"""`toandan keys init|status|rotate [--retire-old]`: the keys that protect tips.

`init` makes the keyring of a new installation (`toandan setup` runs it): only on a database
that holds no tips, since a new keyring cannot open tips sealed under another.

The keyring file (settings.TOANDAN_KEYRING_FILE) holds the key-encryption keys; the database
holds only data keys wrapped by them. Rotation is safe while the server runs. Back the keyring
file up after every rotation: without it no tip can be opened.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from toandan.tips import crypto
from toandan.tips.keyring_check import database_holds_tips, keyring_problems
from toandan.tips.selectors import key_usage
from toandan.tips.services import keys_rotate


class Command(BaseCommand):
    help = "Key-encryption keys of the tips: status, rotation."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "init", help="Make the keyring of a new installation (only on an empty database)."
        )
        sub.add_parser("status", help="How many data keys each key-encryption key wraps.")
        rotate = sub.add_parser(
            "rotate", help="Make a new key-encryption key current and re-wrap every data key."
        )
        rotate.add_argument(
            "--retire-old",
            action="store_true",
            help="Afterwards, remove the key-encryption keys no stored key uses any more.",
        )
        rotate.add_argument("--batch-size", type=int, default=500)
        rotate.add_argument(
            "--grace-seconds",
            type=float,
            default=5.0,
            help="With --retire-old: wait this long for tips being written under an old key.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._handle(options)
        except crypto.KeyringError as exc:
            raise CommandError(str(exc)) from exc

    def _handle(self, options: dict[str, Any]) -> None:
        if options["action"] == "init":
            self._init()
            return
        if options["action"] == "rotate":
            report = keys_rotate(
                retire_old=options["retire_old"],
                batch_size=options["batch_size"],
                grace_seconds=options["grace_seconds"],
            )
            self.stdout.write(
                f"new key-encryption key {report.kek_id}: re-wrapped {report.rewrapped_tips} "
                f"tip keys and {report.rewrapped_contacts} contact keys"
            )
            if report.retired:
                self.stdout.write(f"retired: {', '.join(report.retired)}")
            self.stdout.write("Back up the keyring file now: " + str(crypto.keyring_path()))
        self._status()

    def _init(self) -> None:
        path = crypto.keyring_path()
        if not path.exists():
            if database_holds_tips():
                problems = keyring_problems()
                raise CommandError("; ".join(problems))
            crypto.keyring_create()
            self.stdout.write(f"new keyring made: {path}. Back it up now, apart from the database.")
            return
        problems = keyring_problems()
        if problems:
            raise CommandError("; ".join(problems))
        self.stdout.write(f"keyring: {path} (holds every key the database uses)")

    def _status(self) -> None:
        ring = crypto.keyring(reload=True)
        usage = key_usage()
        self.stdout.write(f"keyring: {crypto.keyring_path()}")
        for kek_id in sorted(set(ring.keks) | set(usage["tips"]) | set(usage["contacts"])):
            marks = []
            if kek_id == ring.current:
                marks.append("current")
            if kek_id not in ring.keks:
                marks.append("MISSING FROM THE KEYRING")
            suffix = f" ({', '.join(marks)})" if marks else ""
            self.stdout.write(
                f"  {kek_id}: {usage['tips'].get(kek_id, 0)} tips, "
                f"{usage['contacts'].get(kek_id, 0)} contacts{suffix}"
            )
