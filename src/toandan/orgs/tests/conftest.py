from __future__ import annotations

from toandan.accounts.tests.conftest import (  # noqa: F401 - shared fixtures
    leader_hanoi,
    officer_ba_dinh,
    officer_hoan_kiem,
)
