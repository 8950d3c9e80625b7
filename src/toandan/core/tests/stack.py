"""The production stack for integration tests, each part a child process of the test on free
loopback ports, in a temporary directory, stopped when the test is done: a PostgreSQL cluster of
its own (initdb; a streaming replica by pg_basebackup), Redis and Debian's nginx.

A cluster of its own rather than the developer's or CI's server: the app servers commit what they
receive (pytest's test database is one rolled-back transaction that they could not see), the
replica copies a whole cluster (not one database), and nothing here changes a shared server's
configuration. When a program is missing the test is skipped, except in CI
(TOANDAN_REQUIRE_POSTGRES=1), where it fails: CI runs every test.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from toandan.core.tests.served import HOST, free_port

START_TIMEOUT = 60
REPO = Path(__file__).resolve().parents[4]
DEPLOY = REPO / "deploy"


def unavailable(what: str) -> None:
    """Skip, or fail in CI (which runs every test and installs what they need)."""
    message = f"{what} (CI installs it: see .ci/run and scripts/ensure-nginx)"
    if os.environ.get("TOANDAN_REQUIRE_POSTGRES") == "1":
        pytest.fail(message)
    pytest.skip(message)


def postgres_bin() -> Path:
    """The directory of initdb, postgres and pg_basebackup (Debian keeps them off PATH)."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for candidate in candidates:
        if (candidate / "initdb").exists() and (candidate / "pg_basebackup").exists():
            return candidate
    unavailable("PostgreSQL's initdb and pg_basebackup are not installed")
    raise AssertionError  # unreachable: unavailable() skips or fails


def _as_postgres() -> dict[str, Any]:
    """Popen options: PostgreSQL refuses to run as root, so its programs run as the postgres
    user then (the process itself, not under runuser, so that our signals reach it)."""
    if os.geteuid() == 0:
        return {"user": "postgres", "group": "postgres", "extra_groups": []}
    return {}


def _owned_tmp_dir(prefix: str) -> Path:
    """A temporary directory the postgres user can use when we are root (pytest's own tmp_path
    is 0700 root)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")
    return path


def _check(command: list[str], what: str) -> None:
    done = subprocess.run(  # noqa: S603 - fixed programs and arguments
        command,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd="/",
        **_as_postgres(),
    )
    if done.returncode != 0:
        pytest.fail(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def query(url: str, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Run one statement (autocommit) and return its rows, if it has any."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


@dataclass
class Cluster:
    """One running PostgreSQL cluster on HOST:port (trust authentication, loopback only)."""

    data: Path
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def url(self, database: str) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _start(data: Path, log: Path, *, bin_dir: Path) -> Cluster:
    port = free_port()
    with log.open("ab") as log_file:
        process = subprocess.Popen(  # noqa: S603 - fixed program, our arguments
            [
                str(bin_dir / "postgres"),
                "-D",
                str(data),
                "-p",
                str(port),
                "-c",
                f"listen_addresses={HOST}",
                "-c",
                f"unix_socket_directories={data.parent}",
                # A throw-away cluster: durability would only slow the test down.
                "-c",
                "fsync=off",
                "-c",
                "max_connections=100",
            ],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd="/",
            **_as_postgres(),
        )
    cluster = Cluster(data=data, port=port, process=process, log=log)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"postgres exited with {process.returncode}:\n{log.read_text()}")
        ready = subprocess.run(  # noqa: S603
            [str(bin_dir / "pg_isready"), "-q", "-h", HOST, "-p", str(port)], check=False
        )
        if ready.returncode == 0:
            return cluster
        if time.monotonic() > deadline:
            cluster.stop()
            pytest.fail(f"postgres did not start:\n{log.read_text()}")
        time.sleep(0.2)


@contextlib.contextmanager
def primary_cluster() -> Iterator[Cluster]:
    """A new cluster (initdb) whose default pg_hba lets 127.0.0.1 replicate with trust."""
    bin_dir = postgres_bin()
    base = _owned_tmp_dir("toandan-pg-")
    data = base / "primary"
    try:
        _check(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
            "initdb",
        )
        cluster = _start(data, base / "primary.log", bin_dir=bin_dir)
        try:
            yield cluster
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def streaming_replica(primary: Cluster) -> Iterator[Cluster]:
    """A hot standby of `primary`: pg_basebackup -R (standby.signal and primary_conninfo)."""
    bin_dir = postgres_bin()
    data = primary.data.parent / f"replica-{free_port()}"
    _check(
        [
            str(bin_dir / "pg_basebackup"),
            "-h",
            HOST,
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(data),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync",
        ],
        "pg_basebackup",
    )
    replica = _start(data, data.parent / f"{data.name}.log", bin_dir=bin_dir)
    try:
        yield replica
    finally:
        replica.stop()
        shutil.rmtree(data, ignore_errors=True)


@contextlib.contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """Redis of its own on a free loopback port, nothing saved; yields its redis:// URL."""
    program = shutil.which("redis-server")
    if not program:
        unavailable("redis-server is not installed")
    port = free_port()
    log = directory / "redis.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603 - fixed program, our arguments
            [
                str(program),
                "--port",
                str(port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(directory),
                "--maxmemory-policy",
                "noeviction",
            ],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_port(port, process, log, "redis-server")
        yield f"redis://{HOST}:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, what: str) -> None:
    import socket

    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}:\n{log.read_text()}")
        with socket.socket() as sock:
            if sock.connect_ex((HOST, port)) == 0:
                return
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not start:\n{log.read_text()}")
        time.sleep(0.1)


NGINX_MAIN = """\
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 512; }}
http {{
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    # The site as deploy/nginx ships it.
    include toandan.conf;
}}
"""


def _self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "toandan.test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass(frozen=True)
class Proxy:
    port: int
    certificate: Path


@contextlib.contextmanager
def nginx(app_ports: list[int]) -> Iterator[Proxy]:
    """Debian's nginx with deploy/nginx/toandan.conf and toandan/proxy.conf as shipped, TLS on a
    free loopback port (a self-signed certificate: TLS is the operator's), in front of the app
    servers on `app_ports`; a non-daemon child with its own pid, log and temp paths."""
    program = "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else shutil.which("nginx")
    if not program:
        unavailable("nginx is not installed")
    # Readable by nginx's worker processes (nobody when the test runs as root).
    prefix = Path(tempfile.mkdtemp(prefix="toandan-nginx-"))
    prefix.chmod(0o755)
    try:
        (prefix / "toandan").mkdir()
        shutil.copy(DEPLOY / "nginx" / "toandan.conf", prefix / "toandan.conf")
        shutil.copy(DEPLOY / "nginx" / "toandan" / "proxy.conf", prefix / "toandan" / "proxy.conf")
        cert, key = _self_signed_certificate(prefix)
        port = free_port()
        (prefix / "toandan" / "listen.conf").write_text(
            f"listen {HOST}:{port} ssl;\nssl_certificate {cert};\nssl_certificate_key {key};\n"
        )
        (prefix / "toandan" / "upstream.conf").write_text(
            "".join(f"server {HOST}:{p} max_fails=1 fail_timeout=2s;\n" for p in app_ports)
        )
        (prefix / "nginx.conf").write_text(NGINX_MAIN.format(prefix=prefix))
        log = prefix / "stdout.log"
        command = [str(program), "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf")]
        command += ["-e", str(prefix / "error.log")]
        with log.open("wb") as log_file:
            process = subprocess.Popen(  # noqa: S603 - fixed program, our arguments
                command, stdout=log_file, stderr=subprocess.STDOUT
            )
        try:
            _wait_for_port(port, process, prefix / "error.log", "nginx")
            yield Proxy(port=port, certificate=cert)
        finally:
            process.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        shutil.rmtree(prefix, ignore_errors=True)
