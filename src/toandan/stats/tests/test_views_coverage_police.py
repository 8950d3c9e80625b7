"""Police leaders see the coverage of their area.

As `ca.hanoi` the coverage page opened with "Không có đơn vị này." and never showed a table,
even with the unit code its help suggests (PN-01 for Hà Nội), while the dashboard's "units that
have not reported" link led there.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from toandan.accounts.tests.factories import make_user
from toandan.stats.selectors import coverage_for_user
from toandan.stats.tests.test_views import logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def police_leader_hanoi(db: None) -> Any:
    return make_user("ca.hn.leader.stats", "police_leader", "CA-01")


def test_a_police_leader_opens_the_coverage_of_their_province(police_leader_hanoi: Any) -> None:
    response = logged_in(police_leader_hanoi).get("/stats/coverage/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Unknown unit." not in page
    # The Women's Union of Hà Nội's communes, in a table, the missing named.
    assert "<table" in page
    assert "0 of 1 province reported; missing: Hà Nội." in page


def test_a_police_leader_opens_the_coverage_of_the_unit_code_the_help_suggests(
    police_leader_hanoi: Any,
) -> None:
    response = logged_in(police_leader_hanoi).get(
        "/stats/coverage/", {"dataset": "pn_movement_year", "period": "2023", "unit": "PN-01"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Unknown unit." not in page
    assert "outside your jurisdiction" not in page
    assert "<table" in page


def test_a_police_leader_defaults_to_the_union_of_their_own_province(
    police_leader_hanoi: Any,
) -> None:
    result = coverage_for_user(police_leader_hanoi, dataset="pn_movement_year", period="2023")

    assert result.unit is not None
    assert result.unit.code == "PN-01"


def test_a_police_leader_is_refused_another_province(police_leader_hanoi: Any) -> None:
    response = logged_in(police_leader_hanoi).get(
        "/stats/coverage/", {"dataset": "pn_movement_year", "period": "2023", "unit": "PN-08"}
    )

    assert "outside your jurisdiction" in response.content.decode()
    assert "<table" not in response.content.decode()


def test_the_dashboard_link_to_the_units_that_have_not_reported_shows_them(
    police_leader_hanoi: Any,
) -> None:
    client = logged_in(police_leader_hanoi)
    dashboard = client.get("/stats/dashboard/", {"period": "2023"}).content.decode()
    match = re.search(r'<a href="(/stats/coverage/[^"]*)">who has not reported</a>', dashboard)
    assert match, "no link to the units that have not reported"
    assert "unit=PN-01" in match.group(1)  # the dashboard's place: Hà Nội

    response = client.get(html.unescape(match.group(1)))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Unknown unit." not in page
    assert "<table" in page
