"""The tip summary: current in the same transaction, equal to a recount after random changes,
surviving the retention purge, repairable by a rebuild that never drops purged months."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from toandan.accounts.tests.factories import make_user
from toandan.orgs.demo import load_demo as load_demo_branches
from toandan.orgs.models import OrgUnit
from toandan.stats.models import TipCommuneFact, TipFact, TipProvinceFact
from toandan.stats.summary import (
    PurgedMonthsError,
    commune_rows,
    on_tip_change,
    province_rows,
    rebuild,
    recount,
    stored,
    stored_communes,
    stored_provinces,
)
from toandan.stats.tests.conftest import at, category, concluded, facts, province
from toandan.tips.handling import timeline
from toandan.tips.models import Tip, TipStatus, ValuableReason
from toandan.tips.services import tip_receive, tips_purge_expired
from toandan.tips.tests.conftest import BA_DINH, HOAN_KIEM, commune, tip_input

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# Months before today's, so rows that tests committing real transactions leave behind (they
# receive tips now) do not mix in.
FIRST, LAST = dt.date(2026, 1, 1), dt.date(2026, 10, 1)
APRIL, JUNE = dt.date(2026, 4, 1), dt.date(2026, 6, 1)


def _receive(received_at: dt.datetime, **overrides: Any) -> Tip:
    return tip_receive(data=tip_input(**overrides), channel="web", received_at=received_at).tip


def test_a_tip_counts_the_moment_it_is_received() -> None:
    tip = _receive(at(2026, 3, 4))

    row = TipFact.objects.get(month=dt.date(2026, 3, 1), commune_id=tip.commune_id or 0)
    assert (row.received, row.concluded, row.valuable) == (1, 0, 0)
    assert (
        TipProvinceFact.objects.get(month=dt.date(2026, 3, 1), province=tip.province).received == 1
    )


def test_a_decision_months_later_updates_the_month_the_tip_was_received() -> None:
    leader = make_user("ca.hn.summary", "police_leader", "CA-01")
    tip = _receive(at(2026, 3, 4))
    timeline.tip_act(actor=leader, tip=tip, action="take", now=at(2026, 3, 5))

    timeline.tip_act(
        actor=leader,
        tip=tip,
        action="prosecute",
        data=timeline.ActionInput(
            valuable=True, valuable_reasons=[ValuableReason.ARREST], arrested_count=2
        ),
        now=at(2026, 5, 20),
    )

    assert not TipFact.objects.filter(month=dt.date(2026, 5, 1)).exists()
    row = TipFact.objects.get(month=dt.date(2026, 3, 1))
    assert (row.received, row.concluded, row.prosecuted, row.valuable, row.arrested) == (
        1,
        1,
        1,
        1,
        2,
    )
    # Received 04/03, decided 20/05: 77 days, late for the 20-day deadline.
    assert (row.decision_days, row.decided_in_time) == (77, 0)


def test_a_change_rolled_back_leaves_no_count() -> None:
    def change_then_fail() -> None:
        with transaction.atomic():
            on_tip_change(None, facts(province("01"), at(2026, 2, 1)))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()

    assert not TipFact.objects.filter(month=dt.date(2026, 2, 1)).exists()


def test_an_unchanged_count_writes_nothing() -> None:
    before = facts(province("01"), at(2026, 2, 1))

    # The unit in charge is not counted (the first action is, since stats migration 0005).
    on_tip_change(before, dict(before, responsible_unit_id=7))

    assert not TipFact.objects.filter(month=dt.date(2026, 2, 1)).exists()


# --- The property: summary == recount after random changes --------------------------------------


def _random_input(
    rng: random.Random, tips: list[Tip], units: list[OrgUnit]
) -> timeline.ActionInput:
    valuable = rng.random() < 0.6
    return timeline.ActionInput(
        reason="Lý do kiểm tra",
        target_unit=rng.choice(units),
        decision_number="12/QĐ-VKS",
        months=1,
        ground="expert_assessment",
        merge_into=rng.choice(tips),
        agency="UBND phường",
        valuable=valuable,
        valuable_reasons=[ValuableReason.LED_TO_CASE] if valuable else [],
        arrested_count=rng.choice([None, 0, 1, 3]),
        property_recovered_vnd=rng.choice([None, 5_000_000]),
    )


def test_summary_equals_a_recount_after_random_changes() -> None:
    rng = random.Random(20260701)
    leader = make_user("ca.hn.random", "police_leader", "CA-01")
    load_demo_branches()
    union_branch = OrgUnit.objects.filter(parent__code="PN-01-00070", level="branch").first()
    units = list(OrgUnit.objects.filter(code__in=["CA-01-00070", "CA-01-00004", "CA-01"]))
    categories = [category(c) for c in ("theft", "drug-use", "fraud-task", "gambling")]
    places = [commune(HOAN_KIEM), commune(BA_DINH), None]
    tips = [
        _receive(
            at(2026, rng.randint(1, 10), rng.randint(1, 28), rng.randint(0, 23)),
            category=rng.choice(categories),
            commune=rng.choice(places),
            union_branch=union_branch if rng.random() < 0.4 else None,
        )
        for _ in range(24)
    ]
    done = 0
    for _step in range(160):
        tip = Tip.objects.get(pk=rng.choice(tips).pk)
        actions = timeline.allowed_actions(tip, leader)
        if not actions:
            continue
        action = rng.choice(actions)
        try:
            timeline.tip_act(
                actor=leader,
                tip=tip,
                action=action,
                data=_random_input(rng, tips, units),
                now=timezone.now() - dt.timedelta(days=rng.randint(0, 20)),
            )
            done += 1
        except timeline.TransitionRefusedError:
            pass
    statuses = set(Tip.objects.values_list("status", flat=True))

    assert done > 60
    assert {TipStatus.CONCLUDED, TipStatus.MERGED} <= statuses
    counted = recount(FIRST, LAST)
    assert stored(FIRST, LAST) == counted
    assert stored_provinces(FIRST, LAST) == province_rows(counted)
    assert stored_communes(FIRST, LAST) == commune_rows(counted)


def test_a_bulk_load_of_thousands_of_rows_is_added_in_statements_sqlite_accepts() -> None:
    from toandan.stats.summary import apply_deltas

    hanoi = province("01").pk
    deltas = {
        (dt.date(2026, 2, 1), hanoi, commune_id, category().pk, "web", 0): {"received": 1}
        for commune_id in range(1, 4_001)
    }

    apply_deltas(deltas)

    assert stored_communes(FIRST, LAST) == commune_rows(deltas)
    assert len(stored(FIRST, LAST)) == 4_000


def test_the_migration_fills_the_commune_table_from_the_fine_one() -> None:
    """Migration 0003 counted the tips summarised before the commune table existed."""
    import importlib

    from django.db import connection

    fill = importlib.import_module("toandan.stats.migrations.0003_commune_summary").FILL
    _receive(at(2026, 4, 3))
    _receive(at(2026, 4, 9), commune=commune(BA_DINH))
    on_tip_change(None, concluded(province("01"), at(2026, 5, 2), valuable=True))
    expected = stored_communes(FIRST, LAST)
    TipCommuneFact.objects.all().delete()

    with connection.cursor() as cursor:
        cursor.execute(fill)

    assert stored_communes(FIRST, LAST) == expected == commune_rows(stored(FIRST, LAST))
    assert len(expected) == 3


# --- Purge and rebuild ---------------------------------------------------------------------------


def test_statistics_survive_the_retention_purge(settings: Any) -> None:
    _receive(at(2026, 2, 3))
    _receive(at(2026, 2, 9))
    Tip.objects.update(retention_until=dt.date(2026, 3, 1))

    assert tips_purge_expired(today=dt.date(2026, 11, 1)) == 2

    assert not Tip.objects.exists()
    assert TipFact.objects.get(month=dt.date(2026, 2, 1)).received == 2


def test_rebuild_repairs_a_damaged_summary() -> None:
    _receive(at(2026, 4, 3))
    _receive(at(2026, 4, 9), commune=commune(BA_DINH))
    TipFact.objects.filter(month=APRIL).update(received=40)
    TipProvinceFact.objects.filter(month=APRIL).delete()
    TipCommuneFact.objects.filter(month=APRIL).update(received=9)
    check = rebuild(APRIL, APRIL, dry_run=True, today=dt.date(2026, 11, 30))

    result = rebuild(dt.date(2026, 4, 1), dt.date(2026, 4, 1), today=dt.date(2026, 11, 30))

    assert (len(check.differences), check.coarser_differences) == (2, 3)
    assert len(result.differences) == 2
    assert sum(TipFact.objects.filter(month=APRIL).values_list("received", flat=True)) == 2
    assert sum(TipProvinceFact.objects.filter(month=APRIL).values_list("received", flat=True)) == 2
    assert sum(TipCommuneFact.objects.filter(month=APRIL).values_list("received", flat=True)) == 2
    assert stored(FIRST, LAST) == recount(FIRST, LAST)


def test_rebuild_leaves_months_outside_its_range_alone() -> None:
    on_tip_change(None, facts(province("01"), at(2026, 1, 5)))  # no tip behind it

    rebuild(dt.date(2026, 2, 1), dt.date(2026, 3, 1), today=dt.date(2026, 11, 30))

    assert TipFact.objects.get(month=dt.date(2026, 1, 1)).received == 1


def test_rebuild_refuses_months_whose_tips_may_have_been_purged(settings: Any) -> None:
    settings.TOANDAN_TIP_RETENTION_DAYS = 90
    on_tip_change(None, concluded(province("01"), at(2026, 2, 5)))  # its tip was purged

    with pytest.raises(PurgedMonthsError):
        rebuild(dt.date(2026, 2, 1), dt.date(2026, 11, 1), today=dt.date(2026, 11, 30))
    with pytest.raises(CommandError, match="--allow-purged"):
        call_command("stats_rebuild", "--from", "2026-02", "--to", "2026-11")

    assert TipFact.objects.get(month=dt.date(2026, 2, 1)).received == 1


def test_rebuild_command_checks_without_writing() -> None:
    _receive(at(2026, 6, 3))
    TipFact.objects.filter(month=JUNE).update(received=7)
    out = io.StringIO()

    with pytest.raises(SystemExit) as exit_info:
        call_command("stats_rebuild", "--from", "2026-06", "--to", "2026-06", "--check", stdout=out)

    assert exit_info.value.code == 1
    assert "differing 1" in out.getvalue()
    assert TipFact.objects.get(month=JUNE).received == 7
    call_command("stats_rebuild", "--from", "2026-06", "--to", "2026-06", stdout=io.StringIO())
    assert TipFact.objects.get(month=JUNE).received == 1


def test_migration_0006_fills_the_first_action_of_the_tips_held() -> None:
    """Rows summarised before the first-action measures existed get them from the tips, so the
    next change of a tip does not subtract what was never added."""
    import importlib

    from django.apps import apps

    forward = importlib.import_module("toandan.stats.migrations.0006_first_action_backfill").forward
    hours_30 = dt.timedelta(hours=30, minutes=20)
    acted = _receive(at(2026, 4, 3, hour=8))
    _receive(at(2026, 4, 9), commune=commune(BA_DINH))
    Tip.objects.filter(pk=acted.pk).update(first_action_at=at(2026, 4, 3, hour=8) + hours_30)
    # As the rows were before the measures existed: the update above ran no hook.
    assert not any(m.get("first_action") for m in stored(FIRST, LAST).values())
    forward(apps, None)

    fine = stored(FIRST, LAST)
    assert sum(m.get("first_action", 0) for m in fine.values()) == 1
    assert sum(m.get("first_action_hours", 0) for m in fine.values()) == 30
    assert fine == recount(FIRST, LAST)
    province = TipProvinceFact.objects.get(month=APRIL, province=acted.province)
    assert (province.first_action, province.first_action_hours) == (1, 30)
    assert stored_communes(FIRST, LAST) == commune_rows(fine)
