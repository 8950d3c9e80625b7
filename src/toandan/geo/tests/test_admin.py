"""The admin for reference data: units read-only, regions editable and audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from toandan.audit.models import AuditEvent
from toandan.geo.models import AdminUnit, Region

pytestmark = pytest.mark.django_db


def test_unit_search_is_accent_insensitive(admin_client):
    url = reverse("admin:geo_adminunit_changelist")
    response = admin_client.get(url, {"q": "Bắc An Phụ", "generation": "current"})
    assert response.status_code == 200
    assert "Phường Bắc An Phụ" in response.content.decode()


def test_units_and_successions_are_read_only(admin_client):
    unit = AdminUnit.objects.filter(level="province").first()
    assert unit is not None
    assert admin_client.get(reverse("admin:geo_adminunit_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:geo_adminunit_change", args=[unit.pk]), {"name": "x"}
    )
    assert response.status_code == 403
    unit.refresh_from_db()
    assert unit.name != "x"
    assert admin_client.get(reverse("admin:geo_succession_add")).status_code == 403


def test_region_edit_is_saved_and_audited(admin_client):
    region = Region.objects.get(generation="current", kind="macro", code="north")
    keep = list(region.provinces.values_list("pk", flat=True))[:3]
    response = admin_client.post(
        reverse("admin:geo_region_change", args=[region.pk]),
        {
            "generation": "current",
            "kind": "macro",
            "code": "north",
            "name": "Miền Bắc (chiến dịch)",
            "provinces": keep,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    region.refresh_from_db()
    assert region.name == "Miền Bắc (chiến dịch)"
    assert sorted(region.provinces.values_list("pk", flat=True)) == sorted(keep)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.object_id) == ("geo.region.update", str(region.pk))
    assert len(event.data["provinces"]) == 3
