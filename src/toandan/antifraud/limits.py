"""Rate limits of antifraud's public doors: the check (page and API) and appeals.

The check answers whether a number is listed: unlimited, it would let a script walk the whole
numbering plan and rebuild the list (what the hash-prefix API's key protects). Appeals each
cost an officer's time. Both are counted per device (address + device cookie), then per
address (room for a union meeting behind one NAT), in `toandan.core.ratelimit`'s fixed windows
(settings `TOANDAN_FRAUD_CHECK_RATE_*`, `TOANDAN_FRAUD_APPEAL_RATE_*`).

The keys are the day's opaque client keys: nothing of what was asked is in them, and nothing
here is kept beyond the window.
"""

from __future__ import annotations

import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from toandan.core import ratelimit

# Hits counted in this process before they are added to the shared cache at once: a check
# must cost far less than a write to the cache each (a transaction, with the database cache).
# A batch is a tenth of the limit, at most BATCH_MAX. A key's shared count lags by fewer than
# `batch` hits per process, so with P processes a client gets at most limit + P × (batch − 1)
# in a window (with the defaults, 30 + 2P checks a minute per device, 600 + 49P per address);
# small limits are exact (batch 1). The limit is there against a script rebuilding the list
# through the check, which a tenth more per process does not help.
BATCH_MAX = 50
_local: dict[tuple[str, int, str], list[int]] = {}  # -> [pending, shared total last seen]
_window: dict[str, int] = {}
_local_lock = threading.Lock()
LOCAL_KEYS_MAX = 100_000


def _batched_hit(limit: ratelimit.RateLimit, key: str) -> int:
    """`RateLimit.hit` in batches of up to BATCH_MAX hits per process (a tenth of the limit)."""
    bucket = int(time.time() // limit.window)
    remaining = (bucket + 1) * limit.window - time.time()
    batch = max(1, min(BATCH_MAX, limit.limit // 10))
    slot = (limit.name, bucket, key)
    with _local_lock:
        if _window.get(limit.name) != bucket:  # a new window: the last one's counts go
            for old in [k for k in _local if k[0] == limit.name]:
                del _local[old]
            _window[limit.name] = bucket
        if len(_local) > LOCAL_KEYS_MAX:
            _local.clear()
        entry = _local.setdefault(slot, [0, 0])
        entry[0] += 1
        total = entry[0] + entry[1]
        pending = entry[0] if entry[0] >= batch or total > limit.limit else 0
        if pending:
            entry[0] = 0
    if pending:
        total = _shared_add(limit, key, bucket, pending)
        with _local_lock:
            current = _local.get(slot)
            if current is not None:
                current[1] = max(current[1], total)
            total += current[0] if current is not None else 0
    return 0 if total <= limit.limit else max(1, math.ceil(remaining))


def _shared_add(limit: ratelimit.RateLimit, key: str, bucket: int, delta: int) -> int:
    name = limit._key(key, bucket)
    try:
        return int(cache.incr(name, delta))
    except ValueError:  # the window's first hits here
        if cache.add(name, delta, timeout=limit.window + 5):
            return delta
        try:
            return int(cache.incr(name, delta))
        except ValueError:
            cache.set(name, delta, timeout=limit.window + 5)
            return delta


def forget_local_counts() -> None:
    """Drop this process's pending counts (tests)."""
    with _local_lock:
        _local.clear()
        _window.clear()


def _wait(request: HttpRequest, name: str, per_device: int, per_address: int, window: int) -> int:
    address = ratelimit.client_key(request)
    device = ratelimit.device_key(request)
    return _batched_hit(
        ratelimit.RateLimit(f"{name}-device", per_device, window), device
    ) or _batched_hit(ratelimit.RateLimit(f"{name}-address", per_address, window), address)


def check_wait(request: HttpRequest) -> int:
    """Count one check: 0 when it may run, else the seconds to wait."""
    return _wait(
        request,
        "fraud-check",
        settings.TOANDAN_FRAUD_CHECK_RATE_PER_DEVICE_MINUTE,
        settings.TOANDAN_FRAUD_CHECK_RATE_PER_ADDRESS_MINUTE,
        60,
    )


def appeal_wait(request: HttpRequest) -> int:
    """Count one appeal: 0 when it may be sent, else the seconds to wait."""
    return _wait(
        request,
        "fraud-appeal",
        settings.TOANDAN_FRAUD_APPEAL_RATE_PER_DEVICE_HOUR,
        settings.TOANDAN_FRAUD_APPEAL_RATE_PER_ADDRESS_HOUR,
        3600,
    )


def check_refused_text(wait: int) -> str:
    return _(
        "Too many checks from this connection in a short time. Please wait %(wait)s and "
        "check again."
    ) % {"wait": ratelimit.wait_text(wait)}


def appeal_refused_text(wait: int) -> str:
    return _(
        "Too many appeals were sent from this connection. Please wait %(wait)s and send again; "
        "nothing you typed is lost."
    ) % {"wait": ratelimit.wait_text(wait)}
