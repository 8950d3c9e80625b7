"""Rows that every request reads and administrators change a few times a year, kept per process.

Any app may keep such a copy: categories and routing rules of tips, places, police units, the
regions of the statistics. `ProcessCache` drops its copy on a save or delete of the models it
names, and again when that change commits; `forget_cached_reference_data` drops every copy
(tests that change rows with `update()` and roll back).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Hashable, Iterable
from itertools import islice
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models.signals import post_delete, post_save

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# How long a process trusts its copy when no signal said the rows changed.
REFERENCE_MAX_AGE = 10.0


def _clock() -> float:
    return time.monotonic()


class _ChangePending:
    """Registered with `on_commit` by a change of a cached model. Until it runs, its cache
    keeps nothing new: what a reader sees inside the changing transaction (or, in another
    thread, before it commits) must not outlive it. Once the change is committed it drops the
    cache again. A rollback empties the transaction's list of callbacks, which holds the only
    strong reference to this object, so it leaves the cache's weak set as well."""

    def __init__(self, cache: ProcessCache[Any, Any]) -> None:
        self.cache = cache

    def __call__(self) -> None:
        self.cache.change_committed(self)


class ProcessCache(Generic[K, V]):
    """A per-process copy of rows that every tip reads and administrators change a few times a
    year (categories, places, routing rules, police units): `get(key)` loads once, then
    answers from memory.

    - A save or delete of one of the `senders` models (the admin, `save()`, `delete()`) drops
      every copy at once, and again when its transaction commits.
    - A change that sends no signal (`update()`, `bulk_create()`, another process) is seen
      within `max_age` seconds.
    - `load` returning None is not kept: unknown codes cost a query each time, and nobody can
      fill the memory by asking for codes that do not exist.

    Values are shared by every thread: read them, never change them.
    """

    def __init__(
        self,
        name: str,
        load: Callable[[K], V | None],
        *,
        senders: Iterable[type[models.Model]],
        max_age: float = REFERENCE_MAX_AGE,
        max_entries: int | None = None,
    ) -> None:
        self.name = name
        self._load = load
        self.max_age = max_age
        # None: as many as the rows there are (reference data); else the oldest go first.
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: dict[K, tuple[float, V]] = {}
        self._generation = 0
        self._pending: weakref.WeakSet[_ChangePending] = weakref.WeakSet()
        for sender in senders:
            label = sender._meta.label_lower
            post_save.connect(
                self._changed, sender=sender, weak=False, dispatch_uid=f"{name}:{label}:s"
            )
            post_delete.connect(
                self._changed, sender=sender, weak=False, dispatch_uid=f"{name}:{label}:d"
            )
        _process_caches.append(self)

    def get(self, key: K) -> V | None:
        now = _clock()
        entry = self._entries.get(key)
        if entry is not None and now - entry[0] < self.max_age:
            return entry[1]
        generation = self._generation
        value = self._load(key)
        if value is not None:
            with self._lock:
                # Not if a change happened while loading, or is still uncommitted somewhere.
                if generation == self._generation and not self._pending:
                    self._put(key, (now, value))
                    self._trim()
        return value

    def get_many(
        self,
        keys: Iterable[K],
        load_many: Callable[[list[K]], dict[K, V]],
        *,
        max_age: float | None = None,
    ) -> dict[K, V]:
        """`get` for several keys, loading those not kept (or older than `max_age`, default
        the cache's) in one call of `load_many`; keys it leaves out are not in the answer."""
        now = _clock()
        age = self.max_age if max_age is None else max_age
        found: dict[K, V] = {}
        missing: list[K] = []
        for key in keys:
            entry = self._entries.get(key)
            if entry is not None and now - entry[0] < age:
                found[key] = entry[1]
            else:
                missing.append(key)
        if not missing:
            return found
        generation = self._generation
        loaded = load_many(missing)
        found.update(loaded)
        if age > 0:
            with self._lock:
                if generation == self._generation and not self._pending:
                    for key, value in loaded.items():
                        self._put(key, (now, value))
                    self._trim()
        return found

    def _put(self, key: K, entry: tuple[float, V]) -> None:
        # Dicts keep insertion order: a key loaded again goes last, as the newest.
        self._entries.pop(key, None)
        self._entries[key] = entry

    def _trim(self) -> None:
        if self.max_entries is None:
            return
        # The first entries are the oldest (`_put`).
        excess = len(self._entries) - self.max_entries
        if excess > 0:
            for key in list(islice(self._entries, excess)):
                del self._entries[key]

    def forget(self) -> None:
        with self._lock:
            self._entries = {}
            self._generation += 1

    def change_committed(self, marker: _ChangePending) -> None:
        with self._lock:
            self._pending.discard(marker)
        self.forget()

    def _changed(self, *, using: str = DEFAULT_DB_ALIAS, **_kwargs: Any) -> None:
        self.forget()
        if transaction.get_connection(using).in_atomic_block:
            marker = _ChangePending(self)
            with self._lock:
                self._pending.add(marker)
            transaction.on_commit(marker, using=using)


_process_caches: list[ProcessCache[Any, Any]] = []
_other_copies: list[Callable[[], None]] = []


def on_forget(forget: Callable[[], None]) -> None:
    """Register another per-process copy's way to start over (a structure that is not a
    `ProcessCache`), called by `forget_cached_reference_data`."""
    _other_copies.append(forget)


def forget_cached_reference_data() -> None:
    """Drop every per-process copy (tests that change rows with `update()` and roll back)."""
    for cache in _process_caches:
        cache.forget()
    for forget in _other_copies:
        forget()
