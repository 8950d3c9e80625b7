"""`core.sql.insert_statement` on the widest row the intake writes that way (a tip): the row
is the one `save()` writes, column by column. Here and not in core's tests, which import no
domain."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import models
from django.utils import timezone

from toandan.core.sql import insert_returning_pk
from toandan.orgs.models import OrgUnit
from toandan.tips.models import Tip
from toandan.tips.tests.conftest import category, commune, province

pytestmark = pytest.mark.django_db


def _row(model: type[models.Model], pk: object) -> dict[str, object]:
    """What the database holds of a row, column by column."""
    row = model._default_manager.filter(pk=pk).values(
        *(f.attname for f in model._meta.concrete_fields)
    )
    values = dict(row.get())
    values.pop(model._meta.pk.attname)
    return {k: bytes(v) if isinstance(v, memoryview) else v for k, v in values.items()}


def test_insert_statement_writes_the_row_save_writes() -> None:
    # A model with what needs preparing: a foreign key, dates, auto_now, JSON, bytes, null.
    now = timezone.now()
    hoan_kiem = commune("00070")
    unit = OrgUnit.objects.filter(admin_unit=hoan_kiem).first()

    def new_tip(n: int) -> Tip:
        return Tip(
            reference=f"SQLTEST{n}",
            receipt_hash=f"h{n}",
            receipt_kind="citizen",
            channel="api",
            category=category("theft"),
            province=province("01"),
            commune=hoan_kiem,
            occurred_on=dt.date(2026, 3, 14),
            has_contact=True,
            register_unit=unit,
            register_year=2026,
            register_seq=n,
            register_number=f"SQL/{n}",
            received_at=now,
            kek_id="k1",
            wrapped_key=b"\x00wrapped",
            content=b"sealed\xff",
            retention_until=dt.date(2031, 1, 1),
            responsible_unit=unit,
            clock_started_at=now,
            valuable_reasons=["a", "b"],
        )

    by_orm = new_tip(1)
    by_orm.save(force_insert=True)
    by_sql = new_tip(2)
    insert_returning_pk(by_sql)

    assert by_sql.pk is not None
    assert not by_sql._state.adding
    orm_row, sql_row = _row(Tip, by_orm.pk), _row(Tip, by_sql.pk)
    differing = {k for k in orm_row if orm_row[k] != sql_row[k]}
    assert differing == {
        "reference",
        "receipt_hash",
        "register_seq",
        "register_number",
        "updated_at",
    }
    assert isinstance(sql_row["updated_at"], dt.datetime)
    assert isinstance(orm_row["updated_at"], dt.datetime)
    assert sql_row["updated_at"] >= orm_row["updated_at"]  # auto_now was set
