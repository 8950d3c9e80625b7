"""Reads of the geography: dates, the tree, successions and accent-insensitive search."""

from __future__ import annotations

import datetime as dt

import pytest

from toandan.geo import selectors
from toandan.geo.models import AdminUnit, Generation, Level, SuccessionKind

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2024, 6, 30)
LAST_LEGACY_DAY = dt.date(2025, 6, 30)
AFTER = dt.date(2025, 7, 1)


def _unit(generation: str, level: str, search_full: str) -> AdminUnit:
    return AdminUnit.objects.get(generation=generation, level=level, search_full=search_full)


@pytest.fixture
def le_ninh() -> AdminUnit:
    return _unit("legacy", "commune", "xa le ninh thi xa kinh mon tinh hai duong")


@pytest.fixture
def kinh_mon() -> AdminUnit:
    return _unit("legacy", "district", "thi xa kinh mon tinh hai duong")


@pytest.fixture
def hai_phong() -> AdminUnit:
    return _unit("current", "province", "thanh pho hai phong")


def test_provinces_valid_on_each_side_of_the_reform():
    assert selectors.provinces_valid_on(BEFORE).count() == 63
    assert selectors.provinces_valid_on(LAST_LEGACY_DAY).count() == 63
    assert selectors.provinces_valid_on(AFTER).count() == 34
    assert selectors.provinces_valid_on(dt.date(2030, 1, 1)).count() == 34


def test_units_valid_on_by_level_and_parent(hai_phong):
    assert selectors.units_valid_on(AFTER, level=Level.COMMUNE).count() == 3_321
    assert selectors.units_valid_on(BEFORE, level=Level.COMMUNE).count() == 10_035
    assert selectors.units_valid_on(AFTER, level=Level.DISTRICT).count() == 0
    in_hai_phong = selectors.units_valid_on(AFTER, parent=hai_phong)
    assert in_hai_phong.count() == hai_phong.children.count() > 100
    assert selectors.units_valid_on(BEFORE, parent=hai_phong).count() == 0


def test_children_of_a_legacy_province_are_its_districts():
    hai_duong = _unit("legacy", "province", "tinh hai duong")
    districts = selectors.children(hai_duong)
    assert districts.count() == 12
    assert {unit.level for unit in districts} == {Level.DISTRICT}
    assert selectors.children(hai_duong, on=BEFORE).count() == 12
    assert selectors.children(hai_duong, on=AFTER).count() == 0


def test_ancestors_from_the_province_down(le_ninh, kinh_mon):
    assert [unit.name for unit in selectors.ancestors(le_ninh)] == [
        "Tỉnh Hải Dương",
        "Thị xã Kinh Môn",
    ]
    assert [unit.pk for unit in selectors.ancestors(kinh_mon)] == [kinh_mon.parent_id]
    assert list(selectors.ancestors(kinh_mon.parent)) == []


def test_descendants_by_path_prefix(kinh_mon, le_ninh):
    below = selectors.descendants(kinh_mon)
    assert le_ninh in below
    assert kinh_mon not in below
    assert below.count() == kinh_mon.children.count()
    hai_duong = kinh_mon.parent
    assert selectors.descendants(hai_duong, level=Level.COMMUNE).filter(pk=le_ninh.pk).exists()
    assert selectors.descendants(hai_duong, level=Level.DISTRICT).count() == 12


def test_successors_and_predecessors(le_ninh):
    edges = list(selectors.successors(le_ninh))
    assert [(e.successor.name, e.kind) for e in edges] == [("Phường Bắc An Phụ", "merged")]
    bac_an_phu = edges[0].successor
    formed_from = {e.predecessor.name: e.kind for e in selectors.predecessors(bac_an_phu)}
    # Three communes went into it whole; part of a fourth, divided, joined them.
    assert formed_from == {
        "Xã Lê Ninh": "merged",
        "Xã Bạch Đằng": "merged",
        "Phường Thất Hùng": "merged",
        "Phường Văn Đức": "divided",
    }


def test_successors_of_a_province():
    hai_duong = _unit("legacy", "province", "tinh hai duong")
    edges = list(selectors.successors(hai_duong))
    assert [(e.successor.name, e.kind) for e in edges] == [("Thành phố Hải Phòng", "merged")]


def test_current_equivalent_of_each_kind_of_unit(le_ninh, kinh_mon, hai_phong):
    bac_an_phu = selectors.current_equivalent(le_ninh)
    assert bac_an_phu is not None
    assert bac_an_phu.name == "Phường Bắc An Phụ"
    assert selectors.current_equivalent(bac_an_phu) == bac_an_phu
    assert selectors.current_equivalent(kinh_mon.parent) == hai_phong
    # Districts were abolished: their figures go to their province's successor.
    assert selectors.current_equivalent(kinh_mon) == hai_phong


def test_current_equivalent_of_an_island_district_is_its_special_zone():
    con_dao = _unit("legacy", "district", "huyen con dao tinh ba ria vung tau")
    special_zone = selectors.current_equivalent(con_dao)
    assert special_zone is not None
    assert special_zone.full_name == "Đặc khu Côn Đảo, Thành phố Hồ Chí Minh"


def test_current_equivalent_of_a_divided_commune():
    divided = (
        AdminUnit.objects.filter(successions__kind=SuccessionKind.DIVIDED)
        .distinct()
        .order_by("code")
        .first()
    )
    assert divided is not None
    edges = list(selectors.successors(divided))
    primary = next(e.successor for e in edges if e.is_primary)
    assert selectors.current_equivalent(divided) == primary
    whole = selectors.current_equivalent(divided, primary_only=False)
    assert whole is not None
    assert whole.level == Level.PROVINCE
    assert whole.pk == primary.parent_id


def test_search_without_accents_finds_ha_noi_first():
    results = list(selectors.search("ha noi", limit=5))
    assert results[0].name == "Thành phố Hà Nội"
    assert results[0].generation == Generation.CURRENT
    assert results[1].name == "Thành phố Hà Nội"
    assert results[1].generation == Generation.LEGACY


def test_search_with_accents_and_capitals_is_the_same():
    plain = [u.pk for u in selectors.search("ha noi", limit=10)]
    assert [u.pk for u in selectors.search("  Hà   NỘI ", limit=10)] == plain


def test_search_kinh_mon_finds_the_town_and_its_communes(kinh_mon, le_ninh):
    results = list(selectors.search("kinh mon", on=BEFORE, limit=None))
    assert results[0] == kinh_mon
    assert le_ninh in results
    assert set(kinh_mon.children.all()) <= set(results)


def test_search_ranks_exact_then_prefix_then_contained():
    results = list(selectors.search("an phu", on=AFTER, level=Level.COMMUNE, limit=None))
    names = [unit.name for unit in results]
    ranks = [unit.match_rank for unit in results]  # type: ignore[attr-defined]
    assert ranks == sorted(ranks)
    exact = names.index("Xã An Phú")  # short name is exactly "an phu"
    assert exact < names.index("Phường Bắc An Phụ")  # contains it
    assert ranks[0] == 0


def test_search_matches_word_starts_only():
    # "an" finds "An Phú" and "Bắc An Phụ" but not every "Thanh" or "Lan".
    results = list(selectors.search("an", on=AFTER, limit=None))
    assert results
    assert all(f" {unit.search_full}".count(" an") for unit in results)
    thanh = (
        AdminUnit.objects.filter(generation=Generation.CURRENT, search_full__contains="thanh")
        .exclude(search_full__contains=" an")
        .exclude(search_full__startswith="an")
        .first()
    )
    assert thanh is not None
    assert thanh not in results


def test_search_parts_separated_by_commas(le_ninh):
    results = list(selectors.search("le ninh, kinh mon", limit=None))
    assert results == [le_ninh]


def test_search_within_a_province_and_level(hai_phong):
    results = list(selectors.search("an", province=hai_phong, level=Level.COMMUNE, limit=None))
    assert results
    assert {unit.parent_id for unit in results} == {hai_phong.pk}


def test_search_of_nothing_finds_nothing():
    assert list(selectors.search("  ,  ")) == []
    assert list(selectors.search("%_")) == []


def test_regions_with_their_provinces(django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = list(selectors.regions(Generation.CURRENT))
        assert len(rows) == 9
        assert sum(len(r.provinces.all()) for r in rows if r.kind == "statistical") == 34


def test_reform_summary_counts_the_loaded_units() -> None:
    summary = selectors.reform_summary(AFTER)
    assert (summary.provinces_before, summary.provinces_after, summary.communes_after) == (
        63,
        34,
        3321,
    )


def test_reform_summary_follows_the_data_when_a_unit_closes() -> None:
    commune = AdminUnit.objects.filter(generation=Generation.CURRENT, level=Level.COMMUNE).first()
    assert commune is not None
    commune.valid_to = LAST_LEGACY_DAY
    commune.save(update_fields=["valid_to"])
    assert selectors.reform_summary(AFTER).communes_after == 3320
