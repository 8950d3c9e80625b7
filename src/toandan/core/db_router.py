"""Read replicas for the heavy readers: statistics, dashboards and exports.

With TOANDAN_REPLICA_URLS set, each URL is a database alias `replica1`, `replica2`, ... (streaming
replicas of the primary, made with pg_basebackup). Reads go to a replica only where code asked
for it (`replica_reads()`, or a view wrapped in `reads_replica`) so that intake, case handling
and everything that checks a throttle, a session or an audit chain keep reading the primary.
Inside such a block a read still goes to the primary:

- within a transaction on the primary (it must see its own writes and its locks);
- for the cache table and sessions (throttles and logins must be exact);
- when no replica's lag is within TOANDAN_REPLICA_MAX_LAG_SECONDS, or none answers: figures a
  little old are acceptable, figures an hour old or an error page are not;
- for TOANDAN_REPLICA_PIN_SECONDS after the browser changed something (a cookie set by
  `ReplicaPinMiddleware` on every non-GET request), so that a user sees what they just did.

Writes always go to the primary. Migrations run on the primary only (replicas copy them).
"""

from __future__ import annotations

import functools
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA_PREFIX = "replica"
PIN_COOKIE = "toandan_primary"
# How long a replica's measured lag is reused by this process before it is measured again.
LAG_CHECK_SECONDS = 2.0
# Apps whose reads are never sent to a replica: throttles (the cache table) and sessions.
PRIMARY_ONLY_APPS = frozenset({"django_cache", "sessions"})

_replica_reads: ContextVar[bool] = ContextVar("toandan_replica_reads", default=False)
_lags: dict[str, tuple[float, float]] = {}  # alias -> (measured at, lag in seconds)
_lags_lock = threading.Lock()

# The lag of a hot standby: 0 when it has replayed all it received from a live stream, else
# the age of the last transaction it replayed; unknown (infinite) when it streams nothing.
# Not in recovery: a primary (or a promoted replica), which is current by definition.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN NULL
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads in this block may go to a replica (see the module's rules)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_replica(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a view that only reads figures (statistics, dashboards): its reads may go to a
    replica, unless this browser changed something in the last TOANDAN_REPLICA_PIN_SECONDS.
    The view's access policy attributes are kept (functools.wraps copies them)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.COOKIES.get(PIN_COOKIE):
            return view(request, *args, **kwargs)
        with replica_reads():
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()  # a TemplateResponse reads while it renders
            return response

    wrapped.reads_replica = True  # type: ignore[attr-defined]
    return wrapped


def _measure_lag(alias: str) -> float:
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return 0.0
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            row = cursor.fetchone()
    except DatabaseError:
        logger.warning("replica %s is unreachable: reading the primary", alias)
        connection.close()
        return math.inf
    lag = row[0] if row else None
    return math.inf if lag is None else max(0.0, float(lag))


def replica_lag(alias: str) -> float:
    """The replica's lag in seconds (infinite when unreachable), measured at most every
    LAG_CHECK_SECONDS per process."""
    now = time.monotonic()
    with _lags_lock:
        cached = _lags.get(alias)
    if cached is not None and now - cached[0] < LAG_CHECK_SECONDS:
        return cached[1]
    lag = _measure_lag(alias)
    with _lags_lock:
        _lags[alias] = (time.monotonic(), lag)
    return lag


def usable_replica() -> str | None:
    """The first replica within the lag bound, or None (read the primary)."""
    bound = float(settings.TOANDAN_REPLICA_MAX_LAG_SECONDS)
    for alias in replica_aliases():
        if replica_lag(alias) <= bound:
            return alias
    return None


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: see the module's docstring."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not _replica_reads.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return usable_replica()

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Replicas hold the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaPinMiddleware:
    """After a request that may have changed something (any method but GET, HEAD, OPTIONS),
    this browser reads the primary for TOANDAN_REPLICA_PIN_SECONDS: a report just saved or a
    tip just handled must show as done on the next page, not as it was a second ago."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.TOANDAN_REPLICA_URLS and request.method not in {"GET", "HEAD", "OPTIONS"}:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=int(settings.TOANDAN_REPLICA_PIN_SECONDS),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
