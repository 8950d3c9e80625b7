"""`toandan backup ARCHIVE`: one sealed archive of the database, keys and attachments.

toandan backup /backups/toandan-2026-12-05.tdb --passphrase-file /root/backup-passphrase
toandan backup /backups/toandan.tdb --recipient "$(cat backup-key.pub)"
toandan backup --keygen /offline/backup-key     # prints the public key to use above
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from toandan.backup.archive import ArchiveError, Sealing, x25519_keypair
from toandan.backup.services import BackupError, backup_create

MIN_PASSPHRASE = 12


def read_passphrase(path: Path | None, *, confirm: bool) -> str:
    """From a file (its first line) or typed twice; never from the command line."""
    if path is not None:
        lines = path.read_text(encoding="utf-8").splitlines()
        passphrase = lines[0] if lines else ""
    else:
        try:
            passphrase = getpass.getpass("Backup passphrase: ")
            if confirm and getpass.getpass("Again: ") != passphrase:
                msg = "the two passphrases differ"
                raise CommandError(msg)
        except EOFError as exc:
            msg = "no passphrase: give --passphrase-file or run in a terminal"
            raise CommandError(msg) from exc
    if confirm and len(passphrase) < MIN_PASSPHRASE:
        msg = f"the passphrase must be at least {MIN_PASSPHRASE} characters"
        raise CommandError(msg)
    return passphrase


class Command(BaseCommand):
    help = "Back up the database, the keyring, the secret and audit keys and the attachments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, nargs="?", help="The archive to write.")
        parser.add_argument("--passphrase-file", type=Path, help="Read the passphrase here.")
        parser.add_argument(
            "--recipient", help="Seal to this X25519 public key (base64) instead of a passphrase."
        )
        parser.add_argument(
            "--keygen",
            type=Path,
            metavar="IDENTITY_FILE",
            help="Make a recipient key pair: write the private key here, print the public key.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["keygen"]:
            self._keygen(options["keygen"])
            return
        archive: Path | None = options["archive"]
        if archive is None:
            msg = "name the archive to write"
            raise CommandError(msg)
        if archive.exists():
            msg = f"{archive} exists: choose a new name"
            raise CommandError(msg)
        if options["recipient"]:
            sealing = Sealing(recipient=options["recipient"].strip())
        else:
            sealing = Sealing(passphrase=read_passphrase(options["passphrase_file"], confirm=True))
        try:
            report = backup_create(out=archive, sealing=sealing)
        except (BackupError, ArchiveError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"backup written: {report.path} ({report.files} files, {report.attachments} "
            f"attachments, audit chain up to #{report.audit_seq})"
        )

    def _keygen(self, path: Path) -> None:
        import os

        private, public = x25519_keypair()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            msg = f"{path} exists"
            raise CommandError(msg) from exc
        with os.fdopen(fd, "w") as handle:
            handle.write(private + "\n")
        self.stdout.write(f"private key written to {path}: keep it offline, restores need it")
        self.stdout.write(f"public key (for --recipient): {public}")
