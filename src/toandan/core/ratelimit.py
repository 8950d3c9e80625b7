"""Rate limits and throttles that never keep a citizen's address.

- `client_key(request)`: an HMAC of the client's address with a secret that changes every day.
  The secret lives only in the cache and expires after two days, so yesterday's keys cannot be
  linked to an address even by someone who reads the cache, and the address itself never
  leaves this function. `device_key(request)` is the same for the address together with the
  browser's device cookie (`toandan_device`, random, set by `DeviceCookieMiddleware`).
- `Throttle`: growing delays after wrong attempts: a few free attempts, then the wait doubles
  with each failure up to a cap. Only one attempt per key runs at a time, so a burst of
  parallel guesses cannot slip through before the first failure is counted.
- `RateLimit`: at most `limit` hits per window.

How the limits are laid out (the way Django-axes, GlobaLeaks and OWASP's authentication
cheat sheet do it): several keys per attempt, each with its own allowance, so that what others
do from the same address (a Wi-Fi at a union meeting, a carrier's NAT) does not block the
person who gets it right:

- per device (address + device cookie): the tight allowance, one person's own mistakes;
- per address: an allowance a whole meeting does not reach, against one machine that throws
  away its cookies;
- per target (a username, for logins): short soft delays only, never a long lock, so nobody
  can lock an officer out by typing wrong passwords; a device that has logged in as that user
  before skips it (OWASP's device cookie);
- overall: a circuit breaker far above any real volume, with short waits.

Everything is kept in Django's cache with an expiry: the database (`toandan.core.cache`,
which never evicts a live entry) or Redis.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import ipaddress
import math
import re
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext

from toandan.core import clock

_PREFIX = "toandan:rl"
SECRET_LIFETIME_SECONDS = 2 * 86400
GLOBAL_KEY = "all"
# Exponents above this would only make the delay longer than any max_delay.
_MAX_EXPONENT = 24


def _now() -> float:
    return time.time()


def _monotonic() -> float:
    return time.monotonic()


# The day's secret as this process last read it: (day, read at, secret). Every request that
# counts against a limit needs it, and reading it from the database cache cost two queries a
# request; kept for SECRET_MEMO_SECONDS, so a cleared cache is seen within that time.
SECRET_MEMO_SECONDS = 60.0
_secret_memo: tuple[dt.date, float, bytes] | None = None


def forget_daily_secret() -> None:
    """Drop this process's copy of the day's secret (tests empty the cache between them)."""
    global _secret_memo  # noqa: PLW0603 - one memo per process, replaced whole
    _secret_memo = None


def _daily_secret(day: dt.date) -> bytes:
    global _secret_memo  # noqa: PLW0603 - one memo per process, replaced whole
    memo = _secret_memo
    now = _monotonic()
    if memo is not None and memo[0] == day and now - memo[1] < SECRET_MEMO_SECONDS:
        return memo[2]
    name = f"{_PREFIX}:secret:{day:%Y%m%d}"
    secret = cache.get(name)
    if secret is None:
        candidate = secrets.token_hex(32)
        # add() is atomic: when several processes start the day at once, one secret wins.
        cache.add(name, candidate, timeout=SECRET_LIFETIME_SECONDS)
        secret = cache.get(name) or candidate
    value = bytes.fromhex(str(secret))
    _secret_memo = (day, now, value)
    return value


def _client_address(request: HttpRequest) -> str:
    """The client's network, worked out once per request (a request's throttles and keys all
    ask for it)."""
    known = getattr(request, "_toandan_client_network", None)
    if known is not None:
        return str(known)
    network = _client_network(request)
    request._toandan_client_network = network  # type: ignore[attr-defined]
    return network


def _client_network(request: HttpRequest) -> str:
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


@functools.lru_cache(maxsize=4096)
def _network_of(address: str) -> str:
    """IPv4 addresses as they are; IPv6 by their /64, which one household or phone holds
    whole (keying single IPv6 addresses would let a client pick a fresh key per attempt).

    Some proxies write the client's source port too, or quote the entry: "203.0.113.5:51234",
    "[2001:db8::1]:443", '"203.0.113.5"'. Keyed as written, every new connection would be a
    fresh client, so the port, brackets and quotes go first."""
    address = address.strip().strip('"').strip()
    if address.startswith("["):
        address = address[1:].partition("]")[0]
    elif address.count(":") == 1:
        address = address.partition(":")[0]
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
    secret = _daily_secret(clock.local_today())
    return hmac.new(secret, _client_address(request).encode(), hashlib.sha256).hexdigest()[:32]


# --- Device cookie ------------------------------------------------------------------------------

DEVICE_COOKIE = "toandan_device"
DEVICE_COOKIE_DAYS = 90
_DEVICE_ID_LENGTH = 32  # token_hex(16)
_HEX = re.compile(r"[0-9a-f]+")


def device_id(request: HttpRequest) -> str:
    """The browser's device cookie when it is well-formed, else "" (no cookie, or made up)."""
    value = str(request.COOKIES.get(DEVICE_COOKIE, ""))
    if len(value) == _DEVICE_ID_LENGTH and _HEX.fullmatch(value):
        return value
    return ""


def device_key(request: HttpRequest) -> str:
    """An opaque key for this browser at this address, stable for the day. Requests without a
    device cookie share one key per address: throwing the cookie away buys nothing."""
    secret = _daily_secret(clock.local_today())
    material = f"{_client_address(request)}|{device_id(request) or '-'}"
    return hmac.new(secret, material.encode(), hashlib.sha256).hexdigest()[:32]


class DeviceCookieMiddleware:
    """Give each browser a random device cookie: the throttles tell the people sharing an
    address apart by it. Nothing else is in it, and only hashes of it are kept: with the
    address in the day's throttle keys, and, once a staff member logs in from the browser,
    with their username for DEVICE_COOKIE_DAYS (the trusted device of `login_wait`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Never on an answer a shared cache may keep: everyone would get the same cookie.
        shared = "public" in str(response.get("Cache-Control", ""))
        if not device_id(request) and not shared:
            response.set_cookie(
                DEVICE_COOKIE,
                secrets.token_hex(_DEVICE_ID_LENGTH // 2),
                max_age=DEVICE_COOKIE_DAYS * 86400,
                secure=bool(settings.SESSION_COOKIE_SECURE),
                httponly=True,
                samesite="Lax",
            )
        return response


# --- Messages -----------------------------------------------------------------------------------


def wait_text(seconds: int) -> str:
    """A wait as people say it: seconds under a minute, then whole minutes rounded up ("about
    18 minutes", not "1049 seconds"), then hours."""
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return ngettext("about %(count)d minute", "about %(count)d minutes", minutes) % {
            "count": minutes
        }
    hours = math.ceil(minutes / 60)
    return ngettext("about %(count)d hour", "about %(count)d hours", hours) % {"count": hours}


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


def hit_chain(hits: Sequence[tuple[RateLimit, str]]) -> int:
    """Count one hit on each (limit, key) in order, stopping at the first limit exceeded (the
    later ones are not charged for a refused hit); 0 when all are within their limits, else
    the seconds until that one resets.

    The caches of this project count the whole chain at once (one Redis script call, or one
    database transaction): three counters a tip cost six Redis round trips or three database
    transactions. A cache that cannot (another backend, the first hit of a window in the
    database) counts them one by one, with the same result."""
    from toandan.core.cache import ChainUnsupportedError, Counter

    if not hits:
        return 0
    count_chain = getattr(cache, "count_chain", None)
    if count_chain is not None:
        counters = []
        remaining: list[float] = []
        for limit, key in hits:
            bucket, left = limit._bucket()
            counters.append(Counter(limit._key(key, bucket), limit.limit, limit.window + 5))
            remaining.append(left)
        try:
            over = int(count_chain(counters))
        except ChainUnsupportedError:
            pass
        else:
            return max(1, math.ceil(remaining[over - 1])) if over else 0
    for limit, key in hits:
        wait = limit.hit(key)
        if wait:
            return wait
    return 0


def tip_rate_limits() -> tuple[RateLimit, RateLimit, RateLimit]:
    """Tips per hour: per device, per address and overall (settings TOANDAN_TIP_RATE_*)."""
    return (
        RateLimit("tips-device", settings.TOANDAN_TIP_RATE_PER_CLIENT_HOUR, 3600),
        RateLimit("tips-address", settings.TOANDAN_TIP_RATE_PER_ADDRESS_HOUR, 3600),
        RateLimit("tips-all", settings.TOANDAN_TIP_RATE_TOTAL_HOUR, 3600),
    )


def intake_retry_after(address_key: str, device: str = "") -> int:
    """Count a tip submission: 0 when it may go ahead, else the seconds to wait (per device,
    then per address, then overall). Without a device key the address is the device."""
    per_device, per_address, overall = tip_rate_limits()
    return hit_chain(
        [(per_device, device or address_key), (per_address, address_key), (overall, GLOBAL_KEY)]
    )


def submission_wait(request: HttpRequest) -> int:
    """`intake_retry_after` for the client of a request."""
    return intake_retry_after(client_key(request), device_key(request))


def receipt_throttles() -> tuple[Throttle, Throttle, Throttle]:
    """Wrong receipts per device, per address and overall (settings TOANDAN_RECEIPT_*)."""
    max_delay = settings.TOANDAN_RECEIPT_MAX_DELAY_SECONDS
    return (
        Throttle(
            "receipt",
            settings.TOANDAN_RECEIPT_FREE_ATTEMPTS,
            settings.TOANDAN_RECEIPT_BASE_DELAY_SECONDS,
            max_delay=max_delay,
        ),
        # Per address: enough for everyone at a meeting to mistype a few times; it stops one
        # machine that throws its device cookie away before each guess.
        Throttle(
            "receipt-address",
            settings.TOANDAN_RECEIPT_ADDRESS_FREE_ATTEMPTS,
            settings.TOANDAN_RECEIPT_BASE_DELAY_SECONDS,
            max_delay=max_delay,
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


def _receipt_keys(address_key: str, device: str) -> tuple[str, str, str]:
    return (device or address_key, address_key, GLOBAL_KEY)


def receipt_wait(address_key: str, device: str = "") -> int:
    """Seconds before the next receipt of this device counts; 0 when it may try now."""
    throttles = receipt_throttles()
    keys = _receipt_keys(address_key, device)
    return max(t.check(k) for t, k in zip(throttles, keys, strict=True))


def receipt_failed(address_key: str, device: str = "") -> int:
    """Count a wrong receipt everywhere; returns the wait it imposes."""
    throttles = receipt_throttles()
    keys = _receipt_keys(address_key, device)
    return max(t.fail(k) for t, k in zip(throttles, keys, strict=True))


def reply_rate_limits() -> tuple[RateLimit, RateLimit]:
    """Tipsters' replies per hour: per tip and per address (settings TOANDAN_REPLY_RATE_*).
    A reply may carry files, so it costs as much as a tip."""
    return (
        RateLimit("replies-tip", settings.TOANDAN_REPLY_RATE_PER_TIP_HOUR, 3600),
        RateLimit("replies-address", settings.TOANDAN_REPLY_RATE_PER_ADDRESS_HOUR, 3600),
    )


def reply_retry_after(tip_key: str, address_key: str) -> int:
    """Count a reply to a tip: 0 when it may go ahead, else the seconds to wait."""
    per_tip, per_address = reply_rate_limits()
    return hit_chain([(per_tip, tip_key), (per_address, address_key)])


# --- Logins -------------------------------------------------------------------------------------


def _hashed(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def login_throttles() -> tuple[Throttle, Throttle, Throttle]:
    """Failed logins: per username at one address (the lock), per username everywhere (short
    soft delays only), per address whatever the username (password spraying)."""
    lock_seconds = settings.TOANDAN_LOGIN_LOCKOUT_MINUTES * 60
    return (
        Throttle(
            "login-pair",
            settings.TOANDAN_LOGIN_MAX_FAILURES,
            60,
            max_delay=lock_seconds,
        ),
        Throttle(
            "login-user",
            settings.TOANDAN_LOGIN_USER_FREE_FAILURES,
            1,
            max_delay=settings.TOANDAN_LOGIN_USER_MAX_DELAY_SECONDS,
        ),
        Throttle(
            "login-address",
            settings.TOANDAN_LOGIN_ADDRESS_FREE_FAILURES,
            60,
            max_delay=lock_seconds,
        ),
    )


def _login_keys(username_key: str, address_key: str) -> tuple[str, str, str]:
    user = _hashed(username_key)
    return (f"{address_key}:{user}", user, address_key)


def _login_device_mark(device: str, username_key: str) -> str:
    return f"{_PREFIX}:login-device:{_hashed(device + '|' + username_key)}"


def login_device_trust(device: str, username_key: str) -> None:
    """Remember that this browser logged in as this user (OWASP's device cookie)."""
    if device:
        cache.set(_login_device_mark(device, username_key), 1, timeout=DEVICE_COOKIE_DAYS * 86400)


def login_device_trusted(device: str, username_key: str) -> bool:
    return bool(device) and cache.get(_login_device_mark(device, username_key)) is not None


def login_wait(username_key: str, address_key: str, device: str = "") -> int:
    """Seconds before a login as `username_key` from here may be tried; 0 when it may now.
    A device that has logged in as this user before is not held up by failures of others
    (per username or per address), only by its own address's failures for this user."""
    throttles = login_throttles()
    keys = _login_keys(username_key, address_key)
    waits = [throttles[0].check(keys[0])]
    if not login_device_trusted(device, username_key):
        waits += [throttles[1].check(keys[1]), throttles[2].check(keys[2])]
    return max(waits)


def login_failed(username_key: str, address_key: str) -> tuple[int, bool]:
    """Count a failed login; returns the wait it imposes and whether this failure started the
    lock of this username at this address."""
    throttles = login_throttles()
    keys = _login_keys(username_key, address_key)
    waits = [t.fail(k) for t, k in zip(throttles, keys, strict=True)]
    pair = throttles[0]
    locked_now = pair.failures(keys[0]) == pair.free_attempts
    return max(waits), locked_now


def login_succeeded(username_key: str, address_key: str, device: str = "") -> None:
    """Forget this address's failures for the user and trust the browser. The failures for
    the username from everywhere stay: they may be a guesser's, who would otherwise get a
    fresh allowance each time the officer logs in."""
    pair = login_throttles()[0]
    pair.reset(_login_keys(username_key, address_key)[0])
    login_device_trust(device, username_key)
