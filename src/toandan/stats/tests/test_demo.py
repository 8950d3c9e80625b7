"""The demo statistics read like the seed article, and loading twice changes nothing."""

from __future__ import annotations

import pytest

from toandan.orgs.models import OrgUnit
from toandan.stats.demo import load_demo
from toandan.stats.models import DataSet, Report
from toandan.stats.selectors import coverage, rollup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_twenty_provinces_reported_about_110_thousand_valuable_tips() -> None:
    first = load_demo()
    count = Report.objects.count()
    second = load_demo()

    assert "23 reports created" in first
    assert "0 reports created" in second
    assert Report.objects.count() == count
    annual = DataSet.objects.get(code="pn_movement_year")
    result = coverage(annual, "2023", unit=OrgUnit.objects.get(code="PN-TW"))
    assert (result.expected, result.reported) == (63, 20)
    table = rollup(["valuable_tips_reported"], "2023", level="country", by=("place",))
    assert 109_500 <= table.value("valuable_tips_reported", "VN") <= 110_499  # type: ignore[operator]
    # The same figures under today's provinces: Hà Giang did not report, Hà Nội did.
    provinces = rollup(["valuable_tips_reported"], "2023", by=("place",))
    assert provinces.value("valuable_tips_reported", "01") == 10_920
    assert provinces.value("valuable_tips_reported", "08") is None
