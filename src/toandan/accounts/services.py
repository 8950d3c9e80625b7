"""Writes about staff accounts: logins, two-factor, passwords, roles and API tokens.

Each function is one transaction and writes its audit event inside it.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import time

import pyotp
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from toandan.accounts.audit_actions import AccountsAction
from toandan.accounts.crypto import SecretUnreadableError, decrypt_secret, encrypt_secret
from toandan.accounts.grants import needs_second_approval, role_grant_request
from toandan.accounts.models import ApiToken, RoleAssignment, RoleGrant, User
from toandan.accounts.selectors import api_token_hash
from toandan.audit.services import audit_record
from toandan.core import ratelimit
from toandan.orgs.models import OrgUnit

Actor = AbstractBaseUser | AnonymousUser | None

TOTP_ISSUER = "toandan"
TOTP_STEP_SECONDS = 30
API_TOKEN_PREFIX = "tdn_"  # noqa: S105 - a marker, not a secret
API_TOKEN_DISPLAY_CHARS = 12
# A token's last use is written at most this often, not on every request.
API_TOKEN_TOUCH_SECONDS = 60


# --- Login throttling -----------------------------------------------------------------------


def username_key(username: str) -> str:
    """Throttling is per typed username, case-insensitively, whether the account exists or not."""
    return username.strip().lower()[:150]


def login_wait(*, username: str, address_key: str, device: str = "") -> int:
    """Seconds before a login as `username` from this address and browser may be tried (0:
    now). What holds it up (toandan.core.ratelimit.login_throttles, the way Django-axes and
    OWASP's authentication cheat sheet do it):

    - failures for this username from this address: after TOANDAN_LOGIN_MAX_FAILURES, a wait
      that doubles from a minute up to TOANDAN_LOGIN_LOCKOUT_MINUTES (the lock);
    - failures for this username from anywhere: after TOANDAN_LOGIN_USER_FREE_FAILURES, short
      soft delays (at most TOANDAN_LOGIN_USER_MAX_DELAY_SECONDS), so wrong passwords typed
      elsewhere can slow an officer down for a minute but never lock them out;
    - failures from this address for any username (password spraying).

    A browser that has logged in as this user before (its device cookie) skips the last two:
    the right person on their own device is never held up by others' failures.
    """
    return ratelimit.login_wait(username_key(username), address_key, device)


@transaction.atomic
def login_failure_record(
    *, username: str, user: User | None, address_key: str, stage: str = "password"
) -> int:
    """Count one failed login; returns the wait it imposes on the next try from here (0 while
    attempts are free). The lock of this username at this address is audited when it starts."""
    wait, locked = ratelimit.login_failed(username_key(username), address_key)
    target_id = str(user.pk) if user is not None else ""
    audit_record(
        actor=None,
        action=AccountsAction.LOGIN_FAILURE,
        object_type="accounts.user",
        object_id=target_id,
        data={"username": username[:150], "stage": stage},
    )
    if locked:
        audit_record(
            actor=None,
            action=AccountsAction.LOGIN_LOCKOUT,
            object_type="accounts.user",
            object_id=target_id,
            reason="too many failed logins",
            data={
                "username": username[:150],
                "locked_until": (timezone.now() + dt.timedelta(seconds=wait)).isoformat(),
            },
        )
    return wait


@transaction.atomic
def login_success_record(
    *, user: User, two_factor: bool, address_key: str = "", device: str = ""
) -> None:
    """Clear the user's failures and remember this browser as one of theirs."""
    ratelimit.login_succeeded(username_key(user.get_username()), address_key, device)
    audit_record(
        actor=user,
        action=AccountsAction.LOGIN_SUCCESS,
        target=user,
        data={"two_factor": two_factor},
    )


@transaction.atomic
def logout_record(*, user: User, reason: str = "") -> None:
    audit_record(actor=user, action=AccountsAction.LOGOUT, target=user, reason=reason)


@transaction.atomic
def password_change(*, user: User, new_password: str) -> None:
    """Set the user's own new password (already checked against the password rules by the
    form) and lift the obligation to change it."""
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record(actor=user, action=AccountsAction.PASSWORD_CHANGE, target=user)


# --- Two-factor (TOTP, RFC 6238) ------------------------------------------------------------


def two_factor_new_secret() -> str:
    return pyotp.random_base32()


def two_factor_provisioning_uri(*, user: User, secret: str) -> str:
    return str(
        pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=TOTP_ISSUER)
    )


def _matching_step(secret: str, code: str, *, after: int | None) -> int | None:
    """The time step (now, or one step either side for clock drift) whose code is `code`,
    provided it is later than `after` — so a code that was used once is refused again."""
    code = "".join(code.split())
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int(time.time()) // TOTP_STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.at(step * TOTP_STEP_SECONDS), code):
            return step
    return None


@transaction.atomic
def two_factor_enrol(*, user: User, secret: str, code: str) -> bool:
    """Confirm enrolment with a first code from the user's app; store the secret encrypted."""
    step = _matching_step(secret, code, after=None)
    if step is None:
        return False
    user.totp_secret_encrypted = encrypt_secret(secret)
    user.totp_confirmed_at = timezone.now()
    user.totp_last_step = step
    user.save(update_fields=["totp_secret_encrypted", "totp_confirmed_at", "totp_last_step"])
    audit_record(actor=user, action=AccountsAction.TWO_FACTOR_ENROL, target=user)
    return True


@transaction.atomic
def two_factor_verify(*, user: User, code: str) -> bool:
    """Check a login code; each code is accepted once."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.has_two_factor:
        return False
    try:
        secret = decrypt_secret(locked.totp_secret_encrypted)
    except SecretUnreadableError:
        return False
    step = _matching_step(secret, code, after=locked.totp_last_step)
    if step is None:
        return False
    locked.totp_last_step = step
    locked.save(update_fields=["totp_last_step"])
    user.totp_last_step = step
    return True


@transaction.atomic
def two_factor_reset(*, actor: Actor, user: User, reason: str) -> None:
    """An administrator removes a lost second factor; the user enrols again."""
    user.totp_secret_encrypted = ""
    user.totp_confirmed_at = None
    user.totp_last_step = None
    user.save(update_fields=["totp_secret_encrypted", "totp_confirmed_at", "totp_last_step"])
    audit_record(actor=actor, action=AccountsAction.TWO_FACTOR_RESET, target=user, reason=reason)


# --- Roles ----------------------------------------------------------------------------------


@transaction.atomic
def role_assign(
    *,
    actor: Actor,
    user: User,
    role: str,
    org_unit: OrgUnit,
    valid_from: dt.date | None = None,
    reason: str = "",
) -> RoleAssignment | RoleGrant:
    """Give `user` the role in the unit (no-op if the same open assignment exists).

    A role that reads tips or reveals tipsters is not given here: it becomes a pending grant
    that another administrator approves (`toandan.accounts.grants`), which is returned."""
    existing = RoleAssignment.objects.filter(
        user=user, role=role, org_unit=org_unit, valid_to__isnull=True
    ).first()
    if existing is not None:
        return existing
    if needs_second_approval(role):
        return role_grant_request(
            actor=actor,
            user=user,
            role=role,
            org_unit=org_unit,
            valid_from=valid_from,
            reason=reason,
        )
    assignment = RoleAssignment(
        user=user, role=role, org_unit=org_unit, valid_from=valid_from or timezone.localdate()
    )
    assignment.full_clean()
    assignment.save()
    audit_record(
        actor=actor,
        action=AccountsAction.ROLE_ASSIGN,
        target=assignment,
        reason=reason,
        data={"user": user.username, "role": role, "org_unit": org_unit.code},
    )
    return assignment


# --- API tokens -----------------------------------------------------------------------------


@transaction.atomic
def api_token_create(
    *, actor: Actor, user: User, name: str, days: int | None = None, reason: str = ""
) -> tuple[ApiToken, str]:
    """Create a personal API token. Returns the token row and the raw token, which is shown
    to its owner once and never stored (only its SHA-256 hash is)."""
    name = name.strip() or _("API token")
    # Every token expires: a forgotten token in a script must not stay valid for ever. Only a
    # missing lifetime takes the default: 0 is refused below, not read as "not given".
    days = settings.TOANDAN_API_TOKEN_DAYS if days is None else days
    if days <= 0 or days > settings.TOANDAN_API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {
                "days": _("The number of days must be between 1 and %(max)d.")
                % {"max": settings.TOANDAN_API_TOKEN_MAX_DAYS}
            }
        )
    raw = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name[:100],
        prefix=raw[:API_TOKEN_DISPLAY_CHARS],
        token_hash=api_token_hash(raw),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        action=AccountsAction.TOKEN_CREATE,
        target=token,
        reason=reason,
        data={"user": user.username, "name": token.name, "prefix": token.prefix, "days": days},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken, reason: str = "") -> ApiToken:
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action=AccountsAction.TOKEN_REVOKE,
        target=token,
        reason=reason,
        data={"user": token.user.username, "prefix": token.prefix},
    )
    return token


def api_token_touch(token: ApiToken) -> None:
    """Note the token's use, at most once a minute (not audited: it is not a change)."""
    now = timezone.now()
    threshold = now - dt.timedelta(seconds=API_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is None or token.last_used_at < threshold:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=threshold)
        ).update(last_used_at=now)
        token.last_used_at = now
