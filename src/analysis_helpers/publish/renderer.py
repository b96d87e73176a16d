"""The kit's plotly renderer: charts that render offline, with stable ids.

Why a renderer of our own: under a kernel, plotly's default renderer emits only the plotly
mimetype, which nbconvert drops (blank chart in the HTML), and its `notebook` renderer adds a
MathJax CDN script and a random div id to every figure. This one emits both the plotly mimetype
(JupyterLab's renderer) and self-contained HTML (exported reports) that relies on plotly.js
embedded once per notebook (`plotly_init_html`, from the installed plotly package, so no
network), and names each figure's div from a per-notebook counter and the figure's content, so
the same inputs give the same file.
"""

from __future__ import annotations

import hashlib
import json

import plotly.io as pio
from plotly.io._base_renderers import MimetypeRenderer
from plotly.io._html import _window_plotly_config
from plotly.offline import get_plotlyjs
from plotly.utils import PlotlyJSONEncoder

RENDERER_NAME = "kit_offline"
FIGURE_DIV_PREFIX = "kit-figure-"
# Figures keep a fixed height so that reports have a stable layout; width follows the page.
_FIGURE_HEIGHT = 520
_PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


class OfflineRenderer(MimetypeRenderer):
    """Plotly renderer for notebooks that must also work as offline HTML reports."""

    def __init__(self) -> None:
        self.figures_shown = 0

    def to_mimebundle(self, fig_dict: dict) -> dict:
        from plotly.io import to_html

        self.figures_shown += 1
        payload = json.dumps(fig_dict, cls=PlotlyJSONEncoder, sort_keys=True)
        digest = hashlib.sha256(payload.encode()).hexdigest()[:10]
        html = to_html(
            fig_dict,
            config=_PLOTLY_CONFIG,
            include_plotlyjs=False,
            include_mathjax=False,
            full_html=False,
            div_id=f"{FIGURE_DIV_PREFIX}{self.figures_shown}-{digest}",
            default_width="100%",
            default_height=_FIGURE_HEIGHT,
            auto_play=False,  # a figure with frames waits for its play button or slider
            validate=False,
        )
        plain = json.loads(payload)  # the figure as plain JSON types, serialised once above
        plotly_json = {
            "data": plain.get("data", []),
            "layout": plain.get("layout", {}),
            "frames": plain.get("frames", []),
            "config": _PLOTLY_CONFIG,
        }
        return {"application/vnd.plotly.v1+json": plotly_json, "text/html": html}


def plotly_init_html() -> str:
    """plotly.js inline, once: what every figure's HTML needs in an exported report."""
    return f"{_window_plotly_config}\n<script>{get_plotlyjs()}</script>"


def current_renderer() -> OfflineRenderer:
    """The renderer `setup_notebook()` installed (widgets use it for their static fallback)."""
    try:
        return pio.renderers[RENDERER_NAME]
    except (KeyError, ValueError):
        raise RuntimeError("call analysis_helpers.setup_notebook() first") from None
