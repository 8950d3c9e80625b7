"""Without JavaScript: a union cadre registers a model, adds a site and a team and files the
yearly review; the commune police confirm it; the province grades it. Screenshots of the main
pages at 320 and 1280 px go to /tmp/shots/initiatives/ (or TOANDAN_SHOTS_DIR); the main pages
have no serious or critical axe-core violation."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from toandan.accounts.demo import DEMO_PASSWORD
from toandan.web.tests.browser.checks import check_page
from toandan.web.tests.browser.conftest import _context

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("TOANDAN_SHOTS_DIR", "/tmp/shots/initiatives"))  # noqa: S108
NAME = "Mô hình 'Camera an ninh' tổ dân phố số 7"


def _shoot(page: Page, step: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((320, 640), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=SHOTS / f"{step}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def _log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url("/")


@pytest.fixture
def nojs_as(chromium: Browser, server_url: str) -> Iterator[object]:
    contexts = []

    def open_as(username: str) -> Page:
        context = _context(
            chromium,
            server_url,
            viewport={"width": 1280, "height": 800},
            java_script_enabled=False,
        )
        contexts.append(context)
        page = context.new_page()
        _log_in(page, username)
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_register_add_site_and_team_review_confirm_and_grade_without_javascript(  # noqa: PLR0915 - one journey
    nojs_as: object,
) -> None:
    cadre = nojs_as("pn.hoankiem")  # type: ignore[operator]
    cadre.goto("/initiatives/new/")
    form = cadre.locator("main form")
    form.locator("input[name=name]").fill(NAME)
    form.locator("select[name=theme]").select_option(label="Camera an ninh")
    form.locator("select[name=host_unit]").select_option(index=1)
    form.locator("select[name=police_unit]").select_option(index=1)
    form.locator("select[name=commune]").select_option(index=1)
    form.locator("input[name=first_site]").fill("Tổ dân phố số 7")
    form.locator("input[name=started_on]").fill("2024-12-01")
    form.locator("input[name=contact_name]").fill("Phạm Thị Lan")
    _shoot(cadre, "1-register")
    form.locator("button[type=submit]").click()
    expect(cadre).to_have_url(re.compile(r"/initiatives/\d+/$"))
    detail_url = cadre.url
    expect(cadre.locator("h1")).to_have_text(NAME)

    cadre.locator("a[href$='/sites/new/']").click()
    cadre.locator("input[name=name]").fill("Tổ dân phố số 9")
    cadre.locator("input[name=started_on]").fill("2025-02-01")
    cadre.locator("main form button[type=submit]").click()
    expect(cadre).to_have_url(detail_url)
    expect(cadre.locator("main")).to_contain_text("Tổ dân phố số 9")

    cadre.locator("a[href$='/teams/new/']").click()
    cadre.locator("select[name=site]").select_option(label="Tổ dân phố số 9")
    cadre.locator("input[name=name]").fill("Tổ tự quản số 1")
    cadre.locator("input[name=member_count]").fill("12")
    cadre.locator("input[name=started_on]").fill("2025-02-10")
    cadre.locator("main form button[type=submit]").click()
    expect(cadre.locator("main")).to_contain_text("12 thành viên")
    _shoot(cadre, "2-detail")

    cadre.locator("a[href$='/reviews/new/']").click()
    for field, value in (
        ("activities", "14"),
        ("members", "25"),
        ("meetings", "8"),
        ("tips_passed", "5"),
        ("score_ke-hoach", "9"),
        ("score_tuyen-truyen", "8"),
    ):
        cadre.locator(f"input[name='{field}']").fill(value)
    _shoot(cadre, "3-review-form")
    cadre.locator("main form button[type=submit]").click()
    expect(cadre).to_have_url(re.compile(r"/initiatives/reviews/\d+/$"))
    review_url = cadre.url
    expect(cadre.locator("main")).to_contain_text("Đã gửi")

    police = nojs_as("ca.hoankiem")  # type: ignore[operator]
    police.goto(review_url)
    _shoot(police, "4-review-police")
    police.locator("form[action$='/steps/confirm/'] button").click()
    expect(police.locator("main")).to_contain_text("Công an xã đã xác nhận")

    province = nojs_as("ca.hanoi")  # type: ignore[operator]
    province.goto(review_url)
    grade_form = province.locator("form[action$='/steps/grade/']")
    grade_form.locator("select[name=grade]").select_option("tot")
    grade_form.locator("button").click()
    expect(province.locator("main dl").first).to_contain_text("Tốt")
    _shoot(province, "5-review-graded")

    province.goto("/initiatives/reviews/")
    _shoot(province, "6-reviews")
    province.goto("/initiatives/")
    _shoot(province, "7-list")


def test_public_pages_show_the_demo_counts(desktop_page: Page) -> None:
    page = desktop_page
    page.goto("/initiatives/counts/?on=2023-11-20")
    expect(page.locator("p.lead")).to_contain_text("4.701 mô hình")
    expect(page.locator("svg.initiatives-map rect")).to_have_count(64)
    _shoot(page, "8-counts")
    check_page(page, "initiatives", "counts")
    page.goto("/initiatives/catalogue/")
    expect(page.locator("ul.cards li").first).to_be_visible()
    _shoot(page, "9-catalogue")
    check_page(page, "initiatives", "catalogue")


def test_staff_pages_have_no_serious_accessibility_violation(desktop_page: Page) -> None:
    page = desktop_page
    _log_in(page, "pn.hoankiem")
    for step, url in (
        ("list", "/initiatives/"),
        ("register", "/initiatives/new/"),
        ("reviews", "/initiatives/reviews/"),
        ("coverage", "/initiatives/coverage/"),
        ("import", "/initiatives/import/"),
    ):
        page.goto(url)
        check_page(page, "initiatives", step)
    page.goto("/initiatives/?q=Camera")
    page.locator("main table tbody tr a").first.click()
    expect(page).to_have_url(re.compile(r"/initiatives/\d+/$"))
    check_page(page, "initiatives", "detail")
