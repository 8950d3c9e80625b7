"""Deadline reminders and the daily digest: the unit that must act is told once per deadline,
every officer gets one digest a day for the units in their charge, and nothing says what a tip
is about."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from toandan.accounts.models import RoleAssignment
from toandan.accounts.tests.factories import make_user, unit
from toandan.notifications.models import Notification
from toandan.tips.handling import notices
from toandan.tips.handling.reminders import (
    DigestCounts,
    deadline_reminders_send,
    digest_texts,
    digests_send,
)
from toandan.tips.models import DailyDigest, Reminder, Tip
from toandan.tips.services import tip_submit
from toandan.tips.tasks import send_daily_digests, send_deadline_reminders
from toandan.tips.tests.conftest import (
    BA_DINH,
    BA_DINH_POLICE,
    HOAN_KIEM_POLICE,
    HOAN_KIEM_UNION,
    category,
    commune,
    tip_input,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# 10:00 on 01/12/2026 in Vietnam.
NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
NOW_DAY = dt.date(2026, 12, 1)
# 24:00 on 03/12/2026 in Vietnam (a deadline in days ends at midnight).
END_OF_3_DEC = dt.datetime(2026, 12, 3, 17, 0, tzinfo=UTC)

# Queries of one run, whatever the number of tips, units and officers: the deadlines, the
# reminders already sent, the officers, then the writes (reminders, notifications, audit event).
REMINDER_QUERIES = 10
DIGEST_QUERIES = 13

CONTACT = {"contact_name": "Nguyễn Thị Báo Tin", "contact_phone": "0912 345 678"}


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    def make(**overrides) -> Tip:
        with django_capture_on_commit_callbacks(execute=True):
            tip = tip_submit(data=tip_input(**overrides)).tip
        # The intake's own "new tip" notifications and emails are not what these tests check.
        Notification.objects.all().delete()
        mail.outbox.clear()
        return tip

    return make


def set_deadline(tip: Tip, due_at: dt.datetime, *, status="resolving", kind="decide") -> Tip:
    Tip.objects.filter(pk=tip.pk).update(due_at=due_at, due_kind=kind, status=status)
    tip.refresh_from_db()
    return tip


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    def run(now: dt.datetime = NOW):
        with django_capture_on_commit_callbacks(execute=True):
            return deadline_reminders_send(now=now)

    return run


@pytest.fixture
def digest(django_capture_on_commit_callbacks):
    def run(now: dt.datetime = NOW):
        with django_capture_on_commit_callbacks(execute=True):
            return digests_send(now=now)

    return run


# --- Deadline reminders --------------------------------------------------------------------


def test_deadline_within_3_days_is_reminded_in_app_and_by_email(officer_hoan_kiem, submit, remind):
    officer_hoan_kiem.email = "ca.hk@example.vn"
    officer_hoan_kiem.save()
    tip = set_deadline(submit(), END_OF_3_DEC)

    run = remind()

    assert (run.due_soon, run.overdue, run.notifications, run.emails) == (1, 0, 1, 1)
    [note] = Notification.objects.filter(user=officer_hoan_kiem)
    assert note.kind == notices.DEADLINE_SOON
    assert tip.register_number in note.title
    assert "03/12/2026" in note.title
    assert "147" in note.body  # the legal basis of the 20-day deadline
    # The link opens the tip page by its register number, never by its public reference.
    assert note.link == (
        f"/tips/staff/no/{tip.register_unit_id}/{tip.register_year}/{tip.register_seq}/"
    )
    assert tip.reference not in note.link
    [email] = mail.outbox
    assert email.to == ["ca.hk@example.vn"]
    assert tip.register_number in email.body
    assert "/notifications/" in email.body


def test_the_reminder_and_the_digest_say_the_due_soon_days_they_count(
    officer_hoan_kiem, submit, remind, digest, monkeypatch
):
    monkeypatch.setattr("toandan.tips.handling.reminders.DUE_SOON_DAYS", 5)
    officer_hoan_kiem.email = "ca.hk@example.vn"
    officer_hoan_kiem.save()
    set_deadline(submit(), END_OF_3_DEC + dt.timedelta(days=2))

    remind()
    digest()

    reminder, digest_mail = mail.outbox
    assert "5 ngày" in str(reminder.subject)
    assert "3 ngày" not in str(reminder.subject)
    note = Notification.objects.get(user=officer_hoan_kiem, kind=notices.DIGEST)
    assert "5 ngày" in note.title
    assert "Đến hạn trong 5 ngày: 1" in digest_mail.body


def test_a_deadline_is_reminded_once_however_often_the_task_runs(officer_hoan_kiem, submit, remind):
    set_deadline(submit(), END_OF_3_DEC)

    remind()
    second = remind(NOW + dt.timedelta(hours=1))

    assert second.due_soon == 0
    assert Notification.objects.filter(user=officer_hoan_kiem).count() == 1
    assert Reminder.objects.count() == 1


def test_a_new_deadline_is_reminded_again(officer_hoan_kiem, submit, remind):
    tip = set_deadline(submit(), END_OF_3_DEC)
    remind()

    # Extended (a complex case): a new deadline, a new reminder when it comes near.
    new_due = END_OF_3_DEC + dt.timedelta(days=40)
    set_deadline(tip, new_due, kind="decide_complex")
    assert remind().due_soon == 0
    later = new_due - dt.timedelta(days=2)
    assert remind(later).due_soon == 1

    assert Notification.objects.filter(user=officer_hoan_kiem).count() == 2


def test_a_passed_deadline_is_reminded_once_as_overdue(officer_hoan_kiem, submit, remind):
    tip = set_deadline(submit(), NOW - dt.timedelta(hours=2), kind="forward")

    first = remind()
    again = remind(NOW + dt.timedelta(hours=3))

    assert (first.overdue, again.overdue) == (1, 0)
    [note] = Notification.objects.filter(user=officer_hoan_kiem)
    assert note.kind == notices.OVERDUE
    assert tip.register_number in note.title


def test_deadline_soon_then_overdue_makes_two_reminders(officer_hoan_kiem, submit, remind):
    set_deadline(submit(), END_OF_3_DEC)

    remind()
    remind(END_OF_3_DEC + dt.timedelta(minutes=5))

    kinds = sorted(
        Notification.objects.filter(user=officer_hoan_kiem).values_list("kind", flat=True)
    )
    assert kinds == [notices.DEADLINE_SOON, notices.OVERDUE]


def test_a_deadline_in_hours_is_shown_with_its_time(officer_hoan_kiem, submit, remind):
    # 24-hour forwarding deadline (flagrant case) ending at 15:30 Vietnam time.
    set_deadline(submit(), dt.datetime(2026, 12, 1, 8, 30, tzinfo=UTC), kind="forward")

    remind()

    [note] = Notification.objects.filter(user=officer_hoan_kiem)
    assert "15:30" in note.title
    assert "01/12/2026" in note.title


def test_deadlines_long_past_and_far_away_and_closed_tips_are_not_reminded(
    officer_hoan_kiem, submit, remind
):
    set_deadline(submit(), NOW - dt.timedelta(days=8))  # overdue for more than a week
    # Ends at 24:00 on 05/12, the fourth day from 01/12.
    set_deadline(submit(), END_OF_3_DEC + dt.timedelta(days=2))
    set_deadline(submit(), END_OF_3_DEC, status="concluded")
    Tip.objects.filter(pk=submit().pk).update(due_at=None, status="suspended")

    run = remind()

    assert (run.due_soon, run.overdue) == (0, 0)
    assert not Notification.objects.exists()
    assert not mail.outbox


def test_a_forwarded_tip_reminds_nobody_of_its_forwarding_deadline_which_is_met(
    officer_hoan_kiem, officer_ba_dinh, submit, remind
):
    # Forwarding was what the deadline asked for; the unit it was forwarded
    # to finds it among the tips awaiting its acceptance, and in its daily digest.
    tip = set_deadline(submit(), END_OF_3_DEC, status="forwarded", kind="forward")
    Tip.objects.filter(pk=tip.pk).update(pending_unit=unit(BA_DINH_POLICE))

    remind()

    assert not Notification.objects.filter(user=officer_ba_dinh).exists()
    assert not Notification.objects.filter(user=officer_hoan_kiem).exists()


@pytest.mark.usefixtures("officer_ba_dinh", "leader_hanoi")
def test_officers_of_other_units_and_union_cadres_are_not_reminded(
    officer_hoan_kiem, submit, remind
):
    make_user("pn.hoankiem.cadre", "union_cadre", HOAN_KIEM_UNION)
    set_deadline(submit(), END_OF_3_DEC)

    remind()

    assert set(Notification.objects.values_list("user_id", flat=True)) == {officer_hoan_kiem.pk}


def test_one_email_per_officer_lists_every_tip_of_the_run(officer_hoan_kiem, submit, remind):
    officer_hoan_kiem.email = "ca.hk@example.vn"
    officer_hoan_kiem.save()
    soon = set_deadline(submit(), END_OF_3_DEC)
    late = set_deadline(submit(), NOW - dt.timedelta(days=1))

    remind()

    assert Notification.objects.filter(user=officer_hoan_kiem).count() == 2
    [email] = mail.outbox
    assert soon.register_number in email.body
    assert late.register_number in email.body


def test_a_unit_without_officers_is_reminded_once_someone_is_assigned(submit, remind):
    tip = set_deadline(submit(), END_OF_3_DEC)

    assert remind().due_soon == 0
    assert not Reminder.objects.exists()

    officer = make_user("ca.hoankiem.new", "police_officer", HOAN_KIEM_POLICE)
    assert remind(NOW + dt.timedelta(hours=1)).due_soon == 1
    [note] = Notification.objects.filter(user=officer)
    assert tip.register_number in note.title


def test_reminders_never_carry_content_category_place_or_contact(officer_hoan_kiem, submit, remind):
    officer_hoan_kiem.email = "ca.hk@example.vn"
    officer_hoan_kiem.save()
    data = tip_input(category=category("drug-trafficking"), **CONTACT)
    tip = set_deadline(submit(category=data.category, **CONTACT), END_OF_3_DEC)
    set_deadline(submit(), NOW - dt.timedelta(hours=1))

    remind()

    texts = [f"{n.title} {n.body} {n.link}" for n in Notification.objects.all()]
    texts += [f"{m.subject} {m.body}" for m in mail.outbox]
    secrets = [
        data.description,
        "Hàng Bạc",
        tip.category.name_vi,
        "ma túy",
        CONTACT["contact_name"],
        "0912",
    ]
    for text in texts:
        for secret in secrets:
            assert secret.lower() not in text.lower()


# --- Daily digest --------------------------------------------------------------------------


def _digest_says(user, **counts: int) -> bool:
    """The user's digest title is the one for these counts (today, in the site's language)."""
    title = Notification.objects.get(user=user, kind=notices.DIGEST).title
    with translation.override(settings.LANGUAGE_CODE):
        expected = digest_texts(NOW_DAY, DigestCounts(**counts))[0]
    return title == expected


def received(tip: Tip, when: dt.datetime) -> Tip:
    Tip.objects.filter(pk=tip.pk).update(received_at=when)
    return tip


def test_digest_counts_the_units_in_each_officers_charge(
    officer_hoan_kiem, officer_ba_dinh, leader_hanoi, submit, digest
):
    old = NOW - dt.timedelta(days=40)
    received(submit(), NOW - dt.timedelta(hours=3))  # new; its deadline is a week away
    received(set_deadline(submit(), END_OF_3_DEC), old)
    received(set_deadline(submit(), NOW - dt.timedelta(days=20)), old)
    received(set_deadline(submit(commune=commune(BA_DINH)), NOW - dt.timedelta(hours=1)), old)
    forwarded = set_deadline(submit(), END_OF_3_DEC + dt.timedelta(days=5), status="forwarded")
    Tip.objects.filter(pk=forwarded.pk).update(pending_unit=unit(BA_DINH_POLICE), received_at=old)

    run = digest()

    assert run.digests == 3
    assert _digest_says(officer_hoan_kiem, new=1, due_soon=1, overdue=1)
    assert _digest_says(officer_ba_dinh, overdue=1, incoming=1)
    # The province leader: the province police and every commune under it.
    assert _digest_says(leader_hanoi, new=1, due_soon=1, overdue=2, incoming=1)
    assert not _digest_says(leader_hanoi, new=1, due_soon=1, overdue=1, incoming=1)


def test_digest_links_to_the_dashboard_and_is_emailed(officer_hoan_kiem, submit, digest):
    officer_hoan_kiem.email = "ca.hk@example.vn"
    officer_hoan_kiem.save()
    received(submit(), NOW - dt.timedelta(hours=1))

    assert digest().emails == 1

    note = Notification.objects.get(user=officer_hoan_kiem, kind=notices.DIGEST)
    assert note.link == "/tips/staff/dashboard/"
    [email] = mail.outbox
    assert email.to == ["ca.hk@example.vn"]
    assert "01/12/2026" in str(email.subject)
    assert "/tips/staff/dashboard/" in email.body


def test_digest_is_sent_once_a_day(officer_hoan_kiem, submit, digest):
    set_deadline(submit(), NOW - dt.timedelta(days=1))  # overdue: something to say every day

    assert digest().digests == 1
    assert digest(NOW + dt.timedelta(hours=2)).digests == 0
    assert digest(NOW + dt.timedelta(days=1)).digests == 1

    assert DailyDigest.objects.filter(user=officer_hoan_kiem).count() == 2


def test_nobody_gets_an_empty_digest_and_union_cadres_get_none(
    officer_hoan_kiem, officer_ba_dinh, submit, digest
):
    cadre_hoan_kiem = make_user("pn.hoankiem.cadre", "union_cadre", HOAN_KIEM_UNION)
    received(submit(), NOW - dt.timedelta(hours=1))  # a new tip at Hoàn Kiếm only

    digest()

    assert Notification.objects.filter(user=officer_hoan_kiem).count() == 1
    assert not Notification.objects.filter(user__in=[officer_ba_dinh, cadre_hoan_kiem]).exists()


def test_former_officers_get_no_digest(officer_hoan_kiem, submit, digest):
    received(submit(), NOW - dt.timedelta(hours=1))
    RoleAssignment.objects.filter(user=officer_hoan_kiem).update(valid_to=dt.date(2026, 11, 1))

    assert digest().digests == 0


def test_digest_never_carries_content_or_contact(officer_hoan_kiem, submit, digest):
    officer_hoan_kiem.email = "ca.hk@example.vn"
    officer_hoan_kiem.save()
    data = tip_input(**CONTACT)
    tip = received(submit(**CONTACT), NOW - dt.timedelta(hours=1))

    digest()

    texts = [f"{n.title} {n.body}" for n in Notification.objects.all()]
    texts += [f"{m.subject} {m.body}" for m in mail.outbox]
    assert len(texts) == 2
    for text in texts:
        for secret in (data.description, "Hàng Bạc", tip.category.name_vi, "0912", "Nguyễn Thị"):
            assert secret.lower() not in text.lower()


def test_digest_query_count_does_not_grow_with_officers_units_or_tips(
    officer_hoan_kiem, submit, digest
):
    set_deadline(submit(), NOW - dt.timedelta(days=1))
    with CaptureQueriesContext(connection) as few:
        digest()
    DailyDigest.objects.all().delete()
    for _ in range(3):
        set_deadline(submit(commune=commune(BA_DINH)), NOW - dt.timedelta(days=1))
    for i in range(5):
        make_user(f"ca.badinh.{i}", "police_officer", BA_DINH_POLICE)
    make_user("ca.hanoi.extra", "police_leader", "CA-01")

    with CaptureQueriesContext(connection) as many:
        run = digest()

    assert run.digests == 7
    assert len(many.captured_queries) == len(few.captured_queries) == DIGEST_QUERIES


def test_reminder_query_count_does_not_grow_with_tips_or_officers(
    officer_hoan_kiem, submit, remind
):
    set_deadline(submit(), END_OF_3_DEC)
    with CaptureQueriesContext(connection) as few:
        remind()
    for _ in range(4):
        set_deadline(submit(), END_OF_3_DEC - dt.timedelta(hours=5))
        set_deadline(submit(commune=commune(BA_DINH)), NOW - dt.timedelta(hours=1))
    for i in range(3):
        make_user(f"ca.badinh.{i}", "police_officer", BA_DINH_POLICE)

    with CaptureQueriesContext(connection) as many:
        run = remind()

    assert (run.due_soon, run.overdue, run.notifications) == (4, 4, 4 + 4 * 3)
    assert len(many.captured_queries) == len(few.captured_queries) == REMINDER_QUERIES


# --- The scheduled tasks -------------------------------------------------------------------


def test_the_periodic_tasks_run_the_services(officer_hoan_kiem, submit, settings):
    set_deadline(submit(), dt.datetime.now(UTC) + dt.timedelta(days=1))

    send_deadline_reminders()
    send_daily_digests()

    kinds = set(Notification.objects.filter(user=officer_hoan_kiem).values_list("kind", flat=True))
    assert kinds == {notices.DEADLINE_SOON, notices.DIGEST}
