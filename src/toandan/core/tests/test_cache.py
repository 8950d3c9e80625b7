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


# Outside any transaction of the test's, as a server writes (not pytest-django's
# `transaction=True`, which flushes every table afterwards, the session's geography included):
# only this test's cache rows are removed.
@postgres_only
def test_a_cache_write_of_its_own_commits_without_waiting_for_the_disk(
    django_db_setup, django_db_blocker
):
    with django_db_blocker.unblock():
        try:
            assert not connection.in_atomic_block
            with CaptureQueriesContext(connection) as queries:
                cache.add("toandan:test:counter", 1, timeout=60)
                assert cache.incr("toandan:test:counter") == 2
            statements = [q["sql"] for q in queries.captured_queries]
            assert sum("synchronous_commit" in sql for sql in statements) == 2
            # and the setting ended with those transactions
            assert _synchronous_commit() == "on"
        finally:
            cache.delete_many(["toandan:test:counter"])
            connection.close()


@postgres_only
def test_a_cache_write_inside_a_callers_transaction_leaves_its_commit_durable(
    django_db_setup, django_db_blocker
):
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                cache.add("toandan:test:counter", 1, timeout=60)
                cache.incr("toandan:test:counter")
                cache.set("toandan:test:other", "x", timeout=60)
                assert _synchronous_commit() == "on"
            assert cache.get("toandan:test:counter") == 2
        finally:
            cache.delete_many(["toandan:test:counter", "toandan:test:other"])
            connection.close()


@pytest.mark.django_db
def test_incr_keeps_counting_and_refuses_a_missing_key():
    cache.add("toandan:test:n", 5, timeout=60)
    assert cache.incr("toandan:test:n", 3) == 8
    with pytest.raises(ValueError, match="not found"):
        cache.incr("toandan:test:absent")
