from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from toandan.accounts.models import RoleAssignment
from toandan.accounts.selectors import (
    filter_by_jurisdiction,
    jurisdiction_admin_units,
    jurisdiction_org_units,
    user_has_any_role,
    user_roles,
)
from toandan.accounts.tests.factories import (
    CENTRAL_UNION,
    HOAN_KIEM_POLICE,
    HOAN_KIEM_UNION,
    make_user,
    unit,
)
from toandan.geo.models import AdminUnit
from toandan.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_anonymous_users_hold_no_role():
    assert user_roles(AnonymousUser()) == frozenset()
    assert not user_has_any_role(AnonymousUser(), ())


def test_an_account_without_roles_has_no_role_and_no_jurisdiction():
    user = make_user("moi.tao")

    assert not user_has_any_role(user, ())
    assert not jurisdiction_org_units(user).exists()
    assert not jurisdiction_admin_units(user).exists()
    assert not filter_by_jurisdiction(user, OrgUnit.objects.all(), roles=None).exists()


def test_empty_role_set_means_any_role():
    user = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)

    assert user_has_any_role(user, ())
    assert user_has_any_role(user, {"police_officer", "police_leader"})
    assert not user_has_any_role(user, {"union_cadre"})


def test_ended_and_future_assignments_do_not_count():
    today = timezone.localdate()
    ended = make_user("da.nghi", "police_officer", HOAN_KIEM_POLICE)
    RoleAssignment.objects.filter(user=ended).update(valid_to=today - dt.timedelta(days=1))
    future = make_user(
        "sap.den", "police_officer", HOAN_KIEM_POLICE, valid_from=today + dt.timedelta(days=1)
    )

    assert user_roles(ended) == frozenset()
    assert user_roles(future) == frozenset()


def test_a_deactivated_account_holds_no_role():
    user = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE, is_active=False)

    assert not user_has_any_role(user, ())


def test_a_superuser_counts_as_system_admin_only_and_reaches_everything():
    admin = make_user("quantri", is_superuser=True)

    assert user_roles(admin) == frozenset({"system_admin"})
    assert user_has_any_role(admin, ())
    assert user_has_any_role(admin, {"system_admin"})
    assert not user_has_any_role(admin, {"police_officer"})
    assert jurisdiction_org_units(admin).count() == OrgUnit.objects.count()


def test_a_central_unit_reaches_every_place_but_only_its_own_tree_of_units():
    reviewer = make_user("hoidong", "reviewer", CENTRAL_UNION)

    assert jurisdiction_admin_units(reviewer).count() == AdminUnit.objects.count()
    kinds = set(jurisdiction_org_units(reviewer).values_list("kind", flat=True))
    assert kinds == {"womens_union"}


def test_jurisdiction_can_be_narrowed_to_some_roles():
    user = make_user("hai.vai", "union_cadre", HOAN_KIEM_UNION)
    RoleAssignment.objects.create(
        user=user, role="analyst", org_unit=unit("PN-01"), valid_from=dt.date(2025, 7, 1)
    )

    as_cadre = jurisdiction_org_units(user, {"union_cadre"})
    as_anyone = jurisdiction_org_units(user)

    assert list(as_cadre.values_list("code", flat=True)) == [HOAN_KIEM_UNION]
    assert as_anyone.count() == OrgUnit.objects.filter(path__startswith=unit("PN-01").path).count()


def test_filter_by_jurisdiction_on_an_org_unit_field():
    user = make_user("canbo.a", "police_officer", HOAN_KIEM_POLICE)
    assignments = RoleAssignment.objects.all()
    other = make_user("canbo.b", "police_officer", "CA-01-00004")

    mine = filter_by_jurisdiction(user, assignments, None, org_unit_field="org_unit", roles=None)

    assert list(mine.values_list("user__username", flat=True)) == ["canbo.a"]
    assert other.pk not in mine.values_list("user_id", flat=True)
