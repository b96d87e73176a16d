"""The kit's plotly renderer: charts that render offline, with stable ids.

Why a renderer of our own: under a kernel, plotly's default renderer emits only the plotly
mimetype, which nbconvert drops (blank chart in the HTML), and its `notebook` renderer adds a
MathJax CDN script and a random div id to every figure. This one emits both the plotly mimetype
(JupyterLab's renderer) and self-contained HTML (exported reports) that relies on plotly.js
embedded once per notebook (`plotly_init_html`: the kit's partial bundle of the trace types it
draws, `plotly_bundle/plotly-kit.min.js`, 1.2 MB instead of plotly's full 4.8 MB; no
network), and names each figure's div from a per-notebook counter and the figure's content, so
the same inputs give the same file.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import re
from importlib import resources

import plotly.graph_objects as go
import plotly.io as pio
from plotly.io._base_renderers import MimetypeRenderer
from plotly.io._html import _window_plotly_config
from plotly.utils import PlotlyJSONEncoder

RENDERER_NAME = "kit_offline"
FIGURE_DIV_PREFIX = "kit-figure-"
PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
# Figures keep a fixed height so that reports have a stable layout; width follows the page.
_FIGURE_HEIGHT = 520
# The live charts' plotly config. Not `responsive`: in JupyterLab's plotly renderer a responsive
# chart takes its height from its output box, which has none, so the first legend click or
# in-chart slider collapses it to zero height. Lab's renderer follows the page's width itself.
_PLOTLY_CONFIG = {"displaylogo": False}


class OfflineRenderer(MimetypeRenderer):
    """Plotly renderer for notebooks that must also work as offline HTML reports."""

    def __init__(self) -> None:
        # plotly renders through a shallow copy of the registered renderer, so the count lives in
        # an object the copies share: two identical figures must still get different div ids.
        self._numbers = itertools.count(1)
        self.figures_shown = 0

    def to_mimebundle(self, fig_dict: dict) -> dict:
        """The figure as the plotly mimetype (JupyterLab) and self-contained HTML (reports)."""
        from plotly.io import to_html

        self.figures_shown = next(self._numbers)
        fig_dict = without_unused_defaults(fig_dict)
        payload = json.dumps(fig_dict, cls=PlotlyJSONEncoder, sort_keys=True)
        digest = hashlib.sha256(payload.encode()).hexdigest()[:10]
        html = to_html(
            fig_dict,
            config=dict(_PLOTLY_CONFIG),  # a copy: to_html adds `responsive` to the dict it is given
            include_plotlyjs=False,
            include_mathjax=False,
            full_html=False,
            div_id=f"{FIGURE_DIV_PREFIX}{self.figures_shown}-{digest}",
            default_width="100%",
            default_height=_FIGURE_HEIGHT,
            auto_play=False,  # a figure with frames waits for its play button or slider
            validate=False,
        )
        # The figure as plain JSON types, serialised once above.
        return {PLOTLY_MIMETYPE: _plotly_json(json.loads(payload)), "text/html": html}


def _plotly_json(plain: dict) -> dict:
    """The plotly mimetype's payload of a figure already in plain JSON types."""
    # The reports' fixed height, unless the figure sets its own (Lab's renderer would use 360 px).
    layout = {"height": _FIGURE_HEIGHT, **plain.get("layout", {})}
    figure = {"data": plain.get("data", []), "layout": layout, "frames": plain.get("frames", [])}
    return {**_without_tex(figure), "config": _PLOTLY_CONFIG}


# Text between two dollar signs, outside a %{...} hover placeholder (whose d3 format may use `$`).
_TEX_LIKE = re.compile(r"\$[^$]*\$")
_PLACEHOLDER = re.compile(r"(%\{[^}]*\})")


def _without_tex(value):
    """`value` with every `$` of a text that has two written `&#36;`.

    plotly.js typesets text between two dollar signs as TeX whenever the page has MathJax, as
    JupyterLab does once it has rendered maths: "US$ 5 bn to US$ 9 bn" then vanishes. The entity
    draws the same `$` without being taken for maths. Only the live mimetype needs it: exported
    reports carry no MathJax, so their HTML keeps the text as written.
    """
    if isinstance(value, str):
        if value.count("$") < 2:
            return value
        pieces = _PLACEHOLDER.split(value)
        if not _TEX_LIKE.search("".join(pieces[0::2])):
            return value
        return "".join(piece if index % 2 else piece.replace("$", "&#36;") for index, piece in enumerate(pieces))
    if isinstance(value, dict):
        return {key: _without_tex(item) for key, item in value.items()}
    if isinstance(value, list):
        if value and isinstance(value[0], (int, float)):  # a data array (coordinates, values): no text
            return value
        return [_without_tex(item) for item in value]
    return value


def live_bundle(fig: go.Figure) -> dict:
    """A figure as the one mimetype JupyterLab and Voilà draw, for a widget's Output.

    No HTML copy (the front end never shows it, and a widget's outputs never reach a report) and
    no figure number (a widget's redraws must not shift the ids of the report's figures).
    """
    # The figure's own property dicts, serialised as they are: `to_dict()` deep-copies them and then
    # walks every coordinate to turn arrays into base64 (half the kernel's time of a map redraw),
    # and the JSON round trip below makes a copy anyway. NumPy arrays become plain lists, which
    # plotly.js draws the same.
    own = {"data": list(fig._data), "layout": fig._layout,
           "frames": [frame._props for frame in fig._frame_objs]}
    plain = json.loads(json.dumps(without_unused_defaults(own), cls=PlotlyJSONEncoder))
    return {PLOTLY_MIMETYPE: _plotly_json(plain)}


def trace_types(fig_dict: dict) -> set[str]:
    """The trace types a figure draws, in its data and its animation frames (plotly's default: scatter)."""
    traces = [*fig_dict.get("data", []), *(t for frame in fig_dict.get("frames", []) for t in frame.get("data", []))]
    return {trace.get("type", "scatter") for trace in traces}


def without_unused_defaults(fig_dict: dict) -> dict:
    """`fig_dict` without the template's defaults for trace types it does not draw (a bar chart
    does not carry the heatmap's colour scale); the layout part of the template is kept."""
    template = fig_dict.get("layout", {}).get("template")
    if not isinstance(template, dict) or "data" not in template:
        return fig_dict
    used = trace_types(fig_dict)
    kept = {kind: traces for kind, traces in template["data"].items() if kind in used}
    layout = {**fig_dict["layout"], "template": {**template, "data": kept}}
    return {**fig_dict, "layout": layout}


BUNDLE_FILE = "plotly-kit.min.js"


@functools.cache
def plotly_bundle() -> str:
    """The kit's plotly.js bundle (scripts/build_plotly_bundle.py; version and hash in plotly-kit.json)."""
    return resources.files(__package__).joinpath("plotly_bundle").joinpath(BUNDLE_FILE).read_text(encoding="utf-8")


def plotly_init_html() -> str:
    """plotly.js inline, once: what every figure's HTML needs in an exported report."""
    return f"{_window_plotly_config}\n<script>{plotly_bundle()}</script>"


def current_renderer() -> OfflineRenderer:
    """The renderer `setup_notebook()` installed (widgets use it for their static fallback)."""
    try:
        return pio.renderers[RENDERER_NAME]
    except (KeyError, ValueError):
        raise RuntimeError("call analysis_helpers.setup_notebook() first") from None
