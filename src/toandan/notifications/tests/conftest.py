"""The tips tests' fixtures (temporary keyring and attachment folder, fast receipt hashing,
real officers in real units), so notifications are tested on tips made by the real intake."""

from __future__ import annotations

from toandan.tips.tests.conftest import (  # noqa: F401 - fixtures, used by name
    _cheap_receipt_hashing,
    leader_hanoi,
    officer_ba_dinh,
    officer_hoan_kiem,
)
