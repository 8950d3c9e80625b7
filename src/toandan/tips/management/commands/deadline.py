"""`toandan deadline RULE START`: the last day of a legal period, as the tip timeline computes
it (the same functions), with the article and the days off skipped."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from toandan.tips.handling.timeline import CALCULATOR_RULES, deadline_compute
from toandan.tips.handling.views_deadline import deadline_lines


class Command(BaseCommand):
    help = (
        "Compute a legal deadline: RULE (decide, extend, procuracy-extend, resume, forward) "
        "START (YYYY-MM-DD)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("rule", choices=CALCULATOR_RULES)
        parser.add_argument(
            "start",
            help="YYYY-MM-DD (or YYYY-MM-DDTHH:MM for forward), the day the period starts from",
        )
        parser.add_argument("--remote", action="store_true", help="forward: from a remote commune")
        parser.add_argument("--serious", action="store_true", help="forward: 24 h case")
        parser.add_argument("--months", type=int, default=None, help="procuracy-extend: 1 or 2")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start: dt.date | dt.datetime = (
                dt.datetime.fromisoformat(options["start"]).replace(tzinfo=None)
                if "T" in options["start"]
                else dt.date.fromisoformat(options["start"])
            )
        except ValueError as error:
            raise CommandError(f"START: {error}") from error
        if isinstance(start, dt.datetime):
            from toandan.tips.deadlines import LOCAL_TZ

            start = start.replace(tzinfo=LOCAL_TZ)
        with translation.override(settings.LANGUAGE_CODE):
            try:
                deadline = deadline_compute(
                    options["rule"],
                    start,
                    remote=options["remote"],
                    serious=options["serious"],
                    months=options["months"],
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
            lines = deadline_lines(deadline)
            skipped = lines["skipped"]
            assert isinstance(skipped, list)
            self.stdout.write(f"{_('Last day')}: {lines['last_day']}")
            basis = str(lines["article"])
            if lines["period_end"]:
                basis += "; " + _("BLTTHS Art. 134")
            self.stdout.write(f"{_('Legal basis')}: {basis}")
            if lines["period_end"]:
                self.stdout.write(f"{_('The period as counted ends on')}: {lines['period_end']}")
            self.stdout.write(
                f"{_('Days off skipped')}: {', '.join(skipped) if skipped else _('none')}"
            )
