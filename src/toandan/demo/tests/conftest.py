"""Synthetic tips go through the tips' tables and the workers commit: the tips' fixtures for
both (cheap receipt hashing for the demo's real intake, `committed_db` for the workers)."""

from __future__ import annotations

from toandan.tips.tests.conftest import _cheap_receipt_hashing, committed_db

__all__ = ["_cheap_receipt_hashing", "committed_db"]
