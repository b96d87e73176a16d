"""The plotly.js bundle reports embed: what it holds, that it is the recorded build, and that every
figure the kit draws uses only trace types it holds (a missing type would leave a blank chart)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import plotly
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from analysis_helpers.figures.theme import TRACE_TYPES, register_template
from analysis_helpers.publish.renderer import OfflineRenderer, plotly_bundle, trace_types, without_unused_defaults
from conftest import REPORTS_GROUP

BUNDLE_DIR = Path(__file__).resolve().parents[1] / "src" / "analysis_helpers" / "publish" / "plotly_bundle"
RECORD = json.loads((BUNDLE_DIR / "plotly-kit.json").read_text())
SOURCE_DIRS = [Path(__file__).resolve().parents[1] / "src", Path(__file__).resolve().parents[1] / "notebooks"]


def test_bundle_is_the_recorded_build_of_the_kits_trace_types():
    bundle = (BUNDLE_DIR / "plotly-kit.min.js").read_bytes()
    assert hashlib.sha256(bundle).hexdigest() == RECORD["sha256"]
    assert len(bundle) == RECORD["bytes"]
    assert RECORD["trace_types"] == list(TRACE_TYPES)
    assert RECORD["license"] == "MIT" and (BUNDLE_DIR / "LICENSE-plotly.js.txt").is_file()
    assert plotly_bundle() == bundle.decode()
    assert "</script" not in plotly_bundle()  # it is inlined in a <script> element


def test_bundle_is_the_plotly_js_version_plotly_py_writes_figures_for():
    embedded = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", get_plotlyjs()[:500])
    assert embedded, "plotly.py's plotly.min.js header names no version"
    assert RECORD["plotly.js"] == embedded.group(1), (
        f"plotly {plotly.__version__} embeds plotly.js {embedded.group(1)}: rebuild the bundle "
        "(scripts/build_plotly_bundle.py after updating scripts/plotly_bundle/package.json)")


def test_source_draws_only_bundled_trace_types():
    """Every `go.<Trace>(` in the package and notebooks names a type the bundle holds."""
    trace_classes = {name for name in dir(go) if isinstance(getattr(go, name), type)
                     and issubclass(getattr(go, name), plotly.basedatatypes.BaseTraceType)}
    used = set()
    for folder in SOURCE_DIRS:
        for path in folder.rglob("*.py"):
            used |= {name for name in re.findall(r"\bgo\.([A-Z]\w*)\(", path.read_text()) if name in trace_classes}
    assert {name.lower() for name in used} <= set(TRACE_TYPES), f"unbundled trace types: {used}"


def test_template_and_figures_carry_only_the_defaults_of_types_they_draw():
    register_template()
    fig = go.Figure(go.Bar(x=[1], y=[2]))
    assert set(fig.to_dict()["layout"]["template"]["data"]) == set(TRACE_TYPES)
    plain = without_unused_defaults(fig.to_dict())
    assert set(plain["layout"]["template"]["data"]) == {"bar"}
    assert plain["layout"]["template"]["layout"] == fig.to_dict()["layout"]["template"]["layout"]
    html = OfflineRenderer().to_mimebundle(fig.to_dict())["text/html"]
    assert '"heatmap"' not in html and '"scatter"' not in html


def test_trace_types_counts_frames_and_the_default_type():
    figure = {"data": [{"y": [1]}], "frames": [{"data": [{"type": "heatmap", "z": [[1]]}]}]}
    assert trace_types(figure) == {"scatter", "heatmap"}


def report_figures(path: Path) -> list[list[dict]]:
    """The data of every figure a report draws (each `Plotly.newPlot(id, data, ...)` call)."""
    text, decoder, figures = path.read_text(encoding="utf-8"), json.JSONDecoder(), []
    for match in re.finditer(r'Plotly\.newPlot\(\s*"[^"]+",\s*', text):
        data, _ = decoder.raw_decode(text, match.end())
        figures.append(data)
    return figures


@pytest.mark.browser  # needs the built reports (every notebook executed once per run, in the reports group)
@REPORTS_GROUP
def test_every_figure_of_the_reports_uses_bundled_trace_types(built_reports):
    report_dir, _ = built_reports
    outside = {}
    counted = 0
    for path in sorted(report_dir.rglob("*.html")):
        for data in report_figures(path):
            counted += 1
            missing = trace_types({"data": data}) - set(TRACE_TYPES)
            if missing:
                outside.setdefault(path.name, set()).update(missing)
    assert counted > 0, "no figure found in the reports"
    assert not outside, f"figures use trace types the bundle lacks: {outside}"
