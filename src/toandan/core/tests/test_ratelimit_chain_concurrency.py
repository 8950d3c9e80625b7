"""A chain of rate limits counted by many threads at once loses no hit, on the database cache
(committed, each thread on its own connection) and on Redis; Redis's script cache may be
flushed under it."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from toandan.core import ratelimit
from toandan.core.cache import RedisCache

THREADS = 6
HITS = 20

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]


def _in_threads(work: Callable[[], int]) -> list[int]:
    start = threading.Barrier(THREADS)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            for _ in range(HITS):
                results.append(work())
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    return results


def _limits(tag: str, tight: int) -> list[tuple[ratelimit.RateLimit, str]]:
    return [
        (ratelimit.RateLimit(f"{tag}-device", limit=10_000, window_seconds=3600), "d"),
        (ratelimit.RateLimit(f"{tag}-all", limit=tight, window_seconds=3600), "all"),
    ]


@pytest.fixture
def committed_cache(db: None) -> Iterator[str]:
    """A tag for the test's limits; the counters its threads commit are removed afterwards."""
    tag = f"cc{uuid.uuid4().hex[:8]}"
    yield tag

    def cleanup() -> None:
        from toandan.core.cache import TABLE

        try:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {TABLE} WHERE cache_key LIKE %s", [f"%:{tag}-%"])  # noqa: S608
        finally:
            connection.close()

    thread = threading.Thread(target=cleanup)
    thread.start()
    thread.join()


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite refuses concurrent writers")
def test_database_chain_counts_every_parallel_hit(committed_cache):
    # Given 6 clients sending 20 tips each at once, all through one chain (device, overall),
    # the overall limit at 50
    chain = _limits(committed_cache, tight=50)
    results = _in_threads(lambda: ratelimit.hit_chain(chain))
    # Then exactly 50 pass, and every hit is on the first counter
    assert results.count(0) == 50
    device, overall = (limit._key(key, limit._bucket()[0]) for limit, key in chain)
    assert cache.get(device) == THREADS * HITS
    assert cache.get(overall) == THREADS * HITS


def test_redis_chain_counts_every_parallel_hit(redis_url, monkeypatch):
    redis_cache = RedisCache(redis_url, {"KEY_PREFIX": f"test-cc-{uuid.uuid4().hex[:12]}"})
    monkeypatch.setattr(ratelimit, "cache", redis_cache)
    chain = _limits("redis", tight=50)
    try:
        results = _in_threads(lambda: ratelimit.hit_chain(chain))
        assert results.count(0) == 50
        device, overall = (limit._key(key, limit._bucket()[0]) for limit, key in chain)
        assert redis_cache.get(device) == THREADS * HITS
        assert redis_cache.get(overall) == THREADS * HITS
    finally:
        client = redis_cache.redis_client()
        for key in client.scan_iter(match=f"{redis_cache.key_prefix}*"):
            client.delete(key)


def test_redis_chain_survives_a_script_cache_flush(redis_url, monkeypatch):
    # Given a chain counted once (its script loaded), then Redis restarted or SCRIPT FLUSH run
    redis_cache = RedisCache(redis_url, {"KEY_PREFIX": f"test-cc-{uuid.uuid4().hex[:12]}"})
    monkeypatch.setattr(ratelimit, "cache", redis_cache)
    chain = _limits("flush", tight=3)
    client: Any = redis_cache.redis_client()
    try:
        assert ratelimit.hit_chain(chain) == 0
        client.script_flush()
        # Then the next hits still count (the script is loaded again), and the fourth is refused
        assert ratelimit.hit_chain(chain) == 0
        assert ratelimit.hit_chain(chain) == 0
        assert ratelimit.hit_chain(chain) > 0
    finally:
        for key in client.scan_iter(match=f"{redis_cache.key_prefix}*"):
            client.delete(key)


def test_redis_with_a_replica_counts_the_chain_on_the_primary(redis_url, monkeypatch):
    # Django's Redis cache with several servers writes to the first and reads from the others
    redis_cache = RedisCache(
        [redis_url, redis_url], {"KEY_PREFIX": f"test-cc-{uuid.uuid4().hex[:12]}"}
    )
    monkeypatch.setattr(ratelimit, "cache", redis_cache)
    chain = _limits("replica", tight=2)
    try:
        assert [ratelimit.hit_chain(chain) for _ in range(3)][:2] == [0, 0]
        assert ratelimit.hit_chain(chain) > 0
    finally:
        client = redis_cache.redis_client()
        for key in client.scan_iter(match=f"{redis_cache.key_prefix}*"):
            client.delete(key)
