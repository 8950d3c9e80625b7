"""Schema-driven fuzzing of the JSON API: whatever a client sends, no answer is a 5xx.

Schemathesis reads /api/v1/openapi.json and, for every operation, sends requests built from the
schema (valid ones and ones that break it: huge numbers, odd strings, wrong types) to the WSGI
application in this process, on the test database, with a police leader's token (so the
operations behind authentication are reached too). Bounded so that `make test` stays quick: a
fixed number of examples per operation, a generous deadline per request, and a fixed seed
(`derandomize`: the same requests every run, so a failure reproduces).

Schemathesis's own pytest plugin is not used: its `parametrize` does not run under pytest 9.

Open311 (`/open311/v2/`) is not part of this schema and is not fuzzed here.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from toandan.accounts.services import api_token_create
from toandan.accounts.tests.factories import make_user

# Per operation and mode (about 40 runs in all, a few minutes). Raise it locally to search
# harder; the seed is fixed, so a failure names a request that fails again.
EXAMPLES = 25
SCHEMA_PATH = "/api/v1/openapi.json"


@functools.cache
def api_schema() -> Any:
    # Loaded once, when the tests are collected: the schema needs no database. The handler is
    # made here rather than imported from toandan.wsgi, whose production start-up checks (the
    # site's address) are not the API's to fuzz.
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi(SCHEMA_PATH, get_wsgi_application())


def fuzz_runs() -> list[tuple[str, GenerationMode]]:
    """Every operation with valid input, and those that take input with invalid input too."""
    runs = []
    for result in api_schema().get_all_operations():
        operation = result.ok()
        runs.append((operation.label, GenerationMode.POSITIVE))
        raw = operation.definition.raw
        if raw.get("parameters") or "requestBody" in raw:
            runs.append((operation.label, GenerationMode.NEGATIVE))
    return sorted(runs)


@pytest.fixture
def bearer_headers(db: None, settings: Any) -> Iterator[dict[str, str]]:
    """A province police leader's token: most operations need one to get past 401."""
    # Django closes the connection when a request ends, and the test's transaction with it
    # (PostgreSQL): Django's test client turns that off while it calls the application, and so
    # does this test, which calls the WSGI application itself.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    # Intake would answer 429 after a few tips from one client and hide what follows.
    settings.TOANDAN_TIP_RATE_PER_CLIENT_HOUR = 1_000_000
    settings.TOANDAN_TIP_RATE_TOTAL_HOUR = 1_000_000
    # Receipts are hashed at production cost otherwise: seconds per tip sent.
    settings.TOANDAN_RECEIPT_ARGON2_TIME_COST = 1
    settings.TOANDAN_RECEIPT_ARGON2_MEMORY_KIB = 64
    leader = make_user("ca.hanoi.fuzz", "police_leader", "CA-01")
    _token, raw = api_token_create(actor=None, user=leader, name="fuzz")
    yield {"Authorization": f"Bearer {raw}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize(("label", "mode"), fuzz_runs())
def test_no_request_makes_the_api_answer_a_server_error(
    label: str, mode: GenerationMode, bearer_headers: dict[str, str]
) -> None:
    operation = api_schema().find_operation_by_label(label)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        # Far above any answer's time here: only a pathological slowness fails.
        deadline=dt.timedelta(seconds=10),
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answer_is_not_a_server_error(case: Any) -> None:
        response = case.call(headers={**(case.headers or {}), **bearer_headers})
        assert response.status_code < 500, (
            f"{response.status_code} for {case.as_curl_command()}\n{response.text[:2000]}"
        )

    answer_is_not_a_server_error()
