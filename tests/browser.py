"""Open an HTML file in Debian's headless Chromium (driven by Playwright) with the network cut."""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from live_page import wait_until_drawn

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# As root in a container Chromium needs --no-sandbox; the rest stop its own background traffic.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def chromium_path() -> str:
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    pytest.fail("Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)")


@dataclass
class PageVisit:
    """What a page did: charts drawn, console errors, requests other than the file itself."""

    drawn_charts: int = 0
    chart_divs: int = 0
    console_errors: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)


def visit_offline(browser, html_file: Path, screenshot: Path | None = None,
                  scroll_to_chart: bool = False) -> PageVisit:
    """Load `html_file` with every request but the file itself aborted; count drawn plotly charts.

    With `screenshot`, save the viewport (scrolled to the first chart if `scroll_to_chart`)."""
    visit = PageVisit()
    own_url = html_file.resolve().as_uri()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def gatekeeper(route):
        if route.request.url == own_url:
            route.continue_()
        else:
            visit.blocked_requests.append(route.request.url)
            route.abort()

    page.route("**/*", gatekeeper)
    page.on("console", lambda message: visit.console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: visit.console_errors.append(str(error)))
    page.on("dialog", lambda dialog: (visit.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(own_url, wait_until="load", timeout=120_000)
    with contextlib.suppress(PlaywrightTimeout):  # a chart that never draws is counted below, reported by the caller
        wait_until_drawn(page, timeout_ms=30_000)
    visit.chart_divs = page.locator(".js-plotly-plot").count()
    visit.drawn_charts = page.locator(".js-plotly-plot:has(.main-svg)").count()
    if screenshot is not None:
        if scroll_to_chart and visit.chart_divs:
            page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -120)")
        page.screenshot(path=str(screenshot), full_page=False)
    context.close()
    return visit
