"""The embedded SQLite database is private to the account that runs toandan.

SQLite creates the database file with the process's umask (usually 0644: readable by every
account on the machine) and gives its WAL and shared-memory files the database file's mode.
Accounts, audit events and statistics live there, so every new connection closes the three
files to other accounts (0600); a database made world-readable by an older version is closed
the same way on its next connection.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

PRIVATE_FILE = 0o600
_COMPANIONS = ("", "-wal", "-shm", "-journal")


def private_sqlite_files(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """`connection_created` receiver. The journal mode (WAL) is set by the connection's
    init_command, before this runs, so the WAL file exists already and is closed here too;
    files SQLite makes later copy the database file's (now private) mode."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in _COMPANIONS:
        path = Path(name + suffix)
        # A companion that is not there (or a file another account owns) is not ours to fix.
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if path.stat().st_mode & 0o777 != PRIVATE_FILE:
                path.chmod(PRIVATE_FILE)
