"""Personal API tokens: created on the command line or the "my account" page, shown once,
stored as a hash, refused once revoked or expired."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from toandan.accounts.models import ApiToken
from toandan.accounts.tests.factories import HOAN_KIEM_POLICE, logged_in, make_user
from toandan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def create_token(username: str, *args: str) -> str:
    out = StringIO()
    call_command("token", "create", username, *args, stdout=out)
    return out.getvalue().strip()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_token_from_the_command_line_authenticates_api_calls():
    user = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE, full_name="Trần Văn Hùng")

    token = create_token("canbo.a", "--name", "xuat thong ke", "--days", "30")
    response = Client().get("/api/v1/accounts/me", headers=bearer(token))

    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "canbo.a"
    assert body["full_name"] == "Trần Văn Hùng"
    assert [(r["role"], r["org_unit_code"]) for r in body["roles"]] == [
        ("police_officer", HOAN_KIEM_POLICE)
    ]
    stored = ApiToken.objects.get(user=user)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {stored.prefix, stored.token_hash, stored.name}
    assert stored.expires_at is not None
    assert stored.last_used_at is not None
    assert AuditEvent.objects.filter(action="accounts.token.create").exists()


def test_bearer_token_reaches_jurisdiction_scoped_endpoints():
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    token = create_token("canbo.a")

    response = Client().get("/api/v1/orgs/units", headers=bearer(token))

    assert response.status_code == 200
    assert [u["code"] for u in response.json()["items"]] == [HOAN_KIEM_POLICE]


def test_a_revoked_token_is_refused():
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    token = create_token("canbo.a")

    call_command("token", "revoke", token[:12], stdout=StringIO())

    assert Client().get("/api/v1/accounts/me", headers=bearer(token)).status_code == 401
    assert AuditEvent.objects.filter(action="accounts.token.revoke").exists()


def test_an_expired_token_is_refused():
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    token = create_token("canbo.a", "--days", "1")
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    assert Client().get("/api/v1/accounts/me", headers=bearer(token)).status_code == 401


def test_a_token_of_a_deactivated_account_is_refused():
    user = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    token = create_token("canbo.a")
    user.is_active = False
    user.save()

    assert Client().get("/api/v1/accounts/me", headers=bearer(token)).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer tdn_guessed-token", "Bearer ", "Basic Y2FuYm86cGFzcw==", "tdn_no-scheme"],
)
def test_forged_or_malformed_tokens_are_refused(header):
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    create_token("canbo.a")

    assert Client().get("/api/v1/accounts/me", headers={"Authorization": header}).status_code == 401


def test_token_for_an_unknown_user_fails_on_the_command_line():
    with pytest.raises(CommandError):
        create_token("khong.co.ai")


def test_the_account_page_shows_a_new_token_once_and_can_revoke_it():
    user = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    client = logged_in(user)

    created = client.post("/accounts/tokens/new/", {"name": "script", "days": 7})
    page = created.content.decode()
    stored = ApiToken.objects.get(user=user)
    raw = page.split('id="raw-token" type="text" readonly value="')[1].split('"')[0]

    assert created.status_code == 200
    assert raw.startswith(stored.prefix)
    assert Client().get("/api/v1/accounts/me", headers=bearer(raw)).status_code == 200
    me = client.get("/accounts/me/").content.decode()
    assert stored.prefix in me
    assert raw not in me

    client.post(f"/accounts/tokens/{stored.pk}/revoke/")

    assert Client().get("/api/v1/accounts/me", headers=bearer(raw)).status_code == 401


def test_a_user_cannot_revoke_someone_elses_token():
    owner = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    create_token("canbo.a")
    intruder = logged_in(make_user("canbo.b", "police_officer", "CA-01-00004"))
    token = ApiToken.objects.get(user=owner)

    response = intruder.post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_police_token_cannot_bypass_the_two_factor_requirement(settings):
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    token = create_token("canbo.a")
    settings.TOANDAN_POLICE_2FA_REQUIRED = True

    response = Client().get("/api/v1/accounts/me", headers=bearer(token))

    assert response.status_code == 403


def test_a_token_created_without_a_lifetime_still_expires():
    make_user("ca.hethan", "police_officer", HOAN_KIEM_POLICE)

    create_token("ca.hethan")

    token = ApiToken.objects.get(user__username="ca.hethan")
    assert token.expires_at is not None
    lifetime = token.expires_at - timezone.now()
    assert dt.timedelta(days=89) < lifetime <= dt.timedelta(days=90)


def test_a_token_lifetime_above_the_maximum_is_refused():
    make_user("ca.daihan", "police_officer", HOAN_KIEM_POLICE)

    with pytest.raises(CommandError):
        create_token("ca.daihan", "--days", "5000")
    assert not ApiToken.objects.filter(user__username="ca.daihan").exists()


@pytest.mark.parametrize("days", ["0", "-3"])
def test_a_token_lifetime_of_zero_or_fewer_days_is_refused_not_turned_into_the_default(days):
    # `--days 0` used to read as "no lifetime given" and silently issue a 90-day token.
    make_user("ca.khongngay", "police_officer", HOAN_KIEM_POLICE)

    with pytest.raises(CommandError, match="1"):
        create_token("ca.khongngay", "--days", days)
    assert not ApiToken.objects.filter(user__username="ca.khongngay").exists()
