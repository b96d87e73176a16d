"""Every exported report, opened in real headless Chromium with the network cut."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import sync_playwright

from browser import launch, visit_offline
from conftest import REPORTS_GROUP

pytestmark = [pytest.mark.browser, REPORTS_GROUP]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def report_files(report_dir):
    return sorted(p for p in report_dir.rglob("*.html") if p.name != "index.html")


def test_every_chart_renders_offline_without_errors(built_reports, browser):
    report_dir, _ = built_reports
    manifest = json.loads((report_dir / "manifest.json").read_text())
    problems = []
    for path in report_files(report_dir):
        key = path.relative_to(report_dir).as_posix()
        visit = visit_offline(browser, path)
        expected = manifest[key]["figures"]
        if visit.chart_divs != expected or visit.drawn_charts != expected:
            problems.append(f"{key}: {visit.drawn_charts} drawn of {visit.chart_divs} chart divs, "
                            f"notebook produced {expected}")
        if visit.console_errors:
            problems.append(f"{key}: console errors {visit.console_errors[:3]}")
        if visit.blocked_requests:
            problems.append(f"{key}: requested {visit.blocked_requests[:3]}")
        if visit.dialogs:
            problems.append(f"{key}: opened dialogs {visit.dialogs}")
    assert not problems, "\n".join(problems)


def test_reports_reference_nothing_remote(built_reports):
    report_dir, _ = built_reports
    remote = re.compile(r"""<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?//""", re.I)
    for path in [*report_files(report_dir), report_dir / "index.html"]:
        match = remote.search(path.read_text(encoding="utf-8"))
        assert match is None, f"{path.name} loads a remote resource: {match.group(0)}"


def test_index_lists_every_report_with_build_facts(built_reports):
    report_dir, _ = built_reports
    index = (report_dir / "index.html").read_text()
    for path in report_files(report_dir):
        assert f'href="{path.relative_to(report_dir).as_posix()}"' in index
    for label in ("Data as of:", "Git commit:", "Built:"):
        assert label in index


def test_reports_carry_no_random_ids(built_reports):
    """Random ids (uuid4, pandas Styler's default T_xxxxx) would make every build differ."""
    report_dir, _ = built_reports
    random_id = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|\bT_[0-9a-f]{5}\b")
    for path in report_files(report_dir):
        # Links to sources may hold uuids: in hrefs, and in the figures' source records (JSON, "/" as \u002f).
        text = re.sub(r'href="[^"]*"|https?:(?:/|\\u002f)[^"\s<]*', "", path.read_text(encoding="utf-8"))
        match = random_id.search(text)
        assert match is None, f"{path.name} has a random id: {match.group(0)}"


PROBE_CELLS = (
    "import plotly.graph_objects as go\n"
    "import analysis_helpers as ah\n"
    "from analysis_helpers.figures.theme import add_caption\n"
    "sources = ah.load('sources')\n"
    "add_caption(go.Figure(go.Bar(x=['north', 'south'], y=[1234.5, 42], name='probe bars'),\n"
    "                      layout={'title': 'Probe chart'}), sources['source_id'][:1], sources, '2025-05-15')",
)


def test_code_switch_data_and_cite_links_work_offline(tmp_path, offline_kernels, browser):
    from analysis_helpers import load
    from analysis_helpers.publish import report
    from test_report_pipeline import make_notebook

    notebook = make_notebook(tmp_path / "20_links.ipynb", *PROBE_CELLS)
    [outcome] = report.run([notebook], {}, tmp_path / "reports", jobs=1)
    assert outcome.ok, outcome.error
    page_file = tmp_path / "reports" / "20_links.html"
    source = load("sources").iloc[0]
    requests = []
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url == page_file.as_uri()
               else (requests.append(route.request.url), route.abort()))
    page.goto(page_file.as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg")
    code = page.locator(".jp-CodeCell .jp-Cell-inputWrapper").first
    assert not code.is_visible(), "code must start hidden"
    page.locator("#kit-show-code").check()
    assert code.is_visible(), "the switch must show the code"

    with page.expect_download() as download:
        page.locator(".kit-figure-links a", has_text="data").click()
    csv = download.value.path().read_text(encoding="utf-8").splitlines()
    assert csv[0] == "trace,type,shown,x,y"
    assert csv[1:] == ["probe bars,bar,yes,north,1234.5", "probe bars,bar,yes,south,42"]

    page.locator(".kit-figure-links a", has_text="cite").click()
    citation = page.locator(".kit-cite-panel").inner_text()
    assert "% Chart: Probe chart" in citation and "@misc{analysis_kit_" in citation
    assert f"@misc{{{source.source_id}," in citation and source.url in citation
    context.close()
    assert requests == [], f"the page requested {requests}"
