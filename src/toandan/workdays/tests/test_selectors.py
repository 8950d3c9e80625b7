"""The working-day calendar: the `holidays` package's fixed rules (lunar ones included) and the
announced changes loaded with the migration, each with its source."""

from __future__ import annotations

import datetime as dt

import pytest

from toandan.workdays.announced import ANNOUNCED
from toandan.workdays.models import CalendarChange, ChangeKind
from toandan.workdays.selectors import work_calendar, work_calendar_all

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 2, 17),  # Tết Bính Ngọ (lunar)
        dt.date(2026, 4, 27),  # Giỗ Tổ Hùng Vương 2026 falls on Sunday 26/04: in lieu
        dt.date(2027, 4, 16),  # Giỗ Tổ Hùng Vương 2027 (lunar 10/3)
        dt.date(2027, 5, 3),  # in lieu of Saturday 01/05/2027
        dt.date(2025, 9, 1),  # the second day of National Day (Labour Code 2019 Art. 112)
        dt.date(2026, 1, 2),  # announced: Tết Dương lịch 2026 swap
        dt.date(2026, 2, 14),  # announced: the Tết break 14–22/02/2026 (a Saturday anyway)
    ],
)
def test_public_holidays_including_the_lunar_ones_are_days_off(day):
    assert not work_calendar(day).is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 1, 10),  # Saturday worked in exchange for Friday 02/01/2026
        dt.date(2024, 5, 4),  # Saturday worked in exchange for Monday 29/04/2024
        dt.date(2026, 2, 23),  # the Monday after the Tết break
    ],
)
def test_a_swapped_saturday_and_an_ordinary_weekday_are_working_days(day):
    assert work_calendar(day).is_working_day(day)


def test_every_announced_change_from_2019_to_2027_is_loaded_with_its_source():
    loaded = {c.day: c for c in CalendarChange.objects.all()}

    assert len(ANNOUNCED) >= 15
    for day, kind, _name, source in ANNOUNCED:
        assert dt.date(2019, 1, 1) <= day <= dt.date(2027, 12, 31)
        assert loaded[day].kind == kind
        assert loaded[day].source == source
        assert source.strip()
    # A swap has both halves: the day off and the Saturday worked for it.
    kinds = {kind for _d, kind, _n, _s in ANNOUNCED}
    assert kinds == {ChangeKind.DAY_OFF, ChangeKind.WORKING_DAY}


def test_the_first_working_day_lists_the_days_off_skipped_with_their_names():
    calendar = work_calendar_all()

    day, skipped = calendar.first_working_day(dt.date(2026, 2, 17))

    assert day == dt.date(2026, 2, 23)
    assert [off.day.day for off in skipped] == [17, 18, 19, 20, 21, 22]
    assert all(off.name for off in skipped)
