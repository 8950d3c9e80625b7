"""What every page of a browser journey is checked for: no serious or critical
axe-core violation, at 320 px and at 1280 px, and a screenshot at both widths saved under
var/screenshots/ (not committed) for a reviewer to look at."""

from __future__ import annotations

import os
import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# src/toandan/tips/tests/browser/journey.py -> the checkout's var/screenshots/
SCREENSHOTS = Path(
    os.environ.get(
        "TOANDAN_SCREENSHOTS_DIR", Path(__file__).resolve().parents[5] / "var" / "screenshots"
    )
)
WIDTHS = (320, 1280)
FAILING_IMPACTS = {"serious", "critical"}
_axe = Axe()


def _scriptable_copy(page: Page) -> Page:
    """The page as it is now, in a page where axe can run.

    axe-core's promise never settles in a page without JavaScript (no timers), so the page's
    HTML is put, with its scripts blocked, into a JavaScript page of the same origin and size:
    the same DOM and styles the citizen without JavaScript has."""
    browser = page.context.browser
    assert browser is not None
    origin = re.match(r"https?://[^/]+", page.url)
    assert origin is not None
    copy = browser.new_context(viewport=page.viewport_size, locale="vi-VN").new_page()
    copy.route(re.compile(r"\.js(\?.*)?$"), lambda route: route.abort())
    copy.goto(f"{origin.group(0)}/healthz")
    copy.set_content(page.content(), wait_until="load")
    return copy


def serious_violations(page: Page, *, javascript: bool = True) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    target = page if javascript else _scriptable_copy(page)
    try:
        results = _axe.run(target)
    finally:
        if target is not page:
            target.context.close()
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]


def check_page(page: Page, journey: str, step: str, *, javascript: bool = True) -> None:
    """Axe at both widths, and a full-page screenshot of each; the viewport is put back."""
    viewport = page.viewport_size or {"width": 1280, "height": 800}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 640 if width == 320 else 800})
        page.screenshot(path=SCREENSHOTS / f"{journey}-{step}-{width}.png", full_page=True)
        found = serious_violations(page, javascript=javascript)
        problems += [f"{width} px: {line}" for line in found]
    page.set_viewport_size(viewport)
    assert problems == [], f"{journey}/{step} at {page.url}:\n" + "\n".join(problems)
