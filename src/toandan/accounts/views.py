"""Login (password, then the TOTP code when enrolled), logout, password change, two-factor
enrolment, and the "my account" page with personal API tokens."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from toandan.accounts.access import login_required
from toandan.accounts.crypto import SecretUnreadableError, decrypt_secret, encrypt_secret
from toandan.accounts.forms import CodeForm, LoginForm, TokenCreateForm
from toandan.accounts.middleware import LAST_ACTIVITY_KEY, SESSION_EXPIRED_KEY
from toandan.accounts.models import ApiToken, User
from toandan.accounts.selectors import api_tokens_of, user_summary
from toandan.accounts.services import (
    api_token_create,
    api_token_revoke,
    login_failure_record,
    login_success_record,
    login_wait,
    logout_record,
    password_change,
    two_factor_enrol,
    two_factor_new_secret,
    two_factor_provisioning_uri,
    two_factor_verify,
)
from toandan.accounts.twofactor import qr_svg_data_uri
from toandan.core import ratelimit
from toandan.core.access import public

PENDING_LOGIN_KEY = "toandan_login_pending"
PENDING_LOGIN_SECONDS = 300
PENDING_TOTP_KEY = "toandan_totp_pending"


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _lockout_message(request: HttpRequest, username: str) -> str | None:
    wait = login_wait(
        username=username,
        address_key=ratelimit.client_key(request),
        device=ratelimit.device_id(request),
    )
    return _lockout_text(wait) if wait else None


def _lockout_text(wait: int) -> str:
    # Worded the same whether the username exists or not.
    return _("Too many failed login attempts for this username. Try again in %(wait)s.") % {
        "wait": ratelimit.wait_text(wait)
    }


def _failure_record(
    request: HttpRequest, username: str, user: User | None, stage: str = "password"
) -> int:
    return login_failure_record(
        username=username, user=user, address_key=ratelimit.client_key(request), stage=stage
    )


def _complete_login(
    request: HttpRequest, user: User, next_url: str, *, two_factor: bool
) -> HttpResponse:
    login(request, user)
    request.session[LAST_ACTIVITY_KEY] = time.time()
    login_success_record(
        user=user,
        two_factor=two_factor,
        address_key=ratelimit.client_key(request),
        device=ratelimit.device_id(request),
    )
    if user.must_change_password:
        return redirect("accounts:password_change")
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


@public
@never_cache
def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    """The Django admin's own login form would skip lockout, two-factor and the audit log, so
    the admin signs in through ours and comes back (it checks is_staff itself)."""
    target = reverse("accounts:login")
    next_url = _safe_next(request)
    if next_url:
        target += "?" + urlencode({"next": next_url})
    return redirect(target)


@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.user.is_authenticated and request.method != "POST":
        return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    session_expired = bool(request.session.pop(SESSION_EXPIRED_KEY, False))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        lockout = _lockout_message(request, username)
        if lockout:
            form.add_error(None, lockout)
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if not isinstance(user, User):
                known = User.objects.filter(username=username).first()
                wait = _failure_record(request, username, known)
                if wait:
                    form.add_error(None, _lockout_text(wait))
                else:
                    form.add_error(None, _("Wrong username or password."))
            elif user.has_two_factor:
                request.session[PENDING_LOGIN_KEY] = {
                    "user_id": user.pk,
                    "backend": getattr(user, "backend", ""),
                    "started": time.time(),
                    "next": next_url,
                }
                return redirect("accounts:login_verify")
            else:
                return _complete_login(request, user, next_url, two_factor=False)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url, "session_expired": session_expired},
    )


public(login_view, description="login form")


@sensitive_post_parameters("code")
@never_cache
def login_verify_view(request: HttpRequest) -> HttpResponse:
    pending: dict[str, Any] | None = request.session.get(PENDING_LOGIN_KEY)
    if not pending or time.time() - float(pending.get("started", 0)) > PENDING_LOGIN_SECONDS:
        request.session.pop(PENDING_LOGIN_KEY, None)
        return redirect("accounts:login")
    user = User.objects.filter(pk=pending["user_id"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_LOGIN_KEY, None)
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lockout = _lockout_message(request, user.username)
        if lockout:
            request.session.pop(PENDING_LOGIN_KEY, None)
            form.add_error(None, lockout)
        elif two_factor_verify(user=user, code=form.cleaned_data["code"]):
            request.session.pop(PENDING_LOGIN_KEY, None)
            # login() needs to know which backend authenticated the password step.
            setattr(user, "backend", pending["backend"])  # noqa: B010
            return _complete_login(request, user, pending.get("next", ""), two_factor=True)
        elif wait := _failure_record(request, user.username, user, stage="two_factor"):
            request.session.pop(PENDING_LOGIN_KEY, None)
            form.add_error(None, _lockout_text(wait))
        else:
            form.add_error("code", _("That code is not right. Try the code now shown."))
    return render(request, "accounts/login_verify.html", {"form": form})


public(login_verify_view, description="second login step; needs the first step's session")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        logout_record(user=request.user)
        logout(request)
    return HttpResponseRedirect(resolve_url(settings.LOGOUT_REDIRECT_URL))


public(logout_view, description="ends the caller's own session (POST only)")


@login_required
@sensitive_post_parameters()
def password_change_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_change(user=user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:me")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "must_change": user.must_change_password},
    )


@login_required
@sensitive_post_parameters("code")
def two_factor_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if user.has_two_factor:
        return render(request, "accounts/two_factor.html", {"enrolled": True})
    secret: str | None = None
    stored = request.session.get(PENDING_TOTP_KEY)
    if stored:
        try:
            secret = decrypt_secret(stored)
        except SecretUnreadableError:
            secret = None
    if secret is None:
        secret = two_factor_new_secret()
        request.session[PENDING_TOTP_KEY] = encrypt_secret(secret)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor_enrol(user=user, secret=secret, code=form.cleaned_data["code"]):
            request.session.pop(PENDING_TOTP_KEY, None)
            messages.success(request, _("Two-factor authentication is on for your account."))
            return redirect("accounts:me")
        form.add_error(
            "code", _("That code is not right. Check the time on your phone and try again.")
        )
    uri = two_factor_provisioning_uri(user=user, secret=secret)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enrolled": False,
            "form": form,
            "qr_data_uri": qr_svg_data_uri(uri),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        },
    )


@login_required
def me_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(
        request,
        "accounts/me.html",
        {
            "summary": user_summary(user),
            "tokens": api_tokens_of(user),
            "token_form": TokenCreateForm(),
            "police_2fa_required": settings.TOANDAN_POLICE_2FA_REQUIRED,
        },
    )


@login_required
@require_POST
def token_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "accounts/me.html",
            {"summary": user_summary(user), "tokens": api_tokens_of(user), "token_form": form},
            status=400,
        )
    token, raw = api_token_create(
        actor=user, user=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
    )
    # Rendered straight from the POST, never redirected to: the token exists only here.
    return render(request, "accounts/token_created.html", {"token": token, "raw_token": raw})


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user_id=request.user.pk)
    api_token_revoke(actor=request.user, token=token, reason="revoked by its owner")
    messages.success(
        request, _("The token %(prefix)s… has been revoked.") % {"prefix": token.prefix}
    )
    return HttpResponseRedirect(reverse("accounts:me"))
