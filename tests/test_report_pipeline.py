"""`make report`'s pipeline: atomic writes, failures that name notebook and cell, parameters."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest

from analysis_helpers.publish import report
from conftest import NOTEBOOK_DIR


def make_notebook(path, *sources, parameters="as_of = None"):
    cells = [nbformat.v4.new_code_cell("from analysis_helpers import setup_notebook; setup_notebook()")]
    parameter_cell = nbformat.v4.new_code_cell(parameters)
    parameter_cell.metadata["tags"] = ["parameters"]
    cells += [parameter_cell, *(nbformat.v4.new_code_cell(s) for s in sources)]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nbformat.write(notebook, path)
    return path


def test_failed_cell_is_named_and_last_good_report_is_kept(tmp_path, offline_kernels, capsys):
    notebook = make_notebook(tmp_path / "10_probe.ipynb",
                             "import plotly.graph_objects as go\ngo.Figure(go.Bar(x=[1], y=[2]))")
    out = tmp_path / "reports"
    [good] = report.run([notebook], {}, out, jobs=1)
    assert good.ok and good.figures == 1
    first = (out / "10_probe.html").read_text()

    make_notebook(notebook, "x = 1", "raise ValueError('deliberate failure')")
    [bad] = report.run([notebook], {}, out, jobs=1)
    assert not bad.ok
    assert "10_probe.ipynb" in bad.error and "cell 3" in bad.error and "ValueError: deliberate failure" in bad.error
    assert (out / "10_probe.html").read_text() == first, "a failed build must leave the last good report"
    assert not list(out.glob(".*.tmp")), "temporary files left behind"
    assert "FAILED" in capsys.readouterr().out


def test_parameters_reach_the_notebook(tmp_path, offline_kernels):
    notebook = make_notebook(tmp_path / "11_params.ipynb", "assert as_of == '2025-05-15', as_of")
    [outcome] = report.run([notebook], {"as_of": "2025-05-15"}, tmp_path / "reports", jobs=1)
    assert outcome.ok, outcome.error
    # What benchmarks/report_build.py splits a report's time into: cells, export, the rest.
    assert outcome.cell_seconds > 0 and outcome.export_seconds > 0
    assert outcome.cell_seconds + outcome.export_seconds < outcome.seconds


def test_command_exits_non_zero_on_failure(tmp_path, offline_kernels):
    notebook = make_notebook(tmp_path / "12_fail.ipynb", "1/0")
    assert report.main([str(notebook), "--out", str(tmp_path / "reports"), "--jobs", "1"]) == 1


@pytest.mark.parametrize(("pairs", "expected"), [
    (["as_of=2025-05-15"], {"as_of": "2025-05-15"}),
    (["draws=200", "flag=true", "name=x=y"], {"draws": 200, "flag": True, "name": "x=y"}),
    ([], {}),
])
def test_parse_parameters(pairs, expected):
    assert report.parse_parameters(pairs) == expected


def test_parse_parameters_rejects_bare_words():
    with pytest.raises(ValueError, match="name=value"):
        report.parse_parameters(["as_of"])


def test_build_time_honours_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1747267200")
    from analysis_helpers.publish.report_page import build_time

    assert build_time().isoformat() == "2025-05-15T00:00:00+00:00"


def test_output_widget_capture_executes_and_leaves_no_widget_state(tmp_path, offline_kernels):
    """`with output: display(...)` works headless, and the report holds no random widget ids."""
    notebook = make_notebook(
        tmp_path / "13_widgets.ipynb",
        "import ipywidgets, plotly.graph_objects as go\n"
        "from analysis_helpers.widgets import show\n"
        "output = ipywidgets.Output()\n"
        "with output:\n"
        "    display(go.Figure(go.Bar(x=[1], y=[2])))\n"
        "show(ipywidgets.VBox([ipywidgets.IntSlider(), output]), go.Figure(go.Bar(x=[1], y=[3])))")
    out = tmp_path / "reports"
    [outcome] = report.run([notebook], {}, out, jobs=1)
    assert outcome.ok, outcome.error
    page = (out / "13_widgets.html").read_text()
    assert "widget-state+json" not in page and "widget-view+json" not in page
    assert outcome.figures == 1, "only the static stand-in is a figure in the report"


def test_a_cell_writing_to_stderr_fails_the_report(tmp_path, offline_kernels):
    """A warning in a published report is a bug: the build names the notebook and the cell."""
    notebook = make_notebook(tmp_path / "14_warns.ipynb", "x = 1",
                             "import warnings\nwarnings.warn('deliberate warning', UserWarning)")
    [outcome] = report.run([notebook], {}, tmp_path / "reports", jobs=1)
    assert not outcome.ok
    assert "14_warns.ipynb" in outcome.error and "cell 3" in outcome.error
    assert "stderr" in outcome.error and "deliberate warning" in outcome.error
    assert not (tmp_path / "reports" / "14_warns.html").exists()


def test_build_prints_a_line_per_report_and_a_summary_and_nothing_else(tmp_path, offline_kernels, capfd):
    """No kernel transport warning, no shutdown chatter: captured at the file-descriptor level,
    where the kernels write."""
    notebook = make_notebook(tmp_path / "15_quiet.ipynb", "1 + 1")
    assert report.main([str(notebook), "--out", str(tmp_path / "reports"), "--jobs", "1"]) == 0
    out, err = capfd.readouterr()
    lines = out.strip().splitlines()
    assert len(lines) == 2, out
    assert lines[0].startswith("[1/1] 15_quiet: ok")
    assert lines[1].startswith("Wrote 1 report and ") and lines[1].endswith("; 0 failed.")
    assert err == ""


def test_code_starts_hidden_unless_asked_and_the_header_shows_data_ages(tmp_path, offline_kernels, monkeypatch,
                                                                        tiny_package):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01
    monkeypatch.setenv("ANALYSIS_HELPERS_DATA", str(tiny_package))
    notebook = make_notebook(tmp_path / "16_code.ipynb", "print('visible output')")
    executed = report.execute(report.Job(notebook, tmp_path / "16_code.html", {}))
    hidden, shown = report.export_html(executed), report.export_html(executed, show_code=True)
    import re

    switch = re.compile(r'<input[^>]*id="kit-show-code"[^>]*>')
    assert "checked" not in switch.search(hidden).group(0)
    assert "checked" in switch.search(shown).group(0)
    assert "body:not(:has(#kit-show-code:checked)) .jp-CodeCell .jp-Cell-inputWrapper" in hidden
    from analysis_helpers.publish.report_page import data_freshness

    freshness = data_freshness()
    assert list(freshness["dataset"]) == ["observations", "sources"]  # oldest first
    assert "<tr><td>observations</td><td>2024-01-01</td><td>1065</td></tr>" in hidden
    assert "<tr><td>sources</td><td>2024-02-01</td><td>1034</td></tr>" in hidden  # no as_of: its latest date
    assert "Data as of 2024-01-01" in hidden and "before this build (2026-12-01)" in hidden


def test_a_data_package_that_does_not_validate_still_gets_pages(tmp_path, monkeypatch, tiny_package):
    from analysis_helpers.publish.report_page import current_freshness

    (tiny_package / "observations.csv").write_text("region_id,date,occupied_km2,count,basis,source_id\n"
                                                  "UA,2024-01-01,-1,3,DeepState,core-a\n")
    monkeypatch.setenv("ANALYSIS_HELPERS_DATA", str(tiny_package))
    freshness = current_freshness()
    assert freshness.table.empty and "python -m analysis_helpers validate" in freshness.newest


def test_index_lists_reports_with_question_headline_thumbnail_and_scenarios(tmp_path, monkeypatch):
    import json

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")
    out = tmp_path / "reports"
    (out / "scenarios").mkdir(parents=True)
    for name in ("01_x.html", "scenarios/talks.html"):
        (out / name).write_text("<html></html>")
    figure = {"data": [{"type": "scatter", "x": ["2024-01-01", "2025-01-01"], "y": [1, 3], "mode": "lines"}],
              "layout": {"title": {"text": "Needs rose <b>fast</b> &amp; far"}}}
    cell = nbformat.v4.new_code_cell("fig", outputs=[nbformat.v4.new_output(
        "display_data", data={"application/vnd.plotly.v1+json": figure, "text/plain": "Figure"})])
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# X: what <it> answers"), cell])
    summary = report.report_summary(notebook)
    assert summary["title"] == "X: what <it> answers" and summary["headline"] == "Needs rose fast & far"
    assert summary["thumbnail"].startswith("<svg") and "<polyline" in summary["thumbnail"]
    manifest = {"01_x.html": {"figures": 1, **summary},
                "scenarios/talks.html": {"figures": 1, **summary, "scenario": "talks", "scenario_title": "Talks"},
                "gone.html": {"figures": 0, "title": "deleted since"}}
    (out / "manifest.json").write_text(json.dumps(manifest))
    report.write_index(out, {})
    index = (out / "index.html").read_text()
    assert 'href="01_x.html"' in index and 'href="scenarios/talks.html"' in index and "gone.html" not in index
    assert "X: what &lt;it&gt; answers" in index and "Needs rose fast &amp; far" in index
    assert "<polyline" in index and "Scenario reports" in index and "<strong>Talks</strong>" in index
    for label in ("Data as of:", "Git commit:", "Built: 2026-12-01", "age (days)"):
        assert label in index


def test_the_default_scenario_page_is_a_copy_of_the_notebooks_report(tmp_path):
    notebook = NOTEBOOK_DIR / "04_scenarios.ipynb"
    default = report.parameter_defaults(notebook)["scenario"]
    jobs = report.plan_jobs([notebook], {}, tmp_path)
    copies = [job for job in jobs if job.same_as is not None]
    assert [(job.output.name, job.same_as.name) for job in copies] == [(f"{default}.html", "04_scenarios.html")]
    chosen = report.plan_jobs([notebook], {"scenario": "russian_escalation"}, tmp_path, scenarios=[default, "russian_escalation"])
    assert [job.output.name for job in chosen if job.same_as is not None] == ["russian_escalation.html"]


def test_notebook_set_up_skips_only_the_iri_format_parsers():
    """setup_notebook keeps jsonschema (imported through plotly's renderers) from building
    rfc3987_syntax's parsers; the formats the kit's schemas use are still checked."""
    probe = (
        "import sys\n"
        "from analysis_helpers import setup_notebook\n"
        "setup_notebook()\n"
        "import jsonschema\n"
        "checker = jsonschema.Draft202012Validator.FORMAT_CHECKER\n"
        "assert 'rfc3987_syntax' not in sys.modules or sys.modules['rfc3987_syntax'] is None\n"
        "assert not jsonschema.Draft202012Validator({'format': 'date'}, format_checker=checker).is_valid('2025-13-01')\n"
        "assert not jsonschema.Draft202012Validator({'format': 'regex'}, format_checker=checker).is_valid('(')\n")
    subprocess.run([sys.executable, "-c", probe], check=True)
