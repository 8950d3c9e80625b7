"""Staff members in real units (the organisation tree the test database loads): the
notifications app is tested without any domain app, as a new domain would use it."""

from __future__ import annotations

from typing import Any

import pytest

from toandan.accounts.tests.factories import make_user


@pytest.fixture
def officer_hoan_kiem(db: None) -> Any:
    return make_user("ca.hoankiem.notify", "police_officer", "CA-01-00070")


@pytest.fixture
def officer_ba_dinh(db: None) -> Any:
    return make_user("ca.badinh.notify", "police_officer", "CA-01-00004")
