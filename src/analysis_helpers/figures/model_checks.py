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
from .theme import OKABE_ITO, add_caption, not_yet_figure

TORNADO_NOTE = ("Importance of each ranged input of the scenario file, each varied over its stated range "
                "(SALib {method}, {samples} {unit}); whiskers: 95% bootstrap confidence interval.")
BASELINE_NAMES = {"persistence": "persistence", "midpoint": "the parties' midpoint",
                  "mediator": "the mediator's own position"}
INDEX_AXIS = {"mu_star": "Morris μ* (mean absolute effect, {unit})", "ST": "Sobol total index (share of variance)"}


def _cited(rows: pd.DataFrame) -> list[str]:
    return [s for s in dict.fromkeys(rows["source_id"]) if isinstance(s, str) and s]


def tornado(table: pd.DataFrame, output: str, sources: pd.DataFrame, as_of: AsOf) -> go.Figure:
    """Horizontal bars of the main index (Morris μ* or Sobol ST) per input, largest on top; cites
    the inputs' sources and the baseline rows the runs rest on (`table.attrs["cited"]`)."""
    if output in table.attrs.get("not_estimated", ()):
        return not_yet_figure(f"{core.output_label(output)}: not estimated at this date",
                              "The engine has no value for it on this date: no actor had a stance on the issue "
                              "yet, or (needs, funding gap) fewer than two joint assessments were published.", as_of)
    rows = core.tornado_order(table, output)
    if rows.empty:
        raise ValueError(f"no rows for output {output!r} in the sensitivity table")
    method, index, unit, note_of_output = (str(rows.loc[0, c]) for c in ("method", "index", "unit", "note"))
    label = core.output_label(output)
    resolved_rows = rows[rows["resolved"].astype(bool)] if "resolved" in rows else rows
    if (rows["value"] == 0).all():
        title = f"{label}: no ranged input of this scenario moves it"
    elif resolved_rows.empty or (resolved_rows["value"] == 0).all():
        title = f"{label}: no index resolved at this sample size"
    else:
        title = f"{label}: driven most by {resolved_rows.iloc[0]['input']!s}"
    ordered = rows.iloc[::-1]
    resolved = ordered["resolved"].astype(bool) if "resolved" in ordered else pd.Series(True, index=ordered.index)
    # An index that is negative or whose S1 exceeds ST is sampling noise: no bar, the words instead.
    fig = go.Figure(go.Bar(
        x=ordered["value"].where(resolved, 0.0), y=ordered["input"], orientation="h", marker_color=OKABE_ITO[0],
        error_x={"type": "data", "array": ordered["conf"].fillna(0).where(resolved, 0.0), "visible": True},
        text=["" if r else "not resolved" for r in resolved], textposition="outside",
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
    # The engine's results rest on the rows of its baseline (stances for positions), whatever the inputs cite.
    return add_caption(fig, [*_cited(rows), *table.attrs.get("cited", ())], sources, as_of, note=note)


def skill_chart(skill: pd.DataFrame, pairs: pd.DataFrame, sources: pd.DataFrame, as_of: AsOf) -> go.Figure:
    """CRPS difference of each model from each baseline of one target set, with its 95 % cluster-
    bootstrap interval (left of 0: the model is better); the title counts the predictive models."""
    if skill.empty:
        raise ValueError("no skill rows to draw")
    target_set = str(skill["target_set"].iloc[0])
    rows = skill.dropna(subset=["crps_difference"])
    label = model_checks.MODEL_LABELS
    verdicts = []
    for baseline, part in rows.groupby("baseline", sort=False):
        better = [label[m] for m in part.loc[part["verdict"] == "predictive", "model"]]
        name = BASELINE_NAMES[baseline]
        verdicts.append(f"{' and '.join(better)} beat{'s' if len(better) == 1 else ''} {name}" if better
                        else f"no model beats {name}")
    title = f"{target_set.capitalize()} targets: " + "; ".join(verdicts) + " beyond sampling error"
    fig = go.Figure()
    for k, (baseline, part) in enumerate(rows.groupby("baseline", sort=False)):
        fig.add_trace(go.Scatter(
            x=part["crps_difference"], y=[label[m] for m in part["model"]], mode="markers",
            name=f"vs {label[baseline].removeprefix('Baseline: ')}", marker={"color": OKABE_ITO[k % 8], "size": 9},
            error_x={"type": "data", "symmetric": False, "array": part["high"] - part["crps_difference"],
                     "arrayminus": part["crps_difference"] - part["low"]},
            hovertemplate="%{y}: %{x:.1f} points<extra></extra>"))
    fig.add_vline(x=0, line_dash="dot", line_color="grey")
    fig.update_layout(title=title, xaxis_title="CRPS of the model minus CRPS of the baseline (points, 0-100 scale)",
                      yaxis={"title": "Model", "autorange": "reversed"}, height=380)
    note = (f"Target set: {target_set} ({model_checks.TARGET_SETS[target_set]}). "
            f"{int(rows['pairs'].max())} pairs in {int(rows['clusters'].max())} freeze x issue clusters; whiskers: "
            "95% cluster-bootstrap interval of the mean difference.")
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


KIND_LABELS = {"stance": "stance rows", "provision": "text provisions"}


def second_coding_chart(pairs: pd.DataFrame, alpha: pd.DataFrame, sources: pd.DataFrame, as_of: AsOf) -> go.Figure:
    """First code (x) against the blind second code (y) of every second-coded item, one marker per
    distinct pair of codes sized by how many items share it; hollow markers: items whose first code
    the codebook or the sheet named. The title gives the overall alpha and the share within 5 points."""
    if pairs.empty:
        raise ValueError("no second-coded items to draw")
    overall = alpha.loc[alpha["issue_id"] == model_checks.ALL_ISSUES].iloc[0]
    within = float((pairs["disagreement"] <= 5).mean())
    estimated = overall["status"] == "estimated"
    title = (f"A blind second coder lands within 5 points of the first on {within:.0%} of {len(pairs)} items: "
             + (f"Krippendorff's α = {overall['alpha']:.2f}" if estimated else f"α {overall['status']}"))
    fig = go.Figure()
    for k, (kind, part) in enumerate(pairs.groupby("kind", sort=False)):
        grouped = part.assign(hinted=part["first_code_hinted"] != "no").groupby(
            ["first_position", "second_position", "hinted"], as_index=False).agg(
            items=("item_id", "size"), names=("item_id", lambda ids: "<br>".join(ids)))
        fig.add_trace(go.Scatter(
            x=grouped["first_position"], y=grouped["second_position"], mode="markers",
            name=KIND_LABELS.get(str(kind), str(kind)), customdata=grouped[["items", "names"]],
            marker={"color": OKABE_ITO[k % 8], "size": 7 + 4 * grouped["items"] ** 0.5, "opacity": 0.8,
                    "symbol": ["circle-open" if h else "circle" for h in grouped["hinted"]],
                    "line": {"width": 2, "color": OKABE_ITO[k % 8]}},
            hovertemplate="first %{x}, second %{y} (%{customdata[0]} item(s))<br>%{customdata[1]}<extra></extra>"))
    fig.add_trace(go.Scatter(x=[0, 100], y=[0, 100], mode="lines", name="same code",
                             line={"color": "grey", "dash": "dot"}, hoverinfo="skip"))
    fig.update_layout(title=title, height=480,
                      xaxis={"title": "First code (points, 0 = Ukraine's maximal demand, 100 = Russia's)",
                             "range": [-5, 105]},
                      yaxis={"title": "Blind second code (points, same scale)", "range": [-5, 105]})
    note = (f"{len(pairs)} items drawn at random (seed 23): {int((pairs['kind'] == 'stance').sum())} stance rows and "
            f"{int((pairs['kind'] == 'provision').sum())} provisions. Marker area: items with the same pair of codes; "
            f"hollow: the codebook or the coder's sheet named the first code ({int((pairs['first_code_hinted'] != 'no').sum())} "
            "items)." + (f" α: interval level, 95% bootstrap interval over items {overall['low']:.2f} to "
                         f"{overall['high']:.2f}." if estimated else ""))
    return add_caption(fig, _cited(pairs), sources, as_of, note=note)
