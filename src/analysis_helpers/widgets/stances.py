"""What-if explorer: move one actor's position, salience or capability, see the outcomes move."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd

from ..analysis.stances import predict_outcomes, repredict_issue, set_stance
from ..conventions import AsOf
from ..figures.stances import update_what_if_outcome_figure, what_if_outcome_figure
from . import Redraw, render_into


def what_if_explorer(stances_wide: pd.DataFrame, actors: pd.DataFrame, issues: pd.DataFrame, as_of: AsOf,
                     actor_id: str = "usa", issue_id: str = "territory", *, cited: Sequence[str],
                     sources: pd.DataFrame) -> widgets.VBox:
    """Controls for one actor and issue; each change re-runs the point predictions (no Monte Carlo,
    a few tens of milliseconds) and redraws the figure against the baseline."""
    baseline = predict_outcomes(stances_wide, actors, draws=0)
    actor_names = dict(zip(actors["actor_id"], actors["name"], strict=True))
    issue_names = dict(zip(issues["issue_id"], issues["name"], strict=True))
    capabilities = actors.set_index("actor_id")["capability"]
    actor_choice = widgets.Dropdown(options=[(actor_names[a], a) for a in actors["actor_id"]], value=actor_id,
                                    description="Actor")
    issue_choice = widgets.Dropdown(options=[(issue_names[i], i) for i in issues["issue_id"]], value=issue_id,
                                    description="Issue")
    position = widgets.FloatSlider(min=0, max=100, step=5, description="Position", continuous_update=False)
    salience = widgets.FloatSlider(min=0, max=100, step=5, description="Salience", continuous_update=False)
    capability = widgets.FloatSlider(min=0, max=150, step=5, description="Capability", continuous_update=False)
    output = widgets.Output()
    figure = what_if_outcome_figure(baseline, baseline, issues, as_of, "baseline", cited=cited, sources=sources)

    @functools.cache
    def at_capability(actor_id: str, value: float) -> pd.DataFrame:
        """Outcomes with every coded stance and `actor_id`'s capability at `value`: the other
        issues' outcomes while one stance moves (computed once per actor and capability)."""
        return predict_outcomes(*set_stance(stances_wide, actors, actor_id, issue_id, capability=value), draws=0)

    def coded(quantity: str) -> float | None:
        value = stances_wide[quantity].get(actor_choice.value, pd.Series(dtype=float)).get(issue_choice.value)
        return None if value is None or pd.isna(value) else float(value)

    def draw() -> None:
        # An actor without a stance on the issue joins it only once given some salience.
        joins = coded("position") is not None or salience.value > 0
        wide, actor_table = set_stance(stances_wide, actors, actor_choice.value, issue_choice.value,
                                       position=position.value if joins else None,
                                       salience=salience.value if joins else None,
                                       capability=capability.value)
        label = (f"{actor_names[actor_choice.value]} at {position.value:g} on "
                 f"{issue_names[issue_choice.value].lower()}, salience {salience.value:g}, "
                 f"capability {capability.value:g}")
        outcomes = repredict_issue(at_capability(actor_choice.value, capability.value), wide, actor_table,
                                   issue_choice.value)
        update_what_if_outcome_figure(figure, outcomes, label)
        render_into(output, figure)

    redraw = Redraw(draw)

    def load_actor_values(_change=None) -> None:
        with redraw.paused():
            position.value = coded("position") if coded("position") is not None else 50.0
            salience.value = coded("salience") if coded("salience") is not None else 0.0
            capability.value = float(capabilities[actor_choice.value])
        redraw()

    actor_choice.observe(load_actor_values, names="value")
    issue_choice.observe(load_actor_values, names="value")
    redraw.observe(position, salience, capability)
    load_actor_values()
    return widgets.VBox([widgets.HBox([actor_choice, issue_choice]), widgets.HBox([position, salience, capability]),
                         output])
