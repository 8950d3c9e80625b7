"""The place picker: a province, then a commune found by typing without accents."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("page_fixture", ["desktop_page", "nojs_page", "phone_page"])
def test_pick_ha_noi_then_hoan_kiem(page_fixture: str, request: pytest.FixtureRequest):
    page: Page = request.getfixturevalue(page_fixture)
    page.goto("/geo/picker/")

    page.locator("select[name=province]").select_option(label="Thành phố Hà Nội")
    page.locator("button[name=place_action][value=choose_province]").click()

    page.locator("input[name=commune_q]").fill("hoan kiem")
    # Without JavaScript the search is a button; with it the list filters as one types (and the
    # commune step came in place, without a page load).
    search = page.locator("button[name=place_action][value=filter_commune]")
    if search.count():
        search.click()
    communes = page.locator("select[name=commune]")
    expect(communes.locator("option", has_text="Hoàn Kiếm")).to_have_count(1)
    communes.select_option(label="Phường Hoàn Kiếm")
    page.locator("button[name=place_action][value=choose_commune]").click()

    expect(page.get_by_role("heading", level=2)).to_have_text("Phường Hoàn Kiếm")
    expect(page.locator("main")).to_contain_text("Thành phố Hà Nội")
