"""Figures comparing scenarios (each returns a plotly Figure).

Input is the long results table of `analysis.scenarios.run` (several scenarios stacked):
`scenario`, `metric`, `value`, `low`, `high`, `unit`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..conventions import AsOf
from .theme import HEADER_LAYOUT, MENU_PLACE, OKABE_ITO, add_caption, label_margin, not_yet_figure, side_legend_margin

NOTE = ("Scenario magnitudes are assumptions, each with its reasoning in data/scenarios/<name>.yaml; "
        "stances coded per data/stances/CODEBOOK.md. Bars: 80% bands of the kind each result's `band` names: assumption "
        "range (the scenario's input ranges), input-noise band (coded stance uncertainty through the models), and for "
        "Russian-held area the front model's calibrated predictive interval widened by those ranges.")
HEADLINES = {
    "settlement_months": "Months until a settlement",
    "occupied_km2": "Russian-held area at the settlement (km²)",
    "needs_usd_bn": "Reconstruction needs at the settlement (USD bn)",
    "funding_gap_usd_bn": "Funding gap at the settlement (USD bn)",
}
POSITION_AXIS = "Predicted compromise (0 = Ukraine's maximal demand, 100 = Russia's)"
REFERENCE_STYLE = {"color": "#9a9a9a", "symbol": "circle-open", "size": 12}


def scenario_colour(names: list[str], name: str) -> str:
    """The fixed colour of scenario `name`, by its place in `names`."""
    return OKABE_ITO[names.index(name) % len(OKABE_ITO)]


def _metric(results: pd.DataFrame, metric: str) -> pd.DataFrame:
    return results[results["metric"] == metric].set_index("scenario")


def _titles(scenarios: pd.DataFrame | None, names: list[str]) -> list[str]:
    titles = dict(zip(scenarios["name"], scenarios["title"], strict=True)) if scenarios is not None else {}
    return [titles.get(name, name) for name in names]


def _error(rows: pd.DataFrame, axis: str = "x") -> dict | None:
    if rows["low"].isna().all():
        return None
    return {"type": "data", "symmetric": False, "array": (rows["high"] - rows["value"]).to_numpy(),
            "arrayminus": (rows["value"] - rows["low"]).to_numpy(), "thickness": 1.5, "width": 5}


def headline_grid(results: pd.DataFrame, as_of: AsOf, scenarios: pd.DataFrame | None = None, *, cited: Iterable[str],
                  sources: pd.DataFrame, front_note: str | None = None) -> go.Figure:
    """Small multiples: months to a settlement, Russian-held area, needs and funding gap per scenario.

    `scenarios`: optional `name`, `title` table for readable labels; `front_note`: what the
    area's band rests on (`analysis.scenarios.front_band_note`), added to the caption.
    """
    names = list(dict.fromkeys(results["scenario"]))
    labels = _titles(scenarios, names)
    fig = make_subplots(rows=2, cols=2, subplot_titles=list(HEADLINES.values()), horizontal_spacing=0.22,
                        vertical_spacing=0.16)
    for index, metric in enumerate(HEADLINES):
        rows = _metric(results, metric).reindex(names)
        fig.add_trace(go.Scatter(
            x=rows["value"], y=labels, mode="markers", error_x=_error(rows), showlegend=False,
            marker={"size": 11, "color": [scenario_colour(names, n) for n in names]},
            customdata=np.column_stack([rows["low"], rows["high"]]),
            text=rows["band"].fillna("") if "band" in rows else None,
            hovertemplate="%{y}: %{x:,.0f} (80% %{text}: %{customdata[0]:,.0f} to %{customdata[1]:,.0f})"
                          "<extra></extra>",
        ), row=index // 2 + 1, col=index % 2 + 1)
        fig.update_xaxes(title_text=rows["unit"].iloc[0], row=index // 2 + 1, col=index % 2 + 1)
        fig.update_yaxes(autorange="reversed", row=index // 2 + 1, col=index % 2 + 1,
                         showticklabels=index % 2 == 0)
    gap = _metric(results, "funding_gap_usd_bn")["value"]
    area = _metric(results, "occupied_km2")["value"]
    title = dict(zip(names, labels, strict=True))
    widest = (f"{title[gap.idxmax()]} leaves the widest funding gap (USD {gap.max():,.0f} bn)" if gap.notna().any()
              else "No needs or funding gap yet (the needs trend takes two joint assessments)")
    fig.update_layout(
        title=f"{widest};<br>"
              f"Russia holds {area.min():,.0f} to {area.max():,.0f} km² at the settlement across the scenarios",
        height=720, margin={"l": 230, "t": 110},
    )
    return add_caption(fig, cited, sources, as_of, note=NOTE + (f" {front_note}" if front_note else ""))


def _issue_order(results: pd.DataFrame, issues: pd.DataFrame) -> list[str]:
    present = {m.split(":", 1)[1] for m in results["metric"] if m.startswith("settlement:")}
    return [i for i in issues["issue_id"] if i in present]


def _settlement_rows(results: pd.DataFrame, scenario: str, issue_order: list[str]) -> pd.DataFrame:
    rows = results[(results["scenario"] == scenario) & results["metric"].str.startswith("settlement:")]
    return rows.assign(issue_id=rows["metric"].str.split(":").str[1]).set_index("issue_id").reindex(issue_order)


def settlement_comparison(results: pd.DataFrame, issues: pd.DataFrame, as_of: AsOf,
                          scenarios: pd.DataFrame | None = None, *, cited: Iterable[str],
                  sources: pd.DataFrame) -> go.Figure:
    """The compromise settlement per issue under every scenario, with 80% intervals, side by side."""
    names = list(dict.fromkeys(results["scenario"]))
    labels = dict(zip(names, _titles(scenarios, names), strict=True))
    issue_order = _issue_order(results, issues)
    issue_names = dict(zip(issues["issue_id"], issues["name"], strict=True))
    offsets = np.linspace(-0.3, 0.3, len(names)) if len(names) > 1 else [0.0]
    fig = go.Figure()
    for offset, name in zip(offsets, names, strict=True):
        rows = _settlement_rows(results, name, issue_order)
        fig.add_trace(go.Scatter(
            x=rows["value"], y=np.arange(len(issue_order)) + offset, mode="markers", name=labels[name],
            marker={"size": 9, "color": scenario_colour(names, name)}, error_x=_error(rows),
            customdata=np.column_stack([[issue_names[i] for i in issue_order], rows["low"], rows["high"]]),
            hovertemplate=f"{labels[name]}<br>%{{customdata[0]}}: %{{x:.0f}} "
                          "(80%: %{customdata[1]:.0f}-%{customdata[2]:.0f})<extra></extra>",
        ))
    settled = results[results["metric"].str.startswith("settlement:") & results["value"].notna()]
    if settled.empty:
        return not_yet_figure("No settlement issue could be predicted yet",
                              "No issue had coded stances with weight on this date.", as_of)
    spread = settled.groupby("metric")["value"].agg(lambda v: v.max() - v.min())
    widest = spread.idxmax().split(":")[1]
    bounds = settled.groupby("metric").agg(top_low=("low", "max"), bottom_high=("high", "min"))
    overlap = "" if settled["low"].isna().all() else (
        f";<br>the 80% intervals of all scenarios overlap on {(bounds['top_low'] <= bounds['bottom_high']).sum()} "
        f"of {len(bounds)} issues")
    fig.update_layout(
        title=f"The scenarios move the predicted compromise by up to {spread.max():.0f} points "
              f"({issue_names[widest].lower()}){overlap}",
        xaxis={"title": POSITION_AXIS, "range": [-3, 103]},
        yaxis={"title": "Settlement issue", "tickvals": list(range(len(issue_order))),
               "ticktext": [issue_names[i] for i in issue_order], "autorange": "reversed"},
        height=640, **HEADER_LAYOUT,
    )
    return add_caption(fig, cited, sources, as_of, note=NOTE)


def _headline_text(results: pd.DataFrame, scenario: str) -> str:
    values = results[results["scenario"] == scenario].set_index("metric")["value"]
    gap = values["funding_gap_usd_bn"]
    return (f"{values['settlement_months']:.0f} months to a settlement; Russia holds {values['occupied_km2']:,.0f} km²; "
            + ("funding gap not estimated yet" if pd.isna(gap) else f"funding gap USD {gap:,.0f} bn"))


def scenario_profile(results: pd.DataFrame, issues: pd.DataFrame, as_of: AsOf, reference: str | None = None,
                     scenarios: pd.DataFrame | None = None, *, cited: Iterable[str],
                  sources: pd.DataFrame) -> go.Figure:
    """One scenario at a time (dropdown when several): compromise per issue with 80% interval, the
    parties' positions, and the headline numbers in the title; `reference` drawn as hollow markers.

    Interactive in exported HTML: the menu is plotly-native.
    """
    names = list(dict.fromkeys(results["scenario"]))
    labels = dict(zip(names, _titles(scenarios, names), strict=True))
    issue_order = _issue_order(results, issues)
    issue_names = dict(zip(issues["issue_id"], issues["name"], strict=True))
    y = np.arange(len(issue_order))
    fig = go.Figure()
    if reference is not None:
        rows = _settlement_rows(results, reference, issue_order)
        fig.add_trace(go.Scatter(x=rows["value"], y=y, mode="markers", marker=REFERENCE_STYLE,
                                 name=f"{labels[reference]} (reference)",
                                 hovertemplate="reference: %{x:.0f}<extra></extra>"))
    shown = [n for n in names if n != reference] or names
    for index, name in enumerate(shown):
        rows = _settlement_rows(results, name, issue_order)
        fig.add_trace(go.Scatter(
            x=rows["value"], y=y, mode="markers", name=labels[name], visible=index == 0, error_x=_error(rows),
            marker={"size": 12, "color": scenario_colour(names, name)},
            customdata=np.column_stack([[issue_names[i] for i in issue_order], rows["low"], rows["high"]]),
            hovertemplate="%{customdata[0]}: %{x:.0f} (80%: %{customdata[1]:.0f}-%{customdata[2]:.0f})<extra></extra>",
        ))
    fixed = 1 if reference is not None else 0
    fig.update_layout(
        title=f"{labels[shown[0]]}: {_headline_text(results, shown[0])}",
        xaxis={"title": POSITION_AXIS, "range": [-3, 103]},
        yaxis={"title": "Settlement issue", "tickvals": list(y), "ticktext": [issue_names[i] for i in issue_order],
               "autorange": "reversed"},
        height=560, meta={"issue_order": issue_order}, **HEADER_LAYOUT,
    )
    fig.update_layout(margin={"l": label_margin(issue_names[i] for i in issue_order), "r": side_legend_margin(fig)})
    if len(shown) > 1:
        buttons = [{"label": labels[name], "method": "update",
                    "args": [{"visible": [True] * fixed + [k == index for k in range(len(shown))]},
                             {"title.text": f"{labels[name]}: {_headline_text(results, name)}"}]}
                   for index, name in enumerate(shown)]
        fig.update_layout(updatemenus=[{"buttons": buttons, **MENU_PLACE}])
    note = NOTE + (" Hollow grey markers: the reference scenario." if reference is not None else "")
    return add_caption(fig, cited, sources, as_of, note=note)


def scenario_explorer_report(results: pd.DataFrame, issues: pd.DataFrame, as_of: AsOf, start: str,
                             scenarios: pd.DataFrame | None = None, *, cited: Iterable[str],
                             sources: pd.DataFrame) -> go.Figure:
    """The scenario builder's twin for reports: every defined scenario against the one the builder
    starts from (hollow markers), picked with the plotly-native menu."""
    return scenario_profile(results, issues, as_of, reference=start, scenarios=scenarios, cited=cited,
                            sources=sources)
