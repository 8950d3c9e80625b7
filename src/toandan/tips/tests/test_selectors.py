"""Reads: what the tipster sees, what Open311 may show, and what staff may open (audited)."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from toandan.accounts.tests.factories import make_user
from toandan.audit.models import AuditEvent
from toandan.tips import crypto, selectors
from toandan.tips.models import (
    Category,
    Channel,
    MessageDirection,
    Tip,
    TipAttachment,
    TipStatus,
)
from toandan.tips.selectors import (
    tip_content,
    tip_data_key,
    tip_get_for_staff,
    tip_open311_view,
    tip_public_view,
)
from toandan.tips.services import (
    tip_message_to_tipster,
    tip_submit,
    tip_submit_by_staff,
    tipster_reply,
)
from toandan.tips.tests.conftest import (
    BA_DINH,
    category,
    commune,
    jpeg_upload,
    tip_input,
)

pytestmark = pytest.mark.django_db


def conclude(tip: Tip, result: str, reason: str) -> None:
    key = tip_data_key(tip)
    aad = crypto.aad(tip.reference, "content")
    content = crypto.open_json(key, tip.content, aad)
    content.update(result=result, result_reason=reason)
    tip.content = crypto.seal_json(key, content, aad)
    tip.status = TipStatus.CONCLUDED
    tip.save()


# --- The tipster's view --------------------------------------------------------------------------


def test_the_tipster_sees_status_unit_and_conversation_in_plain_words(officer_hoan_kiem):
    tip = tip_submit(data=tip_input()).tip
    tip_message_to_tipster(actor=officer_hoan_kiem, tip=tip, body="Xe màu gì vậy bạn?")
    tipster_reply(tip=tip, body="Màu trắng.", attachments=[jpeg_upload("xe.jpg")])
    with translation.override("vi"):
        view = tip_public_view(tip)
    assert view.reference == tip.reference
    assert view.category_name == "Trộm cắp tài sản"
    assert view.category == view.category_name
    assert view.status == TipStatus.RECEIVED
    assert "Công an phường Hoàn Kiếm" in view.status_text
    assert view.forwarded_to == ("Công an phường Hoàn Kiếm",)
    assert [(m.direction, m.body, m.attachments) for m in view.messages] == [
        (MessageDirection.TO_TIPSTER, "Xe màu gì vậy bạn?", ()),
        (MessageDirection.FROM_TIPSTER, "Màu trắng.", ("xe.jpg",)),
    ]
    assert view.messages[0].from_police
    assert not view.receipt_must_be_replaced
    assert view.result == ""


def test_the_tipsters_view_never_shows_the_register_or_the_officers_name(officer_hoan_kiem):
    tip = tip_submit(data=tip_input()).tip
    tip_message_to_tipster(actor=officer_hoan_kiem, tip=tip, body="Câu hỏi")
    shown = str(dataclasses.asdict(tip_public_view(tip)))
    assert tip.register_number not in shown
    assert officer_hoan_kiem.get_full_name() not in shown
    assert officer_hoan_kiem.username not in shown


@pytest.mark.parametrize("status", list(TipStatus))
def test_every_status_has_a_plain_text_naming_the_unit(status):
    tip = tip_submit(data=tip_input()).tip
    Tip.objects.filter(pk=tip.pk).update(status=status)
    view = tip_public_view(Tip.objects.get(pk=tip.pk))
    assert "Công an phường Hoàn Kiếm" in view.status_text
    assert len({selectors.status_text(s, "X") for s in TipStatus}) == len(TipStatus)


def test_a_concluded_tip_tells_the_result_and_its_reason_art_158():
    tip = tip_submit(data=tip_input()).tip
    conclude(tip, "Không khởi tố vụ án hình sự", "Hành vi không cấu thành tội phạm")
    view = tip_public_view(Tip.objects.get(pk=tip.pk))
    assert view.is_closed
    assert view.result == "Không khởi tố vụ án hình sự"
    assert view.result_reason == "Hành vi không cấu thành tội phạm"
    assert "158" in view.status_text


def test_a_staff_issued_receipt_must_be_replaced_first(officer_hoan_kiem):
    tip = tip_submit_by_staff(actor=officer_hoan_kiem, data=tip_input(), channel=Channel.PHONE).tip
    assert tip_public_view(tip).receipt_must_be_replaced


# --- Open311 -------------------------------------------------------------------------------------


def test_open311_sees_only_public_safe_fields():
    tip = tip_submit(
        data=tip_input(contact_phone="0912 345 678", category=category("drug-trafficking"))
    ).tip
    view = tip_open311_view(tip)
    assert view.service_request_id == tip.reference
    assert view.status == "open"
    assert view.service_code == "drug-trafficking"
    assert view.agency_responsible == "Công an phường Hoàn Kiếm"
    shown = str(dataclasses.asdict(view))
    for secret in ("Hàng Bạc", "912345678", tip.register_number, "Hoàn Kiếm, Hà Nội"):
        assert secret not in shown
    conclude(tip, "Đã khởi tố", "Có dấu hiệu tội phạm")
    assert tip_open311_view(Tip.objects.get(pk=tip.pk)).status == "closed"


# --- Staff access to content ---------------------------------------------------------------------


def test_an_officer_of_the_routed_unit_reads_the_content_and_it_is_audited(officer_hoan_kiem):
    tip = tip_submit(data=tip_input()).tip
    content = tip_content(tip, actor=officer_hoan_kiem)
    assert content["description"].startswith("Hai thanh niên")
    event = AuditEvent.objects.get(action="tips.tip.content.view")
    assert (event.actor_id, event.object_id) == (officer_hoan_kiem.pk, str(tip.pk))


def test_the_province_police_read_the_information_copy(leader_hanoi):
    tip = tip_submit(data=tip_input(category=category("drug-trafficking"))).tip
    assert tip_content(tip, actor=leader_hanoi)["description"]


@pytest.mark.parametrize("who", ["officer_ba_dinh", "cadre_hoan_kiem"])
def test_reading_a_tip_outside_ones_jurisdiction_is_refused(request, who):
    # A neighbouring commune's officer, and the Women's Union cadre of the very same commune
    user = request.getfixturevalue(who)
    tip = tip_submit(data=tip_input()).tip
    with pytest.raises(PermissionDenied):
        tip_content(tip, actor=user)
    assert tip_get_for_staff(user=user, reference=tip.reference) is None
    assert not AuditEvent.objects.filter(action="tips.tip.content.view").exists()


def test_a_system_administrator_without_a_police_role_cannot_read_tips():
    admin = make_user("quantri.tips", is_superuser=True, is_staff=True)
    tip = tip_submit(data=tip_input()).tip
    with pytest.raises(PermissionDenied):
        tip_content(tip, actor=admin)


def test_an_officer_whose_role_ended_cannot_read(officer_hoan_kiem):
    import datetime as dt

    officer_hoan_kiem.role_assignments.update(valid_to=dt.date(2025, 12, 31))
    tip = tip_submit(data=tip_input()).tip
    with pytest.raises(PermissionDenied):
        tip_content(tip, actor=officer_hoan_kiem)


def test_staff_messages_and_attachments_are_audited(officer_hoan_kiem):
    tip = tip_submit(data=tip_input()).tip
    tip_message_to_tipster(actor=officer_hoan_kiem, tip=tip, body="Câu hỏi")
    tipster_reply(tip=tip, body="Trả lời", attachments=[jpeg_upload("bien-so.jpg")])
    messages = selectors.tip_messages_for_staff(tip, actor=officer_hoan_kiem)
    assert [(m.body, m.author) for m in messages] == [
        ("Câu hỏi", officer_hoan_kiem.get_full_name()),
        ("Trả lời", ""),
    ]
    attachment = TipAttachment.objects.get(tip=tip)
    assert messages[1].attachments == ((attachment.pk, "bien-so.jpg"),)
    opened = selectors.tip_attachment_for_staff(attachment, actor=officer_hoan_kiem)
    assert opened.name == "bien-so.jpg"
    assert opened.data.startswith(b"\xff\xd8")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"tips.tip.messages.view", "tips.attachment.view"} <= actions


# --- Lists ---------------------------------------------------------------------------------------


def test_a_leader_gets_a_tip_of_a_commune_by_its_reference_in_lower_case(leader_hanoi):
    there = tip_submit(data=tip_input(commune=commune(BA_DINH))).tip
    assert tip_get_for_staff(user=leader_hanoi, reference=there.reference.lower()) == there


def test_key_usage_counts_data_keys_per_kek():
    tip_submit(data=tip_input())
    tip_submit(data=tip_input(contact_name="Hoa"))
    usage = selectors.key_usage()
    current = crypto.keyring().current
    assert usage["tips"][current] >= 2
    assert usage["contacts"][current] >= 1


# --- Categories and places kept per process ------------------------------------------------------


def test_categories_and_places_are_read_once_per_process(django_assert_num_queries):
    theft = selectors.active_category("theft")
    hanoi = selectors.current_province("01")
    hoan_kiem = selectors.current_commune(" 00070 ")
    with django_assert_num_queries(0):
        assert selectors.active_category("theft") is theft
        assert selectors.current_province("01") is hanoi
        assert selectors.current_commune("00070") is hoan_kiem
    assert hoan_kiem is not None
    assert hanoi is not None
    assert hoan_kiem.parent_id == hanoi.pk
    assert selectors.current_commune(hoan_kiem.pk) == hoan_kiem


def test_codes_that_do_not_exist_are_not_kept(django_assert_num_queries):
    # Nobody can fill a server's memory by asking for codes that do not exist
    with django_assert_num_queries(3):
        assert selectors.active_category("no-such-thing") is None
        assert selectors.active_category("no-such-thing") is None
        assert selectors.current_province("00070") is None  # a commune's code
    assert not selectors._categories._entries


def test_a_category_switched_off_in_the_admin_is_refused_at_once():
    assert selectors.active_category("gambling") is not None
    gambling = Category.objects.get(code="gambling")
    gambling.active = False
    gambling.save()
    assert selectors.active_category("gambling") is None
