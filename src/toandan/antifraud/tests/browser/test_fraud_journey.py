"""The journey of the issue's "Done when", without JavaScript: a citizen pastes a scam SMS and
sees each identifier's verdict, reports one (it becomes a tip through the intake), the ward
officer confirms it from the tip, the city police (a second officer) verifies it, the check
shows it verified, the holder appeals and the officer's decision delists it.

Screenshots at 320 and 1280 px go to /tmp/shots/antifraud/ (TOANDAN_SCREENSHOTS_DIR)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from toandan.web.tests.browser.checks import serious_violations as axe_violations
from toandan.web.tests.browser.conftest import DEMO_PASSWORD, _context

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("TOANDAN_SCREENSHOTS_DIR", "/tmp/shots")) / "antifraud"  # noqa: S108
NEW_NUMBER = "0549 111 222"
SCAM_SMS = (
    "[Buu dien] Buu kien cua ban bi giu do sai dia chi. Thanh toan phi tai "
    "giaohang-nhanh.example/thanh-toan hoac goi " + NEW_NUMBER + ". Chuyen khoan vao "
    "STK 0000 5555 6666 MinhHoaBank. Khong phai hotline 1900 54 54 13 cua Vietcombank."
)


def serious_violations(page: Page) -> list[str]:
    """axe on a scriptable copy of the page: axe never settles in a page without JavaScript
    (the same trick as the tips journeys: same DOM and styles, scripts blocked)."""
    browser = page.context.browser
    assert browser is not None
    origin = re.match(r"https?://[^/]+", page.url)
    assert origin is not None
    copy = browser.new_context(viewport=page.viewport_size, locale="vi-VN").new_page()
    try:
        copy.route(re.compile(r"\.js(\?.*)?$"), lambda route: route.abort())
        copy.goto(f"{origin.group(0)}/healthz")
        copy.set_content(page.content(), wait_until="load")
        return axe_violations(copy)
    finally:
        copy.context.close()


def shoot(page: Page, step: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    viewport = page.viewport_size or {"width": 1280, "height": 900}
    problems = []
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 640 if width == 320 else 900})
        page.screenshot(path=SHOTS / f"{step}-{width}.png", full_page=True)
        problems += serious_violations(page)
        # Nothing wider than the screen at 320 px.
        if width == 320:
            overflow = page.evaluate("() => document.documentElement.scrollWidth")
            assert overflow <= 320, f"{step}: {overflow} px wide at 320 px"
    page.set_viewport_size(viewport)
    assert problems == [], f"{step}: {problems}"


@pytest.fixture
def nojs(chromium: Browser, server_url: str) -> Iterator[Page]:
    context = _context(
        chromium, server_url, viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    yield context.new_page()
    context.close()


def _log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def _verdict_box(page: Page, text: str) -> Locator:
    return page.locator("li.verdict", has_text=text)


def _check(page: Page, text: str) -> None:
    page.goto("/fraud/")
    page.locator("textarea[name=q]").fill(text)
    page.get_by_role("button", name="Tra cứu").click()


def test_check_report_verify_appeal_without_javascript(  # noqa: PLR0915 - one journey
    nojs: Page, chromium: Browser, server_url: str
) -> None:
    page = nojs
    # 1. A citizen pastes the SMS: one verdict per identifier.
    page.goto("/fraud/")
    shoot(page, "1-check-empty")
    _check(page, SCAM_SMS)
    expect(page.locator("li.verdict")).to_have_count(4)
    expect(_verdict_box(page, "MinhHoaBank 000055556666")).to_contain_text(
        "được Công an xác minh là lừa đảo"
    )
    expect(_verdict_box(page, "giaohang-nhanh.example")).to_contain_text("Công an đang xác minh")
    expect(_verdict_box(page, NEW_NUMBER)).to_contain_text("Chưa có thông tin")
    expect(_verdict_box(page, NEW_NUMBER)).to_contain_text("không có nghĩa là an toàn")
    expect(_verdict_box(page, "1900545413")).to_contain_text("Chính thức: Vietcombank")
    shoot(page, "2-check-results")

    # 2. "I was contacted by this number": the tip intake, category and number filled in.
    _verdict_box(page, NEW_NUMBER).get_by_role("link", name="tố giác").click()
    expect(page).to_have_url(re.compile(r"/tips/new/\?"))
    expect(page.locator("select[name=category]")).to_have_value("fraud-other")
    expect(page.locator("textarea[name=description]")).to_contain_text(NEW_NUMBER)
    page.locator("textarea[name=description]").fill(
        f"Đối tượng gọi từ số {NEW_NUMBER} báo bưu kiện bị giữ, đòi chuyển phí. Tôi chưa chuyển."
    )
    page.locator("input[name=province_q]").fill("ha noi")
    page.locator("input[name=province_q]").press("Enter")
    page.locator("button[name=place_action][value=choose_province]").click()
    page.locator("input[name=commune_q]").fill("hoan kiem")
    page.locator("input[name=commune_q]").press("Enter")
    page.locator("select[name=commune]").select_option(label="Phường Hoàn Kiếm")
    page.locator("button[name=place_action][value=choose_commune]").click()
    page.locator("form#tip-form button.button-big[name=send]").click()
    expect(page).to_have_url(re.compile(r"/tips/receipt/$"))

    # 3. The ward officer opens the tip and confirms the number from the anti-fraud page.
    officer = _context(chromium, server_url, viewport={"width": 1280, "height": 900},
                       java_script_enabled=False).new_page()  # fmt: skip
    _log_in(officer, "ca.hoankiem")
    officer.goto("/tips/staff/inbox/")
    officer.locator("tr", has_text="Lừa đảo chiếm đoạt tài sản khác").first.locator(
        "a"
    ).first.click()
    officer.get_by_role("link", name=re.compile("xác nhận cho tra cứu lừa đảo")).click()
    expect(officer.locator("li.verdict", has_text=NEW_NUMBER)).to_be_visible()
    shoot(officer, "3-officer-tip-identifiers")
    officer.locator("li.verdict", has_text=NEW_NUMBER).get_by_role(
        "button", name="Xác nhận: đây là của đối tượng lừa đảo"
    ).click()
    expect(officer.locator(".messages")).to_contain_text("Đã xác nhận")
    # The same officer cannot verify what they confirmed.
    officer.locator("li.verdict", has_text=NEW_NUMBER).get_by_role(
        "link", name="Mở dấu hiệu"
    ).click()
    indicator_url = officer.url
    expect(officer.get_by_role("button", name="Thẩm định (cán bộ thứ hai)")).to_have_count(0)

    # 4. The city police leader verifies (the second officer).
    leader = _context(chromium, server_url, viewport={"width": 1280, "height": 900},
                      java_script_enabled=False).new_page()  # fmt: skip
    _log_in(leader, "ca.hanoi")
    leader.goto(indicator_url)
    shoot(leader, "4-leader-indicator")
    leader.get_by_role("button", name="Thẩm định (cán bộ thứ hai)").click()
    expect(leader.locator("#indicator-status")).to_have_text("Đã xác minh là lừa đảo")

    # 5. The public check shows it verified.
    _check(page, NEW_NUMBER)
    expect(_verdict_box(page, NEW_NUMBER)).to_contain_text("được Công an xác minh là lừa đảo")
    shoot(page, "5-check-verified")

    # 6. The holder appeals and gets a receipt.
    _verdict_box(page, NEW_NUMBER).get_by_role("link", name="kiến nghị").click()
    page.locator("textarea[name=statement]").fill(
        "Số này là của tôi từ năm 2019, SIM bị kẻ gian chiếm dụng tháng trước, đã báo nhà mạng."
    )
    shoot(page, "6-appeal-form")
    page.get_by_role("button", name="Gửi kiến nghị").click()
    receipt = page.locator("#appeal-receipt").inner_text()
    assert len(re.sub(r"\D", "", receipt)) == 20
    shoot(page, "7-appeal-receipt")

    # 7. The ward officer upholds it with a reason: delisted everywhere.
    officer.goto("/fraud/staff/")
    # The demo's own appeals are listed too: the holder's is the one on this number.
    officer.locator("li", has_text=NEW_NUMBER).locator("a", has_text=re.compile(r"^KN")).click()
    officer.locator("textarea[name=reason]").fill("Chủ thuê bao chứng minh SIM bị chiếm dụng.")
    shoot(officer, "8-officer-appeal")
    officer.get_by_role("button", name="Chấp nhận kiến nghị và gỡ khỏi danh sách").click()
    expect(officer.locator("#appeal-status")).to_contain_text("Được chấp nhận")

    _check(page, NEW_NUMBER)
    expect(_verdict_box(page, NEW_NUMBER)).to_contain_text("Chưa có thông tin")

    # The appellant follows the decision with the receipt.
    page.goto("/fraud/appeal/status/")
    page.locator("input[name=receipt]").fill(receipt)
    page.get_by_role("button", name="Mở kiến nghị").click()
    expect(page.locator("main")).to_contain_text("Chủ thuê bao chứng minh SIM bị chiếm dụng.")
    shoot(page, "9-appeal-status")


def test_warnings_and_monthly_figures_without_javascript(nojs: Page) -> None:
    page = nojs
    page.goto("/fraud/warnings/")
    link = page.locator("main h2 a").first
    expect(link).to_contain_text("giả danh bưu tá")
    shoot(page, "10-warnings")
    link.click()
    expect(page.locator("main")).to_contain_text("Không bấm đường dẫn trong tin nhắn lạ")
    image = page.locator("main img")
    expect(image).to_be_visible()
    card = page.request.get(str(image.get_attribute("src")))
    assert card.headers["content-type"] == "image/png"
    assert card.body()[:8] == b"\x89PNG\r\n\x1a\n"
    shoot(page, "11-warning")
    feed = page.request.get("/fraud/warnings/feed.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    page.goto("/fraud/statistics/")
    expect(page.locator("#fraud-summary")).to_contain_text("được xác minh là lừa đảo")
    shoot(page, "12-statistics")
