"""Notebook set-up: call `setup_notebook()` in the first cell of every notebook."""

from __future__ import annotations

import plotly.io as pio
from IPython.display import HTML, display

from .figures.render import RENDERER_NAME, OfflineRenderer, plotly_init_html
from .figures.theme import register_template


def setup_notebook() -> None:
    """Call first in every notebook: offline renderer, deterministic ids, the kit's theme.

    The renderer is then `analysis_helpers.figures.render.current_renderer()`.
    """
    register_template()
    renderer = OfflineRenderer()
    pio.renderers[RENDERER_NAME] = renderer
    pio.renderers.default = RENDERER_NAME
    display(HTML(plotly_init_html()))
