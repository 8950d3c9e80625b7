"""The stock points stay exact when changes arrive together: two communes of one province
change on the same day (their province's keys are shared), or the morning task carries the
month ends while a change is being saved. Each change runs in its own committed transaction
on its own connection (PostgreSQL: the row locks are what is tested)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction

from toandan.geo.models import AdminUnit, Generation, Level
from toandan.initiatives.models import StockKey, StockMonthEnds, StockPoint, Theme
from toandan.initiatives.stock import (
    Contribution,
    deltas_of,
    stock_apply,
    stock_months_extend,
    stock_on,
)

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="row locks between connections: PostgreSQL (SQLite refuses concurrent writers)",
)


def _committed(work: Callable[[], Any]) -> Any:
    """Run `work` in a transaction of its own connection, committed (the test's own
    connection stays in the test's transaction and only reads)."""
    result: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with transaction.atomic():
                result.append(work())
        except BaseException as exc:  # noqa: BLE001 - raised again below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


@pytest.fixture
def committed(db: None) -> Iterator[None]:
    """The stock rows the test's threads commit are removed afterwards."""

    def last(model: Any) -> int:
        return int(model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)

    last_key, last_point = last(StockKey), last(StockPoint)
    ends = list(StockMonthEnds.objects.values_list("through", flat=True))

    def cleanup() -> None:
        StockPoint.objects.filter(pk__gt=last_point).delete()
        StockKey.objects.filter(pk__gt=last_key).delete()
        StockMonthEnds.objects.all().delete()
        for through in ends:
            StockMonthEnds.objects.create(through=through)

    try:
        yield
    finally:
        _committed(cleanup)


def _two_communes_of_one_province() -> tuple[AdminUnit, AdminUnit]:
    communes = AdminUnit.objects.filter(generation=Generation.CURRENT, level=Level.COMMUNE)
    first = communes.order_by("code").first()
    assert first is not None
    province = first.path.strip("/").split("/")[0]
    pair = list(communes.filter(path__startswith=f"/{province}/").order_by("code")[:2])
    return pair[0], pair[1]


def _model(commune: AdminUnit, start: dt.date) -> Contribution:
    theme = Theme.objects.order_by("pk").first()
    assert theme is not None
    return Contribution(commune.pk, theme.pk, start, None, 1, 0, 0, 0)


def _first_holds_its_transaction(first: Callable[[], object], second: Callable[[], object]) -> None:
    """`first` runs and keeps its transaction open half a second after `second` starts."""
    ran = threading.Event()
    errors: list[BaseException] = []

    def one() -> None:
        try:
            with transaction.atomic():
                first()
                ran.set()
                time.sleep(0.5)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
            ran.set()
        finally:
            connection.close()

    def two() -> None:
        try:
            ran.wait(10)
            with transaction.atomic():
                second()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one), threading.Thread(target=two)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def _province_total(day: dt.date) -> int:
    return sum(row.models for row in stock_on(day, level="province"))


def test_two_communes_of_a_province_registering_the_same_day_both_count(committed):
    # Given a province with no models yet, and two of its communes registering one on the same
    # day at the same moment (both write the province's first point of that day)
    a, b = _two_communes_of_one_province()
    day = dt.date(2024, 3, 15)
    before = _province_total(day)

    _first_holds_its_transaction(
        lambda: stock_apply(deltas_of([_model(a, day)])),
        lambda: stock_apply(deltas_of([_model(b, day)])),
    )

    # Then both are saved and the province counts both (it was an IntegrityError, a 500)
    assert _province_total(day) == before + 2
    assert {row.commune_id for row in stock_on(day)} >= {a.pk, b.pk}


def test_a_change_before_a_parallel_later_first_point_is_not_lost(committed):
    # Given a province whose key starts in 2020; then at the same moment one commune starts a
    # model in 2024 (a new later point of the province) and another one in 2022 (added to the
    # province's later points, which must include the 2024 one)
    a, b = _two_communes_of_one_province()
    _committed(lambda: stock_apply(deltas_of([_model(a, dt.date(2020, 1, 1))])))

    _first_holds_its_transaction(
        lambda: stock_apply(deltas_of([_model(a, dt.date(2024, 1, 1))])),
        lambda: stock_apply(deltas_of([_model(b, dt.date(2022, 1, 1))])),
    )

    assert _province_total(dt.date(2024, 6, 1)) == 3


def test_the_morning_task_during_a_change_keeps_its_month_ends(committed):
    # Given month ends carried to 31/10/2024, a commune's first model registered (back to
    # 15/11/2024) while the morning task carries the month ends to 30/11/2024
    a, _b = _two_communes_of_one_province()
    _committed(lambda: StockMonthEnds.objects.all().delete())
    _committed(lambda: StockMonthEnds.objects.create(through=dt.date(2024, 10, 31)))

    _first_holds_its_transaction(
        lambda: stock_apply(deltas_of([_model(a, dt.date(2024, 11, 15))])),
        lambda: stock_months_extend(dt.date(2024, 12, 1)),
    )

    # Then the counts by commune in December (read from the November month end) see it
    assert StockMonthEnds.objects.get().through == dt.date(2024, 11, 30)
    assert [row.models for row in stock_on(dt.date(2024, 12, 3)) if row.commune_id == a.pk] == [1]
