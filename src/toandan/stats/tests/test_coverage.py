"""Coverage: expected units across the 2025 reform, received, on time, the missing by name."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from toandan.orgs.models import OrgUnit
from toandan.stats.models import DataSet, Report, ReportStatus
from toandan.stats.periods import parse_period
from toandan.stats.selectors import coverage, coverage_sentence, expected_units
from toandan.stats.tests.conftest import VN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def annual(db: None) -> DataSet:
    return DataSet.objects.get(code="pn_movement_year")


def _report(
    dataset: DataSet, code: str, period_id: str, *, status: str, submitted: dt.date | None
) -> None:
    period = parse_period(period_id)
    moment = dt.datetime.combine(submitted, dt.time(10), tzinfo=VN) if submitted else None
    Report.objects.create(
        dataset=dataset,
        org_unit=OrgUnit.objects.get(code=code),
        period_id=period.id,
        period_start=period.start,
        period_end=period.end,
        status=status,
        submitted_at=moment,
        created_at=moment or dt.datetime(2026, 1, 1, tzinfo=VN),
        updated_at=moment or dt.datetime(2026, 1, 1, tzinfo=VN),
    )


def test_a_province_that_ceased_counts_only_for_periods_it_existed(annual: DataSet) -> None:
    central = OrgUnit.objects.get(code="PN-TW")

    def expected(period_id: str) -> set[str]:
        return {u.code for u in expected_units(annual, parse_period(period_id), under=central)}

    before, after = expected("2024"), expected("2025")

    assert len(before) == 63
    assert "PN-L02" in before
    assert "PN-01" not in before
    assert len(after) == 34
    assert "PN-L02" not in after
    assert "PN-08" in after
    # The first half of 2025 closed before the reform: the old provinces report for it.
    half = DataSet.objects.create(
        code="half",
        name_vi="x",
        name_en="x",
        period_type="half",
        org_kind="womens_union",
        levels=["province"],
    )
    assert len(expected_units(half, parse_period("2025S1"), under=central)) == 63
    assert len(expected_units(half, parse_period("2025S2"), under=central)) == 34
    assert coverage(annual, "2024", unit=central).expected == 63
    assert coverage(annual, "2025", unit=central).expected == 34


def test_coverage_counts_received_and_on_time_and_names_the_missing(annual: DataSet) -> None:
    central = OrgUnit.objects.get(code="PN-TW")
    _report(annual, "PN-L01", "2023", status=ReportStatus.APPROVED, submitted=dt.date(2024, 1, 20))
    _report(annual, "PN-L79", "2023", status=ReportStatus.SUBMITTED, submitted=dt.date(2024, 2, 15))
    _report(annual, "PN-L31", "2023", status=ReportStatus.DRAFT, submitted=None)
    _report(annual, "PN-L48", "2023", status=ReportStatus.RETURNED, submitted=dt.date(2024, 1, 5))
    # A report from a unit not expected (today's Hà Nội did not exist in 2023) does not count:
    # the rate never goes above 100 %.
    _report(annual, "PN-01", "2023", status=ReportStatus.SUBMITTED, submitted=dt.date(2024, 1, 5))

    result = coverage(annual, "2023", unit=central)

    assert (result.expected, result.reported, result.on_time) == (63, 2, 1)
    missing = {row.code for row in result.missing}
    assert len(missing) == 61
    assert {"PN-L31", "PN-L48", "PN-L02"} <= missing
    assert "PN-L01" not in missing
    sentence = coverage_sentence(result, limit=3)
    assert sentence.startswith("2 of 63 provinces reported; missing: ")
    assert sentence.endswith("and 58 more.")
    assert "Hà Giang" in sentence


def test_coverage_of_a_quarterly_set_over_a_year_counts_each_quarter() -> None:
    quarterly = DataSet.objects.get(code="pn_movement_quarter")
    hanoi = OrgUnit.objects.get(code="PN-01")
    quarterly.assigned_units.set(OrgUnit.objects.filter(code__in=["PN-01-00070", "PN-01-00004"]))
    _report(
        quarterly,
        "PN-01-00070",
        "2026Q1",
        status=ReportStatus.SUBMITTED,
        submitted=dt.date(2026, 4, 8),
    )
    _report(
        quarterly,
        "PN-01-00070",
        "2026Q2",
        status=ReportStatus.SUBMITTED,
        submitted=dt.date(2026, 7, 30),
    )

    result = coverage(quarterly, "2026", unit=hanoi)

    assert [p.id for p in result.periods] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert (result.expected, result.reported, result.on_time) == (8, 2, 1)
    assert coverage_sentence(result).startswith("2 of 8 expected reports received; missing: ")
    assert "Ba Đình (2026Q1)" in coverage_sentence(result)


def test_when_everyone_reported_the_sentence_says_so(
    annual: DataSet, analyst_national: Any
) -> None:
    hanoi_old = OrgUnit.objects.get(code="PN-L01")
    _report(annual, "PN-L01", "2023", status=ReportStatus.APPROVED, submitted=dt.date(2024, 1, 20))

    result = coverage(annual, "2023", unit=hanoi_old)

    assert result.expected == 1
    assert coverage_sentence(result) == "1 of 1 province reported; all have reported."
