"""`notify`: any app tells its staff, in the app and by email once its transaction commits,
with a kind it registered; the notifications app knows no domain."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation

from toandan.notifications.kinds import kind_label, kind_register
from toandan.notifications.models import Notification
from toandan.notifications.services import (
    Notice,
    Recipient,
    notices_send,
    notification_mark_read,
    notify,
)

pytestmark = pytest.mark.django_db

# A kind as a new domain would register it (idempotent: the module may be imported twice).
NOMINATION_DUE = kind_register("test_nomination_due", "Nomination due")


def test_notify_writes_one_notification_each_and_emails_each_address_on_commit(
    officer_hoan_kiem, officer_ba_dinh, django_capture_on_commit_callbacks, settings
):
    settings.TOANDAN_SITE_URL = "https://toandan.example.vn/"

    with django_capture_on_commit_callbacks(execute=True):
        written = notify(
            recipients=[
                Recipient(officer_hoan_kiem.pk, "hk@example.vn"),
                Recipient(officer_ba_dinh.pk),  # no address: in the app only
            ],
            kind=NOMINATION_DUE,
            title="Đề cử số 12 sắp đến hạn",
            body="Mở đề cử để xử lý.",
            link="/nominations/12/",
        )

    assert written == 2
    notes = Notification.objects.order_by("user_id")
    assert [(n.user_id, n.kind, n.title, n.link) for n in notes] == [
        (user.pk, NOMINATION_DUE, "Đề cử số 12 sắp đến hạn", "/nominations/12/")
        for user in sorted([officer_hoan_kiem, officer_ba_dinh], key=lambda u: u.pk)
    ]
    [email] = mail.outbox
    assert email.to == ["hk@example.vn"]
    assert email.subject == "Đề cử số 12 sắp đến hạn"
    assert "https://toandan.example.vn/notifications/" in email.body


def test_notices_worded_per_recipient_keep_their_own_email(
    officer_hoan_kiem, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notices_send(
            notices=[
                Notice(
                    user_id=officer_hoan_kiem.pk,
                    kind=NOMINATION_DUE,
                    title="Tiêu đề",
                    email="hk@example.vn",
                    email_subject="Chủ đề",
                    email_body="Nội dung thư",
                )
            ]
        )

    [email] = mail.outbox
    assert (email.subject, email.body) == ("Chủ đề", "Nội dung thư")


def test_nobody_is_emailed_about_a_change_that_was_rolled_back(
    officer_hoan_kiem, django_capture_on_commit_callbacks
):
    class AbortError(Exception):
        pass

    def notify_then_fail() -> None:
        with transaction.atomic():
            notify(
                recipients=[Recipient(officer_hoan_kiem.pk, "hk@example.vn")],
                kind=NOMINATION_DUE,
                title="x",
            )
            raise AbortError

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(AbortError):
        notify_then_fail()

    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_kind_no_app_registered_is_refused(officer_hoan_kiem):
    with pytest.raises(ValueError, match="unregistered"):
        notify(recipients=[Recipient(officer_hoan_kiem.pk)], kind="made_up", title="x")

    assert not Notification.objects.exists()


def test_two_apps_cannot_share_a_kind_code():
    with pytest.raises(ValueError, match="already registered"):
        kind_register(NOMINATION_DUE, "Something else")
    with pytest.raises(ValueError, match="letters"):
        kind_register("k" * 21, "Too long for the column")


def test_the_kinds_of_tips_and_accounts_are_registered_with_their_labels():
    # Registered by each app's AppConfig.ready(); the codes are those stored before the move.
    with translation.override("vi"):
        assert kind_label("tip_received") == "Tin báo mới"
        assert kind_label("deadline_soon") == "Còn 3 ngày đến hạn"
        assert kind_label("role_grant") != "role_grant"
        assert kind_label("no_such_kind") == "no_such_kind"  # an old row's code, shown as is


def test_mark_read_touches_only_the_users_own_notifications(officer_hoan_kiem, officer_ba_dinh):
    mine = Notification.objects.create(user=officer_hoan_kiem, kind="tip_received", title="a")
    also_mine = Notification.objects.create(user=officer_hoan_kiem, kind="tip_received", title="b")
    theirs = Notification.objects.create(user=officer_ba_dinh, kind="tip_received", title="c")

    assert notification_mark_read(user=officer_hoan_kiem, ids=[mine.id, theirs.id]) == 1

    mine.refresh_from_db()
    theirs.refresh_from_db()
    also_mine.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None
    assert also_mine.read_at is None
    assert notification_mark_read(user=officer_hoan_kiem) == 1
    also_mine.refresh_from_db()
    assert also_mine.read_at is not None
