"""The SQLite database and its WAL journal are private to the account that runs toandan."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper


@pytest.fixture
def usual_umask(django_db_blocker: Any) -> Iterator[None]:
    """The umask most systems start with (022); the connections are to the test's own file,
    not to the test database, so pytest-django's guard is lifted for them."""
    previous = os.umask(0o022)
    with django_db_blocker.unblock():
        yield
    os.umask(previous)


def sqlite_connection(path: Path) -> DatabaseWrapper:
    """A connection with the project's own SQLite options (WAL), to a file of this test."""
    configured: dict[str, Any] = dict(settings.DATABASES["default"])
    options = configured.get("OPTIONS", {}) if "sqlite3" in configured["ENGINE"] else {}
    database = {
        **configured,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": options
        or {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
        "TEST": {},
    }
    return DatabaseWrapper(database, alias="sqlite_files_test")


@pytest.mark.usefixtures("usual_umask")
def test_other_local_users_cannot_read_the_database_or_its_journal(tmp_path):
    # Tips are encrypted, but the database also holds accounts, audit events and the summary
    # statistics: with the usual umask SQLite creates all three files 0644, readable by every
    # account on the machine.
    path = tmp_path / "toandan.sqlite3"
    connection = sqlite_connection(path)
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE note (body TEXT)")
            cursor.execute("INSERT INTO note VALUES ('tin báo')")
        files = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
    finally:
        connection.close()

    assert {"toandan.sqlite3", "toandan.sqlite3-wal", "toandan.sqlite3-shm"} <= set(files)
    assert files == dict.fromkeys(files, 0o600)


@pytest.mark.usefixtures("usual_umask")
def test_a_database_left_world_readable_by_an_older_version_is_closed_on_connect(tmp_path):
    path = tmp_path / "toandan.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)

    connection = sqlite_connection(path)
    try:
        connection.ensure_connection()
    finally:
        connection.close()

    assert path.stat().st_mode & 0o777 == 0o600
