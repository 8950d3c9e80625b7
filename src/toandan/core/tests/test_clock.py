"""`core.clock.local_today`: the default zone's date, as `timezone.localdate()` gives it, kept
until the next local midnight instead of worked out on every call."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from toandan.core import clock


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "_memo", None)


def _at(text: str, zone: str = "Asia/Ho_Chi_Minh") -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).timestamp()


def test_it_is_the_date_localdate_gives_now():
    assert clock.local_today() == timezone.localdate()


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-12-05T23:59:59.999", dt.date(2026, 12, 5)),
        ("2026-12-06T00:00:00", dt.date(2026, 12, 6)),
        ("2026-12-06T06:59:59", dt.date(2026, 12, 6)),  # 23:59:59 UTC on the 5th
    ],
)
def test_the_day_turns_at_local_midnight_not_utc(settings, moment, expected):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    assert clock.local_today(now=_at(moment)) == expected


def test_a_date_kept_is_given_until_midnight_and_then_the_next(settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    assert clock.local_today(now=_at("2026-12-05T08:00")) == dt.date(2026, 12, 5)
    assert clock.local_today(now=_at("2026-12-05T23:59:59")) == dt.date(2026, 12, 5)
    assert clock.local_today(now=_at("2026-12-06T00:00:01")) == dt.date(2026, 12, 6)
    # A clock set back (NTP) is not answered from the later day kept.
    assert clock.local_today(now=_at("2026-12-05T23:00")) == dt.date(2026, 12, 5)


def test_a_zone_with_summer_time_turns_at_its_own_midnight(settings):
    settings.TIME_ZONE = "Europe/Paris"
    # The night the clocks go back: that day lasts 25 hours.
    assert clock.local_today(now=_at("2026-10-25T23:30", "Europe/Paris")) == dt.date(2026, 10, 25)
    assert clock.local_today(now=_at("2026-10-26T00:10", "Europe/Paris")) == dt.date(2026, 10, 26)
