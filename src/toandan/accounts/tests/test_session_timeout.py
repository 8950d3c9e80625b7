from __future__ import annotations

import time

import pytest
from django.test import Client

from toandan.accounts.middleware import LAST_ACTIVITY_KEY
from toandan.accounts.tests.factories import HOAN_KIEM_POLICE, PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _logged_in_client() -> Client:
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    client = Client()
    client.post("/accounts/login/", {"username": "canbo.a", "password": PASSWORD})
    return client


def _set_last_activity(client: Client, seconds_ago: float) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - seconds_ago
    session.save()


def test_an_idle_session_ends_and_the_login_page_says_why(settings):
    settings.TOANDAN_SESSION_IDLE_MINUTES = 30
    client = _logged_in_client()
    assert client.get("/orgs/").status_code == 200

    _set_last_activity(client, 31 * 60)
    response = client.get("/orgs/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    login_page = client.get(response["Location"]).content.decode()
    assert "Phiên làm việc đã kết thúc" in login_page
    # The message is shown once.
    assert "Phiên làm việc đã kết thúc" not in client.get("/accounts/login/").content.decode()


def test_an_active_session_stays_open(settings):
    settings.TOANDAN_SESSION_IDLE_MINUTES = 30
    client = _logged_in_client()

    _set_last_activity(client, 29 * 60)

    assert client.get("/orgs/").status_code == 200
    # Each request restarts the idle clock.
    assert time.time() - client.session[LAST_ACTIVITY_KEY] < 5


def test_an_idle_session_no_longer_reaches_the_api(settings):
    settings.TOANDAN_SESSION_IDLE_MINUTES = 5
    client = _logged_in_client()
    _set_last_activity(client, 6 * 60)

    assert client.get("/api/v1/accounts/me").status_code == 401
