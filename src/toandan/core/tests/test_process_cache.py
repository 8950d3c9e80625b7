"""Per-process copies of reference rows: read once, dropped when the rows change.

Any app keeps such a copy (`toandan.core.process_cache`); these tests use Django's own `Group`
so that they hold for every model a domain may cache.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from toandan.core import process_cache
from toandan.core.process_cache import ProcessCache, forget_cached_reference_data

pytestmark = pytest.mark.django_db


def _load_group(name: str) -> str | None:
    group = Group.objects.filter(name=name).first()
    return None if group is None else f"group {group.pk}: {group.name}"


def _load_renamed(pk: int) -> str | None:
    return Group.objects.filter(pk=pk).values_list("name", flat=True).first()


# One cache per model and name for the whole process, as in the apps (signals are connected
# once, by name).
_groups: ProcessCache[str, str] = ProcessCache("core.tests.group", _load_group, senders=[Group])
_names: ProcessCache[int, str] = ProcessCache("core.tests.name", _load_renamed, senders=[Group])


@pytest.fixture(autouse=True)
def _fresh() -> None:
    forget_cached_reference_data()


@pytest.fixture
def make_group(django_capture_on_commit_callbacks: Any) -> Callable[[str], Group]:
    """A group whose creation is committed (each test runs in a transaction: until the on-commit
    callbacks run, a change keeps the copy empty)."""

    def make(name: str) -> Group:
        with django_capture_on_commit_callbacks(execute=True):
            return Group.objects.create(name=name)

    return make


def test_a_row_read_again_costs_no_query(make_group, django_assert_num_queries):
    make_group("officers")
    with django_assert_num_queries(1):
        first = _groups.get("officers")
        again = _groups.get("officers")
    assert first == again
    assert first is not None


def test_an_unknown_key_is_asked_again_each_time(django_assert_num_queries):
    # Nobody can fill the memory by asking for keys that do not exist.
    with django_assert_num_queries(2):
        assert _groups.get("nobody") is None
        assert _groups.get("nobody") is None


def test_a_save_applies_at_once(make_group, django_capture_on_commit_callbacks):
    group = make_group("before")
    assert _names.get(group.pk) == "before"
    with django_capture_on_commit_callbacks(execute=True):
        group.name = "after"
        group.save()
    assert _names.get(group.pk) == "after"


def test_a_change_rolled_back_is_not_kept(make_group, django_capture_on_commit_callbacks):
    group = make_group("kept")
    assert _names.get(group.pk) == "kept"

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                group.name = "never committed"
                group.save()
                # Read inside the changing transaction: must not outlive it.
                assert _names.get(group.pk) == "never committed"
                raise RuntimeError
        except RuntimeError:
            pass

    assert _names.get(group.pk) == "kept"


def test_a_change_that_sends_no_signal_is_seen_after_the_maximum_age(make_group, monkeypatch):
    group = make_group("old name")
    assert _names.get(group.pk) == "old name"
    Group.objects.filter(pk=group.pk).update(name="new name")  # no signal
    assert _names.get(group.pk) == "old name"

    later = process_cache._clock() + process_cache.REFERENCE_MAX_AGE + 1
    monkeypatch.setattr(process_cache, "_clock", lambda: later)

    assert _names.get(group.pk) == "new name"


def test_forgetting_drops_every_copy(make_group, django_assert_num_queries):
    group = make_group("twice")
    _groups.get("twice")
    _names.get(group.pk)
    forget_cached_reference_data()
    with django_assert_num_queries(2):
        _groups.get("twice")
        _names.get(group.pk)


# Filled only through `get_many` (as `antifraud.known.recent_rows`); no model: no signal.
_queued: ProcessCache[str, str] = ProcessCache(
    "core.tests.queued", lambda _key: None, senders=[], max_age=5.0, max_entries=2
)


def _load_many(loads: list[list[str]]) -> Callable[[list[str]], dict[str, str]]:
    def load(keys: list[str]) -> dict[str, str]:
        loads.append(keys)
        return {key: key.upper() for key in keys}

    return load


def test_get_many_loads_only_the_keys_not_kept_in_one_call(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(process_cache, "_clock", lambda: clock[0])
    loads: list[list[str]] = []
    assert _queued.get_many(["a"], _load_many(loads)) == {"a": "A"}
    assert _queued.get_many(["a", "b"], _load_many(loads)) == {"a": "A", "b": "B"}
    assert loads == [["a"], ["b"]]
    clock[0] += 6  # past max_age: loaded again
    assert _queued.get_many(["a"], _load_many(loads)) == {"a": "A"}
    assert loads[-1] == ["a"]


def test_a_key_loaded_again_is_the_newest_when_the_oldest_go(monkeypatch):
    """With `max_entries`, the oldest entries go first: a key loaded again after its age is
    then the newest, not the first to go (what a process checks most would be dropped first)."""
    clock = [100.0]
    monkeypatch.setattr(process_cache, "_clock", lambda: clock[0])
    loads: list[list[str]] = []
    _queued.get_many(["a"], _load_many(loads))
    clock[0] += 1
    _queued.get_many(["b"], _load_many(loads))
    clock[0] += 5  # "a" is past its age, "b" not
    _queued.get_many(["a"], _load_many(loads))
    _queued.get_many(["c"], _load_many(loads))  # three keys: the oldest ("b") goes
    loads.clear()
    assert _queued.get_many(["a", "c"], _load_many(loads)) == {"a": "A", "c": "C"}
    assert loads == []


def test_get_many_keeps_nothing_while_a_change_is_uncommitted(make_group):
    """As `get`: what a reader sees before a change commits must not outlive it."""
    loads: list[list[str]] = []
    with transaction.atomic():
        Group.objects.create(name="pending")  # a save of a cached model, not committed
        _queued_groups.get_many(["x"], _load_many(loads))
    _queued_groups.get_many(["x"], _load_many(loads))
    assert loads == [["x"], ["x"]]


_queued_groups: ProcessCache[str, str] = ProcessCache(
    "core.tests.queued_groups", lambda _key: None, senders=[Group], max_entries=10
)
