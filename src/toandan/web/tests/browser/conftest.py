"""Browser tests: a real `toandan` server in a subprocess, driven by Debian's Chromium.

The server is what `make run` starts: `toandan setup` (catalogues, migrations, geography, demo
data) on a fresh SQLite database in a temporary directory, then `toandan serve`. The tests never
touch pytest's test database, so they need no `django_db` mark.

Playwright's sync API keeps an asyncio loop running in this thread while it is started, and
Django refuses ORM calls from a thread with a running loop. So Playwright is started for this
package only and stopped before any other test runs.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SETUP_TIMEOUT = 600  # loading ~13,000 administrative units into SQLite takes a while
START_TIMEOUT = 60
DEMO_PASSWORD = "Toandan@2026"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(var_dir: Path, port: int) -> dict[str, str]:
    # The developer's or CI's database, queue and mail settings must not leak into the server:
    # it gets its own SQLite database and in-process tasks, as with `make run`.
    drop = {"DATABASE_URL", "TOANDAN_TASK_QUEUE", "TOANDAN_EMAIL_BACKEND", "TOANDAN_DEBUG"}
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env.update(
        DJANGO_SETTINGS_MODULE="toandan.settings",
        TOANDAN_VAR_DIR=str(var_dir),
        TOANDAN_POLICE_2FA_REQUIRED="0",
        # A production server refuses to start without the address it is reached at.
        TOANDAN_SITE_URL=f"http://127.0.0.1:{port}",
        PYTHONUNBUFFERED="1",
    )
    return env


def _toandan(*args: str) -> list[str]:
    return [sys.executable, "-m", "toandan.cli", *args]


def _wait_until_healthy(url: str, server: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`toandan serve` exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"`toandan serve` did not answer /healthz in {START_TIMEOUT}s:\n{log.read_text()}")


@pytest.fixture(scope="package")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (http://127.0.0.1:PORT) of a freshly set-up toandan server.

    TOANDAN_BROWSER_TEST_URL=http://127.0.0.1:8000 runs the tests against a server you started
    yourself (e.g. with `make run`) instead: quicker while writing a test.
    """
    external = os.environ.get("TOANDAN_BROWSER_TEST_URL")
    if external:
        yield external.rstrip("/")
        return
    var_dir = tmp_path_factory.mktemp("toandan-var")
    port = _free_port()
    env = _server_env(var_dir, port)
    setup = subprocess.run(  # noqa: S603 (our own CLI, fixed arguments)
        _toandan("setup"),
        env=env,
        capture_output=True,
        text=True,
        timeout=SETUP_TIMEOUT,
        check=False,
    )
    if setup.returncode != 0:
        pytest.fail(f"`toandan setup` failed ({setup.returncode}):\n{setup.stdout}\n{setup.stderr}")

    log = var_dir / "serve.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(  # noqa: S603
            _toandan("serve", "--host", "127.0.0.1", "--port", str(port)),
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            text=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM}: run `sudo apt-get install "
            "chromium` (or `bash scripts/ensure-chromium` as root). Playwright's own browser "
            "download is not used."
        )
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def chromium(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


def _context(browser: Browser, server_url: str, **options: object) -> BrowserContext:
    context = browser.new_context(base_url=server_url, locale="vi-VN", **options)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    return context


# Not named `page`: pytest-playwright's fixture of that name would parametrize every test.
@pytest.fixture
def desktop_page(chromium: Browser, server_url: str) -> Iterator[Page]:
    """A desktop page in a fresh browser context (no cookies), JavaScript on."""
    context = _context(chromium, server_url, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_page(chromium: Browser, server_url: str) -> Iterator[Page]:
    """A 320 px wide phone screen: the smallest the interface supports."""
    context = _context(
        chromium,
        server_url,
        viewport={"width": 320, "height": 640},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def nojs_page(chromium: Browser, server_url: str) -> Iterator[Page]:
    """A page with JavaScript disabled: every feature must still work."""
    context = _context(
        chromium, server_url, viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    yield context.new_page()
    context.close()
