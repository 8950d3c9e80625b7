"""Backups read the database from outside the test's transaction (pg_dump is another process,
SQLite's backup API needs committed pages): these tests commit, as `committed_db` does."""

from __future__ import annotations

from toandan.tips.tests.conftest import committed_db

__all__ = ["committed_db"]
