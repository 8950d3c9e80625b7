"""The rules the guidance leaves open are data: an administrator edits them, audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from toandan.audit.models import AuditEvent
from toandan.initiatives.models import ReviewCalendar

pytestmark = pytest.mark.django_db


def test_the_top_grade_cap_is_edited_in_the_admin_and_audited(admin_client: object) -> None:
    calendar = ReviewCalendar.objects.get()
    data = {
        field.name: getattr(calendar, field.name)
        for field in ReviewCalendar._meta.fields
        if field.name != "id"
    }
    data["valid_to"] = ""
    data["valid_from"] = calendar.valid_from.isoformat()
    data["top_grade_cap_percent"] = 15

    response = admin_client.post(  # type: ignore[attr-defined]
        reverse("admin:initiatives_reviewcalendar_change", args=[calendar.pk]), data
    )

    assert response.status_code == 302
    assert ReviewCalendar.objects.get().top_grade_cap_percent == 15
    event = AuditEvent.objects.get(action="initiatives.reference.save")
    assert event.data["changed"] == ["top_grade_cap_percent"]
