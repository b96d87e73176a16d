"""Funding-gap explorer: controls for the calculator's assumptions, redrawing the gap chart."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd

from ..analysis.reconstruction import funding_gap
from ..conventions import AsOf
from ..figures.reconstruction import funding_gap_figure
from . import Redraw, render_into


def funding_gap_explorer(assessments: pd.DataFrame, funding: pd.DataFrame, *, settlement_date,
                         asset_share: float, windfall_only: bool, donor_bn_per_year: float,
                         donor_years: float, private_bn: float, cited: Sequence[str],
                         as_of: AsOf, sources: pd.DataFrame) -> widgets.VBox:
    """Sliders and a date picker over `funding_gap`, starting from the arguments given; the chart
    below redraws on every change."""
    style = {"description_width": "220px"}
    layout = widgets.Layout(width="620px")
    controls = {
        "settlement_date": widgets.DatePicker(description="Settlement date", value=pd.Timestamp(settlement_date).date(),
                                              style=style, layout=layout),
        "windfall_only": widgets.Checkbox(description="Windfall profits only (principal stays frozen)",
                                          value=windfall_only, style=style, layout=layout),
        "asset_share": widgets.FloatSlider(description="Share of principal mobilised", value=asset_share,
                                           min=0, max=1, step=0.05, readout_format=".0%", continuous_update=False,
                                           style=style, layout=layout),
        "donor_bn_per_year": widgets.FloatSlider(description="Donor support, USD bn a year", value=donor_bn_per_year,
                                                 min=0, max=100, step=0.1, readout_format=".1f",
                                                 continuous_update=False, style=style, layout=layout),
        "donor_years": widgets.IntSlider(description="Years of donor support", value=int(donor_years), min=0, max=20,
                                         continuous_update=False, style=style, layout=layout),
        "private_bn": widgets.FloatSlider(description="Private capital, USD bn", value=private_bn, min=0, max=400,
                                          step=5, continuous_update=False, style=style, layout=layout),
    }
    output = widgets.Output()

    def draw() -> None:
        values = {name: control.value for name, control in controls.items()}
        controls["asset_share"].disabled = values["windfall_only"]
        if values["settlement_date"] is None:
            render_into(output, "Choose a settlement date.")
            return
        try:
            table = funding_gap(assessments, funding, **values)
        except ValueError as problem:
            render_into(output, f"Cannot compute the gap: {problem}")
            return
        render_into(output, funding_gap_figure(table, values["settlement_date"], cited, as_of, sources=sources))

    redraw = Redraw(draw)
    redraw.observe(*controls.values())
    redraw()
    return widgets.VBox([*controls.values(), output])
