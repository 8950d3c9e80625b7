"""The unit month counts behind the dashboard: current in the transaction of every tip change
(intake, each transition, the first note or question), equal to a recount after random
handling by several officers, kept through the retention purge, repairable by a rebuild."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import random
from typing import Any

import pytest
from django.apps import apps
from django.conf import LazySettings
from django.core.management import call_command
from django.db import transaction

from toandan.accounts.tests.factories import unit
from toandan.orgs.models import OrgUnit
from toandan.tips import services
from toandan.tips.dashboard.unit_counts import (
    BAND_COLUMNS,
    band_of,
    median_band,
    purge_horizon,
    unit_counts_rebuild,
    unit_counts_recount,
    unit_counts_stored,
)
from toandan.tips.deadlines import LOCAL_TZ
from toandan.tips.handling.timeline import (
    DEFAULT_DEADLINES,
    ActionInput,
    TransitionRefusedError,
    allowed_actions,
    tip_act,
    tip_note_add,
)
from toandan.tips.models import Channel, Tip, TipStatus, UnitMonthCount, ValuableReason
from toandan.tips.tests.conftest import (
    BA_DINH,
    BA_DINH_POLICE,
    HANOI_POLICE,
    HOAN_KIEM,
    HOAN_KIEM_POLICE,
    commune,
    tip_input,
)

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
MARCH, APRIL, MAY = dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)


@pytest.fixture(autouse=True)
def _law_defaults(settings: LazySettings) -> None:
    settings.TOANDAN_TIP_DEADLINES = dict(DEFAULT_DEADLINES)


def vn(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=LOCAL_TZ)


def receive(at: dt.datetime, place: str = HOAN_KIEM) -> Tip:
    data = tip_input(commune=commune(place), occurred_on=dt.date(2025, 12, 1))
    return services.tip_receive(data=data, channel=Channel.WEB, received_at=at).tip


def row(unit_code: str, month: dt.date) -> UnitMonthCount:
    return UnitMonthCount.objects.get(org_unit=unit(unit_code), month=month)


def conclude(actor: Any, tip: Tip, at: dt.datetime, *, valuable: bool) -> Tip:
    tip_act(actor=actor, tip=tip, action="take", now=at - HOUR)
    return tip_act(
        actor=actor,
        tip=tip,
        action="prosecute",
        data=ActionInput(
            valuable=valuable, valuable_reasons=[ValuableReason.ARREST] if valuable else []
        ),
        now=at,
    )


# --- Bands and the median ------------------------------------------------------------------


def test_a_band_includes_its_bound_and_the_median_is_the_lower_one() -> None:
    assert band_of(dt.timedelta(0)) == 0
    assert band_of(HOUR) == 0
    assert band_of(HOUR + dt.timedelta(seconds=1)) == 1
    assert band_of(-HOUR) == 0  # an action recorded before the receipt time: immediate
    assert band_of(dt.timedelta(hours=168)) == len(BAND_COLUMNS) - 2
    assert band_of(dt.timedelta(hours=169)) == len(BAND_COLUMNS) - 1
    assert median_band([0] * len(BAND_COLUMNS)) is None
    assert median_band([1, 0, 1, 0]) == 0  # two tips: the shorter one
    assert median_band([1, 0, 1, 1]) == 2
    assert median_band([0, 0, 0, 5]) == 3


# --- Each change moves the counts ----------------------------------------------------------


def test_each_measure_falls_in_the_month_of_its_own_date(officer_hoan_kiem) -> None:
    tip = receive(vn(2026, 3, 31, 20))
    assert (row(HOAN_KIEM_POLICE, MARCH).received, row(HOAN_KIEM_POLICE, MARCH).concluded) == (1, 0)

    # 20:00 on 31/03 to 03:00 on 01/04 (Vietnam): seven hours, counted in April.
    tip_act(actor=officer_hoan_kiem, tip=tip, action="check", now=vn(2026, 4, 1, 3))
    conclude(officer_hoan_kiem, tip, vn(2026, 5, 4), valuable=True)

    april, may = row(HOAN_KIEM_POLICE, APRIL), row(HOAN_KIEM_POLICE, MAY)
    assert (april.first_action_count, april.first_action_8h, april.received) == (1, 1, 0)
    # Received 31/03, decided 04/05: late for the 20-day deadline (Art. 147(1)).
    assert (may.concluded, may.decided, may.decided_in_time, may.valuable) == (1, 1, 0, 1)
    assert row(HOAN_KIEM_POLICE, MARCH).received == 1


def test_a_correction_of_the_outcome_moves_the_valuable_count(officer_hoan_kiem) -> None:
    tip = conclude(officer_hoan_kiem, receive(vn(2026, 4, 2)), vn(2026, 4, 10), valuable=True)
    assert row(HOAN_KIEM_POLICE, APRIL).valuable == 1

    tip_act(
        actor=officer_hoan_kiem,
        tip=tip,
        action="correct_outcome",
        data=ActionInput(reason="Nhầm lẫn khi ghi", valuable=False),
        now=vn(2026, 5, 20),
    )

    april = row(HOAN_KIEM_POLICE, APRIL)
    assert (april.valuable, april.concluded, april.decided_in_time) == (0, 1, 1)


def test_counts_follow_the_tip_to_the_unit_that_accepts_it(officer_hoan_kiem, officer_ba_dinh):
    tip = receive(vn(2026, 4, 2))
    tip_act(
        actor=officer_hoan_kiem,
        tip=tip,
        action="forward",
        data=ActionInput(reason="Thuộc địa bàn Ba Đình", target_unit=unit(BA_DINH_POLICE)),
        now=vn(2026, 4, 2, 11),
    )
    assert row(HOAN_KIEM_POLICE, APRIL).first_action_count == 1

    tip_act(actor=officer_ba_dinh, tip=tip, action="accept", now=vn(2026, 4, 3))

    hoan_kiem, ba_dinh = row(HOAN_KIEM_POLICE, APRIL), row(BA_DINH_POLICE, APRIL)
    assert (hoan_kiem.received, hoan_kiem.first_action_count) == (0, 0)
    assert (ba_dinh.received, ba_dinh.first_action_count, ba_dinh.first_action_2h) == (1, 1, 1)


def test_a_first_note_or_question_is_the_first_action(officer_hoan_kiem) -> None:
    noted = receive(vn(2026, 4, 2))
    asked = receive(vn(2026, 4, 2))

    tip_note_add(actor=officer_hoan_kiem, tip=noted, text="Gọi lại sau", now=vn(2026, 4, 2, 12))
    tip_note_add(actor=officer_hoan_kiem, tip=noted, text="Lần hai", now=vn(2026, 4, 9))
    services.tip_message_to_tipster(actor=officer_hoan_kiem, tip=asked, body="Xe màu gì?")
    exact = receive(vn(2026, 4, 3))
    tip_act(actor=officer_hoan_kiem, tip=exact, action="check", now=vn(2026, 4, 3, 10))

    april = row(HOAN_KIEM_POLICE, APRIL)
    assert (april.first_action_count, april.first_action_4h) == (2, 1)  # three hours
    assert april.first_action_1h == 1  # exactly one hour: within the first band
    assert Tip.objects.get(pk=asked.pk).first_action_at is not None
    assert unit_counts_stored() == unit_counts_recount()


def test_a_change_rolled_back_leaves_the_counts_as_they_were(officer_hoan_kiem) -> None:
    tip = receive(vn(2026, 4, 2))
    before = unit_counts_stored()

    def act_then_fail() -> None:
        with transaction.atomic():
            conclude(officer_hoan_kiem, tip, vn(2026, 4, 10), valuable=True)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        act_then_fail()

    assert unit_counts_stored() == before


# --- The property: counts == recount after random handling -------------------------------------


def _random_input(rng: random.Random, tips: list[Tip], units: list[OrgUnit]) -> ActionInput:
    valuable = rng.random() < 0.5
    return ActionInput(
        reason="Lý do xử lý",
        target_unit=rng.choice(units),
        decision_number="12/QĐ-VKS",
        months=1,
        ground="expert_assessment",
        merge_into=rng.choice(tips),
        agency="UBND phường",
        valuable=valuable,
        valuable_reasons=[ValuableReason.LED_TO_CASE] if valuable else [],
    )


def test_the_counts_equal_a_recount_after_random_handling(
    officer_hoan_kiem, officer_ba_dinh, leader_hanoi
) -> None:
    rng = random.Random(20260819)
    officers = [officer_hoan_kiem, officer_ba_dinh, leader_hanoi]
    units = [unit(code) for code in (HOAN_KIEM_POLICE, BA_DINH_POLICE, HANOI_POLICE)]
    clock = vn(2026, 1, 5)
    tips = [receive(clock, place=rng.choice([HOAN_KIEM, BA_DINH]))]
    done = 0
    for _step in range(260):
        # From minutes to days between steps: first actions in every band, over months.
        clock += dt.timedelta(hours=rng.choice([0.3, 1.5, 3, 7, 20, 60, 200]))
        if rng.random() < 0.25:
            tips.append(receive(clock, place=rng.choice([HOAN_KIEM, BA_DINH])))
            continue
        # Often the newest tip, so that first actions come at every delay.
        chosen = tips[-1] if rng.random() < 0.4 else rng.choice(tips)
        tip = Tip.objects.select_related("responsible_unit", "pending_unit", "category").get(
            pk=chosen.pk
        )
        if rng.random() < 0.1:
            tip_note_add(actor=leader_hanoi, tip=tip, text="Ghi chú", now=clock)
            continue
        officer = rng.choice(officers)
        actions = allowed_actions(tip, officer)
        if not actions:
            continue
        try:
            tip_act(
                actor=officer,
                tip=tip,
                action=rng.choice(actions),
                data=_random_input(rng, tips, units),
                now=clock,
            )
            done += 1
        except TransitionRefusedError:
            pass

    stored = unit_counts_stored()
    statuses = set(Tip.objects.values_list("status", flat=True))
    assert done > 80
    assert {TipStatus.CONCLUDED, TipStatus.MERGED} <= statuses
    assert len({month for _unit, month in stored}) >= 4
    assert len({unit_id for unit_id, _month in stored}) >= 2
    bands_used = {name for counts in stored.values() for name in counts if name in BAND_COLUMNS}
    assert len(bands_used) >= 5
    assert stored == unit_counts_recount()
    assert unit_counts_rebuild(check=True).differences == []


# --- Purge, rebuild, backfill --------------------------------------------------------------------


def test_the_counts_survive_the_retention_purge(officer_hoan_kiem) -> None:
    conclude(officer_hoan_kiem, receive(vn(2026, 3, 2)), vn(2026, 3, 9), valuable=True)
    Tip.objects.update(retention_until=dt.date(2026, 4, 1))
    kept = unit_counts_stored()

    assert services.tips_purge_expired(today=dt.date(2026, 11, 1)) == 1

    assert unit_counts_stored() == kept
    assert (row(HOAN_KIEM_POLICE, MARCH).received, row(HOAN_KIEM_POLICE, MARCH).valuable) == (1, 1)


def test_the_rebuild_repairs_damaged_counts_from_a_month_on(officer_hoan_kiem) -> None:
    conclude(officer_hoan_kiem, receive(vn(2026, 3, 2)), vn(2026, 4, 9), valuable=True)
    receive(vn(2026, 5, 2), place=BA_DINH)
    UnitMonthCount.objects.filter(month=MARCH).update(received=40)
    UnitMonthCount.objects.filter(month=APRIL).update(valuable=7)
    UnitMonthCount.objects.filter(month=MAY).delete()

    result = unit_counts_rebuild(since=APRIL)

    assert set(result.differences) == {
        (unit(HOAN_KIEM_POLICE).pk, APRIL),
        (unit(BA_DINH_POLICE).pk, MAY),
    }
    assert row(HOAN_KIEM_POLICE, APRIL).valuable == 1
    assert row(BA_DINH_POLICE, MAY).received == 1
    assert row(HOAN_KIEM_POLICE, MARCH).received == 40  # before the month asked for: left alone


def test_the_command_checks_then_repairs(officer_hoan_kiem, settings: LazySettings) -> None:
    receive(vn(2026, 4, 2))
    UnitMonthCount.objects.all().delete()
    out = io.StringIO()

    with pytest.raises(SystemExit) as exit_info:
        call_command("tips_unit_counts_rebuild", "--all", "--check", stdout=out)
    assert exit_info.value.code == 1
    assert not UnitMonthCount.objects.exists()

    call_command("tips_unit_counts_rebuild", "--since", "2026-01", stdout=out)
    assert row(HOAN_KIEM_POLICE, APRIL).received == 1
    call_command("tips_unit_counts_rebuild", "--check", stdout=out)  # from the purge horizon
    assert "the counts equal a recount" in out.getvalue()


def test_the_purge_horizon_is_the_first_month_none_of_whose_tips_can_be_gone(
    settings: LazySettings,
) -> None:
    settings.TOANDAN_TIP_RETENTION_DAYS = 365

    # Kept 365 days: on 30/11/2026, tips received before 30/11/2025 may be gone.
    assert purge_horizon(dt.date(2026, 11, 30)) == dt.date(2025, 12, 1)
    assert purge_horizon(dt.date(2026, 12, 1)) == dt.date(2025, 12, 1)
    assert purge_horizon(dt.date(2026, 12, 2)) == dt.date(2026, 1, 1)


def test_the_backfill_migration_counts_as_the_hook_does(officer_hoan_kiem) -> None:
    tip = receive(vn(2026, 3, 30))
    tip_act(actor=officer_hoan_kiem, tip=tip, action="check", now=vn(2026, 4, 2))
    conclude(officer_hoan_kiem, tip, vn(2026, 4, 20), valuable=True)
    receive(vn(2026, 4, 2), place=BA_DINH)
    kept = unit_counts_stored()
    UnitMonthCount.objects.all().delete()
    migration = importlib.import_module("toandan.tips.migrations.0007_unit_month_counts_backfill")

    migration.backfill(apps, None)

    assert unit_counts_stored() == kept
