"""A real toandan installation for tests: `toandan setup` on a fresh SQLite database in a
temporary directory, then `toandan serve` (waitress, production mode) on a free loopback port,
stopped when the test is done. Requests go through `http.client`, which follows no redirect,
so a test sees exactly what a browser or a reverse proxy would get.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

SETUP_TIMEOUT = 600
START_TIMEOUT = 60
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_env(var_dir: Path, **settings: str) -> dict[str, str]:
    """The process's environment without any toandan setting of the developer or CI (their
    database, queue, cache, debug mode), plus `settings`: production mode on its own SQLite
    database under `var_dir`, as a new installation starts."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TOANDAN_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="toandan.settings",
        TOANDAN_VAR_DIR=str(var_dir),
        PYTHONUNBUFFERED="1",
        **settings,
    )
    return env


def run(command: list[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a command to completion; the test fails with its output if it fails."""
    done = subprocess.run(  # noqa: S603 - our own commands, fixed arguments
        command, env=dict(env), capture_output=True, text=True, timeout=SETUP_TIMEOUT, check=False
    )
    if done.returncode != 0:
        output = f"{done.stdout}\n{done.stderr}"
        pytest.fail(f"{' '.join(command)} failed ({done.returncode}):\n{output}")
    return done


def request(
    port: int,
    path: str,
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    source: str | None = None,
) -> Reply:
    """`source`: the loopback address to connect from (e.g. 127.0.0.2, a peer that is not the
    proxy at 127.0.0.1)."""
    connection = http.client.HTTPConnection(
        HOST, port, timeout=30, source_address=(source, 0) if source else None
    )
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


@contextmanager
def serving(toandan: list[str], env: Mapping[str, str], port: int, log: Path) -> Iterator[None]:
    """`toandan serve` on HOST:port until the block ends; the test fails with the server's
    output if it exits or does not answer within START_TIMEOUT."""
    with log.open("w") as log_file:
        server = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
            [*toandan, "serve", "--host", HOST, "--port", str(port)],
            env=dict(env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(f"`toandan serve` exited with {server.returncode}:\n{log.read_text()}")
            try:
                request(port, "/healthz")  # any answer: the server is up
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"`toandan serve` did not answer:\n{log.read_text()}")
                time.sleep(0.2)
        yield
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def toandan_command() -> list[str]:
    """The `toandan` command of the environment running the tests."""
    return [sys.executable, "-m", "toandan.cli"]
