"""Client keys, throttles and rate limits: kept in the cache, never with an address."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from toandan.core import ratelimit


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves by hand."""

    class Clock:
        now = 1_800_000_000.0

        def advance(self, seconds: float) -> None:
            self.now += seconds

    fake = Clock()
    monkeypatch.setattr(ratelimit, "_now", lambda: fake.now)
    return fake


def request_from(address: str, forwarded: str | None = None):
    request = RequestFactory().get("/", REMOTE_ADDR=address)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


# --- Client keys ---------------------------------------------------------------------------------


def test_client_key_is_stable_within_a_day_and_hides_the_address():
    key = ratelimit.client_key(request_from("203.0.113.7"))
    assert key == ratelimit.client_key(request_from("203.0.113.7"))
    assert key != ratelimit.client_key(request_from("203.0.113.8"))
    assert "203.0.113.7" not in key
    assert len(key) == 32


def test_the_address_is_kept_nowhere_in_the_cache():
    # Given a key computed for a client
    ratelimit.client_key(request_from("203.0.113.7"))
    # Then the cache holds only the daily secret, not the address
    stored = cache._cache  # type: ignore[attr-defined]
    assert stored
    assert not any(b"203.0.113.7" in value for value in stored.values())
    assert not any("203.0.113.7" in name for name in stored)


def test_client_keys_of_yesterday_cannot_be_linked_to_today(monkeypatch):
    # Given a key computed today
    request = request_from("203.0.113.7")
    today = ratelimit.client_key(request)
    # When the day changes
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a: tomorrow)
    # Then the same address gets an unrelated key (a new secret)
    assert ratelimit.client_key(request) != today


def test_the_daily_secret_expires_from_the_cache():
    ratelimit.client_key(request_from("203.0.113.7"))
    name = next(k for k in cache._cache if "secret" in k)  # type: ignore[attr-defined]
    expires_in = cache._expire_info[name] - ratelimit.time.time()  # type: ignore[attr-defined]
    assert 0 < expires_in <= ratelimit.SECRET_LIFETIME_SECONDS


def test_forwarded_for_is_ignored_without_a_trusted_proxy(settings):
    # Given no proxy in front (the default)
    settings.TOANDAN_TRUSTED_PROXY_COUNT = 0
    # When a client sends a made-up X-Forwarded-For to get a fresh key per attempt
    one = ratelimit.client_key(request_from("203.0.113.7", "198.51.100.1"))
    two = ratelimit.client_key(request_from("203.0.113.7", "198.51.100.2"))
    # Then the key still follows the real connection
    assert one == two


def test_behind_one_proxy_the_last_forwarded_address_is_the_client(settings):
    settings.TOANDAN_TRUSTED_PROXY_COUNT = 1
    # The client may prepend anything; the proxy appends the address it saw.
    spoofed = ratelimit.client_key(request_from("10.0.0.2", "1.2.3.4, 203.0.113.7"))
    honest = ratelimit.client_key(request_from("10.0.0.2", "203.0.113.7"))
    other = ratelimit.client_key(request_from("10.0.0.2", "203.0.113.9"))
    assert spoofed == honest
    assert honest != other


def test_ipv6_clients_are_keyed_by_their_64_prefix():
    one = ratelimit.client_key(request_from("2001:db8:1:2::1"))
    two = ratelimit.client_key(request_from("2001:db8:1:2:ffff::9"))
    other = ratelimit.client_key(request_from("2001:db8:1:3::1"))
    assert one == two
    assert one != other


# --- Throttle ------------------------------------------------------------------------------------


def test_throttle_allows_free_attempts_then_doubles_the_wait(clock):
    throttle = ratelimit.Throttle("t", free_attempts=3, base_delay=2)
    waits = [throttle.fail("k") for _ in range(6)]
    assert waits == [0, 0, 2, 4, 8, 16]
    assert throttle.check("k") == 16
    clock.advance(10)
    assert throttle.check("k") == 6
    clock.advance(6)
    assert throttle.check("k") == 0


def test_throttle_wait_is_capped(clock):
    throttle = ratelimit.Throttle("t", free_attempts=1, base_delay=1, max_delay=60)
    for _ in range(100):
        wait = throttle.fail("k")
    assert wait == 60


def test_throttle_keys_are_independent_and_reset(clock):
    throttle = ratelimit.Throttle("t", free_attempts=1, base_delay=5)
    throttle.fail("a")
    assert throttle.check("a") == 5
    assert throttle.check("b") == 0
    throttle.reset("a")
    assert throttle.check("a") == 0
    assert throttle.failures("a") == 0


def test_only_one_attempt_per_key_runs_at_a_time():
    throttle = ratelimit.Throttle("t", free_attempts=5, base_delay=1)
    with throttle.exclusive("k") as first:
        with throttle.exclusive("k") as second:
            assert first
            assert not second
        with throttle.exclusive("other") as third:
            assert third
    with throttle.exclusive("k") as again:
        assert again


def test_parallel_failures_are_all_counted():
    throttle = ratelimit.Throttle("t", free_attempts=1000, base_delay=1)

    def fail_many() -> None:
        for _ in range(50):
            throttle.fail("k")

    threads = [threading.Thread(target=fail_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert throttle.failures("k") == 400


# --- Rate limits ---------------------------------------------------------------------------------


def test_rate_limit_counts_per_window(clock):
    clock.now = 3600 * 500_000.0  # the start of an hour
    limit = ratelimit.RateLimit("r", limit=3, window_seconds=3600)
    assert [limit.hit("k") for _ in range(3)] == [0, 0, 0]
    assert limit.peek("k") == 3600
    assert limit.hit("k") == 3600
    assert limit.hit("other") == 0
    clock.advance(3600)
    assert limit.hit("k") == 0


def test_a_hit_after_the_first_of_a_window_is_one_cache_operation(clock, monkeypatch):
    # Redis makes each cache operation a round trip, and every tip counts two limits
    limit = ratelimit.RateLimit("r", limit=10, window_seconds=3600)
    limit.hit("k")
    calls: list[str] = []

    def counted(name: str):
        real = getattr(cache, name)

        def operation(*args, **kwargs):
            calls.append(name)
            return real(*args, **kwargs)

        return operation

    for name in ("add", "incr", "get", "set"):
        monkeypatch.setattr(cache, name, counted(name))
    assert [limit.hit("k") for _ in range(3)] == [0, 0, 0]
    assert calls == ["incr", "incr", "incr"]


def test_tip_submissions_are_limited_per_client_then_overall(settings, clock):
    settings.TOANDAN_TIP_RATE_PER_CLIENT_HOUR = 2
    settings.TOANDAN_TIP_RATE_TOTAL_HOUR = 3
    assert ratelimit.intake_retry_after("a") == 0
    assert ratelimit.intake_retry_after("a") == 0
    assert ratelimit.intake_retry_after("a") > 0  # a's own limit
    assert ratelimit.intake_retry_after("b") == 0  # third overall
    assert ratelimit.intake_retry_after("c") > 0  # the overall limit, for everyone


def test_submission_wait_uses_the_client_key(settings, clock):
    settings.TOANDAN_TIP_RATE_PER_CLIENT_HOUR = 1
    assert ratelimit.submission_wait(request_from("203.0.113.7")) == 0
    assert ratelimit.submission_wait(request_from("203.0.113.7")) > 0
    assert ratelimit.submission_wait(request_from("203.0.113.8")) == 0
