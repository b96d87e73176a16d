"""Lines explorer: pick a date and a line, or set shares per region, and see map and numbers."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import pandas as pd

from ..analysis import population as people_engine
from ..analysis import territory as terr
from ..conventions import AsOf
from ..figures.territory import line_map, update_line_map
from . import Redraw, render_into

USER_LINE = "User-defined line"
LABEL_STYLE = {"description_width": "190px"}
TABLE_FORMAT = {"russian_side_km2": "{:,.0f}", "ukrainian_side_km2": "{:,.0f}", "russian_side_share": "{:.1%}",
                "russian_side_population": "{:,.0f}", "ukrainian_side_population": "{:,.0f}"}


def lines_explorer(control: pd.DataFrame, regions: pd.DataFrame, boundaries: pd.DataFrame, claims: pd.DataFrame,
                   sites: pd.DataFrame, cited: Sequence[str], as_of: AsOf,
                   user_line: Mapping[str, float] | None = None, *, sources: pd.DataFrame,
                   settlements: pd.DataFrame | None = None,
                   settlement_control: pd.DataFrame | None = None) -> widgets.VBox:
    """A date slider, a line menu and per-region share sliders re-render a map and a comparison table.

    Opens on `as_of` (the latest map with every region on or before it) and the line of contact;
    the share sliders start from `user_line` (region id -> share 0-1 on Russia's side, as the
    notebook's parameter), and offer every region Russia claims or holds part of, plus those
    `user_line` names. With `settlements` and `settlement_control` the table counts people where the
    maps put them (`analysis.population.line_people`), else spread evenly over each region.
    """
    user_line = dict(user_line or {})
    # From the first map after the eve of the invasion: on the eve the line of contact *is* the
    # "Line of 23 Feb 2022", which the menu lists already.
    # Before the first such map (as of March 2022) the eve is the only map, listed twice then.
    known = [d for d in terr.full_coverage_dates(control, regions) if d <= pd.Timestamp(as_of)]
    dates = [d for d in known if d > terr.EVE_OF_INVASION] or known
    when = widgets.SelectionSlider(options=[(f"{d:%d %b %Y}", d) for d in dates], value=dates[-1],
                                   description="Map of", continuous_update=False, layout={"width": "60%"})
    line = widgets.Dropdown(description="Line", layout={"width": "auto"})
    names = regions.set_index("region_id")["name"]
    contact = terr.named_lines(control, claims, regions, dates[-1])[terr.line_of_contact_name(dates[-1])]
    offered = set(claims["region_id"]) | set(contact[contact > 0].index) | set(user_line)
    shares = {rid: widgets.FloatSlider(value=100 * float(user_line.get(rid, 0.0)), min=0, max=100, step=0.1,
                                       description=names[rid], readout_format=".1f", continuous_update=False,
                                       style=LABEL_STYLE, layout={"width": "98%"})
              for rid in regions["region_id"] if rid in offered}
    preset = widgets.Button(description="Start from the line of contact", layout={"width": "auto"})
    output = widgets.Output()
    shown = {}  # the map on display, recoloured in place by each redraw

    @functools.cache
    def lines_on(date: pd.Timestamp) -> dict[str, pd.Series]:
        """The named lines of a map date: the same whatever the share sliders say, so computed once."""
        return terr.named_lines(control, claims, regions, date)

    @functools.cache
    def people_on(date: pd.Timestamp) -> dict[str, pd.Series]:
        """People on Russia's side of a map date's named lines: the settlements' sides do not move with
        the share sliders, so counted once per date."""
        return people_engine.line_people(lines_on(date), date, regions, settlements, settlement_control)

    def lines_now() -> dict[str, pd.Series]:
        custom = {rid: slider.value / 100 for rid, slider in shares.items()}
        return {**lines_on(when.value), USER_LINE: terr.custom_line(regions, custom)}

    def draw() -> None:
        lines = lines_now()
        chosen = line.value if line.value in lines else terr.line_of_contact_name(when.value)
        if "map" not in shown:
            shown["map"] = line_map(chosen, lines[chosen], regions, boundaries, sites, when.value, cited,
                                    sources=sources)
        else:
            update_line_map(shown["map"], chosen, lines[chosen], regions, boundaries, when.value, cited,
                            sources=sources)
        people = None
        if settlements is not None and settlement_control is not None:
            typed = people_engine.line_people({USER_LINE: lines[USER_LINE]}, when.value, regions, settlements,
                                              settlement_control)
            people = {**people_on(when.value), **typed}
        table = terr.compare_lines(lines, regions, people=people).set_index("line").style.format(TABLE_FORMAT)
        render_into(output, shown["map"], table)

    redraw = Redraw(draw)

    def on_date(_change=None) -> None:
        options = list(lines_now())
        # A line of contact of the previous date is not an option any more: follow the new date.
        chosen = line.value if line.value in options else terr.line_of_contact_name(when.value)
        with redraw.paused():
            line.options = options
            line.value = chosen
        redraw()

    def start_from_contact(_button=None) -> None:
        """Preset the user's sliders to the line of contact, the usual starting point for a proposal."""
        contact_now = lines_now()[terr.line_of_contact_name(when.value)]
        with redraw.paused():
            for rid, slider in shares.items():
                slider.value = round(100 * float(contact_now.get(rid, 0.0)), 1)
            line.value = USER_LINE
        redraw()

    preset.on_click(start_from_contact)
    when.observe(on_date, names="value")
    redraw.observe(line, *shares.values())
    on_date()
    sliders = widgets.GridBox(list(shares.values()), layout={"grid_template_columns": "repeat(2, 50%)"})
    return widgets.VBox([widgets.HBox([when, line]),
                         widgets.HTML("<b>User-defined line</b>: share of each region on Russia's side (%)"),
                         sliders, preset, output])
