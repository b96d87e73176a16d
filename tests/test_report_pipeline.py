"""`make report`'s pipeline: atomic writes, failures that name notebook and cell, parameters."""

from __future__ import annotations

import nbformat
import pytest

from analysis_helpers.publish import report


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
    assert report.build_time().isoformat() == "2025-05-15T00:00:00+00:00"


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
