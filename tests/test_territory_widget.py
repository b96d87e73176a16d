"""Lines explorer: controls re-render the map and table without touching the cell's output."""

from __future__ import annotations

import pandas as pd

import analysis_helpers as ah
from analysis_helpers.analysis import territory as terr
from analysis_helpers.data.geo import load_boundaries
from analysis_helpers.widgets.territory import USER_LINE, lines_explorer
from explorers import control, output_of, parts, shown, title_of

USER_LINE_SHARES = {"UA-14": 1.0, "UA-09": 1.0, "UA-43": 1.0, "UA-40": 1.0}


def _explorer(user_line=None):
    ah.setup_notebook()  # the explorer draws with the kit's offline renderer
    regions = ah.load("regions")
    control_table = ah.load("territory_control")
    as_of = control_table["date"].max()
    widget = lines_explorer(control_table, regions, load_boundaries(list(regions["region_id"])),
                            ah.load("annexation_claims"), ah.load("sites"), ["terr-deepstate-archive"], as_of,
                            user_line=user_line, sources=ah.load("sources"))
    return widget, as_of


def test_explorer_starts_on_the_line_of_contact():
    widget, as_of = _explorer()
    output = output_of(widget)
    assert control(widget, "Line").value == terr.line_of_contact_name(as_of)
    assert len(output.outputs) == 2 and "russian_side_km2" in output.outputs[1]["data"]["text/html"]
    assert title_of(output).startswith("Line of contact")


def test_date_follows_and_user_line_updates():
    widget, _ = _explorer()
    when, line, output = control(widget, "Map of"), control(widget, "Line"), output_of(widget)
    when.value = when.options[-2][1]  # the map before the latest
    assert line.value == terr.line_of_contact_name(when.value)
    line.value = USER_LINE
    assert title_of(output).startswith(f"{USER_LINE}: 0 km²")
    control(widget, "Luhansk Oblast").value = 100
    assert title_of(output).startswith(f"{USER_LINE}: 26,684 km²")
    next(w for w in parts(widget) if getattr(w, "description", "").startswith("Start from")).click()
    assert control(widget, "Kherson Oblast").value > 0 and line.value == USER_LINE


def test_sliders_start_from_the_user_line_and_the_table_matches_the_notebook():
    widget, as_of = _explorer(USER_LINE_SHARES)
    regions = ah.load("regions")
    names = regions.set_index("region_id")["name"]
    assert all(control(widget, names[rid]).value == 100 for rid in USER_LINE_SHARES)
    lines = terr.named_lines(ah.load("territory_control"), ah.load("annexation_claims"), regions, as_of,
                             custom=USER_LINE_SHARES)
    expected = terr.compare_lines(lines, regions).set_index("line").loc[USER_LINE]
    assert f"{expected['russian_side_share']:.1%}" in shown(output_of(widget))
    assert f"{expected['russian_side_km2']:,.0f}" in shown(output_of(widget))


def test_every_region_russia_claims_or_holds_has_a_slider_with_its_full_name():
    widget, _ = _explorer()
    sliders = {w.description for w in parts(widget) if getattr(w, "readout_format", None) == ".1f"}
    claimed = ah.load("regions").set_index("region_id").loc[sorted(set(ah.load("annexation_claims")["region_id"])), "name"]
    assert set(claimed) <= sliders
    assert all(pd.notna(name) and not name.endswith("…") for name in sliders)
