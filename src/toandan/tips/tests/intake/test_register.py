"""The intake register: one book per unit and year, numbers without gaps or duplicates."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection, transaction

from toandan.geo.models import AdminUnit
from toandan.orgs.models import OrgUnit
from toandan.tips.intake.register import register_number, register_take
from toandan.tips.models import Category, RegisterBook, RoutingRule, Tip
from toandan.tips.services import tip_submit
from toandan.tips.tests.conftest import BA_DINH_POLICE, HOAN_KIEM_POLICE, tip_input

ON_SQLITE = "sqlite" in settings.DATABASES["default"]["ENGINE"]


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


@pytest.mark.django_db
def test_numbers_follow_each_other_per_unit_and_year():
    hoan_kiem, ba_dinh = unit(HOAN_KIEM_POLICE), unit(BA_DINH_POLICE)
    with transaction.atomic():
        taken = [register_take(hoan_kiem, 2026) for _ in range(3)]
        other_unit = register_take(ba_dinh, 2026)
        next_year = register_take(hoan_kiem, 2027)
    assert taken == [
        (1, "CA-01-00070/2026/000001"),
        (2, "CA-01-00070/2026/000002"),
        (3, "CA-01-00070/2026/000003"),
    ]
    assert other_unit == (1, "CA-01-00004/2026/000001")
    assert next_year == (1, "CA-01-00070/2027/000001")
    assert RegisterBook.objects.get(org_unit=hoan_kiem, year=2026).last_seq == 3


@pytest.mark.django_db
def test_a_rolled_back_tip_gives_its_number_back():
    # Given a tip whose transaction fails after it took number 1
    hoan_kiem = unit(HOAN_KIEM_POLICE)

    def failing_tip() -> None:
        with transaction.atomic():
            register_take(hoan_kiem, 2026)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        failing_tip()
    # Then the next tip gets number 1: the register has no gap
    with transaction.atomic():
        assert register_take(hoan_kiem, 2026) == (1, "CA-01-00070/2026/000001")


def test_a_number_outside_the_tips_transaction_is_refused(committed_db):
    # Outside a transaction the row lock would end at once, and two tips could share a number.
    with pytest.raises(RuntimeError, match="inside the transaction"):
        register_take(unit(HOAN_KIEM_POLICE), 2026)


def test_register_number_format():
    assert register_number("CA-15-02683", 2026, 12) == "CA-15-02683/2026/000012"


@pytest.mark.django_db
def test_submitted_tips_take_consecutive_numbers_in_the_receiving_units_book():
    first = tip_submit(data=tip_input()).tip
    second = tip_submit(data=tip_input()).tip
    assert (first.register_seq, second.register_seq) == (1, 2)
    assert second.register_number.endswith("/000002")
    assert first.register_unit.code == HOAN_KIEM_POLICE
    assert first.register_year == first.received_at.year


@pytest.mark.django_db
@pytest.mark.parametrize(("last", "number"), [(11, "000012"), (999_999, "1000000")])
def test_the_number_written_with_the_tip_is_the_one_register_number_gives(last, number):
    # Given a book that has numbered `last` tips (PostgreSQL numbers the tip in its INSERT)
    first = tip_submit(data=tip_input()).tip
    RegisterBook.objects.filter(org_unit=first.register_unit, year=first.register_year).update(
        last_seq=last
    )
    # When the next tip arrives
    tip = tip_submit(data=tip_input()).tip
    # Then its number is the next one, in register_number's spelling, stored as returned
    expected = register_number(HOAN_KIEM_POLICE, first.register_year, last + 1)
    assert expected.endswith(f"/{number}")
    assert tip.register_number == expected
    assert Tip.objects.get(pk=tip.pk).register_number == expected
    assert Tip.objects.get(pk=tip.pk).register_seq == last + 1


@pytest.mark.django_db
def test_the_first_tip_of_a_year_opens_the_book_and_takes_number_1():
    assert not RegisterBook.objects.filter(org_unit=unit(HOAN_KIEM_POLICE)).exists()
    tip = tip_submit(data=tip_input()).tip
    assert (tip.register_seq, tip.register_number.rsplit("/", 1)[1]) == (1, "000001")
    assert RegisterBook.objects.get(org_unit=unit(HOAN_KIEM_POLICE)).last_seq == 1
    assert Tip.objects.filter(register_unit=unit(HOAN_KIEM_POLICE)).count() == 1


# --- Concurrency (real commits, one connection per thread) ---------------------------------------

CONCURRENT = 50


@pytest.mark.skipif(
    ON_SQLITE,
    reason="SQLite's shared-cache in-memory test database refuses concurrent writers "
    "('database table is locked') instead of making them wait; CI runs PostgreSQL, where "
    "the row lock is what is tested",
)
def test_50_concurrent_tips_get_numbers_1_to_50_without_gaps_or_duplicates(committed_db):
    # Given 50 citizens sending a tip about the same commune at the same moment, each through
    # its own database connection, and no register book yet for this unit and year
    data = tip_input()
    assert not RegisterBook.objects.filter(org_unit__code=HOAN_KIEM_POLICE).exists()
    start = threading.Barrier(CONCURRENT)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            start.wait()
            numbers.append(tip_submit(data=data).tip.register_seq)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then every tip is recorded, numbered 1..50 exactly once
    assert not errors, errors[:3]
    assert sorted(numbers) == list(range(1, CONCURRENT + 1))
    stored = list(
        Tip.objects.filter(register_unit__code=HOAN_KIEM_POLICE).values_list(
            "register_number", flat=True
        )
    )
    assert len(stored) == len(set(stored)) == CONCURRENT
    assert RegisterBook.objects.get(org_unit__code=HOAN_KIEM_POLICE).last_seq == CONCURRENT


def test_committed_tests_leave_the_session_data_as_it_was(committed_db):
    # The concurrency test above (PostgreSQL) committed its tips; its fixture removed them, and the
    # geography, organisation units, categories and routing rules loaded for the whole session
    # are still there for the tests that follow.
    assert not Tip.objects.exists()
    assert not RegisterBook.objects.filter(last_seq__gt=0).exists()
    assert AdminUnit.objects.filter(generation="current", level="commune").count() == 3321
    assert OrgUnit.objects.filter(code=HOAN_KIEM_POLICE).exists()
    assert Category.objects.filter(code="theft").exists()
    assert RoutingRule.objects.count() >= 3
