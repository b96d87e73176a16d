"""The what-if explorer redraws its figure when a control moves."""

from __future__ import annotations

import pandas as pd

import analysis_helpers as ah
from analysis_helpers.analysis.stances import stances_wide
from analysis_helpers.widgets.stances import what_if_explorer
from conftest import one_source_table
from explorers import output_of, shown

SOURCES = one_source_table()


def shown_text(explorer) -> str:
    return shown(output_of(explorer))


def test_moving_a_slider_redraws_with_the_new_stance():
    ah.setup_notebook()  # the explorer draws with the kit's offline renderer
    stances = pd.DataFrame({
        "actor_id": ["ukraine", "russia", "usa"], "issue_id": ["territory"] * 3,
        "as_of": pd.to_datetime(["2025-01-01"] * 3), "position": [0.0, 100.0, 70.0],
        "salience": [90.0, 90.0, 50.0], "uncertainty": [5.0, 5.0, 10.0],
    })
    actors = pd.DataFrame({"actor_id": ["ukraine", "russia", "usa"], "name": ["Ukraine", "Russia", "USA"],
                           "capability": [25.0, 40.0, 100.0], "capability_sd": [2.0, 4.0, 10.0]})
    issues = pd.DataFrame({"issue_id": ["territory"], "name": ["Territory"]})
    explorer = what_if_explorer(stances_wide(stances), actors, issues, "2025-01-01", actor_id="usa",
                                cited=["core-a"], sources=SOURCES)
    position_slider = explorer.children[1].children[0]
    assert position_slider.value == 70
    position_slider.value = 20
    assert "USA at 20 on territory" in shown_text(explorer)
    actor_menu = explorer.children[0].children[0]
    actor_menu.value = "russia"
    assert position_slider.value == 100 and "Russia at 100 on territory" in shown_text(explorer)
