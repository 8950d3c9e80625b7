"""The installation's secret key, which the first toandan process writes to var/secret_key."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from toandan import settings as project_settings


def test_a_process_starting_while_another_writes_the_key_gets_the_same_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a new installation whose first process is writing its key file when a second one
    # starts (two pytest-xdist workers, or `toandan worker` started beside `toandan serve`)
    path = tmp_path / "var" / "secret_key"
    real_fdopen = os.fdopen
    second: list[str] = []
    started: list[bool] = []

    def second_process_starts_meanwhile(fd: int, *args: Any, **kwargs: Any) -> Any:
        if not started:  # the first process is about to write; the second one runs through
            started.append(True)
            second.append(project_settings._installation_secret(path))
        return real_fdopen(fd, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", second_process_starts_meanwhile)

    first = project_settings._installation_secret(path)

    # Then both use one key, the one in the file: an empty key would stop the second process
    # (or, for sessions, sign them with a key nobody else has)
    assert second == [first]
    assert len(first) > 40
    assert path.read_text() == first
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]


def test_an_existing_key_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    made = project_settings._installation_secret(path)

    assert project_settings._installation_secret(path) == made
