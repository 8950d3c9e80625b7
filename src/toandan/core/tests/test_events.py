"""Domain events: subscribers in the transaction commit or roll back with the change, those on
commit run only once it committed, and the statements of all of them run together."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from toandan.core.events import (
    Handler,
    When,
    event_define,
    events,
    publish,
    subscribe,
    subscribers,
    unsubscribe,
)

pytestmark = pytest.mark.django_db

HAPPENED = event_define("testapp.happened", "Something happened in a test.", payload="a name")


class AbortError(Exception):
    pass


def insert_group(name: str) -> tuple[str, list[Any]]:
    return ("INSERT INTO auth_group (name) VALUES (%s)", [name])


@pytest.fixture
def subscribed() -> Iterator[Callable[[Handler, When], None]]:
    added: list[Handler] = []

    def add(handler: Handler, when: When) -> None:
        added.append(handler)
        subscribe(HAPPENED, handler, when=when)

    yield add
    for handler in added:
        unsubscribe(HAPPENED, handler)


def test_subscribers_in_the_transaction_roll_back_with_the_change(subscribed):
    subscribed(lambda name: [insert_group(f"{name}-1")], "in_transaction")

    written: list[bool] = []

    def publish_then_fail() -> None:
        with transaction.atomic():
            publish(HAPPENED, "rolled-back")
            written.append(Group.objects.filter(name="rolled-back-1").exists())
            raise AbortError

    with pytest.raises(AbortError):
        publish_then_fail()

    assert written == [True]
    assert not Group.objects.filter(name="rolled-back-1").exists()


def test_statements_of_every_subscriber_run_in_one_round_trip_in_subscription_order(
    subscribed, settings
):
    subscribed(lambda name: [insert_group(f"{name}-a")], "in_transaction")
    subscribed(lambda name: [insert_group(f"{name}-b")], "in_transaction")

    with CaptureQueriesContext(connection) as queries:
        publish(HAPPENED, "x")

    assert list(Group.objects.order_by("id").values_list("name", flat=True)) == ["x-a", "x-b"]
    expected = 1 if connection.vendor == "postgresql" else 2
    assert len(queries.captured_queries) == expected


def test_on_commit_subscribers_wait_for_the_commit_and_never_see_a_roll_back(
    subscribed, django_capture_on_commit_callbacks
):
    seen: list[str] = []
    subscribed(seen.append, "on_commit")

    def publish_then_fail() -> None:
        with transaction.atomic():
            publish(HAPPENED, "rolled back")
            raise AbortError

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            publish(HAPPENED, "committed")
            assert seen == []
        with pytest.raises(AbortError):
            publish_then_fail()

    assert seen == ["committed"]


def test_a_failing_on_commit_subscriber_spoils_neither_the_change_nor_the_others(
    subscribed, django_capture_on_commit_callbacks
):
    seen: list[str] = []

    def broken(name: str) -> None:
        msg = "alert service down"
        raise RuntimeError(msg)

    subscribed(broken, "on_commit")
    subscribed(seen.append, "on_commit")

    with django_capture_on_commit_callbacks(execute=True):
        publish(HAPPENED, "kept")

    assert seen == ["kept"]


def test_subscribing_twice_keeps_one_subscription(subscribed):
    def handler(name: str) -> None:
        return None

    subscribed(handler, "in_transaction")
    subscribe(HAPPENED, handler)

    assert [h for h, _w in subscribers(HAPPENED)].count(handler) == 1


def test_unknown_events_and_bad_names_are_refused():
    from toandan.core.events import Event

    stranger = Event("testapp.unknown", "never defined")
    with pytest.raises(ValueError, match="unknown event"):
        publish(stranger, None)
    with pytest.raises(ValueError, match="unknown event"):
        subscribe(stranger, print)
    with pytest.raises(ValueError, match=r"<app>\.<what happened>"):
        event_define("nodot", "no app")
    with pytest.raises(ValueError, match="already defined differently"):
        event_define("testapp.happened", "Something else.")
    with pytest.raises(ValueError, match="when must be"):
        subscribe(HAPPENED, print, when="later")  # type: ignore[arg-type]


def test_the_list_of_events_names_what_tips_publishes():
    names = {event.name for event in events()}

    assert {
        "tips.received",
        "tips.concluded",
        "tips.outcome_corrected",
        "tips.marked_valuable",
        "tips.merged",
        "tips.purged",
        "tips.changed",
    } <= names
