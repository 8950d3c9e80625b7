"""`toandan restore ARCHIVE`: put an installation back from `toandan backup`'s archive.

Every member is checked against the manifest before anything changes; the database, keyring,
secret key and attachments are then restored together, and the result is checked (the keyring
holds every key the database uses, the audit chain is intact). Restore into a new installation
(before `toandan setup`), or pass --replace.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from toandan.backup.management.commands.backup import read_passphrase
from toandan.backup.services import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore the database, keys and attachments from a backup archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--passphrase-file", type=Path, help="Read the passphrase here.")
        parser.add_argument(
            "--identity", type=Path, help="The X25519 private key file the archive is sealed to."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite a database, keyring and attachments that are already there.",
        )
        parser.add_argument(
            "--accept-lost-events",
            action="store_true",
            help="Restore although the checkpoint file shows newer audit events (they are lost).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        identity = None
        passphrase = None
        if options["identity"]:
            identity = options["identity"].read_text(encoding="utf-8").strip()
        else:
            passphrase = read_passphrase(options["passphrase_file"], confirm=False)
        try:
            report = backup_restore(
                archive=options["archive"],
                passphrase=passphrase,
                identity=identity,
                replace=options["replace"],
                accept_lost_events=options["accept_lost_events"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored the backup of {report.created_at}: {report.files} files, "
            f"{report.attachments} attachments, audit chain up to #{report.audit_seq}"
        )
        if report.lost_checkpoint is not None:
            self.stdout.write(
                f"audit events after #{report.audit_seq} (up to #{report.lost_checkpoint} at "
                "least) are lost; the old checkpoint file was kept aside"
            )
        if report.problems:
            msg = "restored, but the result does not check out:\n- " + "\n- ".join(report.problems)
            raise CommandError(msg)
        self.stdout.write("keys and audit chain checked. Restart the server to use them.")
