"""A role that reads tips or reveals tipsters needs a second administrator.

A superuser who could give itself police leader at the national unit would read every tip and
reveal every tipster with nobody else involved. Such a grant (police officer, police leader,
identity custodian) is a pending grant until another administrator approves it, whatever
made it: the Django admin, `users import`, or a service. The police leaders of the unit and
the other administrators are told. Demo data and test factories use an explicit, audited
bootstrap by the system actor.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from toandan.accounts.models import RoleAssignment, User
from toandan.accounts.selectors import user_roles
from toandan.accounts.tests.factories import (
    CENTRAL_POLICE,
    HANOI_POLICE,
    HOAN_KIEM_POLICE,
    HOAN_KIEM_UNION,
    logged_in,
    make_user,
    unit,
)
from toandan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def roles_now(user: User) -> frozenset[str]:
    # A fresh object: the roles are cached on the user object for a request.
    return user_roles(User.objects.get(pk=user.pk))


def admin_role_form(user: User, rows: list[dict[str, str]], initial: int = 0) -> dict[str, str]:
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "date_joined_0": "01/07/2025",
        "date_joined_1": "08:00:00",
        "role_assignments-TOTAL_FORMS": str(len(rows)),
        "role_assignments-INITIAL_FORMS": str(initial),
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"role_assignments-{index}-{key}"] = value
    return {k: v for k, v in data.items() if v != ""}


def give_in_admin(client: Client, user: User, role: str, unit_code: str) -> Any:
    row = {"role": role, "org_unit": str(unit(unit_code).pk), "valid_from": "01/07/2025"}
    return client.post(f"/admin/accounts/user/{user.pk}/change/", admin_role_form(user, [row]))


@pytest.fixture
def root() -> User:
    return make_user("quantri", is_superuser=True, is_staff=True)


@pytest.fixture
def second_admin() -> User:
    return make_user("quantri.hai", is_superuser=True, is_staff=True)


# --- The attacks ---------------------------------------------------------------------------


def test_superuser_cannot_self_grant_police_leader(root):
    client = logged_in(root)

    response = give_in_admin(client, root, "police_leader", CENTRAL_POLICE)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert "police_leader" not in roles_now(root)
    assert not RoleAssignment.objects.filter(user=root, role="police_leader").exists()
    # The national tip list stays closed to the superuser.
    assert client.get("/tips/staff/inbox/").status_code == 403


def test_superuser_cannot_self_grant_identity_custodian_through_the_service(root):
    from toandan.accounts.services import role_assign

    role_assign(actor=root, user=root, role="identity_custodian", org_unit=unit(CENTRAL_POLICE))

    assert "identity_custodian" not in roles_now(root)


def test_superuser_cannot_approve_own_grant(root):
    from toandan.accounts.grants import RoleGrantRefusedError, role_grant_decide
    from toandan.accounts.models import GrantStatus, RoleGrant

    give_in_admin(logged_in(root), root, "police_leader", CENTRAL_POLICE)
    grant = RoleGrant.objects.get(user=root)

    with pytest.raises(RoleGrantRefusedError):
        role_grant_decide(actor=root, grant=grant, approve=True)

    grant.refresh_from_db()
    assert grant.status == GrantStatus.PENDING
    assert "police_leader" not in roles_now(root)


def test_grantee_administrator_cannot_approve_the_grant_made_for_it(root, second_admin):
    from toandan.accounts.grants import RoleGrantRefusedError, role_grant_decide
    from toandan.accounts.models import RoleGrant

    # The first administrator asks for the second: the second may not approve its own role.
    give_in_admin(logged_in(root), second_admin, "police_leader", CENTRAL_POLICE)
    grant = RoleGrant.objects.get(user=second_admin)

    with pytest.raises(RoleGrantRefusedError):
        role_grant_decide(actor=second_admin, grant=grant, approve=True)

    assert "police_leader" not in roles_now(second_admin)


def test_police_officer_cannot_approve_a_role_grant(root):
    from toandan.accounts.grants import RoleGrantRefusedError, role_grant_decide
    from toandan.accounts.models import RoleGrant

    officer = make_user("ca.moi")
    leader = make_user("ca.lanhdao", "police_leader", HANOI_POLICE)
    give_in_admin(logged_in(root), officer, "police_officer", HOAN_KIEM_POLICE)

    with pytest.raises(RoleGrantRefusedError):
        role_grant_decide(actor=leader, grant=RoleGrant.objects.get(user=officer), approve=True)


def test_admin_cannot_change_a_union_role_into_police_leader(root):
    cadre = make_user("pn.a", "union_cadre", HOAN_KIEM_UNION)
    assignment = RoleAssignment.objects.get(user=cadre)
    row = {
        "id": str(assignment.pk),
        "user": str(cadre.pk),
        "role": "police_leader",
        "org_unit": str(unit(HANOI_POLICE).pk),
        "valid_from": "01/07/2025",
    }

    response = logged_in(root).post(
        f"/admin/accounts/user/{cadre.pk}/change/", admin_role_form(cadre, [row], initial=1)
    )

    assert response.status_code == 200  # the form, with its error
    assert "police_leader" not in roles_now(cadre)
    assert RoleAssignment.objects.get(pk=assignment.pk).role == "union_cadre"


def test_admin_cannot_reopen_an_ended_police_role(root):
    officer = make_user("ca.cu", "police_officer", HOAN_KIEM_POLICE)
    assignment = RoleAssignment.objects.get(user=officer)
    RoleAssignment.objects.filter(pk=assignment.pk).update(valid_to="2025-08-01")
    row = {
        "id": str(assignment.pk),
        "user": str(officer.pk),
        "role": "police_officer",
        "org_unit": str(unit(HOAN_KIEM_POLICE).pk),
        "valid_from": "01/07/2025",
        "valid_to": "",
    }

    response = logged_in(root).post(
        f"/admin/accounts/user/{officer.pk}/change/", admin_role_form(officer, [row], initial=1)
    )

    assert response.status_code == 200
    assert "police_officer" not in roles_now(officer)


def test_admin_may_still_end_a_police_role_at_once(root):
    officer = make_user("ca.nghi", "police_officer", HOAN_KIEM_POLICE)
    assignment = RoleAssignment.objects.get(user=officer)
    row = {
        "id": str(assignment.pk),
        "user": str(officer.pk),
        "role": "police_officer",
        "org_unit": str(unit(HOAN_KIEM_POLICE).pk),
        "valid_from": "01/07/2025",
        "valid_to": "02/07/2025",
    }

    response = logged_in(root).post(
        f"/admin/accounts/user/{officer.pk}/change/", admin_role_form(officer, [row], initial=1)
    )

    assert response.status_code == 302
    assert "police_officer" not in roles_now(officer)


def test_users_import_cannot_grant_police_roles_without_a_second_administrator(tmp_path: Path):
    path = tmp_path / "users.csv"
    path.write_text(
        "username,full_name,email,role,org_unit_code\n"
        "ca.hk.09,Nguyễn Văn Bình,,police_leader,CA-TW\n"
        "pn.hk.09,Lê Thị Thu,,union_cadre,PN-01-00070\n",
        encoding="utf-8",
    )

    call_command("users", "import", str(path), stdout=StringIO(), stderr=StringIO())

    assert "police_leader" not in roles_now(User.objects.get(username="ca.hk.09"))
    # A role that opens no tip is given at once, as before.
    assert "union_cadre" in roles_now(User.objects.get(username="pn.hk.09"))


# --- The second approval -------------------------------------------------------------------


def test_second_administrator_approves_in_the_admin_and_the_role_opens_tips(root, second_admin):
    from toandan.accounts.models import GrantStatus, RoleGrant

    officer = make_user("ca.moi", email="ca.moi@ca.gov.vn")
    give_in_admin(logged_in(root), officer, "police_officer", HOAN_KIEM_POLICE)
    grant = RoleGrant.objects.get(user=officer)

    response = logged_in(second_admin).post(
        "/admin/accounts/rolegrant/",
        {"action": "approve_grants", "_selected_action": [str(grant.pk)]},
    )

    assert response.status_code == 302
    assert logged_in(second_admin).get("/admin/accounts/rolegrant/").status_code == 200
    assert (
        logged_in(second_admin).get(f"/admin/accounts/rolegrant/{grant.pk}/change/").status_code
        == 200
    )
    grant.refresh_from_db()
    assert grant.status == GrantStatus.APPROVED
    assert grant.decided_by == second_admin
    assert grant.requested_by == root
    assert "police_officer" in roles_now(officer)
    assert logged_in(officer).get("/tips/staff/inbox/").status_code == 200
    actions = list(
        AuditEvent.objects.filter(action__startswith="accounts.role.grant").values_list(
            "action", "actor_id"
        )
    )
    assert ("accounts.role.grant_request", root.pk) in actions
    assert ("accounts.role.grant_approve", second_admin.pk) in actions


def test_the_admin_refuses_the_approval_by_the_administrator_who_asked(root):
    from toandan.accounts.models import GrantStatus, RoleGrant

    officer = make_user("ca.moi")
    client = logged_in(root)
    give_in_admin(client, officer, "police_officer", HOAN_KIEM_POLICE)
    grant = RoleGrant.objects.get(user=officer)

    client.post(
        "/admin/accounts/rolegrant/",
        {"action": "approve_grants", "_selected_action": [str(grant.pk)]},
    )

    grant.refresh_from_db()
    assert grant.status == GrantStatus.PENDING
    assert "police_officer" not in roles_now(officer)


def test_a_refused_grant_gives_nothing_and_can_be_asked_again(root, second_admin):
    from toandan.accounts.grants import role_grant_decide
    from toandan.accounts.models import GrantStatus, RoleGrant
    from toandan.accounts.services import role_assign

    officer = make_user("ca.moi")
    role_assign(actor=root, user=officer, role="police_officer", org_unit=unit(HOAN_KIEM_POLICE))
    grant = RoleGrant.objects.get(user=officer)

    role_grant_decide(actor=second_admin, grant=grant, approve=False, note="Chưa có quyết định")
    again = role_assign(
        actor=root, user=officer, role="police_officer", org_unit=unit(HOAN_KIEM_POLICE)
    )

    grant.refresh_from_db()
    assert grant.status == GrantStatus.REFUSED
    assert "police_officer" not in roles_now(officer)
    assert isinstance(again, RoleGrant)
    assert again.pk != grant.pk
    assert AuditEvent.objects.filter(action="accounts.role.grant_refuse").count() == 1


def test_leaders_of_the_unit_and_other_administrators_are_told_of_a_pending_grant(
    root, second_admin
):
    from toandan.notifications.models import Notification

    province_leader = make_user("ca.hanoi.ld", "police_leader", HANOI_POLICE)
    other_province = make_user("ca.laocai.ld", "police_leader", "CA-15")
    officer = make_user("ca.moi", full_name="Trần Văn Mới")

    give_in_admin(logged_in(root), officer, "police_officer", HOAN_KIEM_POLICE)

    told = set(Notification.objects.values_list("user__username", flat=True))
    assert province_leader.username in told
    assert second_admin.username in told
    assert other_province.username not in told
    assert root.username not in told  # who asked knows
    assert officer.username not in told
    title = Notification.objects.filter(user=province_leader).get().title
    assert "Trần Văn Mới" in title


def test_demo_police_accounts_are_granted_by_the_audited_system_bootstrap():
    from toandan.accounts.demo import load_demo

    load_demo()

    leader = User.objects.get(username="ca.hanoi")
    assert "police_leader" in roles_now(leader)
    event = AuditEvent.objects.filter(action="accounts.role.bootstrap", data__user="ca.hanoi").get()
    assert event.actor_id is None
    assert event.reason == "demo data"
