from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from toandan.accounts.tests.factories import HOAN_KIEM_POLICE, logged_in, unit
from toandan.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_units_are_paginated_with_a_total_count(leader_hanoi):
    client = logged_in(leader_hanoi)
    total = OrgUnit.objects.filter(code__startswith="CA-01").count()

    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/orgs/units", {"page": 2, "page_size": 20}).json()

    assert body["count"] == total
    assert len(body["items"]) == 20
    assert len(queries) < 12


def test_units_search_ignores_accents(leader_hanoi):
    body = logged_in(leader_hanoi).get("/api/v1/orgs/units", {"q": "hoan kiem"}).json()

    assert [item["code"] for item in body["items"]] == [HOAN_KIEM_POLICE]
    assert body["items"][0]["admin_unit_name"] == "Phường Hoàn Kiếm"


def test_unit_detail_lists_the_children_i_may_see(leader_hanoi):
    client = logged_in(leader_hanoi)

    body = client.get(f"/api/v1/orgs/units/{unit('CA-01').pk}").json()

    assert body["name"] == "Công an thành phố Hà Nội"
    assert body["parent_name"] == "Bộ Công an"
    assert HOAN_KIEM_POLICE in {child["code"] for child in body["children"]}


def test_unit_outside_my_jurisdiction_is_not_found(officer_hoan_kiem):
    client = logged_in(officer_hoan_kiem)

    assert client.get(f"/api/v1/orgs/units/{unit('CA-01').pk}").status_code == 404


def test_anonymous_callers_are_refused():
    assert Client().get("/api/v1/orgs/units").status_code == 401


@pytest.mark.parametrize("page", ["99999999999999999999", "18446744073709553"])
def test_page_past_the_64_bit_range_is_a_422_not_a_server_error(leader_hanoi, page):
    response = logged_in(leader_hanoi).get("/api/v1/orgs/units", {"page": page})

    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["query", "page"]
    assert "10000" in error["msg"]
