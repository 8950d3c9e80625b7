"""A demo police officer logs in, sees the staff menu (and only it), and logs out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from toandan.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from toandan.accounts.models import Role

pytestmark = pytest.mark.browser

ANONYMOUS_MENU = ["Trang chủ", "Gửi tin báo", "Theo dõi tin báo", "Đăng nhập"]
# In the menu's order: the staff pages are grouped by task (tips, statistics, movement,
# settings), each group a <details> that opens without JavaScript.
STAFF_MENU = [
    "Trang chủ",
    "Gửi tin báo",
    "Theo dõi tin báo",
    "Tin báo của đơn vị",
    "Tổng quan đơn vị",
    "Nhập tin báo",
    "Chống lừa đảo",
    "Thông báo",
    "Thống kê",
    "Mô hình phong trào",
    "Đơn vị tổ chức",
    "Chọn địa bàn",
    "Tài khoản của tôi",
    "Tài liệu API",
]


def _open_group_of(page: Page, label: str) -> None:
    """Open only the menu group holding this link (open groups would overlap each other)."""
    page.evaluate(
        """(label) => {
            document.querySelectorAll(".nav-group").forEach((d) => { d.open = false; });
            const link = [...document.querySelectorAll(".site-nav a")].find(
                (a) => a.textContent.trim().replace(/\\s*\\(\\d+\\)$/, "") === label);
            const group = link && link.closest("details");
            if (group) { group.open = true; }
        }""",
        label,
    )


def _open_menu_groups(page: Page) -> None:
    page.evaluate(
        "() => document.querySelectorAll('.nav-group').forEach((d) => { d.open = true; })"
    )


def _demo(role: str) -> tuple[str, str]:
    account = next(a for a in DEMO_ACCOUNTS if a.role == role)
    return account.username, account.full_name


def _log_in(page: Page, username: str) -> None:
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Đăng nhập").click()
    expect(page).to_have_url("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()


def _menu(page: Page) -> list[str]:
    """The menu labels, without the unread count ("Thông báo (7)" reads "Thông báo"): the demo
    tips leave the officer some notifications."""
    _open_menu_groups(page)
    nav = page.get_by_role("navigation", name="Trình đơn chính")
    labels = nav.get_by_role("list").get_by_role("link").all_inner_texts()
    return [re.sub(r"\s*\(\d+\)$", "", text.strip()) for text in labels]


def test_police_officer_logs_in_sees_the_staff_menu_and_logs_out(desktop_page: Page):
    page = desktop_page
    username, full_name = _demo(Role.POLICE_OFFICER)

    _log_in(page, username)

    expect(page).to_have_url("/")
    expect(page.locator(".site-header")).to_contain_text(f"Đã đăng nhập: {full_name}")
    assert _menu(page) == STAFF_MENU  # no "Quản trị": officers are not system administrators
    expect(page.get_by_role("heading", name="Vai trò của bạn")).to_be_visible()
    expect(page.locator(".role-list li")).to_have_count(1)

    page.get_by_role("button", name="Đăng xuất").click()

    expect(page).to_have_url("/")
    assert _menu(page) == ANONYMOUS_MENU
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)


def test_system_administrator_also_sees_the_admin_link(desktop_page: Page):
    username, _ = _demo(Role.SYSTEM_ADMIN)

    _log_in(desktop_page, username)

    expect(desktop_page).to_have_url("/")
    assert _menu(desktop_page)[-1] == "Quản trị"


def test_staff_menu_links_open_their_pages(desktop_page: Page):
    username, _ = _demo(Role.POLICE_OFFICER)
    _log_in(desktop_page, username)

    for label in STAFF_MENU[1:]:
        _open_group_of(desktop_page, label)
        desktop_page.get_by_role("navigation", name="Trình đơn chính").get_by_role(
            "link", name=re.compile(rf"^{re.escape(label)}( \(\d+\))?$")
        ).click()
        response = desktop_page.request.get(desktop_page.url)
        assert response.status == 200, f"{label}: {desktop_page.url} answered {response.status}"
        desktop_page.go_back()
