"""The provinces that reported, as the summary states them.

- A period crossing 01/07/2025 counts units of two generations: "76/97 tỉnh, thành phố" added
  the 63 provinces of before the reform to the 34 of after. Vietnam never had 97 provinces:
  each generation is stated on its own, with its years.
- The 2023 reports alone were presented as "Giai đoạn 2019–2024 … 20/63": a statement over
  several years says which years had reports.
- The English paragraph opened "In From 12/2025 to 11/2026".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from toandan.orgs.models import OrgUnit
from toandan.stats.demo import load_demo
from toandan.stats.models import DataSet, Report, ReportStatus
from toandan.stats.periods import parse_period, period_label, period_opening
from toandan.stats.selectors import summary_figures
from toandan.stats.tests.conftest import VN
from toandan.stats.tests.test_views import logged_in
from toandan.stats.vietnamese import SummaryFigures, summary_paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: None) -> None:
    load_demo()


def _approved_2025(code: str) -> None:
    period = parse_period("2025")
    moment = dt.datetime(2026, 1, 20, 10, tzinfo=VN)
    Report.objects.create(
        dataset=DataSet.objects.get(code="pn_movement_year"),
        org_unit=OrgUnit.objects.get(code=code),
        period_id=period.id,
        period_start=period.start,
        period_end=period.end,
        status=ReportStatus.APPROVED,
        submitted_at=moment,
        created_at=moment,
        updated_at=moment,
    )


@pytest.mark.usefixtures("demo")
def test_a_period_across_the_reform_states_each_generation_apart(analyst_national: Any) -> None:
    for code in ("PN-01", "PN-08", "PN-15"):
        _approved_2025(code)

    with translation.override("vi"):
        text = summary_paragraph(summary_figures(analyst_national, unit="VN", period="2023-2025"))

    assert "/97" not in text
    assert "23/97" not in text
    assert "20/63 tỉnh, thành phố (trước ngày 01/07/2025) có báo cáo số liệu năm 2023" in text
    assert "3/34 tỉnh, thành phố (từ ngày 01/07/2025) có báo cáo số liệu năm 2025" in text


@pytest.mark.usefixtures("demo")
def test_a_period_of_several_years_names_the_years_that_had_reports(
    analyst_national: Any,
) -> None:
    with translation.override("vi"):
        text = summary_paragraph(summary_figures(analyst_national, unit="VN", period="2019-2024"))

    assert text.startswith(
        "Giai đoạn 2019–2024, chỉ tính riêng 20/63 tỉnh, thành phố có báo cáo số liệu năm 2023, "
        "110 nghìn nguồn tin có giá trị"
    )


@pytest.mark.usefixtures("demo")
def test_the_year_of_the_reports_is_not_repeated_when_it_is_the_period(
    analyst_national: Any,
) -> None:
    with translation.override("vi"):
        text = summary_paragraph(summary_figures(analyst_national, unit="VN", period="2023"))

    assert text.startswith("Năm 2023, chỉ tính riêng 20/63 tỉnh, thành phố có báo cáo số liệu, ")


def test_the_english_paragraph_of_twelve_months_reads_from_to() -> None:
    with translation.override("en"):
        period = parse_period("202512-202611")
        figures = SummaryFigures(
            period_label=period_label(period),
            period_opening=period_opening(period),
            tips_received=120,
        )
        text = summary_paragraph(figures)

    assert "In From" not in text
    assert text.startswith("From 12/2025 to 11/2026, in total 120 tips were received.")
    with translation.override("vi"):
        assert summary_paragraph(
            SummaryFigures(period_opening=period_opening(period), tips_received=120)
        ).startswith("Từ tháng 12/2025 đến tháng 11/2026, tổng số")


def test_the_english_paragraph_of_twelve_months_from_the_data(analyst_national: Any) -> None:
    with translation.override("en"):
        figures = summary_figures(analyst_national, unit="VN", period="LAST_12_MONTHS")
        text = summary_paragraph(
            SummaryFigures(
                period_label=figures.period_label,
                period_opening=figures.period_opening,
                tips_received=5,
            )
        )

    assert not text.startswith("In From")
    assert text.startswith("From ")


@pytest.mark.usefixtures("demo")
def test_the_dashboard_shows_each_generation_apart(analyst_national: Any) -> None:
    for code in ("PN-01", "PN-08", "PN-15"):
        _approved_2025(code)

    page = logged_in(analyst_national).get("/stats/dashboard/", {"period": "2023-2025"})

    text = page.content.decode()
    assert page.status_code == 200
    assert "/97" not in text
    assert "20/63 <small>(2023)</small> · 3/34 <small>(2025)</small>" in text


@pytest.mark.usefixtures("demo")
def test_the_dashboard_names_the_years_that_had_reports(analyst_national: Any) -> None:
    page = logged_in(analyst_national).get("/stats/dashboard/", {"period": "2019-2024"})

    assert "20/63 <small>(2023)</small>" in page.content.decode()
