"""Widget explorers: thin wiring of ipywidgets controls to analysis functions and figures.

Widgets need a live kernel. `show()` displays one so that JupyterLab renders the live widget
while an exported HTML report shows a static view of its default state instead (the report
template renders the `text/html` fallback of a widget output; see `report.py`).
"""

from __future__ import annotations

import plotly.graph_objects as go
from IPython.display import display

from ..publish.renderer import current_renderer


def show(widget, static: go.Figure | str | None = None) -> None:
    """Display `widget`, with `static` (a figure or HTML) as its offline stand-in."""
    bundle = dict(widget._repr_mimebundle_())
    if isinstance(static, go.Figure):
        bundle["text/html"] = current_renderer().to_mimebundle(static.to_dict())["text/html"]
    elif static is not None:
        bundle["text/html"] = static
    display(bundle, raw=True)
