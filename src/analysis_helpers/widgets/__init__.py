"""Widget explorers: thin wiring of ipywidgets controls to analysis functions and figures.

One shape for every explorer:

* a function `<name>_explorer(...)` in the topic's module returns the widget (an `ipywidgets.Box`);
  its plotly-native twin for exported reports is `figures.<topic>.<name>_explorer_report(...)`;
* it redraws through one `Redraw` callback, observed by every control, and paused with
  `with redraw.paused():` while it sets several controls at once (one redraw at the end);
* it puts figures, tables and messages in its `ipywidgets.Output` with `render_into`.

Widgets need a live kernel. `show()` displays one so that JupyterLab renders the live widget
while an exported HTML report shows a static view of its default state instead (the report
template renders the `text/html` fallback of a widget output; see `report.py`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import ipywidgets as widgets
import plotly.graph_objects as go
from IPython.display import display
from pandas.io.formats.style import Styler

from ..publish.renderer import current_renderer, live_bundle

__all__ = ["Redraw", "render_into", "show"]


def show(widget: widgets.Widget, static: go.Figure | str | None = None) -> None:
    """Display `widget`, with `static` (a figure or HTML) as its offline stand-in."""
    bundle = dict(widget._repr_mimebundle_())
    if isinstance(static, go.Figure):
        bundle["text/html"] = current_renderer().to_mimebundle(static.to_dict())["text/html"]
    elif static is not None:
        bundle["text/html"] = static
    display(bundle, raw=True)


def render_into(output: widgets.Output, *items: go.Figure | Styler | str) -> None:
    """Show `items` in `output`, replacing what it showed: figures (plotly mimetype only, the one
    the front end draws), Styler tables, or plain-text messages.

    The Output's contents are set directly rather than captured with `with output:`, which fails
    in headless runs (papermill, nbclient without widget state), and a figure is handed over as a
    ready-made bundle: displaying it there would go through its `_ipython_display_` and land in
    the cell itself.
    """
    outputs = []
    for item in items:
        if isinstance(item, go.Figure):
            data = live_bundle(item)
        elif isinstance(item, Styler):
            data = {"text/html": item.to_html()}
        else:
            data = {"text/plain": item}
        outputs.append({"output_type": "display_data", "data": data, "metadata": {}})
    output.outputs = tuple(outputs)


class Redraw:
    """An explorer's one callback: observe controls with it; pause it while setting several.

    `Redraw(draw)` calls `draw()` (no arguments) on every change it observes, except inside
    `with redraw.paused():`; call `redraw()` once afterwards to draw the new state.
    """

    def __init__(self, draw: Callable[[], None]) -> None:
        self._draw = draw
        self._pauses = 0

    def __call__(self, _change: object = None) -> None:
        """Draw, unless paused (`_change`: the traitlets change that called it, unused)."""
        if not self._pauses:
            self._draw()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Changes made inside the block do not redraw."""
        self._pauses += 1
        try:
            yield
        finally:
            self._pauses -= 1

    def observe(self, *controls: widgets.ValueWidget) -> None:
        """Redraw when the value of any of `controls` changes."""
        for control in controls:
            control.observe(self, names="value")
