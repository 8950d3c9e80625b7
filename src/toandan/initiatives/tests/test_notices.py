"""Reminders: the hosts are told before the deadline and after it, once each."""

from __future__ import annotations

import datetime as dt

import pytest

from toandan.accounts.models import User
from toandan.initiatives.notices import REVIEW_DUE_SOON, REVIEW_OVERDUE, review_reminders_send
from toandan.initiatives.services import review_file
from toandan.initiatives.tests.conftest import register
from toandan.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_hosts_are_reminded_before_the_deadline_and_told_when_overdue(cadre: User) -> None:
    initiative = register(cadre, started_on=dt.date(2024, 1, 1))

    assert review_reminders_send(today=dt.date(2025, 10, 1), year=2025) == 0
    assert review_reminders_send(today=dt.date(2025, 11, 10), year=2025) == 1
    assert review_reminders_send(today=dt.date(2025, 11, 11), year=2025) == 0  # once
    assert review_reminders_send(today=dt.date(2025, 11, 21), year=2025) == 1

    kinds = list(Notification.objects.filter(user=cadre).values_list("kind", flat=True))
    assert sorted(kinds) == sorted([REVIEW_DUE_SOON, REVIEW_OVERDUE])
    assert initiative.name in Notification.objects.filter(user=cadre).first().title  # type: ignore[union-attr]


def test_a_submitted_review_stops_the_reminders(cadre: User) -> None:
    initiative = register(cadre, started_on=dt.date(2024, 1, 1))
    review_file(
        actor=cadre,
        initiative=initiative,
        year=2025,
        activities=1,
        members=1,
        meetings=1,
        tips_passed=0,
    )

    assert review_reminders_send(today=dt.date(2025, 11, 21), year=2025) == 0


def test_the_worker_reminds_every_day_of_the_current_review_year(
    cadre: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toandan.initiatives import tasks

    register(cadre, started_on=dt.date(2024, 1, 1))
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: dt.date(2025, 11, 10))

    tasks.send_review_reminders.call_local()
    tasks.send_review_reminders.call_local()  # the same day again: nothing new

    assert list(Notification.objects.filter(user=cadre).values_list("kind", flat=True)) == [
        REVIEW_DUE_SOON
    ]
