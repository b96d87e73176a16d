"""Briefing figures and widget on the shipped data, and the front-movement check on reference maps."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis_helpers as ah
from analysis_helpers.analysis import briefing as b
from analysis_helpers.analysis import territory as terr
from analysis_helpers.data.briefing import load_available
from analysis_helpers.figures import briefing as fb
from analysis_helpers.figures.theme import register_template
from explorers import control, figure_of, output_of, shown

AS_OF = "2026-11-26"


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    register_template()
    return ah.load("events")


@pytest.fixture(scope="module")
def checked() -> pd.DataFrame:
    tables, _ = load_available()
    return b.check_claims(ah.load("claims"), tables)


def test_timeline_has_a_trace_per_kind_and_working_menu(events):
    fig = fb.timeline_figure(events, AS_OF, sources=ah.load("sources"))
    names = [trace.name for trace in fig.data]
    assert names == b.kinds_present(events)
    assert sum(len(trace.x) for trace in fig.data) == len(events)
    menu = fig.layout.updatemenus[0]
    assert menu.buttons[0].label == "All kinds"
    assert all(len(button.args[0]["visible"]) == len(names) for button in menu.buttons)
    assert fig.layout.title.text.startswith("Direct Russia–Ukraine talks paused for")
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    # The caption is wrapped with <br>; where the break falls depends on the publishers listed.
    assert "As of 2026-11-26" in fig.layout.annotations[-1].text.replace("<br>", " ")


def test_timeline_stops_at_as_of_and_filters_kinds(events):
    fig = fb.timeline_figure(events, "2023-01-01", kinds=["talks", "military"], sources=ah.load("sources"))
    assert [trace.name for trace in fig.data] == ["talks", "military"]
    assert max(max(trace.x) for trace in fig.data) <= pd.Timestamp("2023-01-01")


def test_verdict_figure_counts_every_claim(checked):
    fig = fb.verdict_figure(checked, AS_OF, sources=ah.load("sources"))
    assert sum(sum(trace.x) for trace in fig.data) == len(checked)
    assert [trace.name for trace in fig.data] == b.VERDICT_ORDER
    assert fig.layout.title.text.startswith("Of the article's")


def test_shipped_claims_recompute_to_their_recorded_verdicts(checked):
    """When this fails, data changed a verdict: review the claim row (the notebook flags it too)."""
    assert not checked["changed"].any(), checked.loc[checked["changed"], ["claim_id", "verdict", "verdict_now"]]


def test_explorer_rerenders_on_filter_change(events):
    from analysis_helpers import setup_notebook
    from analysis_helpers.widgets.briefing import ANY_PARTICIPANT, timeline_explorer

    setup_notebook()  # installs the offline renderer the explorer draws with

    explorer = timeline_explorer(events, AS_OF, sources=ah.load("sources"))
    kinds, who, output = control(explorer, "Kinds"), control(explorer, "With"), output_of(explorer)
    assert who.value == ANY_PARTICIPANT and "Russia" in who.options
    reset = control(explorer, "Show every event")
    assert reset.disabled  # every event is shown: nothing to reset
    everything = shown(output)
    kinds.value = ("talks",)
    who.value = "Saudi Arabia"
    assert "Jeddah" in shown(output) and "Bürgenstock" not in shown(output)  # talks hosted there, not a summit
    # The widgets are the live chart's one filter: no in-chart kinds menu, only the period buttons.
    assert [menu.get("type") for menu in figure_of(output)["layout"]["updatemenus"]] == ["buttons"]
    kinds.value = ("legal",)
    assert "No event matches these filters." in shown(output) and not reset.disabled
    reset.click()
    assert shown(output) == everything and who.value == ANY_PARTICIPANT and reset.disabled


def test_filter_events_by_kind_and_participant(events):
    uae = b.filter_events(events, participant="United Arab Emirates")
    assert set(uae["kind"]) == {"talks", "exchange"}
    assert b.filter_events(events, kinds=["legal"])["event_id"].tolist() == ["2023-03-17-icc-warrant"]


def test_front_movement_figure_states_the_pace():
    control = pd.DataFrame({"date": pd.to_datetime(["2024-06-01", "2025-05-01", "2025-06-01"]),
                            "region_id": ["UA"] * 3, "occupied_km2": [100_000.0, 100_500.0, 101_000.0],
                            "basis": ["DeepState"] * 3, "source_id": ["event-liga-2025-05-11"] * 3})
    fig = fb.front_movement_figure(control, "2025-05-11", AS_OF, sources=ah.load("sources"))
    assert fig.layout.title.text.endswith("a front that barely moved")
    assert fig.layout.yaxis.title.text == "Russian-held area (km²)" and len(fig.layout.shapes) == 2


@pytest.mark.parametrize("start, end", [("20240708", "20250501")])
def test_front_movement_on_deepstate_maps(reference_dir, start, end):
    """The article's 'metres, not miles' claim, recomputed from two real DeepState snapshots."""
    from analysis_helpers.analysis.territory import control_from_polygon
    from analysis_helpers.data.geo import load_boundaries
    from analysis_helpers.data.territory import read_deepstate_snapshot

    regions = ah.load("regions")
    boundaries = load_boundaries(list(regions["region_id"]))
    rows = []
    for stamp in (start, end):
        occupied = read_deepstate_snapshot(reference_dir / "deepstate" / f"deepstatemap_data_{stamp}.geojson").russian_held
        national = control_from_polygon(occupied, boundaries).set_index("region_id").loc["UA"]
        rows.append({"date": pd.Timestamp(stamp), "region_id": "UA", "occupied_km2": national["occupied_km2"]})
    control = pd.DataFrame(rows)
    move = terr.front_movement(control, "2025-05-11")
    assert move["change_km2"] == pytest.approx(rows[1]["occupied_km2"] - rows[0]["occupied_km2"])
    assert move["km2_per_month"] > b.STATIC_FRONT_KM2_PER_MONTH  # hundreds of km² a month, not metres
    finding = b.check_front_movement(pd.Series({"claim_date": pd.Timestamp("2025-05-11")}),
                                     {"territory_control": control})
    assert finding.verdict == "partly wrong"
