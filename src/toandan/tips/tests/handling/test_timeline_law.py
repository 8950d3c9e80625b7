"""The legal timeline on real tips, as the law counts it.

Each test names the rule it holds the timeline to; each failed on the code before the fix
(deadlines that did not move off days off, 20 days counted from acceptance, suspension at any
time, a decision to prosecute not tracked, robbery forwarded in 7 days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from toandan.accounts.tests.factories import unit
from toandan.audit.models import AuditEvent
from toandan.tips import services
from toandan.tips.deadlines import LOCAL_TZ, due_date
from toandan.tips.handling.timeline import (
    DEFAULT_DEADLINES,
    ActionInput,
    TransitionRefusedError,
    allowed_actions,
    tip_act,
)
from toandan.tips.models import Category, Channel, DueKind, Outcome, Tip, TipAction, TipStatus
from toandan.tips.selectors import tip_public_view
from toandan.tips.tests.conftest import BA_DINH_POLICE, category, tip_input
from toandan.workdays.models import CalendarChange, ChangeKind
from toandan.workdays.services import calendar_change_delete, calendar_change_save

pytestmark = pytest.mark.django_db
A = TipAction
S = TipStatus


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _law_defaults(settings: LazySettings) -> None:
    settings.TOANDAN_TIP_DEADLINES = dict(DEFAULT_DEADLINES)


def vn(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def receive(at: dt.datetime, **overrides: Any) -> Tip:
    # A past day, whatever `at` is (the intake refuses an offence in the future).
    overrides.setdefault("occurred_on", min(at.date(), dt.date(2026, 11, 1)) - dt.timedelta(days=3))
    return services.tip_receive(
        data=tip_input(**overrides), channel=Channel.WEB, received_at=at
    ).tip


def act(actor: Any, tip: Tip, action: str, at: dt.datetime, **fields: Any) -> Tip:
    return tip_act(actor=actor, tip=tip, action=action, data=ActionInput(**fields), now=at)


def last_day(tip: Tip) -> dt.date:
    assert tip.due_at is not None
    return due_date(tip.due_at)


def fresh(tip: Tip) -> Tip:
    return Tip.objects.select_related("category", "responsible_unit", "pending_unit").get(pk=tip.pk)


# --- Item 1: Art. 134 on a real tip ---------------------------------------------------------------


def test_a_complex_case_received_on_30_december_2025_ends_on_monday_2_march(officer_hoan_kiem):
    tip = act(officer_hoan_kiem, receive(vn(2025, 12, 30)), A.TAKE, vn(2025, 12, 31))

    tip = act(officer_hoan_kiem, tip, A.EXTEND_COMPLEX, vn(2026, 1, 10), reason="Nhiều nơi.")

    # 28/02/2026 is a Saturday: "ngày làm việc đầu tiên tiếp theo".
    assert last_day(tip) == dt.date(2026, 3, 2)
    assert tip.due_period_end == dt.date(2026, 2, 28)


def test_resumed_on_30_march_2027_the_month_ends_after_the_april_holidays(officer_hoan_kiem):
    tip = act(officer_hoan_kiem, receive(vn(2027, 3, 1)), A.TAKE, vn(2027, 3, 1, 10))
    tip = act(officer_hoan_kiem, tip, A.SUSPEND, vn(2027, 3, 21, 10), ground="valuation")

    tip = act(officer_hoan_kiem, tip, A.RESUME, vn(2027, 3, 30))

    # 30/04, 01/05 (Saturday), 02/05 and 03/05, the day off in lieu.
    assert last_day(tip) == dt.date(2027, 5, 4)


# --- Item 2: an announced change moves the deadlines it affects ----------------------------------


def test_an_announced_day_off_moves_the_open_deadlines_it_falls_on(officer_hoan_kiem, admin_user):
    tip = act(officer_hoan_kiem, receive(vn(2026, 8, 10)), A.TAKE, vn(2026, 8, 10, 10))
    tip = act(officer_hoan_kiem, tip, A.EXTEND_COMPLEX, vn(2026, 8, 20), reason="Nhiều nơi.")
    assert last_day(tip) == dt.date(2026, 10, 12)  # 10/10 is a Saturday
    audits = AuditEvent.objects.count()

    # The Government announces Monday 12/10/2026 off (a fictitious swap, for the test).
    calendar_change_save(
        actor=admin_user,
        day=dt.date(2026, 10, 12),
        kind=ChangeKind.DAY_OFF,
        name="Nghỉ hoán đổi (thử)",
        source="Công văn thử nghiệm",
    )

    assert last_day(fresh(tip)) == dt.date(2026, 10, 13)
    moved = AuditEvent.objects.filter(action="tips.tip.deadline_recomputed").get()
    assert moved.data["before"] == "2026-10-12"
    assert moved.data["after"] == "2026-10-13"
    assert AuditEvent.objects.count() == audits + 2  # the tip's and the calendar's

    calendar_change_delete(actor=admin_user, change=CalendarChange.objects.get(day="2026-10-12"))

    assert last_day(fresh(tip)) == dt.date(2026, 10, 12)


def test_a_swapped_saturday_is_a_working_day_and_shortens_a_deadline(officer_hoan_kiem, admin_user):
    # 2 months from 10/08/2026 count to Saturday 10/10; a swap makes it a working day.
    tip = act(officer_hoan_kiem, receive(vn(2026, 8, 10)), A.TAKE, vn(2026, 8, 10, 10))
    tip = act(officer_hoan_kiem, tip, A.EXTEND_COMPLEX, vn(2026, 8, 20), reason="Nhiều nơi.")

    calendar_change_save(
        actor=admin_user,
        day=dt.date(2026, 10, 10),
        kind=ChangeKind.WORKING_DAY,
        name="Làm bù (thử)",
        source="Công văn thử nghiệm",
    )

    assert last_day(fresh(tip)) == dt.date(2026, 10, 10)


def test_a_concluded_tip_keeps_its_history_when_the_calendar_changes(officer_hoan_kiem, admin_user):
    tip = act(officer_hoan_kiem, receive(vn(2026, 8, 10)), A.TAKE, vn(2026, 8, 10, 10))
    tip = act(officer_hoan_kiem, tip, A.EXTEND_COMPLEX, vn(2026, 8, 20), reason="Nhiều nơi.")
    tip = act(officer_hoan_kiem, tip, A.PROSECUTE, vn(2026, 9, 1), valuable=False)

    calendar_change_save(
        actor=admin_user, day=dt.date(2026, 10, 12), kind=ChangeKind.DAY_OFF, name="x", source="y"
    )

    assert not AuditEvent.objects.filter(action="tips.tip.deadline_recomputed").exists()


# --- Item 3: the 20 days run from delivery, not acceptance ---------------------------------------


def test_a_tip_forwarded_on_5_december_and_accepted_six_days_later_counts_from_5_december(
    officer_hoan_kiem, officer_ba_dinh
):
    tip = receive(vn(2026, 12, 1))
    tip = act(
        officer_hoan_kiem,
        tip,
        A.FORWARD,
        vn(2026, 12, 5, 10),
        target_unit=unit(BA_DINH_POLICE),
        reason="Nơi xảy ra thuộc phường Ba Đình.",
    )

    tip = act(officer_ba_dinh, tip, A.ACCEPT, vn(2026, 12, 11, 15))
    assert tip.clock_started_at == vn(2026, 12, 5, 10)
    assert tip.accepted_at == vn(2026, 12, 11, 15)
    tip = act(officer_ba_dinh, tip, A.TAKE, vn(2026, 12, 11, 16))

    # Art. 147(1) "kể từ ngày nhận được": 05/12 + 20 days, not 11/12 + 20.
    assert last_day(tip) == dt.date(2026, 12, 25)


def test_the_tip_page_shows_the_day_received_and_the_day_accepted(
    client: Client, officer_hoan_kiem, officer_ba_dinh
):
    tip = receive(vn(2026, 12, 1))
    tip = act(
        officer_hoan_kiem,
        tip,
        A.FORWARD,
        vn(2026, 12, 5, 10),
        target_unit=unit(BA_DINH_POLICE),
        reason="Nơi xảy ra thuộc phường Ba Đình.",
    )
    act(officer_ba_dinh, tip, A.ACCEPT, vn(2026, 12, 11, 15))
    client.force_login(officer_ba_dinh)

    page = client.get(reverse("tips:staff_detail", args=[tip.reference]))

    text = page.content.decode()
    assert "05/12/2026" in text
    assert "11/12/2026" in text


# --- Item 4: suspension only when the time limit has run out -------------------------------------


def test_suspending_before_the_time_limit_runs_out_is_refused_with_the_article(officer_hoan_kiem):
    tip = act(officer_hoan_kiem, receive(vn(2026, 3, 2)), A.TAKE, vn(2026, 3, 2, 10))
    assert last_day(tip) == dt.date(2026, 3, 22)

    with pytest.raises(TransitionRefusedError, match=r"148\(1\)") as refused:
        act(officer_hoan_kiem, tip, A.SUSPEND, vn(2026, 3, 21, 16), ground="valuation")
    assert "22/03/2026" in refused.value.message
    assert A.SUSPEND not in allowed_actions(fresh(tip), officer_hoan_kiem, now=vn(2026, 3, 21))

    tip = act(officer_hoan_kiem, tip, A.SUSPEND, vn(2026, 3, 22, 16), ground="valuation")
    assert tip.status == S.SUSPENDED


def test_a_tip_still_in_its_forwarding_deadline_cannot_be_suspended(officer_hoan_kiem):
    tip = receive(vn(2026, 3, 2))
    tip.status = S.RESOLVING  # as a stale page would have it: the service checks the deadline
    Tip.objects.filter(pk=tip.pk).update(status=S.RESOLVING)

    with pytest.raises(TransitionRefusedError, match=r"148\(1\)"):
        act(officer_hoan_kiem, tip, A.SUSPEND, vn(2026, 4, 30), ground="valuation")


# --- Item 5: the procuracy ------------------------------------------------------------------------


def test_the_procuracy_cancels_a_suspension_and_one_month_runs_from_its_receipt(officer_hoan_kiem):
    tip = act(officer_hoan_kiem, receive(vn(2026, 3, 2)), A.TAKE, vn(2026, 3, 2, 10))
    tip = act(officer_hoan_kiem, tip, A.SUSPEND, vn(2026, 3, 22, 16), ground="valuation")

    tip = act(
        officer_hoan_kiem,
        tip,
        A.PROCURACY_CANCEL_SUSPENSION,
        vn(2026, 4, 8),
        decision_number="05/QĐ-VKS",
    )

    assert tip.status == S.RESOLVING
    assert tip.due_kind == DueKind.DECIDE_CANCELLED
    assert last_day(tip) == dt.date(2026, 5, 8)
    assert tip.suspended_at is None


def test_the_procuracy_cancels_a_decision_not_to_prosecute_and_the_tip_is_resolved_again(
    officer_hoan_kiem,
):
    tip = act(officer_hoan_kiem, receive(vn(2026, 3, 2)), A.TAKE, vn(2026, 3, 2, 10))
    tip = act(
        officer_hoan_kiem,
        tip,
        A.NOT_PROSECUTE,
        vn(2026, 3, 10),
        reason="Không có dấu hiệu tội phạm.",
        valuable=False,
    )
    assert tip_public_view(fresh(tip)).result

    tip = act(
        officer_hoan_kiem,
        tip,
        A.PROCURACY_CANCEL_NOT_PROSECUTE,
        vn(2026, 3, 20),
        decision_number="07/QĐ-VKS",
    )

    assert (tip.status, tip.outcome) == (S.RESOLVING, "")
    assert tip.due_kind == DueKind.DECIDE_REOPENED
    assert last_day(tip) == dt.date(2026, 4, 9)
    # The tipster is no longer told a result that does not stand.
    assert not tip_public_view(fresh(tip)).result
    assert A.NOT_PROSECUTE in allowed_actions(fresh(tip), officer_hoan_kiem, now=vn(2026, 3, 21))


def test_the_procuracy_cancels_only_a_decision_not_to_prosecute(officer_hoan_kiem):
    tip = act(officer_hoan_kiem, receive(vn(2026, 3, 2)), A.TAKE, vn(2026, 3, 2, 10))
    tip = act(officer_hoan_kiem, tip, A.PROSECUTE, vn(2026, 3, 10), valuable=False)
    assert tip.outcome == Outcome.PROSECUTED

    with pytest.raises(TransitionRefusedError, match="159"):
        act(
            officer_hoan_kiem,
            tip,
            A.PROCURACY_CANCEL_NOT_PROSECUTE,
            vn(2026, 3, 11),
            decision_number="07/QĐ-VKS",
        )


# --- Item 6: which tips get 24 h ------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["robbery", "murder", "kidnapping", "human-trafficking", "drug-trafficking"]
)
def test_a_robbery_murder_kidnapping_or_trafficking_tip_is_forwarded_within_24_hours(code):
    received = vn(2026, 3, 10, 14, 25)

    tip = receive(received, category=category(code))

    assert tip.due_kind == DueKind.FORWARD
    assert tip.due_at == received + dt.timedelta(hours=24)
    assert category(code).seriousness_source


def test_the_forwarding_hours_are_data_the_administrator_edits():
    Category.objects.filter(code="theft").update(forward_hours=12, seriousness_source="test")
    received = vn(2026, 3, 10, 14, 25)

    tip = receive(received)

    assert tip.due_at == received + dt.timedelta(hours=12)


def test_an_ordinary_theft_still_has_seven_days():
    tip = receive(vn(2026, 3, 10, 14, 25))

    assert last_day(tip) == dt.date(2026, 3, 17)


def test_the_statistics_follow_a_cancelled_decision_not_to_prosecute(officer_hoan_kiem):
    # The summary tables move in the transaction of every change, the reopening included:
    # a recount of the tips finds nothing to correct.
    from toandan.stats.summary import rebuild

    tip = act(officer_hoan_kiem, receive(vn(2026, 3, 2)), A.TAKE, vn(2026, 3, 2, 10))
    tip = act(
        officer_hoan_kiem, tip, A.NOT_PROSECUTE, vn(2026, 3, 10), reason="Không.", valuable=False
    )
    act(
        officer_hoan_kiem,
        tip,
        A.PROCURACY_CANCEL_NOT_PROSECUTE,
        vn(2026, 3, 20),
        decision_number="7",
    )

    check = rebuild(
        dt.date(2026, 3, 1), dt.date(2026, 3, 1), dry_run=True, today=dt.date(2026, 11, 30)
    )

    assert check.differences == []
    assert check.coarser_differences == 0
