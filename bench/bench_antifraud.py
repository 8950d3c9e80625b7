"""Anti-fraud: the public check and the hash-prefix range at scale, against a bare endpoint of
the same app in the same run; identifier extraction recall on the labelled messages.

Indicators are loaded in bulk by SQL (INSERT … SELECT over a generated series: phone
indicators with distinct values and uniformly distributed digests, verified), then a few
hundred through the services' hashing so the check and the range find real entries. The size
is TOANDAN_BENCH_FRAUD_INDICATORS (default 10,000,000; loading takes minutes on PostgreSQL,
longer on SQLite: give a smaller size where the time is short and say so).

The check is measured twice: with the listed number of each message drawn from 300 (numbers
many people check while a campaign runs: their rows are kept a few seconds per process) and
drawn from the whole bulk (its check queries the database). Each process first reads the
indicators' keys (`antifraud.known`, in the background at this size); the bench waits for
that and prints how long it took. The baseline gets the same query string as a check.

Requests go twice: through Django's test client (the whole middleware stack, routing and ninja
schemas, in process, one at a time), and through the production server (`toandan serve`, HTTP,
4 clients with keep-alive connections, rounds alternating the endpoints, as the intake bench
does: what a client sees, the server's own costs included): `GET /api/v1/fraud/check?q=…`
with a pasted message of three identifiers (one listed, two not),
`GET /api/v1/fraud/range/<prefix>` and the baseline `GET /api/v1/fraud/bench/bare` (same router
and schema, no work). The served part runs twice: with the check's rate limits counted in the
deployment's cache (Redis, TOANDAN_BENCH_REDIS_URL as the intake bench) and in the embedded
default (the database cache). Goal: check and range at
≥ 0.8 × the baseline's rate, p99 < 50 ms.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

REQUESTS = 400
WARMUP = 30
SIZE = int(os.environ.get("TOANDAN_BENCH_FRAUD_INDICATORS", "10000000"))
REAL = 300
BASE = 500_000_000  # fictional 050x numbers: +84 50 0000000 …


def _load(size: int) -> float:
    """The bulk rows; none again when a kept database (TOANDAN_BENCH_SCRATCH=0) has them."""
    from toandan.antifraud.models import Indicator

    start = time.perf_counter()
    if (
        Indicator.objects.filter(
            kind="phone", value__gt="+84500000000", value__lte=f"+84{BASE + size}"
        ).count()
        >= size
    ):
        return 0.0
    now = timezone.now().isoformat()
    columns = (
        "kind, value, display, digest, status, source, source_name, report_count, loss_vnd, "
        "first_seen, last_seen, verified_at, verified_level, created_at, unkeyed_reports, "
        "digest_previous"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO antifraud_indicator ({columns}) "
                "SELECT 'phone', '+84' || (%s + i)::text, '0' || (%s + i)::text, "
                "md5(i::text) || md5((i * 7 + 1)::text), 'verified', 'police', '', 3, 0, "
                "%s, %s, %s, 'province', %s, 0, '' FROM generate_series(1, %s) AS i",
                [BASE, BASE, now, now, now, now, size],
            )
        else:
            cursor.execute(
                "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %s) "
                f"INSERT INTO antifraud_indicator ({columns}) "
                "SELECT 'phone', '+84' || (%s + i), '0' || (%s + i), "
                "lower(hex(randomblob(32))), 'verified', 'police', '', 3, 0, %s, %s, %s, "
                "'province', %s, 0, '' FROM s",
                [size, BASE, BASE, now, now, now, now],
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE antifraud_indicator")
    return time.perf_counter() - start


def _real_indicators() -> list[str]:
    """A few hundred indicators written with the real digest, in 054x (fictional)."""
    from toandan.antifraud.hashing import digest_of
    from toandan.antifraud.models import Indicator, IndicatorSource, IndicatorStatus

    now = timezone.now()
    rows = []
    for i in range(REAL):
        value = f"+84540{i:06d}"
        rows.append(
            Indicator(
                kind="phone",
                value=value,
                display="0" + value[3:],
                digest=digest_of("phone", value),
                status=IndicatorStatus.VERIFIED,
                source=IndicatorSource.POLICE,
                report_count=3,
                first_seen=now,
                last_seen=now,
                verified_at=now,
            )
        )
    Indicator.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return [row.display for row in rows]


def _timed(client: Client, paths: list[str]) -> list[float]:
    samples = []
    for path in paths:
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            msg = f"{path} answered {response.status_code}"
            raise RuntimeError(msg)
    return samples


def _p99(samples: list[float]) -> float:
    return sorted(samples)[max(0, int(len(samples) * 0.99) - 1)]


def _line(name: str, samples: list[float], baseline: list[float]) -> str:
    rate = 1000 / statistics.mean(samples)
    base_rate = 1000 / statistics.mean(baseline)
    return (
        f"{name}: {rate:.0f} req/s, p50 {statistics.median(samples):.2f} ms, "
        f"p99 {_p99(samples):.2f} ms; {rate / base_rate:.2f}x the bare endpoint's rate "
        "(goal >= 0.8x, p99 < 50 ms)"
    )


def _interleaved(client: Client, makers: dict[str, Callable[[int], str]]) -> dict[str, list[float]]:
    """Each endpoint in turn, request by request, so machine noise falls on all alike."""
    for make in makers.values():
        _timed(client, [make(i) for i in range(WARMUP)])
    samples: dict[str, list[float]] = {name: [] for name in makers}
    for i in range(REQUESTS):
        for name, make in makers.items():
            samples[name] += _timed(client, [make(i)])
    return samples


def _recall_line() -> str:
    from toandan.identifiers.tests.test_recall import recall

    start = time.perf_counter()
    value, expected, _misses = recall()
    seconds = time.perf_counter() - start
    return (
        f"extraction recall on 500 labelled messages: {value:.4f} ({expected} identifiers; "
        f"{seconds * 1000 / 500:.2f} ms per message; goal >= 0.95)"
    )


def _message(rng: random.Random, listed: str, seq: int) -> str:
    return (
        f"Goi {listed} hoac chuyen vao STK 0000{rng.randrange(10**8):08d} "
        f"Vietcombank, vao trang hotro{seq}.example"
    )


def _cold(rng: random.Random) -> str:
    """A listed number drawn from the whole bulk: the rows kept of numbers checked lately
    (`antifraud.known.recent_rows`) almost never hold it, so its check queries."""
    return f"0{BASE + rng.randrange(1, SIZE + 1)}"


def _check_path(text: str) -> str:
    return "/api/v1/fraud/check?" + f"q={text.replace(' ', '+')}"


def _bare_path(text: str) -> str:
    """The baseline gets the same query string as a check (the same bytes to read and parse):
    the difference is the check's work only."""
    return "/api/v1/fraud/bench/bare?" + f"q={text.replace(' ', '+')}"


def _wait_known(ready: Callable[[], bool]) -> float:
    start = time.perf_counter()
    deadline = start + KNOWN_TIMEOUT
    while not ready():
        if time.perf_counter() > deadline:
            msg = f"the indicators' keys were not read within {KNOWN_TIMEOUT} s"
            raise RuntimeError(msg)
        time.sleep(0.5)
    return time.perf_counter() - start


KNOWN_TIMEOUT = 900


def run() -> list[str]:
    settings.TOANDAN_BENCH_ENDPOINTS = True
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # One client asks thousands of times: the check's rate limits stay on (their counting is
    # part of a check's cost) with allowances it cannot reach.
    settings.TOANDAN_FRAUD_CHECK_RATE_PER_DEVICE_MINUTE = 10**9
    settings.TOANDAN_FRAUD_CHECK_RATE_PER_ADDRESS_MINUTE = 10**9
    cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    lines = [_recall_line(), f"cache (rate limits): {cache_backend}"]
    seconds = _load(SIZE)
    listed = _real_indicators()
    from toandan.antifraud.known import known_keys
    from toandan.antifraud.models import Indicator

    total = Indicator.objects.count()
    lines.append(f"indicators loaded: {total:,} ({seconds:.0f} s for the bulk {SIZE:,})")

    def ready() -> bool:
        known_keys.may_exist([])
        return known_keys.ready

    waited = _wait_known(ready)
    lines.append(f"keys read in process: {known_keys.size:,} in {waited:.1f} s")
    rng = random.Random(15)
    client = Client()
    texts = {i: _message(rng, rng.choice(listed), i) for i in range(REQUESTS + WARMUP)}

    makers = {
        "bare": lambda i: _bare_path(texts[i]),
        "hot": lambda i: _check_path(texts[i]),
        "cold": lambda i: _check_path(_message(rng, _cold(rng), i)),
        "range": lambda i: f"/api/v1/fraud/range/{rng.randrange(16**5):05x}",
    }
    samples = _interleaved(client, makers)
    lines.append("in process (Django's test client, one request at a time):")
    lines.append(
        f"  bare endpoint (same query string): {1000 / statistics.mean(samples['bare']):.0f} "
        f"req/s, p50 {statistics.median(samples['bare']):.2f} ms, "
        f"p99 {_p99(samples['bare']):.2f} ms"
    )
    for name, label in LABELS.items():
        lines.append("  " + _line(label, samples[name], samples["bare"]))
    # The rate limits a check counts live in the cache: the deployment's Redis, then the
    # embedded default (the database), as the intake bench measures them.
    from bench import bench_intake

    for label, cache_env in bench_intake._cache_configurations():
        if cache_env is None:
            lines.append(f"through `toandan serve`, {label}: skipped, Redis does not answer")
            continue
        lines += _served(listed, label, cache_env)
    return lines


LABELS = {
    "hot": "check, listed number among 300 checked often (3 identifiers)",
    "cold": "check, listed number drawn from all (3 identifiers)",
    "range": "hash-prefix range (padded to 64)",
}


def _served(listed: list[str], cache: str, cache_env: dict[str, str]) -> list[str]:
    """The same endpoints through `toandan serve`, CLIENTS clients, ROUNDS rounds."""
    import functools
    import json
    import operator

    from bench import bench_intake as served

    def text(client: int, seq: int) -> str:
        rng = random.Random(client * 1_000_003 + seq)
        return _message(rng, rng.choice(listed), seq)

    def cold(client: int, seq: int) -> str:
        rng = random.Random(client * 999_983 + seq)
        return _check_path(_message(rng, _cold(rng), seq))

    def prefix(client: int, seq: int) -> str:
        return f"/api/v1/fraud/range/{random.Random(client * 7919 + seq).randrange(16**5):05x}"

    endpoints = {
        "bare": lambda client, seq: _bare_path(text(client, seq)),
        "hot": lambda client, seq: _check_path(text(client, seq)),
        "cold": cold,
        "range": prefix,
    }
    results: dict[str, list[Any]] = {name: [] for name in endpoints}
    port = served._free_port()
    server = served._start_server(port, {**SERVED_ENV, **cache_env})
    try:

        def ready() -> bool:
            import http.client

            conn = http.client.HTTPConnection(served.HOST, port, timeout=10)
            conn.request("GET", "/api/v1/fraud/bench/known")
            body = json.loads(conn.getresponse().read())
            conn.close()
            return bool(body["ready"])

        waited = _wait_known(ready)
        for round_no in range(served.ROUNDS):
            names = list(endpoints) if round_no % 2 == 0 else list(endpoints)[::-1]
            for name in names:
                # Each round's messages are new ones (the load generator numbers requests from
                # 0 in every phase): a link seen in an earlier round would be answered from
                # the per-host memos, which a real stream of new scam links mostly misses.
                path = functools.partial(_in_round, endpoints[name], round_no)
                results[name].append(served._load(name, port, "", None, get_path=path))
    finally:
        served._stop_server(server)
    total = {name: functools.reduce(operator.add, runs) for name, runs in results.items()}
    base = total["bare"]
    heading = (
        f"through `toandan serve`, rate limits in {cache} ({served.CLIENTS} clients, HTTP "
        f"keep-alive; keys read in {waited:.1f} s):"
    )
    lines = [heading]
    lines.append("  " + base.line("requests") + " (bare, same query string)")
    for name, label in LABELS.items():
        result = total[name]
        ratio = result.rate / base.rate if base.rate else float("nan")
        lines.append(
            f"  {result.line('requests')}; {label}: {ratio:.2f}x the bare endpoint's rate "
            f"(goal >= 0.8x, p99 < 50 ms)"
        )
    return lines


def _in_round(make: Callable[[int, int], str], round_no: int, client: int, seq: int) -> str:
    return make(client, round_no * 1_000_000 + seq)


# The check's own rate limits out of the way (they count every request of the four clients).
SERVED_ENV = {
    "TOANDAN_FRAUD_CHECK_RATE_PER_DEVICE_MINUTE": "100000000",
    "TOANDAN_FRAUD_CHECK_RATE_PER_ADDRESS_MINUTE": "100000000",
}
