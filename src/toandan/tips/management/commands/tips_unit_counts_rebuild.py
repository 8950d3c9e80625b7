"""`toandan tips_unit_counts_rebuild [--since YYYY-MM | --all] [--check]`: recount the unit
dashboard's monthly counts (`UnitMonthCount`) from the tips.

The counts are kept current in the transaction of every tip change; this is for repair and
after tips were written in bulk without it (benchmarks, imports). By default it recounts the
months from the purge horizon on (older months may count tips the retention purge has deleted,
which a recount would lose); --since picks the first month, --all recounts every month (only
when no tip was purged). --check compares without writing (exit status 1 when they differ).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from toandan.tips.dashboard.unit_counts import purge_horizon, unit_counts_rebuild


def _month(text: str) -> dt.date:
    year, _sep, month = text.strip().partition("-")
    try:
        return dt.date(int(year), int(month), 1)
    except ValueError as error:
        msg = f"not a month: {text!r} (write YYYY-MM)"
        raise CommandError(msg) from error


class Command(BaseCommand):
    help = (
        "Recount the unit dashboard's monthly counts from the tips, from the purge horizon on "
        "(--since YYYY-MM, or --all); --check only compares."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--since", help="first month to recount, YYYY-MM")
        which.add_argument(
            "--all",
            action="store_true",
            help="every month (counts of tips already purged are lost)",
        )
        parser.add_argument("--check", action="store_true", help="compare only, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        since: dt.date | None
        if options["all"]:
            since = None
        elif options["since"]:
            since = _month(options["since"])
        else:
            since = purge_horizon()
        started = time.monotonic()
        result = unit_counts_rebuild(since=since, check=options["check"])
        months = f"from {since:%Y-%m}" if since else "every month"
        self.stdout.write(
            f"{months}: rows {result.rows_before} -> {result.rows_after}, "
            f"differing {len(result.differences)} ({time.monotonic() - started:.1f} s)"
        )
        if options["check"]:
            if result.differences:
                for unit, month in result.differences[:20]:
                    self.stdout.write(f"  differs: unit {unit}, {month:%Y-%m}")
                raise SystemExit(1)
            self.stdout.write(self.style.SUCCESS("the counts equal a recount"))
        else:
            self.stdout.write(self.style.SUCCESS("counts rebuilt"))
