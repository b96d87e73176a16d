"""Notebooks as users run them: committed clean, paired with their scripts, executed headless."""

from __future__ import annotations

import json

import jupytext
import nbformat
import pytest

from conftest import NOTEBOOK_DIR, REPORTS_GROUP, notebooks

pytestmark = pytest.mark.notebooks


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name} has outputs: clear them"


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_paired_script_is_in_sync(path):
    script = path.with_suffix(".py")
    assert script.exists(), f"{path.name} has no jupytext pair {script.name}"
    from_notebook = [(c.cell_type, c.source) for c in jupytext.read(path).cells]
    from_script = [(c.cell_type, c.source) for c in jupytext.read(script).cells]
    assert from_notebook == from_script, f"{path.name} and {script.name} differ: run jupytext --sync"


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_has_parameters_cell_with_as_of(path):
    cells = [c for c in nbformat.read(path, as_version=4).cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"
    assert "as_of" in cells[0].source


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_first_code_cell_sets_up_the_notebook(path):
    code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    assert "setup_notebook()" in code[0].source


@REPORTS_GROUP
def test_every_notebook_executes_headless_with_network_blocked(built_reports):
    report_dir, outcomes = built_reports
    failures = [o.error for o in outcomes if not o.ok]
    assert not failures, "\n".join(failures)
    built = {p.name for p in report_dir.glob("*.html")}
    assert {f"{p.stem}.html" for p in notebooks()} <= built
    manifest = json.loads((report_dir / "manifest.json").read_text())
    assert all(entry["figures"] > 0 for entry in manifest.values()), manifest


def test_proposals_notebook_executes_headless_with_network_blocked(offline_kernels, tmp_path):
    """06_proposals alone (its own check, cheaper than the full build): executes, exports, draws
    its figures; the other comparator pair in the parameters also runs."""
    from analysis_helpers.publish import report

    notebook = NOTEBOOK_DIR / "06_proposals.ipynb"
    outcomes = report.run([notebook], {"text_a": "ru-memorandum-2025", "text_b": "ua-memorandum-2025", "draws": 50},
                          tmp_path, jobs=1)
    assert all(o.ok for o in outcomes), "\n".join(o.error or "" for o in outcomes)
    html = (tmp_path / "06_proposals.html").read_text()
    assert "updatemenus" in html  # the lines map's menu is plotly-native, so it survives the export
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["06_proposals.html"]["figures"] >= 6, manifest


def test_network_guard_blocks_non_loopback_connections(offline_kernels, tmp_path):
    """The guard used above really refuses: 127.0.0.2 is loopback, so nothing leaves the machine."""
    import papermill

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import socket\nsocket.create_connection(('127.0.0.2', 9), timeout=1)")])
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    source = tmp_path / "probe.ipynb"
    nbformat.write(notebook, source)
    with pytest.raises(papermill.PapermillExecutionError, match="SocketConnectBlockedError"):
        papermill.execute_notebook(str(source), str(tmp_path / "out.ipynb"), progress_bar=False,
                                   kernel_name="python3", execution_timeout=60)
