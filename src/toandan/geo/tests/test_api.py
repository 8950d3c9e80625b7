"""The public geography API under /api/v1/geo/."""

from __future__ import annotations

import datetime as dt

import pytest

from toandan.geo.models import AdminUnit

pytestmark = pytest.mark.django_db

API = "/api/v1/geo"


def _unit(generation: str, level: str, search_full: str) -> AdminUnit:
    return AdminUnit.objects.get(generation=generation, level=level, search_full=search_full)


def test_63_provinces_before_the_reform_34_after(client):
    before = client.get(f"{API}/provinces", {"on": "2024-06-30", "limit": 500})
    after = client.get(f"{API}/provinces", {"on": "2025-07-01", "limit": 500})
    assert before.status_code == after.status_code == 200
    assert before.json()["count"] == len(before.json()["items"]) == 63
    assert after.json()["count"] == len(after.json()["items"]) == 34
    assert {item["generation"] for item in after.json()["items"]} == {"current"}
    first = after.json()["items"][0]
    assert (first["code"], first["name"], first["valid_from"]) == (
        "01",
        "Thành phố Hà Nội",
        "2025-07-01",
    )


@pytest.mark.parametrize(("today", "count"), [(dt.date(2024, 1, 1), 63), (dt.date(2026, 1, 1), 34)])
def test_provinces_default_to_today(client, monkeypatch, today, count):
    monkeypatch.setattr("toandan.geo.api.timezone.localdate", lambda: today)
    assert client.get(f"{API}/provinces").json()["count"] == count


def test_pagination_keeps_the_total_count(client):
    first = client.get(f"{API}/provinces", {"on": "2024-06-30", "limit": 10}).json()
    last = client.get(f"{API}/provinces", {"on": "2024-06-30", "limit": 10, "offset": 60}).json()
    assert (first["count"], len(first["items"])) == (63, 10)
    assert (last["count"], len(last["items"])) == (63, 3)
    assert first["items"][0]["code"] == "01"
    assert last["items"][-1]["code"] == "96"


@pytest.mark.parametrize("limit", [0, 501])
def test_limit_outside_1_to_500_is_refused(client, limit):
    assert client.get(f"{API}/provinces", {"limit": limit}).status_code == 422


@pytest.mark.parametrize("bad", ["2025-13-01", "30/06/2024", "yesterday", "2025-02-30", "20250701"])
def test_bad_date_is_a_422_that_says_the_format(client, bad):
    response = client.get(f"{API}/provinces", {"on": bad})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "on"]
    assert "YYYY-MM-DD" in error["msg"]


def test_unit_detail_with_ancestors(client):
    le_ninh = _unit("legacy", "commune", "xa le ninh thi xa kinh mon tinh hai duong")
    body = client.get(f"{API}/units/{le_ninh.pk}").json()
    assert body["full_name"] == "Xã Lê Ninh, Thị xã Kinh Môn, Tỉnh Hải Dương"
    assert [a["name"] for a in body["ancestors"]] == ["Tỉnh Hải Dương", "Thị xã Kinh Môn"]
    assert body["valid_to"] == "2025-06-30"
    assert body["children_count"] == 0


def test_unknown_unit_is_404(client):
    missing = (AdminUnit.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    for path in ("", "/children", "/successors", "/predecessors"):
        assert client.get(f"{API}/units/{missing}{path}").status_code == 404


def test_children_of_a_province(client):
    hai_phong = _unit("current", "province", "thanh pho hai phong")
    expected = hai_phong.children.count()
    body = client.get(f"{API}/units/{hai_phong.pk}/children", {"on": "2025-07-01"}).json()
    assert body["count"] == expected > 100
    assert {item["parent_id"] for item in body["items"]} == {hai_phong.pk}
    before = client.get(f"{API}/units/{hai_phong.pk}/children", {"on": "2024-06-30"}).json()
    assert before["count"] == 0


def test_children_bad_date_is_422(client):
    hai_phong = _unit("current", "province", "thanh pho hai phong")
    assert client.get(f"{API}/units/{hai_phong.pk}/children", {"on": "x"}).status_code == 422


def test_search_ha_noi(client):
    body = client.get(f"{API}/search", {"q": "ha noi", "on": "2025-07-01", "limit": 5}).json()
    assert body["items"][0]["name"] == "Thành phố Hà Nội"
    assert body["count"] > 100  # every commune of Hà Nội matches through its province


def test_search_by_level_and_province(client):
    hai_phong = _unit("current", "province", "thanh pho hai phong")
    body = client.get(
        f"{API}/search", {"q": "bac an", "level": "commune", "province": hai_phong.pk}
    ).json()
    assert body["items"][0]["name"] == "Phường Bắc An Phụ"
    assert {item["parent_id"] for item in body["items"]} == {hai_phong.pk}


def test_search_needs_a_query_and_a_known_level(client):
    assert client.get(f"{API}/search").status_code == 422
    assert client.get(f"{API}/search", {"q": "ha noi", "level": "hamlet"}).status_code == 422
    assert client.get(f"{API}/search", {"q": "ha noi", "on": "bad"}).status_code == 422


def test_successor_of_le_ninh_is_bac_an_phu_hai_phong(client):
    le_ninh = _unit("legacy", "commune", "xa le ninh thi xa kinh mon tinh hai duong")
    body = client.get(f"{API}/units/{le_ninh.pk}/successors").json()
    assert body["count"] == 1
    (edge,) = body["items"]
    assert (edge["kind"], edge["is_primary"], edge["effective_on"]) == (
        "merged",
        True,
        "2025-07-01",
    )
    assert edge["unit"]["full_name"] == "Phường Bắc An Phụ, Thành phố Hải Phòng"


def test_predecessors_of_a_merged_province(client):
    hai_phong = _unit("current", "province", "thanh pho hai phong")
    body = client.get(f"{API}/units/{hai_phong.pk}/predecessors").json()
    assert sorted(item["unit"]["name"] for item in body["items"]) == [
        "Thành phố Hải Phòng",
        "Tỉnh Hải Dương",
    ]


def test_regions_per_generation(client):
    body = client.get(f"{API}/regions", {"generation": "legacy"}).json()
    assert body["count"] == 9
    mekong = next(r for r in body["items"] if r["code"] == "mekong-delta")
    assert mekong["name"] == "Đồng bằng sông Cửu Long"
    assert len(mekong["provinces"]) == 13
    assert client.get(f"{API}/regions").json()["count"] == 18
    assert client.get(f"{API}/regions", {"generation": "future"}).status_code == 422


def test_api_is_public_reference_data(client):
    # Anonymous, no token: still served.
    assert client.get(f"{API}/provinces").status_code == 200
    from toandan.core.access import get_policy
    from toandan.geo import api

    for view in (api.provinces, api.unit_detail, api.unit_children, api.search, api.regions):
        policy = get_policy(view)
        assert policy is not None
        assert policy.public


@pytest.mark.parametrize(
    ("path", "params", "max_queries"),
    [
        ("/provinces", {"on": "2024-06-30", "limit": 500}, 2),
        ("/search", {"q": "an", "limit": 500}, 2),
        ("/regions", {"limit": 500}, 3),
    ],
)
def test_lists_do_not_grow_queries_with_their_length(
    client, django_assert_max_num_queries, path, params, max_queries
):
    with django_assert_max_num_queries(max_queries):
        response = client.get(f"{API}{path}", params)
    assert response.status_code == 200
    assert len(response.json()["items"]) > 1


def test_children_and_successor_lists_query_count(client, django_assert_max_num_queries):
    hai_phong = _unit("current", "province", "thanh pho hai phong")
    with django_assert_max_num_queries(3):  # the unit, the count, the page
        response = client.get(f"{API}/units/{hai_phong.pk}/children", {"limit": 500})
    assert len(response.json()["items"]) > 100
    with django_assert_max_num_queries(3):
        response = client.get(f"{API}/units/{hai_phong.pk}/predecessors", {"limit": 500})
    assert len(response.json()["items"]) == 2


@pytest.mark.parametrize(
    ("on", "level", "count"),
    [
        ("2025-07-01", "commune", 3321),
        ("2024-06-30", "commune", 10035),
        ("2024-06-30", "district", 696),
        ("2025-07-01", "province", 34),
    ],
)
def test_units_of_a_level_valid_on_a_date(client, on, level, count):
    body = client.get(f"{API}/units", {"on": on, "level": level, "limit": 5}).json()
    assert body["count"] == count
    assert len(body["items"]) == 5
    assert {item["level"] for item in body["items"]} == {level}


def test_units_list_refuses_an_unknown_level(client):
    assert client.get(f"{API}/units", {"level": "hamlet"}).status_code == 422


def test_units_list_costs_two_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get(f"{API}/units", {"on": "2025-07-01", "level": "commune", "limit": 500})


@pytest.mark.parametrize(
    "path", ["/provinces", "/units", "/regions", "/search?q=ha", "/units/1/children"]
)
def test_offset_past_the_64_bit_range_is_a_422_not_a_server_error(client, path):
    separator = "&" if "?" in path else "?"
    response = client.get(f"{API}{path}{separator}offset=9223372036854775808")

    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["query", "offset"]
    assert "1000000" in error["msg"]
