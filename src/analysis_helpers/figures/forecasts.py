"""Forecast figures: front fan charts, the war-duration survival curve, calibration diagnostics.

Every band says what it is: the fan's bands are *calibrated predictive intervals* with the
coverage they measured beside them; the survival curve's bands are *input-noise bands* of a
base rate (sampling uncertainty of other wars), not predictive intervals for this war.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..analysis.forecasts import INTERVALS
from ..conventions import NATIONAL_ID, AsOf
from .theme import MENU_PLACE, OKABE_ITO, add_caption, colour_for, day_text, not_yet_figure

BAND_OPACITY = {0.95: 0.15, 0.8: 0.25, 0.5: 0.4}


def _first(next_known: AsOf, what: str) -> str:
    """" The first ... was issued on <day>." when the data say when; nothing otherwise."""
    return "" if next_known is None or pd.isna(next_known) else f" The first {what} was issued on {day_text(next_known)}."


def _rgba(hex_colour: str, alpha: float) -> str:
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _coverage_text(level: float, coverage: Mapping[float, tuple[float, int]] | None) -> str:
    if not coverage or level not in coverage:
        return f"{level:.0%} calibrated predictive interval"
    held, n = coverage[level]
    return f"{level:.0%} calibrated predictive interval (held {held:.0%} of {n} past outcomes)"


def fan_chart(fan: pd.DataFrame, history: pd.DataFrame, names: Mapping[str, str], cited: Iterable[str],
              sources: pd.DataFrame, as_of: AsOf, coverage: Mapping[float, tuple[float, int]] | None = None,
              first: str = NATIONAL_ID, next_known: AsOf = None) -> go.Figure:
    """Fan chart of Russian-held km² per region: the monthly history (`history`: `month`,
    `region_id`, `occupied_km2`) and the forecast quantiles (`fan`: `front_fan`'s table), with a
    dropdown to choose the region. `coverage`: measured coverage (share, n) of each national
    interval level in the backtest, printed in the legend. With no forecast issued by `as_of`,
    an explained empty chart (`next_known`: when the first calibrated forecast was issued)."""
    if fan.empty:
        return not_yet_figure("No calibrated front forecast had been issued by this date",
                              not_issued_message(next_known), as_of)
    regions = [r for r in dict.fromkeys(fan["region_id"]) if r in names]
    regions = [first, *[r for r in regions if r != first]] if first in regions else regions
    fig = go.Figure()
    traces_per_region = []
    for region_id in regions:
        rows = fan[fan["region_id"] == region_id].sort_values("horizon_months")
        past = history[history["region_id"] == region_id].sort_values("month")
        colour = OKABE_ITO[1] if region_id == NATIONAL_ID else colour_for("region", region_id)
        visible = region_id == regions[0]
        start = len(fig.data)
        for level in sorted(INTERVALS, reverse=True):
            tail = (1 - level) / 2
            low, high = rows[f"q{tail:g}"], rows[f"q{1 - tail:g}"]
            fig.add_trace(go.Scatter(x=[*rows["target_month"], *rows["target_month"][::-1]],
                                     y=[*high, *low[::-1]], fill="toself", fillcolor=_rgba(colour, BAND_OPACITY[level]),
                                     line={"width": 0}, hoverinfo="skip", visible=visible,
                                     name=_coverage_text(level, coverage if region_id == NATIONAL_ID else None)))
        fig.add_trace(go.Scatter(x=rows["target_month"], y=rows["q0.5"], mode="lines", visible=visible,
                                 line={"color": colour, "dash": "dash"}, name="median forecast"))
        fig.add_trace(go.Scatter(x=past["month"], y=past["occupied_km2"], mode="lines", visible=visible,
                                 line={"color": "#222"}, name="DeepState map, first of the month"))
        traces_per_region.append(range(start, len(fig.data)))
    buttons = []
    for region_id, indices in zip(regions, traces_per_region, strict=True):
        shown = [False] * len(fig.data)
        for i in indices:
            shown[i] = True
        buttons.append({"label": names[region_id], "method": "update",
                        "args": [{"visible": shown}, {"title": _fan_title(fan, region_id, names)}]})
    fig.update_layout(title=_fan_title(fan, regions[0], names), xaxis_title="Month",
                      yaxis_title="Russian-held area (km²)",
                      updatemenus=[{"buttons": buttons, "direction": "down", **MENU_PLACE}],
                      margin={"t": 120})
    note = ("Bands: calibrated predictive intervals (50/80/95 %) of a local-linear-trend model fitted after the "
            "last regime break, calibrated on the errors of earlier origins; regions reconcile to the national total. "
            "Measured coverage (national backtest) in the legend; regional bands borrow the same method, their "
            "coverage is not measured separately.")
    return add_caption(fig, cited, sources, as_of, note=note)


def _fan_title(fan: pd.DataFrame, region_id: str, names: Mapping[str, str]) -> str:
    rows = fan[fan["region_id"] == region_id]
    at12 = rows[rows["horizon_months"] == rows["horizon_months"].max()].iloc[0]
    change = at12["q0.5"] - at12["last_km2"]
    low, high = at12["q0.1"] - at12["last_km2"], at12["q0.9"] - at12["last_km2"]
    return (f"{names[region_id]}: {change:+,.0f} km² expected in {int(at12['horizon_months'])} months "
            f"(80% interval {low:+,.0f} to {high:+,.0f})")


def survival_chart(rates: pd.DataFrame, outlook: pd.DataFrame, crowd: pd.DataFrame, cited: Iterable[str],
                   sources: pd.DataFrame, as_of: AsOf) -> go.Figure:
    """How long inter-state wars lasted (Kaplan-Meier with its band, and the parametric fit), the
    point this war has reached, the kit's P(ended within h months) from there, and crowd
    probabilities (`crowd`: `closes_months` since the war began, `probability`, `label`)."""
    km = rates[(rates["measure"] == "survival") & (rates["method"] == "kaplan_meier")].sort_values("elapsed_months")
    parametric = rates[(rates["measure"] == "survival") & (rates["method"] != "kaplan_meier")]
    parametric = parametric.sort_values("elapsed_months")
    elapsed = float(outlook["elapsed_months"].iloc[0])
    fig = go.Figure([
        go.Scatter(x=[*km["elapsed_months"], *km["elapsed_months"][::-1]], y=[*km["high"], *km["low"][::-1]],
                   fill="toself", fillcolor=_rgba(OKABE_ITO[0], 0.2), line={"width": 0, "shape": "hv"},
                   name="95% band of the base rate (input noise: 95 wars)", hoverinfo="skip"),
        go.Scatter(x=km["elapsed_months"], y=km["estimate"], mode="lines", line={"shape": "hv", "color": OKABE_ITO[0]},
                   name="share of wars still going (Kaplan-Meier)"),
        go.Scatter(x=parametric["elapsed_months"], y=parametric["estimate"], mode="lines",
                   line={"dash": "dot", "color": OKABE_ITO[2]}, name=f"{parametric['method'].iloc[0]} fit"),
    ])
    fig.add_vline(x=elapsed, line={"color": "#555", "dash": "dash"})
    at_risk = int(outlook["at_risk"].iloc[0])
    fig.add_annotation(x=elapsed, y=1.0, text=f"this war: {elapsed:.0f} months ({at_risk} wars lasted as long)",
                       showarrow=False, xanchor="left", yanchor="bottom")
    fig.add_trace(go.Scatter(x=elapsed + outlook["horizon_months"], y=1 - outlook["probability"], mode="markers+text",
                             marker={"color": OKABE_ITO[1], "size": 9}, name="kit: P(still going), conditional",
                             text=[f"{p:.0%} end" for p in outlook["probability"]], textposition="top right"))
    if len(crowd):
        fig.add_trace(go.Scatter(x=crowd["closes_months"], y=1 - crowd["probability"], mode="markers",
                                 marker={"symbol": "diamond", "size": 10, "color": OKABE_ITO[3]},
                                 name="crowd: P(no ceasefire by then)", text=crowd["label"], hoverinfo="text+y"))
    share_12 = float(outlook.loc[outlook["horizon_months"] == 12, "probability"].iloc[0]) \
        if (outlook["horizon_months"] == 12).any() else float(outlook["probability"].iloc[-1])
    fig.update_layout(title=(f"Wars that lasted {elapsed:.0f} months mostly went on: {share_12:.0%} ended within "
                             "the next 12 (base rate)"),
                      xaxis_title="Months since the war began", yaxis_title="Share of wars still going",
                      yaxis={"range": [0, 1.08], "tickformat": ".0%"}, xaxis={"range": [0, 130]})
    note = ("Base rate from other inter-state wars, not a forecast of this one's politics. 'Ends' = the end of "
            "sustained inter-state combat as COW codes it; crowd questions ask about a bilateral ceasefire in effect.")
    return add_caption(fig, cited, sources, as_of, note=note)


def reliability_diagram(scores: pd.DataFrame, cited: Iterable[str], sources: pd.DataFrame, as_of: AsOf,
                        horizons: Iterable[int] = (1, 3, 6, 12), next_known: AsOf = None) -> go.Figure:
    """Measured against nominal coverage of the issued 50/80/95 % intervals, per horizon; an
    explained empty chart when no issued forecast has resolved by `as_of` (`next_known`: when the
    first scored forecast was issued)."""
    if scores.empty:
        return _nothing_resolved("No issued interval could be checked yet", next_known, as_of)
    fig = go.Figure([go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line={"color": "#999", "dash": "dot"},
                                name="perfect calibration")])
    for i, h in enumerate(horizons):
        row = scores[scores["horizon_months"] == h]
        if row.empty:
            continue
        row = row.iloc[0]
        fig.add_trace(go.Scatter(x=list(INTERVALS), y=[row[f"coverage_{level:g}"] for level in INTERVALS],
                                 mode="lines+markers", marker={"color": OKABE_ITO[i % len(OKABE_ITO)]},
                                 name=f"{h} month{'s' if h > 1 else ''} ({int(row['comparisons'])} outcomes)"))
    worst = max((abs(scores[f"coverage_{level:g}"] - level).max() for level in INTERVALS), default=np.nan)
    verdict = "held close to their nominal share" if worst <= 0.1 else "mostly held their nominal share"
    fig.update_layout(title=f"Issued intervals {verdict} (worst gap {worst * 100:.0f} points)",
                      xaxis_title="Nominal coverage of the interval", yaxis_title="Share of outcomes inside",
                      xaxis={"tickformat": ".0%", "range": [0, 1]}, yaxis={"tickformat": ".0%", "range": [0, 1.05]})
    return add_caption(fig, cited, sources, as_of,
                       note="National forecasts of the ledger, scored against the maps as they stand today; "
                            "overlapping horizons make the outcomes dependent.")


def not_issued_message(next_known: AsOf = None) -> str:
    """Why there is no front forecast at a date, and (`next_known`) when the first was issued."""
    return ("The kit issues a calibrated forecast only once enough earlier forecasts have resolved to calibrate "
            "its intervals." + _first(next_known, "calibrated forecast"))


def nothing_resolved_message(next_known: AsOf = None) -> str:
    """Why there is no track record at a date, and (`next_known`) when the first scored forecast was issued."""
    return ("The track record scores the forecasts the ledger issued once their target month is mapped; none had "
            "resolved by this date." + _first(next_known, "scored forecast"))


def _nothing_resolved(title: str, next_known: AsOf, as_of: AsOf) -> go.Figure:
    return not_yet_figure(title, nothing_resolved_message(next_known), as_of)


def pit_histogram(pit: np.ndarray, cited: Iterable[str], sources: pd.DataFrame, as_of: AsOf, bins: int = 10,
                  next_known: AsOf = None) -> go.Figure:
    """Histogram of the probability integral transform: flat when forecasts are calibrated; an
    explained empty chart when none has resolved by `as_of` (`next_known` as for `reliability_diagram`)."""
    if len(pit) == 0:
        return _nothing_resolved("No issued forecast had resolved yet", next_known, as_of)
    counts, edges = np.histogram(np.clip(pit, 0, 1), bins=bins, range=(0, 1))
    centre = (edges[:-1] + edges[1:]) / 2
    fig = go.Figure([go.Bar(x=centre, y=counts, width=1 / bins * 0.95, marker={"color": OKABE_ITO[0]},
                            name="forecasts"),
                     go.Scatter(x=[0, 1], y=[len(pit) / bins] * 2, mode="lines", line={"dash": "dot", "color": "#555"},
                                name="flat (calibrated)")])
    tails = float(np.mean((pit < 0.1) | (pit > 0.9))) if len(pit) else np.nan
    fig.update_layout(title=f"PIT of {len(pit)} resolved national forecasts: {tails:.0%} fell in the outer tenths (20% expected)",
                      xaxis_title="PIT (share of the forecast distribution below the outcome)",
                      yaxis_title="Forecasts", bargap=0.05)
    return add_caption(fig, cited, sources, as_of, note="All horizons 1-12 months pooled; PIT from the issued quantiles.")
