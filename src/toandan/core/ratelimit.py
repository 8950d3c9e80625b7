"""Rate limits and throttles that never keep a citizen's address.

- `client_key(request)`: an HMAC of the client's address with a secret that changes every day.
  The secret lives only in the cache (memory, or Redis shared by the app servers) and expires
  after two days, so yesterday's keys cannot be linked to an address even by someone who
  reads the cache, and the address itself never leaves this function.
- `Throttle`: growing delays after wrong attempts (receipts): a few free attempts, then the
  wait doubles with each failure. Only one attempt per key runs at a time, so a burst of
  parallel guesses cannot slip through before the first failure is counted.
- `RateLimit`: at most `limit` hits per window (tip submissions: GlobaLeaks' defaults of 10 per
  hour per client and 1,000 per hour overall, configurable).

Everything is kept in Django's cache with an expiry, never in the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import math
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

_PREFIX = "toandan:rl"
SECRET_LIFETIME_SECONDS = 2 * 86400
GLOBAL_KEY = "all"
# Exponents above this would only make the delay longer than any max_delay.
_MAX_EXPONENT = 24


def _now() -> float:
    return time.time()


def _daily_secret(day: dt.date) -> bytes:
    name = f"{_PREFIX}:secret:{day:%Y%m%d}"
    secret = cache.get(name)
    if secret is None:
        candidate = secrets.token_hex(32)
        # add() is atomic: when several processes start the day at once, one secret wins.
        cache.add(name, candidate, timeout=SECRET_LIFETIME_SECONDS)
        secret = cache.get(name) or candidate
    return bytes.fromhex(str(secret))


def _client_address(request: HttpRequest) -> str:
    address = str(request.META.get("REMOTE_ADDR", ""))
    hops = int(settings.TOANDAN_TRUSTED_PROXY_COUNT)
    if hops > 0:
        # Each trusted proxy appends the address it saw; entries further left were written by
        # the client and can be anything. The right one is `hops` from the end.
        forwarded = [
            part.strip()
            for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return _network_of(address)


def _network_of(address: str) -> str:
    """IPv4 addresses as they are; IPv6 by their /64, which one household or phone holds
    whole (keying single IPv6 addresses would let a client pick a fresh key per attempt)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def client_key(request: HttpRequest) -> str:
    """An opaque key for the client of `request`, stable for the day, unlinkable afterwards."""
    secret = _daily_secret(timezone.localdate())
    return hmac.new(secret, _client_address(request).encode(), hashlib.sha256).hexdigest()[:32]


class Throttle:
    """Wrong attempts per key, with growing delays.

    After `free_attempts` failures the key must wait `base_delay` seconds, then twice as
    long after each further failure (up to `max_delay`). Failures are forgotten `memory`
    seconds after the first one (and client keys change daily anyway).
    """

    def __init__(
        self,
        name: str,
        free_attempts: int,
        base_delay: float,
        *,
        max_delay: float = 3600,
        memory: int = 86400,
    ) -> None:
        self.name = name
        self.free_attempts = max(1, free_attempts)
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.memory = memory

    def _key(self, key: str, part: str) -> str:
        return f"{_PREFIX}:throttle:{self.name}:{key}:{part}"

    def failures(self, key: str) -> int:
        return int(cache.get(self._key(key, "n"), 0))

    def delay_after(self, failures: int) -> float:
        """The wait after the `failures`-th failure (0 while attempts are free)."""
        if failures < self.free_attempts:
            return 0
        exponent = min(failures - self.free_attempts, _MAX_EXPONENT)
        return float(min(self.max_delay, self.base_delay * 2**exponent))

    def check(self, key: str) -> int:
        """Seconds to wait before the next attempt of `key` counts; 0 when it may try now."""
        until = cache.get(self._key(key, "gate"))
        if until is None:
            return 0
        return max(0, math.ceil(float(until) - _now()))

    def fail(self, key: str) -> int:
        """Count a failure; returns the wait it imposes (0 while attempts are still free)."""
        count_key = self._key(key, "n")
        if cache.add(count_key, 1, timeout=self.memory):
            failures = 1
        else:
            try:
                failures = cache.incr(count_key)
            except ValueError:  # expired between add() and incr()
                cache.set(count_key, 1, timeout=self.memory)
                failures = 1
        delay = self.delay_after(failures)
        if delay > 0:
            cache.set(self._key(key, "gate"), _now() + delay, timeout=math.ceil(delay) + 1)
        return math.ceil(delay)

    def reset(self, key: str) -> None:
        cache.delete_many([self._key(key, "n"), self._key(key, "gate")])

    @contextmanager
    def exclusive(self, key: str, *, timeout: int = 30) -> Iterator[bool]:
        """Yields True when no other attempt of `key` is running (and holds the slot until the
        block ends), False otherwise: parallel guesses wait their turn instead of all passing
        `check()` before the first failure is counted."""
        slot = self._key(key, "busy")
        acquired = bool(cache.add(slot, 1, timeout=timeout))
        try:
            yield acquired
        finally:
            if acquired:
                cache.delete(slot)


class RateLimit:
    """At most `limit` hits per key in each window of `window_seconds` (fixed windows)."""

    def __init__(self, name: str, limit: int, window_seconds: int) -> None:
        self.name = name
        self.limit = limit
        self.window = window_seconds

    def _bucket(self) -> tuple[int, float]:
        now = _now()
        bucket = int(now // self.window)
        return bucket, (bucket + 1) * self.window - now

    def _key(self, key: str, bucket: int) -> str:
        return f"{_PREFIX}:rate:{self.name}:{bucket}:{key}"

    def hit(self, key: str) -> int:
        """Count one hit; 0 when it is within the limit, else the seconds until it resets."""
        bucket, remaining = self._bucket()
        name = self._key(key, bucket)
        # incr() first: after the first hit of a window the counter exists, so a hit costs
        # one cache operation (two on Redis, whose incr checks the key first), not add + incr.
        try:
            count = cache.incr(name)
        except ValueError:  # the window's first hit
            if cache.add(name, 1, timeout=self.window + 5):
                count = 1
            else:  # another request started the window meanwhile
                try:
                    count = cache.incr(name)
                except ValueError:
                    cache.set(name, 1, timeout=self.window + 5)
                    count = 1
        return 0 if count <= self.limit else max(1, math.ceil(remaining))

    def peek(self, key: str) -> int:
        """Like `hit` without counting: the wait the next hit would get."""
        bucket, remaining = self._bucket()
        count = int(cache.get(self._key(key, bucket), 0))
        return 0 if count < self.limit else max(1, math.ceil(remaining))


def tip_rate_limits() -> tuple[RateLimit, RateLimit]:
    """Per client key and overall, per hour (settings TOANDAN_TIP_RATE_*_HOUR)."""
    return (
        RateLimit("tips-client", settings.TOANDAN_TIP_RATE_PER_CLIENT_HOUR, 3600),
        RateLimit("tips-all", settings.TOANDAN_TIP_RATE_TOTAL_HOUR, 3600),
    )


def intake_retry_after(key: str) -> int:
    """Count a tip submission from client `key`: 0 when it may go ahead, else the seconds to
    wait (per client first, then overall)."""
    per_client, overall = tip_rate_limits()
    wait = per_client.hit(key)
    if wait:
        return wait
    return overall.hit(GLOBAL_KEY)


def submission_wait(request: HttpRequest) -> int:
    """`intake_retry_after` for the client of a request."""
    return intake_retry_after(client_key(request))


def receipt_throttles() -> tuple[Throttle, Throttle]:
    """Wrong receipts per client key, and overall (settings TOANDAN_RECEIPT_*)."""
    return (
        Throttle(
            "receipt",
            settings.TOANDAN_RECEIPT_FREE_ATTEMPTS,
            settings.TOANDAN_RECEIPT_BASE_DELAY_SECONDS,
        ),
        # Overall: a generous hourly allowance, then short waits for everyone. It caps the
        # guessing rate of many clients together; short waits keep it from locking out
        # tipsters for long if someone triggers it on purpose.
        Throttle(
            "receipt-all",
            settings.TOANDAN_RECEIPT_GLOBAL_FREE_ATTEMPTS,
            1,
            max_delay=settings.TOANDAN_RECEIPT_GLOBAL_MAX_DELAY_SECONDS,
            memory=3600,
        ),
    )
