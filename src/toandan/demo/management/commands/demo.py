"""Load the demo dataset: each app contributes its share through `<app>.demo.load_demo`.

Idempotent: every app's loader looks its objects up by natural key before creating them.

With `--tips N --years A-B`, also generates N synthetic tips received over those years and the
periodic reports of those years (`toandan.demo.synthetic`), for dashboards and benchmarks:

    toandan demo --tips 100000 --years 2019-2024

Synthetic tips are added on every run (their references start with "SYN").
"""

from __future__ import annotations

import importlib
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from toandan.demo.synthetic import (
    SyntheticDataError,
    generate_reports,
    generate_tips_detailed,
    parse_years,
)

# Order matters: organisations before the accounts that hold roles in them.
DEMO_APPS = [
    "toandan.orgs",
    "toandan.accounts",
    "toandan.tips",
    "toandan.initiatives",
    "toandan.antifraud",
    "toandan.awards",
    "toandan.stats",
]
YEARS_BACK = 4


class Command(BaseCommand):
    help = "Load realistic Vietnamese demo data (idempotent); optionally synthetic data at scale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tips",
            type=int,
            default=None,
            metavar="N",
            help="Also generate N synthetic tips (and the periodic reports of the years).",
        )
        parser.add_argument(
            "--years",
            default=None,
            metavar="A-B",
            help=(
                "Years the synthetic tips and reports cover, e.g. 2019-2024 "
                f"(default: the last {YEARS_BACK + 1} years, this one included)."
            ),
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Seed of the synthetic data (default 1)."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Processes generating synthetic tips, one year each (PostgreSQL; default 1).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count, years = self._synthetic_arguments(options)
        for app in DEMO_APPS:
            module = importlib.import_module(f"{app}.demo")
            with transaction.atomic():
                summary = module.load_demo()
            self.stdout.write(f"{app}: {summary}")
        if count is not None:
            self._generate(count, years, seed=options["seed"], workers=options["workers"])

    def _synthetic_arguments(self, options: dict[str, Any]) -> tuple[int | None, tuple[int, int]]:
        """Checked before anything is written, so a typing slip costs nothing."""
        count = options["tips"]
        if count is None:
            if options["years"] is not None:
                msg = "--years needs --tips N (how many synthetic tips to generate)."
                raise CommandError(msg)
            return None, (0, 0)
        if count < 1:
            msg = f"--tips must be a positive number of tips, not {count}."
            raise CommandError(msg)
        if options["workers"] < 1:
            msg = f"--workers must be at least 1, not {options['workers']}."
            raise CommandError(msg)
        this_year = timezone.localdate().year
        text = options["years"] or f"{this_year - YEARS_BACK}-{this_year}"
        try:
            years = parse_years(text)
        except SyntheticDataError as error:
            msg = f"--years {text}: {error}"
            raise CommandError(msg) from error
        return count, years

    def _generate(self, count: int, years: tuple[int, int], *, seed: int, workers: int) -> None:
        started = time.perf_counter()
        step = max(count // 20, 1)
        shown = 0

        def progress(done: int, total: int) -> None:
            nonlocal shown
            if done - shown >= step or done == total:
                shown = done
                rate = done / max(time.perf_counter() - started, 1e-9)
                self.stdout.write(f"synthetic tips: {done:,} / {total:,} ({rate:,.0f} tips/s)")

        try:
            result = generate_tips_detailed(count=count, years=years, seed=seed, progress=progress)
            self.stdout.write(
                f"synthetic tips: {result.tips:,} received {years[0]}–{years[1]}, "
                f"{result.routes:,} routes, in {result.seconds:.1f} s "
                f"({result.rate:,.0f} tips/s)"
            )
            reports_started = time.perf_counter()
            reports = generate_reports(years=years, seed=seed)
        except SyntheticDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"synthetic reports: {reports:,} created for {years[0]}–{years[1]} "
            f"in {time.perf_counter() - reports_started:.1f} s"
        )
