"""The nightly retention task, run the way the worker runs it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from toandan.tips.models import Tip
from toandan.tips.services import tip_submit
from toandan.tips.tasks import purge_expired_tips
from toandan.tips.tests.conftest import tip_input

pytestmark = pytest.mark.django_db


def test_the_nightly_task_deletes_tips_past_retention_and_keeps_the_others():
    expired = tip_submit(data=tip_input()).tip
    kept = tip_submit(data=tip_input(description="Có người bán ma túy ở quán cà phê.")).tip
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Tip.objects.filter(pk=expired.pk).update(retention_until=yesterday)

    purge_expired_tips.call_local()

    assert list(Tip.objects.values_list("pk", flat=True)) == [kept.pk]


def test_the_task_is_scheduled_every_night_vietnam_time():
    schedule = purge_expired_tips.s().validate_datetime

    def utc(hour: int, minute: int) -> dt.datetime:
        # huey hands periodic tasks naive UTC datetimes.
        return dt.datetime(2026, 11, 29, hour, minute, tzinfo=dt.UTC).replace(tzinfo=None)

    assert schedule(utc(19, 30))  # 02:30 in Hà Nội
    assert not schedule(utc(2, 30))  # 09:30 in Hà Nội: office hours
