"""Lines explorer: pick a date and a line, or set shares per region, and see map and numbers."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd

from ..analysis import territory as terr
from ..conventions import NATIONAL_ID, AsOf
from ..figures.territory import line_map
from ..publish.renderer import current_renderer

USER_LINE = "User-defined line"
# Regions whose share a user is likely to want to set: those Russia claims or holds part of.
ADJUSTABLE_REGIONS = ("UA-43", "UA-40", "UA-14", "UA-09", "UA-23", "UA-65", "UA-63", "UA-59", "UA-12", "UA-48")


def full_coverage_dates(control: pd.DataFrame, regions: pd.DataFrame) -> list[pd.Timestamp]:
    """Dates on which every region has an observation (the dates a map can show)."""
    per_region = control[control["region_id"] != NATIONAL_ID]
    counts = per_region.groupby("date")["region_id"].nunique()
    return list(counts[counts == len(regions)].index)


def lines_explorer(control: pd.DataFrame, regions: pd.DataFrame, boundaries: pd.DataFrame, claims: pd.DataFrame,
                   sites: pd.DataFrame, cited: Sequence[str], as_of: AsOf, *,
                   sources: pd.DataFrame) -> widgets.VBox:
    """A date slider, a line menu and per-region share sliders re-render a map and a comparison table."""
    dates = [d for d in full_coverage_dates(control, regions) if d <= pd.Timestamp(as_of)]
    when = widgets.SelectionSlider(options=[(f"{d:%d %b %Y}", d) for d in dates], value=dates[-1],
                                   description="Date", layout={"width": "60%"})
    names = regions.set_index("region_id")["name"]
    shares = {rid: widgets.FloatSlider(value=0.0, min=0, max=100, step=1, description=names[rid][:14],
                                       readout_format=".0f", continuous_update=False)
              for rid in ADJUSTABLE_REGIONS}
    line = widgets.Dropdown(description="Line")
    output = widgets.Output()

    def lines_now() -> dict[str, pd.Series]:
        custom = {rid: slider.value / 100 for rid, slider in shares.items()}
        return terr.named_lines(control, claims, regions, when.value, custom=custom, custom_name=USER_LINE)

    def render(_=None) -> None:
        # Set the Output's contents directly (no `with output:` capture, which fails headless).
        lines = lines_now()
        if line.value not in lines:
            return
        # Hand the Output ready-made bundles: displaying a plotly Figure there would go through its
        # `_ipython_display_` and land in the cell itself.
        figure = line_map(line.value, lines[line.value], regions, boundaries, sites, when.value, cited, sources=sources)
        table = terr.compare_lines(lines, regions).set_index("line").style.format({
            "russian_side_km2": "{:,.0f}", "ukrainian_side_km2": "{:,.0f}", "russian_side_share": "{:.1%}",
            "russian_side_population": "{:,.0f}", "ukrainian_side_population": "{:,.0f}"})
        output.outputs = (
            {"output_type": "display_data", "data": current_renderer().to_mimebundle(figure.to_dict()), "metadata": {}},
            {"output_type": "display_data", "data": {"text/html": table.to_html()}, "metadata": {}},
        )

    def on_date(_=None) -> None:
        options = list(lines_now())
        # A line of contact of the previous date is not an option any more: follow the new date.
        chosen = line.value if line.value in options else terr.line_of_contact_name(when.value)
        line.unobserve(render, names="value")
        line.options, line.value = options, chosen
        line.observe(render, names="value")
        render()

    def start_from_contact(_=None) -> None:
        """Preset the user's sliders to the line of contact, the usual starting point for a proposal."""
        contact = lines_now()[terr.line_of_contact_name(when.value)]
        for rid, slider in shares.items():
            slider.unobserve(render, names="value")
            slider.value = round(100 * float(contact.get(rid, 0.0)))
            slider.observe(render, names="value")
        render()

    preset = widgets.Button(description="Start from line of contact")
    preset.on_click(start_from_contact)
    when.observe(on_date, names="value")
    for slider in shares.values():
        slider.observe(render, names="value")
    line.observe(render, names="value")
    on_date()
    sliders = widgets.GridBox(list(shares.values()), layout={"grid_template_columns": "repeat(2, 50%)"})
    return widgets.VBox([widgets.HBox([when, line]),
                         widgets.HTML("<b>User-defined line</b>: share of each region on Russia's side (%)"),
                         sliders, preset, output])
