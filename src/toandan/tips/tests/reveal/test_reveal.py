"""Identity under lock (BLTTHS Art. 56): who may ask to see who sent a tip, the reason, the
second approval, the reading and what the leaders see."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import QuerySet
from django.utils import timezone, translation

from toandan.accounts.tests.factories import make_user
from toandan.audit.models import AuditEvent
from toandan.notifications.models import Notification
from toandan.tips import policies
from toandan.tips.handling import notices
from toandan.tips.models import ContactReveal, RevealStatus, Tip, TipAction, TipEvent
from toandan.tips.reveal import services as reveal
from toandan.tips.reveal.services import RevealNotFoundError, RevealRefusedError
from toandan.tips.services import tip_submit
from toandan.tips.tests.conftest import (
    BA_DINH_POLICE,
    HANOI_POLICE,
    HOAN_KIEM_POLICE,
    tip_input,
)

pytestmark = pytest.mark.django_db

REASON = "Cần lấy lời khai người báo tin với tư cách người làm chứng"
NAME = "Nguyễn Thị Lan"
PHONE = "0912345678"
EMAIL = "lan.nguyen@example.vn"


@pytest.fixture
def leader() -> Any:
    return make_user("ld.hoankiem", "police_leader", HOAN_KIEM_POLICE, full_name="Trưởng CA HK")


@pytest.fixture
def deputy() -> Any:
    return make_user("pho.hoankiem", "police_leader", HOAN_KIEM_POLICE, full_name="Phó CA HK")


@pytest.fixture
def leader_ba_dinh() -> Any:
    return make_user("ld.badinh", "police_leader", BA_DINH_POLICE)


@pytest.fixture
def custodian() -> Any:
    user = make_user("gt.hoankiem", "identity_custodian", HOAN_KIEM_POLICE)
    user.role_assignments.create(
        role="police_officer", org_unit=user.role_assignments.get().org_unit
    )
    return user


def tip_with_contact() -> Tip:
    return tip_submit(
        data=tip_input(contact_name=NAME, contact_phone=PHONE, contact_email=EMAIL)
    ).tip


def revealed_notifications() -> QuerySet[Notification]:
    return Notification.objects.filter(kind=notices.IDENTITY_REVEAL)


def reveal_audit() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action__startswith="tips.contact.").order_by("seq"))


# --- Who may ask ---------------------------------------------------------------------------------


def test_a_police_officer_who_is_not_a_leader_is_refused(officer_hoan_kiem):
    tip = tip_with_contact()

    assert not policies.may_request_reveal(officer_hoan_kiem, tip)
    with pytest.raises(RevealRefusedError):
        reveal.reveal_request(actor=officer_hoan_kiem, tip=tip, reason=REASON)
    assert not ContactReveal.objects.exists()
    assert reveal_audit() == []


def test_a_womens_union_cadre_is_refused(cadre_hoan_kiem):
    tip = tip_with_contact()

    assert not policies.may_request_reveal(cadre_hoan_kiem, tip)
    with pytest.raises(RevealRefusedError):
        reveal.reveal_request(actor=cadre_hoan_kiem, tip=tip, reason=REASON)
    assert not ContactReveal.objects.exists()


def test_the_leader_of_another_commune_is_not_told_the_tip_exists(leader_ba_dinh):
    tip = tip_with_contact()

    assert not policies.may_request_reveal(leader_ba_dinh, tip)
    assert reveal.tip_for_reveal(user=leader_ba_dinh, reference=tip.reference) is None
    with pytest.raises(RevealNotFoundError):
        reveal.reveal_request(actor=leader_ba_dinh, tip=tip, reason=REASON)


def test_leaders_of_the_unit_and_above_and_the_custodian_may_ask(leader, leader_hanoi, custodian):
    tip = tip_with_contact()

    assert policies.may_request_reveal(leader, tip)
    assert policies.may_request_reveal(leader_hanoi, tip)
    assert policies.may_request_reveal(custodian, tip)


def test_there_is_nothing_to_reveal_when_the_tipster_left_no_contact(leader):
    tip = tip_submit(data=tip_input()).tip

    assert not policies.may_request_reveal(leader, tip)
    with pytest.raises(RevealRefusedError):
        reveal.reveal_request(actor=leader, tip=tip, reason=REASON)


# --- The reason ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "xác minh"])
def test_a_leader_without_a_real_reason_is_refused_and_nothing_is_audited(leader, reason):
    tip = tip_with_contact()

    with translation.override("en"), pytest.raises(RevealRefusedError) as refused:
        reveal.reveal_request(actor=leader, tip=tip, reason=reason)

    assert refused.value.field == "reason"
    assert "at least 10 characters" in refused.value.message
    assert not ContactReveal.objects.exists()
    assert reveal_audit() == []


def test_with_a_reason_the_request_is_audited_and_the_contact_readable(leader):
    tip = tip_with_contact()

    request = reveal.reveal_request(actor=leader, tip=tip, reason=f"  {REASON}\n")
    contact = reveal.reveal_read(actor=leader, reveal=request)

    assert request.status == RevealStatus.APPROVED
    assert contact == {"name": NAME, "phone": "+84912345678", "email": EMAIL}
    asked, viewed = reveal_audit()
    assert (asked.action, asked.reason, asked.actor_id) == (
        "tips.contact.reveal_request",
        REASON,
        leader.pk,
    )
    assert (viewed.action, viewed.reason, viewed.actor_id) == (
        "tips.contact.view",
        REASON,
        leader.pk,
    )
    for event in (asked, viewed):
        assert "912345678" not in str(event.data)
        assert NAME not in str(event.data)
    request.refresh_from_db()
    assert request.views == 1


def test_the_reveal_enters_the_tips_history_without_the_contact(leader):
    tip = tip_with_contact()
    request = reveal.reveal_request(actor=leader, tip=tip, reason=REASON)

    reveal.reveal_read(actor=leader, reveal=request)
    reveal.reveal_read(actor=leader, reveal=request)

    event = TipEvent.objects.get(tip=tip, action=TipAction.REVEAL)
    assert event.actor_id == leader.pk
    assert bytes(event.text) == b""
    assert event.data == {"reveal": request.pk}
    request.refresh_from_db()
    assert request.views == 2
    assert [e.action for e in reveal_audit()].count("tips.contact.view") == 2


def test_only_the_officer_who_asked_can_read(leader, deputy):
    tip = tip_with_contact()
    request = reveal.reveal_request(actor=leader, tip=tip, reason=REASON)

    with pytest.raises(RevealRefusedError):
        reveal.reveal_read(actor=deputy, reveal=request)
    assert [e.action for e in reveal_audit()] == ["tips.contact.reveal_request"]


def test_an_expired_approval_cannot_be_read(leader, settings):
    settings.TOANDAN_REVEAL_VALID_HOURS = 2
    tip = tip_with_contact()
    asked_at = timezone.now()
    request = reveal.reveal_request(actor=leader, tip=tip, reason=REASON, now=asked_at)

    assert request.valid_until == asked_at + dt.timedelta(hours=2)
    with translation.override("en"), pytest.raises(RevealRefusedError, match="expired"):
        reveal.reveal_read(actor=leader, reveal=request, now=asked_at + dt.timedelta(hours=2))
    assert "tips.contact.view" not in [e.action for e in reveal_audit()]


def test_a_leader_whose_role_ended_cannot_read(leader):
    tip = tip_with_contact()
    request = reveal.reveal_request(actor=leader, tip=tip, reason=REASON)
    leader.role_assignments.update(valid_to=dt.date(2025, 12, 31))
    fresh = type(leader).objects.get(pk=leader.pk)

    with pytest.raises(RevealRefusedError):
        reveal.reveal_read(actor=fresh, reveal=request)


# --- Second approval -----------------------------------------------------------------------------


@pytest.fixture
def second_approval(settings: Any) -> None:
    settings.TOANDAN_REVEAL_SECOND_APPROVAL = True


@pytest.mark.usefixtures("second_approval")
def test_with_second_approval_the_requester_waits_for_another_leader(leader, deputy):
    tip = tip_with_contact()
    request = reveal.reveal_request(actor=leader, tip=tip, reason=REASON)

    assert request.status == RevealStatus.PENDING
    with pytest.raises(RevealRefusedError):
        reveal.reveal_read(actor=leader, reveal=request)
    with pytest.raises(RevealRefusedError):
        reveal.reveal_decide(actor=leader, reveal=request, approve=True)
    request.refresh_from_db()
    assert request.status == RevealStatus.PENDING

    decided = reveal.reveal_decide(actor=deputy, reveal=request, approve=True, note="Đồng ý")

    assert (decided.status, decided.decided_by_id) == (RevealStatus.APPROVED, deputy.pk)
    assert reveal.reveal_read(actor=leader, reveal=request)["phone"] == "+84912345678"
    actions = [(e.action, e.actor_id) for e in reveal_audit()]
    assert actions == [
        ("tips.contact.reveal_request", leader.pk),
        ("tips.contact.reveal_approve", deputy.pk),
        ("tips.contact.view", leader.pk),
    ]


@pytest.mark.usefixtures("second_approval")
def test_the_custodian_may_approve_but_another_communes_leader_may_not(
    leader, custodian, leader_ba_dinh
):
    request = reveal.reveal_request(actor=leader, tip=tip_with_contact(), reason=REASON)

    with pytest.raises(RevealNotFoundError):
        reveal.reveal_decide(actor=leader_ba_dinh, reveal=request, approve=True)
    assert policies.may_decide_reveal(custodian, request)
    assert not policies.may_decide_reveal(leader, request)
    reveal.reveal_decide(actor=custodian, reveal=request, approve=True)
    request.refresh_from_db()
    assert request.status == RevealStatus.APPROVED


@pytest.mark.usefixtures("second_approval")
def test_a_refusal_needs_a_note_and_leaves_the_contact_locked(leader, deputy):
    request = reveal.reveal_request(actor=leader, tip=tip_with_contact(), reason=REASON)

    with pytest.raises(RevealRefusedError) as refused:
        reveal.reveal_decide(actor=deputy, reveal=request, approve=False, note=" ")
    assert refused.value.field == "note"
    reveal.reveal_decide(actor=deputy, reveal=request, approve=False, note="Chưa cần thiết")

    with pytest.raises(RevealRefusedError):
        reveal.reveal_read(actor=leader, reveal=request)
    with pytest.raises(RevealRefusedError):
        reveal.reveal_decide(actor=deputy, reveal=request, approve=True)
    refusal = AuditEvent.objects.get(action="tips.contact.reveal_refuse")
    assert refusal.reason == "Chưa cần thiết"


@pytest.mark.usefixtures("second_approval")
def test_the_other_leaders_are_asked_to_decide(leader, deputy, custodian, leader_ba_dinh):
    tip = tip_with_contact()
    reveal.reveal_request(actor=leader, tip=tip, reason=REASON)

    asked = set(revealed_notifications().values_list("user_id", flat=True))
    assert asked == {deputy.pk, custodian.pk}


# --- What the leaders see ------------------------------------------------------------------------


def test_the_leaders_list_shows_every_reveal_of_their_units(
    leader, deputy, leader_hanoi, leader_ba_dinh, officer_hoan_kiem
):
    tip = tip_with_contact()
    request = reveal.reveal_request(actor=leader, tip=tip, reason=REASON)

    assert list(reveal.reveals_for_unit(deputy)) == [request]
    assert list(reveal.reveals_for_unit(leader_hanoi)) == [request]
    assert list(reveal.reveals_for_unit(leader)) == [request]
    assert list(reveal.reveals_for_unit(leader_ba_dinh)) == []
    assert list(reveal.reveals_for_unit(officer_hoan_kiem)) == []


def test_the_leaders_are_told_without_contact_or_tip_content(leader, deputy, leader_ba_dinh):
    tip = tip_with_contact()
    request = reveal.reveal_request(actor=leader, tip=tip, reason=REASON)
    assert not revealed_notifications().exists()

    reveal.reveal_read(actor=leader, reveal=request)
    reveal.reveal_read(actor=leader, reveal=request)

    told = revealed_notifications().get()
    assert told.user_id == deputy.pk
    assert tip.register_number in told.title
    assert leader.get_full_name() in told.title
    text = f"{told.title} {told.body} {told.link}"
    secrets = (NAME, "912345678", EMAIL, "Hàng Bạc", "bẻ khóa", tip.category.name_vi, REASON)
    for secret in (*secrets, tip.reference):
        assert secret not in text


def test_a_province_leaders_reveal_is_told_to_both_units_leaders(leader, leader_hanoi):
    other_hanoi_leader = make_user("ld2.hanoi", "police_leader", HANOI_POLICE)
    tip = tip_with_contact()
    request = reveal.reveal_request(actor=leader_hanoi, tip=tip, reason=REASON)

    reveal.reveal_read(actor=leader_hanoi, reveal=request)

    told = set(revealed_notifications().values_list("user_id", flat=True))
    assert told == {leader.pk, other_hanoi_leader.pk}
