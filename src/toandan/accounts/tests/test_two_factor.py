"""TOTP two-factor: enrolment with a QR code, login with a code, and the police requirement."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.test import Client

from toandan.accounts.models import User
from toandan.accounts.tests.factories import (
    HOAN_KIEM_POLICE,
    HOAN_KIEM_UNION,
    PASSWORD,
    logged_in,
    make_user,
)
from toandan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _enrol(client: Client) -> str:
    """Open the enrolment page, read the key as a person would, confirm with a code."""
    page = client.get("/accounts/two-factor/").content.decode()
    match = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', page)
    assert match is not None
    secret = match.group(1).replace(" ", "")
    response = client.post("/accounts/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    return secret


def _code_of_next_step(secret: str) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_enrolment_page_shows_a_server_drawn_qr_code_and_the_key():
    client = logged_in(make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE))

    page = client.get("/accounts/two-factor/").content.decode()

    assert 'src="data:image/svg+xml' in page
    assert "<script" not in page
    assert re.search(r'class="totp-secret">[A-Z2-7 ]{16,}<', page)


def test_enrolment_confirmed_with_a_code_stores_the_secret_encrypted_and_shows_it_never_again():
    user = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    client = logged_in(user)

    secret = _enrol(client)

    user.refresh_from_db()
    assert user.has_two_factor
    assert secret not in user.totp_secret_encrypted
    page = client.get("/accounts/two-factor/").content.decode()
    assert secret not in page
    assert "totp-secret" not in page
    assert AuditEvent.objects.filter(action="accounts.2fa.enrol", object_id=str(user.pk)).exists()


def test_enrolment_with_a_wrong_code_is_refused():
    user = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    client = logged_in(user)
    client.get("/accounts/two-factor/")

    response = client.post("/accounts/two-factor/", {"code": "000000"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.has_two_factor


def test_login_of_an_enrolled_user_asks_for_the_code():
    user = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    secret = _enrol(logged_in(user))
    client = Client()

    first = client.post("/accounts/login/", {"username": "canbo.a", "password": PASSWORD})
    assert first["Location"] == "/accounts/login/verify/"
    # The password alone does not open a session.
    assert client.get("/orgs/").status_code == 302

    second = client.post("/accounts/login/verify/", {"code": _code_of_next_step(secret)})

    assert second.status_code == 302
    assert client.get("/orgs/").status_code == 200
    event = AuditEvent.objects.filter(action="accounts.login.success").last()
    assert event is not None
    assert event.data == {"two_factor": True}


def test_a_wrong_code_is_refused_and_counts_towards_lockout(settings):
    settings.TOANDAN_LOGIN_MAX_FAILURES = 2
    user = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    _enrol(logged_in(user))
    client = Client()
    client.post("/accounts/login/", {"username": "canbo.a", "password": PASSWORD})

    wrong = client.post("/accounts/login/verify/", {"code": "123456"})
    locked = client.post("/accounts/login/verify/", {"code": "654321"})

    assert wrong.status_code == 200
    assert "Đăng nhập sai quá nhiều lần" in locked.content.decode()
    assert client.get("/orgs/").status_code == 302


def test_a_code_cannot_be_replayed():
    user = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    secret = _enrol(logged_in(user))
    code = _code_of_next_step(secret)
    first, second = Client(), Client()
    for client in (first, second):
        client.post("/accounts/login/", {"username": "canbo.a", "password": PASSWORD})

    assert first.post("/accounts/login/verify/", {"code": code}).status_code == 302
    replay = second.post("/accounts/login/verify/", {"code": code})

    assert replay.status_code == 200
    assert second.get("/orgs/").status_code == 302


def test_the_code_step_cannot_be_reached_without_the_password_step():
    response = Client().post("/accounts/login/verify/", {"code": "123456"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_police_must_enrol_before_anything_else_when_the_setting_is_on(settings):
    settings.TOANDAN_POLICE_2FA_REQUIRED = True
    client = logged_in(make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE))

    page = client.get("/orgs/")
    api = client.get("/api/v1/orgs/units")

    assert page.status_code == 302
    assert page["Location"] == "/accounts/two-factor/"
    assert api.status_code == 403
    assert client.get("/accounts/two-factor/").status_code == 200

    _enrol(client)

    assert client.get("/orgs/").status_code == 200


def test_system_administrators_must_enrol_too_when_the_setting_is_on(settings):
    settings.TOANDAN_POLICE_2FA_REQUIRED = True
    client = logged_in(make_user("quantri.b", is_superuser=True, is_staff=True))

    page = client.get("/orgs/")

    assert page.status_code == 302
    assert page["Location"] == "/accounts/two-factor/"


def test_police_may_work_without_two_factor_when_the_setting_is_off(settings):
    settings.TOANDAN_POLICE_2FA_REQUIRED = False
    client = logged_in(make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE))

    assert client.get("/orgs/").status_code == 200


def test_union_cadres_are_not_held_by_the_police_requirement(settings):
    settings.TOANDAN_POLICE_2FA_REQUIRED = True
    client = logged_in(make_user("pn.a", "union_cadre", HOAN_KIEM_UNION))

    assert client.get("/orgs/").status_code == 200


def test_reset_by_an_administrator_removes_the_second_factor():
    from toandan.accounts.services import two_factor_reset

    user = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    _enrol(logged_in(user))
    admin = make_user("quantri", is_superuser=True, is_staff=True)

    two_factor_reset(actor=admin, user=User.objects.get(pk=user.pk), reason="lost phone")

    user.refresh_from_db()
    assert not user.has_two_factor
    assert AuditEvent.objects.filter(action="accounts.2fa.reset").exists()
