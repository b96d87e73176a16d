"""Custom-scenario builder: start from a defined scenario, move its main assumptions, see the results.

Every change re-runs the scenario engine with its Monte Carlo intervals; the engine remembers
the parts a change leaves alone (e.g. the bargaining models when only the front moves). To stay
interactive the builder runs the expected-utility model on `LIVE_EXPECTED_UTILITY_DRAWS` draws
(the report uses more), so that model's intervals are rougher here.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import html

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from ..analysis.scenarios import Baseline, run
from ..conventions import AsOf
from ..data.scenarios import Scenario, as_range
from ..figures.scenarios import scenario_profile
from ..publish.renderer import current_renderer

LIVE_EXPECTED_UTILITY_DRAWS = 20
CUSTOM = "custom"
CUSTOM_TITLE = "Custom scenario"
# Actors offered as mediators: those the actors table codes as mediators, plus the path-4 powers.
EXTRA_MEDIATORS = ("eu", "nato", "china", "india")
SLIDER_STYLE = {"description_width": "170px"}
SLIDER_LAYOUT = widgets.Layout(width="440px")


def _with_value(magnitude, value: float, floor: float | None = None):
    """`magnitude` moved to `value`, keeping the width of its range on either side."""
    central, low, high = as_range(magnitude)
    low, high = low + value - central, high + value - central
    if floor is not None:
        low, high = max(low, floor), max(high, floor)
    return {"value": float(value), "low": float(min(low, value)), "high": float(max(high, value))}


def custom_scenario(start: Scenario, months: float, front_factor: float, damage_factor: float,
                    asset_share: float, russia_capability: float, mediators: tuple[str, ...],
                    mediation_salience: float) -> Scenario:
    """`start` with the builder's values in place of its own (the rest of its assumptions kept)."""
    assumptions = copy.deepcopy(start.assumptions)
    reason = "Set in the custom-scenario builder."
    assumptions["settlement"] = {"months": _with_value(assumptions["settlement"]["months"], months, 0.0),
                                 "reasoning": reason}
    assumptions["front"] = {**assumptions["front"], "factor": _with_value(assumptions["front"]["factor"], front_factor),
                            "reasoning": reason}
    assumptions["damage"] = {"factor": _with_value(assumptions["damage"]["factor"], damage_factor, 0.0),
                             "reasoning": reason}
    assumptions["funding"] = {**assumptions["funding"], "asset_share": asset_share,
                              "windfall_only": asset_share == 0, "reasoning": reason}
    others = [change for change in assumptions.get("actors", []) if change["actor_id"] != "russia"]
    russia = next((c for c in assumptions.get("actors", []) if c["actor_id"] == "russia"), {"actor_id": "russia"})
    assumptions["actors"] = [*others, {**russia, "capability_factor": russia_capability, "reasoning": reason}]
    if mediators:
        assumptions["mediation"] = {"mediators": list(mediators), "salience": mediation_salience,
                                    "capability_factor": assumptions.get("mediation", {}).get("capability_factor", 1.0),
                                    "reasoning": reason}
    else:
        assumptions.pop("mediation", None)
    return Scenario(name=CUSTOM, title=CUSTOM_TITLE, narrative=f"Built from {start.title}.",
                    written=dt.date.today(), assumptions=assumptions)


def _summary_html(results: pd.DataFrame) -> str:
    values = results.set_index("metric")

    def cell(metric: str, label: str, unit: str) -> str:
        row = values.loc[metric]
        interval = "" if pd.isna(row["low"]) else f" <small>(80%: {row['low']:,.0f} to {row['high']:,.0f})</small>"
        return (f"<div class='scenario-number' data-metric='{metric}'><b>{html.escape(label)}</b><br>"
                f"<span class='value'>{row['value']:,.0f}</span> {unit}{interval}</div>")

    cells = [cell("settlement_months", "Months to a settlement", "months"),
             cell("occupied_km2", "Russian-held area", "km²"),
             cell("needs_usd_bn", "Reconstruction needs", "USD bn"),
             cell("funding_gap_usd_bn", "Funding gap", "USD bn"),
             cell("settlement:territory", "Compromise on territory", "of 100")]
    return "<div style='display:flex;gap:28px;flex-wrap:wrap'>" + "".join(cells) + "</div>"


class ScenarioBuilder(widgets.VBox):
    """The builder: controls, a row of headline numbers, and the settlement chart against the start scenario.

    `results` holds the custom scenario's latest results table; `figure` the chart shown.
    """

    def __init__(self, baseline: Baseline, scenarios: dict[str, Scenario], actors: pd.DataFrame,
                 issues: pd.DataFrame, as_of: AsOf, start: str = "baseline", draws: int = 1000, seed: int = 0, *,
                 sources: pd.DataFrame):
        self.baseline, self.scenarios, self.issues, self.as_of = baseline, scenarios, issues, as_of
        self.sources = sources
        self.draws, self.seed = draws, seed
        names = dict(zip(actors["actor_id"], actors["name"]))
        mediators = [a for a in actors["actor_id"] if a in set(actors.loc[actors["role"] == "mediator", "actor_id"])
                     or a in EXTRA_MEDIATORS]
        self.start = widgets.Dropdown(options=[(s.title, n) for n, s in scenarios.items()], value=start,
                                      description="Start from", style=SLIDER_STYLE, layout=SLIDER_LAYOUT)

        def slider(description, low, high, step):
            return widgets.FloatSlider(min=low, max=high, step=step, description=description, continuous_update=False,
                                       style=SLIDER_STYLE, layout=SLIDER_LAYOUT)

        self.months = slider("Months to a settlement", 0, 60, 1)
        self.front = slider("Front pace (x recent)", -3, 3, 0.25)
        self.damage = slider("Damage pace (x trend)", 0, 3, 0.1)
        self.asset_share = slider("Frozen assets used (share)", 0, 1, 0.05)
        self.russia_capability = slider("Russia's weight (x coded)", 0.5, 1.5, 0.05)
        self.mediators = widgets.SelectMultiple(options=[(names[a], a) for a in mediators], rows=6,
                                                description="Mediators", style=SLIDER_STYLE)
        self.mediation_salience = slider("Mediators' salience", 0, 100, 5)
        self.numbers = widgets.HTML()
        self.output = widgets.Output()
        self._reference: pd.DataFrame | None = None
        self._syncing = False
        self.results: pd.DataFrame | None = None
        self.figure: go.Figure | None = None
        controls = [self.months, self.front, self.damage, self.asset_share, self.russia_capability,
                    self.mediators, self.mediation_salience]
        self.start.observe(self._load_start, names="value")
        for control in controls:
            control.observe(self._recompute, names="value")
        super().__init__([self.start, widgets.HBox([widgets.VBox(controls[:4]), widgets.VBox(controls[4:])]),
                          self.numbers, self.output])
        self._load_start()

    def _load_start(self, *_):
        scenario = self.scenarios[self.start.value]
        assumptions = scenario.assumptions
        russia: dict = next((c for c in assumptions.get("actors", []) if c["actor_id"] == "russia"), {})
        mediation = assumptions.get("mediation", {})
        self._syncing = True
        self.months.value = as_range(assumptions["settlement"]["months"])[0]
        self.front.value = as_range(assumptions["front"]["factor"])[0]
        self.damage.value = as_range(assumptions["damage"]["factor"])[0]
        self.asset_share.value = 0.0 if assumptions["funding"].get("windfall_only") else \
            assumptions["funding"].get("asset_share", 0.0)
        self.russia_capability.value = russia.get("capability_factor", 1.0)
        offered = {actor_id for _, actor_id in self.mediators.options}
        self.mediators.value = tuple(m for m in mediation.get("mediators", ()) if m in offered)
        self.mediation_salience.value = mediation.get("salience", 50.0)
        self._syncing = False
        self._reference = run(scenario, self.baseline, draws=self.draws, seed=self.seed,
                              expected_utility_draws=LIVE_EXPECTED_UTILITY_DRAWS)
        self._recompute()

    def current_scenario(self) -> Scenario:
        return custom_scenario(self.scenarios[self.start.value], self.months.value, self.front.value,
                               self.damage.value, self.asset_share.value, self.russia_capability.value,
                               tuple(self.mediators.value), self.mediation_salience.value)

    def _recompute(self, *_):
        if self._syncing:
            return
        self.results = run(self.current_scenario(), self.baseline, draws=self.draws, seed=self.seed,
                           expected_utility_draws=LIVE_EXPECTED_UTILITY_DRAWS)
        titles = pd.DataFrame({"name": [self.start.value, CUSTOM],
                               "title": [self.scenarios[self.start.value].title, CUSTOM_TITLE]})
        self.figure = figure = scenario_profile(pd.concat([self._reference, self.results], ignore_index=True), self.issues,
                                       self.as_of, reference=self.start.value, scenarios=titles,
                                       cited=self.baseline.cited, sources=self.sources)
        self.numbers.value = _summary_html(self.results)
        # Set the Output's contents directly: capturing with `with output:` fails in headless runs.
        bundle = current_renderer().to_mimebundle(figure.to_dict())
        self.output.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)


def csv_download_link(table: pd.DataFrame, filename: str, label: str) -> str:
    """An HTML link that downloads `table` as CSV; the data travel inside the link, so it works in
    an exported offline report as well as in the live notebook."""
    payload = base64.b64encode(table.to_csv(index=False).encode()).decode()
    return (f"<a download='{html.escape(filename)}' href='data:text/csv;base64,{payload}'>"
            f"{html.escape(label)}</a>")
