from __future__ import annotations

from toandan.accounts.tests.conftest import (  # noqa: F401 - shared fixtures
    _police_two_factor_off_by_default,
    fast_password_hashing,
    leader_hanoi,
    officer_ba_dinh,
    officer_hoan_kiem,
)
