"""The pure deadline arithmetic (`toandan.tips.deadlines`), with the working days passed in.

No database and no settings: a calendar is a set of days off here. The timeline's own tests
(tests/handling/test_deadlines.py) check the same rules over the settings and the stored
calendar.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from toandan.tips.deadlines import (
    LOCAL_TZ,
    Deadline,
    SkippedDay,
    add_months,
    days_later,
    due_date,
    end_of_day,
    ending_on,
    local_date,
    moved_off_days_off,
    within_hours,
)


@dataclass(frozen=True)
class Off:
    day: dt.date
    name: str


class DaysOff:
    """Saturdays and Sundays off, and the named days given."""

    def __init__(self, named: dict[dt.date, str] | None = None) -> None:
        self.named = named or {}

    def first_working_day(self, day: dt.date) -> tuple[dt.date, Sequence[SkippedDay]]:
        skipped: list[SkippedDay] = []
        while day in self.named or day.weekday() >= 5:
            skipped.append(Off(day, self.named.get(day, "weekend")))
            day += dt.timedelta(days=1)
        return day, skipped


def test_a_deadline_is_kept_as_the_first_instant_after_its_last_day() -> None:
    end = end_of_day(dt.date(2025, 3, 21))
    assert end == dt.datetime(2025, 3, 22, 0, 0, tzinfo=LOCAL_TZ)
    assert end.utcoffset() == dt.timedelta(hours=7)
    assert due_date(end) == dt.date(2025, 3, 21)


def test_the_local_date_is_vietnam_s() -> None:
    # 18:00 UTC on 1 March is 01:00 on 2 March in Hà Nội.
    assert local_date(dt.datetime(2025, 3, 1, 18, 0, tzinfo=dt.UTC)) == dt.date(2025, 3, 2)


def test_months_end_on_the_same_day_or_the_month_s_last() -> None:
    assert add_months(dt.date(2025, 1, 15), 2) == dt.date(2025, 3, 15)
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2025, 12, 10), 1) == dt.date(2026, 1, 10)


def test_a_period_in_days_does_not_count_its_first_day() -> None:
    # Received on 1 March: the 20 days are 2..21 March.
    assert days_later(dt.date(2025, 3, 1), 20) == dt.date(2025, 3, 21)
    deadline = ending_on("decide", days_later(dt.date(2025, 3, 1), 20), None)
    assert deadline == Deadline("decide", end_of_day(dt.date(2025, 3, 21)), dt.date(2025, 3, 21))
    assert deadline.last_day == dt.date(2025, 3, 21)


def test_a_period_in_days_ends_on_a_day_off_unless_told_to_move() -> None:
    # 2025-03-01 + 7 days = Saturday 8 March.
    stays = ending_on("forward", days_later(dt.date(2025, 3, 1), 7), None)
    assert stays.last_day == dt.date(2025, 3, 8)
    assert stays.skipped == ()
    moved = ending_on("forward", days_later(dt.date(2025, 3, 1), 7), DaysOff())
    assert moved.last_day == dt.date(2025, 3, 10)
    assert moved.period_end == dt.date(2025, 3, 8)
    assert [d.day for d in moved.skipped] == [dt.date(2025, 3, 8), dt.date(2025, 3, 9)]


def test_a_period_in_months_moves_over_holidays_and_the_weekend() -> None:
    # Received 30 Jan 2025 + 3 months = Wednesday 30 April (Reunification Day), then Labour
    # Day on Thursday: the first working day is Friday 2 May.
    holidays = {dt.date(2025, 4, 30): "Reunification", dt.date(2025, 5, 1): "Labour"}
    end = add_months(dt.date(2025, 1, 30), 3)
    deadline = moved_off_days_off("decide_complex", end, DaysOff(holidays))
    assert deadline.period_end == dt.date(2025, 4, 30)
    assert deadline.last_day == dt.date(2025, 5, 2)
    assert [(d.day, d.name) for d in deadline.skipped] == [
        (dt.date(2025, 4, 30), "Reunification"),
        (dt.date(2025, 5, 1), "Labour"),
    ]


def test_a_working_last_day_is_not_moved() -> None:
    deadline = moved_off_days_off("decide_resumed", dt.date(2025, 3, 12), DaysOff())
    assert deadline.last_day == dt.date(2025, 3, 12)
    assert deadline.skipped == ()
    assert ending_on("decide", dt.date(2025, 3, 12), DaysOff()) == Deadline(
        "decide", deadline.due_at, dt.date(2025, 3, 12)
    )


def test_a_period_in_hours_ignores_days_off() -> None:
    start = dt.datetime(2025, 3, 7, 16, 30, tzinfo=LOCAL_TZ)  # a Friday afternoon
    deadline = within_hours("forward", start, 48)
    assert deadline.due_at == dt.datetime(2025, 3, 9, 16, 30, tzinfo=LOCAL_TZ)
    assert deadline.period_end is None


def test_the_module_needs_no_django() -> None:
    """Pure: importing it loads neither Django nor any model, so it runs anywhere."""
    code = (
        "import sys, toandan.tips.deadlines; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django' "
        "or m.startswith('toandan.') and m != 'toandan.tips.deadlines' "
        "and m not in ('toandan.tips',)))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert out.stdout.strip() == "[]"
