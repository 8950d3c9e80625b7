"""The unit dashboard: what a commune officer and a province leader see, computed with a fixed
number of queries, and only for the units in their charge. The figures over months come from
the unit month counts, which every tip change keeps current
(`toandan.tips.dashboard.unit_counts`)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from toandan.accounts.tests.factories import logged_in, make_user, unit
from toandan.tips.dashboard.selectors import DashboardScopeError, unit_dashboard
from toandan.tips.handling.timeline import tip_changed, tip_facts
from toandan.tips.models import Tip
from toandan.tips.services import tip_submit
from toandan.tips.tests.conftest import (
    BA_DINH,
    BA_DINH_POLICE,
    HOAN_KIEM,
    HOAN_KIEM_POLICE,
    commune,
    tip_input,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 10:00 on 01/12/2026 in Vietnam
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
URL = "/tips/staff/dashboard/"
# Queries of the dashboard, however many tips and units: the user's roles, the units, open
# counts, forwarded tips, then the figures over months from the unit month counts.
DASHBOARD_QUERIES = 5
# Quarter past midnight on 01/12 in Vietnam: still 30/11 in UTC, already December here.
MONTH_START = dt.datetime(2026, 11, 30, 17, 0, tzinfo=UTC)


def make_tip(
    *,
    place: str = HOAN_KIEM,
    status: str = "checking",
    due: dt.datetime | None = None,
    received: dt.datetime | None = None,
    acted_after: dt.timedelta | None = None,
    concluded: dt.datetime | None = None,
    in_time: bool | None = None,
    valuable: bool | None = None,
    forwarded_to: str | None = None,
) -> Tip:
    """A tip as the timeline would have left it; the counts follow as they do on every change."""
    tip = tip_submit(data=tip_input(commune=commune(place))).tip
    before = tip_facts(tip)
    received = received or NOW - 2 * DAY
    Tip.objects.filter(pk=tip.pk).update(
        status=status,
        due_at=due,
        received_at=received,
        first_action_at=received + acted_after if acted_after is not None else None,
        concluded_at=concluded,
        decided_in_time=in_time,
        valuable=valuable,
        pending_unit=unit(forwarded_to) if forwarded_to else None,
    )
    tip = Tip.objects.get(pk=tip.pk)
    tip_changed(before, tip_facts(tip))
    return tip


def hours(value: float) -> dt.timedelta:
    return dt.timedelta(hours=value)


@pytest.fixture
def hoan_kiem_tips() -> None:
    """Hoàn Kiếm: three open tips (one due within 3 days, one overdue), two decided in the
    last 12 months (one in time, valuable this month), one decided long ago; first actions
    after 2, 4 and 6 hours; a tip from Ba Đình forwarded to it."""
    make_tip(due=NOW + 2 * DAY, acted_after=hours(2))
    make_tip(due=NOW - DAY, status="resolving", acted_after=hours(4))
    make_tip(due=NOW + 10 * DAY, status="received")
    make_tip(
        status="concluded",
        received=NOW - 20 * DAY,
        acted_after=hours(6),
        concluded=NOW - HOUR,
        in_time=True,
        valuable=True,
    )
    make_tip(
        status="concluded",
        received=NOW - 200 * DAY,
        acted_after=hours(1),
        concluded=NOW - 100 * DAY,
        in_time=False,
        valuable=True,
    )
    make_tip(
        status="concluded",
        received=NOW - 500 * DAY,
        acted_after=hours(1),
        concluded=NOW - 400 * DAY,
        in_time=False,
    )
    make_tip(place=BA_DINH, status="forwarded", forwarded_to=HOAN_KIEM_POLICE, due=NOW + 9 * DAY)


@pytest.fixture
def ba_dinh_tips() -> None:
    """Ba Đình: two overdue tips, first actions after 10 and 20 hours, one decided in time."""
    make_tip(place=BA_DINH, due=NOW - 2 * DAY, acted_after=hours(10))
    make_tip(place=BA_DINH, due=NOW - 3 * DAY, status="resolving", acted_after=hours(20))
    make_tip(
        place=BA_DINH,
        status="concluded",
        received=NOW - 30 * DAY,
        concluded=NOW - 10 * DAY,
        in_time=True,
        valuable=False,
    )


# --- What the officers see -----------------------------------------------------------------


@pytest.mark.usefixtures("hoan_kiem_tips", "ba_dinh_tips")
def test_commune_officer_sees_the_figures_of_their_unit(officer_hoan_kiem):
    board = unit_dashboard(officer_hoan_kiem, now=NOW)

    total = board.total
    assert board.scope_name == "Công an phường Hoàn Kiếm"
    assert (total.open, total.due_soon, total.overdue, total.incoming) == (3, 1, 1, 1)
    # First acted on since 01/09 (this month and the three before): 2, 4 and 6 hours; the
    # median, 4 hours, lies in the band "within 4 hours".
    assert (total.first_action_hours, total.first_action_tips) == (4, 3)
    assert (total.decided, total.decided_in_time, total.share_in_time) == (2, 1, 50.0)
    assert total.valuable_month == 1
    assert board.rows == []  # one unit: no side-by-side table


@pytest.mark.usefixtures("hoan_kiem_tips", "ba_dinh_tips")
def test_province_leader_sees_its_communes_side_by_side(leader_hanoi):
    board = unit_dashboard(leader_hanoi, now=NOW)

    assert board.scope_name == "Công an thành phố Hà Nội"
    by_name = {row.name: row.figures for row in board.rows}
    assert set(by_name) == {"Công an phường Hoàn Kiếm", "Công an phường Ba Đình"}
    ba_dinh = by_name["Công an phường Ba Đình"]
    assert (ba_dinh.open, ba_dinh.overdue, ba_dinh.incoming) == (3, 2, 0)
    # 10 and 20 hours: the lower median, 10 hours, lies in the band "within 12 hours".
    assert (ba_dinh.first_action_hours, ba_dinh.decided, ba_dinh.decided_in_time) == (12, 1, 1)
    total = board.total
    assert (total.open, total.due_soon, total.overdue, total.incoming) == (6, 1, 3, 1)
    assert (total.decided, total.decided_in_time, total.valuable_month) == (3, 2, 1)
    # The median of all five tips (2, 4, 6, 10, 20 hours: 6, within 8), not a median of the
    # units' medians (within 4 and within 12).
    assert (total.first_action_hours, total.first_action_tips) == (8, 5)


@pytest.mark.usefixtures("hoan_kiem_tips", "ba_dinh_tips")
def test_the_communes_are_sorted_by_overdue_first_and_by_any_column_on_request(leader_hanoi):
    names = [row.name for row in unit_dashboard(leader_hanoi, now=NOW).rows]
    by_name = [row.name for row in unit_dashboard(leader_hanoi, now=NOW, sort="name").rows]
    by_share = [row.name for row in unit_dashboard(leader_hanoi, now=NOW, sort="share").rows]

    assert names == ["Công an phường Ba Đình", "Công an phường Hoàn Kiếm"]
    assert by_name == ["Công an phường Ba Đình", "Công an phường Hoàn Kiếm"]
    assert by_share == ["Công an phường Hoàn Kiếm", "Công an phường Ba Đình"]  # 50 % before 100 %


@pytest.mark.usefixtures("hoan_kiem_tips", "ba_dinh_tips")
def test_province_leader_can_look_at_one_commune(leader_hanoi):
    ba_dinh = unit(BA_DINH_POLICE)

    board = unit_dashboard(leader_hanoi, unit_id=ba_dinh.pk, now=NOW)

    assert board.scope_name == "Công an phường Ba Đình"
    assert board.selected_unit_id == ba_dinh.pk
    assert (board.total.open, board.total.overdue, board.total.decided) == (3, 2, 1)
    assert board.rows == []


@pytest.mark.usefixtures("hoan_kiem_tips")
def test_a_commune_officer_cannot_look_at_another_commune(officer_hoan_kiem):
    with pytest.raises(DashboardScopeError):
        unit_dashboard(officer_hoan_kiem, unit_id=unit(BA_DINH_POLICE).pk, now=NOW)


def test_a_unit_without_tips_shows_zeros_and_no_rows(officer_ba_dinh):
    board = unit_dashboard(officer_ba_dinh, now=NOW)

    assert board.total.open == 0
    assert board.total.first_action_hours is None
    assert board.total.first_action_later is False
    assert board.total.share_in_time is None


def test_the_month_and_the_windows_follow_vietnam_time(officer_hoan_kiem):
    # Concluded at 23:30 on 30/11 in Vietnam (16:30 UTC) and at 00:30 on 01/12 (17:30 UTC).
    make_tip(status="concluded", concluded=MONTH_START - hours(0.5), in_time=True, valuable=True)
    make_tip(status="concluded", concluded=MONTH_START + hours(0.5), in_time=True, valuable=True)

    board = unit_dashboard(officer_hoan_kiem, now=NOW)

    assert board.total.valuable_month == 1
    assert board.month_start == dt.date(2026, 12, 1)
    assert board.decided_since == dt.date(2025, 12, 1)
    assert board.first_action_since == dt.date(2026, 9, 1)


# --- Every figure is current ------------------------------------------------------------


@pytest.mark.usefixtures("hoan_kiem_tips")
def test_every_figure_follows_a_change_at_once(officer_hoan_kiem):
    first = unit_dashboard(officer_hoan_kiem, now=NOW)
    make_tip(due=NOW - DAY, acted_after=hours(200))
    make_tip(status="concluded", concluded=NOW - HOUR, in_time=False, valuable=True)

    after = unit_dashboard(officer_hoan_kiem, now=NOW + dt.timedelta(seconds=30))

    assert (first.total.overdue, first.total.valuable_month, first.total.decided) == (1, 1, 2)
    assert (after.total.overdue, after.total.valuable_month, after.total.decided) == (2, 2, 3)
    # 2, 4, 6 and 200 hours: the lower median, 4 hours, still lies within 4.
    assert (after.total.first_action_hours, after.total.first_action_tips) == (4, 4)


def test_a_median_beyond_a_week_is_shown_as_later(officer_hoan_kiem, leader_hanoi):
    make_tip(acted_after=hours(170))
    make_tip(acted_after=hours(300))
    make_tip(acted_after=hours(1))
    make_tip(place=BA_DINH, acted_after=hours(0.5))

    board = unit_dashboard(officer_hoan_kiem, now=NOW + 20 * DAY)
    html = logged_in(leader_hanoi).get(URL, {"sort": "first_action"}).content.decode()

    assert board.total.first_action_hours is None
    assert board.total.first_action_later is True
    # Slowest first: Hoàn Kiếm later than a week, Ba Đình within an hour.
    assert (
        html.index("Hoàn Kiếm</a>")
        < html.index("&gt; 168")
        < html.index("Ba Đình</a>")
        < html.index("≤ 1<")
    )


def test_the_median_counts_tips_by_the_month_of_their_first_action(officer_hoan_kiem):
    # Received in May, first acted on in October: inside the window (since 01/09).
    make_tip(received=NOW - 200 * DAY, acted_after=dt.timedelta(days=150))
    # Received and acted on in August: before the window.
    make_tip(received=NOW - 110 * DAY, acted_after=hours(1))

    board = unit_dashboard(officer_hoan_kiem, now=NOW)

    assert board.total.first_action_tips == 1
    assert board.total.first_action_later is True


# --- A fixed number of queries -------------------------------------------------------------


def _queries(user, **kwargs) -> int:
    user = type(user).objects.get(pk=user.pk)  # a fresh user, as each request has
    with CaptureQueriesContext(connection) as context:
        unit_dashboard(user, now=NOW, **kwargs)
    return len(context.captured_queries)


@pytest.mark.usefixtures("hoan_kiem_tips")
def test_query_count_does_not_grow_with_tips_or_communes(leader_hanoi, officer_hoan_kiem):
    few = _queries(leader_hanoi)
    for place in (BA_DINH, "00008", "00025"):  # Ba Đình, Ngọc Hà, Giảng Võ
        make_tip(place=place, due=NOW - DAY, acted_after=hours(3))
        make_tip(place=place, status="concluded", concluded=NOW - DAY, in_time=True)

    many = _queries(leader_hanoi)

    assert len(unit_dashboard(leader_hanoi, now=NOW).rows) == 4
    assert few == many == DASHBOARD_QUERIES
    assert _queries(officer_hoan_kiem) == DASHBOARD_QUERIES


@pytest.mark.usefixtures("hoan_kiem_tips")
def test_the_page_query_count_does_not_grow_with_communes(leader_hanoi):
    client = logged_in(leader_hanoi)
    client.get(URL)  # the first request of a session also writes the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for place in (BA_DINH, "00008", "00025"):
        make_tip(place=place, due=NOW - DAY, acted_after=hours(3))

    with CaptureQueriesContext(connection) as many:
        assert client.get(URL + "?sort=name").status_code == 200

    assert len(many.captured_queries) == len(few.captured_queries)


# --- The page ------------------------------------------------------------------------------


@pytest.mark.usefixtures("hoan_kiem_tips", "ba_dinh_tips")
def test_page_shows_the_communes_with_numbers_and_bars(leader_hanoi):
    response = logged_in(leader_hanoi).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Công an phường Hoàn Kiếm" in html
    assert "Công an phường Ba Đình" in html
    assert html.count("<svg") == 2  # one bar per commune
    assert f'href="?unit={unit(BA_DINH_POLICE).pk}"' in html
    assert 'aria-sort="descending"' in html  # sorted by overdue


@pytest.mark.usefixtures("hoan_kiem_tips")
def test_page_for_one_commune_has_no_side_by_side_table(officer_hoan_kiem):
    response = logged_in(officer_hoan_kiem).get(URL)

    assert response.status_code == 200
    assert "<svg" not in response.content.decode()
    assert response.context["board"].total.open == 3


@pytest.mark.usefixtures("hoan_kiem_tips", "ba_dinh_tips")
def test_page_for_one_commune_of_the_province(leader_hanoi):
    response = logged_in(leader_hanoi).get(URL, {"unit": unit(BA_DINH_POLICE).pk})

    assert response.status_code == 200
    assert response.context["board"].scope_name == "Công an phường Ba Đình"
    assert reverse("tips:dashboard") in response.content.decode()  # the way back


def test_a_unit_outside_the_officers_charge_or_not_a_number_is_not_found(officer_hoan_kiem):
    client = logged_in(officer_hoan_kiem)

    assert client.get(URL, {"unit": unit(BA_DINH_POLICE).pk}).status_code == 404
    assert client.get(URL, {"unit": "abc"}).status_code == 404
    assert client.get(URL, {"unit": "999999999"}).status_code == 404
    assert client.get(URL, {"sort": "nonsense"}).status_code == 200


def test_union_cadres_are_refused_and_visitors_sent_to_log_in(client):
    cadre = make_user("pn.hoankiem.dash", "union_cadre", "PN-01-00070")

    assert logged_in(cadre).get(URL).status_code == 403
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.usefixtures("hoan_kiem_tips", "ba_dinh_tips")
def test_the_overdue_bar_column_has_a_heading_everyone_sees(leader_hanoi):
    page = logged_in(leader_hanoi).get(URL).content.decode()

    heading = re.search(r"<th scope=\"col\">([^<]*)</th>", page)
    assert heading is not None
    # A sighted reader sees what the bars are, not an empty heading.
    assert heading[1].strip() in {"Overdue, as a bar", "Quá hạn, dạng thanh"}
