"""Several statements in one round trip: same effect, in order, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from toandan.core.sql import (
    add_counts_statements,
    execute_together,
    insert_statement,
    run_together,
    values_rows,
)

pytestmark = pytest.mark.django_db

INSERT = f"INSERT INTO sql_test (k, n) VALUES {values_rows(2, 2)}"  # noqa: S608 - fixed text
ADD = "UPDATE sql_test SET n = n + %s WHERE k = %s"


@pytest.fixture(autouse=True)
def _table() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE sql_test (k integer PRIMARY KEY, n integer)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sql_test")


def _rows() -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT k, n FROM sql_test")
        return dict(cursor.fetchall())


def test_statements_run_in_order_in_one_round_trip_on_postgresql() -> None:
    with CaptureQueriesContext(connection) as queries:
        execute_together(
            [
                (INSERT, [1, 5, 2, 7]),
                (ADD, [10, 1]),  # sees the row the first statement wrote
            ]
        )

    assert _rows() == {1: 15, 2: 7}
    assert len(queries) == (1 if connection.vendor == "postgresql" else 2)


def test_a_failing_statement_takes_the_others_back_with_the_transaction() -> None:
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017, PT011 - the driver's own error
        execute_together([(INSERT, [1, 5, 2, 7]), (INSERT, [3, 5, 1, 7])])  # 1 twice

    assert _rows() == {}


def test_statements_of_several_callers_run_together_when_the_block_ends() -> None:
    with CaptureQueriesContext(connection) as queries:
        with run_together():
            execute_together([(INSERT, [1, 5, 2, 7])])
            with run_together():  # a nested block joins the outer one
                execute_together([(ADD, [10, 1])])
            assert _rows() == {}  # nothing sent yet
        assert _rows() == {1: 15, 2: 7}

    assert len(queries) == (1 + 2 if connection.vendor == "postgresql" else 2 + 2)


def test_a_block_that_fails_sends_nothing() -> None:
    def failing_block() -> None:
        with run_together():
            execute_together([(INSERT, [1, 5, 2, 7])])
            raise RuntimeError

    with pytest.raises(RuntimeError):
        failing_block()

    assert _rows() == {}
    execute_together([(INSERT, [1, 5, 2, 7])])  # and the next call runs at once again
    assert _rows() == {1: 5, 2: 7}


def test_counts_that_stay_zero_are_neither_sent_nor_updated() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE counts_test (k integer PRIMARY KEY, a integer NOT NULL, "
            "b integer NOT NULL, c integer NOT NULL)"
        )
        cursor.execute("INSERT INTO counts_test VALUES (1, 10, 20, 30)")
    # A new tip counts one measure: two rows, one existing and one new
    statements = add_counts_statements(
        "counts_test", ["k"], ["a", "b", "c"], {(1,): {"b": 1}, (2,): {"b": 1, "a": 0}}
    )

    assert [len(params) for _sql, params in statements] == [4]  # keys and b, nothing else
    execute_together(statements)
    # And then a change of two measures, one of them down
    execute_together(
        add_counts_statements("counts_test", ["k"], ["a", "b", "c"], {(1,): {"a": -1, "c": 2}})
    )
    # And rows whose counts are all zero are made, and change nothing where they exist
    execute_together(
        add_counts_statements("counts_test", ["k"], ["a", "b", "c"], {(1,): {}, (3,): {}})
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT k, a, b, c FROM counts_test ORDER BY k")
        assert cursor.fetchall() == [(1, 9, 21, 32), (2, 0, 1, 0), (3, 0, 0, 0)]
        cursor.execute("DROP TABLE counts_test")


def test_values_rows() -> None:
    assert values_rows(2, 3) == "(%s, %s), (%s, %s), (%s, %s)"


def test_insert_statement_of_several_rows_joins_with_other_statements() -> None:
    groups = [Group(name="sql-a"), Group(name="sql-b")]

    execute_together(
        [
            insert_statement(groups),
            ("UPDATE auth_group SET name = name || '!' WHERE name = %s", ["sql-b"]),
        ]
    )

    assert set(Group.objects.filter(name__startswith="sql-").values_list("name", flat=True)) == {
        "sql-a",
        "sql-b!",
    }


def test_insert_statement_refuses_a_saved_instance() -> None:
    group = Group.objects.create(name="sql-saved")

    with pytest.raises(ValueError, match="new instances"):
        insert_statement([group])
