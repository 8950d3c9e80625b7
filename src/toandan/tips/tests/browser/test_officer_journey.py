"""The officer's journey: a ward police officer opens the inbox, takes a tip for
resolution, asks the tipster a question and concludes the tip; every page has no serious or
critical axe-core violation at 320 and 1280 px and is photographed at both widths into
var/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from toandan.accounts.demo import DEMO_PASSWORD
from toandan.web.tests.browser.checks import check_page

pytestmark = pytest.mark.browser

INBOX = "/tips/staff/inbox/"
JOURNEY = "officer"
# Ba Đình's officer: the other browser tests of this server work in Hoàn Kiếm.
OFFICER = "ca.badinh"


def _log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url("/")


def test_an_officer_takes_asks_and_concludes_a_tip(desktop_page: Page):
    page = desktop_page
    page.set_viewport_size({"width": 1280, "height": 800})
    _log_in(page, OFFICER)

    page.goto(f"{INBOX}?status=received")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    check_page(page, JOURNEY, "1-inbox")

    rows.first.locator("a").first.click()
    expect(page).to_have_url(re.compile(r"/tips/staff/t/[A-Z0-9]+/$"))
    tip_url = page.url
    check_page(page, JOURNEY, "2-tip")

    # Take it for resolution: the 20 days of BLTTHS Art. 147 start.
    page.locator("form[action$='/act/take/'] button").click()
    expect(page).to_have_url(tip_url)
    expect(page.locator(".status-box .deadline").first).to_contain_text(re.compile(r"\b147\b"))
    check_page(page, JOURNEY, "3-taken")

    # Ask the tipster a question: it shows in the conversation.
    question = "Anh/chị còn nhớ biển số xe không?"
    page.locator("#message-form textarea").fill(question)
    page.locator("#message-form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(question)
    check_page(page, JOURNEY, "4-asked")

    # Conclude: not to prosecute, with the reason the tipster is told.
    page.locator("a[href$='/act/not_prosecute/']").first.click()
    expect(page.locator("form.tip-form")).to_be_visible()
    check_page(page, JOURNEY, "5-conclude")
    form = page.locator("form.tip-form")
    form.locator("textarea[name=reason]").fill(
        "Sự việc không có dấu hiệu tội phạm (Điều 157 BLTTHS)."
    )
    # Counted by the movement: not a valuable tip.
    form.locator("input[name=valuable]").last.check()
    form.locator("button[type=submit]").last.click()
    expect(page).to_have_url(tip_url)
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("a[href$='/act/not_prosecute/']")).to_have_count(0)
    check_page(page, JOURNEY, "6-concluded")
