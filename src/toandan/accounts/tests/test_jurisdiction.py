"""The issue's rule: a police officer of one commune cannot see anything scoped to another
commune; the province police leader sees both."""

from __future__ import annotations

import pytest

from toandan.accounts.selectors import (
    can_access_org_unit,
    filter_by_jurisdiction,
    jurisdiction_admin_units,
    jurisdiction_org_units,
)
from toandan.accounts.tests.factories import (
    BA_DINH_POLICE,
    HOAN_KIEM_POLICE,
    logged_in,
    unit,
)
from toandan.geo.models import AdminUnit
from toandan.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_commune_officer_cannot_open_another_communes_unit_page(officer_hoan_kiem):
    client = logged_in(officer_hoan_kiem)
    own, other = unit(HOAN_KIEM_POLICE), unit(BA_DINH_POLICE)

    assert client.get(f"/orgs/{own.pk}/").status_code == 200
    # 404, not 403: the page must not confirm that the unit exists.
    assert client.get(f"/orgs/{other.pk}/").status_code == 404


def test_commune_officer_cannot_read_another_communes_unit_through_the_api(officer_hoan_kiem):
    client = logged_in(officer_hoan_kiem)
    other = unit(BA_DINH_POLICE)

    response = client.get(f"/api/v1/orgs/units/{other.pk}")

    assert response.status_code == 404
    assert "Ba Đình" not in response.content.decode()


def test_commune_officer_lists_do_not_include_another_commune(officer_hoan_kiem):
    client = logged_in(officer_hoan_kiem)

    page = client.get("/orgs/", {"q": "ba dinh"}).content.decode()
    api = client.get("/api/v1/orgs/units", {"page_size": 500}).json()

    assert "Công an phường Ba Đình" not in page
    assert [item["code"] for item in api["items"]] == [HOAN_KIEM_POLICE]
    assert api["count"] == 1


def test_commune_officer_cannot_filter_into_another_communes_places(officer_hoan_kiem):
    hoan_kiem = unit(HOAN_KIEM_POLICE).admin_unit
    ba_dinh = unit(BA_DINH_POLICE).admin_unit
    assert hoan_kiem is not None
    assert ba_dinh is not None

    places = jurisdiction_admin_units(officer_hoan_kiem)
    # Any model with an admin_unit foreign key is filtered the same way.
    units_in_reach = filter_by_jurisdiction(officer_hoan_kiem, OrgUnit.objects.all(), roles=None)

    assert list(places) == [hoan_kiem]
    assert not units_in_reach.filter(admin_unit=ba_dinh).exists()
    assert units_in_reach.filter(admin_unit=hoan_kiem).exists()


def test_province_police_leader_sees_both_communes(leader_hanoi):
    client = logged_in(leader_hanoi)
    hoan_kiem, ba_dinh = unit(HOAN_KIEM_POLICE), unit(BA_DINH_POLICE)

    for org_unit in (hoan_kiem, ba_dinh):
        assert client.get(f"/orgs/{org_unit.pk}/").status_code == 200
        assert client.get(f"/api/v1/orgs/units/{org_unit.pk}").status_code == 200
        assert can_access_org_unit(leader_hanoi, org_unit)
    codes = set(jurisdiction_org_units(leader_hanoi).values_list("code", flat=True))
    assert {HOAN_KIEM_POLICE, BA_DINH_POLICE} <= codes
    # The leader's reach stops at the city: another province's police are not in it.
    assert "CA-15-03006" not in codes
    hanoi = AdminUnit.objects.get(generation="current", level="province", code="01")
    assert jurisdiction_admin_units(leader_hanoi).count() == 1 + hanoi.children.count()


def test_province_police_leader_does_not_see_the_womens_union_tree(leader_hanoi):
    # Jurisdiction over units is the subtree of the role's unit: police, not the Union.
    client = logged_in(leader_hanoi)
    union = unit("PN-01-00070")

    assert client.get(f"/orgs/{union.pk}/").status_code == 404
