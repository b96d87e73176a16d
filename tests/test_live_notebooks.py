"""A researcher's first hour, in a real JupyterLab in headless Chromium (no request leaves 127.0.0.1).

Every notebook (a copy) is opened and run; then a legend entry of every chart is clicked, every
in-chart slider and menu used, and every explorer control moved once. Fails on a chart that
loses its drawing, a title that is not shown (plotly hands text with two `$` to Lab's MathJax),
any stderr or warning in a cell's output, a page error, and an explorer control after which
the explorer's output does not change (a control that cannot change anything must be disabled).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field

import pytest

from conftest import notebooks

pytestmark = pytest.mark.browser
#: The notebooks in two xdist groups (each worker that takes one starts its own JupyterLab), so that
#: the longest part of the suite runs on both cores.
LAB_GROUPS = 2

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

from browser import CHROMIUM_CANDIDATES, launch  # noqa: E402
from lab import LabServer, close_notebook, open_notebook, run_all  # noqa: E402
from live_page import (  # noqa: E402
    chart_problems,
    charts,
    click_legend,
    drive_explorers,
    move_chart_sliders,
    use_chart_menus,
    wait_until_drawn,
)

STDERR_JS = """() => [...document.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output.jp-mod-error')]
    .map(el => el.innerText.slice(0, 300))"""
WARNING_JS = """() => [...document.querySelectorAll('.jp-OutputArea-output')].map(el => el.innerText)
    .filter(text => /\\b\\w*Warning\\b/.test(text)).map(text => text.slice(0, 300))"""


def _chromium_or_skip() -> None:
    if not (any(shutil.os.path.exists(path) for path in CHROMIUM_CANDIDATES) or shutil.which("chromium")):
        pytest.skip("Chromium is not installed (.ci/run installs it: apt-get install chromium)")


@pytest.fixture(scope="module")
def lab(tmp_path_factory, offline_kernels):
    _chromium_or_skip()
    with LabServer(notebooks(), tmp_path_factory.mktemp("lab")) as server:
        yield server


@pytest.fixture(scope="module")
def chromium():
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@dataclass
class WatchedPage:
    """The worker's one Lab page, with what it tried to fetch outside the server and its page errors."""

    page: object
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def take_problems(self) -> list[str]:
        found = [f"page error: {error}" for error in self.errors]
        found += [f"request outside the server: {url}" for url in self.outside]
        self.errors.clear()
        self.outside.clear()
        return found


@pytest.fixture(scope="module")
def lab_page(lab, chromium):
    """One page for every notebook of this worker: Lab boots once, and each notebook is opened in the
    running app (`open_notebook`), as a researcher opens one notebook after another."""
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    watched = WatchedPage(page)
    page.route("**/*", lambda route: route.continue_() if lab.allows(route.request.url)
               else (watched.outside.append(route.request.url), route.abort()))
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    yield watched
    page.close()


@pytest.mark.parametrize("notebook", [pytest.param(path.name, marks=pytest.mark.xdist_group(f"lab-{number % LAB_GROUPS}"))
                                      for number, path in enumerate(notebooks())])
def test_notebook_survives_legend_clicks_chart_controls_and_explorers(lab, lab_page, notebook):
    page = lab_page.page
    problems = []
    try:
        open_notebook(page, lab, notebook)
        assert run_all(page), f"{notebook}: a cell failed ({lab.log})"
        wait_until_drawn(page)  # plotly draws after the outputs arrive

        problems += [f"stderr or error output: {text}" for text in page.evaluate(STDERR_JS)]
        problems += [f"warning in an output: {text}" for text in page.evaluate(WARNING_JS)]
        problems += chart_problems(page, "after running")
        for chart in charts(page):
            if chart["legend"]:
                click_legend(page, chart["index"])
                problems += chart_problems(page, f"after a legend click on chart {chart['index']}")
            if chart["sliders"]:
                move_chart_sliders(page, chart["index"])
                problems += chart_problems(page, f"after the slider of chart {chart['index']}")
            if chart["menus"]:
                use_chart_menus(page, chart["index"])
                problems += chart_problems(page, f"after the menus of chart {chart['index']}")
        moves = drive_explorers(page)
        if "analysis_helpers.widgets" in (lab.root / notebook).read_text():
            assert moves, f"{notebook}: no explorer control found on the page"
        for move in moves:
            if not move.changed:
                problems.append(f"explorer {move.explorer}: moving {move.kind} {move.label!r} changed nothing")
        problems += chart_problems(page, "after driving the explorers")
    finally:
        close_notebook(page)
    problems += lab_page.take_problems()
    assert not problems, f"{notebook}:\n" + "\n".join(dict.fromkeys(problems))
