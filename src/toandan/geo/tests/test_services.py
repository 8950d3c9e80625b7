"""The offline load of the geography (`toandan load-geo`).

The session database was loaded once by conftest; these tests check what that load produced
and what a second run does.
"""

from __future__ import annotations

import datetime as dt
import socket
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from toandan.audit.models import AuditEvent
from toandan.geo.models import AdminUnit, Generation, Level, Region, Succession, SuccessionKind
from toandan.geo.regions_data import REGIONS
from toandan.geo.services import geo_load

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2024, 6, 30)
AFTER = dt.date(2025, 7, 1)


def _unit(generation: str, level: str, search_full: str) -> AdminUnit:
    return AdminUnit.objects.get(generation=generation, level=level, search_full=search_full)


def _counts() -> dict[tuple[str, str], int]:
    return {
        (generation, level): AdminUnit.objects.filter(generation=generation, level=level).count()
        for generation in Generation.values
        for level in Level.values
    }


def test_load_gives_both_generations_with_official_counts():
    assert _counts() == {
        ("legacy", "province"): 63,
        ("legacy", "district"): 696,
        # 10,040 rows in the source; five are island districts without communes.
        ("legacy", "commune"): 10_035,
        ("current", "province"): 34,
        ("current", "district"): 0,
        ("current", "commune"): 3_321,
    }


def test_current_communes_have_the_three_types_of_the_reform():
    types = dict(
        AdminUnit.objects.filter(generation=Generation.CURRENT, level=Level.COMMUNE)
        .values_list("unit_type")
        .annotate(n=Count("id"))
    )
    assert types == {"Xã": 2_621, "Phường": 687, "Đặc khu": 13}


def test_legacy_districts_keep_their_types():
    types = set(AdminUnit.objects.filter(level=Level.DISTRICT).values_list("unit_type", flat=True))
    assert types == {"Quận", "Huyện", "Thị xã", "Thành phố"}


def test_validity_dates_meet_at_the_reform_date():
    legacy = AdminUnit.objects.filter(generation=Generation.LEGACY)
    current = AdminUnit.objects.filter(generation=Generation.CURRENT)
    assert set(legacy.values_list("valid_from", "valid_to")) == {(None, dt.date(2025, 6, 30))}
    assert set(current.values_list("valid_from", "valid_to")) == {(AFTER, None)}


def test_unit_carries_names_search_keys_path_and_centroid():
    le_ninh = _unit("legacy", "commune", "xa le ninh thi xa kinh mon tinh hai duong")
    kinh_mon = le_ninh.parent
    assert kinh_mon is not None
    hai_duong = kinh_mon.parent
    assert hai_duong is not None
    assert (le_ninh.name, le_ninh.short_name, le_ninh.unit_type) == ("Xã Lê Ninh", "Lê Ninh", "Xã")
    assert le_ninh.full_name == "Xã Lê Ninh, Thị xã Kinh Môn, Tỉnh Hải Dương"
    assert (le_ninh.search_name, le_ninh.search_short) == ("xa le ninh", "le ninh")
    assert le_ninh.path == f"/{hai_duong.pk}/{kinh_mon.pk}/{le_ninh.pk}/"
    assert (hai_duong.depth, kinh_mon.depth, le_ninh.depth) == (1, 2, 3)
    assert le_ninh.latitude == pytest.approx(21.05, abs=0.01)
    assert le_ninh.longitude == pytest.approx(106.43, abs=0.01)


def test_every_path_ends_with_its_own_id():
    for pk, path, parent_path in AdminUnit.objects.values_list("pk", "path", "parent__path"):
        assert path == f"{parent_path or '/'}{pk}/"


def test_current_communes_carry_their_area():
    bac_an_phu = _unit("current", "commune", "phuong bac an phu thanh pho hai phong")
    assert bac_an_phu.area_km2 == pytest.approx(26.1)


def test_le_ninh_went_into_bac_an_phu_of_hai_phong():
    le_ninh = _unit("legacy", "commune", "xa le ninh thi xa kinh mon tinh hai duong")
    edge = Succession.objects.select_related("successor__parent").get(predecessor=le_ninh)
    assert edge.successor.name == "Phường Bắc An Phụ"
    assert edge.successor.parent is not None
    assert edge.successor.parent.name == "Thành phố Hải Phòng"
    # Bắc An Phụ was formed from three old communes.
    assert edge.kind == SuccessionKind.MERGED
    assert edge.is_primary
    assert edge.effective_on == AFTER


def test_every_legacy_commune_has_exactly_one_primary_successor():
    communes = AdminUnit.objects.filter(generation=Generation.LEGACY, level=Level.COMMUNE)
    primaries = Succession.objects.filter(predecessor__in=communes, is_primary=True).values_list(
        "predecessor_id", flat=True
    )
    assert len(primaries) == len(set(primaries)) == communes.count()


def test_divided_commune_has_several_edges_one_primary():
    divided = (
        Succession.objects.filter(kind=SuccessionKind.DIVIDED)
        .values_list("predecessor_id", flat=True)
        .distinct()
    )
    assert divided.count() == 471
    old = AdminUnit.objects.get(pk=divided[0])
    edges = list(Succession.objects.filter(predecessor=old))
    assert len(edges) >= 2
    assert {edge.kind for edge in edges} == {SuccessionKind.DIVIDED}
    assert sum(edge.is_primary for edge in edges) == 1


def test_unchanged_and_renamed_communes_are_sole_predecessors():
    for kind in (SuccessionKind.UNCHANGED, SuccessionKind.RENAMED):
        for edge in Succession.objects.filter(kind=kind).select_related("predecessor", "successor"):
            assert Succession.objects.filter(successor=edge.successor).count() == 1
            assert (edge.predecessor.name == edge.successor.name) == (
                kind == SuccessionKind.UNCHANGED
            )


def test_province_successions_follow_resolution_202():
    hai_duong = _unit("legacy", "province", "tinh hai duong")
    ha_noi_old = _unit("legacy", "province", "thanh pho ha noi")
    edge = Succession.objects.get(predecessor=hai_duong)
    assert (edge.successor.name, edge.kind) == ("Thành phố Hải Phòng", SuccessionKind.MERGED)
    assert Succession.objects.get(predecessor=ha_noi_old).kind == SuccessionKind.UNCHANGED
    province_edges = Succession.objects.filter(predecessor__level=Level.PROVINCE)
    assert province_edges.count() == 63
    assert province_edges.values("successor").distinct().count() == 34


def test_ordinary_districts_have_no_successor_island_districts_do():
    with_edges = AdminUnit.objects.filter(level=Level.DISTRICT, successions__isnull=False)
    assert sorted(with_edges.values_list("short_name", flat=True)) == [
        "Bạch Long Vĩ",
        "Côn Đảo",
        "Cồn Cỏ",
        "Hoàng Sa",
        "Lý Sơn",
    ]
    con_dao = with_edges.get(short_name="Côn Đảo")
    assert Succession.objects.get(predecessor=con_dao).successor.name == "Đặc khu Côn Đảo"


def test_regions_cover_every_province_once_per_kind_and_generation():
    assert Region.objects.count() == len(REGIONS) == 18
    for generation, provinces in ((Generation.LEGACY, 63), (Generation.CURRENT, 34)):
        for kind in ("macro", "statistical"):
            members = AdminUnit.objects.filter(
                regions__generation=generation, regions__kind=kind
            ).values_list("pk", flat=True)
            assert len(members) == len(set(members)) == provinces
    north = Region.objects.get(generation=Generation.CURRENT, kind="macro", code="north")
    assert north.name == "Miền Bắc"
    assert north.provinces.count() == 15


def test_second_run_changes_and_duplicates_nothing():
    before = _counts()
    edges = Succession.objects.count()
    events = AuditEvent.objects.count()
    result = geo_load()
    assert not result.changed
    assert (result.units_created, result.units_updated, result.successions_created) == (0, 0, 0)
    assert _counts() == before
    assert Succession.objects.count() == edges
    assert AuditEvent.objects.count() == events


def test_rerun_restores_a_unit_edited_outside_the_loader():
    unit = _unit("current", "province", "thanh pho ha noi")
    AdminUnit.objects.filter(pk=unit.pk).update(name="Hà Nội (sửa tay)", search_name="x")
    result = geo_load()
    assert result.units_updated == 1
    unit.refresh_from_db()
    assert (unit.name, unit.search_name) == ("Thành phố Hà Nội", "thanh pho ha noi")
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.action == "geo.load"
    assert event.data["units_updated"] == 1


def test_rerun_keeps_an_admins_region_edits():
    north = Region.objects.get(generation=Generation.CURRENT, kind="macro", code="north")
    north.name = "Miền Bắc (chiến dịch 2025)"
    north.save()
    north.provinces.set([_unit("current", "province", "thanh pho ha noi")])
    geo_load()
    north.refresh_from_db()
    assert north.name == "Miền Bắc (chiến dịch 2025)"
    assert north.provinces.count() == 1


def test_rerun_recreates_a_missing_default_region_only():
    Region.objects.filter(generation=Generation.LEGACY, code="mekong-delta").delete()
    result = geo_load()
    assert result.regions_created == 1
    assert (
        Region.objects.get(generation=Generation.LEGACY, code="mekong-delta").provinces.count()
        == 13
    )


def test_command_prints_counts_and_never_touches_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("load-geo must not open a connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    out = StringIO()
    call_command("load_geo", stdout=out)
    text = out.getvalue()
    assert "legacy commune: 10035" in text
    assert "current commune: 3321" in text
    assert "units created 0, updated 0" in text
    assert "organisation units synchronised:" in text
