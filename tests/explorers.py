"""Read what a live explorer shows, and find its controls, without a front end."""

from __future__ import annotations

import json

import ipywidgets as widgets

PLOTLY = "application/vnd.plotly.v1+json"


def shown(output: widgets.Output) -> str:
    """Everything `output` shows, as one string (figures as their plotly JSON)."""
    return " ".join(json.dumps(item.get("data", {}), sort_keys=True) + item.get("text", "") for item in output.outputs)


def figure_of(output: widgets.Output) -> dict:
    """The plotly JSON of the first figure `output` shows."""
    return next(item["data"][PLOTLY] for item in output.outputs if PLOTLY in item.get("data", {}))


def title_of(output: widgets.Output) -> str:
    return figure_of(output)["layout"]["title"]["text"]


def parts(widget: widgets.Widget) -> list[widgets.Widget]:
    """Every widget inside `widget` (depth first, itself included)."""
    found = [widget]
    for child in getattr(widget, "children", ()):
        found += parts(child)
    return found


def control(widget: widgets.Widget, description: str) -> widgets.Widget:
    """The control inside `widget` with this description."""
    return next(w for w in parts(widget) if getattr(w, "description", None) == description)


def output_of(widget: widgets.Widget) -> widgets.Output:
    return next(w for w in parts(widget) if isinstance(w, widgets.Output))
