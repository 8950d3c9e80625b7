"""The arithmetic of a tip's legal deadlines, pure: no models, no database, no settings.

Deadlines are counted as BLTTHS Art. 134 says: a period in days ends at 24:00 of its last day,
the day it starts from not counted; one in months ends on the same day of the last month, or the
month's last day when it has none, and when that day is a day off, on the first working day
after it. A deadline is kept as the first instant after it (00:00 of the next day, Vietnam
time); what the officer reads is its last day (`due_date`).

What varies is passed in: the working days (`WorkingDays`, which `toandan.workdays` reads from
the announced calendar) and the length of each period (the settings, which
`toandan.tips.handling.timeline` reads and which name the law behind each kind of deadline).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class SkippedDay(Protocol):
    """A day off a deadline was moved over (`toandan.workdays.selectors.DayOff`)."""

    @property
    def day(self) -> dt.date: ...

    @property
    def name(self) -> str: ...


class WorkingDays(Protocol):
    """The working-day calendar (`toandan.workdays.selectors.WorkCalendar`)."""

    def first_working_day(self, day: dt.date) -> tuple[dt.date, Sequence[SkippedDay]]:
        """`day` itself when it is a working day, else the first working day after it, with the
        days off skipped on the way."""
        ...


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LOCAL_TZ).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """24:00 of `day` in Vietnam, stored as the first instant of the next day."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=LOCAL_TZ)


def due_date(due_at: dt.datetime) -> dt.date:
    """The last day of a deadline (what the officer reads: "by 21/03")."""
    return local_date(due_at - dt.timedelta(microseconds=1))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or that month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def days_later(start: dt.date, days: int) -> dt.date:
    """The last day of a period of `days` days from `start`.

    BLTTHS Art. 134(1): a period in days ends at 24:00 of its last day; the day the period
    starts from is not counted ("kể từ ngày nhận được": the first day is the next one).
    """
    return start + dt.timedelta(days=days)


@dataclass(frozen=True)
class Deadline:
    """A computed deadline: its last moment, and how BLTTHS Art. 134 found it."""

    kind: str  # toandan.tips.models.DueKind
    due_at: dt.datetime  # the first instant after the deadline (00:00 after its last day)
    # The last day as the period counts it, before Art. 134 moves it off days off (None for a
    # period in hours). Kept on the tip, so an announced change of the calendar can move the
    # deadline again.
    period_end: dt.date | None = None
    skipped: tuple[SkippedDay, ...] = ()

    @property
    def last_day(self) -> dt.date:
        return due_date(self.due_at)


def within_hours(kind: str, start: dt.datetime, hours: int) -> Deadline:
    """A period in hours: it ends `hours` after `start`, whatever the day."""
    return Deadline(kind, start + dt.timedelta(hours=hours))


def moved_off_days_off(kind: str, period_end: dt.date, working_days: WorkingDays) -> Deadline:
    """BLTTHS Art. 134(1), third sentence: "nếu thời hạn hết vào ngày nghỉ thì ngày làm việc
    đầu tiên tiếp theo được tính là ngày cuối cùng của thời hạn"."""
    last, skipped = working_days.first_working_day(period_end)
    return Deadline(kind, end_of_day(last), period_end, tuple(skipped))


def ending_on(kind: str, period_end: dt.date, working_days: WorkingDays | None) -> Deadline:
    """A period in days that counts to `period_end`: it ends on that day whatever day that is
    (`working_days` None), or is moved off days off like a period in months."""
    if working_days is None:
        return Deadline(kind, end_of_day(period_end), period_end)
    return moved_off_days_off(kind, period_end, working_days)
