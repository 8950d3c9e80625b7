"""Page weight: bytes on the wire and requests of the citizen's first
pages, first view without JavaScript on a phone, against a budget written here. Before the
fix the tip form was 34.6 KB in 4 requests (HTML and CSS uncompressed)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Request

from toandan.web.tests.browser.conftest import _context

pytestmark = pytest.mark.browser

# path: (bytes on the wire, requests), headers included.
BUDGETS = {
    "/": (12_000, 3),
    "/tips/new/": (15_000, 4),
    "/tips/follow-up/": (12_000, 3),
}
A_YEAR = 365 * 24 * 3600


@pytest.fixture
def fresh_phone(chromium: Browser, server_url: str) -> Iterator[Page]:
    context = _context(
        chromium, server_url, viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", BUDGETS)
def test_first_view_stays_within_its_budget(fresh_phone: Page, path: str):
    finished: list[Request] = []
    # A lambda, not finished.append: Playwright cannot inspect a builtin method.
    fresh_phone.on("requestfinished", lambda request: finished.append(request))  # noqa: PLW0108

    fresh_phone.goto(path)
    fresh_phone.wait_for_load_state("networkidle")

    sizes = [request.sizes() for request in finished]
    wire = sum(size["responseBodySize"] + size["responseHeadersSize"] for size in sizes)
    max_bytes, max_requests = BUDGETS[path]
    assert wire <= max_bytes, f"{path}: {wire} bytes on the wire, budget {max_bytes}"
    assert len(finished) <= max_requests, [request.url for request in finished]
    pages = [request for request in finished if request.resource_type == "document"]
    assert len(pages) == 1
    document = pages[0].response()
    assert document is not None
    assert document.header_value("content-encoding") == "gzip"
    for request in finished:
        if request is pages[0]:
            continue
        response = request.response()
        assert response is not None
        # Hashed names (app.<hash>.css), so a year of caching is safe.
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", request.url), request.url
        cache = re.search(r"max-age=(\d+)", response.header_value("cache-control") or "")
        assert cache is not None, request.url
        assert int(cache.group(1)) >= A_YEAR, request.url
        assert response.header_value("content-encoding") in {"gzip", "br"}, request.url
