"""Which days are working days in Vietnam (reads).

A day is off when it is a Saturday or Sunday, a public holiday or a day off in lieu under the
Labour Code (the `holidays` package, which computes the lunar Tết and Giỗ Tổ Hùng Vương), or a
day the Government announced off (`CalendarChange`); an announced working day (a swapped
Saturday) is a working day whatever the rules say. The announced changes win because they are
the later, more specific act.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import holidays
from django.utils.translation import gettext as _

from toandan.workdays.models import CalendarChange, ChangeKind

WEEKEND = (5, 6)  # Saturday, Sunday: Decree 145/2020 civil servants' weekly rest
# The longest run of days off there has ever been (the Tết break) is far shorter.
LOOKAHEAD = dt.timedelta(days=60)


@functools.lru_cache(maxsize=64)
def _rule_holidays(year: int) -> dict[dt.date, str]:
    # In Vietnamese: the names are shown to officers as the days skipped.
    return dict(holidays.country_holidays("VN", years=year, language="vi").items())


@dataclass(frozen=True)
class DayOff:
    day: dt.date
    name: str


@dataclass(frozen=True)
class WorkCalendar:
    """The working days between two dates, with what makes each day off."""

    changes: dict[dt.date, tuple[str, str]]  # day -> (kind, name)

    def day_off(self, day: dt.date) -> DayOff | None:
        """Why `day` is off, or None on a working day."""
        change = self.changes.get(day)
        if change is not None:
            kind, name = change
            return DayOff(day, name) if kind == ChangeKind.DAY_OFF else None
        holiday = _rule_holidays(day.year).get(day)
        if holiday:
            return DayOff(day, holiday)
        if day.weekday() in WEEKEND:
            return DayOff(day, _("Saturday") if day.weekday() == 5 else _("Sunday"))
        return None

    def is_working_day(self, day: dt.date) -> bool:
        return self.day_off(day) is None

    def first_working_day(self, day: dt.date) -> tuple[dt.date, list[DayOff]]:
        """`day` itself when it is a working day, else the first working day after it, with
        the days off skipped on the way."""
        skipped: list[DayOff] = []
        while (off := self.day_off(day)) is not None:
            skipped.append(off)
            day += dt.timedelta(days=1)
        return day, skipped


def work_calendar(start: dt.date, end: dt.date | None = None) -> WorkCalendar:
    """The calendar for deadlines ending between `start` and `end` (one query)."""
    end = (end or start) + LOOKAHEAD
    rows = CalendarChange.objects.filter(day__range=(start, end)).values_list("day", "kind", "name")
    return WorkCalendar(changes={day: (kind, name) for day, kind, name in rows})


def work_calendar_all() -> WorkCalendar:
    """Every announced change (a small table): for code computing many deadlines at once."""
    rows = CalendarChange.objects.values_list("day", "kind", "name")
    return WorkCalendar(changes={day: (kind, name) for day, kind, name in rows})
