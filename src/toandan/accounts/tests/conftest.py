from __future__ import annotations

import pytest
from django.conf import LazySettings

from toandan.accounts.tests.factories import make_user


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: LazySettings) -> None:
    """Argon2 takes ~0.2 s per hash by design; tests create many users. Argon2 stays in the
    list so hashes it wrote (one-time passwords, demo accounts) still verify."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _police_two_factor_off_by_default(settings: LazySettings) -> None:
    # Tests of the two-factor gate turn it on themselves.
    settings.TOANDAN_POLICE_2FA_REQUIRED = False


@pytest.fixture
def officer_hoan_kiem(db: None):
    return make_user("ca.hoankiem.test", "police_officer", "CA-01-00070")


@pytest.fixture
def officer_ba_dinh(db: None):
    return make_user("ca.badinh.test", "police_officer", "CA-01-00004")


@pytest.fixture
def leader_hanoi(db: None):
    return make_user("ca.hanoi.test", "police_leader", "CA-01")
