"""Timeline explorer: filter the events by kind and participant in a live notebook."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from ..analysis import briefing as analysis
from ..conventions import AsOf
from ..figures.briefing import timeline_figure
from ..publish.renderer import current_renderer

ANY_PARTICIPANT = "anyone"


def participants_of(events: pd.DataFrame) -> list[str]:
    """Every participant named in the events, most frequent first."""
    names = events["participants"].str.split("; ").explode()
    return list(names.value_counts().index)


def timeline_explorer(events: pd.DataFrame, as_of: AsOf, *, sources: pd.DataFrame) -> widgets.VBox:
    """Kinds (multi-select) and a participant (dropdown) re-render the timeline below them."""
    past = analysis.events_until(events, as_of)
    kinds = widgets.SelectMultiple(options=analysis.kinds_present(past), value=tuple(analysis.kinds_present(past)),
                                   description="Kinds", rows=6)
    who = widgets.Dropdown(options=[ANY_PARTICIPANT] + participants_of(past), value=ANY_PARTICIPANT,
                           description="With")
    output = widgets.Output()

    def render(_=None) -> None:
        # Set the Output's contents directly rather than capturing with `with output:`: capture
        # makes headless runs (papermill with store_widget_state=False) fail in nbclient.
        chosen = analysis.filter_events(past, kinds.value, None if who.value == ANY_PARTICIPANT else who.value)
        output.outputs = ()
        if chosen.empty:
            output.append_stdout("No event matches these filters.\n")
        else:
            bundle = current_renderer().to_mimebundle(timeline_figure(chosen, as_of, sources=sources).to_dict())
            output.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)

    kinds.observe(render, names="value")
    who.observe(render, names="value")
    render()
    return widgets.VBox([widgets.HBox([kinds, who]), output])
