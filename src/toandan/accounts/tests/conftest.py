from __future__ import annotations

import pytest

from toandan.accounts.tests.factories import make_user


@pytest.fixture
def officer_hoan_kiem(db: None):
    return make_user("ca.hoankiem.test", "police_officer", "CA-01-00070")


@pytest.fixture
def officer_ba_dinh(db: None):
    return make_user("ca.badinh.test", "police_officer", "CA-01-00004")


@pytest.fixture
def leader_hanoi(db: None):
    return make_user("ca.hanoi.test", "police_leader", "CA-01")
