from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from toandan.accounts.tests.factories import (
    BA_DINH_UNION,
    HOAN_KIEM_POLICE,
    HOAN_KIEM_UNION,
    make_user,
    unit,
)
from toandan.accounts.units.services import org_branch_create
from toandan.audit.models import AuditEvent
from toandan.geo.models import AdminUnit
from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit
from toandan.orgs.services import (
    org_unit_create,
    org_unit_update,
    org_units_sync_with_geography,
)

pytestmark = pytest.mark.django_db


# --- The units created from the geography ----------------------------------------------------


def test_loading_the_geography_created_police_and_union_units_for_every_current_place():
    current = {"valid_from": dt.date(2025, 7, 1), "valid_to": None}
    for kind in (OrgKind.POLICE, OrgKind.WOMENS_UNION):
        assert OrgUnit.objects.filter(kind=kind, level=OrgLevel.PROVINCE, **current).count() == 34
        assert OrgUnit.objects.filter(kind=kind, level=OrgLevel.COMMUNE, **current).count() == 3321
        legacy = OrgUnit.objects.filter(
            kind=kind, level=OrgLevel.PROVINCE, valid_to=dt.date(2025, 6, 30)
        )
        assert legacy.count() == 63
    assert set(OrgUnit.objects.filter(level=OrgLevel.CENTRAL).values_list("name", flat=True)) == {
        "Bộ Công an",
        "Trung ương Hội Liên hiệp Phụ nữ Việt Nam",
        "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam",
        "Bộ Tư lệnh Bộ đội Biên phòng",
    }


@pytest.mark.parametrize(
    ("code", "name", "parent_code"),
    [
        ("CA-01", "Công an thành phố Hà Nội", "CA-TW"),
        ("CA-15", "Công an tỉnh Lào Cai", "CA-TW"),
        ("CA-01-00070", "Công an phường Hoàn Kiếm", "CA-01"),
        ("PN-01-00070", "Hội LHPN phường Hoàn Kiếm", "PN-01"),
        ("PN-15-02683", "Hội LHPN xã Bát Xát", "PN-15"),
        ("CA-22-06994", "Công an đặc khu Vân Đồn", "CA-22"),
        ("CA-L30", "Công an tỉnh Hải Dương", "CA-TW"),
    ],
)
def test_units_have_stable_codes_official_names_and_parents_of_their_kind(code, name, parent_code):
    org_unit = unit(code)

    assert org_unit.name == name
    assert org_unit.parent is not None
    assert org_unit.parent.code == parent_code
    assert org_unit.path == f"{org_unit.parent.path}{org_unit.pk}/"
    assert org_unit.depth == org_unit.parent.depth + 1


def test_commune_units_are_attached_to_their_commune():
    org_unit = unit("CA-01-00070")

    assert org_unit.admin_unit is not None
    assert org_unit.admin_unit.name == "Phường Hoàn Kiếm"
    assert org_unit.admin_unit.generation == "current"


def test_every_path_is_its_parents_path_plus_its_id():
    parents = {u.pk: u.path for u in OrgUnit.objects.only("pk", "path")}
    for org_unit in OrgUnit.objects.only("pk", "path", "parent_id"):
        expected = (parents[org_unit.parent_id] if org_unit.parent_id else "/") + f"{org_unit.pk}/"
        assert org_unit.path == expected


def test_sync_again_creates_nothing():
    before = OrgUnit.objects.count()

    assert org_units_sync_with_geography() == 0
    assert OrgUnit.objects.count() == before


def test_sync_from_scratch_is_bulk():
    for level in (OrgLevel.COMMUNE, OrgLevel.PROVINCE, OrgLevel.CENTRAL):
        OrgUnit.objects.filter(level=level).delete()

    with CaptureQueriesContext(connection) as queries:
        created = org_units_sync_with_geography()

    assert created == 4 + 2 * (34 + 63) + 2 * 3321
    # Inserts in batches and one path update per level, not a statement per unit.
    assert len(queries) < 120


def test_sync_creates_what_is_missing_and_renames_after_the_geography():
    OrgUnit.objects.filter(code="PN-01-00070").delete()
    commune = AdminUnit.objects.get(generation="current", level="commune", code="00004")
    commune.short_name = "Ba Đình Mới"
    commune.save()

    created = org_units_sync_with_geography()

    assert created == 1
    restored = unit("PN-01-00070")
    assert restored.path == f"{restored.parent.path}{restored.pk}/"  # type: ignore[union-attr]
    assert unit("CA-01-00004").name == "Công an phường Ba Đình Mới"
    assert AuditEvent.objects.filter(action="orgs.units.sync").exists()


# --- Create, update, close -------------------------------------------------------------------


def test_create_update_and_move_keep_paths_and_write_audit_events():
    hanoi = unit("PN-01")
    parent = org_unit_create(
        actor=None,
        kind=OrgKind.WOMENS_UNION,
        level=OrgLevel.BRANCH,
        code="PN-01-00070-CH90",
        name="Chi hội thử",
        parent=unit(HOAN_KIEM_UNION),
        admin_unit=None,
    )
    child = org_unit_create(
        actor=None,
        kind=OrgKind.WOMENS_UNION,
        level=OrgLevel.BRANCH,
        code="PN-01-00070-CH91",
        name="Tổ phụ nữ",
        parent=parent,
        admin_unit=None,
    )

    org_unit_update(actor=None, unit=parent, parent=hanoi, name="Chi hội đã chuyển")

    child.refresh_from_db()
    assert parent.path == f"{hanoi.path}{parent.pk}/"
    assert child.path == f"{parent.path}{child.pk}/"
    assert child.depth == parent.depth + 1 == hanoi.depth + 2
    assert parent.search_name == "chi hoi da chuyen"
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions[-3:] == ["orgs.unit.create", "orgs.unit.create", "orgs.unit.update"]


def test_a_unit_cannot_move_under_itself():
    hanoi = unit("CA-01")

    with pytest.raises(ValidationError):
        org_unit_update(actor=None, unit=hanoi, parent=unit(HOAN_KIEM_POLICE))


# --- Branches --------------------------------------------------------------------------------


def test_union_cadre_creates_a_branch_under_her_commune():
    cadre = make_user("pn.a", "union_cadre", HOAN_KIEM_UNION)
    parent = unit(HOAN_KIEM_UNION)

    first = org_branch_create(actor=cadre, parent=parent, name="  Chi hội Phụ nữ  tổ dân phố số 5 ")
    second = org_branch_create(actor=cadre, parent=parent, name="Chi hội Phụ nữ tổ dân phố số 6")

    assert first.name == "Chi hội Phụ nữ tổ dân phố số 5"
    assert (first.code, second.code) == ("PN-01-00070-CH1", "PN-01-00070-CH2")
    assert first.level == OrgLevel.BRANCH
    assert first.admin_unit_id == parent.admin_unit_id
    assert first.path == f"{parent.path}{first.pk}/"
    event = AuditEvent.objects.filter(action="orgs.unit.create").last()
    assert event is not None
    assert event.actor_id == cadre.pk


def test_a_branch_name_must_be_unique_in_its_commune_ignoring_accents():
    cadre = make_user("pn.a", "union_cadre", HOAN_KIEM_UNION)
    parent = unit(HOAN_KIEM_UNION)
    org_branch_create(actor=cadre, parent=parent, name="Chi hội Phụ nữ tổ dân phố số 5")

    with pytest.raises(ValidationError) as error:
        org_branch_create(actor=cadre, parent=parent, name="chi hoi phu nu to dan pho so 5")

    assert "name" in error.value.message_dict


def test_a_branch_needs_a_name():
    cadre = make_user("pn.a", "union_cadre", HOAN_KIEM_UNION)

    with pytest.raises(ValidationError):
        org_branch_create(actor=cadre, parent=unit(HOAN_KIEM_UNION), name=" a ")


def test_a_cadre_of_another_commune_cannot_create_a_branch_here():
    outsider = make_user("pn.b", "union_cadre", BA_DINH_UNION)

    with pytest.raises(PermissionDenied):
        org_branch_create(actor=outsider, parent=unit(HOAN_KIEM_UNION), name="Chi hội lạ")


def test_a_police_officer_cannot_create_branches():
    officer = make_user("ca.a", "police_officer", HOAN_KIEM_POLICE)

    with pytest.raises(PermissionDenied):
        org_branch_create(actor=officer, parent=unit(HOAN_KIEM_UNION), name="Chi hội lạ")


def test_a_province_union_leader_may_create_branches_in_her_communes():
    leader = make_user("pn.hn", "union_leader", "PN-01")

    branch = org_branch_create(actor=leader, parent=unit(BA_DINH_UNION), name="Chi hội số 1")

    assert branch.parent_id == unit(BA_DINH_UNION).pk


def test_branches_go_under_commune_unions_only():
    leader = make_user("pn.hn", "union_leader", "PN-01")

    with pytest.raises(PermissionDenied):
        org_branch_create(actor=leader, parent=unit("PN-01"), name="Chi hội tỉnh")
