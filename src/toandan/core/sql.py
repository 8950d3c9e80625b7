"""Several statements in one round trip to the database.

Writes inside a hot transaction (the intake holds its unit's register lock until it commits)
cost mostly their round trips: PostgreSQL answers each in a fraction of a millisecond, but
every tip to the unit waits for all of them. With client-side parameter binding (Django's
default with psycopg 3), statements joined by ";" go to PostgreSQL as one query and run in
order, in the same transaction, so locks are taken in the same order as one by one. Other
databases (SQLite) run them one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

Statement = tuple[str, Sequence[Any]]


def values_rows(width: int, count: int) -> str:
    """ "(%s, %s), (%s, %s)": the VALUES of `count` rows of `width` columns."""
    row = "(" + ", ".join(["%s"] * width) + ")"
    return ", ".join([row] * count)


def execute_together(statements: Sequence[Statement]) -> None:
    """Run the statements in order in the current transaction, in one round trip where the
    database and its driver allow it."""
    if not statements:
        return
    with connection.cursor() as cursor:
        if len(statements) > 1 and _joins_statements(cursor):
            params: list[Any] = []
            for _sql, statement_params in statements:
                params.extend(statement_params)
            cursor.execute(";\n".join(sql for sql, _params in statements), params)
            return
        for sql, statement_params in statements:
            cursor.execute(sql, statement_params)


def _joins_statements(cursor: Any) -> bool:
    if connection.vendor != "postgresql":
        return False
    import psycopg

    # A server-side binding cursor sends parameters apart and refuses several statements.
    return isinstance(getattr(cursor, "cursor", None), psycopg.ClientCursor)
