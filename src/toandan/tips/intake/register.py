"""The intake register (sổ tiếp nhận): one book per receiving unit and year.

BLTTHS Art. 146: every tip, oral ones included, is entered in the receiving unit's register.
Numbers run 1, 2, 3 ... per book with no gaps and no duplicates: the book's row is locked by
the transaction that records the tip (the UPDATE that takes the number holds the row lock until
the transaction ends), so concurrent tips take turns, and a tip that rolls back gives its number
back with it.
"""

from __future__ import annotations

import functools

from django.db import IntegrityError, connection, transaction

from toandan.core.sql import Statement, insert_values
from toandan.orgs.models import OrgUnit
from toandan.tips.models import RegisterBook, Tip


def register_number(unit_code: str, year: int, seq: int) -> str:
    """ "CA-01-00070/2026/000012"."""
    return f"{unit_code}/{year}/{seq:06d}"


# register_number in SQL: the sequence zero-padded to six digits, longer ones whole.
_NUMBER_SQL = "%s || lpad(r.last_seq::text, greatest(6, length(r.last_seq::text)), '0')"


def tip_id_statement() -> Statement:
    """PostgreSQL: the SELECT that reserves the id the next tip will have from its sequence,
    before the intake transaction, so the rows that name the tip go in the same round trip as
    the tip (`register_insert_statement`). An id reserved and not used leaves a hole in the
    ids, never in a register."""
    return "SELECT nextval(pg_get_serial_sequence(%s, %s))", [Tip._meta.db_table, "id"]


def register_insert_statement(tip: Tip, org_unit: OrgUnit, year: int) -> Statement:
    """PostgreSQL: one statement that takes the next number of `org_unit`'s book for `year`
    (the UPDATE of `_increment`, whose row lock is held until the transaction ends) and
    inserts `tip` (its id set, `tip_id_statement`) with it, returning the sequence. It returns
    no row, and inserts nothing, when the book does not exist yet: the caller rolls back and
    takes the number with `register_take`, which opens the book."""
    columns, values = insert_values(tip)
    sql, seq_at, number_at = _register_insert_sql(tuple(columns))
    # The number's prefix is its parameter; the sequence has none (r.last_seq).
    values[number_at] = register_number(org_unit.code, year, 0).removesuffix("000000")
    del values[seq_at]
    return sql, [org_unit.pk, year, *values]


@functools.lru_cache(maxsize=8)
def _register_insert_sql(columns: tuple[str, ...]) -> tuple[str, int, int]:
    """The text of `register_insert_statement` for these columns of the tip, and where the
    sequence and the number are among them (their values come from the book)."""
    meta = RegisterBook._meta
    quote = connection.ops.quote_name
    last_seq = quote(meta.get_field("last_seq").column)
    seq_at = columns.index(Tip._meta.get_field("register_seq").column)
    number_at = columns.index(Tip._meta.get_field("register_number").column)
    selected = ["%s"] * len(columns)
    selected[seq_at] = "r.last_seq"
    selected[number_at] = _NUMBER_SQL
    sql = (
        f"WITH r AS (UPDATE {quote(meta.db_table)} SET {last_seq} = {last_seq} + 1 "  # noqa: S608 - names from the models
        f"WHERE {quote(meta.get_field('org_unit').column)} = %s "
        f"AND {quote(meta.get_field('year').column)} = %s RETURNING {last_seq}) "
        f"INSERT INTO {quote(Tip._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"SELECT {', '.join(selected)} FROM r RETURNING {quote(columns[seq_at])}"
    )
    return sql, seq_at, number_at


def _increment(org_unit: OrgUnit, year: int) -> int | None:
    """Add one to the book's counter and return it, in one statement (UPDATE ... RETURNING:
    PostgreSQL, SQLite 3.35+); None when the book does not exist yet. The row stays locked
    until the caller's transaction ends."""
    meta = RegisterBook._meta
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    last_seq = quote(meta.get_field("last_seq").column)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {last_seq} = {last_seq} + 1 "  # noqa: S608 - names from the model
        f"WHERE {quote(meta.get_field('org_unit').column)} = %s "
        f"AND {quote(meta.get_field('year').column)} = %s RETURNING {last_seq}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [org_unit.pk, year])
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _take(org_unit: OrgUnit, year: int) -> int:
    seq = _increment(org_unit, year)
    if seq is not None:
        return seq
    # The first tip of the year: several may try to open the book at once. The unique
    # constraint lets one insert win; the others wait for it, fail inside their savepoint, and
    # then take the next number from the row the winner made (waiting for its lock).
    try:
        with transaction.atomic():
            RegisterBook.objects.create(org_unit=org_unit, year=year, last_seq=1)
    except IntegrityError:
        seq = _increment(org_unit, year)
        if seq is None:  # the row that refused our insert is gone again: let the caller retry
            raise
        return seq
    return 1


def register_take(org_unit: OrgUnit, year: int) -> tuple[int, str]:
    """The next number in `org_unit`'s book for `year`: (sequence, register number).

    Must run inside the transaction that records the tip (the lock is held until it ends).
    """
    if not transaction.get_connection().in_atomic_block:
        msg = "register_take() must run inside the transaction that records the tip"
        raise RuntimeError(msg)
    seq = _take(org_unit, year)
    return seq, register_number(org_unit.code, year, seq)
