"""An administrator records an announced change: audited, and through the admin too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from toandan.audit.models import AuditEvent
from toandan.workdays.models import CalendarChange, ChangeKind
from toandan.workdays.selectors import work_calendar

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_an_extra_day_off_in_the_admin_and_it_is_audited(
    client: Client, admin_user
):
    client.force_login(admin_user)
    day = dt.date(2027, 2, 11)  # a Thursday after Tết 2027, not announced (a test entry)
    assert work_calendar(day).is_working_day(day)

    response = client.post(
        reverse("admin:workdays_calendarchange_add"),
        {
            "day": "2027-02-11",
            "kind": ChangeKind.DAY_OFF,
            "name": "Nghỉ thêm (thử)",
            "source": "Thông báo thử nghiệm",
        },
    )

    assert response.status_code == 302
    assert not work_calendar(day).is_working_day(day)
    change = CalendarChange.objects.get(day=day)
    event = AuditEvent.objects.filter(action="workdays.change.save").get()
    assert event.object_id == str(change.pk)
    assert event.data["source"] == "Thông báo thử nghiệm"


def test_an_entry_without_its_source_is_refused(client: Client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:workdays_calendarchange_add"),
        {"day": "2027-02-11", "kind": ChangeKind.DAY_OFF, "name": "Nghỉ thêm", "source": ""},
    )

    assert response.status_code == 200
    assert not CalendarChange.objects.filter(day="2027-02-11").exists()
