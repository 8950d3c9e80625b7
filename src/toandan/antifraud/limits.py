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

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from toandan.core import ratelimit


def _wait(request: HttpRequest, name: str, per_device: int, per_address: int, window: int) -> int:
    address = ratelimit.client_key(request)
    device = ratelimit.device_key(request)
    return ratelimit.RateLimit(f"{name}-device", per_device, window).hit(
        device
    ) or ratelimit.RateLimit(f"{name}-address", per_address, window).hit(address)


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
