"""Figures of the model checks: tornado charts of a sensitivity table, backtest scores.

Inputs are the tables of `analysis.sensitivity.indices` / `sensitivity.analyse` and of
`analysis.model_checks`; each figure cites the source ids carried by the rows it draws, looked
up in the sources table the caller passes in.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..analysis import model_checks
from ..analysis import sensitivity as core
from ..conventions import AsOf
from .theme import OKABE_ITO, add_caption

TORNADO_NOTE = ("Importance of each ranged input of the scenario file, each varied over its stated range "
                "(SALib {method}, {samples} {unit}); whiskers: 95% bootstrap confidence interval.")
INDEX_AXIS = {"mu_star": "Morris μ* (mean absolute effect, {unit})", "ST": "Sobol total index (share of variance)"}


def _cited(rows: pd.DataFrame) -> list[str]:
    return [s for s in dict.fromkeys(rows["source_id"]) if isinstance(s, str) and s]


def tornado(table: pd.DataFrame, output: str, sources: pd.DataFrame, as_of: AsOf) -> go.Figure:
    """Horizontal bars of the main index (Morris μ* or Sobol ST) per input, largest on top."""
    rows = core.tornado_order(table, output)
    if rows.empty:
        raise ValueError(f"no rows for output {output!r} in the sensitivity table")
    method, index, unit, note_of_output = (str(rows.loc[0, c]) for c in ("method", "index", "unit", "note"))
    label = core.output_label(output)
    if (rows["value"] == 0).all():
        title = f"{label}: no ranged input of this scenario moves it"
    else:
        title = f"{label}: driven most by {rows.loc[0, 'input']!s}"
    ordered = rows.iloc[::-1]
    fig = go.Figure(go.Bar(
        x=ordered["value"], y=ordered["input"], orientation="h", marker_color=OKABE_ITO[0],
        error_x={"type": "data", "array": ordered["conf"].fillna(0), "visible": True},
        hovertemplate="%{y}: %{x:.3g}<extra></extra>", name=index,
    ))
    fig.update_layout(title=title, xaxis_title=INDEX_AXIS[index].format(unit=unit),
                      yaxis_title="Input (scenario assumption)", showlegend=False,
                      height=220 + 40 * len(rows))
    samples = table.attrs.get("samples", "")
    note = TORNADO_NOTE.format(method=method.capitalize(), samples=samples,
                               unit="trajectories" if method == "morris" else "base samples")
    if note_of_output:
        note += f" This output {note_of_output}: it depends on fixed assumptions only."
    return add_caption(fig, _cited(rows), sources, as_of, note=note)


def position_scores_chart(scores: pd.DataFrame, pairs: pd.DataFrame, sources: pd.DataFrame, as_of: AsOf) -> go.Figure:
    """Mean absolute error per model next to the naive baseline, coverage of the 80 % interval as text."""
    baseline = scores.loc[scores["model"] == model_checks.BASELINE_MODEL, "mae"].iloc[0]
    better = scores[(scores["model"] != model_checks.BASELINE_MODEL) & (scores["mae"] < baseline)]
    title = (f"Bargaining models vs later texts: {len(better)} of {len(scores) - 1} models beat the naive midpoint"
             if pd.notna(baseline) else "Bargaining models vs later texts: nothing to score")
    colours = [OKABE_ITO[7] if m == model_checks.BASELINE_MODEL else OKABE_ITO[0] for m in scores["model"]]
    text = [f"80% interval held {c:.0%} (n={n})" if pd.notna(c) else f"n={n}"
            for c, n in zip(scores["coverage_80"], scores["comparisons"], strict=True)]
    fig = go.Figure(go.Bar(x=scores["mae"], y=scores["label"], orientation="h", marker_color=colours, text=text,
                           textposition="auto", hovertemplate="%{y}: MAE %{x:.1f}<extra></extra>"))
    fig.update_layout(title=title, xaxis_title="Mean absolute error (points on the 0-100 scale)",
                      yaxis={"autorange": "reversed", "title": "Model"}, showlegend=False, height=360)
    note = "Each prediction scored against every realised position on its issue within the horizon after the freeze."
    return add_caption(fig, _cited(pairs), sources, as_of, note=note)


def pace_chart(pace: pd.DataFrame, cited: list[str], sources: pd.DataFrame, as_of: AsOf,
               horizon_months: int = 6) -> go.Figure:
    """Predicted change of Russian-held area (with the 80 % interval) vs what changed hands, per freeze;
    `cited`: source ids of the map rows the backtest used (`model_checks.pace_check` gives them)."""
    rows = pace[pace["horizon_months"] == horizon_months]
    coverage = rows["covered"].mean() if len(rows) else float("nan")
    title = (f"Front pace {horizon_months} months ahead: the 80% interval held the outcome {coverage:.0%} of the time"
             if len(rows) else f"Front pace {horizon_months} months ahead: no freeze date to score")
    fig = go.Figure([
        go.Scatter(x=rows["freeze"], y=rows["predicted_km2"], mode="markers", name="assumed (factor × trailing pace)",
                   marker={"color": OKABE_ITO[0]},
                   error_y={"type": "data", "symmetric": False, "array": rows["high_km2"] - rows["predicted_km2"],
                            "arrayminus": rows["predicted_km2"] - rows["low_km2"]}),
        go.Scatter(x=rows["freeze"], y=rows["realised_km2"], mode="markers", name="changed hands",
                   marker={"color": OKABE_ITO[5], "symbol": "diamond"}),
    ])
    fig.update_layout(title=title, xaxis_title="Freeze date (assumption set from the data then available)",
                      yaxis_title=f"Change of Russian-held area over {horizon_months} months (km²)")
    return add_caption(fig, cited, sources, as_of, note="Positive: Russian gain. Whiskers: the engine's 80% "
                       "assumption range (factor range x trailing pace); the title gives how often it held.")
