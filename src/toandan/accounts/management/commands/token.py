"""`toandan token create USERNAME` prints a personal API token; `toandan token revoke` ends one.

The token is printed once and only its hash is stored: keep it like a password.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from toandan.accounts.models import ApiToken, User
from toandan.accounts.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke personal API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        create = subcommands.add_parser("create", help="Create a token and print it once.")
        create.add_argument("username")
        create.add_argument("--name", default="", help="What the token is for.")
        create.add_argument(
            "--days",
            type=int,
            default=None,
            help="Expire after N days: 1 to TOANDAN_API_TOKEN_MAX_DAYS (365); default 90.",
        )
        revoke = subcommands.add_parser("revoke", help="Revoke tokens.")
        revoke.add_argument("prefix", nargs="?", help="The token's prefix (tdn_…) or the token.")
        revoke.add_argument("--user", help="Revoke every token of this user.")
        listing = subcommands.add_parser("list", help="List a user's tokens.")
        listing.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = {"create": self._create, "revoke": self._revoke, "list": self._list}
        handler[options["subcommand"]](options)

    @staticmethod
    def _user(username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No account named %(username)s.") % {"username": username})
        return user

    def _create(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        if not user.is_active:
            raise CommandError(_("The account %(username)s is deactivated.") % {"username": user})
        try:
            _token, raw = api_token_create(
                actor=None,
                user=user,
                name=options["name"] or _("command-line token"),
                days=options["days"],
                reason="created on the command line",
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(raw)

    def _revoke(self, options: dict[str, Any]) -> None:
        prefix = options["prefix"]
        if options["user"]:
            tokens = ApiToken.objects.filter(user=self._user(options["user"]), revoked_at=None)
        elif prefix:
            tokens = ApiToken.objects.filter(prefix=prefix[:12], revoked_at=None)
        else:
            raise CommandError(_("Give a token prefix or --user."))
        revoked = 0
        for token in tokens.select_related("user"):
            api_token_revoke(actor=None, token=token, reason="revoked on the command line")
            revoked += 1
        if not revoked:
            raise CommandError(_("No active token matches."))
        self.stdout.write(_("%(count)d token(s) revoked.") % {"count": revoked})

    def _list(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        for token in ApiToken.objects.filter(user=user):
            status = (
                pgettext("api token", "revoked")
                if token.revoked_at
                else (
                    pgettext("api token", "active")
                    if token.is_usable()
                    else pgettext("api token", "expired")
                )
            )
            self.stdout.write(f"{token.prefix}…  {token.name}  {status}")
