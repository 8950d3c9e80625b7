"""What happens to a tip reaches other apps as named events (`toandan.tips.events`): once per
change, in the transaction that makes it, with the tip's facts and never its content."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from toandan.core.events import Event, subscribe, subscribers, unsubscribe
from toandan.tips.events import (
    TIP_CHANGED,
    TIP_CONCLUDED,
    TIP_MARKED_VALUABLE,
    TIP_MERGED,
    TIP_OUTCOME_CORRECTED,
    TIP_PURGED,
    TIP_RECEIVED,
    TipChange,
    TipsPurged,
)
from toandan.tips.handling.timeline import DEFAULT_DEADLINES, FACT_FIELDS
from toandan.tips.models import Tip
from toandan.tips.services import tips_purge_expired
from toandan.tips.tests.handling.test_timeline import (
    CONCLUDE_VALUABLE,
    NOT_VALUABLE,
    REASON,
    A,
    People,
    act,
    receive,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _law_defaults(settings: Any) -> None:
    settings.TOANDAN_TIP_DEADLINES = dict(DEFAULT_DEADLINES)


@pytest.fixture
def people(officer_hoan_kiem, officer_ba_dinh, leader_hanoi, cadre_hoan_kiem) -> People:
    return People(officer_hoan_kiem, officer_ba_dinh, leader_hanoi, cadre_hoan_kiem)


NAMED = [TIP_RECEIVED, TIP_CONCLUDED, TIP_OUTCOME_CORRECTED, TIP_MARKED_VALUABLE, TIP_MERGED]


@pytest.fixture
def heard() -> Iterator[list[tuple[str, Any]]]:
    """(event name, payload) of every tips event, as an in-transaction subscriber hears them."""
    seen: list[tuple[str, Any]] = []
    handlers: list[tuple[Event, Any]] = []
    for event in [TIP_CHANGED, *NAMED, TIP_PURGED]:

        def handler(payload: Any, name: str = event.name) -> None:
            seen.append((name, payload))

        subscribe(event, handler, when="in_transaction")
        handlers.append((event, handler))
    yield seen
    for event, handler in handlers:
        unsubscribe(event, handler)


def names(heard: list[tuple[str, Any]]) -> list[str]:
    return [name for name, _payload in heard]


def test_statistics_and_unit_counts_subscribe_to_every_change_in_the_transaction():
    who = {(h.__qualname__, when) for h, when in subscribers(TIP_CHANGED)}

    assert ("_summary_on_tip_change", "in_transaction") in who
    assert ("_unit_counts_on_tip_change", "in_transaction") in who


def test_a_received_tip_is_one_change_and_one_received_event_with_its_facts_only(heard):
    tip = receive()

    assert names(heard) == ["tips.changed", "tips.received"]
    change = heard[1][1]
    assert isinstance(change, TipChange)
    assert change.before is None
    assert change.after is not None
    assert set(change.after) == set(FACT_FIELDS)  # no description, place text or contact
    assert change.after["id"] == tip.pk


def test_a_decision_on_a_valuable_tip_is_concluded_and_marked_valuable(people: People, heard):
    tip = act(people.hoan_kiem, receive(), A.TAKE)
    heard.clear()

    act(people.hoan_kiem, tip, A.PROSECUTE, **CONCLUDE_VALUABLE)

    assert names(heard) == ["tips.changed", "tips.concluded", "tips.marked_valuable"]
    assert heard[1][1].action == A.PROSECUTE


def test_a_correction_that_finds_the_tip_valuable_is_both(people: People, heard):
    tip = act(people.hoan_kiem, receive(), A.TAKE)
    tip = act(people.hoan_kiem, tip, A.NOT_PROSECUTE, reason=REASON, **NOT_VALUABLE)
    heard.clear()

    act(people.hoan_kiem, tip, A.CORRECT_OUTCOME, reason=REASON, **CONCLUDE_VALUABLE)

    assert names(heard) == ["tips.changed", "tips.outcome_corrected", "tips.marked_valuable"]


def test_a_merge_is_merged_and_nothing_else(people: People, heard):
    survivor = receive()
    tip = receive()
    heard.clear()

    act(people.hoan_kiem, tip, A.MERGE, merge_into=survivor)

    assert names(heard) == ["tips.changed", "tips.merged"]


def test_a_plain_step_is_only_a_change(people: People, heard):
    tip = receive()
    heard.clear()

    act(people.hoan_kiem, tip, A.TAKE)

    assert names(heard) == ["tips.changed"]


def test_the_retention_purge_is_purged_and_no_change_for_statistics(heard):
    tip = receive()
    Tip.objects.filter(pk=tip.pk).update(retention_until=dt.date(2026, 1, 1))
    heard.clear()

    assert tips_purge_expired(today=dt.date(2026, 1, 2)) == 1

    assert names(heard) == ["tips.purged"]
    assert heard[0][1] == TipsPurged(tip_ids=(tip.pk,), today=dt.date(2026, 1, 2))


def test_a_subscriber_that_fails_in_the_transaction_rolls_the_step_back(people: People):
    tip = receive()

    def broken(change: TipChange) -> None:
        msg = "anti-fraud store down"
        raise RuntimeError(msg)

    subscribe(TIP_CHANGED, broken, when="in_transaction")
    try:
        with pytest.raises(RuntimeError):
            act(people.hoan_kiem, tip, A.TAKE)
    finally:
        unsubscribe(TIP_CHANGED, broken)

    assert Tip.objects.get(pk=tip.pk).status == "received"
