"""Domain events: how one app learns what happened in another without importing it.

The app where things happen defines its events (`event_define`, in its `events.py`) and
publishes them (`publish`); any app above it subscribes in its `AppConfig.ready()`:

    # toandan/awards/apps.py (a domain above tips)
    from toandan.core.events import subscribe
    from toandan.tips.events import TIP_MARKED_VALUABLE

    subscribe(TIP_MARKED_VALUABLE, nominate_tipster, when="on_commit")

`when` says what the subscriber may rely on:
- "in_transaction": it runs inside the publisher's transaction, in subscription order, and
  its writes commit or roll back with the change (statistics must never disagree with the
  tips). It may return statements (`toandan.core.sql.Statement`): those of every
  in-transaction subscriber run together in one round trip, after the last subscriber.
- "on_commit": it runs once the publisher's transaction has committed (at once outside one),
  and never for a change that was rolled back; a subscriber that fails is logged and does not
  affect the change or the other subscribers (notifications, emails, alerts).

The publisher does not know its subscribers, so adding one (anti-fraud, a new statistics
source) changes nothing in the app that publishes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db import transaction

from toandan.core.sql import Statement, execute_together

When = Literal["in_transaction", "on_commit"]
Handler = Callable[[Any], "Sequence[Statement] | None"]


@dataclass(frozen=True)
class Event:
    """A named thing that happened, e.g. "tips.received". `payload` documents what
    `publish` passes to the subscribers."""

    name: str
    description: str
    payload: str = ""


_EVENTS: dict[str, Event] = {}
_SUBSCRIBERS: dict[str, list[tuple[Handler, When]]] = {}


def event_define(name: str, description: str, *, payload: str = "") -> Event:
    """Declare an event once, in the app that publishes it ("<app>.<what happened>")."""
    app, _dot, what = name.partition(".")
    if not app or not what:
        msg = f"an event is named <app>.<what happened>: {name!r}"
        raise ValueError(msg)
    event = Event(name=name, description=description, payload=payload)
    known = _EVENTS.setdefault(name, event)
    if known != event:
        msg = f"event {name!r} is already defined differently"
        raise ValueError(msg)
    return known


def events() -> list[Event]:
    """Every defined event, by name: what a new app may subscribe to."""
    return [_EVENTS[name] for name in sorted(_EVENTS)]


def subscribe(event: Event, handler: Handler, *, when: When = "in_transaction") -> None:
    """Call `handler(payload)` whenever `event` is published. Subscribing the same handler
    twice (an `AppConfig.ready()` run again by a test) keeps one subscription."""
    if _EVENTS.get(event.name) != event:
        msg = f"unknown event {event.name!r}: define it with event_define"
        raise ValueError(msg)
    if when not in ("in_transaction", "on_commit"):
        msg = f"when must be 'in_transaction' or 'on_commit', not {when!r}"
        raise ValueError(msg)
    handlers = _SUBSCRIBERS.setdefault(event.name, [])
    if any(known is handler for known, _when in handlers):
        return
    handlers.append((handler, when))


def unsubscribe(event: Event, handler: Handler) -> None:
    """Remove a subscription (tests that subscribe for a while)."""
    _SUBSCRIBERS[event.name] = [
        (known, when) for known, when in _SUBSCRIBERS.get(event.name, []) if known is not handler
    ]


def subscribers(event: Event) -> list[tuple[Handler, When]]:
    return list(_SUBSCRIBERS.get(event.name, []))


def publish(event: Event, payload: Any) -> None:
    """Tell the subscribers of `event` (see the module docstring for the order and the
    transaction each runs in). Call it inside the transaction that makes the change."""
    if _EVENTS.get(event.name) != event:
        msg = f"unknown event {event.name!r}: define it with event_define"
        raise ValueError(msg)
    statements: list[Statement] = []
    for handler, when in _SUBSCRIBERS.get(event.name, []):
        if when == "on_commit":
            transaction.on_commit(_later(handler, payload), robust=True)
            continue
        returned = handler(payload)
        if returned:
            statements.extend(returned)
    execute_together(statements)


def _later(handler: Handler, payload: Any) -> Callable[[], None]:
    # A function, not functools.partial: Django names the callback (`__qualname__`) when it
    # logs a robust on-commit callback that failed.
    def run() -> None:
        handler(payload)

    run.__qualname__ = getattr(handler, "__qualname__", repr(handler))
    return run
