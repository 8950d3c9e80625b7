"""`toandan serve` behind a TLS-terminating reverse proxy, through real HTTP requests.

waitress drops X-Forwarded-For and X-Forwarded-Proto unless it is told to trust a proxy: then
an https request looked like plain http (redirected to https again, for ever, and no HSTS),
and every citizen had the proxy's address, so all shared one tip rate limit.
"""

from __future__ import annotations

import io
import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from toandan.core.deployment import proxy_trust
from toandan.core.tests.served import HOST, Reply, free_port, request, run, server_env, serving
from toandan.core.tests.served import toandan_command as toandan

SITE = "https://toandan.example.vn"
# What the proxy passes on for an https request.
PROXIED_HTTPS = {"X-Forwarded-Proto": "https"}
BEHIND_PROXY = {
    "TOANDAN_SITE_URL": SITE,
    "TOANDAN_BEHIND_TLS_PROXY": "1",
    "TOANDAN_TRUSTED_PROXY_COUNT": "1",
}


@dataclass(frozen=True)
class Server:
    port: int
    category: str


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One set-up installation (fresh SQLite database) for the servers of this module."""
    var = tmp_path_factory.mktemp("serve") / "var"
    run([*toandan(), "setup", "--no-demo"], env=server_env(var, **BEHIND_PROXY))
    return var


@contextmanager
def server(var: Path, **settings: str) -> Iterator[int]:
    """`toandan serve` with these settings on the module's installation; yields its port."""
    port = free_port()
    with serving(toandan(), server_env(var, **settings), port, var.parent / f"{port}.log"):
        yield port


@pytest.fixture(scope="module")
def behind_proxy(var_dir: Path) -> Iterator[Server]:
    with server(var_dir, **BEHIND_PROXY) as port:
        reply = request(port, "/api/v1/tips/categories", headers=PROXIED_HTTPS)
        assert reply.status == 200, reply.text
        category = next(c["code"] for c in json.loads(reply.body) if not c["asks_victim_request"])
        yield Server(port=port, category=category)


def send_tip(
    server: Server, forwarded_for: str, number: int, *, source: str | None = None
) -> Reply:
    body = {
        "category": server.category,
        "description": f"Tin báo thử số {number}: nhóm người tụ tập mua bán ở cuối ngõ.",
        "province": "01",
        "commune": "00070",
    }
    return request(
        server.port,
        "/api/v1/tips",
        method="POST",
        headers={
            **PROXIED_HTTPS,
            "X-Forwarded-For": forwarded_for,
            "Content-Type": "application/json",
        },
        body=json.dumps(body).encode(),
        source=source,
    )


def test_an_https_request_through_the_proxy_is_served_with_hsts_not_redirected_again(
    behind_proxy,
):
    page = request(behind_proxy.port, "/tips/new/", headers=PROXIED_HTTPS)

    assert page.status == 200, page.headers.get("Location")
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_a_plain_http_request_through_the_proxy_is_sent_to_https_once(behind_proxy):
    page = request(behind_proxy.port, "/tips/new/", headers={"X-Forwarded-Proto": "http"})

    assert page.status == 301
    assert page.headers["Location"] == f"https://{HOST}:{behind_proxy.port}/tips/new/"


def test_citizens_behind_the_proxy_each_have_their_own_tip_rate_limit(behind_proxy):
    # Twelve citizens, one tip each: more than the per-client limit (10 an hour) in total.
    replies = [send_tip(behind_proxy, f"203.0.113.{n}", n) for n in range(1, 13)]

    assert [reply.status for reply in replies] == [201] * 12, replies[-1].text


def test_forged_x_forwarded_for_entries_do_not_buy_a_fresh_rate_limit(behind_proxy):
    # The client writes whatever it likes before the address the proxy appends: only the
    # proxy's entry counts, so one client is still limited to 10 tips an hour.
    replies = [send_tip(behind_proxy, f"10.9.8.{n}, 198.51.100.9", n) for n in range(1, 12)]

    assert [reply.status for reply in replies] == [201] * 10 + [429]


def test_a_client_reaching_the_app_server_directly_cannot_forge_the_proxy_headers(
    var_dir, behind_proxy
):
    # TOANDAN_TRUSTED_PROXY names the proxy: headers from any other peer (here 127.0.0.1) are
    # dropped, so they neither pass for https nor give the sender a fresh rate limit.
    with server(var_dir, **BEHIND_PROXY, TOANDAN_TRUSTED_PROXY="192.0.2.1") as port:
        page = request(port, "/tips/new/", headers=PROXIED_HTTPS)
    plain_http = {**BEHIND_PROXY, "TOANDAN_BEHIND_TLS_PROXY": "0"}
    with server(var_dir, **plain_http, TOANDAN_TRUSTED_PROXY="192.0.2.1") as port:
        direct = Server(port=port, category=behind_proxy.category)
        replies = [send_tip(direct, f"203.0.113.{n}", n) for n in range(100, 111)]

    assert page.status == 301
    assert [reply.status for reply in replies] == [201] * 10 + [429]


# Another loopback address: a peer that is not the proxy, without leaving the machine.
NOT_THE_PROXY = "127.0.0.2"


def test_attack_forged_proxy_headers_from_a_peer_other_than_the_default_proxy_are_dropped(
    var_dir, behind_proxy
):
    # TOANDAN_TRUSTED_PROXY unset: only a proxy on the machine itself (127.0.0.1) is trusted.
    # An app server behind a load balancer listens on an address other machines reach: any of
    # them could otherwise pass for https and take a fresh rate limit per forged address.
    page = request(behind_proxy.port, "/tips/new/", headers=PROXIED_HTTPS, source=NOT_THE_PROXY)
    proxied = request(behind_proxy.port, "/tips/new/", headers=PROXIED_HTTPS)
    plain_http = {**BEHIND_PROXY, "TOANDAN_BEHIND_TLS_PROXY": "0"}
    with server(var_dir, **plain_http) as port:
        direct = Server(port=port, category=behind_proxy.category)
        replies = [
            send_tip(direct, f"203.0.113.{n}", n, source=NOT_THE_PROXY) for n in range(200, 211)
        ]

    assert page.status == 301
    assert [reply.status for reply in replies] == [201] * 10 + [429]
    # The proxy itself is still trusted.
    assert proxied.status == 200


def test_the_production_server_refuses_to_start_without_its_site_url(tmp_path):
    # The receipt card would send every citizen back to http://127.0.0.1:8000.
    command = [*toandan(), "serve", "--host", HOST, "--port", str(free_port())]
    try:
        done = subprocess.run(  # noqa: S603 - our own command, fixed arguments
            command,
            env=server_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("`toandan serve` started without TOANDAN_SITE_URL")

    assert done.returncode != 0
    assert "TOANDAN_SITE_URL" in done.stderr


@pytest.mark.parametrize("url", ["", "toandan.example.vn", "ftp://toandan.example.vn"])
def test_the_worker_refuses_to_start_without_a_usable_site_url(settings, monkeypatch, url):
    from huey.contrib.djhuey.management.commands.run_huey import Command as RunHueyCommand

    from toandan.core.tasks import HUEY

    monkeypatch.setattr(HUEY, "immediate", False)  # as with TOANDAN_TASK_QUEUE=redis://...
    consumed = []  # the consumer itself would run for ever
    monkeypatch.setattr(RunHueyCommand, "handle", lambda *args, **kw: consumed.append(1))
    settings.DEBUG = False
    settings.TOANDAN_SITE_URL = url

    with pytest.raises(CommandError, match="TOANDAN_SITE_URL"):
        call_command("worker")
    assert consumed == []


def test_make_run_keeps_its_local_site_url(db, settings, monkeypatch):
    import waitress

    calls = []
    monkeypatch.setattr(waitress, "serve", lambda app, **options: calls.append(options))
    settings.DEBUG = True
    settings.TOANDAN_SITE_URL = "http://127.0.0.1:8000"

    call_command("serve", stdout=io.StringIO())

    assert len(calls) == 1


def test_attack_trusting_any_peer_on_an_address_others_reach_is_refused(settings):
    settings.TOANDAN_TRUSTED_PROXY_COUNT = 1
    settings.TOANDAN_TRUSTED_PROXY = "*"

    with pytest.raises(CommandError, match=r'"\*" \(any peer\).*0\.0\.0\.0'):
        proxy_trust(host="0.0.0.0")  # noqa: S104 - the address an operator would write
    # On loopback the only peers are this machine's: a proxy on it.
    assert proxy_trust(host="127.0.0.1")["trusted_proxy"] == "*"
    assert proxy_trust(host="::1")["trusted_proxy"] == "*"


def test_the_default_trusted_proxy_is_this_machine():
    assert django_settings.TOANDAN_TRUSTED_PROXY == "127.0.0.1"


@pytest.mark.parametrize(
    "value", ["10.0.0.0/8", "10.0.0.5, 10.0.0.6", "proxy.internal", "10.0.0.256"]
)
def test_a_trusted_proxy_waitress_cannot_compare_stops_the_server_with_a_message(settings, value):
    settings.TOANDAN_TRUSTED_PROXY_COUNT = 1
    settings.TOANDAN_TRUSTED_PROXY = value

    with pytest.raises(CommandError, match="exactly one address") as refused:
        proxy_trust(host="127.0.0.1")
    assert value in str(refused.value)
    assert "CIDR" in str(refused.value)


def test_a_trusted_proxy_is_written_as_the_socket_reports_its_peer(settings):
    # waitress compares the peer's address with the setting as strings.
    settings.TOANDAN_TRUSTED_PROXY_COUNT = 1
    settings.TOANDAN_TRUSTED_PROXY = "2001:DB8:0::0001"

    assert proxy_trust(host="::1")["trusted_proxy"] == "2001:db8::1"
