"""Everything `make run` does before serving; safe to run again (nothing is duplicated).

It also makes the keyring of a new installation (`toandan keys init`), and stops if the database
holds tips whose keys are not in the keyring file."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Compile catalogues, migrate, load the geography and the demo data (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="Skip the demo dataset.")

    def handle(self, *args: Any, **options: Any) -> None:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("i18n_compile")
        # Hashed static file names for production (the manifest storage needs them).
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=1)
        # The keyring is made here, on an empty database, and nowhere else: it refuses when
        # the database holds tips whose keys the keyring file lacks (restore it instead).
        call_command("keys", "init")
        call_command("load_geo")
        if not options["no_demo"]:
            call_command("demo")
