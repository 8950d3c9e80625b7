"""`toandan fingerprints_rebuild [--missing]`: recompute the duplicate fingerprints of stored tips.

For tips recorded before fingerprints existed (`--missing`), or for every tip after the
fingerprint algorithm changed. Each tip's content is decrypted with the keyring in memory,
reduced to its keyed fingerprint and never printed or stored in clear.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from toandan.tips.duplicates.fingerprints import fingerprints_rebuild


class Command(BaseCommand):
    help = "Recompute the fingerprints used to suggest duplicate tips."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--missing", action="store_true", help="Only tips that have no fingerprint yet."
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        written = fingerprints_rebuild(
            batch_size=options["batch_size"], only_missing=options["missing"]
        )
        self.stdout.write(f"fingerprints written: {written}")
