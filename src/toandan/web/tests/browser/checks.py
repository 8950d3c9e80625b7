"""What every page of a staff journey is checked for: no serious or critical axe-core
violation at 320 px and at 1280 px, and a full-page screenshot at both widths saved under
var/screenshots/ (not committed) for a reviewer to look at."""

from __future__ import annotations

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# src/toandan/web/tests/browser/checks.py -> the checkout's var/screenshots/
SCREENSHOTS = Path(
    os.environ.get(
        "TOANDAN_SCREENSHOTS_DIR", Path(__file__).resolve().parents[5] / "var" / "screenshots"
    )
)
WIDTHS = {320: 640, 1280: 800}
FAILING_IMPACTS = {"serious", "critical"}
_axe = Axe()


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    results = _axe.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]


def check_page(page: Page, journey: str, step: str) -> None:
    """axe at both widths and a full-page screenshot of each; the viewport is put back."""
    viewport = page.viewport_size or {"width": 1280, "height": 800}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=SCREENSHOTS / f"{journey}-{step}-{width}.png", full_page=True)
        problems += [f"{width} px: {line}" for line in serious_violations(page)]
    page.set_viewport_size(viewport)
    assert problems == [], f"{journey}/{step} at {page.url}:\n" + "\n".join(problems)
