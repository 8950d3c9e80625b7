"""Client keys, throttles and rate limits: kept in the cache (a database table by default),
never with an address."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone, translation

from toandan.core import ratelimit
from toandan.core.cache import TABLE

pytestmark = pytest.mark.django_db


def cache_rows() -> list[tuple[str, str, dt.datetime]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, value, expires FROM {TABLE}")  # noqa: S608
        return list(cursor.fetchall())


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
    stored = cache_rows()
    assert stored
    assert not any("203.0.113.7" in str(row) for row in stored)


def test_client_keys_of_yesterday_cannot_be_linked_to_today(monkeypatch):
    # Given a key computed today
    request = request_from("203.0.113.7")
    today = ratelimit.client_key(request)
    # When the day changes
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr("toandan.core.clock.local_today", lambda *a: tomorrow)
    # Then the same address gets an unrelated key (a new secret)
    assert ratelimit.client_key(request) != today


def test_the_daily_secret_expires_from_the_cache():
    ratelimit.client_key(request_from("203.0.113.7"))
    expires = next(expires for name, _v, expires in cache_rows() if "secret" in name)
    if timezone.is_naive(expires):
        expires = timezone.make_aware(expires, dt.UTC)
    expires_in = (expires - timezone.now()).total_seconds()
    assert 0 < expires_in <= ratelimit.SECRET_LIFETIME_SECONDS


def test_the_daily_secret_is_read_from_the_cache_once_a_minute_not_per_request(
    django_assert_num_queries, monkeypatch
):
    # Given a process that has computed one client key
    clock = {"now": 1000.0}
    monkeypatch.setattr(ratelimit, "_monotonic", lambda: clock["now"])
    first = ratelimit.client_key(request_from("203.0.113.7"))
    # Then the next keys of the minute cost no query
    with django_assert_num_queries(0):
        assert ratelimit.client_key(request_from("203.0.113.7")) == first
    # And when the cache loses the secret (a flushed Redis), a new one is used within a minute
    cache.clear()
    clock["now"] += ratelimit.SECRET_MEMO_SECONDS + 1
    assert ratelimit.client_key(request_from("203.0.113.7")) != first


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


@pytest.mark.parametrize(
    ("written", "address"),
    [
        ("203.0.113.5:51234", "203.0.113.5"),
        ('"203.0.113.5:443"', "203.0.113.5"),
        ("[2001:db8:1:2::1]:443", "2001:db8:1:2::9"),
        ('"[2001:db8:1:2::1]:51234"', "2001:db8:1:2::9"),
        ("[2001:db8:1:2::1]", "2001:db8:1:2::9"),
        ('"2001:db8:1:2::1"', "2001:db8:1:2::9"),
    ],
)
def test_attack_a_fresh_source_port_per_tip_does_not_buy_a_fresh_rate_limit(
    settings, written, address
):
    # Some proxies write the client's port (or brackets, or quotes) into X-Forwarded-For: the
    # key must be the address's, whatever port the client connects from.
    settings.TOANDAN_TRUSTED_PROXY_COUNT = 1
    with_port = ratelimit.client_key(request_from("10.0.0.2", written))
    plain = ratelimit.client_key(request_from("10.0.0.2", address))
    other_port = ratelimit.client_key(request_from("10.0.0.2", written.replace("443", "444")))

    assert with_port == plain == other_port


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


# The tests' in-memory SQLite (shared cache) refuses a second writer at once instead of queueing
# it as a database file does; PostgreSQL (CI) runs this.
@pytest.mark.skipif(
    "sqlite" in str(django_settings.DATABASES["default"]["ENGINE"]),
    reason="parallel writers need PostgreSQL or a database file",
)
def test_parallel_failures_are_all_counted(django_db_setup, django_db_blocker):
    # Committed writes from eight threads, without pytest-django's `transaction=True`: that
    # flushes every table afterwards, the session's geography included, under the tests that
    # run after it. Only this test's cache rows are removed.
    throttle = ratelimit.Throttle("t-parallel", free_attempts=1000, base_delay=1)

    def fail_many() -> None:
        try:
            for _ in range(50):
                throttle.fail("k")
        finally:
            connection.close()  # this thread's own connection

    with django_db_blocker.unblock():
        try:
            threads = [threading.Thread(target=fail_many) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert throttle.failures("k") == 400
        finally:
            cache.clear()
            connection.close()


# --- The store ----------------------------------------------------------------------------------


def test_migrate_creates_the_cache_table():
    assert TABLE in connection.introspection.table_names()


def test_attack_flood_of_other_clients_does_not_wipe_a_live_throttle(clock):
    # Given a guesser who earned a wait, and the overall count of wrong receipts
    throttle = ratelimit.Throttle("receipt", free_attempts=1, base_delay=600)
    throttle.fail("guesser")
    overall = ratelimit.Throttle("receipt-all", free_attempts=1000, base_delay=1)
    overall.fail(ratelimit.GLOBAL_KEY)
    assert throttle.check("guesser") == 600
    # When 400 other clients fail once each (an in-process cache of 300 entries forgets)
    for number in range(400):
        throttle.fail(f"other-{number}")
    # Then the guesser still waits, and the overall count still holds its failure
    assert throttle.check("guesser") == 600
    assert overall.failures(ratelimit.GLOBAL_KEY) == 1


def test_a_count_keeps_its_expiry_when_it_grows():
    # Django's generic incr() rewrites the entry with the default 5-minute timeout
    cache.set("counter", 1, timeout=3600)
    before = next(expires for name, _v, expires in cache_rows() if name.endswith("counter"))
    assert cache.incr("counter") == 2
    after = next(expires for name, _v, expires in cache_rows() if name.endswith("counter"))
    assert after == before
    assert cache.get("counter") == 2


# --- Rate limits ---------------------------------------------------------------------------------


def test_rate_limit_counts_per_window(clock):
    clock.now = 3600 * 500_000.0  # the start of an hour
    limit = ratelimit.RateLimit("r", limit=3, window_seconds=3600)
    assert [limit.hit("k") for _ in range(3)] == [0, 0, 0]
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
    clock.now = 3600 * 500_000.0
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


# --- Many people behind one address -------------------------------------------------------------


def request_with_device(address: str, device: str | None):
    request = request_from(address)
    if device is not None:
        request.COOKIES[ratelimit.DEVICE_COOKIE] = device
    return request


def test_union_meeting_on_one_wifi_can_send_many_tips(settings, clock):
    # Given the default limits and 30 members on one Wi-Fi (one public address), each with
    # the device cookie their browser got on the form page
    clock.now = 3600 * 500_000.0
    waits = [
        ratelimit.submission_wait(request_with_device("203.0.113.7", f"{member:032x}"))
        for member in range(30)
    ]
    # Then every one of them gets through
    assert waits == [0] * 30


def test_attack_one_device_flooding_tips_is_still_limited(settings, clock):
    clock.now = 3600 * 500_000.0
    settings.TOANDAN_TIP_RATE_PER_CLIENT_HOUR = 3
    device = request_with_device("203.0.113.7", "a" * 32)
    assert [ratelimit.submission_wait(device) for _ in range(3)] == [0, 0, 0]
    assert ratelimit.submission_wait(device) > 0
    # Throwing the cookie away (or making one up) lands in the address's cookie-less bucket
    cookieless = [ratelimit.submission_wait(request_with_device("203.0.113.7", None))]
    cookieless += [ratelimit.submission_wait(request_with_device("203.0.113.7", "made up"))]
    cookieless += [ratelimit.submission_wait(request_with_device("203.0.113.7", None))]
    assert cookieless == [0, 0, 0]
    assert ratelimit.submission_wait(request_with_device("203.0.113.7", "not hex!" * 4)) > 0


def test_attack_many_fresh_devices_from_one_address_hit_the_address_limit(settings, clock):
    clock.now = 3600 * 500_000.0
    settings.TOANDAN_TIP_RATE_PER_ADDRESS_HOUR = 5
    waits = [
        ratelimit.submission_wait(request_with_device("203.0.113.7", f"{n:032x}")) for n in range(6)
    ]
    assert waits[:5] == [0] * 5
    assert waits[5] > 0
    # Another address is not affected
    assert ratelimit.submission_wait(request_with_device("203.0.113.8", "b" * 32)) == 0


def test_the_device_cookie_is_given_once_and_is_random(client):
    first = client.get("/tips/follow-up/")
    cookie = first.cookies[ratelimit.DEVICE_COOKIE]
    assert len(cookie.value) == 32
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    again = client.get("/tips/follow-up/")
    assert ratelimit.DEVICE_COOKIE not in again.cookies


# --- Messages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "vietnamese", "english"),
    [
        (1, "1 giây", "1 second"),
        (59, "59 giây", "59 seconds"),
        (60, "khoảng 1 phút", "about 1 minute"),
        (1049, "khoảng 18 phút", "about 18 minutes"),
        (3600, "khoảng 60 phút", "about 60 minutes"),
        (3 * 3600, "khoảng 3 giờ", "about 3 hours"),
    ],
)
def test_waits_are_said_in_minutes_not_thousands_of_seconds(seconds, vietnamese, english):
    with translation.override("vi"):
        assert ratelimit.wait_text(seconds) == vietnamese
    with translation.override("en"):
        assert ratelimit.wait_text(seconds) == english


# --- Chains of limits counted at once -----------------------------------------------------------


@pytest.fixture(params=["database", "redis"])
def chain_cache(request, monkeypatch):
    """The rate limits' cache: the database one, or the deployment's Redis one (a key prefix of
    the test's own, removed afterwards)."""
    if request.param == "database":
        yield cache
        return
    import uuid

    from toandan.core.cache import RedisCache

    url = request.getfixturevalue("redis_url")
    redis_cache = RedisCache(url, {"KEY_PREFIX": f"test-chain-{uuid.uuid4().hex[:12]}"})
    monkeypatch.setattr(ratelimit, "cache", redis_cache)
    yield redis_cache
    client = redis_cache.redis_client()
    for key in client.scan_iter(match=f"{redis_cache.key_prefix}*"):
        client.delete(key)


def test_a_chain_counts_as_the_limits_one_by_one_would(chain_cache, clock):
    # A reference: each limit counted in turn, stopping at the first one exceeded
    import random

    rng = random.Random(17)
    clock.now = 3600 * 500_000.0
    limits = [
        ratelimit.RateLimit("chain-a", limit=3, window_seconds=3600),
        ratelimit.RateLimit("chain-b", limit=5, window_seconds=3600),
        ratelimit.RateLimit("chain-c", limit=8, window_seconds=3600),
    ]
    counts: dict[tuple[str, str], int] = {}
    for _ in range(60):
        keys = [rng.choice("xyz"), rng.choice("uv"), "all"]
        expected = 0
        for limit, key in zip(limits, keys, strict=True):
            counts[limit.name, key] = counts.get((limit.name, key), 0) + 1
            if counts[limit.name, key] > limit.limit:
                expected = 3600
                break
        got = ratelimit.hit_chain(list(zip(limits, keys, strict=True)))
        assert got == expected, (keys, counts)
        if rng.random() < 0.1:  # a new window now and then
            clock.advance(3600)
            counts.clear()


def test_a_refused_hit_is_not_charged_to_the_later_limits(chain_cache, clock):
    clock.now = 3600 * 500_000.0
    device = ratelimit.RateLimit("chain-device", limit=1, window_seconds=3600)
    overall = ratelimit.RateLimit("chain-all", limit=3, window_seconds=3600)
    assert ratelimit.hit_chain([(device, "d1"), (overall, "all")]) == 0
    # d1 keeps trying: refused, and the overall limit does not fill up for everyone
    for _ in range(5):
        assert ratelimit.hit_chain([(device, "d1"), (overall, "all")]) > 0
    assert ratelimit.hit_chain([(device, "d2"), (overall, "all")]) == 0
    assert ratelimit.hit_chain([(device, "d3"), (overall, "all")]) == 0


def test_the_intake_chain_costs_one_transaction_after_the_first_tip(
    settings, clock, django_assert_max_num_queries
):
    # Three transactions of three statements each, before: one lock-and-read and one write now
    # (plus the savepoint the test's own transaction turns the atomic block into)
    clock.now = 3600 * 500_000.0
    assert ratelimit.intake_retry_after("a", "device-1") == 0
    with django_assert_max_num_queries(4):
        assert ratelimit.intake_retry_after("a", "device-1") == 0


def test_redis_chain_counters_are_plain_integers_that_expire(redis_url, clock, monkeypatch):
    import uuid

    from toandan.core.cache import RedisCache

    redis_cache = RedisCache(redis_url, {"KEY_PREFIX": f"test-chain-{uuid.uuid4().hex[:12]}"})
    monkeypatch.setattr(ratelimit, "cache", redis_cache)
    clock.now = 3600 * 500_000.0
    limit = ratelimit.RateLimit("chain-ttl", limit=5, window_seconds=3600)
    ratelimit.hit_chain([(limit, "k")])
    ratelimit.hit_chain([(limit, "k")])
    name = limit._key("k", int(clock.now // 3600))
    assert redis_cache.get(name) == 2
    client = redis_cache.redis_client()
    assert 0 < client.ttl(redis_cache.make_and_validate_key(name)) <= 3605
    redis_cache.delete(name)
