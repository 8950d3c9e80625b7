"""Tip intake through the JSON API, on the production server, against a minimal endpoint.

`toandan serve` (waitress) runs in a subprocess on a free loopback port against the bench
database, with the benchmark baseline switched on (TOANDAN_BENCH_ENDPOINTS=1) and the intake
rate limits lifted (they would otherwise answer 429 after ten tips). A load generator (CLIENTS
threads, each with one keep-alive connection) sends, in turn:

- the baseline, `POST /api/v1/bench/minimal`: a JSON body validated by a ninja schema and one
  audit event inserted in one transaction (a row plus the chain head update: every tip's
  transaction pays the same lock, and no table exists only for the benchmark);
- the intake, `POST /api/v1/tips`: validation, receipt (Argon2id), encryption, routing,
  register number, audit event and notifications (the bench database has no police officers,
  so the recipients are looked up but no notification row is written: a unit with officers
  adds one INSERT per tip).

Both endpoints get the same clients and the same measured time: ROUNDS rounds, each running
both endpoints for PHASE_SECONDS after a warm-up, in alternating order (baseline first in one
round, intake first in the next), so a burst of noise from the machine or a PostgreSQL
checkpoint falls on both alike instead of on whichever phase ran second. The run is bounded:
about ROUNDS x 2 x PHASE_SECONDS seconds plus the warm-ups.

The whole measurement runs twice, with the rate limits every tip counts in the deployment's
cache (Redis, as deploy/toandan.env.example sets TOANDAN_CACHE_URL; TOANDAN_BENCH_REDIS_URL,
default redis://127.0.0.1:6379/9, emptied first) and in the embedded default (the database
cache). It prints tips per second and p50/p99 latency of both endpoints over all rounds, their
ratio (goal: intake at least 0.6 x the baseline's rate with p99 under 150 ms), the ratio of each
round, and the median cost of hashing one receipt.
"""

from __future__ import annotations

import functools
import http.client
import json
import operator
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.management import call_command

CLIENTS = 4
ROUNDS = 6
PHASE_SECONDS = 2.5  # measured time per endpoint and round
WARMUP = 10  # requests per client before each phase, not counted
START_TIMEOUT = 90.0
HASH_RUNS = 200
HOST = "127.0.0.1"
RATIO_GOAL = 0.6  # issue 17: intake at least 0.6 x the baseline's rate
P99_GOAL_MS = 150.0

# Settings of the server subprocess: the baseline on, the intake limits out of the way.
SERVER_ENV = {
    "TOANDAN_BENCH_ENDPOINTS": "1",
    "TOANDAN_TIP_RATE_PER_CLIENT_HOUR": "1000000",
    "TOANDAN_TIP_RATE_PER_ADDRESS_HOUR": "1000000",
    "TOANDAN_TIP_RATE_TOTAL_HOUR": "1000000",
    "TOANDAN_DEBUG": "0",
    # A production server refuses to start without it; nothing here reads it.
    "TOANDAN_SITE_URL": "http://127.0.0.1",
}


@dataclass(frozen=True)
class LoadResult:
    name: str
    ok: int
    failed: int
    seconds: float
    latencies_ms: list[float]
    first_error: str

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: int) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else float("nan")
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[p - 1]

    def __add__(self, other: LoadResult) -> LoadResult:
        return LoadResult(
            name=self.name,
            ok=self.ok + other.ok,
            failed=self.failed + other.failed,
            seconds=self.seconds + other.seconds,
            latencies_ms=self.latencies_ms + other.latencies_ms,
            first_error=self.first_error or other.first_error,
        )

    def line(self, unit: str) -> str:
        failed = f", {self.failed} failed ({self.first_error})" if self.failed else ""
        return (
            f"{self.name}: {self.rate:.1f} {unit}/s, p50 {self.percentile(50):.1f} ms, "
            f"p99 {self.percentile(99):.1f} ms ({self.ok} in {self.seconds:.1f} s, "
            f"{CLIENTS} clients{failed})"
        )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _start_server(port: int, cache_env: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, **SERVER_ENV, **cache_env}
    server = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
        [sys.executable, "-m", "toandan.cli", "serve", "--host", HOST, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            stderr = server.stderr.read().decode() if server.stderr else ""
            msg = f"the server exited with {server.returncode}:\n{stderr[-2000:]}"
            raise RuntimeError(msg)
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/api/v1/tips/categories")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.kill()
    msg = f"the server did not answer within {START_TIMEOUT:.0f} s"
    raise RuntimeError(msg)


def _stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def _load(
    name: str,
    port: int,
    path: str,
    body_for: Callable[[int, int], dict[str, object]] | None,
    *,
    get_path: Callable[[int, int], str] | None = None,
) -> LoadResult:
    """CLIENTS threads, one keep-alive connection each: WARMUP requests each, then as many as
    they can for PHASE_SECONDS, all starting together. POSTs of `body_for`'s JSON to `path`,
    or with `get_path`, GETs of the paths it makes."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    clock = {"deadline": 0.0, "started": 0.0}

    def go() -> None:
        # Runs once, when every client is warm: the measured phase starts now.
        clock["started"] = time.perf_counter()
        clock["deadline"] = clock["started"] + PHASE_SECONDS

    start_line = threading.Barrier(CLIENTS, action=go)

    def client(index: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        headers = {"Content-Type": "application/json", "Connection": "keep-alive"}

        def post(seq: int) -> tuple[int, float, bytes]:
            if get_path is not None:
                started = time.perf_counter()
                conn.request("GET", get_path(index, seq), headers=headers)
                response = conn.getresponse()
                data = response.read()
                return response.status, (time.perf_counter() - started) * 1000, data
            assert body_for is not None
            payload = json.dumps(body_for(index, seq)).encode()
            started = time.perf_counter()
            conn.request("POST", path, body=payload, headers=headers)
            response = conn.getresponse()
            data = response.read()
            return response.status, (time.perf_counter() - started) * 1000, data

        for seq in range(WARMUP):
            post(-1 - seq)
        start_line.wait()
        mine: list[float] = []
        errors: list[str] = []
        seq = 0
        while time.perf_counter() < clock["deadline"]:
            status, elapsed, data = post(seq)
            seq += 1
            if 200 <= status < 300:
                mine.append(elapsed)
            else:
                errors.append(f"{status} {data[:200]!r}")
        conn.close()
        with lock:
            latencies.extend(mine)
            failures.extend(errors)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Until the last answer: a request sent just before the deadline is counted, so is its time.
    seconds = time.perf_counter() - clock["started"]
    return LoadResult(
        name=name,
        ok=len(latencies),
        failed=len(failures),
        seconds=seconds,
        latencies_ms=latencies,
        first_error=failures[0] if failures else "",
    )


def _receipt_hash_cost() -> str:
    from django.conf import settings

    from toandan.tips.intake.receipts import hash_receipt, receipt_generate

    receipt = receipt_generate()
    hash_receipt(receipt)
    samples = []
    for _ in range(HASH_RUNS):
        started = time.perf_counter()
        hash_receipt(receipt)
        samples.append((time.perf_counter() - started) * 1_000_000)
    memory_kib = settings.TOANDAN_RECEIPT_ARGON2_MEMORY_KIB
    memory = f"{memory_kib // 1024} MiB" if memory_kib % 1024 == 0 else f"{memory_kib} KiB"
    return (
        f"hashing one receipt (Argon2id, time cost {settings.TOANDAN_RECEIPT_ARGON2_TIME_COST}, "
        f"{memory}, then HMAC with the pepper): "
        f"median {statistics.median(samples):,.0f} µs over {HASH_RUNS} runs"
    )


def run() -> list[str]:
    from toandan.tips.models import Category

    call_command("load_geo", verbosity=0)
    category = Category.objects.filter(active=True, asks_victim_request=False).first()
    if category is None:
        return ["no active tip category: the tips data migration has not run"]
    # Hash first (the keyring under TOANDAN_VAR_DIR, made by `keys init`, is the server's too).
    lines = [_receipt_hash_cost()]

    def minimal_body(client: int, seq: int) -> dict[str, object]:
        return {
            "category": category.code,
            "description": f"Tin báo thử {client}-{seq}: nhóm người tụ tập ở cuối ngõ.",
            "province": "01",
        }

    def tip_body(client: int, seq: int) -> dict[str, object]:
        return {
            "category": category.code,
            "description": f"Tin báo thử {client}-{seq}: nhóm người tụ tập ở cuối ngõ.",
            "province": "01",
            "commune": "00070",
            "address": "Cuối ngõ 12 phố Hàng Bạc",
            "occurred_text": "tối hôm qua",
        }

    endpoints = [
        ("baseline POST /api/v1/bench/minimal", "/api/v1/bench/minimal", minimal_body),
        ("intake POST /api/v1/tips", "/api/v1/tips", tip_body),
    ]
    for label, cache_env in _cache_configurations():
        lines.append(f"with {label}:")
        if cache_env is None:
            lines.append("  skipped: Redis does not answer at TOANDAN_BENCH_REDIS_URL")
            continue
        lines += ["  " + line for line in _rounds(endpoints, cache_env)]
    return lines


def _cache_configurations() -> list[tuple[str, dict[str, str] | None]]:
    """The deployment's cache (Redis, as deploy/toandan.env.example sets it) and the embedded
    default (the database): the rate limits every tip counts live there."""
    url = os.environ.get("TOANDAN_BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
    try:
        import redis

        client = redis.Redis.from_url(url)
        client.ping()
        client.flushdb()
        deployment: dict[str, str] | None = {"TOANDAN_CACHE_URL": url}
    except Exception:  # noqa: BLE001 - any failure means no Redis to measure with
        deployment = None
    return [
        (f"the deployment's Redis cache ({url})", deployment),
        ("the embedded default, the database cache", {"TOANDAN_CACHE_URL": ""}),
    ]


def _rounds(
    endpoints: list[tuple[str, str, Callable[[int, int], dict[str, object]]]],
    cache_env: dict[str, str],
) -> list[str]:
    results: dict[str, list[LoadResult]] = {name: [] for name, _path, _body in endpoints}
    port = _free_port()
    server = _start_server(port, cache_env)
    try:
        for round_no in range(ROUNDS):
            # Alternate which endpoint goes first, so neither always follows the other.
            for name, path, body in endpoints if round_no % 2 == 0 else endpoints[::-1]:
                results[name].append(_load(name, port, path, body))
    finally:
        _stop_server(server)
    minimal_runs, intake_runs = (results[name] for name, _path, _body in endpoints)
    minimal = functools.reduce(operator.add, minimal_runs)
    intake = functools.reduce(operator.add, intake_runs)
    lines = [minimal.line("requests"), intake.line("tips")]
    ratio = intake.rate / minimal.rate if minimal.rate else float("nan")
    per_round = ", ".join(
        f"{i.rate / m.rate:.2f}" if m.rate else "nan"
        for m, i in zip(minimal_runs, intake_runs, strict=True)
    )
    lines.append(
        f"intake rate / baseline rate: {ratio:.2f} (rounds: {per_round}); goal: at least "
        f"{RATIO_GOAL:.2f} with p99 under {P99_GOAL_MS:.0f} ms "
        f"({'met' if ratio >= RATIO_GOAL and intake.percentile(99) < P99_GOAL_MS else 'NOT met'})"
    )
    return lines
