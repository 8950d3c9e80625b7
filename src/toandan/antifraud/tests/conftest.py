"""Fixtures of the antifraud tests: fraud tips sent through the real tips intake (the tests
stand where a citizen and an officer stand; the app itself reaches tips only through
`toandan.tips.interface`), and police officers of Hà Nội."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import LazySettings

from toandan.accounts.tests.factories import make_user
from toandan.core.process_cache import forget_cached_reference_data
from toandan.geo.models import AdminUnit, Generation, Level

HANOI = "01"
HOAN_KIEM = "00070"
BA_DINH = "00004"
HOAN_KIEM_POLICE = "CA-01-00070"
BA_DINH_POLICE = "CA-01-00004"
HANOI_POLICE = "CA-01"

SCAM_SMS = (
    "[VCB] Tai khoan cua Quy khach bi tam khoa. Xac thuc ngay tai vietcombạnk.com.vn/xac-thuc "
    "hoac goi 0531 234 567. Chuyen phi mo khoa vao STK 0011004567890 Vietcombank."
)


@pytest.fixture(autouse=True)
def _fresh(settings: LazySettings) -> Iterator[None]:
    settings.TOANDAN_RECEIPT_ARGON2_TIME_COST = 1
    settings.TOANDAN_RECEIPT_ARGON2_MEMORY_KIB = 64
    from toandan.antifraud import services
    from toandan.antifraud.limits import forget_local_counts

    forget_cached_reference_data()
    forget_local_counts()
    services.lookups_flush()  # no count of another test's lookups
    yield
    forget_cached_reference_data()
    forget_local_counts()


def _place(level: str, code: str) -> AdminUnit:
    return AdminUnit.objects.get(generation=Generation.CURRENT, level=level, code=code)


@pytest.fixture
def fraud_tip(db: None) -> Callable[..., Any]:
    """Send a fraud tip (fake bank by default) about phường Hoàn Kiếm; returns the Tip."""
    from toandan.tips.models import Category
    from toandan.tips.services import TipInput, tip_submit

    def make(
        description: str = SCAM_SMS,
        category: str = "fraud-fake-bank",
        commune: str = HOAN_KIEM,
        contact_phone: str = "",
        device: str = "",
    ) -> Any:
        data = TipInput(
            category=Category.objects.get(code=category),
            description=description,
            province=_place(Level.PROVINCE, HANOI),
            commune=_place(Level.COMMUNE, commune),
            address="",
            occurred_on=dt.date(2026, 11, 20),
            contact_phone=contact_phone,
        )
        return tip_submit(data=data, sender_device=device).tip

    return make


@pytest.fixture
def officer_hoan_kiem(db: None) -> Any:
    return make_user("ca.hoankiem.af", "police_officer", HOAN_KIEM_POLICE)


@pytest.fixture
def officer2_hoan_kiem(db: None) -> Any:
    return make_user("ca.hoankiem2.af", "police_officer", HOAN_KIEM_POLICE)


@pytest.fixture
def officer_ba_dinh(db: None) -> Any:
    return make_user("ca.badinh.af", "police_officer", BA_DINH_POLICE)


@pytest.fixture
def leader_hanoi(db: None) -> Any:
    return make_user("ca.hanoi.af", "police_leader", HANOI_POLICE)
