"""Which identifiers the check must look up at all, and the rows of those it looked up lately:
so that a public check costs no query for what nobody reported, and one query a while for
what many people check.

Most checks are of numbers and links nobody has reported (the answer is "no information"),
and the few listed ones are checked by many people at once while a campaign runs. Per
process:

- `KnownKeys`: a 64-bit fingerprint of the (kind, value) of every indicator row, whatever its
  status, in a sorted array (8 bytes an indicator: 80 MB at 10,000,000). A key that is not in
  it has no row, so its verdict is "no information" without a query. Rows only ever add
  keys (a status change does not matter here: a key with a row is looked up), so the array is
  kept current by reading the rows with an id above the highest one read, at most every
  `TOANDAN_FRAUD_KNOWN_REFRESH_SECONDS`. For that read to miss nothing, rows must become
  visible in the order of their ids: on PostgreSQL, every transaction that creates an
  indicator takes one advisory lock first (`serialise_new_indicators`), so ids are handed
  out in commit order; SQLite has one writer at a time. The whole array is built again in
  the background every `TOANDAN_FRAUD_KNOWN_REBUILD_SECONDS`, a safety net for rows written
  around the services. Until the first build is done (in the background when the table is
  large), every key is looked up as before.
- `recent_rows`: the rows of keys looked up in the last `TOANDAN_FRAUD_VERDICT_CACHE_SECONDS`,
  at most `ROWS_REMEMBERED` keys. A save of an indicator in this process drops them at once
  and again when it commits; other processes see a change (a verification, a delisting)
  within that many seconds, which the README says.

Only keys and the columns a verdict shows are kept; nothing of who asked.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from array import array
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import numpy as np
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import post_save

from toandan.antifraud.models import Indicator
from toandan.core.process_cache import ProcessCache, on_forget

logger = logging.getLogger(__name__)

Key = tuple[str, str]

# Below this many rows the first build runs in the request that needs it (a fraction of a
# second); above, in a background thread while checks query as before.
INLINE_BUILD_MAX = 100_000
# New keys kept in a set until this many, then merged into the sorted array.
RECENT_MERGE_AT = 50_000
ROWS_REMEMBERED = 100_000
_BUILD_CHUNK = 20_000
# pg_advisory_xact_lock's key for "an indicator is being created" (any 64-bit number that no
# other lock of this project uses: the letters "afkn").
NEW_INDICATOR_LOCK = 0x61666B6E
NEVER = float("-inf")


def fingerprint(kind: str, value: str) -> int:
    digest = hashlib.blake2b(f"{kind}\x1f{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def serialise_new_indicators() -> None:
    """Called in the transaction that creates an indicator, before the INSERT: creators take
    turns until commit, so a row with a higher id is never visible before one with a lower id,
    and `KnownKeys.refresh` (ids above the last one read) misses none."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NEW_INDICATOR_LOCK])


class KnownKeys:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._refreshing = threading.Lock()
        self._sorted: np.ndarray[Any, np.dtype[np.int64]] = np.empty(0, dtype=np.int64)
        self._recent: set[int] = set()
        self._watermark = 0
        self._ready = False
        self._building = False
        # Builds reading rows now: refreshes keep their keys in `_recent` meanwhile (a build
        # puts in place an array of the rows up to the id it read first).
        self._builds_running = 0
        # -inf: never (a monotonic clock may start near 0, so 0.0 would read as "just now").
        self._refreshed_at = NEVER
        self._built_at = NEVER
        self._generation = 0
        # Counts `mark_stale` calls: a refresh that read before the last mark is not the one
        # after it.
        self._marks = 0

    # --- reads ---------------------------------------------------------------------------

    def may_exist(self, keys: Iterable[Key]) -> dict[Key, bool] | None:
        """For each key, False when no indicator row has it; None when not known yet (the
        first build is still running): then every key is looked up."""
        if not self._ready:
            self._start_build()
            if not self._ready:
                return None
        now = self._clock()
        due = now - self._refreshed_at >= float(settings.TOANDAN_FRAUD_KNOWN_REFRESH_SECONDS)
        if due and self._refreshing.acquire(blocking=False):  # one thread reads, others go on
            try:
                self.refresh()
            finally:
                self._refreshing.release()
        if now - self._built_at >= float(settings.TOANDAN_FRAUD_KNOWN_REBUILD_SECONDS):
            self._start_build(again=True)
        sorted_keys, recent = self._sorted, self._recent
        asked = list(keys)
        marks = [fingerprint(*key) for key in asked]
        if not len(sorted_keys) or not marks:
            return {key: mark in recent for key, mark in zip(asked, marks, strict=True)}
        # One searchsorted for all of a check's keys (numpy's per-call cost is most of it).
        wanted = np.array(marks, dtype=np.int64)
        at = np.minimum(sorted_keys.searchsorted(wanted), len(sorted_keys) - 1)
        in_sorted = (sorted_keys[at] == wanted).tolist()
        return {
            key: hit or mark in recent
            for key, mark, hit in zip(asked, marks, in_sorted, strict=True)
        }

    @property
    def size(self) -> int:
        return len(self._sorted) + len(self._recent)

    @property
    def ready(self) -> bool:
        return self._ready

    # --- keeping it current --------------------------------------------------------------

    def refresh(self) -> int:
        """Read the keys of rows with an id above the highest read; the number read."""
        generation = self._generation
        marks = self._marks
        watermark = self._watermark
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(_after_sql(), [watermark])
            rows = cursor.fetchall()
        with self._lock:
            if generation != self._generation or not self._ready:
                return 0  # forgotten or rebuilt meanwhile
            for row_id, kind, value in rows:
                self._recent.add(fingerprint(kind, value))
                self._watermark = max(self._watermark, int(row_id))
            if marks == self._marks:  # else marked stale while reading: read again
                self._refreshed_at = self._clock()
            if len(self._recent) >= RECENT_MERGE_AT and not self._builds_running:
                merged = _sorted_keys(
                    np.concatenate((self._sorted, np.fromiter(self._recent, dtype=np.int64)))
                )
                self._sorted, self._recent = merged, set()
        return len(rows)

    def build(self) -> None:
        """Read every key (in this thread)."""
        with self._lock:
            self._builds_running += 1
        try:
            self._build()
        finally:
            with self._lock:
                self._builds_running -= 1

    def _build(self) -> None:
        generation = self._generation
        marks = self._marks
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute(_max_sql())
            row = cursor.fetchone()
        top = int(row[0] or 0) if row else 0
        prints = array("q")
        # A server-side cursor on PostgreSQL: the rows come in chunks, never all at once.
        with connection.chunked_cursor() as cursor:
            cursor.execute(_keys_sql(), [top])
            while chunk := cursor.fetchmany(_BUILD_CHUNK):
                prints.extend(fingerprint(kind, value) for kind, value in chunk)
        built = _sorted_keys(np.array(prints, dtype=np.int64))
        del prints
        with self._lock:
            if generation != self._generation:
                return
            self._sorted = built.astype(np.int64, copy=False)
            # Keys read since `top` stay (none was merged meanwhile); those at or below it
            # are in the new array.
            self._watermark = max(self._watermark, top) if self._ready else top
            if not self._ready:
                self._recent = set()
            self._ready = True
            self._built_at = self._clock()
            if marks == self._marks:  # else marked stale while reading: refresh at once
                self._refreshed_at = self._built_at

    def _start_build(self, *, again: bool = False) -> None:
        with self._lock:
            if self._building:
                return
            self._building = True
            self._built_at = self._clock()  # no second rebuild while this one runs
        if not again and _table_top() <= INLINE_BUILD_MAX:
            try:
                self.build()
            finally:
                self._building = False
            return
        thread = threading.Thread(target=self._build_in_background, daemon=True)
        thread.start()

    def _build_in_background(self) -> None:
        try:
            self.build()
        except Exception:  # the next check tries again; until then checks query as before
            logger.exception("antifraud: building the known keys failed")
            with self._lock:
                self._built_at = NEVER
        finally:
            self._building = False
            connections[DEFAULT_DB_ALIAS].close()

    def mark_stale(self) -> None:
        with self._lock:
            self._marks += 1
            self._refreshed_at = NEVER

    def forget(self) -> None:
        """Start over (tests roll back rows whose ids SQLite hands out again)."""
        with self._lock:
            self._generation += 1
            self._sorted = np.empty(0, dtype=np.int64)
            self._recent = set()
            self._watermark = 0
            self._ready = False
            self._refreshed_at = self._built_at = NEVER


@lru_cache(maxsize=1)
def _after_sql() -> str:
    return f"SELECT id, kind, value FROM {_table()} WHERE id > %s ORDER BY id"  # noqa: S608


def _sorted_keys(keys: np.ndarray[Any, np.dtype[np.int64]]) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Sorted in place. Not `np.unique`: on 10 million keys it took 23 s and 380 MB where a
    sort takes one second and nothing; a key twice (one identifier from the police and from a
    partner) does no harm to `searchsorted`."""
    keys.sort()
    return keys


@lru_cache(maxsize=1)
def _keys_sql() -> str:
    return f"SELECT kind, value FROM {_table()} WHERE id <= %s"  # noqa: S608


@lru_cache(maxsize=1)
def _max_sql() -> str:
    return f"SELECT MAX(id) FROM {_table()}"  # noqa: S608


def _table() -> str:
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(Indicator._meta.db_table)


def _table_top() -> int:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(_max_sql())
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0


known_keys = KnownKeys()
on_forget(known_keys.forget)


def _created(*, created: bool = False, using: str = DEFAULT_DB_ALIAS, **_kwargs: Any) -> None:
    # This process reads the new key at its next check, not a refresh interval later (the
    # officer who confirmed it may check at once): now, and again when it commits (a check
    # in another thread meanwhile refreshes without seeing the row, and would be the last).
    if created:
        known_keys.mark_stale()
        transaction.on_commit(known_keys.mark_stale, using=using)


post_save.connect(_created, sender=Indicator, weak=False, dispatch_uid="antifraud.known")


# --- Rows looked up lately --------------------------------------------------------------


def _rows_of(_key: Key) -> tuple[Any, ...] | None:
    return None  # filled through `get_many` only


recent_rows: ProcessCache[Key, tuple[Any, ...]] = ProcessCache(
    "antifraud.recent_rows", _rows_of, senders=[Indicator], max_entries=ROWS_REMEMBERED
)


def rows_cache_age() -> float:
    return float(settings.TOANDAN_FRAUD_VERDICT_CACHE_SECONDS)
