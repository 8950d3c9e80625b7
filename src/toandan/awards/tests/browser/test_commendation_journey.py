"""The commendation chain in a browser, with the demo accounts: a commune union nominates, the
province forwards, the centre receives, council members score and vote in secret, the
organiser issues the decision, the certificate verifies as valid, is revoked and verifies as
revoked. Every page is checked with axe-core and photographed at 320 and 1280 px."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from toandan.accounts.demo import DEMO_PASSWORD
from toandan.web.tests.browser.checks import check_page

pytestmark = pytest.mark.browser

JOURNEY = "awards"
OPEN_CAMPAIGN = "năm 2026"
NOMINEE = "Lại Thị Thanh Xuân"  # fictional


class People:
    def __init__(self, chromium: Browser, server_url: str) -> None:
        self.chromium = chromium
        self.server_url = server_url
        self.contexts: list[object] = []

    def page(self, username: str | None) -> Page:
        context = self.chromium.new_context(
            base_url=self.server_url, locale="vi-VN", viewport={"width": 1280, "height": 800}
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        if username:
            page.goto("/accounts/login/")
            page.locator("input[name=username]").fill(username)
            page.locator("input[name=password]").fill(DEMO_PASSWORD)
            page.locator("main").get_by_role("button", name="Đăng nhập").click()
            expect(page).to_have_url("/")
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()  # type: ignore[attr-defined]


@pytest.fixture
def people(chromium: Browser, server_url: str) -> Iterator[People]:
    found = People(chromium, server_url)
    yield found
    found.close()


def _step(page: Page, button: str, status: str) -> None:
    page.get_by_role("button", name=button).click()
    expect(page.locator(".nomination-status")).to_contain_text(status)


def _honour_roll(public: Page) -> None:
    """The demo's honour roll of the article: 66 = 31 + 35, readable by anyone."""
    public.goto("/awards/")
    public.get_by_role("link", name=re.compile("khu vực phía bắc")).click()
    expect(public.locator("h1")).to_have_text("Biểu dương 66 tập thể, cá nhân")
    expect(public.locator("#roll-collectives")).to_contain_text("(31)")
    expect(public.locator("#roll-individuals")).to_contain_text("(35)")
    check_page(public, JOURNEY, "1-honour-roll")


def _nominate(people: People) -> str:
    """A commune union nominates a member and sends the dossier to the province."""
    cadre = people.page("pn.hoankiem")
    cadre.goto("/awards/work/")
    check_page(cadre, JOURNEY, "2-work")
    cadre.locator("li", has_text=OPEN_CAMPAIGN).get_by_role(
        "link", name="Đề nghị khen thưởng"
    ).click()
    cadre.locator("select[name=unit]").select_option(label="Hội LHPN phường Hoàn Kiếm")
    cadre.locator("select[name=subject_type]").select_option("individual")
    cadre.locator("input[name=subject_name]").fill(NOMINEE)
    cadre.locator("input[name=women_led]").check()
    cadre.locator("select[name=form]").select_option(label="Bằng khen của Bộ trưởng Bộ Công an")
    cadre.locator("input[name=achievement_summary]").fill(
        "Vận động hội viên cung cấp 11 nguồn tin có giá trị về lừa đảo qua mạng"
    )
    cadre.locator("textarea[name=achievement]").fill(
        "Tổ trưởng tổ phụ nữ tự quản phố Hàng Bạc; phối hợp Công an phường ngăn chặn 4 vụ "
        "chuyển tiền cho đối tượng giả danh."
    )
    cadre.locator("input[name=active_from]").fill("01/09/2025")
    cadre.locator("textarea[name=police_opinion]").fill("Công an phường Hoàn Kiếm nhất trí.")
    cadre.locator("input[name=consent_to_name]").check()
    check_page(cadre, JOURNEY, "3-nominate")
    cadre.get_by_role("button", name="Lưu bản nháp").click()
    expect(cadre.locator("h1")).to_have_text(NOMINEE)
    nomination_url = cadre.url
    _step(cadre, "Gửi lên cấp tỉnh", "Đã gửi cấp tỉnh")
    check_page(cadre, JOURNEY, "4-nomination")
    return nomination_url


def _up_to_the_centre(people: People, nomination_url: str) -> Page:
    """The province forwards it to the centre; the centre receives it."""
    province = people.page("pn.hanoi")
    province.goto("/awards/work/")
    province.locator("li", has_text=OPEN_CAMPAIGN).get_by_role(
        "link", name="Cấp tỉnh: thứ tự và chỉ tiêu"
    ).click()
    province.get_by_label(re.compile(f"Thứ tự: {NOMINEE}")).fill("1")
    province.get_by_role("button", name="Lưu thứ tự").click()
    expect(province.get_by_text("Đã lưu thứ tự.")).to_be_visible()
    check_page(province, JOURNEY, "4b-province")
    province.goto(nomination_url)
    _step(province, "Chuyển lên Trung ương", "Đã chuyển Trung ương")
    organiser = people.page("thidua.bca")
    organiser.goto(nomination_url)
    _step(organiser, "Tiếp nhận", "Trung ương đã tiếp nhận")
    return organiser


def _council(people: People) -> str:
    """The chair scores, opens the secret ballot and votes; a second member votes."""
    chair = people.page("hoidong.tw")
    chair.goto("/awards/work/")
    chair.locator("li", has_text=OPEN_CAMPAIGN).get_by_role(
        "link", name=re.compile(OPEN_CAMPAIGN)
    ).click()
    card = chair.locator("article.score-card", has_text=NOMINEE)
    for field in card.locator("input[type=number]").all():
        field.fill("9")
    card.get_by_role("button", name="Lưu điểm của tôi").click()
    expect(chair.get_by_role("button", name="Cập nhật điểm của tôi")).to_be_visible()
    check_page(chair, JOURNEY, "5-council-scoring")
    council_url = chair.url
    chair.get_by_role("button", name="Kết thúc chấm điểm và mở bỏ phiếu kín").click()
    expect(chair.locator(".council-phase")).to_have_text("Bỏ phiếu kín")
    check_page(chair, JOURNEY, "6-ballot")
    chair.get_by_role("button", name="Bỏ phiếu", exact=True).click()
    expect(chair.get_by_text("Bạn đã bỏ phiếu.")).to_be_visible()
    member = people.page("hoidong.bca")
    member.goto(council_url)
    member.get_by_role("button", name="Bỏ phiếu", exact=True).click()
    expect(member.get_by_text("Bạn đã bỏ phiếu.")).to_be_visible()
    chair.get_by_role("button", name="Kết thúc bỏ phiếu").click()
    row = chair.locator("table.results tr", has_text=NOMINEE)
    expect(row).to_contain_text("có")
    check_page(chair, JOURNEY, "7-results")
    return council_url


def _decide(organiser: Page, council_url: str) -> str:
    """The organiser issues the decision; the certificate's code is in the annex."""
    organiser.goto("/awards/campaigns/new/")
    expect(organiser.locator("h1")).to_have_text("Đợt thi đua mới")
    check_page(organiser, JOURNEY, "7b-new-campaign")
    decision_url = council_url.replace("/council/", "/decision/")
    organiser.goto(decision_url)
    organiser.locator("input[name=number]").fill("3107/QĐ-BCA-V05")
    organiser.locator("input[name=date]").fill("20/12/2026")
    organiser.locator("input[name=signer_title]").fill("KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG")
    organiser.locator("input[name=signer_name]").fill("Nguyễn Văn Khải")
    organiser.locator("select[name=issuing_unit]").select_option(label="Bộ Công an")
    organiser.get_by_role("button", name="Ban hành quyết định").click()
    expect(organiser.locator(".decision-number")).to_have_text("3107/QĐ-BCA-V05")
    check_page(organiser, JOURNEY, "8-decision")
    return str(
        organiser.locator("tr", has_text=NOMINEE)
        .locator("td")
        .nth(4)
        .locator("a")
        .first.inner_text()
    )


def test_nominate_forward_score_vote_decide_verify_revoke(people: People) -> None:
    public = people.page(None)
    _honour_roll(public)
    nomination_url = _nominate(people)
    organiser = _up_to_the_centre(people, nomination_url)
    council_url = _council(people)
    code = _decide(organiser, council_url)

    # Anyone verifies the certificate: valid.
    public.goto("/awards/verify/")
    public.locator("input[name=code]").fill(code)
    public.get_by_role("button", name="Tra cứu").click()
    expect(public.locator("[data-status]")).to_have_attribute("data-status", "valid")
    expect(public.locator("main")).to_contain_text(NOMINEE)
    check_page(public, JOURNEY, "9-verify-valid")

    # The organiser revokes it with a reason and a decision; it verifies as revoked.
    organiser.goto(f"/awards/certificates/{code}/revoke/")
    organiser.locator("input[name=decision_ref]").fill("3150/QĐ-BCA-V05 ngày 28/12/2026")
    organiser.locator("textarea[name=reason]").fill("Kê khai thành tích không đúng sự thật.")
    organiser.get_by_role("button", name="Thu hồi").click()
    expect(organiser.locator("[data-status]")).to_have_attribute("data-status", "revoked")
    public.goto(f"/awards/verify/{code}/")
    expect(public.locator("[data-status]")).to_have_attribute("data-status", "revoked")
    expect(public.locator("main")).to_contain_text("3150/QĐ-BCA-V05")
    check_page(public, JOURNEY, "10-verify-revoked")
