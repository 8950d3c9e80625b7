"""The web shell in a real browser: Vietnamese first, English on request, phones, no JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

VI_TITLE = "Nền tảng số của phong trào “Toàn dân bảo vệ an ninh Tổ quốc”"
EN_TITLE = "The digital platform of the movement “All people protect national security”"


def test_home_page_is_in_vietnamese(desktop_page: Page):
    desktop_page.goto("/")

    expect(desktop_page.locator("html")).to_have_attribute("lang", "vi")
    expect(desktop_page).to_have_title("Trang chủ · toandan")
    expect(desktop_page.get_by_role("heading", level=1)).to_have_text(VI_TITLE)
    expect(desktop_page.locator(".site-header")).to_contain_text(
        "toandan — Toàn dân bảo vệ an ninh Tổ quốc"
    )
    # Vietnamese separators and dates.
    expect(desktop_page.get_by_text(re.compile(r"Từ ngày 01/07/2025.*3\.321 xã"))).to_be_visible()
    nav = desktop_page.get_by_role("navigation", name="Trình đơn chính")
    expect(nav.get_by_role("link")).to_have_text(
        ["Trang chủ", "Gửi tin báo", "Theo dõi tin báo", "Đăng nhập"]
    )


def test_home_page_is_styled_and_breaks_no_content_security_rule(desktop_page: Page):
    errors: list[str] = []
    desktop_page.on("console", lambda message: errors.append(message.text))
    desktop_page.on("pageerror", lambda error: errors.append(str(error)))

    response = desktop_page.goto("/")

    assert response is not None
    assert response.status == 200
    # Served by the production server (collected static files, our own origin, CSP applied).
    expect(desktop_page.locator(".site-header")).to_have_css("background-color", "rgb(164, 22, 26)")
    assert errors == []


def test_language_switch_to_english_and_back(desktop_page: Page):
    desktop_page.goto("/")

    desktop_page.get_by_role("button", name="English").click()

    expect(desktop_page.locator("html")).to_have_attribute("lang", "en")
    expect(desktop_page.get_by_role("heading", level=1)).to_have_text(EN_TITLE)
    expect(
        desktop_page.get_by_text(re.compile(r"Since 01/07/2025.*3,321 communes"))
    ).to_be_visible()
    assert desktop_page.url.endswith("/")

    desktop_page.get_by_role("button", name="Tiếng Việt").click()

    expect(desktop_page.locator("html")).to_have_attribute("lang", "vi")
    expect(desktop_page.get_by_role("heading", level=1)).to_have_text(VI_TITLE)


def test_language_switch_keeps_the_reader_on_the_same_page(desktop_page: Page):
    desktop_page.goto("/no-such-page/?q=1")
    expect(desktop_page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")

    desktop_page.get_by_role("button", name="English").click()

    expect(desktop_page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert desktop_page.url.endswith("/no-such-page/?q=1")


def test_language_switch_works_without_javascript(nojs_page: Page):
    nojs_page.goto("/")
    expect(nojs_page.get_by_role("heading", level=1)).to_have_text(VI_TITLE)

    nojs_page.get_by_role("button", name="English").click()

    expect(nojs_page.locator("html")).to_have_attribute("lang", "en")
    expect(nojs_page.get_by_role("heading", level=1)).to_have_text(EN_TITLE)

    nojs_page.get_by_role("button", name="Tiếng Việt").click()

    expect(nojs_page.get_by_role("heading", level=1)).to_have_text(VI_TITLE)


def test_home_page_fits_a_320px_phone_without_sideways_scrolling(phone_page: Page):
    phone_page.goto("/")
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()

    widths = phone_page.evaluate(
        "() => ({doc: document.documentElement.scrollWidth,"
        " body: document.body.scrollWidth, view: window.innerWidth})"
    )

    assert widths["view"] == 320
    assert widths["doc"] <= widths["view"], widths
    assert widths["body"] <= widths["view"], widths
    # Every element stays inside the screen (a wide one would be clipped, not scrolled).
    overflowing = phone_page.evaluate(
        "() => [...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)"
        ".map(e => e.tagName + '.' + e.className)"
    )
    assert overflowing == []


def test_phone_buttons_and_links_are_big_enough_to_tap(phone_page: Page):
    phone_page.goto("/")

    for control in [
        phone_page.get_by_role("button", name="English"),
        phone_page.get_by_role("link", name="Đăng nhập").first,
    ]:
        box = control.bounding_box()
        assert box is not None
        assert box["height"] >= 36, box


def test_keyboard_user_can_skip_to_the_content(desktop_page: Page):
    desktop_page.goto("/")

    desktop_page.keyboard.press("Tab")
    skip = desktop_page.get_by_role("link", name="Chuyển đến nội dung chính")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    desktop_page.keyboard.press("Enter")

    expect(desktop_page.locator("main")).to_be_focused()
