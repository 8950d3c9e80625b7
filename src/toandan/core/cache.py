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

Both this cache and the Redis one below count a rate limit's chain of counters (per device,
per address, overall) in one round trip or transaction: `count_chain`.

The table (`toandan_cache`) is created by the `core` migration, so `migrate` is all a new
installation needs.
"""

from __future__ import annotations

import base64
import datetime as dt
import pickle
from collections.abc import Sequence
from typing import Any, NamedTuple

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from toandan.core.sql import execute_together

TABLE = "toandan_cache"


class Counter(NamedTuple):
    """One counter of a chain: its cache key, the most hits it allows, and how long a new
    counter lives (the window plus a margin)."""

    key: str
    limit: int
    timeout: int


class ChainUnsupportedError(Exception):
    """This cache cannot count the chain at once now (a counter to create, several Redis
    servers): the caller counts them one by one."""


def _utc_now() -> dt.datetime:
    return dt.datetime.now(tz=dt.UTC)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


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
        if connection.features.has_select_for_update:
            return self._incr_locked(made_key, delta, connection, db)
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]
        where = f"WHERE {quote('cache_key')} = %s"
        with transaction.atomic(using=db), connection.cursor() as cursor:
            # A write first, so the database is locked (SQLite) until the new value is
            # written: parallel increments queue instead of racing.
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

    def _incr_locked(
        self, made_key: str, delta: int, connection: BaseDatabaseWrapper, db: str
    ) -> int:
        """PostgreSQL: the row locked and read in one statement, written back (with the
        commit's no-wait setting) in one more."""
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]
        own = not connection.in_atomic_block
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')}, {quote('expires')} FROM {table} "  # noqa: S608
                f"WHERE {quote('cache_key')} = %s FOR UPDATE",
                [made_key],
            )
            row = cursor.fetchone()
            if row is None or _aware(row[1]) < _utc_now():
                msg = f"Key '{made_key}' not found"
                raise ValueError(msg)
            new_value = int(pickle.loads(base64.b64decode(row[0]))) + delta  # noqa: S301 - our rows
            pickled = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol))
            statements: list[tuple[str, Sequence[Any]]] = []
            if own:
                statements.append(("SET LOCAL synchronous_commit TO OFF", []))
            update = f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s"  # noqa: S608
            statements.append((update, [pickled.decode("latin1"), made_key]))
            execute_together(statements, using=db)
        return new_value

    def count_chain(self, counters: Sequence[Counter]) -> int:
        """Count one hit on each counter in order, stopping after the first one over its limit
        (later counters are not charged for a refused hit). Returns the 1-based position of
        that counter, or 0 when every counter is within its limit.

        One transaction: the existing counters are locked together (in key order, so two
        chains cannot deadlock) and written back in one round trip. A missing or expired
        counter (the first hit of a window) raises ChainUnsupportedError before anything is
        written, and the caller creates it with add() as before."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]
        if not connection.features.has_select_for_update:
            # SQLite: the one-by-one increments lock the database with a write first.
            raise ChainUnsupportedError(connection.vendor)
        made = [self.make_and_validate_key(c.key) for c in counters]
        own = not connection.in_atomic_block
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('cache_key')}, {quote('value')}, {quote('expires')} "  # noqa: S608
                f"FROM {table} WHERE {quote('cache_key')} IN ({', '.join(['%s'] * len(made))}) "
                f"ORDER BY {quote('cache_key')} FOR UPDATE",
                made,
            )
            found: dict[str, int] = {}
            now = _utc_now()
            for key, value, expires_at in cursor.fetchall():
                if _aware(expires_at) >= now:
                    found[key] = pickle.loads(base64.b64decode(value))  # noqa: S301 - our rows
            over = 0
            writes: list[tuple[str, int]] = []
            for position, (key, counter) in enumerate(zip(made, counters, strict=True), 1):
                if key not in found:
                    raise ChainUnsupportedError(key)
                writes.append((key, found[key] + 1))
                if found[key] + 1 > counter.limit:
                    over = position
                    break
            statements: list[tuple[str, Sequence[Any]]] = []
            if own and connection.vendor == "postgresql":
                # Read at COMMIT: set with the writes, it costs no round trip of its own.
                statements.append(("SET LOCAL synchronous_commit TO OFF", []))
            for key, value in writes:
                pickled = base64.b64encode(pickle.dumps(value, self.pickle_protocol))
                update = f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s"  # noqa: S608
                statements.append((update, [pickled.decode("latin1"), key]))
            execute_together(statements, using=db)
        return over


# Counts a chain in one round trip: INCR each key (setting its expiry when the INCR made it),
# stopping after the first over its limit. KEYS: the counters; ARGV: timeout and limit of each.
_CHAIN_SCRIPT = """
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, ARGV[2 * i - 1]) end
  if n > tonumber(ARGV[2 * i]) then return i end
end
return 0
"""


class RedisCache(DjangoRedisCache):
    """Django's Redis cache with `count_chain` as one script call (the chain's counters are
    plain integers there, as Django's own incr writes them)."""

    _chain_script: Any = None

    _client: Any = None

    def redis_client(self) -> Any:
        """The redis-py client of the server Django writes to, for what Django's API lacks.
        Several LOCATIONs are one primary (the first, which takes every write) and read
        replicas, so every counter lives on the first. One client object is kept (Django
        makes a new one per operation, 1 ms of CPU; the object is thread-safe, its pool hands
        out connections)."""
        if self._client is None:
            # django-stubs omit the client pool
            self._client = self._cache.get_client(write=True)  # type: ignore[attr-defined]
        return self._client

    def count_chain(self, counters: Sequence[Counter]) -> int:
        """As DatabaseCache.count_chain, in one round trip; the window's first hit included."""
        keys = [self.make_and_validate_key(c.key) for c in counters]
        client = self.redis_client()
        if self._chain_script is None:
            self._chain_script = client.register_script(_CHAIN_SCRIPT)
        args: list[int] = []
        for counter in counters:
            args += [counter.timeout, counter.limit]
        return int(self._chain_script(keys=keys, args=args, client=client))


__all__ = [
    "TABLE",
    "ChainUnsupportedError",
    "Counter",
    "DatabaseCache",
    "RedisCache",
]
