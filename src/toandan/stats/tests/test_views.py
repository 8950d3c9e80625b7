"""The statistics pages, as a user goes through them without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from toandan.accounts.tests import factories
from toandan.orgs.models import OrgUnit
from toandan.stats.models import DataSet, Report, ReportStatus
from toandan.stats.summary import on_tip_change
from toandan.stats.tests.conftest import HA_GIANG_OLD, at, facts, old_province, province

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

REPORT_URL = "/stats/reports/pn_movement_quarter/PN-01-00070/2026Q2/"
FIGURES = {
    "members_trained": "120",
    "communication_sessions": "6",
    "tips_passed_outside": "9",
    "offenders_reintegrated": "0",
    "initiatives": "",
}


def logged_in(user: Any) -> Client:
    """Logged in, with English chosen in the language switch (the assertions read msgids)."""
    client = factories.logged_in(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def quarterly(db: None) -> DataSet:
    dataset = DataSet.objects.get(code="pn_movement_quarter")
    dataset.assigned_units.set(OrgUnit.objects.filter(code__in=["PN-01", "PN-01-00070"]))
    return dataset


def test_index_links_to_every_page(analyst_national: Any) -> None:
    response = logged_in(analyst_national).get("/stats/")

    assert response.status_code == 200
    for url in ("/stats/pivot/", "/stats/coverage/", "/stats/reports/"):
        assert url in response.content.decode()


def test_pivot_drills_down_from_the_country_to_a_commune(analyst_national: Any) -> None:
    on_tip_change(None, facts(old_province(HA_GIANG_OLD), at(2024, 3)))
    on_tip_change(None, facts(province("01"), at(2024, 9)))
    client = logged_in(analyst_national)
    query = {
        "indicators": ["tips_received"],
        "period": "2024",
        "interval": "quarter",
        "rows": "place",
        "columns": "period",
        "geography": "current",
    }

    country = client.get("/stats/pivot/", query)
    hanoi = client.get("/stats/pivot/", {**query, "unit": "01"})
    old = client.get("/stats/pivot/", {**query, "geography": "old"})

    page = country.content.decode()
    assert country.status_code == 200
    assert "Tỉnh Tuyên Quang" in page
    assert "unit=08" in page  # the drill-down link
    assert hanoi.status_code == 200
    assert "Phường Hoàn Kiếm" in hanoi.content.decode()
    assert "Up to Whole country" in hanoi.content.decode()
    assert "Tỉnh Hà Giang (before 01/07/2025)" in old.content.decode()


def test_pivot_opens_with_a_default_table_and_reports_errors(analyst_hanoi: Any) -> None:
    client = logged_in(analyst_hanoi)

    default = client.get("/stats/pivot/")
    outside = client.get(
        "/stats/pivot/",
        {
            "indicators": ["tips_received"],
            "period": "2024",
            "unit": "08",
            "rows": "place",
            "columns": "period",
        },
    )
    bad = client.get(
        "/stats/pivot/",
        {"indicators": ["tips_received"], "period": "2024Q9", "rows": "place", "columns": "period"},
    )

    assert default.status_code == 200
    assert "Phường Hoàn Kiếm" in default.content.decode()
    assert "outside your jurisdiction" in outside.content.decode()
    assert "Q9" in bad.content.decode()


def test_coverage_page_names_the_missing(analyst_national: Any) -> None:
    response = logged_in(analyst_national).get(
        "/stats/coverage/", {"dataset": "pn_movement_year", "period": "2023"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "0 of 63 provinces reported; missing: Hà Nội, Hà Giang" in page
    assert "Hội LHPN tỉnh Cao Bằng" in page


def test_a_report_is_entered_submitted_returned_and_approved(
    quarterly: DataSet, cadre_hoan_kiem_union: Any, leader_hanoi_union: Any
) -> None:
    cadre, leader = logged_in(cadre_hoan_kiem_union), logged_in(leader_hanoi_union)

    listing = cadre.get("/stats/reports/")
    assert REPORT_URL in listing.content.decode()

    saved = cadre.post(REPORT_URL, {**FIGURES, "action": "save"})
    assert saved.status_code == 302
    submitted = cadre.post(REPORT_URL, {**FIGURES, "action": "submit"})
    assert submitted.status_code == 302
    assert Report.objects.get().status == ReportStatus.SUBMITTED

    awaiting = leader.get("/stats/reports/")
    assert REPORT_URL in awaiting.content.decode()
    no_reason = leader.post(REPORT_URL, {"action": "return", "reason": ""})
    assert no_reason.status_code == 200
    assert "Say what the unit must correct" in no_reason.content.decode()
    leader.post(REPORT_URL, {"action": "return", "reason": "Thiếu số buổi tuyên truyền"})
    assert Report.objects.get().status == ReportStatus.RETURNED
    assert "Thiếu số buổi tuyên truyền" in cadre.get(REPORT_URL).content.decode()

    cadre.post(REPORT_URL, {**FIGURES, "action": "submit"})
    approved = leader.post(REPORT_URL, {"action": "approve"})
    assert approved.status_code == 302
    assert Report.objects.get().status == ReportStatus.APPROVED
    # Locked: the unit no longer gets buttons, and a forged post is refused.
    assert 'name="action"' not in cadre.get(REPORT_URL).content.decode()
    assert cadre.post(REPORT_URL, {**FIGURES, "action": "submit"}).status_code == 403


def test_a_refused_submission_shows_what_is_wrong(
    quarterly: DataSet, cadre_hoan_kiem_union: Any
) -> None:
    response = logged_in(cadre_hoan_kiem_union).post(
        REPORT_URL, {**FIGURES, "members_trained": "", "action": "submit"}
    )

    assert response.status_code == 200
    assert "Enter this figure (0 if there were none)." in response.content.decode()
    assert not Report.objects.exists()


def test_a_report_outside_the_jurisdiction_is_not_found(
    quarterly: DataSet, cadre_ba_dinh_union: Any
) -> None:
    client = logged_in(cadre_ba_dinh_union)

    assert client.get(REPORT_URL).status_code == 404
    assert client.post(REPORT_URL, {**FIGURES, "action": "submit"}).status_code == 404
    assert client.get("/stats/reports/pn_movement_quarter/PN-01-00070/2026/").status_code == 404


def test_the_pivot_and_the_coverage_offer_their_exports(analyst_national: Any) -> None:
    client = logged_in(analyst_national)

    pivot = client.get(
        "/stats/pivot/",
        {
            "indicators": ["tips_received"],
            "period": "LAST_12_MONTHS",
            "rows": "place",
            "columns": "period",
        },
    ).content.decode()
    covered = client.get(
        "/stats/coverage/", {"dataset": "pn_movement_year", "period": "2023"}
    ).content.decode()

    assert 'action="/exports/start/"' in pivot
    assert 'name="kind" value="stats.pivot"' in pivot
    assert 'value="xlsx"' in pivot
    # The period the page showed, made absolute: the file holds the same months later on.
    assert "&quot;period&quot;: &quot;LAST_12_MONTHS&quot;" not in pivot
    assert 'name="kind" value="stats.coverage"' in covered
    assert "&quot;unit&quot;: &quot;PN-TW&quot;" in covered
