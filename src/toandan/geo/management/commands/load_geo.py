"""`toandan load-geo`: load Vietnam's administrative geography offline (idempotent)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from toandan.geo.services import geo_load


class Command(BaseCommand):
    help = (
        "Load both generations of administrative units (63 provinces before 01/07/2025, 34 from "
        "then), their successions and the default regions from the bundled vietnamadminunits "
        "data. Offline and safe to run again: nothing is duplicated."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = geo_load()
        if options["verbosity"] < 1:
            return
        for name, count in result.units.items():
            self.stdout.write(f"{name}: {count}")
        for kind, count in sorted(result.successions.items()):
            self.stdout.write(f"successions {kind}: {count}")
        self.stdout.write(
            f"units created {result.units_created}, updated {result.units_updated}; "
            f"successions created {result.successions_created}, "
            f"updated {result.successions_updated}, deleted {result.successions_deleted}; "
            f"regions created {result.regions_created}"
        )
        self.stdout.write(f"organisation units synchronised: {result.org_units}")
        self.stdout.write(
            self.style.SUCCESS(f"geography loaded in {time.monotonic() - started:.1f} s")
        )
