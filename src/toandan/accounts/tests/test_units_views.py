from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from toandan.accounts.tests.factories import (
    BA_DINH_UNION,
    HOAN_KIEM_POLICE,
    HOAN_KIEM_UNION,
    logged_in,
    make_user,
    unit,
)
from toandan.orgs.models import OrgLevel, OrgUnit

pytestmark = pytest.mark.django_db


def test_list_shows_the_units_of_my_jurisdiction(leader_hanoi):
    client = logged_in(leader_hanoi)

    page = client.get("/orgs/").content.decode()

    assert "Công an thành phố Hà Nội" in page
    assert "Công an phường Ba Đình" in page
    assert "Công an tỉnh Lào Cai" not in page
    assert "Hội LHPN" not in page


def test_list_search_ignores_accents(leader_hanoi):
    client = logged_in(leader_hanoi)

    page = client.get("/orgs/", {"q": "hoan kiem"}).content.decode()

    assert "Công an phường Hoàn Kiếm" in page
    assert "Công an phường Ba Đình" not in page


def test_list_is_paginated_with_a_constant_number_of_queries(leader_hanoi):
    client = logged_in(leader_hanoi)
    total = OrgUnit.objects.filter(code__startswith="CA-01").count()

    client.get("/orgs/")  # the session's first request also stamps its activity
    with CaptureQueriesContext(connection) as first_page:
        response = client.get("/orgs/")
    with CaptureQueriesContext(connection) as second_page:
        client.get("/orgs/", {"page": 2})

    assert response.context["page"].paginator.count == total
    assert len(response.context["page"].object_list) == 50
    assert len(first_page) == len(second_page)
    assert len(first_page) < 15


def test_detail_shows_the_unit_its_parent_children_and_staff(leader_hanoi):
    officer = make_user("ca.a", "police_officer", HOAN_KIEM_POLICE, full_name="Trần Văn Hùng")
    assert officer.pk
    client = logged_in(leader_hanoi)
    commune = unit(HOAN_KIEM_POLICE)

    page = client.get(f"/orgs/{commune.pk}/").content.decode()
    province_page = client.get(f"/orgs/{unit('CA-01').pk}/").content.decode()

    assert "Công an phường Hoàn Kiếm" in page
    assert "Phường Hoàn Kiếm" in page
    assert "Trần Văn Hùng" in page
    assert "Cán bộ Công an" in page
    assert f'href="/orgs/{unit("CA-01").pk}/"' in page
    assert "Công an phường Hoàn Kiếm" in province_page  # a child of the city's police
    # The ministry is above the leader's jurisdiction: named, not linked.
    assert f'href="/orgs/{unit("CA-TW").pk}/"' not in province_page


def test_detail_of_a_unit_outside_my_jurisdiction_is_not_found(officer_hoan_kiem):
    client = logged_in(officer_hoan_kiem)

    assert client.get(f"/orgs/{unit('CA-01').pk}/").status_code == 404
    assert client.get("/orgs/999999999/").status_code == 404


def test_union_cadre_creates_a_branch_through_the_form():
    cadre = make_user("pn.a", "union_cadre", HOAN_KIEM_UNION)
    client = logged_in(cadre)
    parent = unit(HOAN_KIEM_UNION)

    detail = client.get(f"/orgs/{parent.pk}/").content.decode()
    form = client.get(f"/orgs/{parent.pk}/branches/new/")
    response = client.post(
        f"/orgs/{parent.pk}/branches/new/", {"name": "Chi hội Phụ nữ tổ dân phố số 5"}
    )

    assert f"/orgs/{parent.pk}/branches/new/" in detail
    assert form.status_code == 200
    branch = OrgUnit.objects.get(parent=parent, level=OrgLevel.BRANCH)
    assert response.status_code == 302
    assert response["Location"] == f"/orgs/{branch.pk}/"
    assert "Chi hội Phụ nữ tổ dân phố số 5" in client.get(response["Location"]).content.decode()


def test_branch_form_explains_a_duplicate_name_in_vietnamese():
    cadre = make_user("pn.a", "union_cadre", HOAN_KIEM_UNION)
    client = logged_in(cadre)
    parent = unit(HOAN_KIEM_UNION)
    url = f"/orgs/{parent.pk}/branches/new/"
    client.post(url, {"name": "Chi hội Phụ nữ tổ dân phố số 5"})

    response = client.post(url, {"name": "Chi hoi phu nu to dan pho so 5"})

    assert response.status_code == 200
    assert "Hội LHPN phường Hoàn Kiếm đã có chi hội tên" in response.content.decode()
    assert OrgUnit.objects.filter(parent=parent).count() == 1


def test_branch_form_of_another_commune_is_not_found():
    client = logged_in(make_user("pn.b", "union_cadre", BA_DINH_UNION))

    response = client.get(f"/orgs/{unit(HOAN_KIEM_UNION).pk}/branches/new/")

    assert response.status_code == 404


def test_police_cannot_open_the_branch_form(officer_hoan_kiem):
    client = logged_in(officer_hoan_kiem)

    assert client.get(f"/orgs/{unit(HOAN_KIEM_UNION).pk}/branches/new/").status_code == 403


def test_units_closed_by_the_2025_reform_are_listed_only_when_asked():
    client = logged_in(make_user("admin.x", is_superuser=True, is_staff=True))
    legacy = OrgUnit.objects.filter(valid_to__isnull=False).order_by("code").first()
    assert legacy is not None

    default = client.get("/orgs/", {"q": legacy.name}).content.decode()
    with_closed = client.get("/orgs/", {"q": legacy.name, "closed": "1"}).content.decode()

    assert f"<code>{legacy.code}</code>" not in default
    assert f"<code>{legacy.code}</code>" in with_closed

    def api_codes(**params: str) -> set[str]:
        body = client.get("/api/v1/orgs/units", {"q": legacy.name, **params}).json()
        return {item["code"] for item in body["items"]}

    assert legacy.code not in api_codes()
    assert legacy.code in api_codes(closed="true")
