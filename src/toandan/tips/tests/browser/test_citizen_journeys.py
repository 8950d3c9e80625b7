"""The citizen's journeys in Chromium: without JavaScript on a 320 px phone (send,
receipt, follow-up, reply), and with JavaScript. Each page is checked with axe-core and
photographed at 320 and 1280 px (see `journey.check_page`); the steps assert what the
citizen notices: where the page comes back, where the focus is, that nothing typed is lost."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from toandan.tips.tests.browser.journey import check_page
from toandan.web.tests.browser.conftest import _context

pytestmark = pytest.mark.browser

DESCRIPTION = "Tối nào cũng có nhóm người mua bán ma túy ở cuối ngõ 12 phố Hàng Bạc."
REPLY = "Tối qua họ lại đến, khoảng 10 người, đi xe máy Wave đỏ."


@pytest.fixture
def phone_nojs(chromium: Browser, server_url: str) -> Iterator[Page]:
    """A 320×640 phone with JavaScript off: the citizen the issue measured."""
    context = _context(
        chromium, server_url, viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    yield context.new_page()
    context.close()


def _in_view(page: Page, selector: str) -> bool:
    return bool(
        page.evaluate(
            """(s) => { const r = document.querySelector(s).getBoundingClientRect();
                        return r.top >= 0 && r.bottom <= innerHeight; }""",
            selector,
        )
    )


def test_citizen_without_javascript_on_a_320_px_phone(phone_nojs: Page):
    page = phone_nojs
    page.goto("/")
    # The main button shows on the first screen, without scrolling.
    assert _in_view(page, "main a.button-big[href='/tips/new/']")
    check_page(page, "citizen-nojs", javascript=False, step="1-home")
    page.locator("main a.button-big[href='/tips/new/']").click()
    check_page(page, "citizen-nojs", javascript=False, step="2-form")

    page.locator("select[name=category]").select_option("drug-trafficking")
    page.locator("textarea[name=description]").fill(DESCRIPTION)

    # Enter in the province search box filters (it used to send the whole tip).
    page.locator("input[name=province_q]").fill("ha noi")
    page.locator("input[name=province_q]").press("Enter")
    expect(page.locator("#error-summary")).to_have_count(0)
    expect(page.locator("select[name=province] option")).to_have_text(["Thành phố Hà Nội"])
    # Each step comes back to the picker, with the focus on what comes next.
    expect(page.locator("select[name=province]")).to_be_focused()
    assert _in_view(page, "select[name=province]")

    page.locator("button[name=place_action][value=choose_province]").click()
    # The click returns once the new page starts; Chromium runs autofocus (and the scroll
    # that comes with it) a frame later, so wait for the focus before reading the scroll.
    expect(page.locator("input[name=commune_q]")).to_be_focused()
    assert page.evaluate("() => scrollY") > 1000  # not sent back to the top of the form
    assert _in_view(page, "input[name=commune_q]")
    check_page(page, "citizen-nojs", javascript=False, step="3-picker-commune")
    page.locator("input[name=commune_q]").fill("hoan kiem")
    page.locator("input[name=commune_q]").press("Enter")
    expect(page.locator("select[name=commune]")).to_be_focused()
    page.locator("select[name=commune]").select_option(label="Phường Hoàn Kiếm")
    page.locator("button[name=place_action][value=choose_commune]").click()
    expect(page.locator("button[value=change_commune]")).to_be_focused()
    expect(page.locator("#tip-place")).to_contain_text("Phường Hoàn Kiếm")
    expect(page.locator("textarea[name=description]")).to_have_value(DESCRIPTION)

    page.locator("form#tip-form button.button-big[name=send]").click()
    expect(page).to_have_url(re.compile(r"/tips/receipt/$"))
    check_page(page, "citizen-nojs", javascript=False, step="4-receipt")
    receipt = " ".join(re.findall(r"\d{4}", page.locator(".receipt-digits").inner_text()))
    page.locator("input[name=written_down]").check()
    page.locator("form.receipt-confirm button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/tips/follow-up/$"))
    check_page(page, "citizen-nojs", javascript=False, step="5-followup-open")

    page.locator("input[name=receipt]").fill(receipt)
    page.locator("form.followup-open button[type=submit]").click()
    expect(page.locator(".status-box")).to_be_visible()
    check_page(page, "citizen-nojs", javascript=False, step="6-followup-tip")
    page.locator("textarea[name=body]").fill(REPLY)
    # The language switch mid-reply keeps the reply in its box (it is not sent).
    page.locator("button[name=switch_language][value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("textarea[name=body]")).to_have_value(REPLY)
    expect(page.locator("#tip-messages-title ~ .conversation")).to_have_count(0)  # not sent
    page.locator("button[name=switch_language][value=vi]").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.locator("form.tip-form button[type=submit]").click()
    expect(page.locator(".conversation")).to_contain_text(REPLY)
    check_page(page, "citizen-nojs", javascript=False, step="7-replied")


def test_the_language_switch_mid_form_keeps_the_text_without_javascript(phone_nojs: Page):
    page = phone_nojs
    page.goto("/tips/new/")
    page.locator("textarea[name=description]").fill(DESCRIPTION)

    page.locator("button[name=switch_language][value=en]").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("textarea[name=description]")).to_have_value(DESCRIPTION)
    page.locator("button[name=switch_language][value=vi]").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_citizen_with_javascript(desktop_page: Page, tmp_path):
    page = desktop_page
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/tips/new/")
    page.locator("textarea[name=description]").fill(DESCRIPTION)
    page.locator("select[name=category]").select_option("drug-trafficking")
    # The language switch sends the form: nothing typed is lost.
    page.locator("button[name=switch_language][value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("textarea[name=description]")).to_have_value(DESCRIPTION)
    check_page(page, "citizen-js", "1-form-english")
    page.locator("button[name=switch_language][value=vi]").click()

    # Filtering happens in place: no request, and Enter does not send the tip.
    page.wait_for_load_state("networkidle")
    requests: list[str] = []
    page.on(
        "request",
        lambda request: requests.append(request.url) if request.is_navigation_request() else None,
    )
    page.locator("input[name=province_q]").fill("ha noi")
    expect(page.locator("select[name=province] option[value]:not([value=''])")).to_have_text(
        ["Thành phố Hà Nội"]
    )
    page.locator("input[name=province_q]").press("Enter")
    expect(page.locator("select[name=province]")).to_be_focused()
    assert requests == []
    expect(page.locator("#error-summary")).to_have_count(0)

    # A file the form does not take is refused before any upload.
    wrong = tmp_path / "chuong-trinh.exe"
    wrong.write_bytes(b"MZ" + b"\0" * 64)
    page.locator("input[name=attachments]").set_input_files(str(wrong))
    expect(page.locator("input[name=attachments] + .files-dropped")).to_contain_text(
        "chuong-trinh.exe"
    )
    assert page.locator("input[name=attachments]").evaluate("(i) => i.files.length") == 0

    # The commune step comes in place too: the province's communes are fetched from the geo
    # API, the page is not loaded again (no navigation, no document request).
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.locator("button[name=place_action][value=choose_province]").click()
    expect(page.locator("input[name=commune_q]")).to_be_focused()
    page.locator("input[name=commune_q]").fill("Hoàn Kiếm")
    expect(page.locator("select[name=commune] option[value]:not([value=''])")).to_have_text(
        ["Tôi không biết xã, phường", "Phường Hoàn Kiếm"]
    )
    page.locator("select[name=commune]").select_option(label="Phường Hoàn Kiếm")
    assert navigations == []
    assert requests == []
    expect(page.locator("textarea[name=description]")).to_have_value(DESCRIPTION)
    check_page(page, "citizen-js", "2-form-place-chosen")
    page.locator("form#tip-form button.button-big[name=send]").click()
    expect(page).to_have_url(re.compile(r"/tips/receipt/$"))
    assert len(navigations) == 1  # the tip sent, in one go
    check_page(page, "citizen-js", "3-receipt")
