"""The citizen's pages, driven with the test client as a browser without JavaScript would:
send a tip, write the receipt down, follow the tip up, answer the officer."""

from __future__ import annotations

import html
import re
import time
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from toandan.accounts.tests.factories import make_user
from toandan.tips import services
from toandan.tips.models import Category, Channel, ReceiptKind, Tip, TipMessage
from toandan.tips.services import TipInput
from toandan.tips.tests.intake.test_forms import commune, province, tip_data

pytestmark = pytest.mark.django_db

NEW = reverse("tips:new")
RECEIPT = reverse("tips:receipt")
CARD = reverse("tips:receipt_card")
FOLLOWUP = reverse("tips:followup")
RECEIPT_PATTERN = re.compile(r"(?:\d{4} ){3,}\d{4}")


def page(response: Any) -> str:
    return html.unescape(str(response.content.decode()))


def shown_receipt(response: Any) -> str:
    """The receipt as the page shows it, digit groups joined by spaces."""
    groups = re.findall(r'<span class="receipt-group">(\d{4})</span>', response.content.decode())
    assert groups, "no receipt on the page"
    return " ".join(groups)


def send_tip(client: Client, **overrides: Any) -> Any:
    return client.post(NEW, tip_data(**overrides))


def submitted_receipt(client: Client, **overrides: Any) -> str:
    """Send a tip and read the receipt off the one-time page, as the citizen does."""
    response = send_tip(client, **overrides)
    assert response.status_code == 302, page(response)
    assert response["Location"] == RECEIPT
    return shown_receipt(client.get(RECEIPT))


def staff_tip(receipt_kind_officer: str = "ca.nhap.test") -> services.SubmittedTip:
    officer = make_user(receipt_kind_officer, "police_officer", "CA-01-00070")
    return services.tip_submit_by_staff(
        actor=officer,
        data=TipInput(
            category=Category.objects.get(code="theft"),
            description="Mất trộm xe máy trước cửa nhà số 5.",
            province=province(),
            commune=commune(),
        ),
        channel=Channel.PHONE,
    )


# --- the form --------------------------------------------------------------------------------


def test_the_form_groups_categories_and_works_without_an_account(client: Client):
    response = client.get(NEW)

    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("<optgroup") >= 5
    assert 'value="drug-trafficking"' in text
    assert 'name="csrfmiddlewaretoken"' in text
    assert 'enctype="multipart/form-data"' in text
    assert 'type="file"' in text
    assert "multiple" in text
    assert 'name="place_action"' in text  # the place picker, first step
    assert 'name="contact_phone"' in text
    assert 'id="anonymity-explained"' in text
    assert response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"]


def test_file_sizes_are_written_without_a_useless_decimal(client: Client, settings):
    settings.TOANDAN_TIP_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
    settings.TOANDAN_TIP_MAX_TOTAL_BYTES = 3 * 1024 * 1024 // 2

    text = page(client.get(NEW))

    assert "20\xa0MB" in text or "20 MB" in text
    assert "20,0" not in text
    assert "1,5\xa0MB" in text or "1,5 MB" in text  # the decimal comma only when needed


def test_form_errors_keep_every_value_typed(client: Client):
    typed = tip_data(
        category="",
        occurred_on="",
        occurred_until="",
        occurred_date="2026-01-10",
        occurred_time="21:30",
        union_branch_code="",
    )

    response = client.post(NEW, typed)

    assert response.status_code == 200
    body = page(response)
    for name in (
        "description",
        "address",
        "occurred_text",
        "people",
        "vehicles",
        "contact_name",
        "contact_phone",
        "contact_email",
        "occurred_date",
        "occurred_time",
    ):
        assert typed[name] in body, name
    # The place stays chosen.
    assert "Phường Hoàn Kiếm" in body
    assert f'name="commune" value="{commune().pk}"' in response.content.decode()
    assert Tip.objects.count() == 0


def test_errors_are_next_to_the_field_and_summarised_at_the_top(client: Client):
    response = client.post(NEW, tip_data(description=""))

    text = response.content.decode()
    assert 'id="error-summary"' in text
    assert 'href="#id_description"' in text
    assert 'id="id_description_error"' in text
    textarea = re.search(r"<textarea[^>]*name=\"description\"[^>]*>", text)
    assert textarea is not None
    assert "aria-invalid" in textarea.group(0)
    assert "id_description_error" in textarea.group(0)


def test_the_place_picker_steps_keep_the_text_without_javascript(client: Client):
    """Province, then commune, then send: each step is a POST of the whole form."""
    typed = tip_data(province=None, commune=None, send=None)

    step1 = client.post(
        NEW, {**typed, "province": province().pk, "place_action": "choose_province"}
    )
    assert step1.status_code == 200
    assert 'name="commune_q"' in step1.content.decode()  # now at the commune step
    assert 'id="error-summary"' not in step1.content.decode()  # a step is not a submission
    for name in ("description", "people", "contact_name", "occurred_text"):
        assert typed[name] in page(step1)

    step2 = client.post(
        NEW,
        {
            **typed,
            "province": province().pk,
            "commune_q": "hoan kiem",
            "place_action": "filter_commune",
        },
    )
    assert "Phường Hoàn Kiếm" in page(step2)
    assert typed["description"] in page(step2)

    step3 = client.post(
        NEW,
        {
            **typed,
            "province": province().pk,
            "commune": commune().pk,
            "place_action": "choose_commune",
        },
    )
    assert "Phường Hoàn Kiếm" in page(step3)
    assert typed["vehicles"] in page(step3)
    assert Tip.objects.count() == 0

    sent = client.post(
        NEW, {**typed, "province": province().pk, "commune": commune().pk, "send": "1"}
    )
    assert sent.status_code == 302
    assert Tip.objects.count() == 1


def test_a_place_picker_step_keeps_what_was_typed_but_shows_no_errors(client: Client):
    """Choosing the province first, before anything else: no "required" under empty boxes."""
    typed = tip_data(
        province=None, commune=None, send=None, category="", description="", people="Hai người"
    )

    for step in (
        {"province": province().pk, "place_action": "choose_province"},
        {"province_q": "ha noi", "place_action": "filter_province"},
        {"province": province().pk, "commune": commune().pk, "place_action": "choose_commune"},
    ):
        response = client.post(NEW, {**typed, **step})

        assert response.status_code == 200
        text = response.content.decode()
        assert 'id="error-summary"' not in text
        assert "errorlist" not in text
        assert 'aria-invalid="true"' not in text
        assert "Hai người" in page(response)
        assert typed["contact_name"] in page(response)
    assert Tip.objects.count() == 0


def test_files_must_be_attached_again_when_the_form_comes_back(client: Client):
    response = client.post(
        NEW,
        {**tip_data(description=""), "attachments": [SimpleUploadedFile("anh.jpg", b"x")]},
    )

    assert response.status_code == 200
    assert 'class="files-dropped"' in response.content.decode()


def test_a_tip_goes_to_the_register_and_the_receipt_page(client: Client):
    response = send_tip(client)

    assert response.status_code == 302
    assert response["Location"] == RECEIPT
    tip = Tip.objects.get()
    assert tip.channel == Channel.WEB
    assert tip.commune == commune()
    assert tip.has_contact is True


# --- the receipt, once -----------------------------------------------------------------------


def test_the_receipt_survives_a_reload_until_it_is_confirmed(client: Client):
    send_tip(client)

    first = client.get(RECEIPT)
    assert first.status_code == 200
    receipt = shown_receipt(first)
    assert len(receipt.replace(" ", "")) >= 16
    tip = Tip.objects.get()
    assert tip.reference in first.content.decode()
    assert tip.register_unit.name in page(first)
    assert 'name="written_down"' in first.content.decode()
    assert "no-store" in first["Cache-Control"]

    reloaded = client.get(RECEIPT)  # a reload, or the back button
    assert reloaded.status_code == 200
    assert shown_receipt(reloaded) == receipt
    assert client.get(CARD).status_code == 200

    client.post(RECEIPT, {"written_down": "on"})
    gone = client.get(RECEIPT)
    assert gone.status_code == 410
    assert not RECEIPT_PATTERN.search(gone.content.decode())
    assert client.get(CARD).status_code == 404


def test_the_receipt_expires_after_fifteen_minutes_even_unconfirmed(client: Client, monkeypatch):
    send_tip(client)
    assert client.get(RECEIPT).status_code == 200
    later = time.time() + 15 * 60 + 5
    monkeypatch.setattr("cryptography.fernet.time.time", lambda: later)

    assert client.get(CARD).status_code == 404
    gone = client.get(RECEIPT)
    assert gone.status_code == 410
    assert not RECEIPT_PATTERN.search(gone.content.decode())


def test_the_receipt_is_not_stored_in_clear_in_the_session_table(client: Client):
    send_tip(client)
    receipt = shown_receipt(client.get(RECEIPT))

    digits = receipt.replace(" ", "")
    for session in Session.objects.all():
        assert digits not in session.session_data
        assert digits not in str(session.get_decoded())
        assert receipt not in str(session.get_decoded())


def test_continuing_needs_the_written_down_box_then_forgets_the_receipt(client: Client):
    send_tip(client)
    client.get(RECEIPT)

    refused = client.post(RECEIPT, {})
    assert refused.status_code == 200
    assert 'id="id_written_down_error"' in refused.content.decode()

    done = client.post(RECEIPT, {"written_down": "on"})
    assert done.status_code == 302
    assert done["Location"] == FOLLOWUP
    assert client.get(CARD).status_code == 404
    assert client.get(RECEIPT).status_code == 410


def test_the_receipt_card_is_served_only_from_the_one_time_state(client: Client):
    send_tip(client)
    receipt = shown_receipt(client.get(RECEIPT))

    card = client.get(CARD)
    assert card.status_code == 200
    assert card["Content-Type"] == "application/pdf"
    assert "no-store" in card["Cache-Control"]
    assert card.content.startswith(b"%PDF")
    from toandan.tips.tests.intake.test_documents import pdf_text

    assert receipt in pdf_text(card.content)

    assert Client().get(CARD).status_code == 404  # another browser: nothing


def test_the_receipt_page_without_a_tip_explains_itself(client: Client):
    response = client.get(RECEIPT)

    assert response.status_code == 410
    assert reverse("tips:followup") in response.content.decode()


def test_sending_too_many_tips_is_slowed_down_with_a_clear_message(client: Client, settings):
    settings.TOANDAN_TIP_RATE_PER_CLIENT_HOUR = 1
    client.get(reverse("tips:new"))  # the browser opens the form (and gets its device cookie)
    assert send_tip(client).status_code == 302

    second = send_tip(client, description="Một tin báo nữa về cùng nhóm người.")

    assert second.status_code == 429
    assert "Một tin báo nữa về cùng nhóm người." in page(second)  # nothing typed is lost
    assert 'id="error-summary"' in second.content.decode()
    assert Tip.objects.count() == 1


# --- follow-up -------------------------------------------------------------------------------


def open_tip(client: Client, receipt: str) -> Any:
    return client.post(FOLLOWUP, {"action": "open", "receipt": receipt})


def _rejection(response: Any) -> str:
    match = re.search(r'id="id_receipt_error"[^>]*><li>(.*?)</li>', response.content.decode())
    assert match, "no error next to the receipt box"
    return html.unescape(match.group(1))


def test_follow_up_with_the_receipt_shows_the_status_in_plain_words(client: Client):
    receipt = submitted_receipt(client)
    client.post(RECEIPT, {"written_down": "on"})

    opened = open_tip(client, receipt.replace(" ", ""))  # spaces do not matter
    assert opened.status_code == 302
    view = client.get(FOLLOWUP)

    tip = Tip.objects.get()
    assert view.status_code == 200
    text = page(view)
    assert tip.reference in text
    assert 'name="body"' in text  # the reply box
    assert 'name="action" value="close"' in view.content.decode()
    assert "no-store" in view["Cache-Control"]
    assert "Nguyễn Thị Lan" not in text  # the contact details are never shown back


def test_unknown_wrong_and_malformed_receipts_get_the_same_answer(client: Client):
    receipt = submitted_receipt(Client())
    wrong = receipt[:-1] + ("1" if receipt[-1] != "1" else "2")

    answers = {
        _rejection(open_tip(Client(), wrong)),
        _rejection(open_tip(Client(), "0000 0000 0000 0000 0000")),
        _rejection(open_tip(Client(), "abcd")),
    }

    assert len(answers) == 1


def test_receipt_guessing_is_throttled_with_the_wait_shown(client: Client, settings):
    settings.TOANDAN_RECEIPT_FREE_ATTEMPTS = 1
    settings.TOANDAN_RECEIPT_BASE_DELAY_SECONDS = 60
    receipt = submitted_receipt(Client())
    client.get(FOLLOWUP)

    first = _rejection(open_tip(client, "1111 1111 1111 1111 1111"))
    throttled = open_tip(client, receipt)  # even the right receipt waits its turn

    message = _rejection(throttled)
    assert re.search(r"\d+", message)
    assert 'name="body"' not in throttled.content.decode()
    # The right receipt is not told it is wrong: only to wait, as any other receipt is.
    assert message != first
    assert "không mở được" not in message
    assert "Quá nhiều lần thử" in message
    other = _rejection(open_tip(client, "2222 2222 2222 2222 2222"))
    assert re.sub(r"\d+", "N", other) == re.sub(r"\d+", "N", message)


def test_the_tipster_answers_the_officers_question(client: Client):
    receipt = submitted_receipt(client)
    tip = Tip.objects.get()
    officer = make_user("ca.hoi.test", "police_officer", "CA-01-00070")
    services.tip_message_to_tipster(actor=officer, tip=tip, body="Người đó cao khoảng bao nhiêu?")
    open_tip(client, receipt)

    view = client.get(FOLLOWUP)
    assert "Người đó cao khoảng bao nhiêu?" in page(view)

    sent = client.post(FOLLOWUP, {"action": "reply", "body": "Khoảng 1m70, tóc nhuộm vàng."})
    assert sent.status_code == 302
    after = page(client.get(FOLLOWUP))
    assert after.index("Người đó cao khoảng bao nhiêu?") < after.index("Khoảng 1m70")
    assert TipMessage.objects.filter(tip=tip).count() == 2


def test_an_empty_reply_is_refused_and_the_tip_stays_open(client: Client):
    receipt = submitted_receipt(client)
    open_tip(client, receipt)

    response = client.post(FOLLOWUP, {"action": "reply", "body": ""})

    assert response.status_code == 200
    assert 'id="id_body_error"' in response.content.decode()


def test_close_forgets_the_tip_on_this_device(client: Client):
    receipt = submitted_receipt(client)
    open_tip(client, receipt)

    closed = client.post(FOLLOWUP, {"action": "close"})
    assert closed.status_code == 302

    after = client.get(FOLLOWUP)
    assert 'name="receipt"' in after.content.decode()
    assert 'name="body"' not in after.content.decode()


def test_an_idle_follow_up_closes_by_itself(client: Client, settings):
    receipt = submitted_receipt(client)
    settings.TOANDAN_TIP_FOLLOWUP_SESSION_MINUTES = 0
    open_tip(client, receipt)

    after = client.get(FOLLOWUP)

    assert 'name="receipt"' in after.content.decode()


def test_session_fixation_a_known_session_cookie_does_not_inherit_the_tip(client: Client):
    receipt = submitted_receipt(client)
    before = client.cookies["sessionid"].value

    open_tip(client, receipt)

    assert client.cookies["sessionid"].value != before
    attacker = Client()
    attacker.cookies["sessionid"] = before
    assert 'name="body"' not in attacker.get(FOLLOWUP).content.decode()


def test_a_staff_issued_receipt_must_be_replaced_first(client: Client):
    submitted = staff_tip()
    assert submitted.tip.receipt_kind == ReceiptKind.STAFF_ISSUED

    opened = open_tip(client, submitted.receipt)

    assert opened.status_code == 302
    assert opened["Location"] == RECEIPT
    replacement = client.get(RECEIPT)
    new_receipt = shown_receipt(replacement)
    assert new_receipt != submitted.receipt
    client.post(RECEIPT, {"written_down": "on"})
    assert 'name="body"' in client.get(FOLLOWUP).content.decode()

    # The officer's receipt no longer opens the tip; the citizen's own does.
    assert _rejection(open_tip(Client(), submitted.receipt))
    assert open_tip(Client(), new_receipt).status_code == 302
    submitted.tip.refresh_from_db()
    assert submitted.tip.receipt_kind == ReceiptKind.CITIZEN


def test_the_replacement_receipt_survives_a_reload_until_it_is_confirmed(client: Client):
    submitted = staff_tip()
    open_tip(client, submitted.receipt)
    new_receipt = shown_receipt(client.get(RECEIPT))

    assert shown_receipt(client.get(RECEIPT)) == new_receipt  # not lost on a reload
    assert client.get(CARD).status_code == 200
    client.post(RECEIPT, {"written_down": "on"})
    assert client.get(RECEIPT).status_code == 410
    assert client.get(CARD).status_code == 404


# --- attachments through the pages ----------------------------------------------------------


def test_a_photo_sent_with_the_form_loses_its_location_unless_asked(client: Client):
    from toandan.media.tests import samples as media

    photo = SimpleUploadedFile("anh.jpg", media.jpeg_with_gps(), content_type="image/jpeg")

    response = client.post(NEW, {**tip_data(), "attachments": [photo]})

    assert response.status_code == 302
    attachment = Tip.objects.get().attachments.get()
    assert attachment.kept_location is False
    assert attachment.content_type == "image/jpeg"


def test_a_file_that_is_not_what_it_claims_is_refused_next_to_the_field(client: Client):
    fake = SimpleUploadedFile("anh.jpg", b"MZ\x90\x00 not a picture at all", "image/jpeg")

    response = client.post(NEW, {**tip_data(), "attachments": [fake]})

    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_attachments_error"' in text
    assert 'class="files-dropped"' in text  # attach again
    assert tip_data()["description"] in page(response)
    assert Tip.objects.count() == 0


def test_the_tipster_may_answer_with_a_file_only(client: Client):
    from toandan.media.tests import samples as media

    receipt = submitted_receipt(client)
    open_tip(client, receipt)
    photo = SimpleUploadedFile("bien-so-xe.jpg", media.jpeg_with_gps(), content_type="image/jpeg")

    sent = client.post(FOLLOWUP, {"action": "reply", "body": "", "attachments": [photo]})

    assert sent.status_code == 302
    assert "bien-so-xe.jpg" in page(client.get(FOLLOWUP))


def test_a_concluded_tip_shows_the_result_and_the_right_to_complain(client: Client):
    receipt = submitted_receipt(client)
    Tip.objects.update(status="concluded")
    open_tip(client, receipt)

    text = page(client.get(FOLLOWUP))

    assert "158" in text  # BLTTHS Art. 158: told the result and the reason, may complain


def test_a_wrong_receipt_typed_while_a_tip_is_open_closes_it(client: Client):
    receipt = submitted_receipt(client)
    open_tip(client, receipt)

    open_tip(client, "1111 2222 3333 4444 5555")

    assert 'name="body"' not in client.get(FOLLOWUP).content.decode()


def test_reply_flood_is_refused_with_the_wait_in_minutes(client: Client, settings):
    settings.TOANDAN_REPLY_RATE_PER_TIP_HOUR = 1
    receipt = submitted_receipt(client)
    open_tip(client, receipt)
    assert client.post(FOLLOWUP, {"action": "reply", "body": "Lần một."}).status_code == 302

    refused = client.post(FOLLOWUP, {"action": "reply", "body": "Lần hai, gửi ngay sau."})

    assert refused.status_code == 429
    text = page(refused)
    assert "Lần hai, gửi ngay sau." in text  # nothing typed is lost
    assert re.search(r"(khoảng \d+ phút|\d+ giây)", text)
    assert TipMessage.objects.count() == 1


# --- control characters --------------------------------------------------------------------------


def test_control_characters_in_a_tip_sent_by_the_form_do_not_break_its_intake_record(
    client: Client,
):
    from toandan.accounts.tests.factories import logged_in
    from toandan.tips.tests.intake.test_documents import docx_text

    send_tip(
        client,
        description="Nhóm người\x0b bán ma túy\x1b[0m ở cuối ngõ 12.",
        address="Cuối ngõ\x00 12",
        people="Hai\x85 thanh niên",
    )
    tip = Tip.objects.get()
    officer = logged_in(make_user("ca.bienban.form", "police_officer", "CA-01-00070"))

    docx = officer.get(reverse("tips:intake_record_docx", args=[tip.reference]))

    assert docx.status_code == 200
    text = docx_text(docx.content)
    assert "Nhóm người bán ma túy[0m ở cuối ngõ 12." in text
    assert "Cuối ngõ 12" in text
