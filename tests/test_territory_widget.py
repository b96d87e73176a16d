"""Lines explorer: controls re-render the map and table without touching the cell's output."""

from __future__ import annotations

import analysis_helpers as ah
from analysis_helpers.analysis import territory as terr
from analysis_helpers.data.geo import load_boundaries
from analysis_helpers.widgets.territory import ADJUSTABLE_REGIONS, USER_LINE, lines_explorer


def _explorer():
    ah.setup_notebook()  # the explorer draws with the kit's offline renderer
    regions = ah.load("regions")
    control = ah.load("territory_control")
    as_of = control["date"].max()
    widget = lines_explorer(control, regions, load_boundaries(list(regions["region_id"])), ah.load("annexation_claims"),
                            ah.load("sites"), ["terr-deepstate-archive"], as_of, sources=ah.load("sources"))
    header, _, sliders, preset, output = widget.children
    return header.children[0], header.children[1], sliders.children, preset, output, as_of


def _title(output) -> str:
    return output.outputs[0]["data"]["application/vnd.plotly.v1+json"]["layout"]["title"]["text"]


def test_explorer_starts_on_the_line_of_contact():
    _, line, _, _, output, as_of = _explorer()
    assert line.value == terr.line_of_contact_name(as_of)
    assert len(output.outputs) == 2 and "russian_side_km2" in output.outputs[1]["data"]["text/html"]
    assert _title(output).startswith("Line of contact")


def test_date_follows_and_user_line_updates():
    when, line, sliders, preset, output, _ = _explorer()
    when.value = when.options[-2][1]  # the map before the latest
    assert line.value == terr.line_of_contact_name(when.value)
    line.value = USER_LINE
    assert _title(output).startswith(f"{USER_LINE}: 0 km²")
    sliders[ADJUSTABLE_REGIONS.index("UA-40")].value = 100
    assert _title(output).startswith(f"{USER_LINE}: 864 km²")
    preset.click()
    assert sliders[ADJUSTABLE_REGIONS.index("UA-09")].value > 90
