"""Several statements in one round trip to the database.

Writes inside a hot transaction (the intake holds its unit's register lock until it commits)
cost mostly their round trips: PostgreSQL answers each in a fraction of a millisecond, but
every tip to the unit waits for all of them. With client-side parameter binding (Django's
default with psycopg 3), statements joined by ";" go to PostgreSQL as one query and run in
order, in the same transaction, so locks are taken in the same order as one by one. Other
databases (SQLite) run them one by one.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper

Statement = tuple[str, Sequence[Any]]


def values_rows(width: int, count: int) -> str:
    """ "(%s, %s), (%s, %s)": the VALUES of `count` rows of `width` columns."""
    row = "(" + ", ".join(["%s"] * width) + ")"
    return ", ".join([row] * count)


# Rows per upsert statement: SQLite caps the parameters of one statement at 32,766, and a bulk
# load passes thousands of rows of about twenty columns.
UPSERT_ROWS = 500


@functools.lru_cache(maxsize=256)
def _add_counts_sql(
    vendor: str, table: str, keys: tuple[str, ...], measures: tuple[str, ...], count: int
) -> str:
    """The text of one upsert of `count` rows: the same few shapes on every tip (building it
    quoted 170 names a tip, 0.7 ms of CPU)."""
    quote = connection.ops.quote_name
    columns = [*keys, *measures]
    updates = ", ".join(
        f"{quote(m)} = {quote(table)}.{quote(m)} + excluded.{quote(m)}" for m in measures
    )
    return (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 - names from the models
        f"VALUES {values_rows(len(columns), count)} "
        f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {updates}"
    )


def add_counts_statements(
    table: str,
    keys: Sequence[str],
    measures: Sequence[str],
    rows: Mapping[Any, Mapping[str, int]],
) -> list[Statement]:
    """`INSERT … ON CONFLICT (keys) DO UPDATE SET m = m + excluded.m` adding signed counts to
    the rows of a summary table (`rows`: key tuple -> counts; keys distinct), UPSERT_ROWS rows
    a statement, keys in sorted order: two transactions touching the same rows lock them in
    the same order and cannot deadlock."""
    ordered = sorted(rows)
    statements: list[Statement] = []
    for first in range(0, len(ordered), UPSERT_ROWS):
        chunk = ordered[first : first + UPSERT_ROWS]
        params: list[Any] = []
        for key in chunk:
            counts = rows[key]
            params += [*key, *(counts.get(m, 0) for m in measures)]
        sql = _add_counts_sql(connection.vendor, table, tuple(keys), tuple(measures), len(chunk))
        statements.append((sql, params))
    return statements


def execute_together(statements: Sequence[Statement], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Run the statements in order in the current transaction, in one round trip where the
    database and its driver allow it."""
    if not statements:
        return
    connection = connections[using]
    with connection.cursor() as cursor:
        if len(statements) > 1 and _joins_statements(cursor, connection):
            params: list[Any] = []
            for _sql, statement_params in statements:
                params.extend(statement_params)
            cursor.execute(";\n".join(sql for sql, _params in statements), params)
            return
        for sql, statement_params in statements:
            cursor.execute(sql, statement_params)


# psycopg parses a query for its placeholders on every execution unless the query is at most
# 4,096 characters with at most 50 parameters, in which case the parse is cached by its text.
# The intake's joined writes (the summary upserts, about 6,300 characters; the fingerprint's
# bands, 70 parameters) were parsed anew for every tip: 0.6 ms of CPU each, as much as a round
# trip. Their shapes are few and fixed, so the bounds are raised to cover them (the cache keeps
# its 128 entries). `test_sql` checks that the intake's statements are cached, so an upgrade of
# psycopg that renames these settings fails a test instead of slowing intake in silence.
PARSE_CACHE_MAX_LENGTH = 16_384
PARSE_CACHE_MAX_PARAMS = 512


def cache_long_statement_parses() -> None:
    """Let psycopg cache the parse of the longer statements this application repeats."""
    from psycopg import _queries  # pinned psycopg: see the comment above

    _queries.MAX_CACHED_STATEMENT_LENGTH = max(
        _queries.MAX_CACHED_STATEMENT_LENGTH, PARSE_CACHE_MAX_LENGTH
    )
    _queries.MAX_CACHED_STATEMENT_PARAMS = max(
        _queries.MAX_CACHED_STATEMENT_PARAMS, PARSE_CACHE_MAX_PARAMS
    )


def _joins_statements(cursor: Any, connection: BaseDatabaseWrapper) -> bool:
    if connection.vendor != "postgresql":
        return False
    import psycopg

    # A server-side binding cursor sends parameters apart and refuses several statements.
    return isinstance(getattr(cursor, "cursor", None), psycopg.ClientCursor)
