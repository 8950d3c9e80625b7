from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from ninja.errors import HttpError

from toandan.accounts.api_auth import ApiSessionAuth
from toandan.accounts.tests.factories import HOAN_KIEM_POLICE, logged_in, make_user

pytestmark = pytest.mark.django_db


def test_me_with_the_browser_session():
    client = logged_in(make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE))

    body = client.get("/api/v1/accounts/me").json()

    assert body["username"] == "canbo.a"
    assert body["roles"][0]["role_label"] == "Cán bộ Công an"
    assert body["two_factor_enrolled"] is False


def test_me_refuses_anonymous_callers():
    assert Client().get("/api/v1/accounts/me").status_code == 401


def test_session_auth_refuses_an_unsafe_request_without_csrf_token():
    # Cross-site request forgery: a page elsewhere makes the logged-in browser POST.
    user = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    request = RequestFactory().post("/api/v1/anything", data={})
    request.user = user
    request.COOKIES["sessionid"] = "x"

    with pytest.raises(HttpError) as error:
        ApiSessionAuth(csrf=True)(request)

    assert error.value.status_code == 403
