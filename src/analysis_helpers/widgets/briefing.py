"""Timeline explorer: filter the events by kind and participant in a live notebook."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from ..analysis import briefing as analysis
from ..conventions import AsOf
from ..figures.briefing import timeline_figure
from . import Redraw, render_into

ANY_PARTICIPANT = "anyone"


def timeline_explorer(events: pd.DataFrame, as_of: AsOf, *, sources: pd.DataFrame) -> widgets.VBox:
    """Kinds (multi-select) and a participant (dropdown) re-render the timeline below them; the
    button puts both back to every event. These controls are the chart's only filter (its
    in-chart kinds menu is for the report, where there are no widgets). The button is disabled
    while every event is shown: it would change nothing."""
    past = analysis.events_until(events, as_of)
    every_kind = tuple(analysis.kinds_present(past))
    kinds = widgets.SelectMultiple(options=every_kind, value=every_kind, description="Kinds", rows=6)
    who = widgets.Dropdown(options=[ANY_PARTICIPANT, *analysis.participants_of(past)], value=ANY_PARTICIPANT,
                           description="With")
    reset = widgets.Button(description="Show every event", layout={"width": "auto"})
    output = widgets.Output()

    def draw() -> None:
        reset.disabled = set(kinds.value) == set(every_kind) and who.value == ANY_PARTICIPANT
        chosen = analysis.filter_events(past, kinds.value, None if who.value == ANY_PARTICIPANT else who.value)
        if chosen.empty:
            render_into(output, "No event matches these filters.")
        else:
            render_into(output, timeline_figure(chosen, as_of, sources=sources, kind_menu=False))

    redraw = Redraw(draw)

    def show_everything(_button=None) -> None:
        with redraw.paused():
            kinds.value, who.value = every_kind, ANY_PARTICIPANT
        redraw()

    reset.on_click(show_everything)
    redraw.observe(kinds, who)
    redraw()
    return widgets.VBox([widgets.HBox([kinds, widgets.VBox([who, reset])]), output])
