"""The Django admin: system administrators assign roles there, and every change is audited."""

from __future__ import annotations

import pytest

from toandan.accounts.models import RoleAssignment
from toandan.accounts.tests.factories import (
    HOAN_KIEM_POLICE,
    HOAN_KIEM_UNION,
    logged_in,
    make_user,
    unit,
)
from toandan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    return logged_in(make_user("quantri", is_superuser=True, is_staff=True))


def test_admin_pages_of_accounts_and_units_open(admin_client):
    officer = make_user("ca.a", "police_officer", HOAN_KIEM_POLICE)

    assert admin_client.get("/admin/accounts/user/").status_code == 200
    assert admin_client.get(f"/admin/accounts/user/{officer.pk}/change/").status_code == 200
    assert admin_client.get("/admin/orgs/orgunit/?q=hoan+kiem").status_code == 200
    assert (
        admin_client.get(f"/admin/orgs/orgunit/{unit(HOAN_KIEM_POLICE).pk}/change/").status_code
        == 200
    )
    assert admin_client.get("/admin/accounts/apitoken/").status_code == 200


def test_a_role_given_in_the_admin_is_audited(admin_client):
    officer = make_user("ca.a")
    data = {
        "username": "ca.a",
        "full_name": "Trần Văn Hùng",
        "email": "",
        "is_active": "on",
        "date_joined_0": "01/07/2025",
        "date_joined_1": "08:00:00",
        "role_assignments-TOTAL_FORMS": "1",
        "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
        "role_assignments-0-role": "union_cadre",
        "role_assignments-0-org_unit": str(unit(HOAN_KIEM_UNION).pk),
        "role_assignments-0-valid_from": "01/07/2025",
        "role_assignments-0-valid_to": "",
    }

    response = admin_client.post(f"/admin/accounts/user/{officer.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert RoleAssignment.objects.filter(user=officer, role="union_cadre").exists()
    event = AuditEvent.objects.filter(action="accounts.role.assign").last()
    assert event is not None
    assert event.data["org_unit"] == HOAN_KIEM_UNION


def test_the_admin_refuses_a_police_role_in_a_womens_union_unit(admin_client):
    officer = make_user("ca.a")
    data = {
        "username": "ca.a",
        "full_name": "Trần Văn Hùng",
        "is_active": "on",
        "date_joined_0": "01/07/2025",
        "date_joined_1": "08:00:00",
        "role_assignments-TOTAL_FORMS": "1",
        "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
        "role_assignments-0-role": "police_officer",
        "role_assignments-0-org_unit": str(unit("PN-01-00070").pk),
        "role_assignments-0-valid_from": "01/07/2025",
    }

    response = admin_client.post(f"/admin/accounts/user/{officer.pk}/change/", data)

    assert response.status_code == 200
    assert not RoleAssignment.objects.filter(user=officer).exists()


def test_password_set_in_the_admin_is_audited_and_must_be_changed(admin_client):
    officer = make_user("ca.matkhau", "police_officer", HOAN_KIEM_POLICE)

    response = admin_client.post(
        f"/admin/accounts/user/{officer.pk}/password/",
        {
            "password1": "Mat-khau-moi-2026",
            "password2": "Mat-khau-moi-2026",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Mat-khau-moi-2026")
    assert officer.must_change_password
    event = AuditEvent.objects.get(action="accounts.password.set_by_admin")
    assert event.object_id == str(officer.pk)


def test_accounts_cannot_be_deleted_in_the_admin(admin_client):
    officer = make_user("ca.xoa", "police_officer", HOAN_KIEM_POLICE)

    response = admin_client.post(f"/admin/accounts/user/{officer.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert RoleAssignment.objects.filter(user=officer).exists()
