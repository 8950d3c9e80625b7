"""Merging duplicate tips: nothing is lost, and every tipster keeps getting answers on their own
receipt."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from toandan.audit.models import AuditEvent
from toandan.tips.duplicates.fingerprints import merged_attachment_for_staff, merged_tips_for_staff
from toandan.tips.handling.timeline import ActionInput, tip_act
from toandan.tips.models import TipAttachment, TipMessage, TipStatus
from toandan.tips.selectors import status_text, tip_public_view
from toandan.tips.services import tip_message_to_tipster, tip_submit, tipster_reply
from toandan.tips.tests.conftest import jpeg_upload, tip_input

pytestmark = pytest.mark.django_db

QUESTION = "Anh/chị có nhớ biển số chiếc xe không?"


@pytest.fixture
def merged(officer_hoan_kiem: Any) -> tuple[Any, Any]:
    """Two tips about the same theft; the second is merged into the first."""
    survivor = tip_submit(data=tip_input()).tip
    other = tip_submit(
        data=tip_input(
            description="Hai thanh nien be khoa xe may truoc so 12 Hang Bac luc 22 gio.",
            attachments=[jpeg_upload("xe.jpg")],
        )
    ).tip
    tip_act(
        actor=officer_hoan_kiem,
        tip=other,
        action="merge",
        data=ActionInput(merge_into=survivor),
    )
    other.refresh_from_db()
    return survivor, other


def test_an_officer_message_reaches_both_tipsters(
    merged: tuple[Any, Any], officer_hoan_kiem: Any
) -> None:
    survivor, other = merged

    tip_message_to_tipster(actor=officer_hoan_kiem, tip=survivor, body=QUESTION)

    assert [m.body for m in tip_public_view(survivor).messages] == [QUESTION]
    assert [m.body for m in tip_public_view(other).messages] == [QUESTION]
    # Each copy is the other tip's own row, sealed with its own key.
    assert TipMessage.objects.filter(tip=other).count() == 1


def test_a_merged_tip_shows_the_surviving_tips_progress(merged: tuple[Any, Any]) -> None:
    survivor, other = merged

    view = tip_public_view(other)

    assert other.status == TipStatus.MERGED
    assert view.status == survivor.status
    unit = survivor.responsible_unit.name
    assert view.status_text == (
        f"{status_text(TipStatus.MERGED, unit)} {status_text(survivor.status, unit)}"
    )
    assert view.reference == other.reference  # never the other tipster's reference


def test_the_merged_tipster_is_told_the_result_of_the_surviving_tip(
    merged: tuple[Any, Any], officer_hoan_kiem: Any
) -> None:
    survivor, other = merged
    tip_act(actor=officer_hoan_kiem, tip=survivor, action="take")
    tip_act(
        actor=officer_hoan_kiem,
        tip=survivor,
        action="not_prosecute",
        data=ActionInput(reason="Không có dấu hiệu tội phạm: xe đã được tìm thấy.", valuable=False),
    )

    survivor.refresh_from_db()
    view = tip_public_view(other)
    survivor_view = tip_public_view(survivor)

    assert view.status == TipStatus.CONCLUDED
    assert view.is_closed
    assert view.result == survivor_view.result != ""
    assert view.result_reason == "Không có dấu hiệu tội phạm: xe đã được tìm thấy."
    assert view.status_text == status_text(TipStatus.CONCLUDED, survivor.responsible_unit.name)


def test_the_merged_tip_keeps_its_text_files_and_replies_for_staff(
    merged: tuple[Any, Any], officer_hoan_kiem: Any
) -> None:
    survivor, other = merged
    tipster_reply(tip=other, body="Biển số là 29B1-123.45.")

    [shown] = merged_tips_for_staff(survivor, actor=officer_hoan_kiem)

    assert shown.reference == other.reference
    assert shown.register_number == other.register_number
    assert shown.content["description"].startswith("Hai thanh nien be khoa")
    assert [name for _pk, name in shown.attachments] == ["xe.jpg"]
    assert [m.body for m in shown.messages] == ["Biển số là 29B1-123.45."]
    # Reading it is audited like any reading of a tip's content.
    assert AuditEvent.objects.filter(
        action="tips.tip.content.view", object_id=str(other.pk), data__via=survivor.reference
    ).exists()
    file = merged_attachment_for_staff(
        TipAttachment.objects.get(pk=shown.attachments[0][0]), actor=officer_hoan_kiem
    )
    assert file.name == "xe.jpg"
    assert file.data.startswith(b"\xff\xd8")


def test_officers_outside_the_jurisdiction_cannot_read_merged_tips(
    merged: tuple[Any, Any], officer_ba_dinh: Any, cadre_hoan_kiem: Any
) -> None:
    survivor, other = merged
    attachment = TipAttachment.objects.get(tip=other)

    for user in (officer_ba_dinh, cadre_hoan_kiem):
        with pytest.raises(PermissionDenied):
            merged_tips_for_staff(survivor, actor=user)
        with pytest.raises(PermissionDenied):
            merged_attachment_for_staff(attachment, actor=user)
