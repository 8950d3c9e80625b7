"""The cache that holds throttles and rate limits when no Redis is configured.

Django's database cache, with two changes that a throttle needs:

- nothing live is evicted. Django's version deletes a third of all entries, live or not,
  once there are more than MAX_ENTRIES: a few hundred wrong receipts from other addresses
  would then wipe the wait of the one client that earned it. Here only expired entries are
  swept; a flood makes the table larger, never forgetful;
- `incr` is atomic and keeps the entry's expiry. Django's falls back to get-then-set, which
  loses parallel increments and restarts the expiry at the default timeout on every hit;
- on PostgreSQL a write that runs in a transaction of its own does not wait for the disk
  (`synchronous_commit = off` for that transaction only). A counter lost in a crash costs a
  client one free attempt; waiting for the flush cost every tip three disk flushes before its
  own (the rate limits by device, address and overall). A write inside a caller's transaction
  keeps that transaction's setting: the tip's own commit always waits for the disk.

The table (`toandan_cache`) is created by the `core` migration, so `migrate` is all a new
installation needs.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "toandan_cache"


def _no_disk_wait(connection: BaseDatabaseWrapper, *, own_transaction: bool) -> None:
    """Within a transaction just opened for a cache write: commit without waiting for the disk."""
    if own_transaction and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


class DatabaseCache(DjangoDatabaseCache):
    def _base_set(self, mode: str, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> bool:
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        own = not connection.in_atomic_block
        with transaction.atomic(using=db):
            _no_disk_wait(connection, own_transaction=own)
            # A private method of Django's DatabaseCache (pinned Django 5.2), which set, add and
            # touch all go through.
            return bool(super()._base_set(mode, key, value, timeout))  # type: ignore[misc]

    def _cull(self, db: str, cursor: Any, now: Any, num: int) -> None:
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        expires = connection.ops.quote_name("expires")
        cursor.execute(
            f"DELETE FROM {table} WHERE {expires} < %s",  # noqa: S608 - quoted names only
            [connection.ops.adapt_datetimefield_value(now)],
        )

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        made_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]
        where = f"WHERE {quote('cache_key')} = %s"
        own = not connection.in_atomic_block
        with transaction.atomic(using=db), connection.cursor() as cursor:
            _no_disk_wait(connection, own_transaction=own)
            # A write first, so the row is locked (PostgreSQL) or the database is (SQLite)
            # until the new value is written: parallel increments queue instead of racing.
            cursor.execute(
                f"UPDATE {table} SET {quote('expires')} = {quote('expires')} {where}",  # noqa: S608
                [made_key],
            )
            value = self.get_many([key], version=version).get(key, self._missing_key)
            if value is self._missing_key:
                msg = f"Key '{key}' not found"
                raise ValueError(msg)
            new_value = value + delta
            pickled = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol))
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s {where}",  # noqa: S608
                [pickled.decode("latin1"), made_key],
            )
        return new_value


__all__ = ["TABLE", "DatabaseCache"]
