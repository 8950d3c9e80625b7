from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from toandan.accounts.tests.factories import HOAN_KIEM_POLICE, PASSWORD, logged_in, make_user
from toandan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    ["chilachucaithoi", "1234567890123", "ngan1", "Password1"],
    ids=["no-digit", "digits-only", "too-short", "common"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Hoàn-Kiếm-2026", "bao ve an ninh 19/8"])
def test_passwords_with_letters_and_digits_of_ten_characters_are_accepted(password):
    validate_password(password)


def test_password_change_page_changes_the_password_and_keeps_the_session():
    user = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    client = logged_in(user)
    new = "Mat-khau-moi-2027"

    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    assert client.get("/orgs/").status_code == 200
    user.refresh_from_db()
    assert user.check_password(new)
    assert AuditEvent.objects.filter(action="accounts.password.change").exists()


def test_password_change_refuses_a_password_without_digits():
    user = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    client = logged_in(user)

    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "khongcochuso",
            "new_password2": "khongcochuso",
        },
    )

    assert response.status_code == 200
    assert "Mật khẩu phải có ít nhất một chữ số." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_an_account_that_must_change_its_password_is_held_on_the_password_page():
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE, must_change_password=True)
    client = Client()

    login = client.post("/accounts/login/", {"username": "canbo.a", "password": PASSWORD})

    assert login["Location"] == "/accounts/password/"
    assert client.get("/orgs/")["Location"] == "/accounts/password/"
    new = "Mat-khau-moi-2027"
    client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert client.get("/orgs/").status_code == 200
