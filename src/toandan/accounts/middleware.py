"""Session idle timeout, and the account gate (password change, police two-factor)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from toandan.accounts.models import TWO_FACTOR_ROLES

LAST_ACTIVITY_KEY = "toandan_last_activity"
SESSION_EXPIRED_KEY = "toandan_session_expired"
# The activity stamp is rewritten at most this often, so not every request saves the session.
_ACTIVITY_RESOLUTION_SECONDS = 15


class SessionTimeoutMiddleware:
    """End a logged-in session after TOANDAN_SESSION_IDLE_MINUTES without a request.

    The next request is treated as anonymous (staff pages send it to the login page), and the
    fresh session carries a flag so the login page can say why.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_KEY)
            idle_limit = settings.TOANDAN_SESSION_IDLE_MINUTES * 60
            if isinstance(last, int | float) and now - last > idle_limit:
                # Imported here: the services import models, which need the app registry.
                from toandan.accounts.services import logout_record

                user = request.user
                logout(request)
                logout_record(user=user, reason="session idle timeout")
                request.session[SESSION_EXPIRED_KEY] = True
            elif not isinstance(last, int | float) or now - last > _ACTIVITY_RESOLUTION_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


# Pages a user must still reach while the gate holds them.
_GATE_OPEN_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:login_verify",
        "accounts:logout",
        "accounts:password_change",
        "accounts:two_factor",
        "set_language",
        "web:set_language",
    }
)


class TwoFactorRequiredMiddleware:
    """Hold a logged-in user on one page until their account is in order:
    1. an account created with a one-time password must choose its own password;
    2. when TOANDAN_POLICE_2FA_REQUIRED is on, police officers and leaders, and system
       administrators, must enrol TOTP two-factor before using anything else.
    API calls made with the session get 403 with the reason instead of a redirect.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or _gate_is_open(request):
            return self.get_response(request)
        target: str | None = None
        message = ""
        if getattr(user, "must_change_password", False):
            target, message = "accounts:password_change", _("You must change your password.")
        elif settings.TOANDAN_POLICE_2FA_REQUIRED and not getattr(user, "has_two_factor", True):
            from toandan.accounts.selectors import user_has_any_role

            if user_has_any_role(user, TWO_FACTOR_ROLES):
                target = "accounts:two_factor"
                message = _(
                    "Police and administrator accounts must enrol two-factor authentication."
                )
        if target is None:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        return redirect(reverse(target))


def _gate_is_open(request: HttpRequest) -> bool:
    if request.path_info.startswith(settings.STATIC_URL):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return True
    return match.view_name in _GATE_OPEN_VIEWS
