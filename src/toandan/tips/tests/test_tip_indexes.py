"""The tables every new tip writes keep no index that another one makes useless: the intake
updates every index of its rows inside its transaction (the register's lock held), so an index
that answers nothing another does not answer is paid for by every tip and serves no query."""

from __future__ import annotations

import pytest
from django.db import connection, models

from toandan.tips.models import Tip, TipBand, TipFingerprint, TipRoute

pytestmark = pytest.mark.django_db

# The prefix index PostgreSQL adds beside a unique text column (`varchar_pattern_ops`) is
# kept where a prefix search runs: the demo data is found by its references' prefix.
PREFIX_SEARCHED = {"reference"}


# The rows of a new tip (the audit event and the statistics' rows are not the intake's own).
INTAKE_ROWS = [Tip, TipRoute, TipFingerprint, TipBand]


def _indexes(model: type[models.Model]) -> dict[str, tuple[list[str], bool]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {
        name: (list(info["columns"]), bool(info["unique"] or info["primary_key"]))
        for name, info in found.items()
        if info["index"] or info["unique"] or info["primary_key"]
    }


@pytest.mark.parametrize("model", INTAKE_ROWS, ids=lambda m: m.__name__)
def test_no_index_of_a_tips_rows_is_the_leading_part_of_another(
    model: type[models.Model],
) -> None:
    indexes = _indexes(model)
    # A partial index (WHERE ...) does not hold every row: it serves no lookup of all of them.
    partial = {
        item.name
        for item in [*model._meta.indexes, *model._meta.constraints]
        if getattr(item, "condition", None) is not None
    }
    redundant = []
    for name, (columns, unique) in indexes.items():
        if unique or name.endswith("_like"):
            continue  # uniqueness is a rule, not a speed-up; prefix indexes: the next test
        for other, (other_columns, _unique) in indexes.items():
            if other not in {name, *partial} and other_columns[: len(columns)] == columns:
                redundant.append(f"{name} {columns} (served by {other} {other_columns})")
                break
    assert redundant == []


def test_prefix_indexes_only_where_a_prefix_search_runs() -> None:
    prefix_indexed = {
        columns[0] for name, (columns, _unique) in _indexes(Tip).items() if name.endswith("_like")
    }
    assert prefix_indexed <= PREFIX_SEARCHED


def test_a_tips_band_rows_are_checked_by_no_foreign_key_at_commit() -> None:
    # The 32 band rows of a new tip would each fire a deferred check of the tip at COMMIT,
    # under the register's lock (0.15 ms a tip here); the intake writes them with the tip, in
    # its transaction, and the ORM's cascade deletes them with it (test_duplicates).
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, TipBand._meta.db_table)
    assert [name for name, info in found.items() if info["foreign_key"]] == []
