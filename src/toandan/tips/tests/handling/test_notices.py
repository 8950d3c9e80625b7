"""Units a tip is routed to are told it arrived, in the app and by email, without its content."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from toandan.accounts.models import RoleAssignment
from toandan.accounts.tests.factories import make_user, unit
from toandan.notifications.models import Notification
from toandan.tips.handling import notices
from toandan.tips.handling.notices import notify_tip_received, notify_tipster_replied
from toandan.tips.models import RouteRole, Tip, TipRoute
from toandan.tips.services import TipInput, tip_submit, tipster_reply
from toandan.tips.tests.conftest import category, commune, province, tip_input

pytestmark = pytest.mark.django_db

CONTACT = {
    "contact_name": "Nguyễn Thị Báo Tin",
    "contact_phone": "0912 345 678",
    "contact_email": "baotin@example.vn",
}


def submit(data: TipInput, capture) -> Tip:
    with capture(execute=True):
        return tip_submit(data=data).tip


def test_new_tip_notifies_the_commune_police_in_app_and_by_email(
    officer_hoan_kiem, django_capture_on_commit_callbacks, settings
):
    settings.TOANDAN_SITE_URL = "https://toandan.example.vn/"
    officer_hoan_kiem.email = "ca.hk@example.vn"
    officer_hoan_kiem.save()

    tip = submit(tip_input(), django_capture_on_commit_callbacks)

    [note] = Notification.objects.filter(user=officer_hoan_kiem)
    assert note.kind == notices.TIP_RECEIVED
    assert note.read_at is None
    assert note.title == (
        f"Có tin báo mới số {tip.register_number} (xử lý chính) tại Công an phường Hoàn Kiếm"
    )
    [email] = mail.outbox
    assert email.to == ["ca.hk@example.vn"]
    assert tip.register_number in str(email.subject)
    assert tip.register_number in email.body
    assert "Công an phường Hoàn Kiếm" in email.body
    assert "https://toandan.example.vn/notifications/" in email.body


def test_notification_and_email_never_carry_the_tip_content_category_or_contact(
    officer_hoan_kiem, leader_hanoi, django_capture_on_commit_callbacks
):
    for user in (officer_hoan_kiem, leader_hanoi):
        user.email = f"{user.username}@example.vn"
        user.save()
    data = tip_input(category=category("drug-trafficking"), **CONTACT)

    tip = submit(data, django_capture_on_commit_callbacks)

    texts = [f"{n.title} {n.body} {n.link}" for n in Notification.objects.all()]
    texts += [f"{m.subject} {m.body}" for m in mail.outbox]
    assert len(texts) == 4  # two notifications, two emails
    secrets = [
        data.description,
        "Hàng Bạc",
        CONTACT["contact_name"],
        "0912",
        CONTACT["contact_email"],
        tip.category.name_vi,
        tip.category.name_vi.lower(),
        "ma túy",
        "ma tuý",
        tip.reference,
    ]
    for text in texts:
        for secret in secrets:
            assert secret not in text, (secret, text)


def test_serious_category_notifies_the_province_police_with_an_information_copy(
    officer_hoan_kiem, leader_hanoi, django_capture_on_commit_callbacks
):
    tip = submit(
        tip_input(category=category("drug-trafficking")), django_capture_on_commit_callbacks
    )

    roles = dict(TipRoute.objects.filter(tip=tip).values_list("org_unit__code", "role"))
    assert roles["CA-01"] == RouteRole.INFORMATION
    [to_leader] = Notification.objects.filter(user=leader_hanoi)
    assert "(bản sao để nắm tình hình)" in to_leader.title
    assert "Công an thành phố Hà Nội" in to_leader.title
    [to_officer] = Notification.objects.filter(user=officer_hoan_kiem)
    assert "(xử lý chính)" in to_officer.title


def test_tip_without_a_commune_notifies_the_province_police(
    officer_hoan_kiem, leader_hanoi, django_capture_on_commit_callbacks
):
    submit(tip_input(commune=None), django_capture_on_commit_callbacks)

    assert Notification.objects.filter(user=leader_hanoi).count() == 1
    assert not Notification.objects.filter(user=officer_hoan_kiem).exists()


def test_police_of_other_units_union_cadres_and_former_officers_are_not_told(
    officer_hoan_kiem, officer_ba_dinh, django_capture_on_commit_callbacks
):
    make_user("pn.hk.notify", "union_cadre", "PN-01-00070", email="pn@example.vn")
    former = make_user("ca.hk.former", "police_officer", "CA-01-00070", email="cu@example.vn")
    RoleAssignment.objects.filter(user=former).update(valid_to=dt.date(2025, 12, 31))
    inactive = make_user("ca.hk.off", "police_officer", "CA-01-00070", email="off@example.vn")
    inactive.is_active = False
    inactive.save()

    submit(tip_input(), django_capture_on_commit_callbacks)

    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        officer_hoan_kiem.username
    }
    assert mail.outbox == []  # the only recipient has no email address


def test_officer_holding_two_roles_in_the_unit_is_told_once(
    officer_hoan_kiem, django_capture_on_commit_callbacks
):
    RoleAssignment.objects.create(
        user=officer_hoan_kiem,
        role="police_leader",
        org_unit=unit("CA-01-00070"),
        valid_from=dt.date(2025, 7, 1),
    )

    submit(tip_input(), django_capture_on_commit_callbacks)

    assert Notification.objects.filter(user=officer_hoan_kiem).count() == 1


def test_no_email_is_sent_when_the_tip_is_rolled_back(
    officer_hoan_kiem, django_capture_on_commit_callbacks
):
    from django.db import transaction

    officer_hoan_kiem.email = "ca.hk@example.vn"
    officer_hoan_kiem.save()

    class AbortError(Exception):
        pass

    def submit_then_fail() -> None:
        with transaction.atomic():
            tip_submit(data=tip_input())
            raise AbortError

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(AbortError):
        submit_then_fail()

    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_tipster_reply_notifies_the_units(officer_hoan_kiem, django_capture_on_commit_callbacks):
    officer_hoan_kiem.email = "ca.hk@example.vn"
    officer_hoan_kiem.save()
    tip = submit(tip_input(), django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        tipster_reply(tip=tip, body="Xe máy biển số 29A-123.45 màu đỏ.")

    note = Notification.objects.get(user=officer_hoan_kiem, kind=notices.TIPSTER_REPLIED)
    assert note.title == f"Người báo tin đã trả lời tin báo số {tip.register_number}"
    [email] = mail.outbox
    assert "29A" not in email.body
    assert "29A" not in note.title + note.body


def test_notify_functions_do_nothing_for_a_tip_nobody_can_receive(
    django_capture_on_commit_callbacks,
):
    tip = submit(tip_input(), django_capture_on_commit_callbacks)
    Notification.objects.all().delete()

    notify_tip_received(tip)
    notify_tipster_replied(tip)

    assert not Notification.objects.exists()


def test_tip_province_and_commune_helpers_are_real_places():
    # Guards the fixtures this module relies on: the routing tests above mean nothing if the
    # places were not the real Hoàn Kiếm and Hà Nội.
    assert commune("00070").name.endswith("Hoàn Kiếm")
    assert province("01").name.endswith("Hà Nội")
