"""The statistics API: the same answer as the selectors, in DHIS2's shape, within the caller's
jurisdiction."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from toandan.accounts.services import api_token_create
from toandan.accounts.tests.factories import logged_in, make_user
from toandan.orgs.models import OrgUnit
from toandan.stats.models import DataSet, Report, ReportStatus
from toandan.stats.selectors import coverage, coverage_as_dict, rollup
from toandan.stats.summary import on_tip_change
from toandan.stats.tests.conftest import (
    HA_GIANG_OLD,
    VN,
    at,
    category,
    concluded,
    facts,
    old_province,
    province,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def figures(db: None) -> None:
    for one in (
        facts(old_province(HA_GIANG_OLD), at(2024, 3)),
        concluded(province("01"), at(2025, 8), category_id=category("drug-use").pk),
        facts(province("01"), at(2025, 9)),
    ):
        on_tip_change(None, one)


def test_query_matches_the_selector(figures: None, analyst_national: Any) -> None:
    response = logged_in(analyst_national).get(
        "/api/v1/stats/query",
        {
            "indicator": "tips_received,tips_valuable,share_valuable",
            "period": "2024-2025",
            "by": "period,place,category",
            "interval": "year",
        },
    )

    assert response.status_code == 200
    body = response.json()
    table = rollup(
        ["tips_received", "tips_valuable", "share_valuable"],
        "2024-2025",
        level="province",
        by=("period", "place", "category"),
        interval="year",
    )
    assert body["rows"] == table.rows()
    assert [h["name"] for h in body["headers"]] == [
        "indicator",
        "period",
        "place",
        "category",
        "value",
    ]
    assert (body["height"], body["width"]) == (len(table.rows()), 5)
    assert ["tips_received", "2024", "08", "theft", 1] in body["rows"]
    assert ["share_valuable", "2025", "01", "drug-use", 100] in body["rows"]
    assert body["metaData"]["items"]["08"]["name"] == "Tỉnh Tuyên Quang"
    assert body["metaData"]["dimensions"]["period"] == ["2024", "2025"]
    assert len(body["metaData"]["dimensions"]["place"]) == 34


def test_query_with_a_token_in_the_old_geography(figures: None, analyst_national: Any) -> None:
    _token, raw = api_token_create(actor=None, user=analyst_national, name="báo cáo")

    response = Client().get(
        "/api/v1/stats/query",
        {"indicator": "tips_received", "period": "2024", "by": "place", "geography": "old"},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )

    assert response.status_code == 200
    assert response.json()["rows"] == [["tips_received", "L02", 1]]


def test_query_stays_in_the_jurisdiction(figures: None, analyst_hanoi: Any) -> None:
    client = logged_in(analyst_hanoi)

    own = client.get("/api/v1/stats/query", {"indicator": "tips_received", "period": "2025"})
    other = client.get(
        "/api/v1/stats/query", {"indicator": "tips_received", "period": "2025", "unit": "08"}
    )
    country = client.get(
        "/api/v1/stats/query", {"indicator": "tips_received", "period": "2025", "unit": "VN"}
    )
    unknown = client.get(
        "/api/v1/stats/query", {"indicator": "tips_received", "period": "2025", "unit": "99"}
    )

    assert own.status_code == 200
    assert own.json()["metaData"]["unit"] == "01"
    assert own.json()["metaData"]["level"] == "commune"
    # Outside the jurisdiction answers as an unknown place does, like the pages: 404, and the
    # same message, so a caller cannot tell a place they may not see from one that is not there.
    assert (other.status_code, country.status_code, unknown.status_code) == (404, 404, 404)
    assert other.json() == unknown.json()


def test_query_refuses_bad_parameters_and_strangers(analyst_national: Any) -> None:
    bad = logged_in(analyst_national).get(
        "/api/v1/stats/query", {"indicator": "tips_received", "period": "2024Q9"}
    )
    no_role = logged_in(make_user("no.role")).get(
        "/api/v1/stats/query", {"indicator": "tips_received"}
    )
    anonymous = Client().get("/api/v1/stats/query", {"indicator": "tips_received"})

    assert bad.status_code == 400
    assert bad.json()["detail"].startswith("period: ")
    assert (no_role.status_code, anonymous.status_code) == (403, 401)


def test_coverage_matches_the_selector_and_names_the_missing(analyst_national: Any) -> None:
    annual = DataSet.objects.get(code="pn_movement_year")
    Report.objects.create(
        dataset=annual,
        org_unit=OrgUnit.objects.get(code="PN-L01"),
        period_id="2023",
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 12, 31),
        status=ReportStatus.APPROVED,
        submitted_at=dt.datetime(2024, 1, 9, tzinfo=VN),
        created_at=dt.datetime(2024, 1, 9, tzinfo=VN),
        updated_at=dt.datetime(2024, 1, 9, tzinfo=VN),
    )

    response = logged_in(analyst_national).get(
        "/api/v1/stats/coverage", {"dataset": "pn_movement_year", "period": "2023"}
    )

    assert response.status_code == 200
    body = response.json()
    expected = coverage_as_dict(coverage(annual, "2023", unit=OrgUnit.objects.get(code="PN-TW")))
    assert body == expected
    assert (body["expected"], body["reported"], body["on_time"]) == (63, 1, 1)
    assert {
        "code": "PN-L02",
        "name": "Hội LHPN tỉnh Hà Giang",
        "place": "Hà Giang",
        "period": "2023",
    } in body["missing"]
    assert body["sentence"].startswith("1/63 tỉnh, thành phố đã báo cáo; chưa báo cáo: Hà Giang")


def test_coverage_outside_the_jurisdiction_is_refused(analyst_hanoi: Any) -> None:
    client = logged_in(analyst_hanoi)

    other = client.get(
        "/api/v1/stats/coverage",
        {"dataset": "pn_movement_quarter", "period": "2026Q2", "unit": "PN-08"},
    )
    own = client.get(
        "/api/v1/stats/coverage", {"dataset": "pn_movement_quarter", "period": "2026Q2"}
    )
    unknown = client.get("/api/v1/stats/coverage", {"dataset": "nothing", "period": "2026Q2"})
    unknown_unit = client.get(
        "/api/v1/stats/coverage",
        {"dataset": "pn_movement_quarter", "period": "2026Q2", "unit": "PN-99"},
    )

    assert other.status_code == 404
    assert other.json() == unknown_unit.json()
    assert own.status_code == 200
    assert own.json()["unit"] == "PN-01"
    assert own.json()["level"] == "commune"
    assert own.json()["expected"] > 100
    assert unknown.status_code == 404


def test_query_along_the_union_tree(analyst_hanoi: Any) -> None:
    response = logged_in(analyst_hanoi).get(
        "/api/v1/stats/query",
        {
            "indicator": "tips_by_union,initiatives",
            "period": "2026",
            "unit": "PN-01",
            "by": "place",
        },
    )
    outside = logged_in(analyst_hanoi).get(
        "/api/v1/stats/query", {"indicator": "initiatives", "period": "2026", "unit": "PN-08"}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["metaData"]["level"] == "org"
    assert body["metaData"]["dimensions"]["place"][:2] == ["PN-01", "PN-01-00004"]
    assert outside.status_code == 404
