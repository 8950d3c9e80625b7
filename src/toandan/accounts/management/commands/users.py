"""`toandan users import FILE.csv`: create or update staff accounts in bulk.

Columns: username, full_name, email, role, org_unit_code, and optionally password. The role is
its code (police_officer) or its name in Vietnamese or English ("Cán bộ Công an"); the unit is
its code (CA-01-00070). Every row is checked first: if any is bad, each bad row is reported with
its line number and nothing is imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from toandan.accounts.user_import import PasswordMode, users_csv_parse, users_import


class Command(BaseCommand):
    help = "Manage staff accounts in bulk (subcommand: import)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        importer = subcommands.add_parser(
            "import",
            help="Create or update accounts from a CSV file.",
            description=__doc__,
        )
        importer.add_argument("file", help="CSV file (UTF-8) with a header row.")
        importer.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )
        importer.add_argument(
            "--set-unusable-password",
            action="store_true",
            help="New accounts without a password get none, instead of a one-time password.",
        )
        importer.add_argument(
            "--replace-roles",
            action="store_true",
            help="End the imported accounts' other roles (an officer moved to another unit).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import":
            self._import(options)

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                rows, parse_errors = users_csv_parse(stream)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error}
            ) from error
        result = users_import(
            actor=None,
            rows=rows,
            password_mode=(
                PasswordMode.UNUSABLE if options["set_unusable_password"] else PasswordMode.GENERATE
            ),
            replace_roles=options["replace_roles"],
            dry_run=options["dry_run"],
            parse_errors=parse_errors,
        )
        if not result.ok:
            for row_error in result.errors:
                self.stderr.write(str(row_error))
            raise CommandError(
                _("%(count)d problem(s) found in %(file)s; nothing was imported.")
                % {"count": len(result.errors), "file": path}
            )
        for username, password in result.created:
            if password:
                self.stdout.write(
                    _("created %(username)s — one-time password: %(password)s")
                    % {"username": username, "password": password}
                )
            else:
                self.stdout.write(_("created %(username)s") % {"username": username})
        for username in result.updated:
            self.stdout.write(_("updated %(username)s") % {"username": username})
        summary = _(
            "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
            "%(assigned)d role(s) assigned, %(ended)d role(s) ended."
        ) % {
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
            "assigned": result.roles_assigned,
            "ended": result.roles_ended,
        }
        if result.roles_pending:
            summary += " " + _(
                "%(pending)d role(s) that open tips wait for another administrator's approval "
                "(Role grants in the administration)."
            ) % {"pending": result.roles_pending}
        if result.dry_run:
            summary = _("Dry run, nothing written: %(summary)s") % {"summary": summary}
        elif any(password for _name, password in result.created):
            summary += " " + _(
                "One-time passwords are shown only now: hand them over privately; each must be "
                "changed at the first login."
            )
        self.stdout.write(summary)
