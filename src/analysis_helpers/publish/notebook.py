"""Notebook set-up: call `setup_notebook()` in the first cell of every notebook."""

from __future__ import annotations

import itertools

import pandas as pd
import plotly.io as pio
from IPython import get_ipython
from IPython.display import HTML, display
from pandas.io.formats.style import Styler

from ..figures.theme import register_template
from .renderer import RENDERER_NAME, OfflineRenderer, plotly_init_html


def setup_notebook() -> None:
    """Call first in every notebook: offline renderer, deterministic ids, the kit's theme.

    The renderer is then `analysis_helpers.figures.render.current_renderer()`.
    """
    register_template()
    renderer = OfflineRenderer()
    pio.renderers[RENDERER_NAME] = renderer
    pio.renderers.default = RENDERER_NAME
    # Styled tables show text from data as text (a title with markup must not become markup).
    pd.set_option("styler.format.escape", "html")
    _number_styled_tables()
    display(HTML(plotly_init_html()))


def _number_styled_tables() -> None:
    """Give each displayed pandas Styler a sequential id instead of its random one, so that the
    same notebook gives the same HTML."""
    shell = get_ipython()
    if shell is None:
        return
    table_numbers = itertools.count(1)
    formatter = shell.display_formatter.formatters["text/html"]
    formatter.for_type(Styler, lambda styler: styler.set_uuid(f"kit-table-{next(table_numbers)}").to_html())
