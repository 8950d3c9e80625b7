"""Fixtures of the core tests."""

from __future__ import annotations

import os

import pytest

DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_url() -> str:
    """The Redis the queue and cache tests use; CI must have it, a laptop may not."""
    url = os.environ.get("TOANDAN_TEST_REDIS_URL", DEFAULT_TEST_REDIS_URL)
    from redis import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except (RedisError, OSError) as exc:
        reason = f"Redis is not reachable at {url} ({exc})"
        # CI (or anyone who named a Redis explicitly) must not pass by skipping.
        if os.environ.get("CI", "").lower() in {"1", "true"} or os.environ.get(
            "TOANDAN_TEST_REDIS_URL"
        ):
            pytest.fail(f"{reason}; the task-queue and cache tests need it.")
        pytest.skip(f"{reason}; start redis-server or set TOANDAN_TEST_REDIS_URL.")
    finally:
        client.close()
    return url
