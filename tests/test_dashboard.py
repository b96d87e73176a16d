"""`make dashboard` end to end: Voilà serves the scenario notebook; headless Chromium moves a control.

The server is started with the command and options of the Makefile's `dashboard` target and the
checkout's `voila.json` (read from the working directory) and `kit_dashboard` template, so the
test runs what users run. Every request that is not to the Voilà server is aborted and recorded;
there must be none (the kit's `kit_dashboard` template drops the two Font Awesome stylesheets
that Voilà's `lab` template links from a CDN). The page opens on the builder, shows no console
error or warning, keeps every chart drawn through legend clicks and in-chart menus, every
builder control changes what it shows, and closing the page frees its kernel.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from conftest import REPO_ROOT

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

import live_page  # noqa: E402
from browser import CHROMIUM_CANDIDATES, launch  # noqa: E402
from lab import wait_for_http  # noqa: E402
from live_page import chart_problems, click_legend, drive_explorers, use_chart_menus  # noqa: E402

sync_playwright = sync_api.sync_playwright

# One Voilà server for the module: its tests stay together in one xdist worker.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("dashboard")]

NOTEBOOK = "notebooks/04_scenarios.ipynb"
START_TIMEOUT_S = 60
RENDER_TIMEOUT_MS = 240_000
# A busy CI machine (other test processes on two cores) can take tens of seconds per recompute.
CHANGE_TIMEOUT_MS = 180_000
NUMBER = ".scenario-number[data-metric='occupied_km2'] .value"
MONTHS = ".scenario-number[data-metric='settlement_months'] .value"
# The test culls sooner than `voila.json` does, to see a closed page's kernel go within a minute.
CULL_OPTIONS = ["--MappingKernelManager.cull_idle_timeout=4", "--MappingKernelManager.cull_interval=2"]
CULL_TIMEOUT_S = 90
# jupyterlab-plotly 7.1 (built for JupyterLab 4.6) stores a PNG of each chart in its output model
# after drawing it; Voilà 0.5's output models (JupyterLab 4.2 core) have no `setData`. The chart is
# drawn before the call fails; it goes away with a Voilà on a 4.6 core. Everything else is an error.
KNOWN_VOILA_PLOTLY_ERROR = "r.setData is not a function"
NOTEBOOK_ONLY_TEXT = ("needs a live kernel", "make dashboard", "in JupyterLab", "exported report")


def dashboard_command(port: int) -> tuple[dict[str, str], list[str]]:
    """(extra environment, argv) of `make dashboard` from the Makefile, on `port` instead of its own."""
    makefile = (REPO_ROOT / "Makefile").read_text().replace("\\\n", " ")
    recipe = re.search(r"^dashboard:.*\n((?:\t.*\n?)+)", makefile, re.M).group(1)
    words = shlex.split(recipe.replace("$(VENV)", str(Path(sys.executable).parents[1]))
                        .replace("$(CURDIR)", str(REPO_ROOT))
                        .replace("$(ARGS)", "")  # the user's extra options: none here
                        .replace("$(DASHBOARD_PORT)", ""))  # its port option: replaced below
    start = next(i for i, word in enumerate(words) if word.endswith("/voila"))
    environment = dict(word.split("=", 1) for word in words[:start] if "=" in word)
    options = [word for word in words[start:] if not word.startswith("--port")]
    assert NOTEBOOK in options, f"make dashboard no longer serves {NOTEBOOK}: {recipe}"
    return environment, [*options, f"--port={port}"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def kernels_of(server: subprocess.Popen) -> list[int]:
    """Process ids of the kernels the server started (its ipykernel children)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:  # the process ended while we looked
            continue
        if int(fields[1]) == server.pid and b"ipykernel" in command:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    """The Voilà server as `make dashboard` starts it; yields (URL, server process)."""
    if not (any(Path(path).exists() for path in CHROMIUM_CANDIDATES) or shutil.which("chromium")):
        pytest.skip("Chromium is not installed (.ci/run installs it: apt-get install chromium)")
    port = free_port()
    environment, argv = dashboard_command(port)
    workdir = tmp_path_factory.mktemp("voila")
    log = workdir / "voila.log"
    # The checkout's template, not a copy an earlier install left in the environment.
    templates = workdir / "jupyter" / "voila" / "templates"
    shutil.copytree(REPO_ROOT / "src" / "analysis_helpers" / "templates" / "kit_dashboard",
                    templates / "kit_dashboard")
    jupyter_path = os.pathsep.join(filter(None, [str(workdir / "jupyter"), os.environ.get("JUPYTER_PATH")]))
    with log.open("w") as sink:
        server = subprocess.Popen([*argv, *CULL_OPTIONS], cwd=REPO_ROOT,
                                  env={**os.environ, **environment, "JUPYTER_PATH": jupyter_path},
                                  stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    wait_for_http(url + "api", server, log, START_TIMEOUT_S)
    yield url, server
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def test_voila_config_culls_kernels_left_without_a_page():
    """Voilà's own shutdown on `beforeunload` is a best effort (a crashed or killed tab never
    sends it); the culler frees what it misses."""
    config = json.loads((REPO_ROOT / "voila.json").read_text())["MappingKernelManager"]
    assert config["cull_connected"] is False and 0 < config["cull_idle_timeout"] <= 600
    assert 0 < config["cull_interval"] <= config["cull_idle_timeout"]


def test_dashboard_recomputes_stays_on_localhost_and_frees_its_kernel(dashboard):
    """One page load (one execution of 04): controls recompute, nothing leaves 127.0.0.1, every
    chart survives its legend and menus, and closing the page frees its kernel."""
    dashboard, server = dashboard
    own = urlparse(dashboard).netloc
    attempted_outside, failed_locally, sockets, console = [], [], [], []

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
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda error: console.append(f"page error: {error}"))
        before = set(kernels_of(server))
        page.goto(dashboard, wait_until="domcontentloaded", timeout=RENDER_TIMEOUT_MS)
        page.wait_for_selector(NUMBER, timeout=RENDER_TIMEOUT_MS)
        own = set(kernels_of(server)) - before
        live_page.wait_until_drawn(page)

        shown_text = page.inner_text("body")
        assert "setup_notebook()" not in shown_text and "import analysis_helpers" not in shown_text, "code is shown"
        assert not [text for text in NOTEBOOK_ONLY_TEXT if text in shown_text], "notebook-only text in the dashboard"
        # The page opens on the builder (its first control within the first screen), tables below it.
        start_menu = page.locator(".widget-dropdown").first.bounding_box()
        first_table = page.locator(".jp-OutputArea-output table").first.bounding_box()
        assert start_menu["y"] < 1000 and start_menu["y"] < first_table["y"], (start_menu, first_table)
        charts = page.locator(".js-plotly-plot:has(.main-svg)")
        assert charts.count() >= 4
        number_before = page.locator(NUMBER).inner_text()
        chart = page.locator(".widget-output .js-plotly-plot").last
        title_before = chart.locator(".gtitle").text_content()

        page.locator(".widget-dropdown select").first.select_option(label="Russian escalation and rejection of talks")
        page.wait_for_function(
            "([selector, before]) => document.querySelector(selector)?.innerText !== before",
            arg=[NUMBER, number_before], timeout=CHANGE_TIMEOUT_MS)
        live_page.settle(page)
        number_after = page.locator(NUMBER).inner_text()
        title_after = page.locator(".widget-output .js-plotly-plot").last.locator(".gtitle").text_content()

        # A slider, moved from the keyboard as a user would: the months to a settlement, sent to its
        # end in one key press (one change, so one redraw to wait for).
        months_before = page.locator(MONTHS).inner_text()
        page.locator(".widget-slider .noUi-handle").first.focus()
        page.keyboard.press("End")
        page.wait_for_function(
            "([selector, before]) => document.querySelector(selector)?.innerText !== before",
            arg=[MONTHS, months_before], timeout=CHANGE_TIMEOUT_MS)
        months_after = page.locator(MONTHS).inner_text()

        live_page.settle(page)
        problems = []
        shown = live_page.charts(page)
        for chart in shown:
            if chart["index"] >= len(live_page.charts(page)):
                problems.append(f"chart {chart['index']} ({chart['title'][:60]!r}) disappeared")
                continue
            if chart["legend"]:
                click_legend(page, chart["index"])
            if chart["menus"]:
                use_chart_menus(page, chart["index"])
            problems += chart_problems(page, f"after using chart {chart['index']}")
        problems += [f"moving {m.kind} {m.label!r} changed nothing" for m in drive_explorers(page) if not m.changed]
        page.close(run_before_unload=True)
        browser.close()

    assert number_after != number_before
    assert title_after != title_before and f"{number_after} km²" in title_after
    assert float(months_after) > float(months_before)
    assert not attempted_outside, f"requests outside localhost: {attempted_outside}"
    assert all(urlparse(ws).hostname == "127.0.0.1" for ws in sockets), sockets
    assert not failed_locally, failed_locally
    assert not problems, "\n".join(problems)
    assert not [message for message in console if KNOWN_VOILA_PLOTLY_ERROR not in message], "\n".join(console)
    assert len(own) == 1, f"the page should have started one kernel, not {own}"
    deadline = time.monotonic() + CULL_TIMEOUT_S
    while own & set(kernels_of(server)):
        assert time.monotonic() < deadline, f"kernel {own} still running {CULL_TIMEOUT_S} s after the page closed"
        time.sleep(1)
