"""Fixtures of the initiatives tests: real communes and units (loaded with the geography) and
users holding roles there."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from toandan.accounts.models import Role, User
from toandan.accounts.tests.factories import make_user, unit
from toandan.geo.models import AdminUnit, Generation, Level
from toandan.initiatives.models import Initiative, Theme
from toandan.initiatives.services import initiative_register

HOAN_KIEM = "00070"  # Phường Hoàn Kiếm, Hà Nội (today)
BA_DINH = "00004"  # Phường Ba Đình, Hà Nội (today)


def commune(code: str, generation: str = Generation.CURRENT) -> AdminUnit:
    return AdminUnit.objects.get(generation=generation, level=Level.COMMUNE, code=code)


def theme(code: str = "camera") -> Theme:
    return Theme.objects.get(code=code)


@pytest.fixture
def cadre(db: None) -> User:
    return make_user("pn.hk", Role.UNION_CADRE, "PN-01-00070")


@pytest.fixture
def cadre_ba_dinh(db: None) -> User:
    return make_user("pn.bd", Role.UNION_CADRE, "PN-01-00004")


@pytest.fixture
def police(db: None) -> User:
    return make_user("ca.hk", Role.POLICE_OFFICER, "CA-01-00070")


@pytest.fixture
def province_police(db: None) -> User:
    return make_user("ca.hn", Role.POLICE_LEADER, "CA-01")


def register(actor: User, *, code: str = HOAN_KIEM, **extra: Any) -> Initiative:
    values: dict[str, Any] = {
        "name": "Mô hình 'Camera an ninh' khu dân cư số 3",
        "theme": theme(),
        "host_unit": unit(f"PN-01-{code}"),
        "police_unit": unit(f"CA-01-{code}"),
        "commune": commune(code),
        "started_on": dt.date(2025, 8, 1),
        "contact_name": "Nguyễn Thị Mẫu",
        "contact_phone": "0399 000 111",
    }
    values.update(extra)
    return initiative_register(actor=actor, **values)
