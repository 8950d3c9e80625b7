"""What a production server needs before it may start (production: settings.DEBUG off)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import CommandError


def require_site_url() -> None:
    """TOANDAN_SITE_URL is printed on every receipt card (the address a citizen comes back to)
    and in the links of emails. Without it they would send citizens to 127.0.0.1, so a
    production server refuses to start; `make run` (DEBUG) sets it to its own address."""
    if settings.DEBUG:
        return
    url = str(settings.TOANDAN_SITE_URL)
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        msg = (
            f"TOANDAN_SITE_URL is {url!r}: set it to the address citizens open the site at "
            "(e.g. https://toandan.example.vn). It is printed on receipt cards and in emails."
        )
        raise CommandError(msg)


def proxy_trust() -> dict[str, Any]:
    """waitress options to trust the reverse proxy's headers, from the settings that say there
    is one. waitress removes X-Forwarded-* from every request unless told to trust a proxy:
    then behind TLS every request looked like plain http (redirected to https again, for ever)
    and every citizen had the proxy's address (one rate limit shared by all).

    TOANDAN_TRUSTED_PROXY is the proxy's address (waitress takes one, or "*" for any peer,
    which is what Django's SECURE_PROXY_SSL_HEADER assumes anyway): with an address, a client
    that reaches the app server directly cannot forge the headers.
    """
    hops = int(settings.TOANDAN_TRUSTED_PROXY_COUNT)
    headers = set()
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        headers.add("x-forwarded-proto")
    if hops > 0:
        headers.add("x-forwarded-for")
    if not headers:
        return {}
    return {
        "trusted_proxy": settings.TOANDAN_TRUSTED_PROXY,
        # waitress keeps the last `hops` entries of X-Forwarded-For and takes the first of them
        # as the client: the same entry as `toandan.core.ratelimit` reads.
        "trusted_proxy_count": max(hops, 1),
        "trusted_proxy_headers": headers,
    }
