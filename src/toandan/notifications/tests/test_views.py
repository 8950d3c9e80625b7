"""The notifications page, the menu badge and the JSON API: each user sees only their own."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from toandan.accounts.models import ApiToken
from toandan.accounts.selectors import api_token_hash
from toandan.accounts.tests.factories import logged_in, make_user
from toandan.notifications.models import Notification

pytestmark = pytest.mark.django_db


def notify(user, title: str, *, read: bool = False) -> Notification:
    from django.utils import timezone

    return Notification.objects.create(
        user=user,
        kind="tip_received",
        title=title,
        body="Mở tin báo để xem.",
        read_at=timezone.now() if read else None,
    )


def test_anonymous_visitor_is_sent_to_log_in(client: Client):
    response = client.get("/notifications/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_account_without_a_role_is_refused():
    user = make_user("norole.notify")

    assert logged_in(user).get("/notifications/").status_code == 403


def test_list_shows_own_notifications_unread_first(officer_hoan_kiem, officer_ba_dinh):
    notify(officer_hoan_kiem, "Cũ đã đọc", read=True)
    notify(officer_hoan_kiem, "Mới chưa đọc")
    notify(officer_ba_dinh, "Của người khác")

    page = logged_in(officer_hoan_kiem).get("/notifications/").content.decode()

    assert page.index("Mới chưa đọc") < page.index("Cũ đã đọc")
    assert "Của người khác" not in page
    assert "Thông báo chưa đọc: 1" in page
    assert "Đánh dấu đã đọc" in page


def test_list_is_paginated_with_a_fixed_number_of_queries(
    officer_hoan_kiem, django_assert_max_num_queries
):
    for number in range(45):
        notify(officer_hoan_kiem, f"Tin báo số {number:03d}")
    client = logged_in(officer_hoan_kiem)

    with django_assert_max_num_queries(12):
        first = client.get("/notifications/").content.decode()
    third = client.get("/notifications/?page=3").content.decode()

    assert first.count("Tin báo số") == 20
    assert "Tin báo số 044" in first
    assert third.count("Tin báo số") == 5
    assert "Trang 3 / 3" in third


def test_mark_one_read_with_a_post_form(officer_hoan_kiem):
    note = notify(officer_hoan_kiem, "Tin A")
    client = logged_in(officer_hoan_kiem)

    response = client.post("/notifications/read/", {"id": str(note.id), "page": "2"})

    assert response.status_code == 302
    assert response["Location"] == "/notifications/?page=2"
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_all_read(officer_hoan_kiem):
    notes = [notify(officer_hoan_kiem, f"Tin {i}") for i in range(3)]

    logged_in(officer_hoan_kiem).post("/notifications/read/", {"all": "1"})

    assert all(Notification.objects.get(pk=n.pk).read_at for n in notes)


def test_insecure_direct_object_reference_cannot_mark_someone_elses_notification(
    officer_hoan_kiem, officer_ba_dinh
):
    theirs = notify(officer_ba_dinh, "Của Ba Đình")

    logged_in(officer_hoan_kiem).post("/notifications/read/", {"id": str(theirs.id)})

    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_cross_site_request_forgery_mark_read_needs_the_csrf_token(officer_hoan_kiem):
    note = notify(officer_hoan_kiem, "Tin A")
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_hoan_kiem)

    response = client.post("/notifications/read/", {"id": str(note.id)})

    assert response.status_code == 403
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_read_is_post_only(officer_hoan_kiem):
    assert logged_in(officer_hoan_kiem).get("/notifications/read/").status_code == 405


def test_menu_shows_the_unread_count(officer_hoan_kiem):
    notify(officer_hoan_kiem, "Tin A")
    notify(officer_hoan_kiem, "Tin B")
    notify(officer_hoan_kiem, "Tin C", read=True)

    response = logged_in(officer_hoan_kiem).get("/")

    labels = [link.label for link in response.context["nav_links"]]
    assert "Thông báo (2)" in labels
    assert '<a href="/notifications/">Thông báo (2)</a>' in response.content.decode()


def test_menu_shows_no_count_when_all_are_read(officer_hoan_kiem):
    notify(officer_hoan_kiem, "Tin A", read=True)

    labels = [link.label for link in logged_in(officer_hoan_kiem).get("/").context["nav_links"]]

    assert "Thông báo" in labels


def _bearer(user) -> dict[str, Any]:
    raw = "tdn_notificationtest0123456789abcdef"
    ApiToken.objects.create(user=user, name="t", prefix=raw[:8], token_hash=api_token_hash(raw))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_lists_own_notifications_unread_first(
    client: Client, officer_hoan_kiem, officer_ba_dinh
):
    notify(officer_hoan_kiem, "Đã đọc", read=True)
    notify(officer_hoan_kiem, "Chưa đọc")
    notify(officer_ba_dinh, "Của người khác")

    response = client.get("/api/v1/notifications", **_bearer(officer_hoan_kiem))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["title"] for item in body["items"]] == ["Chưa đọc", "Đã đọc"]
    assert body["items"][0]["read_at"] is None
    assert set(body["items"][0]) == {"id", "kind", "title", "body", "link", "created_at", "read_at"}


def test_api_filters_unread(client: Client, officer_hoan_kiem):
    notify(officer_hoan_kiem, "Đã đọc", read=True)
    notify(officer_hoan_kiem, "Chưa đọc")

    body = client.get("/api/v1/notifications?unread=true", **_bearer(officer_hoan_kiem)).json()

    assert [item["title"] for item in body["items"]] == ["Chưa đọc"]


def test_api_marks_read(client: Client, officer_hoan_kiem, officer_ba_dinh):
    mine = notify(officer_hoan_kiem, "A")
    theirs = notify(officer_ba_dinh, "B")

    response = client.post(
        "/api/v1/notifications/read",
        {"ids": [mine.id, theirs.id]},
        content_type="application/json",
        **_bearer(officer_hoan_kiem),
    )

    assert response.json() == {"marked": 1, "unread": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_api_needs_authentication(client: Client):
    assert client.get("/api/v1/notifications").status_code == 401
