"""Test-session set-up shared by every app's tests.

- The test database gets the full geography (and the organisation units it creates) once per
  session; each test runs in a transaction that is rolled back, so it starts from that state.
- CI sets TOANDAN_REQUIRE_POSTGRES=1: the session refuses to run on anything but PostgreSQL.
- The network is blocked: a test that tries to reach anything but this machine fails.
- `make test` runs the tests in parallel (pytest-xdist, `--dist loadgroup`): each worker has its
  own test database (`test_<name>_gw0`, ...) with its own geography, its own temporary
  directories and its own keyring; tests that share a module- or package-scoped fixture (a
  server set up once, a wheel built once) are kept on one worker.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import SynchronousOnlyOperation
from django.core.management import call_command
from django.db import InterfaceError, OperationalError


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings as django_settings

    # Production's manifest storage needs `collectstatic` first; the test client's pages take
    # static files as they are (the served tests check the production storage).
    django_settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if os.environ.get("TOANDAN_REQUIRE_POSTGRES") == "1":
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            msg = f"TOANDAN_REQUIRE_POSTGRES=1 but DATABASE_URL points at {engine}"
            raise pytest.UsageError(msg)


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that use a module- or package-scoped fixture of ours run on one xdist worker.

    Those fixtures are the expensive ones (`toandan setup` and a server for the browser and
    serve tests, a wheel built and installed for the packaging test): spread over the workers,
    each worker would build its own copy, costing more than the parallelism gains. The group
    is named after where the fixture is defined, so two browser packages (each with its own
    server) still run side by side. Marks are inert without `--dist loadgroup`.
    """
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        shared = sorted(
            definition.baseid
            for definitions in info.name2fixturedefs.values()
            for definition in definitions[-1:]  # the one this test gets
            if definition.scope in {"module", "package", "class"} and definition.baseid
        )
        if shared:
            item.add_marker(pytest.mark.xdist_group(shared[0]))
    if getattr(config.option, "loadgroup", False):  # set on xdist workers with --dist loadgroup
        _xdist_groups_in_node_ids(items)


def _xdist_groups_in_node_ids(items: list[pytest.Item]) -> None:
    """Put each test's xdist_group in its node id ("<id>@<group>"): the id is all the worker
    reports, and xdist's scheduler reads the group from it.

    pytest-xdist 3.8 writes that id to `item._nodeid`, which pytest 9.2 no longer reads (it
    keeps a structured `item._id`), so every group was silently ignored and a browser server
    was set up on every worker (pytest-xdist issue #1386). Drop this once xdist writes it
    itself: tests/test_parallel.py fails if grouping stops working either way.
    """
    from _pytest.nodeid import NodeId

    for item in items:
        names = sorted(
            {str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
             for mark in item.iter_markers("xdist_group")}
        )  # fmt: skip
        suffix = "@" + "_".join(names)
        if names and not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    # TOANDAN_TEST_SKIP_GEO=1 skips the load for a quick run of tests that need no geography.
    if os.environ.get("TOANDAN_TEST_SKIP_GEO") == "1":
        return
    with django_db_blocker.unblock():
        call_command("load_geo", verbosity=0)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 takes ~0.2 s per hash by design and tests create many users. Argon2 stays in the
    list so hashes it wrote (one-time passwords, demo accounts) still verify."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.fixture(scope="session")
def _session_keyring(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from toandan.tips import crypto

    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    crypto.keyring_create(path)  # what `toandan setup` does on a new installation
    return path


@pytest.fixture(autouse=True)
def _keys_files_and_cache_isolated(
    settings: Any, tmp_path: Path, _session_keyring: Path
) -> Iterator[None]:
    """No test writes to var/: keys and attachments go to temporary places (one keyring per
    session, so a test can open what an earlier one sealed), and the cache that holds
    throttles and rate limits starts empty, as do the per-process copies of reference data
    (a test's rows are rolled back without a signal, and SQLite reuses their ids)."""
    from toandan.core.process_cache import forget_cached_reference_data

    settings.TOANDAN_KEYRING_FILE = _session_keyring
    settings.TOANDAN_ATTACHMENTS_DIR = tmp_path / "attachments"
    settings.TOANDAN_EXPORTS_DIR = tmp_path / "exports"
    settings.TOANDAN_AUDIT_CHECKPOINT_FILE = tmp_path / "audit" / "checkpoints.jsonl"
    from toandan.core.ratelimit import forget_daily_secret

    _cache_clear()
    forget_cached_reference_data()
    forget_daily_secret()
    yield
    _cache_clear()
    forget_cached_reference_data()
    forget_daily_secret()


def _cache_clear() -> None:
    """Empty the cache (a database table by default, so rows written by a thread or a live
    server outside the test's transaction stay otherwise)."""
    # Nothing to clear where the test could not have written to the database cache:
    # - RuntimeError: pytest-django blocks the database in a test without the django_db mark;
    # - SynchronousOnlyOperation: Playwright's loop runs in this thread (browser tests serve
    #   from a database of their own);
    # - OperationalError/InterfaceError: a request driven through WSGIHandler closed this
    #   connection at its end (close_old_connections) in a test without database access.
    with contextlib.suppress(
        RuntimeError, SynchronousOnlyOperation, OperationalError, InterfaceError
    ):
        cache.clear()


@pytest.fixture(autouse=True)
def _two_factor_off_by_default(settings: Any) -> None:
    # Production requires TOTP for police and administrators; tests of that gate turn it on.
    settings.TOANDAN_POLICE_2FA_REQUIRED = False


def _is_local(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # Unix sockets
    host = str(address[0])
    if host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if not _is_local(address):
            msg = f"tests may not reach the network (tried {address!r})"
            raise RuntimeError(msg)
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
