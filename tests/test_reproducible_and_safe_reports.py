"""Reports are reproducible byte for byte, and text from data can never run as script."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from playwright.sync_api import sync_playwright

import analysis_helpers as ah
from analysis_helpers.figures.theme import add_caption
from analysis_helpers.publish import report
from browser import launch, visit_offline
from conftest import DATA_DIR, NOTEBOOK_DIR, REPORTS_GROUP

OVERVIEW = NOTEBOOK_DIR / "00_overview.ipynb"
EPOCH = "1747267200"  # 2025-05-15
FIGURE_ID = re.compile(r'class="plotly-graph-div" id="([^"]+)"')
HOSTILE_TITLE = '<script>alert("title")</script><img src=x onerror=alert("img")> Report & "quotes"'


@pytest.fixture
def fixed_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.mark.notebooks
@REPORTS_GROUP
def test_a_rebuild_is_byte_identical(built_reports, tmp_path):
    """One more build of 00_overview gives the bytes of the run's report set (SOURCE_DATE_EPOCH is
    fixed for the whole run, see conftest.py), and the landing page rewritten from the same
    manifest gives the same bytes."""
    report_dir, _ = built_reports
    [outcome] = report.run([OVERVIEW], {}, tmp_path, jobs=1)
    assert outcome.ok, outcome.error
    assert (tmp_path / "00_overview.html").read_bytes() == (report_dir / "00_overview.html").read_bytes()
    index = (report_dir / "index.html").read_bytes()
    report.write_index(report_dir, {})
    assert (report_dir / "index.html").read_bytes() == index


@pytest.mark.notebooks
@REPORTS_GROUP
def test_plain_nbconvert_is_offline_and_reproducible(built_reports, tmp_path):
    """A plain `jupyter nbconvert --execute` (the kit's template is the environment's default) is
    offline and gives the charts of the report pipeline: the same figure ids, which derive from a
    counter and each figure's content, so identical ids mean identical figures."""
    report_dir, _ = built_reports
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--execute", str(OVERVIEW),
                    "--output-dir", str(tmp_path)], check=True, capture_output=True, cwd=NOTEBOOK_DIR)
    plain = (tmp_path / "00_overview.html").read_text(encoding="utf-8")
    assert "cdnjs" not in plain and "unpkg.com" not in plain and 'src="http' not in plain
    ids = [FIGURE_ID.findall(html) for html in (plain, (report_dir / "00_overview.html").read_text(encoding="utf-8"))]
    assert ids[0] and ids[0] == ids[1]


@pytest.fixture
def hostile_data(tmp_path, monkeypatch):
    """The shipped sources table plus one source whose text is markup, in a copy of data/."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    with (data / "sources" / "core.csv").open("a", encoding="utf-8") as stream:
        title = HOSTILE_TITLE.replace('"', '""')
        stream.write(f'core-hostile,"<b onmouseover=alert(1)>Publisher</b>","{title}",true,'
                     'https://example.org/x,2024-01-01,2024-01-02,outlet,\n')
    monkeypatch.setenv("ANALYSIS_HELPERS_DATA", str(data))
    return data


@pytest.mark.browser
def test_markup_in_data_renders_as_text_and_never_runs(tmp_path, offline_kernels, hostile_data):
    [outcome] = report.run([OVERVIEW], {}, tmp_path / "reports", jobs=1)
    assert outcome.ok, outcome.error
    page_file = tmp_path / "reports" / "00_overview.html"
    html = page_file.read_text(encoding="utf-8")
    assert '<script>alert("title")' not in html and "&lt;script&gt;alert(" in html
    with sync_playwright() as playwright:
        browser = launch(playwright)
        visit = visit_offline(browser, page_file)
        context = browser.new_context()
        page = context.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url == page_file.as_uri()
                   else route.abort())
        page.goto(page_file.as_uri())
        visible = page.inner_text("body")
        browser.close()
    assert visit.dialogs == [], f"injected script ran: {visit.dialogs}"
    assert visit.blocked_requests == [], f"injected markup made requests: {visit.blocked_requests}"
    assert '<script>alert("title")</script>' in visible, "the title should be shown literally"


def test_captions_escape_source_text(hostile_data):
    import plotly.graph_objects as go

    figure = add_caption(go.Figure(), ["core-hostile"], ah.load("sources"), "2025-05-15")
    caption = figure.layout.annotations[0].text
    assert "<script>" not in caption and "&lt;script&gt;" in caption and "<img" not in caption
