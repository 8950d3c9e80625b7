"""The tips table keeps no index that another one makes useless: every new tip updates every
index of its row inside the intake transaction (the register's lock held), so an index that
answers nothing another does not answer is paid for by every tip and serves no query."""

from __future__ import annotations

import pytest
from django.db import connection

from toandan.tips.models import Tip

pytestmark = pytest.mark.django_db

# The prefix index PostgreSQL adds beside a unique text column (`varchar_pattern_ops`) is
# kept where a prefix search runs: the demo data is found by its references' prefix.
PREFIX_SEARCHED = {"reference"}


def _indexes() -> dict[str, tuple[list[str], bool]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Tip._meta.db_table)
    return {
        name: (list(info["columns"]), bool(info["unique"] or info["primary_key"]))
        for name, info in found.items()
        if info["index"] or info["unique"] or info["primary_key"]
    }


def test_no_index_on_tips_is_the_leading_part_of_another() -> None:
    indexes = _indexes()
    redundant = []
    for name, (columns, unique) in indexes.items():
        if unique or name.endswith("_like"):
            continue  # uniqueness is a rule, not a speed-up; prefix indexes: the next test
        for other, (other_columns, _unique) in indexes.items():
            if other != name and other_columns[: len(columns)] == columns:
                redundant.append(f"{name} {columns} (served by {other} {other_columns})")
                break
    assert redundant == []


def test_prefix_indexes_only_where_a_prefix_search_runs() -> None:
    prefix_indexed = {
        columns[0] for name, (columns, _unique) in _indexes().items() if name.endswith("_like")
    }
    assert prefix_indexed <= PREFIX_SEARCHED
