"""A citizen sends a tip from a phone without JavaScript, writes the receipt down, and comes
back with it; the form fits a 320 px screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DESCRIPTION = "Tối nào cũng có nhóm người mua bán ma túy ở cuối ngõ 12 phố Hàng Bạc."
PEOPLE = "Hai thanh niên, một người xăm tay"


def _no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"page is {widths[0]} px wide on a {widths[1]} px screen"


def test_the_form_fits_a_320_px_phone(phone_page: Page):
    page = phone_page

    page.goto("/tips/new/")

    expect(page.locator("select[name=category] optgroup").first).to_be_attached()
    _no_horizontal_scroll(page)
    # Every box has a label a screen reader announces.
    for name in ("description", "address", "people", "contact_name", "contact_phone"):
        label = page.locator(f"label[for=id_{name}]")
        expect(label).to_have_count(1)
    page.locator("select[name=province]").select_option(label="Thành phố Hà Nội")
    page.locator("button[name=place_action][value=choose_province]").click()
    expect(page.locator("select[name=commune]")).to_be_visible()
    _no_horizontal_scroll(page)


def test_the_victims_question_follows_the_category_with_javascript(desktop_page: Page):
    page = desktop_page
    errors: list[str] = []
    # Chromium's own favicon request (there is none) is not the page's business.
    page.on(
        "console",
        lambda message: (
            None
            if message.location.get("url", "").endswith("/favicon.ico")
            else errors.append(f"{message.text} {message.location.get('url', '')}")
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/tips/new/")
    question = page.locator("[data-victim-request]")

    expect(question).to_be_hidden()
    page.locator("select[name=category]").select_option("fight-injury")
    expect(question).to_be_visible()
    page.locator("select[name=category]").select_option("theft")
    expect(question).to_be_hidden()
    assert errors == []  # styles and scripts load under the Content-Security-Policy


def test_send_a_tip_without_javascript_then_follow_it_up(nojs_page: Page):
    page = nojs_page
    page.goto("/")
    page.locator("main a[href='/tips/new/']").click()  # the home page's big button
    expect(page).to_have_url(re.compile(r"/tips/new/$"))

    page.locator("select[name=category]").select_option("drug-trafficking")
    page.locator("textarea[name=description]").fill(DESCRIPTION)
    page.locator("textarea[name=people]").fill(PEOPLE)
    page.locator("input[name=occurred_text]").fill("tối thứ Bảy tuần trước")
    # Without JavaScript the victim's question is always there (for fights only).
    expect(page.locator("input[name=victim_request]").first).to_be_visible()

    # The place, one step at a time; the text typed above survives each step.
    page.locator("select[name=province]").select_option(label="Thành phố Hà Nội")
    page.locator("button[name=place_action][value=choose_province]").click()
    expect(page.locator("textarea[name=description]")).to_have_value(DESCRIPTION)
    page.locator("input[name=commune_q]").fill("hoan kiem")
    page.locator("button[name=place_action][value=filter_commune]").click()
    page.locator("select[name=commune]").select_option(label="Phường Hoàn Kiếm")
    page.locator("button[name=place_action][value=choose_commune]").click()
    expect(page.locator("#tip-place")).to_contain_text("Phường Hoàn Kiếm")
    expect(page.locator("textarea[name=people]")).to_have_value(PEOPLE)

    page.locator("form#tip-form button.button-big[name=send]").click()

    # Write this down.
    expect(page).to_have_url(re.compile(r"/tips/receipt/$"))
    digits = page.locator(".receipt-digits").inner_text()
    receipt = " ".join(re.findall(r"\d{4}", digits))
    assert len(receipt.replace(" ", "")) >= 16
    page.locator("form.receipt-confirm button[type=submit]").click()
    expect(page.locator("#id_written_down_error")).to_be_visible()  # the box must be ticked
    page.locator("input[name=written_down]").check()
    page.locator("form.receipt-confirm button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/tips/follow-up/$"))

    # Shown once: going back to the receipt page shows it no more.
    page.goto("/tips/receipt/")
    expect(page.locator(".receipt-digits")).to_have_count(0)

    # Follow up with the receipt as written down, spaces and all.
    page.goto("/tips/follow-up/")
    page.locator("input[name=receipt]").fill(receipt)
    page.locator("form.followup-open button[type=submit]").click()
    expect(page.locator(".status-box")).to_be_visible()
    expect(page.locator("textarea[name=body]")).to_be_visible()

    page.locator("textarea[name=body]").fill("Tối qua họ lại đến, khoảng 10 người.")
    page.locator("form.tip-form button[type=submit]").click()
    expect(page.locator(".conversation")).to_contain_text("Tối qua họ lại đến, khoảng 10 người.")

    page.locator("form.close-form button").click()
    expect(page.locator("input[name=receipt]")).to_be_visible()
