"""Flow of the citizen's pages without JavaScript: no step loses the place on the page, the
focus or what was typed."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from toandan.tips.models import Tip, TipMessage
from toandan.tips.tests.intake.test_forms import commune, province, tip_data
from toandan.tips.tests.intake.test_views import FOLLOWUP, NEW, open_tip, page, submitted_receipt

pytestmark = pytest.mark.django_db


def _tag(text: str, pattern: str) -> str:
    found = re.search(pattern, text)
    assert found is not None, pattern
    return found.group(0)


def test_an_error_on_a_question_has_no_double_punctuation(client: Client):
    response = client.post(NEW, tip_data(category=""))

    summary = _tag(page(response), r'(?s)<div class="error-summary".*?</ul>')
    assert "Tin báo về việc gì? Trường này là bắt buộc." in summary
    assert "?:" not in summary


@pytest.mark.parametrize(
    ("step", "focused"),
    [
        ({"province_q": "ha noi", "place_action": "filter_province"}, 'name="province"'),
        ({"province": "PROVINCE", "place_action": "choose_province"}, 'name="commune_q"'),
        (
            {"province": "PROVINCE", "commune_q": "hoan", "place_action": "filter_commune"},
            'name="commune"',
        ),
        (
            {"province": "PROVINCE", "commune": "COMMUNE", "place_action": "choose_commune"},
            'value="change_commune"',
        ),
    ],
)
def test_each_picker_step_comes_back_to_the_picker_with_the_focus_on_it(
    client: Client, step, focused
):
    ids = {"PROVINCE": str(province().pk), "COMMUNE": str(commune().pk)}
    data = {key: ids.get(value, value) for key, value in step.items()}

    text = client.post(NEW, {**tip_data(province=None, commune=None, send=None), **data}).content
    html = text.decode()

    # The page comes back at the picker, not at its top: the browser scrolls to the one
    # autofocused control. (No #anchor: a URL fragment makes browsers skip autofocus.)
    autofocused = re.findall(r"<[^>]*\bautofocus\b[^>]*>", html)
    assert len(autofocused) == 1, autofocused
    assert focused in autofocused[0]


def test_the_first_view_of_the_form_focuses_nothing(client: Client):
    assert "autofocus" not in client.get(NEW).content.decode()


def test_enter_in_the_province_search_box_filters_instead_of_sending(client: Client):
    # Enter in a text box presses the form's first button, "send": with a search typed and
    # no place chosen yet, that is the filter the person meant.
    data = tip_data(province=None, commune=None, province_q="ha noi")

    response = client.post(NEW, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' not in html
    options = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", page(response))
    assert options == ["Thành phố Hà Nội"]
    assert Tip.objects.count() == 0


def test_the_language_switch_mid_form_keeps_what_was_typed(client: Client, settings):
    data = tip_data(send=None, switch_language="en")

    response = client.post(NEW, data)

    assert response.status_code == 200
    body = page(response)
    assert 'lang="en"' in body
    assert "Send the tip" in body
    for name in ("description", "people", "contact_name", "occurred_text"):
        assert data[name] in body, name
    assert "Phường Hoàn Kiếm" in body
    assert 'id="error-summary"' not in body
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert Tip.objects.count() == 0


def test_the_language_buttons_of_the_tip_form_send_the_form(client: Client):
    html = client.get(NEW).content.decode()

    buttons = re.findall(r"<button[^>]*name=\"switch_language\"[^>]*>", html)
    assert buttons
    assert all('form="tip-form"' in button for button in buttons)


def test_a_reply_typed_past_the_idle_limit_is_kept_for_the_next_opening(client: Client, settings):
    receipt = submitted_receipt(client)
    settings.TOANDAN_TIP_FOLLOWUP_SESSION_MINUTES = 0
    open_tip(client, receipt)
    reply = "Tôi nhớ thêm: biển số xe là 29-X1 123.45, họ đi về phía chợ."

    late = client.post(FOLLOWUP, {"action": "reply", "body": reply})

    assert late.status_code == 200
    assert reply in page(late)  # not thrown away: it is on the page that asks for the receipt
    settings.TOANDAN_TIP_FOLLOWUP_SESSION_MINUTES = 30
    opened = client.post(FOLLOWUP, {"action": "open", "receipt": receipt, "draft": reply})
    assert opened.status_code == 200
    reply_box = _tag(page(opened), r'(?s)<textarea[^>]*name="body"[^>]*>.*?</textarea>')
    assert reply in reply_box
    assert TipMessage.objects.count() == 0  # kept in the box, not sent unseen


def test_the_language_switch_on_the_follow_up_page_keeps_the_reply_being_typed(
    client: Client, settings
):
    receipt = submitted_receipt(client)
    open_tip(client, receipt)
    html = client.get(FOLLOWUP).content.decode()
    # The language buttons send the reply form, not the bare language form.
    buttons = re.findall(r"<button[^>]*name=\"switch_language\"[^>]*>", html)
    assert buttons
    assert all('form="reply-form"' in button for button in buttons)
    reply = "Tôi nhớ thêm: biển số xe là 29-X1 123.45, họ đi về phía chợ."

    switched = client.post(FOLLOWUP, {"action": "reply", "body": reply, "switch_language": "en"})

    assert switched.status_code == 200
    body = page(switched)
    assert '<html lang="en"' in body
    reply_box = _tag(body, r'(?s)<textarea[^>]*name="body"[^>]*>.*?</textarea>')
    assert reply in reply_box
    assert 'id="error-summary"' not in body
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    # Not sent, and not stored anywhere on the server: only put back in the box.
    assert TipMessage.objects.count() == 0
    assert reply not in str(dict(client.session.items()))


def test_the_language_switch_after_the_idle_limit_keeps_the_reply(client: Client, settings):
    receipt = submitted_receipt(client)
    settings.TOANDAN_TIP_FOLLOWUP_SESSION_MINUTES = 0
    open_tip(client, receipt)
    reply = "Họ đi xe máy Wave đỏ."

    switched = client.post(FOLLOWUP, {"action": "reply", "body": reply, "switch_language": "en"})

    assert switched.status_code == 200
    assert '<html lang="en"' in page(switched)
    assert reply in page(switched)
    assert TipMessage.objects.count() == 0


def test_the_files_to_attach_again_are_named(client: Client):
    response = client.post(
        NEW,
        {
            **tip_data(description=""),
            "attachments": [
                SimpleUploadedFile("anh-bien-so.jpg", b"x"),
                SimpleUploadedFile("ghi-am.m4a", b"y"),
            ],
        },
    )

    summary = _tag(page(response), r'(?s)<div class="error-summary".*?</div>')
    assert "anh-bien-so.jpg" in summary
    assert "ghi-am.m4a" in summary


def test_the_file_input_carries_its_limits_for_the_browser_check(client: Client, settings):
    box = _tag(client.get(NEW).content.decode(), r"<input[^>]*name=\"attachments\"[^>]*>")

    assert f'data-max-bytes="{settings.TOANDAN_TIP_MAX_ATTACHMENT_BYTES}"' in box
    assert f'data-max-files="{settings.TOANDAN_TIP_MAX_ATTACHMENTS}"' in box


def test_a_reply_is_still_sent_when_the_tip_is_open(client: Client):
    # The draft path must not change the normal one.
    receipt = submitted_receipt(client)
    open_tip(client, receipt)
    sent = client.post(FOLLOWUP, {"action": "reply", "body": "Thêm một chi tiết."})
    assert sent.status_code == 302
    assert TipMessage.objects.filter(tip=Tip.objects.get()).count() == 1


def test_the_tip_form_is_sent_compressed_with_a_breach_mitigation(client: Client):
    first = client.get(NEW, headers={"accept-encoding": "gzip"})
    second = client.get(NEW, headers={"accept-encoding": "gzip"})

    assert first["Content-Encoding"] == "gzip"
    assert len(first.content) < 15_000
    # BREACH: the CSRF token is masked afresh and the gzip padding varies, so the same page
    # never compresses to the same bytes.
    assert first.content != second.content


def test_enter_anywhere_in_the_form_presses_send_not_a_language_button(client: Client):
    # Enter presses the form's first submit button in the page's order, wherever it sits:
    # the header's language buttons belong to the form too, and come first on the page.
    html = client.get(NEW).content.decode()
    form_start = html.index('id="tip-form"')
    form_end = html.index("</form>", form_start)
    owned = [
        match
        for match in re.finditer(r"<button[^>]*>", html)
        if 'form="tip-form"' in match.group(0) or form_start < match.start() < form_end
    ]

    assert 'name="send"' in owned[0].group(0), owned[0].group(0)
