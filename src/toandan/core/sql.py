"""Several statements in one round trip to the database.

Writes inside a hot transaction (the intake holds its unit's register lock until it commits)
cost mostly their round trips: PostgreSQL answers each in a fraction of a millisecond, but
every tip to the unit waits for all of them. With client-side parameter binding (Django's
default with psycopg 3), statements joined by ";" go to PostgreSQL as one query and run in
order, in the same transaction, so locks are taken in the same order as one by one. Other
databases (SQLite) run them one by one.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
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
    vendor: str,
    table: str,
    keys: tuple[str, ...],
    measures: tuple[str, ...],
    *,
    used: frozenset[str],
    count: int,
) -> str:
    """The text of one upsert of `count` rows: the same few shapes on every tip (building it
    quoted 170 names a tip, 0.7 ms of CPU). Measures outside `used` are 0 in every row: they
    are written as 0 and left alone on conflict, so a tip sends and updates only the counts
    it changes (a new tip: 1 of 14 measures of a summary row)."""
    quote = connection.ops.quote_name
    columns = [*keys, *measures]
    row = "(" + ", ".join(["%s"] * len(keys) + ["%s" if m in used else "0" for m in measures])
    updates = ", ".join(
        f"{quote(m)} = {quote(table)}.{quote(m)} + excluded.{quote(m)}"
        for m in measures
        if m in used
    )
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    return (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 - names from the models
        f"VALUES {', '.join([row + ')'] * count)} "
        f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) {action}"
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
    the same order and cannot deadlock. A row missing from the table is made with its counts
    (0 for the others); the measures that are 0 in every row of a statement are neither sent
    nor updated."""
    ordered = sorted(rows)
    statements: list[Statement] = []
    for first in range(0, len(ordered), UPSERT_ROWS):
        chunk = ordered[first : first + UPSERT_ROWS]
        moved = {m for key in chunk for m, value in rows[key].items() if value}
        used = [m for m in measures if m in moved]
        params: list[Any] = []
        for key in chunk:
            counts = rows[key]
            params += [*key, *(counts.get(m, 0) for m in used)]
        sql = _add_counts_sql(
            connection.vendor,
            table,
            tuple(keys),
            tuple(measures),
            used=frozenset(used),
            count=len(chunk),
        )
        statements.append((sql, params))
    return statements


# Field types whose value goes to the driver as it is when it has this Python type: what
# `get_db_prep_save` would give back unchanged, without its per-field work.
_PLAIN_TYPES: dict[str, type] = {
    "CharField": str,
    "TextField": str,
    "BooleanField": bool,
    "IntegerField": int,
    "SmallIntegerField": int,
    "BigIntegerField": int,
    "PositiveIntegerField": int,
    "PositiveSmallIntegerField": int,
    "PositiveBigIntegerField": int,
    "AutoField": int,
    "BigAutoField": int,
}


def _plain_type(field: models.Field[Any, Any]) -> type | None:
    if isinstance(field, models.ForeignKey):
        return _plain_type(field.target_field)
    return _PLAIN_TYPES.get(field.get_internal_type())


def _read_directly(field: models.Field[Any, Any]) -> bool:
    """Whether `pre_save` only reads the attribute (no auto_now, no file to commit)."""
    if isinstance(field, models.DateField):
        return not (field.auto_now or field.auto_now_add)
    return type(field).pre_save is models.Field.pre_save


_Shape = tuple[tuple[models.Field[Any, Any], type | None, bool], ...]


@functools.lru_cache(maxsize=64)
def _insert_shape(
    vendor: str, model: type[models.Model], count: int, returning_pk: bool
) -> tuple[str, _Shape]:
    meta = model._meta
    fields = tuple(
        (field, _plain_type(field), _read_directly(field))
        for field in meta.concrete_fields
        if not (field.primary_key and isinstance(field, models.AutoField | models.BigAutoField))
    )
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    columns = ", ".join(quote(field.column) for field, _plain, _direct in fields)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 - names from the model
        f"VALUES {values_rows(len(fields), count)}"
    )
    if returning_pk:
        sql += f" RETURNING {quote(meta.pk.column)}"
    return sql, fields


def insert_statement(
    objects: Sequence[models.Model], *, returning_pk: bool = False, using: str = DEFAULT_DB_ALIAS
) -> Statement:
    """One INSERT of new instances of one model (their primary key left to the database), each
    value prepared as `Model.save` prepares it (`pre_save`: auto_now; `get_db_prep_save`),
    for a caller that joins it with other statements (`execute_together`) or wants the
    primary key back (`insert_returning_pk`). No signals are sent, as with bulk_create.

    Plain values skip the per-field preparation: building a 50-column tip's INSERT through the
    ORM took longer than PostgreSQL took to run it."""
    model = type(objects[0])
    target = connections[using]
    sql, fields = _insert_shape(target.vendor, model, len(objects), returning_pk)
    auto_pk = isinstance(model._meta.pk, models.AutoField | models.BigAutoField)
    params: list[Any] = []
    for obj in objects:
        if type(obj) is not model or (auto_pk and obj.pk is not None):
            msg = "insert_statement() takes new instances of one model"
            raise ValueError(msg)
        params += (_prepared(obj, shape, target) for shape in fields)
    return sql, params


def _prepared(
    obj: models.Model,
    shape: tuple[models.Field[Any, Any], type | None, bool],
    target: BaseDatabaseWrapper,
) -> Any:
    field, plain, direct = shape
    # pre_save: auto_now sets the time; other fields are read as they are.
    value = getattr(obj, field.attname) if direct else field.pre_save(obj, True)  # noqa: FBT003
    if value is None or type(value) is plain:
        return value
    return field.get_db_prep_save(value, target)


def insert_values(
    obj: models.Model, *, using: str = DEFAULT_DB_ALIAS
) -> tuple[list[str], list[Any]]:
    """The columns of a new instance and their values prepared as `insert_statement` prepares
    them, the primary key among them when it is set, for a caller that writes its own INSERT
    (one whose values come partly from SQL)."""
    model = type(obj)
    target = connections[using]
    _sql, fields = _insert_shape(target.vendor, model, 1, False)  # noqa: FBT003 - cached shape
    columns = [shape[0].column for shape in fields]
    values = [_prepared(obj, shape, target) for shape in fields]
    pk = model._meta.pk
    if obj.pk is not None and pk.column not in columns:
        columns.insert(0, pk.column)
        values.insert(0, obj.pk)
    return columns, values


def insert_returning_pk(obj: models.Model, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """INSERT one new instance (as `insert_statement`) and set its primary key and state as
    `save()` would."""
    sql, params = insert_statement([obj], returning_pk=True, using=using)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = using


class _Batches(threading.local):
    def __init__(self) -> None:
        self.pending: dict[str, list[Statement]] = {}


_batches = _Batches()


@contextlib.contextmanager
def run_together(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Inside the block, `execute_together` adds its statements to one batch that runs in one
    round trip when the block ends without an exception (in a nested block: when the outermost
    one ends).

    For the last writes of a transaction that holds a hot lock (the intake's register), written
    by several modules (the audit event, the statistics' hooks): none of them reads what the
    others write, so they need not wait for each other's round trips. A read inside the block
    does not see the batch's writes: only blocks whose code reads nothing it writes qualify."""
    if using in _batches.pending:
        yield
        return
    _batches.pending[using] = []
    try:
        yield
        statements = _batches.pending[using]
    finally:
        del _batches.pending[using]
    execute_together(statements, using=using)


def execute_together_last_rows(
    statements: Sequence[Statement], *, using: str = DEFAULT_DB_ALIAS
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """`execute_together` for statements whose first and last return rows (INSERT ...
    RETURNING, SELECT ... FOR UPDATE): their rows, read in the same round trip on PostgreSQL.
    Not for `run_together` blocks, which send later."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if len(statements) > 1 and _joins_statements(cursor, connection):
            cursor.execute(*_joined(statements))
            first = last = _rows_of(cursor)
            while cursor.nextset():
                last = _rows_of(cursor)
            return first, last
        results = []
        for sql, statement_params in statements:
            cursor.execute(sql, statement_params)
            results.append(_rows_of(cursor))
        return results[0], results[-1]


def _joined(statements: Sequence[Statement]) -> tuple[str, list[Any]]:
    """The statements as one text and its parameters, in order."""
    params: list[Any] = []
    for _sql, statement_params in statements:
        params.extend(statement_params)
    return ";\n".join(sql for sql, _params in statements), params


def _rows_of(cursor: Any) -> list[tuple[Any, ...]]:
    return list(cursor.fetchall()) if cursor.description is not None else []


def execute_together(statements: Sequence[Statement], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Run the statements in order in the current transaction, in one round trip where the
    database and its driver allow it; inside `run_together`, when its block ends."""
    if not statements:
        return
    pending = _batches.pending.get(using)
    if pending is not None:
        pending.extend(statements)
        return
    connection = connections[using]
    with connection.cursor() as cursor:
        if len(statements) > 1 and _joins_statements(cursor, connection):
            cursor.execute(*_joined(statements))
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
