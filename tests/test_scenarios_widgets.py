"""Scenario figures and the custom-scenario builder, driven in-process."""

from __future__ import annotations

import base64

import ipywidgets as widgets
import pandas as pd
import pytest

import analysis_helpers as ah
from analysis_helpers import setup_notebook
from analysis_helpers.analysis.scenarios import CUSTOM, custom_scenario
from analysis_helpers.figures import scenarios as figures
from analysis_helpers.publish.notebook import csv_download_link
from analysis_helpers.scenarios import baseline_for, list_scenarios, load_scenario, run_all
from analysis_helpers.widgets.scenarios import scenario_explorer
from explorers import control, figure_of, output_of, parts, title_of

DRAWS = 100
CITED = ["recon-wb-rdna5-pr"]  # any known source: these tests are about the scenario figures themselves


@pytest.fixture(scope="module")
def results():
    setup_notebook()
    return run_all(draws=DRAWS)


@pytest.fixture(scope="module")
def titles():
    return pd.DataFrame({"name": list_scenarios(), "title": [load_scenario(n).title for n in list_scenarios()]})


def caption(fig) -> str:
    return " ".join(a.text for a in fig.layout.annotations if a.text.startswith(("Source", "Scenario")))


def test_headline_grid_states_the_widest_gap_and_has_units(results, titles):
    fig = figures.headline_grid(results, "2026-08-22", titles, cited=CITED, sources=ah.load("sources"))
    gap = results[results["metric"] == "funding_gap_usd_bn"].set_index("scenario")["value"]
    assert f"{gap.max():,.0f}" in fig.layout.title.text
    assert {fig.layout[f"xaxis{n}"].title.text for n in ("", "2", "3", "4")} == {"months", "km2", "USD bn"}
    assert "As of 2026-08-22" in caption(fig) and "assumptions" in caption(fig)
    assert all(trace.error_x.array is not None for trace in fig.data)


def test_settlement_comparison_has_one_trace_per_scenario(results, titles):
    fig = figures.settlement_comparison(results, ah.load("issues"), "2026-08-22", titles, cited=CITED,
                                         sources=ah.load("sources"))
    assert [t.name for t in fig.data] == list(titles["title"])
    assert "points" in fig.layout.title.text and fig.layout.xaxis.title.text.startswith("Predicted compromise")


def test_scenario_profile_dropdown_switches_scenario_and_title(results, titles):
    fig = figures.scenario_profile(results, ah.load("issues"), "2026-08-22", reference="baseline", scenarios=titles,
                                  cited=CITED, sources=ah.load("sources"))
    buttons = fig.layout.updatemenus[0].buttons
    assert len(buttons) == len(list_scenarios()) - 1
    second = buttons[1]
    # The reference trace stays on; of the others, only the picked scenario's shows.
    assert second.args[0]["visible"] == [True] + [index == 1 for index in range(len(buttons))]
    assert second.label in second.args[1]["title.text"]
    assert fig.data[0].name.endswith("(reference)")


def test_custom_scenario_keeps_range_widths_and_the_rest_of_the_start():
    start = load_scenario("russian_escalation")
    custom = custom_scenario(start, months=10, front_factor=0.5, damage_factor=1.0, asset_share=0.2,
                             russia_capability=1.3, mediators=("turkey",), mediation_salience=60)
    assert custom.name == CUSTOM
    assert custom.assumptions["settlement"]["months"] == {"value": 10, "low": 0.0, "high": 28.0}
    russia = next(c for c in custom.assumptions["actors"] if c["actor_id"] == "russia")
    assert russia["capability_factor"] == 1.3 and russia["position_shift"] == 10
    assert custom.assumptions["funding"]["windfall_only"] is False
    assert custom.assumptions["mediation"]["mediators"] == ["turkey"]


def _builder(draws):
    baseline = baseline_for()
    defined = {name: load_scenario(name) for name in list_scenarios()}
    return scenario_explorer(baseline, defined, ah.load("actors"), ah.load("issues"), baseline.as_of, draws=draws,
                             sources=ah.load("sources"))


def _number(builder, metric: str) -> float:
    numbers = next(w for w in parts(builder) if isinstance(w, widgets.HTML) and "scenario-number" in w.value)
    cell = numbers.value.split(f"data-metric='{metric}'>", 1)[1]
    return float(cell.split("<span class='value'>", 1)[1].split("<", 1)[0].replace(",", ""))


def test_builder_recomputes_chart_and_numbers_when_a_control_moves(results):
    builder = _builder(DRAWS)
    output = output_of(builder)
    occupied, title = _number(builder, "occupied_km2"), title_of(output)

    control(builder, "Front pace (x model)").value = 3.0
    assert _number(builder, "occupied_km2") > occupied and title_of(output) != title

    markers = figure_of(output)["data"]
    control(builder, "Mediators").value = ("turkey", "china")
    assert figure_of(output)["data"] != markers


def test_builder_loads_the_start_scenarios_values(results):
    builder = _builder(0)
    control(builder, "Start from").value = "international_mediation"
    assert control(builder, "Months to a settlement").value == 8
    assert control(builder, "Frozen assets used (share)").value == 0.5
    assert set(control(builder, "Mediators").value) == {"usa", "eu", "nato", "china", "india", "brazil"}
    expected = results[results["scenario"] == "international_mediation"].set_index("metric")["value"]
    assert _number(builder, "occupied_km2") == pytest.approx(round(expected["occupied_km2"]))


def test_csv_download_link_carries_the_table(results):
    link = csv_download_link(results, "scenario_results.csv", "Download")
    payload = link.split("base64,", 1)[1].split("'", 1)[0]
    assert base64.b64decode(payload).decode().splitlines()[0] == "scenario,metric,value,low,high,unit,band"
