"""`make dashboard` end to end: Voilà serves the scenario notebook; headless Chromium moves a control.

The server is started with the command and options of the Makefile's `dashboard` target, so the
test runs what users run. Every request that is not to the Voilà server is aborted and recorded;
there must be none (the kit's `kit_dashboard` template drops the two Font Awesome stylesheets
that Voilà's `lab` template links from a CDN).
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from playwright.sync_api import sync_playwright

from browser import launch
from conftest import REPO_ROOT

pytestmark = pytest.mark.browser

NOTEBOOK = "notebooks/04_scenarios.ipynb"
START_TIMEOUT_S = 60
RENDER_TIMEOUT_MS = 240_000
# A busy CI machine (other test processes on two cores) can take tens of seconds per recompute.
CHANGE_TIMEOUT_MS = 180_000
NUMBER = ".scenario-number[data-metric='occupied_km2'] .value"
MONTHS = ".scenario-number[data-metric='settlement_months'] .value"


def dashboard_command(port: int) -> tuple[dict[str, str], list[str]]:
    """(extra environment, argv) of `make dashboard` from the Makefile, on `port` instead of its own."""
    makefile = (REPO_ROOT / "Makefile").read_text().replace("\\\n", " ")
    recipe = re.search(r"^dashboard:.*\n((?:\t.*\n?)+)", makefile, re.M).group(1)
    words = shlex.split(recipe.replace("$(VENV)", str(Path(sys.executable).parents[1]))
                        .replace("$(CURDIR)", str(REPO_ROOT)))
    start = next(i for i, word in enumerate(words) if word.endswith("/voila"))
    environment = dict(word.split("=", 1) for word in words[:start] if "=" in word)
    options = [word for word in words[start:] if not word.startswith("--port")]
    assert NOTEBOOK in options, f"make dashboard no longer serves {NOTEBOOK}: {recipe}"
    return environment, [*options, f"--port={port}"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    """The Voilà server as `make dashboard` starts it; yields its URL."""
    port = free_port()
    environment, argv = dashboard_command(port)
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    with log.open("w") as sink:
        server = subprocess.Popen(argv, cwd=REPO_ROOT, env={**os.environ, **environment}, stdout=sink,
                                  stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            urllib.request.urlopen(url + "api", timeout=2)
            break
        except urllib.error.HTTPError:  # any HTTP answer means the server is up
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"Voilà did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
    yield url
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def test_dashboard_recomputes_when_a_control_moves_and_stays_on_localhost(dashboard):
    own = urlparse(dashboard).netloc
    attempted_outside, failed_locally, sockets = [], [], []

    def gatekeeper(route):
        url = route.request.url
        if urlparse(url).netloc == own or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            attempted_outside.append(unquote(url))
            route.abort()

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.route("**/*", gatekeeper)
        page.on("websocket", lambda ws: sockets.append(ws.url))
        page.on("response", lambda r: failed_locally.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.goto(dashboard, wait_until="domcontentloaded", timeout=RENDER_TIMEOUT_MS)
        page.wait_for_selector(NUMBER, timeout=RENDER_TIMEOUT_MS)
        page.wait_for_timeout(1000)

        shown_text = page.inner_text("body")
        assert "setup_notebook()" not in shown_text and "import analysis_helpers" not in shown_text, "code is shown"
        charts = page.locator(".js-plotly-plot:has(.main-svg)")
        assert charts.count() >= 4
        number_before = page.locator(NUMBER).inner_text()
        chart = page.locator(".widget-output .js-plotly-plot").last
        title_before = chart.locator(".gtitle").text_content()

        page.locator(".widget-dropdown select").first.select_option(label="Russian escalation and rejection of talks")
        page.wait_for_function(
            "([selector, before]) => document.querySelector(selector)?.innerText !== before",
            arg=[NUMBER, number_before], timeout=CHANGE_TIMEOUT_MS)
        page.wait_for_timeout(500)
        number_after = page.locator(NUMBER).inner_text()
        title_after = page.locator(".widget-output .js-plotly-plot").last.locator(".gtitle").text_content()

        # A slider, moved from the keyboard as a user would: the months to a settlement.
        months_before = page.locator(MONTHS).inner_text()
        page.locator(".widget-slider .noUi-handle").first.focus()
        for _ in range(6):
            page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "([selector, before]) => document.querySelector(selector)?.innerText !== before",
            arg=[MONTHS, months_before], timeout=CHANGE_TIMEOUT_MS)
        months_after = page.locator(MONTHS).inner_text()
        browser.close()

    assert number_after != number_before
    assert title_after != title_before and f"{number_after} km²" in title_after
    assert float(months_after) > float(months_before)
    assert not attempted_outside, f"requests outside localhost: {attempted_outside}"
    assert all(urlparse(ws).hostname == "127.0.0.1" for ws in sockets), sockets
    assert not failed_locally, failed_locally
