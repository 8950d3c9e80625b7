from __future__ import annotations

from collections.abc import Callable

import pytest

from toandan.accounts.grants import role_bootstrap
from toandan.accounts.models import Role, User
from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit
from toandan.orgs.services import org_unit_create


@pytest.fixture
def commune_police(db) -> OrgUnit:
    return org_unit_create(
        actor=None,
        kind=OrgKind.POLICE,
        level=OrgLevel.COMMUNE,
        code="CA-TEST-WEB",
        name="Công an phường Thử Nghiệm",
        parent=None,
        admin_unit=None,
        reason="test",
    )


@pytest.fixture
def make_staff(db, commune_police: OrgUnit, settings) -> Callable[..., User]:
    """A staff account holding `role` in a commune police unit (no role when None).

    Police two-factor is switched off, as `make run` does: these tests are about the shell.
    """
    settings.TOANDAN_POLICE_2FA_REQUIRED = False

    def make(username: str = "canbo", role: str | None = Role.POLICE_OFFICER, **extra) -> User:
        user = User.objects.create_user(
            username=username, password="Mat-khau-dai-2026", full_name="Trần Thị Thử", **extra
        )
        if role is not None:
            role_bootstrap(user=user, role=role, org_unit=commune_police, reason="test")
        return user

    return make
