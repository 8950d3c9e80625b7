"""Today's date in the deployment's zone (settings.TIME_ZONE), for code that asks on every
request: the daily keys of the rate limits, the per-day lookup counters.

`timezone.localdate()` converts the current time through the active zone each call (a
thread-local read and a zoneinfo conversion: ~15 µs, three times per public check). The
project never activates another zone, so the default zone's date is kept until the next
local midnight and answered with one comparison.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from django.utils import timezone

# (zone name, first instant of the day, first instant of the next day, the date)
_memo: tuple[str, float, float, dt.date] | None = None
_lock = threading.Lock()


def local_today(now: float | None = None) -> dt.date:
    """The date in the default zone at `now` (epoch seconds; the current time if None)."""
    global _memo  # noqa: PLW0603 - one memo per process, replaced whole
    moment = time.time() if now is None else now
    zone = timezone.get_default_timezone()
    memo = _memo
    if memo is not None and memo[0] == str(zone) and memo[1] <= moment < memo[2]:
        return memo[3]
    local = dt.datetime.fromtimestamp(moment, zone)
    day = local.date()
    start = dt.datetime.combine(day, dt.time(), zone)
    # Wall-clock arithmetic in zoneinfo: the next midnight, whether the day has 23, 24 or 25
    # hours. (Only where a clock once went back across midnight, in a few zones before 2011,
    # does this keep the new date for the hour `localdate()` still called the old one; never
    # in Asia/Ho_Chi_Minh.)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
    with _lock:
        _memo = (str(zone), start.timestamp(), end.timestamp(), day)
    return day
