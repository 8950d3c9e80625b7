"""What a production server needs before it may start (production: settings.DEBUG off)."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register, run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError

# The system checks a production process runs before it serves (see `deployment_checks_run`).
DEPLOY_TAG = "toandan_deploy"


def site_url_problem() -> str:
    """What is wrong with TOANDAN_SITE_URL in production, or "" (always "" under DEBUG).

    TOANDAN_SITE_URL is printed on every receipt card (the address a citizen comes back to)
    and in the links of emails. Without it they would send citizens to 127.0.0.1; `make run`
    (DEBUG) sets it to its own address."""
    if settings.DEBUG:
        return ""
    url = str(settings.TOANDAN_SITE_URL)
    parts = urlsplit(url)
    if parts.scheme in {"http", "https"} and parts.netloc:
        return ""
    return (
        f"TOANDAN_SITE_URL is {url!r}: set it to the address citizens open the site at "
        "(e.g. https://toandan.example.vn). It is printed on receipt cards and in emails."
    )


@register(Tags.security, DEPLOY_TAG, deploy=True)
def site_url_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """`manage.py check --deploy`, and every production process through
    `deployment_checks_run`."""
    problem = site_url_problem()
    return [Error(problem, id="toandan.E001")] if problem else []


def deployment_checks_run() -> None:
    """Refuse to serve with a production problem (`toandan.wsgi` runs this at import, so any
    WSGI server, gunicorn or uWSGI as well as `toandan serve`, stops before its first request)."""
    errors = [
        message
        for message in run_checks(tags=[DEPLOY_TAG], include_deployment_checks=True)
        if message.is_serious()
    ]
    if errors:
        msg = "refusing to start:\n- " + "\n- ".join(str(error.msg) for error in errors)
        raise ImproperlyConfigured(msg)


def require_site_url() -> None:
    """For `toandan serve` and `toandan worker`: the same check, as a command error."""
    problem = site_url_problem()
    if problem:
        raise CommandError(problem)


def proxy_trust(*, host: str) -> dict[str, Any]:
    """waitress options to trust the reverse proxy's headers, from the settings that say there
    is one. waitress removes X-Forwarded-* from every request unless told to trust a proxy:
    then behind TLS every request looked like plain http (redirected to https again, for ever)
    and every citizen had the proxy's address (one rate limit shared by all).

    TOANDAN_TRUSTED_PROXY is the one address the proxy connects from (default 127.0.0.1, a
    proxy on the same machine): headers from any other peer are dropped, so a client reaching
    the app server directly cannot pass for https or take a fresh rate limit per forged
    address. "*" (any peer) only while the server listens on a loopback address, where the
    only peers are on this machine. `host` is the address the server listens on.
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
        "trusted_proxy": trusted_proxy_address(host=host),
        # waitress keeps the last `hops` entries of X-Forwarded-For and takes the first of them
        # as the client: the same entry as `toandan.core.ratelimit` reads.
        "trusted_proxy_count": max(hops, 1),
        "trusted_proxy_headers": headers,
    }


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def trusted_proxy_address(*, host: str) -> str:
    """TOANDAN_TRUSTED_PROXY checked and written as waitress compares it.

    waitress (`waitress.proxy_headers`) trusts a peer only when its address equals the
    `trusted_proxy` string exactly, or when that is "*": one address, no list, no network
    (CIDR). The address is therefore written in its canonical form (as the socket reports a
    peer), and anything else stops the server with a message rather than trusting nobody."""
    value = str(settings.TOANDAN_TRUSTED_PROXY).strip()
    if value == "*":
        if _is_loopback(host):
            return value
        msg = (
            f'TOANDAN_TRUSTED_PROXY is "*" (any peer) but the server listens on {host}, which '
            "other machines can reach: any of them could forge X-Forwarded-For and "
            "X-Forwarded-Proto. Set it to the address the reverse proxy connects from."
        )
        raise CommandError(msg)
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        msg = (
            f"TOANDAN_TRUSTED_PROXY is {value!r}: write the one IP address the reverse proxy "
            "connects from (e.g. 127.0.0.1 or 10.0.0.5). The server (waitress) trusts exactly "
            "one address: not a host name, a list or a network (CIDR). Behind several proxies "
            "or a load balancer with many addresses, put one proxy on this machine in front."
        )
        raise CommandError(msg) from None
