"""Several statements in one round trip: same effect, in order, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from toandan.core.sql import execute_together, values_rows

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


def test_values_rows() -> None:
    assert values_rows(2, 3) == "(%s, %s), (%s, %s), (%s, %s)"
