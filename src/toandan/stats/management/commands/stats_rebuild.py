"""`toandan stats_rebuild --from 2024-01 --to 2024-12`: recount the tip summary from the tips.

The summary is kept current in the transaction of every tip change; this is for repair. It
works on an explicit range of months (both required) and refuses months whose tips the
retention purge may already have deleted, because a recount would then lose them from the
statistics for good: pass --allow-purged only when you know none were purged. --check compares
without writing (exit status 1 when the summary differs from a recount).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from toandan.stats.summary import PurgedMonthsError, rebuild


def _month(text: str) -> dt.date:
    year, _sep, month = text.strip().partition("-")
    try:
        return dt.date(int(year), int(month), 1)
    except ValueError as error:
        msg = f"not a month: {text!r} (write YYYY-MM)"
        raise CommandError(msg) from error


class Command(BaseCommand):
    help = (
        "Recount the summary of tips for the months --from..--to (YYYY-MM) from the tips. "
        "Refuses months older than the retention period unless --allow-purged; --check only "
        "compares."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", required=True, help="first month, YYYY-MM")
        parser.add_argument("--to", dest="last", required=True, help="last month, YYYY-MM")
        parser.add_argument(
            "--allow-purged",
            action="store_true",
            help="also rebuild months whose tips may have been purged (their counts are lost)",
        )
        parser.add_argument("--check", action="store_true", help="compare only, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        first, last = _month(options["first"]), _month(options["last"])
        if last < first:
            msg = "--to is before --from"
            raise CommandError(msg)
        started = time.monotonic()
        try:
            result = rebuild(
                first, last, allow_purged=options["allow_purged"], dry_run=options["check"]
            )
        except PurgedMonthsError as error:
            msg = (
                f"months before {error.horizon:%Y-%m} may hold tips deleted by the retention "
                "purge; rebuilding them would drop those tips from the statistics. Start at "
                f"--from {error.horizon:%Y-%m}, or pass --allow-purged if none were purged."
            )
            raise CommandError(msg) from error
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{first:%Y-%m}..{last:%Y-%m}: {result.tips_rows} tips, summary rows "
            f"{result.rows_before} -> {result.rows_after}, differing {len(result.differences)} "
            f"(province and commune tables: {result.coarser_differences}) ({elapsed:.1f} s)"
        )
        if options["check"]:
            if result.differences or result.coarser_differences:
                for key in result.differences[:20]:
                    self.stdout.write(f"  differs: {key}")
                raise SystemExit(1)
            self.stdout.write(self.style.SUCCESS("the summary equals a recount"))
        else:
            self.stdout.write(self.style.SUCCESS("summary rebuilt"))
