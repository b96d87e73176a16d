"""Acceptability explorer: pick a text, see which of its terms polls show a majority for or against."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from ..analysis.proposals import proposals_in_order
from ..conventions import AsOf
from ..figures.polls import no_polled_terms_figure, terms_figure
from . import Redraw, render_into


def acceptability_explorer(history: pd.DataFrame, proposals: pd.DataFrame, as_of: AsOf, *, sources: pd.DataFrame,
                           start: str = "us-28-point", next_known: AsOf = None) -> widgets.VBox:
    """A text (dropdown: only texts with a polled term) and what to show (share accepting or
    rejecting) redraw the text's terms chart below them: each matched poll item wave by wave,
    with its interval and the 50 % line (`history`: `analysis.polls.term_history` with an `issue`
    name column). Before any text has a polled term, the explained empty chart alone
    (`next_known`: the first day one had)."""
    polled = set(history["proposal_id"])
    texts = proposals_in_order(proposals[proposals["proposal_id"].isin(polled)])
    titles = dict(zip(texts["proposal_id"], texts["title"], strict=True))
    options = [(f"{t.date:%Y-%m-%d} · {t.title}", t.proposal_id) for t in texts.itertuples()]
    if not options:
        empty = widgets.Output()
        render_into(empty, no_polled_terms_figure(as_of, next_known))
        return widgets.VBox([empty])
    text = widgets.Dropdown(options=options, value=start if start in titles else options[0][1], description="Text",
                            layout={"width": "70%"})
    stance = widgets.Dropdown(options=[("share accepting", "accept"), ("share rejecting", "reject")],
                              value="accept", description="Show", layout={"width": "28%"})
    output = widgets.Output()

    def draw() -> None:
        rows = history[history["proposal_id"] == text.value]
        render_into(output, terms_figure(rows, titles[text.value], as_of, sources=sources, stance=stance.value))

    redraw = Redraw(draw)
    redraw.observe(text, stance)
    redraw()
    return widgets.VBox([widgets.HBox([text, stance]), output])
