"""The notifications JSON API under /api/v1/notifications: what it answers to bad input."""

from __future__ import annotations

import pytest
from django.test import Client

from toandan.notifications.tests.test_views import _bearer, notify

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["99999999999999999999", "461168601842738792"])
def test_page_past_the_64_bit_range_is_a_422_not_a_server_error(
    client: Client, officer_hoan_kiem, page
):
    response = client.get(f"/api/v1/notifications?page={page}", **_bearer(officer_hoan_kiem))

    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["query", "page"]
    assert "10000" in error["msg"]


def test_id_past_the_64_bit_range_is_a_422_not_a_server_error(client: Client, officer_hoan_kiem):
    mine = notify(officer_hoan_kiem, "A")

    response = client.post(
        "/api/v1/notifications/read",
        {"ids": [mine.id, 9223372036854775808]},
        content_type="application/json",
        **_bearer(officer_hoan_kiem),
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "ids", 1]
    mine.refresh_from_db()
    assert mine.read_at is None
