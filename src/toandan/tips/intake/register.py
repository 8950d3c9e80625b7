"""The intake register (sổ tiếp nhận): one book per receiving unit and year.

BLTTHS Art. 146: every tip, oral ones included, is entered in the receiving unit's register.
Numbers run 1, 2, 3 ... per book with no gaps and no duplicates: the book's row is locked by
the transaction that records the tip (the UPDATE that takes the number holds the row lock until
the transaction ends), so concurrent tips take turns, and a tip that rolls back gives its number
back with it.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from toandan.orgs.models import OrgUnit
from toandan.tips.models import RegisterBook


def register_number(unit_code: str, year: int, seq: int) -> str:
    """ "CA-01-00070/2026/000012"."""
    return f"{unit_code}/{year}/{seq:06d}"


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
