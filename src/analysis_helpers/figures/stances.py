"""Figures of actor stances and predicted settlement outcomes (each returns a plotly Figure)."""

from __future__ import annotations

import html
from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..analysis.stances import MODEL_LABELS, MODELS
from ..conventions import PARTIES, RUSSIA, UKRAINE, AsOf
from .theme import (
    DIVERGING_POSITION,
    HEADER_LAYOUT,
    MENU_PLACE,
    SIDE_COLOURS,
    add_caption,
    colour_for,
    label_margin,
    not_yet_figure,
    side_legend_margin,
    wrap_text,
)

DATA_NOTE = ("Positions and saliences coded from the statements in data/stances/stances.csv following "
             "data/stances/CODEBOOK.md (0 = Ukraine's maximal demand, 100 = Russia's); each cell's source is "
             "in its hover text.")
MODEL_SYMBOLS = {"weighted_median": "diamond", "compromise": "circle", "expected_utility": "square"}
MODEL_COLOURS = {"weighted_median": "#000000", "compromise": "#009E73", "expected_utility": "#CC79A7"}
POSITION_AXIS_TITLE = "Position (0 = Ukraine's maximal demand, 100 = Russia's)"
# Menus sit top left under the title and legends on the right, so neither covers the title.

def _names(table: pd.DataFrame, id_column: str) -> dict:
    return dict(zip(table[id_column], table["name"], strict=True))


def position_heatmap(latest: pd.DataFrame, actors: pd.DataFrame, issues: pd.DataFrame, as_of: AsOf, *,
                     sources: pd.DataFrame) -> go.Figure:
    """Actors x issues, coloured by coded position, with the statement coded on hover."""
    actor_names, issue_names = _names(actors, "actor_id"), _names(issues, "issue_id")
    position = latest.pivot(index="actor_id", columns="issue_id", values="position")
    order = position.mean(axis=1).sort_values().index
    position = position.loc[order, [i for i in issues["issue_id"] if i in position.columns]]
    hover = latest.assign(text=lambda f: (
        "<b>" + f["actor_id"].map(actor_names) + " · " + f["issue_id"].map(issue_names) + "</b><br>"
        + "position " + f["position"].map("{:g}".format) + ", salience " + f["salience"].map("{:g}".format)
        + " (" + f["confidence"] + " confidence, as of " + f["as_of"].dt.strftime("%Y-%m-%d") + ")<br>"
        + f["evidence"].map(lambda t: html.escape(t, quote=False)) + "<br>source: " + f["source_id"]
    )).pivot(index="actor_id", columns="issue_id", values="text").reindex_like(position)

    apart = (position.loc[RUSSIA] - position.loc[UKRAINE]).dropna() if set(PARTIES) <= set(order) else []
    fig = go.Figure(go.Heatmap(
        z=position.to_numpy(), x=["<br>".join(wrap_text(issue_names[i], 14)) for i in position.columns],
        y=[actor_names[a] for a in order],
        zmin=0, zmax=100, colorscale=DIVERGING_POSITION, reversescale=True,
        colorbar={"title": "Position<br>(0-100)"},
        text=position.round(0).map(lambda v: "" if pd.isna(v) else f"{v:g}").to_numpy(), texttemplate="%{text}",
        customdata=hover.fillna("no citable stance").to_numpy(), hovertemplate="%{customdata}<extra></extra>",
        xgap=2, ygap=2,
    ))
    fig.update_layout(
        title=f"Ukraine and Russia are more than 50 points apart on {int((np.abs(apart) > 50).sum())} of "
              f"{len(apart)} issues; blank cells have no citable stance",
        xaxis={"title": "Settlement issue", "side": "top", "tickangle": 0},
        yaxis_title="Actor (ordered by mean position)", margin={"t": 210}, title_y=0.98, title_yanchor="top",
        height=max(460, 26 * len(order) + 220),
    )
    return add_caption(fig, latest["source_id"], sources, as_of, note=DATA_NOTE)


def issue_bubbles(latest: pd.DataFrame, actors: pd.DataFrame, issues: pd.DataFrame, as_of: AsOf, *,
                  sources: pd.DataFrame) -> go.Figure:
    """Per issue, position against capability with bubble size = salience; a dropdown picks the issue."""
    actor_table = actors.set_index("actor_id")[["name", "capability"]]
    issue_ids = [i for i in issues["issue_id"] if i in set(latest["issue_id"])]
    issue_names = _names(issues, "issue_id")
    fig = go.Figure()
    for index, issue_id in enumerate(issue_ids):
        rows = latest[latest["issue_id"] == issue_id].join(actor_table, on="actor_id")
        fig.add_trace(go.Scatter(
            x=rows["position"], y=rows["capability"], mode="markers+text", text=rows["name"],
            textposition="top center", visible=index == 0, name=issue_names[issue_id],
            marker={"size": 8 + rows["salience"] * 0.4, "color": [colour_for("actor", a) for a in rows["actor_id"]],
                    "line": {"width": 1, "color": "#fff"}, "opacity": 0.85},
            customdata=np.stack([rows["salience"], rows["source_id"]], axis=1),
            hovertemplate="%{text}: position %{x}, capability %{y}, salience %{customdata[0]}"
                          "<br>source: %{customdata[1]}<extra></extra>",
        ))
    buttons = [{"label": issue_names[i], "method": "update",
                "args": [{"visible": [j == k for j in range(len(issue_ids))]}]}
               for k, i in enumerate(issue_ids)]
    weighted = latest.join(actor_table, on="actor_id").assign(weight=lambda f: f["capability"] * f["salience"])
    heaviest = weighted.loc[weighted.groupby("issue_id")["weight"].idxmax(), "name"].value_counts()
    fig.update_layout(
        title=f"{heaviest.index[0]} carries the most weight (capability x salience) on {heaviest.iloc[0]} of "
              f"{len(issue_ids)} issues: position against capability, bubble size = salience",
        xaxis={"title": POSITION_AXIS_TITLE, "range": [-5, 105]},
        yaxis={"title": "Capability (0-100, United States = 100)", "range": [-5, 112]},
        updatemenus=[{"buttons": buttons, **MENU_PLACE}], showlegend=False, height=560, **HEADER_LAYOUT,
    )
    return add_caption(fig, latest["source_id"], sources, as_of, note=DATA_NOTE + " Pick the issue in the menu.")


def _largest_move(stances: pd.DataFrame) -> pd.Series:
    ordered = stances.sort_values("as_of")
    moves = ordered.groupby(["actor_id", "issue_id"])["position"].agg(["first", "last", "count"])
    moves = moves[moves["count"] > 1]
    return (moves["last"] - moves["first"]).abs().idxmax(), moves


def stance_changes(stances: pd.DataFrame, actors: pd.DataFrame, issues: pd.DataFrame, as_of: AsOf, *,
                   sources: pd.DataFrame) -> go.Figure:
    """Coded positions over time of actors with more than one dated stance; a dropdown picks the issue.
    While no actor has two dated stances on one issue (as of 2022), a note says so instead."""
    actor_names, issue_names = _names(actors, "actor_id"), _names(issues, "issue_id")
    counts = stances.groupby(["actor_id", "issue_id"]).size()
    if not (counts > 1).any():
        return not_yet_figure("No actor had changed a coded position yet",
                              f"Change needs two dated stances of one actor on one issue; the {len(stances)} stances "
                              "coded by this date are one per actor and issue.", as_of)
    (mover, moved_issue), moves = _largest_move(stances)
    changing = moves.reset_index()
    issue_ids = [i for i in issues["issue_id"] if i in set(changing["issue_id"])]
    fig, owners = go.Figure(), []
    for issue_id in issue_ids:
        for actor_id in changing.loc[changing["issue_id"] == issue_id, "actor_id"]:
            rows = stances[(stances["actor_id"] == actor_id) & (stances["issue_id"] == issue_id)].sort_values("as_of")
            fig.add_trace(go.Scatter(
                x=rows["as_of"], y=rows["position"], mode="lines+markers", line_shape="hv",
                name=actor_names[actor_id], visible=issue_id == moved_issue,
                line={"color": colour_for("actor", actor_id)},
                error_y={"type": "data", "array": rows["uncertainty"], "thickness": 1, "width": 3},
                customdata=np.stack([rows["evidence"], rows["source_id"]], axis=1),
                hovertemplate=f"{actor_names[actor_id]}, %{{x|%Y-%m-%d}}: %{{y}}<br>%{{customdata[0]}}"
                              "<br>source: %{customdata[1]}<extra></extra>",
            ))
            owners.append(issue_id)
    buttons = [{"label": issue_names[i], "method": "update",
                "args": [{"visible": [owner == i for owner in owners]}]} for i in issue_ids]
    first, last = moves.loc[(mover, moved_issue), ["first", "last"]]
    fig.update_layout(
        title=f"{actor_names[mover]} moved furthest: from {first:g} to {last:g} on {issue_names[moved_issue].lower()}",
        xaxis_title="Date of the coded statement",
        yaxis={"title": "Position (0-100, 100 = Russia's demand)", "range": [-8, 108]},
        updatemenus=[{"buttons": buttons, "active": issue_ids.index(moved_issue), **MENU_PLACE}],
        height=540, **HEADER_LAYOUT,
    )
    return add_caption(fig, stances["source_id"], sources, as_of,
                       note=DATA_NOTE + " Error bars: the stance's stated uncertainty (1 sd).")


def _outcome_traces(outcomes: pd.DataFrame, issue_names: dict, issue_order: list, visible=True,
                    show_interval: bool = True) -> list[go.Scatter]:
    """One marker trace per model: outcome per issue, with the 80% interval as error bars."""
    traces = []
    for offset, model in zip((-0.22, 0.0, 0.22), MODELS, strict=True):
        rows = outcomes[outcomes["model"] == model].set_index("issue_id").reindex(issue_order)
        centre = rows["median"].where(rows["median"].notna(), rows["outcome"]) if show_interval else rows["outcome"]
        error = {"type": "data", "symmetric": False, "array": (rows["high"] - centre).to_numpy(),
                 "arrayminus": (centre - rows["low"]).to_numpy(), "thickness": 1.5, "width": 4} \
            if show_interval and rows["low"].notna().any() else None
        traces.append(go.Scatter(
            x=centre, y=np.arange(len(issue_order)) + offset, mode="markers", name=MODEL_LABELS[model],
            marker={"symbol": MODEL_SYMBOLS[model], "size": 10, "color": MODEL_COLOURS[model]},
            error_x=error, visible=visible, legendgroup=model,
            customdata=np.stack([[issue_names[i] for i in issue_order], rows["low"], rows["high"]], axis=1),
            hovertemplate=f"{MODEL_LABELS[model]}<br>%{{customdata[0]}}: %{{x:.0f}}"
                          + (" (80%: %{customdata[1]:.0f}-%{customdata[2]:.0f})" if show_interval else "")
                          + "<extra></extra>",
        ))
    return traces


def _issue_axis(fig: go.Figure, issue_order: list, issue_names: dict) -> None:
    fig.update_layout(
        xaxis={"title": "Predicted outcome (0 = Ukraine's maximal demand, 100 = Russia's)", "range": [-3, 103]},
        yaxis={"title": "Settlement issue", "tickvals": list(range(len(issue_order))),
               "ticktext": [issue_names[i] for i in issue_order], "autorange": "reversed"},
        margin={"l": label_margin(issue_names[i] for i in issue_order)},
    )


def outcome_intervals(outcomes: pd.DataFrame, gaps: pd.DataFrame, issues: pd.DataFrame, as_of: AsOf, *,
                      cited: Iterable[str], sources: pd.DataFrame) -> go.Figure:
    """Per issue: each model's outcome with its 80% interval, the range a deal must bridge, and the
    two parties' 80% position intervals with the gap between them where they do not overlap.

    `cited`: the source ids of the stance rows the models ran on."""
    issue_names = _names(issues, "issue_id")
    issue_order = [i for i in issues["issue_id"] if i in set(outcomes["issue_id"])]
    span = outcomes.drop_duplicates("issue_id").set_index("issue_id").reindex(issue_order)
    model_spread = outcomes.groupby("issue_id")["outcome"].agg(lambda v: v.max() - v.min())
    widest = model_spread.idxmax()
    gap_table = gaps.set_index("issue_id").reindex(issue_order)
    fig = go.Figure(go.Bar(
        y=np.arange(len(issue_order)), x=span["range_high"] - span["range_low"], base=span["range_low"],
        orientation="h", marker_color="#e6e6e6", width=0.8, name="Range of positions a deal must bridge",
        hovertemplate="positions held: %{base:.0f} to %{x:.0f} wide<extra></extra>",
    ))
    for party in PARTIES:
        fig.add_trace(go.Scatter(
            x=np.ravel(np.column_stack([gap_table[f"{party}_low"], gap_table[f"{party}_high"],
                                        np.full(len(issue_order), np.nan)])),
            y=np.repeat(np.arange(len(issue_order)), 3) + 0.38, mode="lines",
            line={"color": SIDE_COLOURS[party], "width": 6}, name=f"{party.title()}: 80% input-noise band of the position",
            hoverinfo="skip",
        ))
    for trace in _outcome_traces(outcomes, issue_names, issue_order):
        fig.add_trace(trace)
    apart = gap_table[~gap_table["overlap"] & gap_table["gap"].notna()]
    gap_start = np.minimum(apart["ukraine_high"], apart["russia_high"])
    gap_end = np.maximum(apart["ukraine_low"], apart["russia_low"])
    rows_y = np.array([issue_order.index(i) for i in apart.index]) + 0.38
    fig.add_trace(go.Scatter(
        x=np.ravel(np.column_stack([gap_start, gap_end, np.full(len(apart), np.nan)])),
        y=np.repeat(rows_y, 3), mode="lines", line={"color": "#555", "width": 2, "dash": "dot"},
        name="Gap where the parties' intervals do not overlap",
        text=np.repeat([f"gap of {g:.0f} points" for g in apart["gap"]], 3), hovertemplate="%{text}<extra></extra>",
    ))
    _issue_axis(fig, issue_order, issue_names)
    fig.update_layout(
        title=f"Ukraine's and Russia's positions leave no overlap on {len(apart)} of {len(issue_order)} issues;<br>"
              f"the models disagree most on {issue_names[widest].lower()} ({int(span.loc[widest, 'actors'])} actors coded)",
        height=640, barmode="overlay", **HEADER_LAYOUT,
    )
    return add_caption(fig, cited, sources, as_of, note=DATA_NOTE + " Markers: Monte Carlo median; bars: 80% "
                       "input-noise band (coded uncertainty through the model; not a calibrated predictive "
                       "interval).")


def _what_if_figure(baseline: pd.DataFrame, variants: dict, issues: pd.DataFrame, as_of: AsOf, note: str, *,
                    cited: Iterable[str], sources: pd.DataFrame) -> go.Figure:
    """Point outcomes of each variant (label -> outcomes), first one shown, over a hollow baseline."""
    issue_names = _names(issues, "issue_id")
    issue_order = [i for i in issues["issue_id"] if i in set(baseline["issue_id"])]
    fig = go.Figure()
    for trace in _outcome_traces(baseline, issue_names, issue_order, show_interval=False):
        trace.update(marker={"color": "#bbbbbb", "symbol": trace.marker.symbol + "-open", "size": 12},
                     name=f"{trace.name} (baseline)", legendgroup="baseline")
        fig.add_trace(trace)
    labels = list(variants)
    for index, label in enumerate(labels):
        for trace in _outcome_traces(variants[label], issue_names, issue_order, visible=index == 0,
                                     show_interval=False):
            fig.add_trace(trace)
    _issue_axis(fig, issue_order, issue_names)
    fig.update_layout(title=f"What if: {labels[0]}", height=580, meta={"issue_order": issue_order}, **HEADER_LAYOUT)
    fig.update_layout(margin={"r": side_legend_margin(fig)})
    if len(labels) > 1:
        per_variant = len(MODELS)
        buttons = [{"label": label, "method": "update",
                    "args": [{"visible": [True] * per_variant
                              + [k // per_variant == index for k in range(len(labels) * per_variant)]},
                             {"title.text": f"What if: {label}"}]}
                   for index, label in enumerate(labels)]
        fig.update_layout(updatemenus=[{"buttons": buttons, **MENU_PLACE}])
    return add_caption(fig, cited, sources, as_of, note=note)


def what_if_presets(stacked: pd.DataFrame, issues: pd.DataFrame, as_of: AsOf, *,
                    cited: Iterable[str], sources: pd.DataFrame) -> go.Figure:
    """Predicted outcomes under preset what-ifs, switchable with a dropdown (interactive offline).

    `stacked` is `analysis.stances.what_if_outcomes` output; its first label is the baseline,
    also drawn as hollow grey markers under every preset.
    """
    labels = list(dict.fromkeys(stacked["what_if"]))
    variants = {label: stacked[stacked["what_if"] == label] for label in labels}
    return _what_if_figure(variants[labels[0]], variants, issues, as_of,
                           DATA_NOTE + " Hollow grey markers: baseline; pick a what-if in the menu.",
                           cited=cited, sources=sources)


def what_if_outcome_figure(outcomes: pd.DataFrame, baseline: pd.DataFrame, issues: pd.DataFrame, as_of: AsOf,
                           label: str, *, cited: Iterable[str], sources: pd.DataFrame) -> go.Figure:
    """One what-if against the baseline: point outcomes per issue and model (for the live explorer)."""
    return _what_if_figure(baseline, {label: outcomes}, issues, as_of,
                           DATA_NOTE + " Hollow grey markers: baseline.", cited=cited, sources=sources)


def what_if_explorer_report(baseline: pd.DataFrame, issues: pd.DataFrame, as_of: AsOf, *, cited: Iterable[str],
                            sources: pd.DataFrame) -> go.Figure:
    """The what-if explorer's opening view (every stance as coded), its stand-in in reports."""
    return what_if_outcome_figure(baseline, baseline, issues, as_of, "baseline (move a slider in JupyterLab)",
                                  cited=cited, sources=sources)


def update_what_if_outcome_figure(fig: go.Figure, outcomes: pd.DataFrame, label: str) -> go.Figure:
    """Move the live markers of a `what_if_outcome_figure` to new outcomes, in place (cheaper than
    building a new figure: the live explorer redraws on every slider move)."""
    issue_order = fig.layout.meta["issue_order"]
    live = outcomes.set_index(["model", "issue_id"])["outcome"]
    with fig.batch_update():
        for model, trace in zip(MODELS, fig.data[-len(MODELS):], strict=True):
            trace.x = live.loc[model].reindex(issue_order).to_numpy()
        fig.layout.title.text = f"What if: {label}"
    return fig
