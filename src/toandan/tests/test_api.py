"""The API root (`toandan.api`): what every operation answers when things go wrong."""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from toandan.accounts.tests.factories import logged_in, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_unreachable() -> Iterator[None]:
    """Every new query fails as it does when the database server is down or restarting."""
    refused = OperationalError('connection to server at "127.0.0.1", port 5432 failed: refused')
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        yield


def assert_json_503(response) -> None:
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "database_unavailable"
    assert response.json()["detail"]


def test_database_down_public_operation_answers_json_503_with_retry_after(
    database_unreachable: None,
) -> None:
    response = Client(raise_request_exception=False).get("/api/v1/geo/provinces")

    assert_json_503(response)


def test_database_down_token_operation_answers_json_503_with_retry_after(
    database_unreachable: None,
) -> None:
    client = Client(raise_request_exception=False, headers={"Authorization": "Bearer tdn_x"})

    assert_json_503(client.get("/api/v1/notifications"))


def test_database_down_with_a_session_cookie_answers_json_503(db: None) -> None:
    # The session is read by middleware, before the API's own exception handlers run.
    client = logged_in(make_user("ca.hanoi.down", "police_leader", "CA-01"))
    client.raise_request_exception = False
    refused = InterfaceError("connection already closed")

    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        response = client.get("/api/v1/notifications")

    assert_json_503(response)


def test_database_down_a_page_still_answers_the_html_error_page(database_unreachable: None) -> None:
    response = Client(raise_request_exception=False).get("/geo/picker/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
