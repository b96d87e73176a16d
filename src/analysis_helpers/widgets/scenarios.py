"""Custom-scenario builder: start from a defined scenario, move its main assumptions, see the results.

Every change re-runs the scenario engine with its Monte Carlo intervals; the engine remembers
the parts a change leaves alone (e.g. the bargaining models when only the front moves). To stay
interactive the builder runs the expected-utility model on `LIVE_EXPECTED_UTILITY_DRAWS` draws
(the report uses more), so that model's intervals are rougher here.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import pandas as pd

from ..analysis.scenarios import CUSTOM, CUSTOM_TITLE, Baseline, custom_scenario, run
from ..conventions import RUSSIA, AsOf
from ..data.scenarios import Scenario, as_range
from ..figures.scenarios import scenario_profile
from . import Redraw, render_into

LIVE_EXPECTED_UTILITY_DRAWS = 20
# Actors offered as mediators: those the actors table codes as mediators, plus the path-4 powers.
EXTRA_MEDIATORS = ("eu", "nato", "china", "india")
SLIDER_STYLE = {"description_width": "170px"}
SLIDER_LAYOUT = widgets.Layout(width="440px")
HEADLINES = (("settlement_months", "Months to a settlement", "months"),
             ("occupied_km2", "Russian-held area", "km²"),
             ("needs_usd_bn", "Reconstruction needs", "USD bn"),
             ("funding_gap_usd_bn", "Funding gap", "USD bn"),
             ("settlement:territory", "Compromise on territory", "of 100"))


def _summary_html(results: pd.DataFrame) -> str:
    values = results.set_index("metric")

    def cell(metric: str, label: str, unit: str) -> str:
        # A metric without a value at the baseline's date (needs before two RDNAs, an issue no one had coded yet).
        row = values.loc[metric] if metric in values.index else pd.Series({"value": np.nan, "low": np.nan})
        band = html.escape(str(row.get("band", "")))
        interval = ("" if pd.isna(row["low"])
                    else f" <small>(80% {band}: {row['low']:,.0f} to {row['high']:,.0f})</small>")
        shown, unit = ("not estimated yet", "") if pd.isna(row["value"]) else (f"{row['value']:,.0f}", f" {unit}")
        return (f"<div class='scenario-number' data-metric='{metric}'><b>{html.escape(label)}</b><br>"
                f"<span class='value'>{shown}</span>{unit}{interval}</div>")

    return ("<div style='display:flex;gap:28px;flex-wrap:wrap'>"
            + "".join(cell(*headline) for headline in HEADLINES) + "</div>")


def _start_values(scenario: Scenario, offered_mediators: set[str]) -> dict[str, object]:
    """The builder's control values that reproduce `scenario`."""
    assumptions = scenario.assumptions
    russia: dict = next((c for c in assumptions.get("actors", []) if c["actor_id"] == RUSSIA), {})
    mediation = assumptions.get("mediation", {})
    funding = assumptions["funding"]
    return {"months": as_range(assumptions["settlement"]["months"])[0],
            "front_factor": as_range(assumptions["front"]["factor"])[0],
            "damage_factor": as_range(assumptions["damage"]["factor"])[0],
            "asset_share": 0.0 if funding.get("windfall_only") else funding.get("asset_share", 0.0),
            "russia_capability": russia.get("capability_factor", 1.0),
            "mediators": tuple(m for m in mediation.get("mediators", ()) if m in offered_mediators),
            "mediation_salience": mediation.get("salience", 50.0)}


def scenario_explorer(baseline: Baseline, scenarios: dict[str, Scenario], actors: pd.DataFrame,
                      issues: pd.DataFrame, as_of: AsOf, start: str = "baseline", draws: int = 1000,
                      seed: int = 0, *, sources: pd.DataFrame, known: pd.DataFrame | None = None) -> widgets.VBox:
    """The builder: a starting scenario, its main assumptions as controls, a row of headline
    numbers, and the settlement chart of the custom scenario against the starting one.

    `known`: results of the defined scenarios already computed (the notebook's `run_all`), drawn
    as the starting scenario's markers instead of running it again when the start changes."""
    names = dict(zip(actors["actor_id"], actors["name"], strict=True))
    mediator_ids = [a for a in actors["actor_id"]
                    if a in set(actors.loc[actors["role"] == "mediator", "actor_id"]) or a in EXTRA_MEDIATORS]
    start_menu = widgets.Dropdown(options=[(s.title, n) for n, s in scenarios.items()], value=start,
                                  description="Start from", style=SLIDER_STYLE, layout=SLIDER_LAYOUT)

    def slider(description, low, high, step):
        return widgets.FloatSlider(min=low, max=high, step=step, description=description, continuous_update=False,
                                   style=SLIDER_STYLE, layout=SLIDER_LAYOUT)

    controls = {
        "months": slider("Months to a settlement", 0, 60, 1),
        "front_factor": slider("Front pace (x model)", -3, 3, 0.25),
        "damage_factor": slider("Damage pace (x trend)", 0, 3, 0.1),
        "asset_share": slider("Frozen assets used (share)", 0, 1, 0.05),
        "russia_capability": slider("Russia's weight (x coded)", 0.5, 1.5, 0.05),
        "mediators": widgets.SelectMultiple(options=[(names[a], a) for a in mediator_ids], rows=6,
                                            description="Mediators", style=SLIDER_STYLE),
        "mediation_salience": slider("Mediators' salience", 0, 100, 5),
    }
    numbers = widgets.HTML()
    output = widgets.Output()
    # The starting scenario's results: the notebook's where given, else computed once per start.
    reference: dict[str, pd.DataFrame] = {} if known is None else dict(list(known.groupby("scenario", sort=False)))

    def draw() -> None:
        chosen = scenarios[start_menu.value]
        values = {name: control.value for name, control in controls.items()}
        values["mediators"] = tuple(values["mediators"])
        # Without mediators their salience changes nothing: say so rather than offer a dead control.
        controls["mediation_salience"].disabled = not values["mediators"]
        results = run(custom_scenario(chosen, **values), baseline, draws=draws, seed=seed,
                      expected_utility_draws=LIVE_EXPECTED_UTILITY_DRAWS)
        titles = pd.DataFrame({"name": [start_menu.value, CUSTOM], "title": [chosen.title, CUSTOM_TITLE]})
        figure = scenario_profile(pd.concat([reference[start_menu.value], results], ignore_index=True), issues,
                                  as_of, reference=start_menu.value, scenarios=titles, cited=baseline.cited,
                                  sources=sources)
        numbers.value = _summary_html(results)
        render_into(output, figure)

    redraw = Redraw(draw)

    def load_start(_change=None) -> None:
        chosen = scenarios[start_menu.value]
        with redraw.paused():
            for name, value in _start_values(chosen, set(mediator_ids)).items():
                controls[name].value = value
        if start_menu.value not in reference:
            reference[start_menu.value] = run(chosen, baseline, draws=draws, seed=seed,
                                              expected_utility_draws=LIVE_EXPECTED_UTILITY_DRAWS)
        redraw()

    start_menu.observe(load_start, names="value")
    redraw.observe(*controls.values())
    load_start()
    # Each group of controls sits above what it moves: timing, front, damage and money move the
    # headline numbers (and the chart's title), the weights in the talks move the chart's markers.
    panel = list(controls.values())
    return widgets.VBox([
        start_menu,
        widgets.HTML("<b>Timing, front, damage and money</b>: move the numbers below"),
        widgets.HBox([widgets.VBox(panel[:2]), widgets.VBox(panel[2:4])]),
        numbers,
        widgets.HTML("<b>Who weighs on the talks</b>: moves the settlement chart below"),
        widgets.HBox([widgets.VBox([panel[4], panel[6]]), panel[5]]),
        output,
    ])
