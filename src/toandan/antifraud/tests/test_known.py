"""The check's per-process copies (`toandan.antifraud.known`): no query for identifiers that
have no indicator, one query a while for those checked often, and never a stale answer in
the process that made a change, nor a new indicator missed."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from toandan.antifraud import known, services
from toandan.antifraud.models import Indicator, IndicatorSource, IndicatorStatus
from toandan.antifraud.selectors import verdicts_for
from toandan.identifiers.extract import identify
from toandan.tips.interface.fraud import fraud_tip_identifiers

pytestmark = pytest.mark.django_db

UNREPORTED = "Gọi 0539 111 222 hoặc chuyển vào STK 0000123456789 Vietcombank, vào hotro.example"


def _verified(fraud_tip: Any, officer: Any, verifier: Any) -> Indicator:
    """Confirmed and verified, committed as far as this process can tell (the callbacks a
    commit runs are run: until then no copy keeps rows a rollback could take back)."""
    from django.test import TestCase

    facts = fraud_tip_identifiers(officer, fraud_tip().pk)
    assert facts is not None
    (account,) = [i for i in facts.identifiers if i.kind == "bank_account"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        indicator = services.indicator_report_confirm(
            actor=officer, tip=facts, identifier=account
        ).indicator
        return services.indicator_verify(actor=verifier, indicator=indicator)


def _verdicts(text: str) -> list[str]:
    return [verdict.verdict for verdict in verdicts_for(identify(text))]


def _queries(text: str) -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as queries:
        verdicts = _verdicts(text)
    return verdicts, len(queries)


@pytest.fixture
def slow_refresh(settings: Any) -> Any:
    settings.TOANDAN_FRAUD_KNOWN_REFRESH_SECONDS = 3600
    settings.TOANDAN_FRAUD_VERDICT_CACHE_SECONDS = 3600
    return settings


def test_unreported_identifiers_cost_no_query_once_the_keys_are_read(
    slow_refresh: Any, fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    _verdicts(UNREPORTED)  # the first check reads the keys
    verdicts, queries = _queries(UNREPORTED)
    assert verdicts == ["no_information"] * 3
    assert queries == 0


def test_a_listed_identifier_checked_again_is_answered_from_memory(
    slow_refresh: Any, fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    text = "STK 0011004567890 Vietcombank"
    assert _queries(text)[0] == ["verified"]
    assert _queries(text) == (["verified"], 0)


def test_a_delisting_shows_at_once_in_the_process_that_made_it(
    slow_refresh: Any,
    fraud_tip: Any,
    officer_hoan_kiem: Any,
    officer2_hoan_kiem: Any,
    leader_hanoi: Any,
) -> None:
    indicator = _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    text = "STK 0011004567890 Vietcombank"
    assert _verdicts(text) == ["verified"]
    assert _queries(text) == (["verified"], 0)
    services.indicator_decide(
        actor=leader_hanoi, indicator=indicator, action="delist", reason="Chủ tài khoản chứng minh"
    )
    assert _verdicts(text) == ["no_information"]


def test_a_change_made_elsewhere_shows_within_the_cache_age(
    settings: Any,
    fraud_tip: Any,
    officer_hoan_kiem: Any,
    officer2_hoan_kiem: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another app server's delisting sends no signal here: the rows kept are trusted for
    TOANDAN_FRAUD_VERDICT_CACHE_SECONDS, not longer."""
    from toandan.core import process_cache

    settings.TOANDAN_FRAUD_VERDICT_CACHE_SECONDS = 5
    clock = [1000.0]
    monkeypatch.setattr(process_cache, "_clock", lambda: clock[0])
    indicator = _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    text = "STK 0011004567890 Vietcombank"
    assert _verdicts(text) == ["verified"]
    Indicator.objects.filter(pk=indicator.pk).update(status=IndicatorStatus.DELISTED)
    clock[0] += 4
    assert _verdicts(text) == ["verified"]
    clock[0] += 2
    assert _verdicts(text) == ["no_information"]


def test_a_new_indicator_is_found_at_the_next_check(
    slow_refresh: Any, fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    """Created through the service: this process reads its key at the next check."""
    assert _verdicts("STK 0011004567890 Vietcombank") == ["no_information"]
    _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    assert _verdicts("STK 0011004567890 Vietcombank") == ["verified"]


def test_rows_written_around_the_services_are_read_at_the_refresh(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bulk_create sends no signal (nor does another app server's insert): the keys of rows
    with a higher id are read every TOANDAN_FRAUD_KNOWN_REFRESH_SECONDS."""
    clock = [1000.0]
    monkeypatch.setattr(known.known_keys, "_clock", lambda: clock[0])
    settings.TOANDAN_FRAUD_KNOWN_REFRESH_SECONDS = 1
    text = "Gọi 0539 222 333"
    assert _verdicts(text) == ["no_information"]
    now = timezone.now()
    Indicator.objects.bulk_create(
        [
            Indicator(
                kind="phone", value="+84539222333", display="0539 222 333",
                status=IndicatorStatus.VERIFIED, source=IndicatorSource.IMPORTED,
                source_name="Ngân hàng A (hư cấu)", first_seen=now, last_seen=now,
                verified_at=now,
            )
        ]
    )  # fmt: skip
    assert _verdicts(text) == ["no_information"]  # within the interval
    clock[0] += 1.5
    assert _verdicts(text) == ["verified"]


def test_the_keys_answer_exactly_for_every_row(settings: Any) -> None:
    """Every key with a row is found (any status), and keys without one are not."""
    rng = random.Random(7)
    now = timezone.now()
    values = [f"+8453{rng.randrange(10**7):07d}" for _ in range(300)]
    stored, absent = values[:200], values[200:]
    Indicator.objects.bulk_create(
        [
            Indicator(
                kind="phone", value=value, display=value,
                status=rng.choice(list(IndicatorStatus.values)), source=IndicatorSource.POLICE,
                first_seen=now, last_seen=now,
            )
            for value in stored
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    known.known_keys.forget()
    answer = known.known_keys.may_exist([("phone", v) for v in values])
    assert answer is not None
    assert all(answer[("phone", v)] for v in stored)
    assert not any(answer[("phone", v)] for v in absent if v not in stored)


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="the in-memory SQLite test database locks the table a test wrote against other "
    "connections; an installation's SQLite file in WAL mode does not",
)
def test_a_large_table_is_read_in_the_background_while_checks_query(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above INLINE_BUILD_MAX rows, no check waits for the keys: until they are read, each
    check queries as before, with the same answers."""
    import threading

    _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    known.known_keys.forget()
    monkeypatch.setattr(known, "INLINE_BUILD_MAX", 0)
    started: list[threading.Thread] = []
    real_start = threading.Thread.start

    def start(thread: threading.Thread) -> None:
        started.append(thread)
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    assert _verdicts("STK 0011004567890 Vietcombank, gọi 0539 111 222") == [
        "verified",
        "no_information",
    ]
    assert len(started) == 1
    started[0].join(timeout=30)
    assert known.known_keys.ready
    # The thread's own connection cannot see this test's uncommitted rows; the next refresh
    # (ids above the last read) does, as it does for rows committed during a build.
    known.known_keys.mark_stale()
    assert _verdicts("STK 0011004567890 Vietcombank, gọi 0539 111 222") == [
        "verified",
        "no_information",
    ]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_creating_an_indicator_takes_the_ordering_lock(
    fraud_tip: Any, officer_hoan_kiem: Any
) -> None:
    """Creators take turns until commit, so ids become visible in order and the refresh (ids
    above the last read) misses none."""
    facts = fraud_tip_identifiers(officer_hoan_kiem, fraud_tip().pk)
    assert facts is not None
    services.indicator_report_confirm(
        actor=officer_hoan_kiem, tip=facts, identifier=facts.identifiers[0]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            " AND objid = %s",
            [known.NEW_INDICATOR_LOCK],
        )
        (held,) = cursor.fetchone()
    assert held == 1


def _phone_row(value: str) -> Indicator:
    now = timezone.now()
    return Indicator.objects.create(
        kind="phone", value=value, display=value, status=IndicatorStatus.VERIFIED,
        source=IndicatorSource.IMPORTED, source_name="Ngân hàng A (hư cấu)",
        first_seen=now, last_seen=now, verified_at=now,
    )  # fmt: skip


def test_keys_merged_while_a_rebuild_reads_are_kept(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hourly rebuild reads the rows up to the highest id it saw first; a refresh that
    meanwhile reads a newer row and merges its key into the sorted array must not lose it
    when the rebuild puts its own array in place (a listed number would answer "no
    information" until the next rebuild, an hour later)."""
    settings.TOANDAN_FRAUD_KNOWN_REFRESH_SECONDS = 3600
    settings.TOANDAN_FRAUD_KNOWN_REBUILD_SECONDS = 3600
    keys = known.KnownKeys()
    _phone_row("+84539000001")
    keys.build()
    monkeypatch.setattr(known, "RECENT_MERGE_AT", 1)
    from array import array as real_array

    added: list[Indicator] = []

    def array_during_rebuild(typecode: str) -> Any:
        # Called by `build` once it has read the highest id, before it reads the rows.
        if not added:
            added.append(_phone_row("+84539000002"))
            assert keys.refresh() == 1  # read and merged (RECENT_MERGE_AT) meanwhile
        return real_array(typecode)

    monkeypatch.setattr(known, "array", array_during_rebuild)
    keys.build()
    answer = keys.may_exist([("phone", "+84539000001"), ("phone", "+84539000002")])
    assert answer == {("phone", "+84539000001"): True, ("phone", "+84539000002"): True}


@pytest.mark.skipif("connection.vendor != 'postgresql'")  # see the background-build test
def test_a_new_indicator_is_read_after_its_commit_though_a_check_refreshed_meanwhile(
    slow_refresh: Any, fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    """A save marks the keys stale before its transaction commits; a check in another thread
    between the save and the commit refreshes without seeing the row, and the officer who
    confirmed must still find it at once after the commit (not a refresh interval later)."""
    import threading

    from django.db import connections
    from django.test import TestCase

    text = "STK 0011004567890 Vietcombank"
    assert _verdicts(text) == ["no_information"]  # the keys are read
    facts = fraud_tip_identifiers(officer_hoan_kiem, fraud_tip().pk)
    assert facts is not None
    (account,) = [i for i in facts.identifiers if i.kind == "bank_account"]

    def check_elsewhere() -> None:
        try:
            _verdicts("Gọi 0539 111 222")  # its refresh cannot see the uncommitted row
        finally:
            connections.close_all()

    with TestCase.captureOnCommitCallbacks(execute=True):
        indicator = services.indicator_report_confirm(
            actor=officer_hoan_kiem, tip=facts, identifier=account
        ).indicator
        services.indicator_verify(actor=officer2_hoan_kiem, indicator=indicator)
        thread = threading.Thread(target=check_elsewhere)
        thread.start()
        thread.join(timeout=30)
    assert _verdicts(text) == ["verified"]


def test_a_refresh_running_when_the_keys_are_marked_stale_does_not_clear_the_mark(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit marks the keys stale while another thread's refresh is reading (its snapshot
    taken before the commit): that refresh must not count as the one after the commit, else
    the new key is read only a refresh interval later."""
    settings.TOANDAN_FRAUD_KNOWN_REFRESH_SECONDS = 3600
    settings.TOANDAN_FRAUD_KNOWN_REBUILD_SECONDS = 3600
    keys = known.KnownKeys()
    _phone_row("+84539000001")
    keys.build()
    real_sql = known._after_sql

    def sql_while_a_commit_marks() -> str:
        keys.mark_stale()  # the commit of a new row, after this read's snapshot
        return real_sql()

    monkeypatch.setattr(known, "_after_sql", sql_while_a_commit_marks)
    assert keys.refresh() == 0
    monkeypatch.setattr(known, "_after_sql", real_sql)
    _phone_row("+84539000002")  # the row that read did not see
    assert keys.may_exist([("phone", "+84539000002")]) == {("phone", "+84539000002"): True}


def test_a_rebuild_running_when_the_keys_are_marked_stale_does_not_clear_the_mark(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As for a refresh: the rebuild read the rows up to the id it saw first."""
    settings.TOANDAN_FRAUD_KNOWN_REFRESH_SECONDS = 3600
    settings.TOANDAN_FRAUD_KNOWN_REBUILD_SECONDS = 3600
    keys = known.KnownKeys()
    _phone_row("+84539000001")
    keys.build()
    from array import array as real_array

    def array_while_a_commit_marks(typecode: str) -> Any:
        keys.mark_stale()  # called by `build` once it has read the highest id
        return real_array(typecode)

    monkeypatch.setattr(known, "array", array_while_a_commit_marks)
    keys.build()
    monkeypatch.setattr(known, "array", real_array)
    _phone_row("+84539000002")  # the row that rebuild did not see
    assert keys.may_exist([("phone", "+84539000002")]) == {("phone", "+84539000002"): True}


def test_fingerprints_beyond_either_end_of_the_sorted_keys_are_absent(slow_refresh: Any) -> None:
    """One searchsorted answers every key of a check: a fingerprint below the first or above
    the last sorted key is absent, the first and the last are present."""
    import numpy as np

    stored = [("phone", f"+8453{i:07d}") for i in range(64)]
    marks = sorted(known.fingerprint(*key) for key in stored)
    keys = known.KnownKeys(clock=lambda: 0.0)
    keys._sorted = np.array(marks, dtype=np.int64)
    keys._ready, keys._refreshed_at, keys._built_at = True, 0.0, 0.0
    candidates = (("phone", f"+8454{i:07d}") for i in range(100_000))
    below = next(k for k in candidates if known.fingerprint(*k) < marks[0])
    above = next(k for k in candidates if known.fingerprint(*k) > marks[-1])
    by_mark = {known.fingerprint(*key): key for key in stored}
    first, last = by_mark[marks[0]], by_mark[marks[-1]]

    answer = keys.may_exist([below, first, above, last, *stored])

    assert answer == {below: False, above: False, **dict.fromkeys(stored, True)}
    assert keys.may_exist([]) == {}
