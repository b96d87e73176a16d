"""What-if explorer: move one actor's position, salience or capability, see the outcomes move."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd

from ..analysis.stances import predict_outcomes, set_stance
from ..conventions import AsOf
from ..figures.stances import update_what_if_outcome_figure, what_if_outcome_figure
from ..publish.renderer import current_renderer


def what_if_explorer(stances_wide: pd.DataFrame, actors: pd.DataFrame, issues: pd.DataFrame, as_of: AsOf,
                     actor_id: str = "usa", issue_id: str = "territory", *, cited: Sequence[str],
                     sources: pd.DataFrame) -> widgets.VBox:
    """Controls for one actor and issue; each change re-runs the point predictions (no Monte Carlo,
    a few tens of milliseconds) and redraws the figure against the baseline."""
    baseline = predict_outcomes(stances_wide, actors, draws=0)
    actor_names = dict(zip(actors["actor_id"], actors["name"]))
    actor_choice = widgets.Dropdown(options=[(actor_names[a], a) for a in actors["actor_id"]], value=actor_id,
                                    description="Actor")
    issue_choice = widgets.Dropdown(options=list(zip(issues["name"], issues["issue_id"])), value=issue_id,
                                    description="Issue")
    position = widgets.FloatSlider(min=0, max=100, step=5, description="Position", continuous_update=False)
    salience = widgets.FloatSlider(min=0, max=100, step=5, description="Salience", continuous_update=False)
    capability = widgets.FloatSlider(min=0, max=150, step=5, description="Capability", continuous_update=False)
    output = widgets.Output()
    figure = what_if_outcome_figure(baseline, baseline, issues, as_of, "baseline", cited=cited, sources=sources)
    syncing = {"active": False}

    def current(quantity: str) -> float | None:
        value = stances_wide[quantity].get(actor_choice.value, pd.Series(dtype=float)).get(issue_choice.value)
        return None if value is None or pd.isna(value) else float(value)

    def redraw(*_):
        if syncing["active"]:
            return
        # An actor without a stance on the issue joins it only once given some salience.
        joins = current("position") is not None or salience.value > 0
        wide, actor_table = set_stance(stances_wide, actors, actor_choice.value, issue_choice.value,
                                       position=position.value if joins else None,
                                       salience=salience.value if joins else None,
                                       capability=capability.value)
        label = (f"{actor_names[actor_choice.value]} at {position.value:g} on "
                 f"{issues.set_index('issue_id').loc[issue_choice.value, 'name'].lower()}, salience "
                 f"{salience.value:g}, capability {capability.value:g}")
        update_what_if_outcome_figure(figure, predict_outcomes(wide, actor_table, draws=0), label)
        # Set the outputs directly rather than capturing a display: headless runs (papermill,
        # nbclient without widget state) cannot route captured output to the widget.
        output.outputs = ({"output_type": "display_data", "metadata": {},
                           "data": current_renderer().to_mimebundle(figure.to_dict())},)

    def load_actor_values(*_):
        syncing["active"] = True
        position.value = current("position") if current("position") is not None else 50.0
        salience.value = current("salience") if current("salience") is not None else 0.0
        capability.value = float(actors.set_index("actor_id").loc[actor_choice.value, "capability"])
        syncing["active"] = False
        redraw()

    actor_choice.observe(load_actor_values, names="value")
    issue_choice.observe(load_actor_values, names="value")
    for slider in (position, salience, capability):
        slider.observe(redraw, names="value")
    load_actor_values()
    return widgets.VBox([widgets.HBox([actor_choice, issue_choice]), widgets.HBox([position, salience, capability]),
                         output])
