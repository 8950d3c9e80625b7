"""`toandan initiatives import FILE.xlsx --as USERNAME`: import a province's list of models.

Every row is checked first; with any error, the errors are printed by row and column and
nothing is written. `--as` names the account whose jurisdiction the rows must be in (the
import is audited under it). `toandan initiatives template FILE.xlsx` writes the template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from toandan.initiatives.importing import import_xlsx, template_xlsx
from toandan.initiatives.notices import review_reminders_send


class Command(BaseCommand):
    help = "Import community models from an XLSX file (all rows or none), or write the template."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("import", help="check every row, then write all or nothing")
        run.add_argument("file", type=Path)
        run.add_argument("--as", dest="username", required=True, help="the importing account")
        template = sub.add_parser("template", help="write the template with an example row")
        template.add_argument("file", type=Path)
        sub.add_parser("remind", help="tell the hosts of reviews due soon or overdue (daily)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "remind":
            today = timezone.localdate()
            sent = review_reminders_send(today=today, year=today.year)
            self.stdout.write(f"{sent} notification(s) sent")
            return
        if options["action"] == "template":
            options["file"].write_bytes(template_xlsx())
            self.stdout.write(f"template written: {options['file']}")
            return
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            msg = f"no account {options['username']!r}"
            raise CommandError(msg)
        result = import_xlsx(actor=user, data=options["file"].read_bytes())
        if result.errors:
            for error in result.errors:
                self.stderr.write(f"row {error.row}, {error.column or '-'}: {error.message}")
            msg = f"{len(result.errors)} error(s): nothing was imported"
            raise CommandError(msg)
        self.stdout.write(self.style.SUCCESS(f"{result.created} model(s) imported"))
