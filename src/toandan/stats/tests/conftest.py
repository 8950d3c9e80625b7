"""Fixtures of the statistics tests: real places and units (official codes), facts of tips
recorded straight through the summary hook (old-generation places included, which intake no
longer produces), users with the roles that read, enter and approve."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import LazySettings

from toandan.accounts.tests.factories import make_user
from toandan.core.process_cache import forget_cached_reference_data
from toandan.geo.models import AdminUnit, Generation, Level
from toandan.tips.models import Category

VN = ZoneInfo("Asia/Ho_Chi_Minh")

HA_GIANG_OLD = "02"  # Tỉnh Hà Giang, merged into Tỉnh Tuyên Quang (08) on 01/07/2025
TUYEN_QUANG = "08"
HANOI = "01"
HANG_TRONG_OLD = "00070"  # Phường Hàng Trống (old), divided; its main part is Phường Hoàn Kiếm
HOAN_KIEM = "00070"
CUA_NAM = "00082"
BA_DINH = "00004"


@pytest.fixture(autouse=True)
def _fresh_reference_data() -> Iterator[None]:
    forget_cached_reference_data()
    yield
    forget_cached_reference_data()


@pytest.fixture(autouse=True)
def _cheap_receipt_hashing(settings: LazySettings) -> None:
    settings.TOANDAN_RECEIPT_ARGON2_TIME_COST = 1
    settings.TOANDAN_RECEIPT_ARGON2_MEMORY_KIB = 64


def unit(generation: str, level: str, code: str) -> AdminUnit:
    return AdminUnit.objects.get(generation=generation, level=level, code=code)


def old_province(code: str) -> AdminUnit:
    return unit(Generation.LEGACY, Level.PROVINCE, code)


def province(code: str) -> AdminUnit:
    return unit(Generation.CURRENT, Level.PROVINCE, code)


def old_commune(code: str) -> AdminUnit:
    return unit(Generation.LEGACY, Level.COMMUNE, code)


def commune(code: str) -> AdminUnit:
    return unit(Generation.CURRENT, Level.COMMUNE, code)


def category(code: str = "theft") -> Category:
    return Category.objects.get(code=code)


def at(year: int, month: int, day: int = 10, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=VN)


def facts(place: AdminUnit, received_at: dt.datetime, **changes: Any) -> dict[str, Any]:
    """The counted fields of a tip (timeline.FACT_FIELDS), received at `place` (a province,
    or a commune whose province is derived)."""
    if place.level == Level.COMMUNE:
        province_id = int(place.path.strip("/").split("/")[0])
        commune_id: int | None = place.pk
    else:
        province_id, commune_id = place.pk, None
    values: dict[str, Any] = {
        "id": 0,
        "province_id": province_id,
        "commune_id": commune_id,
        "register_unit_id": 0,
        "responsible_unit_id": 0,
        "category_id": category().pk,
        "channel": "web",
        "union_branch_id": None,
        "received_at": received_at,
        "status": "received",
        "outcome": "",
        "concluded_at": None,
        "decided_in_time": None,
        "valuable": None,
        "offence_chapter": None,
        "arrested_count": None,
        "property_recovered_vnd": None,
        "first_action_at": None,
    }
    values.update(changes)
    return values


def concluded(place: AdminUnit, received_at: dt.datetime, **changes: Any) -> dict[str, Any]:
    values = {
        "status": "concluded",
        "outcome": "prosecuted",
        "valuable": True,
        "decided_in_time": True,
        "concluded_at": received_at + dt.timedelta(days=12),
    }
    values.update(changes)
    return facts(place, received_at, **values)


@pytest.fixture
def analyst_national(db: None) -> Any:
    return make_user("thongke.tw", "analyst", "CA-TW")


@pytest.fixture
def analyst_hanoi(db: None) -> Any:
    return make_user("thongke.hn", "analyst", "PN-01")


@pytest.fixture
def leader_central_union(db: None) -> Any:
    return make_user("pn.tw.leader", "union_leader", "PN-TW")


@pytest.fixture
def leader_hanoi_union(db: None) -> Any:
    return make_user("pn.hn.leader", "union_leader", "PN-01")


@pytest.fixture
def cadre_hoan_kiem_union(db: None) -> Any:
    return make_user("pn.hk.cadre", "union_cadre", "PN-01-00070")


@pytest.fixture
def cadre_ba_dinh_union(db: None) -> Any:
    return make_user("pn.bd.cadre", "union_cadre", "PN-01-00004")


@pytest.fixture
def cadre_hanoi_union(db: None) -> Any:
    return make_user("pn.hn.cadre", "union_cadre", "PN-01")


@pytest.fixture
def officer_hoan_kiem(db: None) -> Any:
    return make_user("ca.hk.stats", "police_officer", "CA-01-00070")


@pytest.fixture
def english() -> Iterator[None]:
    """Messages in English: assertions on msgids hold before and after the Vietnamese
    catalogue gains this app's strings."""
    from django.utils import translation

    with translation.override("en"):
        yield
