"""Rate limits of the public check (page and API) and of appeals: the attack is a script
walking the numbering plan through the check to rebuild the list, or flooding officers with
appeals. Past the limit: 429 and a plain Vietnamese message; nothing of what was asked kept."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from toandan.antifraud import services
from toandan.antifraud.models import Appeal, LookupCount
from toandan.tips.interface.fraud import fraud_tip_identifiers

pytestmark = pytest.mark.django_db

PHONE = "0531 777 888"


@pytest.fixture
def tight(settings: Any) -> Any:
    settings.TOANDAN_FRAUD_CHECK_RATE_PER_DEVICE_MINUTE = 2
    settings.TOANDAN_FRAUD_CHECK_RATE_PER_ADDRESS_MINUTE = 3
    settings.TOANDAN_FRAUD_APPEAL_RATE_PER_DEVICE_HOUR = 1
    settings.TOANDAN_FRAUD_APPEAL_RATE_PER_ADDRESS_HOUR = 10
    return settings


def _browser() -> Client:
    browser = Client()
    browser.get("/fraud/")  # the device cookie
    return browser


def _lookups() -> int:
    services.lookups_flush()
    return sum(LookupCount.objects.values_list("count", flat=True))


def _cache_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM toandan_cache")
        return " ".join(f"{key} {value}" for key, value in cursor.fetchall())


def test_a_script_walking_numbers_through_the_check_page_gets_429(tight: Any) -> None:
    browser = _browser()
    for number in ("0531 777 880", "0531 777 881"):
        assert browser.post("/fraud/", {"q": number}).status_code == 200
    before = _lookups()
    refused = browser.post("/fraud/", {"q": PHONE})
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "quá nhiều lần" in page
    assert "verdict-" not in page  # not checked
    assert _lookups() == before  # not counted either
    # Nothing of what was asked is kept, in the limits or anywhere in the cache.
    assert "777" not in _cache_text()
    # Another browser at the same address still may (per device first), up to the address's.
    other = _browser()
    assert other.post("/fraud/", {"q": PHONE}).status_code == 200
    assert other.post("/fraud/", {"q": PHONE}).status_code == 429


class _Script(Client):
    """A client that keeps no cookie, as a script usually does."""

    def request(self, **request: Any) -> Any:
        self.cookies.clear()
        return super().request(**request)


def test_a_script_walking_numbers_through_the_check_api_gets_429(tight: Any) -> None:
    api = _Script()
    for _attempt in range(2):
        assert api.get("/api/v1/fraud/check", {"q": PHONE}).status_code == 200
    refused = api.get("/api/v1/fraud/check", {"q": PHONE})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "quá nhiều lần" in refused.json()["detail"]
    assert "777" not in _cache_text()


def _listed(fraud_tip: Any, officer: Any) -> None:
    facts = fraud_tip_identifiers(officer, fraud_tip().pk)
    assert facts is not None
    (account,) = [i for i in facts.identifiers if i.kind == "bank_account"]
    services.indicator_report_confirm(actor=officer, tip=facts, identifier=account)
    services.indicator_report_confirm(
        actor=officer,
        tip=fraud_tip_identifiers(officer, fraud_tip().pk),  # type: ignore[arg-type]
        identifier=account,
    )


def test_appeals_flooding_the_officers_get_429(
    tight: Any, fraud_tip: Any, officer_hoan_kiem: Any
) -> None:
    _listed(fraud_tip, officer_hoan_kiem)
    browser = _browser()
    form = {"identifier": "Vietcombank 0011004567890", "statement": "Tài khoản của tôi."}
    assert browser.post("/fraud/appeal/", form).status_code == 302
    form["statement"] = "Lần nữa: tài khoản của tôi."
    refused = browser.post("/fraud/appeal/", form)
    assert refused.status_code == 429
    assert "quá nhiều yêu cầu xem xét lại" in refused.content.decode()
    assert "Lần nữa: tài khoản của tôi." in refused.content.decode()  # nothing typed is lost
    api = _Script()
    body = json.dumps(form)
    assert api.post("/api/v1/fraud/appeals", body, "application/json").status_code == 201
    again = api.post("/api/v1/fraud/appeals", body, "application/json")
    assert again.status_code == 429
    assert again["Retry-After"]
    assert Appeal.objects.count() == 2


@pytest.fixture
def cache_writes(monkeypatch: Any) -> list[int]:
    """The deltas added to the shared cache (`cache.incr`), in order."""
    from django.core.cache import cache

    writes: list[int] = []
    real_incr = cache.incr

    def counting_incr(key: str, delta: int = 1, version: Any = None) -> Any:
        writes.append(delta)
        return real_incr(key, delta, version)

    monkeypatch.setattr(cache, "incr", counting_incr)
    return writes


def test_checks_are_counted_in_batches_yet_the_limit_holds(
    settings: Any, cache_writes: list[int]
) -> None:
    """A check must not cost a cache write each (a transaction with the database cache): the
    process adds its hits in batches of a tenth of the limit, and still refuses the 101st."""
    from toandan.antifraud import limits

    settings.TOANDAN_FRAUD_CHECK_RATE_PER_DEVICE_MINUTE = 100
    settings.TOANDAN_FRAUD_CHECK_RATE_PER_ADDRESS_MINUTE = 1000
    writes = cache_writes
    request = _Script().get("/fraud/").wsgi_request
    waits = [limits.check_wait(request) for _check in range(101)]
    if waits[-1] == 0:  # the minute turned during the loop: one more window, same rule
        waits = [limits.check_wait(request) for _check in range(101)]
    assert waits[:100].count(0) >= 99
    assert waits[-1] > 0
    assert len(writes) <= 2 * (101 // 5 + 2)


def test_a_busy_address_costs_a_cache_write_per_fifty_checks(
    settings: Any, cache_writes: list[int]
) -> None:
    """Behind one address (a union meeting, a carrier's NAT) thousands of checks a minute are
    allowed; counting them must stay far below a cache write per check: batches of up to 50
    hits per process (a tenth of the limit at most, so small limits stay exact)."""
    from toandan.antifraud import limits

    settings.TOANDAN_FRAUD_CHECK_RATE_PER_DEVICE_MINUTE = 10**6
    settings.TOANDAN_FRAUD_CHECK_RATE_PER_ADDRESS_MINUTE = 10**6
    writes = cache_writes
    request = _Script().get("/fraud/").wsgi_request
    assert not any(limits.check_wait(request) for _check in range(1000))
    assert len(writes) <= 2 * (1000 // 50 + 2)


@pytest.mark.parametrize("schedule", ["round_robin", "random", "one_after_another"])
def test_several_processes_allow_at_most_the_documented_excess(
    schedule: str, monkeypatch: Any
) -> None:
    """`limits`: with P processes counting in batches, a client gets at most
    limit + P × (batch − 1) in a window, whatever order its hits reach the processes in."""
    import random
    import secrets
    import time
    import types

    from toandan.antifraud import limits
    from toandan.core import ratelimit

    window = 60
    now = (int(time.time()) // window) * window + 1.0  # early in a window
    monkeypatch.setattr(limits, "time", types.SimpleNamespace(time=lambda: now))
    limit = ratelimit.RateLimit("fraud-check-bound", 100, window)
    batch = max(1, min(limits.BATCH_MAX, limit.limit // 10))
    processes = 3
    # Each process's `_local` and `_window`.
    own: list[tuple[dict[Any, list[int]], dict[str, int]]] = [({}, {}) for _ in range(processes)]
    key = secrets.token_hex(8)
    rng = random.Random(schedule)
    allowed = 0
    for hit in range(1000):
        if schedule == "round_robin":
            process = hit % processes
        elif schedule == "random":
            process = rng.randrange(processes)
        else:
            process = min(hit // 40, processes - 1)
        monkeypatch.setattr(limits, "_local", own[process][0])
        monkeypatch.setattr(limits, "_window", own[process][1])
        allowed += limits._batched_hit(limit, key) == 0
    assert limit.limit <= allowed <= limit.limit + processes * (batch - 1)
