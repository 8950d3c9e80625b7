"""Deadline arithmetic of the legal timeline (BLTTHS Art. 134, 146, 147, 149).

Art. 134: a deadline in days ends at 24:00 of its last day, the day it starts not counted; one in
months ends on the same day of the last month, or on that month's last day when it has none, and
when that day is a day off, on the first working day after it (the working-day calendar, read
from the database: the announced changes live there). A deadline is stored as the first instant
after it (00:00 of the next day, Vietnam time); what the officer reads is its last day
(`due_date`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.conf import LazySettings
from django.utils import translation

from toandan.orgs.models import OrgUnit
from toandan.tips.deadlines import LOCAL_TZ, add_months, due_date, end_of_day
from toandan.tips.handling.timeline import (
    DEFAULT_DEADLINES,
    DUE_ARTICLES,
    complex_deadline,
    complex_due,
    deadline_compute,
    deadline_setting,
    decide_deadline,
    decide_due,
    forward_due,
    initial_forward_deadline,
    procuracy_deadline,
    resumed_deadline,
)
from toandan.tips.models import Category, DueKind, Tip


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    # The messages are asserted in their English source text; the Vietnamese interface is
    # tested by the page tests (test_views_handling).
    with translation.override("en"):
        yield


UTC = dt.UTC
pytestmark = pytest.mark.django_db


def vn(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


@pytest.fixture(autouse=True)
def _law_defaults(settings: LazySettings) -> None:
    # The project settings read the forwarding deadlines from the environment; these tests
    # check the law's figures unless they override them on purpose.
    settings.TOANDAN_TIP_DEADLINES = dict(DEFAULT_DEADLINES)


# --- Calendar ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),  # leap year
        (dt.date(2026, 3, 31), 1, dt.date(2026, 4, 30)),
        (dt.date(2026, 1, 15), 1, dt.date(2026, 2, 15)),
        (dt.date(2025, 12, 31), 2, dt.date(2026, 2, 28)),
        (dt.date(2027, 12, 31), 2, dt.date(2028, 2, 29)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),  # across the year
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
        (dt.date(2026, 2, 28), 2, dt.date(2026, 4, 28)),
    ],
)
def test_a_month_ends_on_the_same_day_or_the_last_day_of_a_short_month(day, months, expected):
    assert add_months(day, months) == expected


def test_end_of_day_is_midnight_after_the_day_in_vietnam_and_due_date_reads_it_back():
    end = end_of_day(dt.date(2026, 2, 20))

    assert end == dt.datetime(2026, 2, 21, 0, 0, tzinfo=LOCAL_TZ)
    assert end.astimezone(UTC) == dt.datetime(2026, 2, 20, 17, 0, tzinfo=UTC)
    assert due_date(end) == dt.date(2026, 2, 20)


# --- Art. 147(1): 20 days -------------------------------------------------------------------------


def test_a_tip_received_on_31_january_must_be_decided_by_the_end_of_20_february():
    due = decide_due(vn(2026, 1, 31, 9))

    assert due_date(due) == dt.date(2026, 2, 20)
    # 24:00 on the last day, not 09:00 like the receipt.
    assert due == dt.datetime(2026, 2, 21, 0, 0, tzinfo=LOCAL_TZ)


def test_the_day_of_receipt_is_the_vietnamese_calendar_day_not_utc():
    # 31 Jan 18:30 UTC is already 1 Feb 01:30 in Hà Nội.
    received = dt.datetime(2026, 1, 31, 18, 30, tzinfo=UTC)

    assert due_date(decide_due(received)) == dt.date(2026, 2, 21)
    # And 31 Jan 16:59 UTC is still 31 Jan 23:59 there.
    assert due_date(decide_due(dt.datetime(2026, 1, 31, 16, 59, tzinfo=UTC))) == dt.date(
        2026, 2, 20
    )


def test_twenty_days_cross_the_end_of_a_leap_february():
    assert due_date(decide_due(vn(2028, 2, 15))) == dt.date(2028, 3, 6)
    assert due_date(decide_due(vn(2026, 2, 15))) == dt.date(2026, 3, 7)


# --- Art. 147(2): complex case and procuracy extension --------------------------------------------


@pytest.mark.parametrize(
    ("received", "last_day"),
    [
        # 28/02/2026 is a Saturday: Art. 134 moves it to Monday.
        (vn(2025, 12, 31), dt.date(2026, 3, 2)),
        (vn(2027, 12, 31), dt.date(2028, 2, 29)),
        # 28/02/2027 is a Sunday.
        (vn(2026, 12, 30), dt.date(2027, 3, 1)),
        (vn(2026, 1, 10), dt.date(2026, 3, 10)),
    ],
)
def test_a_complex_case_runs_two_months_from_receipt(received, last_day):
    assert due_date(complex_due(received)) == last_day


@pytest.mark.parametrize(
    # 28/03/2026 is a Saturday.
    ("months", "last_day"),
    [(1, dt.date(2026, 3, 30)), (2, dt.date(2026, 4, 28))],
)
def test_the_procuracy_extends_from_the_end_of_the_complex_period(months, last_day):
    complex_case = complex_deadline(vn(2025, 12, 31))  # counts to Sat 28/02, ends Mon 02/03

    assert complex_case.period_end == dt.date(2026, 2, 28)
    # Counted from the period's end as counted, so days off do not add up across periods.
    assert procuracy_deadline(complex_case.period_end, months).last_day == last_day


def test_complex_plus_procuracy_never_exceeds_four_months_from_receipt():
    # Art. 147(2): 2 months, then once at most 2 more: never past 4 months, whatever the day.
    # Only a day off at the very end moves it, to the first working day after.
    day = dt.date(2026, 1, 1)
    while day.year == 2026:
        received = vn(day.year, day.month, day.day)
        complex_period_end = complex_deadline(received).period_end
        assert complex_period_end is not None
        extended = procuracy_deadline(complex_period_end, 2)
        assert extended.period_end is not None
        assert extended.period_end <= add_months(day, 4), day
        assert extended.last_day - extended.period_end == dt.timedelta(days=len(extended.skipped))
        day += dt.timedelta(days=1)


# --- Art. 149: one month after resumption ---------------------------------------------------------


def test_resumed_on_31_january_ends_on_the_last_day_of_february_or_the_next_working_day():
    # 28/02/2026 is a Saturday; 29/02/2028 a Tuesday; 05/04/2026 a Sunday.
    assert due_date(resumed_deadline(vn(2026, 1, 31, 15)).due_at) == dt.date(2026, 3, 2)
    assert due_date(resumed_deadline(vn(2028, 1, 31, 15)).due_at) == dt.date(2028, 2, 29)
    assert due_date(resumed_deadline(vn(2026, 3, 5)).due_at) == dt.date(2026, 4, 6)


# --- Forwarding: 24 h, 48 h for a remote commune, 7 days ------------------------------------------


def test_an_urgent_tip_is_forwarded_within_24_hours_to_the_minute():
    start = vn(2026, 3, 10, 14, 25)

    assert forward_due(start, urgent=True, remote=False) == vn(2026, 3, 11, 14, 25)


def test_a_remote_commune_has_48_hours_for_an_urgent_tip():
    start = vn(2026, 3, 10, 14, 25)

    assert forward_due(start, urgent=True, remote=True) == vn(2026, 3, 12, 14, 25)


def test_remoteness_does_not_change_the_seven_days_of_an_ordinary_tip():
    start = vn(2026, 2, 25, 22, 0)

    due = forward_due(start, urgent=False, remote=False)
    assert due_date(due) == dt.date(2026, 3, 4)
    assert forward_due(start, urgent=False, remote=True) == due


def _tip(*, serious: bool, flagrant: bool) -> Tip:
    category = Category(code="x", forward_hours=24 if serious else None, asks_victim_request=False)
    return Tip(category=category, is_flagrant=flagrant)


@pytest.mark.parametrize(
    ("serious", "flagrant", "remote", "expected"),
    [
        (True, False, False, vn(2026, 5, 2, 8)),
        (False, True, False, vn(2026, 5, 2, 8)),
        (True, False, True, vn(2026, 5, 3, 8)),
        (False, True, True, vn(2026, 5, 3, 8)),
        (False, False, False, dt.datetime(2026, 5, 9, 0, 0, tzinfo=LOCAL_TZ)),
        (False, False, True, dt.datetime(2026, 5, 9, 0, 0, tzinfo=LOCAL_TZ)),
    ],
)
def test_the_initial_deadline_follows_seriousness_flagrancy_and_remoteness(
    serious, flagrant, remote, expected
):
    deadline = initial_forward_deadline(
        _tip(serious=serious, flagrant=flagrant), OrgUnit(is_remote=remote), vn(2026, 5, 1, 8)
    )

    assert deadline.kind == DueKind.FORWARD
    assert deadline.due_at == expected


# --- Configuration --------------------------------------------------------------------------------


def test_settings_override_the_forwarding_deadlines(settings: LazySettings):
    start = vn(2026, 3, 10, 14, 25)
    settings.TOANDAN_TIP_DEADLINES = {
        "forward_urgent_hours": 12,
        "forward_urgent_remote_hours": 36,
        "forward_days": 3,
    }

    assert forward_due(start, urgent=True, remote=False) == vn(2026, 3, 11, 2, 25)
    assert forward_due(start, urgent=True, remote=True) == vn(2026, 3, 12, 2, 25)
    assert due_date(forward_due(start, urgent=False, remote=False)) == dt.date(2026, 3, 13)


def test_a_partial_override_keeps_the_law_for_the_rest(settings: LazySettings):
    settings.TOANDAN_TIP_DEADLINES = {"decide_days": 10}

    assert due_date(decide_due(vn(2026, 1, 31))) == dt.date(2026, 2, 10)
    assert deadline_setting("forward_days") == 7
    assert due_date(complex_due(vn(2025, 12, 31))) == dt.date(2026, 3, 2)


def test_no_setting_at_all_means_the_law(settings: LazySettings):
    del settings.TOANDAN_TIP_DEADLINES

    assert {name: deadline_setting(name) for name in DEFAULT_DEADLINES} == {
        "forward_urgent_hours": 24,
        "forward_urgent_remote_hours": 48,
        "forward_days": 7,
        "decide_days": 20,
        "complex_months": 2,
        "procuracy_max_months": 2,
        "resumed_months": 1,
        "day_periods_move_off_days_off": 0,
        "reopened_decide_days": 20,
    }


def test_months_are_configurable_too(settings: LazySettings):
    settings.TOANDAN_TIP_DEADLINES = {"complex_months": 3, "resumed_months": 2}

    # 28/02/2026 is a Saturday.
    assert due_date(complex_due(vn(2025, 11, 30))) == dt.date(2026, 3, 2)
    assert due_date(resumed_deadline(vn(2026, 1, 31)).due_at) == dt.date(2026, 3, 31)


# --- The law next to each deadline ----------------------------------------------------------------


def test_every_kind_of_deadline_names_its_article():
    assert set(DUE_ARTICLES) == set(DueKind.values)
    for kind in DueKind.values:
        assert "Art." in str(DUE_ARTICLES[kind])
    assert "147(1)" in str(DUE_ARTICLES[DueKind.DECIDE])
    assert "147(2)" in str(DUE_ARTICLES[DueKind.DECIDE_COMPLEX])
    assert "149" in str(DUE_ARTICLES[DueKind.DECIDE_RESUMED])


# --- BLTTHS Art. 134: a period in months that ends on a day off ends on the next working day ----


@pytest.mark.parametrize(
    ("start", "months", "last_day", "skipped"),
    [
        # Sat 28/02 and Sun 01/03.
        (dt.date(2025, 12, 30), 2, dt.date(2026, 3, 2), 2),
        # Tết break 14–22/02/2026 (Thông báo 9441/TB-BNV): 17/02 to 22/02 skipped.
        (dt.date(2025, 12, 17), 2, dt.date(2026, 2, 23), 6),
        # Fri 01/05 (Labour Day), Sat 02/05, Sun 03/05.
        (dt.date(2026, 3, 1), 2, dt.date(2026, 5, 4), 3),
        # Tue 02/09/2025, National Day.
        (dt.date(2025, 7, 2), 2, dt.date(2025, 9, 3), 1),
    ],
)
def test_a_period_in_months_ending_on_a_day_off_ends_on_the_next_working_day(
    start, months, last_day, skipped
):
    assert months == DEFAULT_DEADLINES["complex_months"]

    deadline = complex_deadline(vn(start.year, start.month, start.day))

    assert deadline.last_day == last_day
    assert len(deadline.skipped) == skipped
    assert deadline.period_end == add_months(start, months)


def test_resumed_on_30_march_2027_skips_30_april_1_may_and_the_day_off_in_lieu():
    deadline = resumed_deadline(vn(2027, 3, 30))

    assert deadline.period_end == dt.date(2027, 4, 30)
    assert deadline.last_day == dt.date(2027, 5, 4)
    assert [off.day for off in deadline.skipped] == [
        dt.date(2027, 4, 30),
        dt.date(2027, 5, 1),
        dt.date(2027, 5, 2),
        dt.date(2027, 5, 3),  # in lieu of Saturday 01/05
    ]


def test_the_twenty_days_end_on_their_last_day_even_a_day_off():
    # The text moves only periods in months (see timeline._day_end): received 08/02/2026,
    # the 20th day is 28/02/2026, a Saturday, and stays the last day.
    deadline = decide_deadline(vn(2026, 2, 8))

    assert deadline.last_day == dt.date(2026, 2, 28)
    assert deadline.skipped == ()


def test_a_setting_moves_periods_in_days_too(settings: LazySettings):
    settings.TOANDAN_TIP_DEADLINES = {**DEFAULT_DEADLINES, "day_periods_move_off_days_off": 1}

    assert decide_deadline(vn(2026, 2, 8)).last_day == dt.date(2026, 3, 2)


def test_the_calculator_is_the_timeline():
    assert deadline_compute("extend", dt.date(2025, 12, 30)) == complex_deadline(
        vn(2025, 12, 30, 0)
    )
    assert deadline_compute("resume", dt.date(2027, 3, 30)).last_day == dt.date(2027, 5, 4)
    assert deadline_compute("procuracy-extend", dt.date(2026, 2, 28), months=1).last_day == (
        dt.date(2026, 3, 30)
    )
    assert deadline_compute("decide", dt.date(2026, 1, 31)).last_day == dt.date(2026, 2, 20)
    forward = deadline_compute(
        "forward", dt.datetime(2026, 3, 10, 14, 25, tzinfo=LOCAL_TZ), serious=True, remote=True
    )
    assert forward.due_at == vn(2026, 3, 12, 14, 25)
