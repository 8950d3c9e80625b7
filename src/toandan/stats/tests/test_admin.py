"""Indicators and data sets are configuration edited in the admin; every change is audited."""

from __future__ import annotations

import pytest

from toandan.accounts.tests.factories import logged_in, make_user
from toandan.audit.models import AuditEvent
from toandan.stats.models import Indicator

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_edits_reference_data_with_an_audit_event() -> None:
    admin = logged_in(make_user("admin.stats", is_superuser=True, is_staff=True))

    for url in (
        "/admin/stats/indicator/",
        "/admin/stats/dataset/",
        "/admin/stats/report/",
        "/admin/stats/dataset/add/",
    ):
        assert admin.get(url).status_code == 200, url
    indicator = Indicator.objects.get(code="initiatives")
    response = admin.post(
        f"/admin/stats/indicator/{indicator.pk}/change/",
        {
            "code": "initiatives",
            "name_vi": "Số sáng kiến, mô hình, cách làm hay",
            "name_en": "Initiatives",
            "source": "reports",
            "aggregation": "sum",
            "value_type": "integer",
            "factor": "1",
            "order": "200",
            "listed": "on",
            "active": "on",
        },
    )

    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="stats.indicator.change").get()
    assert event.data["fields"] == ["name_vi", "order"]


def test_the_api_schema_describes_the_statistics_operations() -> None:
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json").json()

    assert "/api/v1/stats/query" in schema["paths"]
    assert "/api/v1/stats/coverage" in schema["paths"]
