"""Test helpers shared by the accounts and orgs tests: real units, users with roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from toandan.accounts.grants import role_bootstrap
from toandan.accounts.models import User
from toandan.orgs.models import OrgUnit

PASSWORD = "Mat-khau-2026-an-toan"

# Real units created by loading the geography (codes of the official list of 25/06/2025).
HOAN_KIEM_POLICE = "CA-01-00070"  # Công an phường Hoàn Kiếm, Hà Nội
BA_DINH_POLICE = "CA-01-00004"  # Công an phường Ba Đình, Hà Nội
HANOI_POLICE = "CA-01"  # Công an thành phố Hà Nội
SAPA_POLICE = "CA-15-03006"  # Công an phường Sa Pa, Lào Cai
HOAN_KIEM_UNION = "PN-01-00070"  # Hội LHPN phường Hoàn Kiếm
BA_DINH_UNION = "PN-01-00004"
HANOI_UNION = "PN-01"
CENTRAL_POLICE = "CA-TW"
CENTRAL_UNION = "PN-TW"


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.select_related("admin_unit").get(code=code)


def make_user(
    username: str,
    role: str | None = None,
    unit_code: str | None = None,
    *,
    password: str = PASSWORD,
    valid_from: dt.date | None = None,
    **extra: Any,
) -> User:
    user = User.objects.create_user(
        username=username, password=password, full_name=extra.pop("full_name", username), **extra
    )
    if role and unit_code:
        # The system actor's audited bootstrap: a test's police officer opens tips without a
        # second administrator's approval, which every product path asks for.
        role_bootstrap(
            user=user,
            role=role,
            org_unit=unit(unit_code),
            valid_from=valid_from or dt.date(2025, 7, 1),
            reason="test data",
        )
    return user


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
