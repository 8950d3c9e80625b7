"""Load the demo dataset: each app contributes its share through `<app>.demo.load_demo`.

Idempotent: every app's loader looks its objects up by natural key before creating them.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

# Order matters: organisations before the accounts that hold roles in them.
DEMO_APPS = ["toandan.orgs", "toandan.accounts", "toandan.tips"]


class Command(BaseCommand):
    help = "Load realistic Vietnamese demo data (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        for app in DEMO_APPS:
            module = importlib.import_module(f"{app}.demo")
            with transaction.atomic():
                summary = module.load_demo()
            self.stdout.write(f"{app}: {summary}")
