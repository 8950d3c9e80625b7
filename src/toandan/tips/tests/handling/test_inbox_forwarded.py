"""A forwarded tip has met its forwarding deadline.

DEMO06 was forwarded by Hoàn Kiếm on 27/11, within its 7 days, yet its page said "Chuyển đơn vị
có thẩm quyền: 04/12/2026 quá hạn" and Hoàn Kiếm's dashboard counted it overdue. Forwarding is
what the deadline asked for: until the receiving unit accepts (and starts its own clock), no
deadline of the tip runs, for either unit.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import translation

from toandan.accounts.demo import load_demo as load_demo_accounts
from toandan.accounts.models import User
from toandan.accounts.tests.factories import unit
from toandan.notifications.models import Notification
from toandan.orgs.demo import load_demo as load_demo_branches
from toandan.tips import services
from toandan.tips.dashboard.selectors import unit_dashboard
from toandan.tips.deadlines import local_date
from toandan.tips.demo import load_demo
from toandan.tips.handling import inbox, notices
from toandan.tips.handling.inbox import Box, DueFilter, InboxFilters
from toandan.tips.handling.reminders import (
    DigestCounts,
    deadline_reminders_send,
    digest_texts,
    digests_send,
)
from toandan.tips.handling.timeline import ActionInput, tip_act
from toandan.tips.models import Tip, TipAction, TipStatus
from toandan.tips.tests.conftest import BA_DINH_POLICE, tip_input

pytestmark = pytest.mark.django_db

DEADLINE_KINDS = [notices.DEADLINE_SOON, notices.OVERDUE, notices.DIGEST]


def forwarded_in_time(officer: object) -> Tip:
    tip = services.tip_submit(data=tip_input()).tip
    assert tip.due_at is not None
    # Forwarded a day after it was received, well within the forwarding deadline.
    return tip_act(
        actor=officer,  # type: ignore[arg-type]
        tip=tip,
        action=TipAction.FORWARD,
        data=ActionInput(target_unit=unit(BA_DINH_POLICE), reason="Nơi xảy ra thuộc Ba Đình."),
        now=tip.received_at + dt.timedelta(days=1),
    )


def test_a_tip_forwarded_in_time_is_not_overdue_for_the_unit_that_forwarded_it(
    officer_hoan_kiem, leader_hanoi
):
    tip = forwarded_in_time(officer_hoan_kiem)
    assert tip.status == TipStatus.FORWARDED
    assert tip.due_at is not None
    # Long after every date the tip ever carried.
    later = tip.due_at + dt.timedelta(days=3)

    due = inbox.due_info(tip, now=later)
    assert due is None or not due.overdue
    assert inbox.inbox_counts(officer_hoan_kiem, now=later)["overdue"] == 0
    overdue = inbox.inbox_tips(
        officer_hoan_kiem, InboxFilters(box=Box.HANDLING, due=DueFilter.OVERDUE), now=later
    )
    assert tip not in overdue
    assert unit_dashboard(officer_hoan_kiem, now=later).total.overdue == 0
    board = unit_dashboard(leader_hanoi, now=later)
    assert board.total.overdue == 0
    assert all(row.figures.overdue == 0 for row in board.rows)


def test_a_forwarded_tip_is_not_due_soon_and_shows_as_without_a_running_deadline(
    officer_hoan_kiem,
):
    tip = forwarded_in_time(officer_hoan_kiem)
    assert tip.due_at is not None
    just_before = tip.due_at - dt.timedelta(hours=1)

    assert inbox.inbox_counts(officer_hoan_kiem, now=just_before)["today"] == 0
    assert unit_dashboard(officer_hoan_kiem, now=just_before).total.due_soon == 0
    without = inbox.inbox_tips(
        officer_hoan_kiem, InboxFilters(box=Box.HANDLING, due=DueFilter.NONE), now=just_before
    )
    assert tip in without


def test_no_reminder_or_digest_calls_a_forwarded_tip_overdue(officer_hoan_kiem, officer_ba_dinh):
    tip = forwarded_in_time(officer_hoan_kiem)
    assert tip.due_at is not None
    later = tip.due_at + dt.timedelta(hours=2)

    run = deadline_reminders_send(now=later)
    digests_send(now=later)

    assert (run.due_soon, run.overdue) == (0, 0)
    # Hoàn Kiếm has nothing left to hear about; Ba Đình hears that a tip awaits its acceptance.
    about_deadlines = Notification.objects.filter(kind__in=DEADLINE_KINDS)
    assert not about_deadlines.filter(user=officer_hoan_kiem).exists()
    digest = about_deadlines.get(user=officer_ba_dinh)
    with translation.override(settings.LANGUAGE_CODE):
        title, _body, _email = digest_texts(local_date(later), DigestCounts(incoming=1))
    assert digest.title == title


def test_demo06_forwarded_by_hoan_kiem_is_not_overdue_there():
    load_demo_branches()
    load_demo_accounts()
    load_demo()
    demo06 = Tip.objects.get(reference="DEMO06")
    hoan_kiem = User.objects.get(username="ca.hoankiem")
    assert demo06.due_at is not None
    later = demo06.due_at + dt.timedelta(days=1)

    assert inbox.due_info(demo06, now=later) is None
    overdue = inbox.inbox_tips(
        hoan_kiem, InboxFilters(box=Box.HANDLING, due=DueFilter.OVERDUE), now=later
    )
    assert demo06 not in overdue
    board = unit_dashboard(hoan_kiem, now=later)
    assert board.total.overdue == overdue.count()
