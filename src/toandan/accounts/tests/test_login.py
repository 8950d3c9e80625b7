"""Staff login: success, wrong password, lockout (for real and for made-up usernames alike)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from toandan.accounts.tests.factories import HOAN_KIEM_POLICE, PASSWORD, make_user
from toandan.audit.models import AuditEvent
from toandan.core import ratelimit

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """The throttles' clock, moved by hand."""

    class Clock:
        now = 1_800_000_000.0

        def advance(self, seconds: float) -> None:
            self.now += seconds

    fake = Clock()
    monkeypatch.setattr(ratelimit, "_now", lambda: fake.now)
    return fake


WRONG = "Sai-mat-khau-123"
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def post_login(client: Client, username: str, password: str, **extra: str):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def test_login_page_is_vietnamese_by_default():
    response = Client().get("/accounts/login/")

    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


def test_login_with_the_right_password_opens_a_session_and_is_audited():
    user = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    client = Client()

    response = post_login(client, "canbo.a", PASSWORD, next="/orgs/")

    assert response.status_code == 302
    assert response["Location"] == "/orgs/"
    assert client.get("/orgs/").status_code == 200
    event = AuditEvent.objects.filter(action="accounts.login.success").last()
    assert event is not None
    assert event.actor_id == user.pk


def test_login_ignores_an_offsite_next_url():
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)

    response = post_login(Client(), "canbo.a", PASSWORD, next="https://evil.example/")

    assert response.status_code == 302
    assert "evil" not in response["Location"]


def test_wrong_password_is_refused_with_the_same_message_as_an_unknown_username():
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)

    wrong_password = post_login(Client(), "canbo.a", WRONG)
    unknown_user = post_login(Client(), "khong.ton.tai", WRONG)

    assert wrong_password.status_code == 200
    assert not wrong_password.wsgi_request.user.is_authenticated
    message = "Sai tên đăng nhập hoặc mật khẩu."
    assert message in wrong_password.content.decode()
    assert message in unknown_user.content.decode()
    failures = AuditEvent.objects.filter(action="accounts.login.failure")
    assert failures.count() == 2


def test_password_guessing_locks_the_username_after_the_configured_failures(settings):
    settings.TOANDAN_LOGIN_MAX_FAILURES = 3
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    client = Client()

    for _ in range(2):
        assert "Sai tên đăng nhập" in post_login(client, "canbo.a", WRONG).content.decode()
    third = post_login(client, "canbo.a", WRONG).content.decode()
    # Even the right password is refused while the lockout lasts.
    right = post_login(client, "canbo.a", PASSWORD)

    assert "Đăng nhập sai quá nhiều lần" in third
    assert "Đăng nhập sai quá nhiều lần" in right.content.decode()
    assert not right.wsgi_request.user.is_authenticated
    assert AuditEvent.objects.filter(action="accounts.login.lockout").count() == 1


def test_lockout_of_an_unknown_username_looks_exactly_like_a_real_one(settings):
    # Username enumeration: the lockout must not reveal which accounts exist.
    settings.TOANDAN_LOGIN_MAX_FAILURES = 2
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)

    def locked_page(username: str) -> str:
        client = Client()
        for _ in range(2):
            post_login(client, username, WRONG)
        return str(post_login(client, username, WRONG).content.decode())

    def comparable(page: str, username: str) -> str:
        return CSRF_TOKEN.sub("", page.replace(username, "X"))

    real = locked_page("canbo.a")
    made_up = locked_page("ai.do.khong.co")

    assert "Đăng nhập sai quá nhiều lần" in made_up
    assert comparable(real, "canbo.a") == comparable(made_up, "ai.do.khong.co")


def test_lockout_ends_after_the_wait_it_states(settings, clock):
    settings.TOANDAN_LOGIN_MAX_FAILURES = 1
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    locked = post_login(Client(), "canbo.a", WRONG).content.decode()
    assert "Vui lòng thử lại sau khoảng 1 phút" in locked

    clock.advance(61)
    response = post_login(Client(), "canbo.a", PASSWORD)

    assert response.status_code == 302


def test_lockout_waits_grow_to_the_configured_minutes_and_are_said_in_minutes(settings, clock):
    settings.TOANDAN_LOGIN_MAX_FAILURES = 1
    settings.TOANDAN_LOGIN_LOCKOUT_MINUTES = 15
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    for _ in range(10):
        page = post_login(Client(), "canbo.a", WRONG).content.decode()
        clock.advance(15 * 60)
    assert "khoảng 15 phút" in page
    assert "giây" not in page


# --- Lockout by others: per address and per target ------------------------------------------


def test_attack_wrong_passwords_elsewhere_cannot_lock_an_officer_out(settings, clock):
    # Given an officer who has logged in from her own browser before
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    own_browser = Client(REMOTE_ADDR="198.51.100.20")
    own_browser.get("/accounts/login/")
    assert post_login(own_browser, "canbo.a", PASSWORD).status_code == 302
    own_browser.post("/accounts/logout/")
    # When someone types 40 wrong passwords for her username from eight other addresses
    for machine in range(8):
        attacker = Client(REMOTE_ADDR=f"203.0.113.{machine + 60}")
        for _ in range(5):
            attacked = post_login(attacker, "canbo.a", WRONG)
        assert "Đăng nhập sai quá nhiều lần" in attacked.content.decode()
    # Then she logs in at once from her own browser, right password
    assert post_login(own_browser, "canbo.a", PASSWORD).status_code == 302
    # And from a new phone elsewhere she waits at most the short soft delay, never the lock
    new_phone = Client(REMOTE_ADDR="192.0.2.30")
    refused = post_login(new_phone, "canbo.a", PASSWORD)
    assert "khoảng 1 phút" in refused.content.decode() or "giây" in refused.content.decode()
    # While the attacker's address is locked for that username, right password or not
    assert (
        "Đăng nhập sai quá nhiều lần" in post_login(attacker, "canbo.a", PASSWORD).content.decode()
    )
    clock.advance(settings.TOANDAN_LOGIN_USER_MAX_DELAY_SECONDS)
    assert post_login(new_phone, "canbo.a", PASSWORD).status_code == 302


def test_attack_password_spraying_from_one_address_is_locked(settings, clock):
    settings.TOANDAN_LOGIN_ADDRESS_FREE_FAILURES = 5
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    sprayer = Client(REMOTE_ADDR="203.0.113.66")
    for number in range(5):
        post_login(sprayer, f"user{number}", WRONG)

    response = post_login(sprayer, "canbo.a", PASSWORD)

    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert post_login(Client(REMOTE_ADDR="198.51.100.20"), "canbo.a", PASSWORD).status_code == 302


def test_lockout_counts_usernames_case_insensitively(settings):
    settings.TOANDAN_LOGIN_MAX_FAILURES = 2
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)

    post_login(Client(), "canbo.a", WRONG)
    post_login(Client(), "CANBO.A", WRONG)

    assert (
        "Đăng nhập sai quá nhiều lần" in post_login(Client(), "canbo.a", PASSWORD).content.decode()
    )


def test_a_successful_login_clears_earlier_failures(settings):
    settings.TOANDAN_LOGIN_MAX_FAILURES = 2
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    post_login(Client(), "canbo.a", WRONG)
    post_login(Client(), "canbo.a", PASSWORD)

    response = post_login(Client(), "canbo.a", WRONG)

    assert "Sai tên đăng nhập" in response.content.decode()


def test_deactivated_account_cannot_log_in():
    make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE, is_active=False)

    response = post_login(Client(), "canbo.a", PASSWORD)

    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_logout_is_post_only_and_ends_the_session():
    user = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    client = Client()
    client.force_login(user)

    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert client.get("/orgs/").status_code == 302
    assert AuditEvent.objects.filter(action="accounts.logout", actor_id=user.pk).exists()


def test_attack_admin_login_form_cannot_bypass_lockout_two_factor_and_audit(settings):
    """The Django admin's own login form would sign in with a password alone; it must not."""
    settings.TOANDAN_LOGIN_MAX_FAILURES = 2
    make_user("quantri.a", "system_admin", HOAN_KIEM_POLICE, is_staff=True)
    client = Client()
    for _ in range(3):
        post_login(client, "quantri.a", WRONG)

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "quantri.a", "password": PASSWORD, "next": "/admin/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_admin_login_sends_the_visitor_to_our_login_and_back():
    response = Client().get("/admin/login/?next=/admin/geo/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fgeo%2F"
