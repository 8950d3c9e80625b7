"""The units admin changes a unit through the same service as the views: one change, one
audit event, under the service's action and with the service's record of what changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from toandan.audit.models import AuditEvent
from toandan.orgs.models import OrgLevel, OrgUnit

pytestmark = pytest.mark.django_db


def _commune() -> OrgUnit:
    unit = OrgUnit.objects.filter(level=OrgLevel.COMMUNE, valid_to__isnull=True).first()
    assert unit is not None
    return unit


def test_admin_rename_writes_one_event_with_the_services_action(admin_client):
    unit = _commune()
    old_name = unit.name
    last_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = admin_client.post(
        reverse("admin:orgs_orgunit_change", args=[unit.pk]),
        {"name": "Phường Thử Nghiệm", "is_remote": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit.refresh_from_db()
    assert (unit.name, unit.is_remote) == ("Phường Thử Nghiệm", True)
    assert unit.search_name == "phuong thu nghiem"
    events = list(AuditEvent.objects.filter(seq__gt=last_seq))
    assert len(events) == 1
    event = events[0]
    assert (event.action, event.object_id) == ("orgs.unit.update", str(unit.pk))
    # What `org_unit_update` records (old and new values), not a bare list of field names.
    assert event.data == {"name": [old_name, "Phường Thử Nghiệm"], "is_remote": [False, True]}
    assert event.reason == "changed in the admin"


def test_admin_save_without_change_writes_no_event(admin_client):
    unit = _commune()
    last_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    data = {"name": unit.name}
    if unit.is_remote:
        data["is_remote"] = "on"
    response = admin_client.post(reverse("admin:orgs_orgunit_change", args=[unit.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not AuditEvent.objects.filter(seq__gt=last_seq).exists()
