"""Authentication for the JSON API: a personal token (`Authorization: Bearer tdn_…`) or, for
the browser, the logged-in Django session with its CSRF check on unsafe methods.

Use it on a router or an operation:

    from toandan.accounts.api_auth import ApiAuth
    router = Router(auth=ApiAuth())          # or @router.get("/x", auth=ApiAuth())

An operation that is open to everyone says so with `auth=None` and `toandan.core.access.public`;
the route walker (accounts/tests/test_routes.py) fails on an operation that has neither.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from toandan.accounts.models import TWO_FACTOR_ROLES, User
from toandan.accounts.selectors import api_token_find_usable, user_has_any_role
from toandan.accounts.services import api_token_touch


class BearerAuth(HttpBearer):
    """A personal API token. Revoked or expired tokens, and tokens of deactivated accounts,
    get 401 like unknown ones."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token or len(token) > 200:
            return None
        api_token = api_token_find_usable(token)
        if api_token is None:
            return None
        user = api_token.user
        if (
            settings.TOANDAN_POLICE_2FA_REQUIRED
            and not user.has_two_factor
            and user_has_any_role(user, TWO_FACTOR_ROLES)
        ):
            # A token made before the requirement was switched on must not bypass it.
            raise HttpError(
                403, _("Police and administrator accounts must enrol two-factor authentication.")
            )
        api_token_touch(api_token)
        # Handlers read request.user whichever way the caller authenticated.
        request.user = api_token.user
        return api_token.user


class ApiSessionAuth(SessionAuth):
    """The browser's session (CSRF checked by ninja on POST, PUT, PATCH and DELETE)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and user.is_active:
            return user
        return None


class ApiAuth(list[Any]):
    """Token first, then session: `auth=ApiAuth()`."""

    def __init__(self) -> None:
        super().__init__([BearerAuth(), ApiSessionAuth(csrf=True)])


bearer_auth = BearerAuth()
