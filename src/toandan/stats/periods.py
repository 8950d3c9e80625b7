"""Reporting periods: readable ids for months, quarters, half-years, years and ranges.

The ids follow DHIS2, so people who know its analytics read them at once:

    2024            year
    2024Q3          quarter (Q1..Q4)
    202408, 2024-08 month (both spellings give the id 202408)
    2024S1, 2024S2  half-year (January–June, July–December)
    2019-2024       range; also 2019..2024, 202401-202406, 2024Q1-2024Q3 (any two periods: the
                    range runs from the start of the first to the end of the second)
    THIS_MONTH, LAST_MONTH, LAST_12_MONTHS, THIS_QUARTER, LAST_QUARTER, THIS_YEAR, LAST_YEAR,
    LAST_5_YEARS    relative to today in Vietnam; as in DHIS2, "last N" stops before the
                    current month or year (a period still running would look like a drop)

A range longer than `MAX_RANGE_YEARS` years is refused: the 2019–2024 campaign period is the
longest the movement reports on, and a longer one is almost always a typing slip (2004 for
2024) that would run a query over everything.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from django.utils import dateformat, timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext, pgettext

PeriodType = Literal["month", "quarter", "half", "year", "range"]
SplitUnit = Literal["month", "quarter", "half", "year"]

MIN_YEAR = 1900
MAX_YEAR = 2100
MAX_RANGE_YEARS = 20

_YEAR = re.compile(r"(\d{4})")
_QUARTER = re.compile(r"(\d{4})Q(\d)")
_HALF = re.compile(r"(\d{4})S(\d)")
_MONTH = re.compile(r"(\d{4})-?(\d{2})")
# Ranges: "-" between two ids (not "2024-08", which is a month), "..", or the en dash that
# labels print, so a label pasted back in still parses.
_RANGE = re.compile(r"(.+?)\s*(?:\.\.|-|–)\s*(.+)")
# The id of a range of whole days (what `split` gives for a period that starts mid-month).
_DAY_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class Period:
    """A span of whole days, `end` included. `id` is the canonical readable id."""

    id: str
    start: dt.date
    end: dt.date
    type: PeriodType

    def __str__(self) -> str:
        return self.id

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class PeriodError(ValueError):
    """A period the user typed that does not exist or is not allowed; the message says why,
    in the reader's language, and can be shown as it is."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# --- Building blocks -------------------------------------------------------------------------


def _last_day_of_month(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _check_year(text: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(
            gettext("Year %(year)s is out of range: use a year from %(min)s to %(max)s.")
            % {"year": text, "min": MIN_YEAR, "max": MAX_YEAR},
            code="year",
        )
    return year


def month_period(year: int, month: int) -> Period:
    return Period(
        start=dt.date(year, month, 1),
        end=_last_day_of_month(year, month),
        id=f"{year:04d}{month:02d}",
        type="month",
    )


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    return Period(
        start=dt.date(year, first, 1),
        end=_last_day_of_month(year, first + 2),
        id=f"{year:04d}Q{quarter}",
        type="quarter",
    )


def half_period(year: int, half: int) -> Period:
    first = 1 if half == 1 else 7
    return Period(
        start=dt.date(year, first, 1),
        end=_last_day_of_month(year, first + 5),
        id=f"{year:04d}S{half}",
        type="half",
    )


def year_period(year: int) -> Period:
    return Period(
        start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), id=f"{year:04d}", type="year"
    )


def _range_id(start: dt.date, end: dt.date) -> str:
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return f"{start.year:04d}-{end.year:04d}"
    if start.day == 1 and end == _last_day_of_month(end.year, end.month):
        return f"{start.year:04d}{start.month:02d}-{end.year:04d}{end.month:02d}"
    return f"{start.isoformat()}..{end.isoformat()}"


def _calendar_period(start: dt.date, end: dt.date) -> Period | None:
    """The month, quarter, half-year or year that is exactly these days, if one is."""
    units: tuple[SplitUnit, ...] = ("month", "quarter", "half", "year")
    for unit in units:
        whole = _containing(start, unit)
        if (whole.start, whole.end) == (start, end):
            return whole
    return None


def range_period(start: dt.date, end: dt.date) -> Period:
    """A custom range between two days (both included), checked like a typed range. A range
    that is exactly a month, quarter, half-year or year is that period (202401-202406 is
    2024S1), so one span of time has one id."""
    if end < start:
        raise PeriodError(
            gettext("The period ends before it starts: write the earlier period first."),
            code="reversed",
        )
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months > MAX_RANGE_YEARS * 12:
        raise PeriodError(
            gettext("A period may span at most %(max)s years; this one spans %(years)s.")
            % {"max": MAX_RANGE_YEARS, "years": end.year - start.year + 1},
            code="too_long",
        )
    calendar = _calendar_period(start, end)
    if calendar is not None:
        return calendar
    return Period(start=start, end=end, id=_range_id(start, end), type="range")


# --- Parsing ---------------------------------------------------------------------------------


def _parse_single(text: str) -> Period:
    if match := _YEAR.fullmatch(text):
        return year_period(_check_year(match[1]))
    if match := _QUARTER.fullmatch(text):
        year = _check_year(match[1])
        quarter = int(match[2])
        if not 1 <= quarter <= 4:
            raise PeriodError(
                gettext("Quarter %(quarter)s does not exist: quarters run from Q1 to Q4.")
                % {"quarter": f"Q{quarter}"},
                code="quarter",
            )
        return quarter_period(year, quarter)
    if match := _HALF.fullmatch(text):
        year = _check_year(match[1])
        half = int(match[2])
        if half not in (1, 2):
            raise PeriodError(
                gettext(
                    "Half-year %(half)s does not exist: use S1 (January–June) or S2 "
                    "(July–December)."
                )
                % {"half": f"S{half}"},
                code="half",
            )
        return half_period(year, half)
    if match := _MONTH.fullmatch(text):
        year = _check_year(match[1])
        month = int(match[2])
        if not 1 <= month <= 12:
            raise PeriodError(
                gettext("Month %(month)s does not exist: months run from 01 to 12.")
                % {"month": match[2]},
                code="month",
            )
        return month_period(year, month)
    raise _unrecognised()


def _unrecognised() -> PeriodError:
    return PeriodError(
        gettext(
            "Enter a period such as 2024, 2024Q3, 202408, 2024S1, 2019-2024 or LAST_12_MONTHS."
        ),
        code="format",
    )


def _relative(name: str, today: dt.date) -> Period | None:
    this_month = dt.date(today.year, today.month, 1)
    this_quarter = _containing(today, "quarter").start
    this_year = dt.date(today.year, 1, 1)
    # [first day, first day after) of each relative period.
    spans = {
        "THIS_MONTH": (this_month, _add_months(this_month, 1)),
        "LAST_MONTH": (_add_months(this_month, -1), this_month),
        "LAST_12_MONTHS": (_add_months(this_month, -12), this_month),
        "THIS_QUARTER": (this_quarter, _add_months(this_quarter, 3)),
        "LAST_QUARTER": (_add_months(this_quarter, -3), this_quarter),
        "THIS_YEAR": (this_year, _add_months(this_year, 12)),
        "LAST_YEAR": (_add_months(this_year, -12), this_year),
        "LAST_5_YEARS": (_add_months(this_year, -60), this_year),
    }
    span = spans.get(name)
    if span is None:
        return None
    return range_period(span[0], span[1] - dt.timedelta(days=1))


def parse_period(text: str, *, today: dt.date | None = None) -> Period:
    """The period a readable id names. Raises `PeriodError` with a message for the user."""
    cleaned = "".join(str(text).split()).upper()
    if not cleaned or len(cleaned) > 40:
        raise _unrecognised()
    relative = _relative(cleaned, today or timezone.localdate())
    if relative is not None:
        return relative
    if _MONTH.fullmatch(cleaned):
        return _parse_single(cleaned)
    if match := _DAY_RANGE.fullmatch(cleaned):
        try:
            start, end = dt.date.fromisoformat(match[1]), dt.date.fromisoformat(match[2])
        except ValueError:
            raise _unrecognised() from None
        _check_year(match[1][:4])
        _check_year(match[2][:4])
        return range_period(start, end)
    if match := _RANGE.fullmatch(cleaned):
        first = _parse_single(match[1])
        last = _parse_single(match[2])
        if first == last:
            return first
        if last.end < first.start:
            raise PeriodError(
                gettext(
                    "The period ends before it starts: write the earlier period first "
                    "(%(suggestion)s)."
                )
                % {"suggestion": f"{last.id}-{first.id}"},
                code="reversed",
            )
        return range_period(first.start, last.end)
    return _parse_single(cleaned)


# --- Working with periods --------------------------------------------------------------------


def _containing(day: dt.date, unit: SplitUnit) -> Period:
    if unit == "month":
        return month_period(day.year, day.month)
    if unit == "quarter":
        return quarter_period(day.year, (day.month - 1) // 3 + 1)
    if unit == "half":
        return half_period(day.year, 1 if day.month <= 6 else 2)
    return year_period(day.year)


def split(period: Period, into: SplitUnit) -> list[Period]:
    """The period cut into calendar months, quarters, half-years or years: the columns of a
    time series. Where the period starts or ends inside one of them, that piece is clipped to
    the period (a range of February to July split into quarters gives February–March,
    Q2 and July), so a column never counts days outside the period asked for."""
    if into not in ("month", "quarter", "half", "year"):
        msg = f"cannot split a period into {into!r}"
        raise ValueError(msg)
    pieces = []
    day = period.start
    while day <= period.end:
        whole = _containing(day, into)
        if whole.start >= period.start and whole.end <= period.end:
            pieces.append(whole)
        else:
            start, end = max(whole.start, period.start), min(whole.end, period.end)
            pieces.append(range_period(start, end))
        day = whole.end + dt.timedelta(days=1)
    return pieces


def period_label(period: Period) -> str:
    """How a report heading names the period: "Tháng 8/2024", "Quý III/2024", "6 tháng đầu
    năm 2024", "Năm 2024", "Giai đoạn 2019–2024" (in English "August 2024", "Q3 2024",
    "January–June 2024", "2024", "2019–2024")."""
    if period.type == "range":
        return _range_label(period)
    start = period.start
    if period.type == "half":
        if start.month == 1:
            return gettext("January–June %(year)s") % {"year": start.year}
        return gettext("July–December %(year)s") % {"year": start.year}
    if period.type == "year":
        return pgettext("period label", "%(year)s") % {"year": start.year}
    part = MONTHS[start.month] if period.type == "month" else _quarter_name(start)
    return pgettext("period label", "%(part)s %(year)s") % {"part": part, "year": start.year}


def period_opening(period: Period) -> str:
    """The period as it opens a sentence: "In 2024", "In Q3 2024", but "From 12/2025 to
    11/2026" (a span already says when; "In From 12/2025 …" is not English). Vietnamese needs
    no preposition: "Năm 2024", "Giai đoạn 2019–2024", "Từ tháng 12/2025 đến tháng 11/2026"."""
    label = period_label(period)
    start, end = period.start, period.end
    whole_years = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
    if period.type == "range" and not whole_years:
        return label
    return pgettext("period opening", "In %(period)s") % {"period": label}


def _quarter_name(start: dt.date) -> str:
    # Looked up at call time, in the reader's language.
    names = {
        1: pgettext("quarter", "Q1"),
        4: pgettext("quarter", "Q2"),
        7: pgettext("quarter", "Q3"),
        10: pgettext("quarter", "Q4"),
    }
    return names[start.month]


def _range_label(period: Period) -> str:
    start, end = period.start, period.end
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return pgettext("period label", "%(start)s–%(end)s") % {
            "start": start.year,
            "end": end.year,
        }
    if start.day == 1 and end == _last_day_of_month(end.year, end.month):
        return pgettext("period label", "From %(start)s to %(end)s") % {
            "start": f"{start.month:02d}/{start.year}",
            "end": f"{end.month:02d}/{end.year}",
        }
    return gettext("From %(start_day)s to %(end_day)s") % {
        "start_day": dateformat.format(start, "d/m/Y"),
        "end_day": dateformat.format(end, "d/m/Y"),
    }
