"""The database cache that holds throttles and rate limits: its writes on PostgreSQL do not wait
for the disk, except inside a caller's transaction, whose commit must."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="synchronous_commit is PostgreSQL's"
)


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return str(cursor.fetchone()[0])


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_cache_write_of_its_own_commits_without_waiting_for_the_disk():
    with CaptureQueriesContext(connection) as queries:
        cache.add("toandan:test:counter", 1, timeout=60)
        assert cache.incr("toandan:test:counter") == 2
    statements = [q["sql"] for q in queries.captured_queries]
    assert sum("synchronous_commit" in sql for sql in statements) == 2
    # and the setting ended with those transactions
    assert _synchronous_commit() == "on"
    cache.clear()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_cache_write_inside_a_callers_transaction_leaves_its_commit_durable():
    with transaction.atomic():
        cache.add("toandan:test:counter", 1, timeout=60)
        cache.incr("toandan:test:counter")
        cache.set("toandan:test:other", "x", timeout=60)
        assert _synchronous_commit() == "on"
    assert cache.get("toandan:test:counter") == 2
    cache.clear()


@pytest.mark.django_db
def test_incr_keeps_counting_and_refuses_a_missing_key():
    cache.add("toandan:test:n", 5, timeout=60)
    assert cache.incr("toandan:test:n", 3) == 8
    with pytest.raises(ValueError, match="not found"):
        cache.incr("toandan:test:absent")
