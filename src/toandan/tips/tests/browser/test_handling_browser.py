"""A commune police officer works through the inbox without JavaScript: filters it, opens a
tip, takes it for resolution and reads the new deadline with its article; and the inbox and the
tip page fit a 320 px phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from toandan.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from toandan.accounts.models import Role

pytestmark = pytest.mark.browser

INBOX = "/tips/staff/inbox/"
DATE = re.compile(r"\d{2}/\d{2}/\d{4}")


def _officer() -> str:
    return next(a.username for a in DEMO_ACCOUNTS if a.role == Role.POLICE_OFFICER)


def _log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url("/")


def _no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"page is {widths[0]} px wide on a {widths[1]} px screen"


def test_officer_filters_the_inbox_opens_a_tip_and_takes_it_without_javascript(nojs_page: Page):
    page = nojs_page
    _log_in(page, _officer())

    # The inbox is in the officer's menu, in its "Tin báo" group.
    nav = page.get_by_role("navigation", name="Trình đơn chính")
    nav.locator("summary", has_text="Tin báo").click()
    nav.locator(f"a[href='{INBOX}']").click()
    expect(page).to_have_url(INBOX)
    # Only tips not yet taken: the demo data has some in phường Hoàn Kiếm.
    page.locator("main details summary").click()
    page.locator("select[name=status]").select_option("received")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"status=received"))
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    # Each row shows its deadline and the law behind it.
    expect(rows.first).to_contain_text(re.compile(r"\b146\b"))

    link = rows.first.locator("a").first
    number = link.inner_text().strip()
    link.click()
    expect(page).to_have_url(re.compile(r"/tips/staff/t/[A-Z0-9]+/$"))
    tip_url = page.url
    expect(page.locator("h1")).to_contain_text(number)

    page.locator("form[action$='/act/take/'] button").click()

    expect(page).to_have_url(tip_url)
    expect(page.locator(".messages")).to_contain_text(DATE)
    deadline = page.locator(".status-box .deadline").first
    expect(deadline).to_contain_text(DATE)
    expect(deadline).to_contain_text(re.compile(r"\b147\b"))  # BLTTHS Art. 147(1): 20 days
    # "Take" is done: the button is gone; the history says who took it.
    expect(page.locator("form[action$='/act/take/']")).to_have_count(0)
    expect(page.locator(".tip-history")).to_contain_text("Trần Văn Hùng")


def test_the_inbox_and_a_tip_fit_a_320_px_phone(phone_page: Page):
    page = phone_page
    _log_in(page, _officer())

    page.goto(INBOX)
    _no_horizontal_scroll(page)
    page.locator("table tbody tr a").first.click()
    expect(page.locator("h1")).to_be_visible()
    _no_horizontal_scroll(page)
