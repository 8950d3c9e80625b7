"""Everything `make run` does before serving; safe to run again (nothing is duplicated)."""

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
        call_command("load_geo")
        if not options["no_demo"]:
            call_command("demo")
