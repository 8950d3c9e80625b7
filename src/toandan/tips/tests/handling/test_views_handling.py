"""The police's handling pages, driven like a user: the tip page, its files, notes and
messages, and the actions of the legal timeline through their forms (no JavaScript).

Who may see what: the officer of the commune the tip is about opens it; an officer of another
commune gets the same 404 as for a tip that does not exist; the province leader opens both
communes' tips; a Women's Union cadre is refused every page (403).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from toandan.accounts.tests.factories import logged_in, unit
from toandan.audit.models import AuditEvent
from toandan.tips import services
from toandan.tips.deadlines import due_date
from toandan.tips.handling.timeline import DUE_ARTICLES
from toandan.tips.models import (
    Channel,
    DueKind,
    OffenceChapter,
    Outcome,
    RouteRole,
    Tip,
    TipAction,
    TipRoute,
    TipStatus,
    ValuableReason,
)
from toandan.tips.selectors import tip_public_view
from toandan.tips.tests.conftest import (
    BA_DINH,
    BA_DINH_POLICE,
    HOAN_KIEM_POLICE,
    commune,
    jpeg_upload,
    tip_input,
)

pytestmark = pytest.mark.django_db

A = TipAction
REASON = "Cần xác minh camera của ba hộ dân và lấy lời khai nhân chứng."


def vi(msgid: str) -> str:
    """What a Vietnamese page shows for `msgid`, whether or not it is translated yet."""
    with translation.override("vi"):
        return gettext(msgid)


def shows(response: Any, text: str) -> bool:
    # Data is escaped on the page; the template's own literal strings are not.
    page = response.content.decode()
    return escape(text) in page or text in page


def field_html(response: Any, name: str) -> str:
    """The HTML of one form field's box (label, errors, control)."""
    boxes: list[str] = response.content.decode().split('<div class="field')
    return next(box for box in boxes if f'name="{name}"' in box)


def receive(**overrides: Any) -> Tip:
    """A citizen's web tip about a theft in phường Hoàn Kiếm (unless overridden)."""
    return services.tip_submit(data=tip_input(**overrides)).tip


def fresh(tip: Tip) -> Tip:
    return Tip.objects.select_related("responsible_unit", "pending_unit").get(pk=tip.pk)


def page_url(tip: Tip) -> str:
    return reverse("tips:staff_detail", kwargs={"reference": tip.reference})


def act_url(tip: Tip, action: str) -> str:
    return reverse("tips:staff_action", kwargs={"reference": tip.reference, "action": action})


def audits(action: str, tip: Tip) -> int:
    return AuditEvent.objects.filter(action=action, object_id=str(tip.pk)).count()


# --- Who may open a tip --------------------------------------------------------------------------


def test_officer_of_the_commune_opens_the_tip_and_reads_it(officer_hoan_kiem):
    tip = receive()

    response = logged_in(officer_hoan_kiem).get(page_url(tip))

    assert response.status_code == 200
    assert shows(response, "Hai thanh niên bẻ khóa xe máy trước số 12 Hàng Bạc lúc 22 giờ.")
    assert shows(response, tip.register_number)
    # The deadline with its legal basis.
    assert shows(response, str(DUE_ARTICLES[DueKind.FORWARD]))
    assert shows(response, due_date(tip.due_at).strftime("%d/%m/%Y"))  # type: ignore[arg-type]


def test_an_officer_of_another_commune_gets_404_like_a_tip_that_does_not_exist(
    officer_ba_dinh,
):
    tip = receive()
    client = logged_in(officer_ba_dinh)

    forbidden = client.get(page_url(tip))
    unknown = client.get(reverse("tips:staff_detail", kwargs={"reference": "ZZZZZZZZZZZZ"}))

    assert forbidden.status_code == unknown.status_code == 404
    assert client.get(act_url(tip, A.TAKE)).status_code == 404
    assert client.post(act_url(tip, A.TAKE)).status_code == 404
    assert fresh(tip).status == TipStatus.RECEIVED
    assert audits("tips.tip.content.view", tip) == 0


def test_a_notification_link_by_register_number_leads_to_the_tip_page_within_jurisdiction(
    officer_hoan_kiem, officer_ba_dinh
):
    tip = receive()
    url = reverse(
        "tips:staff_by_number",
        kwargs={
            "unit_id": tip.register_unit_id,
            "year": tip.register_year,
            "seq": tip.register_seq,
        },
    )

    response = logged_in(officer_hoan_kiem).get(url)

    assert response.status_code == 302
    assert response["Location"] == page_url(tip)
    assert logged_in(officer_ba_dinh).get(url).status_code == 404


def test_the_province_leader_opens_the_tips_of_every_commune(leader_hanoi):
    hoan_kiem = receive()
    ba_dinh = receive(commune=commune(BA_DINH))
    client = logged_in(leader_hanoi)

    assert client.get(page_url(hoan_kiem)).status_code == 200
    assert client.get(page_url(ba_dinh)).status_code == 200


def test_a_union_cadre_is_refused_every_handling_page(cadre_hoan_kiem):
    tip = receive(attachments=[jpeg_upload()])
    attachment = tip.attachments.get()
    client = logged_in(cadre_hoan_kiem)
    reference = tip.reference

    urls = [
        reverse("tips:inbox"),
        page_url(tip),
        act_url(tip, A.TAKE),
        reverse("tips:attachment_download", args=[reference, attachment.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    for name in ("tips:staff_note", "tips:staff_message"):
        assert (
            client.post(reverse(name, args=[reference]), {"text": "x", "body": "x"}).status_code
            == 403
        )
    assert client.post(act_url(tip, A.TAKE)).status_code == 403
    assert fresh(tip).status == TipStatus.RECEIVED


def test_anonymous_visitors_are_sent_to_log_in(client: Client):
    tip = receive()

    response = client.get(page_url(tip))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- Reading is recorded -------------------------------------------------------------------------


def test_opening_the_tip_page_is_an_audit_event_naming_the_officer(officer_hoan_kiem):
    tip = receive()
    client = logged_in(officer_hoan_kiem)

    client.get(page_url(tip))
    client.get(page_url(tip))

    events = AuditEvent.objects.filter(action="tips.tip.content.view", object_id=str(tip.pk))
    assert events.count() == 2
    assert {event.actor_id for event in events} == {officer_hoan_kiem.pk}


def test_downloading_a_file_is_audited_and_served_as_an_attachment(officer_hoan_kiem):
    tip = receive(attachments=[jpeg_upload("hien-truong.jpg")])
    attachment = tip.attachments.get()
    client = logged_in(officer_hoan_kiem)
    url = reverse("tips:attachment_download", args=[tip.reference, attachment.pk])

    page = client.get(page_url(tip))
    response = client.get(url)

    assert shows(page, url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="hien-truong.jpg"'
    assert response.content.startswith(b"\xff\xd8")  # a JPEG, decrypted
    assert audits("tips.attachment.view", tip) == 1


def test_a_file_of_another_tip_is_not_served_under_this_tip(officer_hoan_kiem):
    mine = receive()
    other = receive(attachments=[jpeg_upload()])
    attachment = other.attachments.get()

    response = logged_in(officer_hoan_kiem).get(
        reverse("tips:attachment_download", args=[mine.reference, attachment.pk])
    )

    assert response.status_code == 404
    assert audits("tips.attachment.view", other) == 0


# --- The legal timeline through the forms --------------------------------------------------------


def test_take_extend_and_conclude_as_valuable_through_the_forms(officer_hoan_kiem):
    tip = receive()
    client = logged_in(officer_hoan_kiem)

    # The tip page offers "take" as one button.
    page = client.get(page_url(tip))
    assert shows(page, act_url(tip, A.TAKE))
    taken = client.post(act_url(tip, A.TAKE), follow=True)

    assert taken.redirect_chain == [(page_url(tip), 302)]
    assert fresh(tip).status == TipStatus.RESOLVING
    assert fresh(tip).due_kind == DueKind.DECIDE
    assert shows(taken, vi("The tip is taken for resolution."))
    assert shows(taken, str(DUE_ARTICLES[DueKind.DECIDE]))

    form = client.get(act_url(tip, A.EXTEND_COMPLEX))
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    extended = client.post(act_url(tip, A.EXTEND_COMPLEX), {"reason": REASON}, follow=True)

    assert fresh(tip).due_kind == DueKind.DECIDE_COMPLEX
    assert shows(extended, REASON)  # the reason, decrypted, in the history

    concluded = client.post(
        act_url(tip, A.PROSECUTE),
        {
            "decision_number": "15/QĐ-CSĐT",
            "valuable": "yes",
            "valuable_reasons": [ValuableReason.LED_TO_CASE, ValuableReason.ARREST],
            "offence_chapter": str(OffenceChapter.PROPERTY.value),
            "arrested_count": "2",
            "property_recovered_vnd": "35000000",
        },
        follow=True,
    )

    done = fresh(tip)
    assert done.status == TipStatus.CONCLUDED
    assert done.outcome == Outcome.PROSECUTED
    assert done.valuable is True
    assert done.valuable_reasons == [ValuableReason.LED_TO_CASE, ValuableReason.ARREST]
    assert done.offence_chapter == OffenceChapter.PROPERTY
    assert (done.arrested_count, done.property_recovered_vnd) == (2, 35_000_000)
    assert shows(concluded, "15/QĐ-CSĐT")
    with translation.override("vi"):
        assert shows(concluded, str(OffenceChapter.PROPERTY.label))
        assert shows(concluded, str(ValuableReason.LED_TO_CASE.label))
    for action in (A.TAKE, A.EXTEND_COMPLEX, A.PROSECUTE):
        assert audits(f"tips.tip.{action}", tip) == 1
    # Concluded: only the correction of the outcome is left.
    assert not shows(concluded, act_url(tip, A.TAKE))
    assert shows(concluded, act_url(tip, A.CORRECT_OUTCOME))


def test_the_outcome_is_corrected_later_with_a_reason(officer_hoan_kiem):
    tip = receive()
    client = logged_in(officer_hoan_kiem)
    client.post(act_url(tip, A.TAKE))
    client.post(
        act_url(tip, A.NOT_PROSECUTE), {"reason": "Không có dấu hiệu tội phạm.", "valuable": "no"}
    )

    form = client.get(act_url(tip, A.CORRECT_OUTCOME))
    # The form starts from what was recorded.
    assert 'value="no" id="id_valuable_1" checked' in form.content.decode()

    no_reason = client.post(
        act_url(tip, A.CORRECT_OUTCOME), {"valuable": "yes", "valuable_reasons": ["other"]}
    )
    assert no_reason.status_code == 422
    assert shows(no_reason, vi("Say why the outcome is corrected (required)."))
    assert fresh(tip).valuable is False

    client.post(
        act_url(tip, A.CORRECT_OUTCOME),
        {
            "reason": "Tin giúp xử phạt hành chính.",
            "valuable": "yes",
            "valuable_reasons": [ValuableReason.ADMINISTRATIVE_SANCTION],
        },
    )
    assert fresh(tip).valuable is True
    assert audits("tips.tip.correct_outcome", tip) == 1


def test_a_refused_transition_is_answered_with_the_reason_and_409(officer_hoan_kiem):
    tip = receive()
    client = logged_in(officer_hoan_kiem)
    client.post(act_url(tip, A.TAKE))

    # The procuracy extends only a case already extended as complex (BLTTHS Art. 147(2)).
    response = client.post(
        act_url(tip, A.EXTEND_PROCURACY), {"decision_number": "07/QĐ-VKS", "months": "2"}
    )

    assert response.status_code == 409
    assert shows(
        response,
        vi(
            "The procuracy extends only a complex case already extended to 2 months "
            "(BLTTHS Art. 147(2))."
        ),
    )
    assert 'value="07/QĐ-VKS"' in response.content.decode()  # nothing typed is lost
    assert fresh(tip).procuracy_decision == ""
    assert audits("tips.tip.extend_procuracy", tip) == 0


def test_a_refusal_about_one_field_is_shown_next_to_it_and_keeps_what_was_typed(
    officer_hoan_kiem,
):
    tip = receive()
    client = logged_in(officer_hoan_kiem)
    client.post(act_url(tip, A.TAKE))

    response = client.post(
        act_url(tip, A.NOT_PROSECUTE),
        {
            "valuable": "yes",
            "valuable_reasons": [ValuableReason.PREVENTED_OFFENCE],
            "arrested_count": "3",
        },
    )

    assert response.status_code == 422
    message = vi("Give the reason for not prosecuting: the tipster is told it (Art. 158).")
    assert escape(message) in field_html(response, "reason")
    assert 'value="3"' in field_html(response, "arrested_count")
    reasons = field_html(response, "valuable_reasons")
    assert 'value="prevented_offence" id="id_valuable_reasons_1" checked' in reasons
    assert fresh(tip).status == TipStatus.RESOLVING


def test_a_malformed_number_is_a_form_error_not_a_crash(officer_hoan_kiem):
    tip = receive()
    client = logged_in(officer_hoan_kiem)
    client.post(act_url(tip, A.TAKE))

    response = client.post(
        act_url(tip, A.PROSECUTE),
        {"valuable": "no", "arrested_count": "hai", "offence_chapter": "99"},
    )

    assert response.status_code == 422
    assert 'value="hai"' in response.content.decode()
    assert fresh(tip).status == TipStatus.RESOLVING


def test_an_unknown_action_is_404(officer_hoan_kiem):
    tip = receive()

    response = logged_in(officer_hoan_kiem).get(act_url(tip, "delete"))

    assert response.status_code == 404


def test_the_form_of_an_action_not_possible_now_says_so(officer_hoan_kiem):
    tip = receive()

    response = logged_in(officer_hoan_kiem).get(act_url(tip, A.RESUME))

    assert response.status_code == 200
    assert shows(response, vi("This action is not possible on this tip now, or not for your unit."))
    assert '<form method="post" action="' + act_url(tip, A.RESUME) not in response.content.decode()


# --- Forwarding, acceptance, re-routing ----------------------------------------------------------


def test_forward_to_a_unit_typed_by_code_then_the_receiving_unit_accepts(
    officer_hoan_kiem, officer_ba_dinh
):
    tip = receive()
    sender, receiver = logged_in(officer_hoan_kiem), logged_in(officer_ba_dinh)

    form = sender.get(act_url(tip, A.FORWARD))
    assert shows(form, BA_DINH_POLICE)  # in the list of the province's police units
    sender.post(
        act_url(tip, A.FORWARD),
        {"target_unit_code": BA_DINH_POLICE.lower(), "reason": "Nơi xảy ra thuộc phường Ba Đình."},
    )

    assert fresh(tip).status == TipStatus.FORWARDED
    incoming = receiver.get(reverse("tips:inbox"), {"box": "incoming"})
    assert shows(incoming, tip.register_number)
    page = receiver.get(page_url(tip))
    assert page.status_code == 200
    assert shows(page, act_url(tip, A.ACCEPT))
    assert shows(page, act_url(tip, A.RETURN))

    receiver.post(act_url(tip, A.ACCEPT))

    accepted = fresh(tip)
    assert accepted.responsible_unit is not None
    assert accepted.responsible_unit.code == BA_DINH_POLICE
    assert accepted.status == TipStatus.CHECKING
    # The route shows where the tip has been, including the unit it left.
    route = receiver.get(page_url(tip))
    assert shows(route, "Công an phường Hoàn Kiếm")
    assert shows(route, "Công an phường Ba Đình")
    assert shows(route, "Nơi xảy ra thuộc phường Ba Đình.")


def test_a_unit_code_that_does_not_exist_is_a_form_error(officer_hoan_kiem):
    tip = receive()

    response = logged_in(officer_hoan_kiem).post(
        act_url(tip, A.FORWARD), {"target_unit_code": "CA-99-99999", "reason": "x"}
    )

    assert response.status_code == 422
    assert shows(response, vi("No unit has this code."))
    assert fresh(tip).status == TipStatus.RECEIVED


def test_forwarding_without_a_reason_is_refused_next_to_the_reason(officer_hoan_kiem):
    tip = receive()
    response = logged_in(officer_hoan_kiem).post(
        act_url(tip, A.FORWARD), {"target_unit": str(unit(BA_DINH_POLICE).pk)}
    )

    assert response.status_code == 422
    assert shows(response, vi("Say why the tip is forwarded to this unit."))
    assert f'value="{unit(BA_DINH_POLICE).pk}" selected' in response.content.decode()


def test_the_province_corrects_a_misrouted_tip(leader_hanoi, officer_hoan_kiem, officer_ba_dinh):
    tip = receive()

    # A commune officer may not re-route: the button is not there.
    assert not shows(logged_in(officer_hoan_kiem).get(page_url(tip)), act_url(tip, A.REROUTE))
    leader = logged_in(leader_hanoi)
    assert shows(leader.get(page_url(tip)), act_url(tip, A.REROUTE))

    leader.post(
        act_url(tip, A.REROUTE),
        {"target_unit": str(unit(BA_DINH_POLICE).pk), "reason": "Sai địa bàn."},
    )

    assert fresh(tip).responsible_unit.code == BA_DINH_POLICE  # type: ignore[union-attr]
    assert logged_in(officer_ba_dinh).get(page_url(tip)).status_code == 200
    routes = TipRoute.objects.filter(tip=tip, role=RouteRole.PRIMARY)
    assert {(r.org_unit.code, r.active) for r in routes} == {
        (HOAN_KIEM_POLICE, False),
        (BA_DINH_POLICE, True),
    }


def test_merge_into_another_tip_by_register_number(officer_hoan_kiem):
    first = receive()
    second = receive(
        description="Lại thấy hai thanh niên bẻ khóa xe trên phố Hàng Bạc.",
        attachments=[jpeg_upload("xe.jpg")],
    )
    client = logged_in(officer_hoan_kiem)

    client.post(act_url(second, A.MERGE), {"merge_into": first.register_number})

    merged = fresh(second)
    assert merged.status == TipStatus.MERGED
    assert merged.merged_into_id == first.pk
    assert shows(client.get(page_url(second)), page_url(first))
    # The surviving tip shows what the merged one said, and serves its file (audited).
    surviving = client.get(page_url(first))
    assert shows(surviving, "Lại thấy hai thanh niên bẻ khóa xe trên phố Hàng Bạc.")
    file_url = reverse(
        "tips:attachment_download", args=[first.reference, second.attachments.get().pk]
    )
    assert shows(surviving, file_url)
    download = client.get(file_url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="xe.jpg"'
    assert audits("tips.attachment.view", second) == 1


def test_a_likely_duplicate_is_suggested_with_a_merge_button(officer_hoan_kiem):
    first = receive()
    second = receive()  # the same words, the same place, the same day
    client = logged_in(officer_hoan_kiem)

    page = client.get(page_url(second))

    assert shows(page, page_url(first))
    text = page.content.decode()
    assert f'name="merge_into" value="{first.reference}"' in text
    client.post(act_url(second, A.MERGE), {"merge_into": first.reference})
    assert fresh(second).merged_into_id == first.pk


def test_a_merge_target_outside_the_jurisdiction_is_not_found(officer_hoan_kiem):
    mine = receive()
    elsewhere = receive(commune=commune(BA_DINH))

    response = logged_in(officer_hoan_kiem).post(
        act_url(mine, A.MERGE), {"merge_into": elsewhere.register_number}
    )

    assert response.status_code == 422
    assert shows(response, vi("No tip with this register number or reference is open to you."))
    assert fresh(mine).status == TipStatus.RECEIVED


# --- Information copies, notes and messages ------------------------------------------------------


def test_an_information_copy_is_read_only(officer_hoan_kiem, officer_ba_dinh):
    # Taken by phone at Ba Đình about Hoàn Kiếm: Ba Đình handles it, Hoàn Kiếm gets a copy.
    tip = services.tip_submit_by_staff(
        actor=officer_ba_dinh,
        data=tip_input(),
        channel=Channel.PHONE,
        received_at=timezone.now() - dt.timedelta(hours=1),
    ).tip
    assert TipRoute.objects.filter(
        tip=tip, org_unit__code=HOAN_KIEM_POLICE, role=RouteRole.INFORMATION
    ).exists()
    client = logged_in(officer_hoan_kiem)

    page = client.get(page_url(tip))

    assert page.status_code == 200
    assert shows(
        page,
        vi(
            "Your unit holds an information copy of this tip: you can read it, another unit "
            "handles it."
        ),
    )
    assert not shows(page, act_url(tip, A.TAKE))
    assert 'id="note-form"' not in page.content.decode()
    assert client.post(act_url(tip, A.TAKE)).status_code == 404
    assert (
        client.post(reverse("tips:staff_note", args=[tip.reference]), {"text": "x"}).status_code
        == 404
    )
    assert fresh(tip).status == TipStatus.RECEIVED
    copies = client.get(reverse("tips:inbox"), {"box": "copies"})
    assert shows(copies, tip.register_number)


def test_an_internal_note_is_in_the_history_and_never_reaches_the_tipster(officer_hoan_kiem):
    tip = receive()
    client = logged_in(officer_hoan_kiem)
    note = "Nghi vấn liên quan nhóm trộm xe đã bị bắt tháng trước."

    response = client.post(
        reverse("tips:staff_note", args=[tip.reference]), {"text": note}, follow=True
    )

    assert shows(response, note)
    assert shows(response, vi("The note is added to the history."))
    public = tip_public_view(tip)
    assert note not in repr(public)
    assert audits("tips.tip.note", tip) == 1


def test_an_empty_note_is_refused_with_a_message(officer_hoan_kiem):
    tip = receive()

    response = logged_in(officer_hoan_kiem).post(
        reverse("tips:staff_note", args=[tip.reference]), {"text": "  "}
    )

    assert response.status_code == 422
    assert shows(response, vi("Write the note."))


def test_a_message_to_the_tipster_shows_on_their_follow_up(officer_hoan_kiem):
    tip = receive()
    client = logged_in(officer_hoan_kiem)
    question = "Bạn có nhớ biển số xe của hai thanh niên không?"

    response = client.post(
        reverse("tips:staff_message", args=[tip.reference]), {"body": question}, follow=True
    )

    assert response.redirect_chain == [(page_url(tip), 302)]
    assert shows(response, question)
    messages = tip_public_view(tip).messages
    assert [(m.body, m.from_police) for m in messages] == [(question, True)]


def test_an_empty_message_is_refused_and_nothing_is_sent(officer_hoan_kiem):
    tip = receive()

    response = logged_in(officer_hoan_kiem).post(
        reverse("tips:staff_message", args=[tip.reference]), {"body": ""}
    )

    assert response.status_code == 422
    assert tip_public_view(tip).messages == ()


def test_a_reveal_link_only_when_the_reveal_procedure_allows_it(officer_hoan_kiem, monkeypatch):
    tip = receive(contact_name="Nguyễn Văn A", contact_phone="0912345678")
    client = logged_in(officer_hoan_kiem)
    reveal_text = vi("Reveal the tipster's identity")

    monkeypatch.setattr("toandan.tips.policies.may_request_reveal", lambda user, tip: False)
    assert not shows(client.get(page_url(tip)), reveal_text)

    monkeypatch.setattr("toandan.tips.policies.may_request_reveal", lambda user, tip: True)
    page = client.get(page_url(tip))
    assert page.status_code == 200
    assert shows(page, reveal_text)
    url = reverse("tips:reveal_request", kwargs={"reference": tip.reference})
    assert f'href="{url}"' in page.content.decode()


def test_the_forwarding_help_and_the_flagrant_box_say_the_configured_deadlines(
    officer_hoan_kiem, settings
):
    settings.TOANDAN_TIP_DEADLINES = {
        **settings.TOANDAN_TIP_DEADLINES,
        "forward_urgent_hours": 36,
        "forward_urgent_remote_hours": 60,
        "forward_days": 10,
    }
    tip = receive()
    client = logged_in(officer_hoan_kiem)

    forward = client.get(act_url(tip, A.FORWARD)).content.decode()
    check = client.get(act_url(tip, A.CHECK)).content.decode()

    assert "36 giờ" in forward
    assert "60 giờ" in forward
    assert "10 ngày" in forward
    assert "24 giờ" not in forward
    assert "7 ngày" not in forward
    assert "36 giờ" in check
    assert "24 giờ" not in check
