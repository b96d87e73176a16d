"""Reconstruction charts: assessments over time, sectors, growth, and the funding gap.

Every builder takes the tables `load()` returns (or the analysis layer's output), writes a title
that states what the data show, axis titles with units, and a caption naming the sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go

from ..analysis import reconstruction as rec
from ..conventions import AsOf, cited_by
from .theme import EXTENDED, OKABE_ITO, SIDE_LEGEND, add_caption, day_text, fit_height, not_yet_figure, side_legend_margin

USD_AXIS = "USD billion (current prices)"
MEASURE_LABELS = {"damage_usd_bn": "Damage", "losses_usd_bn": "Losses", "needs_usd_bn": "Needs"}
MEASURE_COLOURS = {"damage_usd_bn": OKABE_ITO[1], "losses_usd_bn": OKABE_ITO[4], "needs_usd_bn": OKABE_ITO[0]}
# Sector names whose label is not just the id with spaces.
SECTOR_LABELS = {"commerce_industry": "Commerce and industry"}
UNALLOCATED_COLOUR = "#D9D9D9"
# Height of the plotting area; the figure grows by its margins, so long captions never squeeze it.
PLOT_HEIGHT = 400
FUNDING_COMPONENTS = {
    "immobilised_assets": ("Immobilised Russian assets", OKABE_ITO[1]),
    "committed_instruments": ("Committed instruments", OKABE_ITO[5]),
    "donor_support": ("Donor support", OKABE_ITO[2]),
    "private_capital": ("Private capital", OKABE_ITO[4]),
}


def sector_label(sector: str) -> str:
    """A sector id as a chart label."""
    return SECTOR_LABELS.get(sector, sector.replace("_", " ").capitalize())


def _captioned(fig: go.Figure, cited: Iterable[str], sources: pd.DataFrame, as_of: AsOf,
               note: str | None = None) -> go.Figure:
    """Add the caption, then size the figure so the plot keeps PLOT_HEIGHT above it."""
    return fit_height(add_caption(fig, cited, sources, as_of, note=note), PLOT_HEIGHT)


def _bn(value: float) -> str:
    return f"${value:,.0f}bn"


def _as_of(table: pd.DataFrame) -> pd.Timestamp:
    return table["published"].max()


def _next(next_known: AsOf, what: str) -> str:
    """" The first ... was published on <date>." when the data says when (`first_known(after=)`)."""
    return "" if next_known is None or pd.isna(next_known) else f" The {what} was published on {day_text(next_known)}."


def assessments_figure(assessments: pd.DataFrame, *, sources: pd.DataFrame, as_of: AsOf = None,
                       next_known: AsOf = None) -> go.Figure:
    """Damage, losses and needs of each joint RDNA at its as-of date; KSE and Lugano beside them.

    Before any estimate was published (as of `as_of`), a note says so and, with `next_known`
    (e.g. `first_known("reconstruction_assessments", after=as_of)`), when the first one came.
    """
    if assessments.empty:
        return not_yet_figure("No estimate of war damage or rebuilding needs had been published yet",
                              "No damage, loss or needs estimate in the data was published by this date."
                              + _next(next_known, "first estimate"), as_of)
    rdna = assessments[assessments["kind"] == rec.TREND_KIND].sort_values("period_end")
    fig = go.Figure()
    for measure, label in MEASURE_LABELS.items():
        rows = rdna[rdna[measure].notna()]
        fig.add_trace(go.Scatter(
            x=rows["period_end"], y=rows[measure], mode="lines+markers+text", name=f"{label} (RDNA)",
            text=rows["assessment_id"], textposition="top center", textfont={"size": 10},
            line={"color": MEASURE_COLOURS[measure]},
            hovertemplate=f"%{{text}}<br>{label}: $%{{y:,.0f}}bn<br>as of %{{x|%d %b %Y}}<extra></extra>",
        ))
    kse = assessments[assessments["kind"] == "kse_damage"].sort_values("period_end")
    fig.add_trace(go.Scatter(
        x=kse["period_end"], y=kse["damage_usd_bn"], mode="markers", name="Damage (KSE, documented)",
        marker={"symbol": "circle-open", "size": 9, "color": MEASURE_COLOURS["damage_usd_bn"]},
        hovertemplate="KSE damage: $%{y:,.1f}bn<br>as of %{x|%d %b %Y}<extra></extra>",
    ))
    plans = assessments[assessments["kind"] == "government_plan"]
    fig.add_trace(go.Scatter(
        x=plans["period_end"], y=plans["needs_usd_bn"], mode="markers", name="Needs (Lugano recovery plan)",
        marker={"symbol": "star", "size": 13, "color": MEASURE_COLOURS["needs_usd_bn"]},
        hovertemplate="Lugano plan: $%{y:,.0f}bn<extra></extra>",
    ))
    fig.update_layout(title=_assessments_title(assessments, rdna), xaxis_title="As-of date of the estimate",
                      yaxis_title=USD_AXIS, yaxis_rangemode="tozero")
    return _captioned(fig, assessments["source_id"], sources, _as_of(assessments),
                       note="Damage, losses and needs are different quantities: never add them. "
                            "KSE counts documented direct damage only.")


def _assessments_title(assessments: pd.DataFrame, rdna: pd.DataFrame) -> str:
    """The finding: how the joint needs estimates grew, or the latest damage figure before the first RDNA."""
    with_needs = rdna[rdna["needs_usd_bn"].notna()]
    if len(with_needs) >= 2:
        first, last = with_needs.iloc[0], with_needs.iloc[-1]
        return (f"Joint estimates of rebuilding needs rose from {_bn(first['needs_usd_bn'])} "
                f"({first['assessment_id']}) to {_bn(last['needs_usd_bn'])} ({last['assessment_id']})")
    if len(with_needs) == 1:
        only = with_needs.iloc[0]
        return f"The first joint assessment ({only['assessment_id']}) put rebuilding needs at {_bn(only['needs_usd_bn'])}"
    damage = assessments[assessments["damage_usd_bn"].notna()].sort_values("period_end")
    if damage.empty:
        return "No joint needs assessment yet"
    latest = damage.iloc[-1]
    return (f"No joint needs assessment yet; documented damage reached {_bn(latest['damage_usd_bn'])} "
            f"by {latest['period_end']:%d %b %Y} ({latest['publisher']})")


def sectors_figure(sectors: pd.DataFrame, assessments: pd.DataFrame, measure: str = "needs_usd_bn", *,
                   sources: pd.DataFrame, as_of: AsOf = None) -> go.Figure:
    """Stacked sector figures per assessment, topped by the part of the total not broken out
    (a note instead while no assessment known on `as_of` breaks the measure out by sector)."""
    label = MEASURE_LABELS[measure]
    rows = sectors[sectors[measure].notna()]
    if rows.empty:
        return not_yet_figure(f"No assessment had broken {label.lower()} out by sector yet",
                              f"None of the {len(assessments)} assessments published by this date gives "
                              f"{label.lower()} by sector.", as_of)
    shown = assessments[assessments["assessment_id"].isin(rows["assessment_id"])].sort_values("period_end")
    order = shown["assessment_id"].tolist()
    fig = go.Figure()
    # Sectors in the order the table lists them (the codebook's order, see the schema of reconstruction_sectors).
    for position, sector in enumerate(dict.fromkeys(rows["sector"])):
        part = rows[rows["sector"] == sector].set_index("assessment_id").reindex(order)
        fig.add_trace(go.Bar(
            # Plotly restarts a stack at a missing value, so absent sectors are stacked as zero.
            x=order, y=part[measure].fillna(0.0), name=sector_label(sector), marker_color=EXTENDED[position % len(EXTENDED)],
            customdata=part["sector_original"],
            hovertemplate=f"%{{x}}: {sector_label(sector)} $%{{y:,.1f}}bn<br>source's name: %{{customdata}}<extra></extra>",
        ))
    totals = shown.set_index("assessment_id")[measure]
    rest = (totals - rows.groupby("assessment_id")[measure].sum()).reindex(order)
    fig.add_trace(go.Bar(
        x=order, y=rest, name="Not broken out by sector in the sources", marker_color=UNALLOCATED_COLOUR,
        hovertemplate="%{x}: $%{y:,.1f}bn not broken out<extra></extra>",
    ))
    latest = order[-1]
    top = rows[rows["assessment_id"] == latest].sort_values(measure, ascending=False).iloc[0]
    fig.update_layout(
        barmode="stack",
        title=f"{sector_label(top['sector'])} has the largest {label.lower()} in {latest}: "
              f"{_bn(top[measure])} of {_bn(totals[latest])}",
        xaxis_title="Assessment (ordered by as-of date)", yaxis_title=USD_AXIS,
        legend={**SIDE_LEGEND, "traceorder": "reversed"},
    )
    return _captioned(fig, cited_by(rows, shown), sources, _as_of(shown),
                       note="Sources publish only their largest sectors; grey is the rest of the published total.")


def growth_figure(assessments: pd.DataFrame, *, sources: pd.DataFrame, as_of: AsOf = None,
                  next_known: AsOf = None) -> go.Figure:
    """Monthly growth of needs and damage between consecutive RDNAs (a note instead before the
    second RDNA; `next_known`: when the next RDNA was published)."""
    if not rec.needs_estimable(assessments):
        return not_yet_figure("Growth between joint assessments needs two of them: not yet",
                              f"{len(rec.trend_assessments(assessments))} joint assessment (RDNA) with needs "
                              "had been published by this date." + _next(next_known, "next RDNA"), as_of)
    fig = go.Figure()
    rates = {}
    for measure in ("needs_usd_bn", "damage_usd_bn"):
        growth = rec.growth_between_assessments(assessments, measure)
        rates[measure] = growth["usd_bn_per_month"]
        fig.add_trace(go.Bar(
            x=growth["from_id"] + "→" + growth["to_id"], y=growth["usd_bn_per_month"],
            name=MEASURE_LABELS[measure], marker_color=MEASURE_COLOURS[measure],
            customdata=growth[["months", "change_usd_bn"]],
            hovertemplate="%{x}: $%{y:.1f}bn a month<br>(+$%{customdata[1]:.0f}bn over %{customdata[0]:.1f} months)"
                          "<extra></extra>",
        ))
    needs = rates["needs_usd_bn"]
    fig.update_layout(
        barmode="group",
        title=f"Needs grew by ${needs.min():.1f}bn to ${needs.max():.1f}bn per month of war between assessments",
        xaxis_title="Between consecutive joint assessments", yaxis_title="USD billion per month of war",
    )
    rdna = assessments[assessments["kind"] == rec.TREND_KIND]
    return _captioned(fig, rdna["source_id"], sources, _as_of(rdna))


def _gap_title(gap: pd.Series, settlement_date) -> str:
    when = pd.Timestamp(settlement_date).strftime("%d %b %Y")
    if gap["value"] >= 0:
        return f"Chosen funding leaves a gap of {_bn(gap['value'])} ({_bn(gap['low'])} to {_bn(gap['high'])}) " \
               f"for a settlement on {when}"
    return f"Chosen funding exceeds needs by {_bn(-gap['value'])} for a settlement on {when}"


def _no_needs_figure(as_of: AsOf) -> go.Figure:
    return not_yet_figure("No funding gap yet: needs at a settlement are not estimated before two RDNAs",
                          "Needs at a future date extend the trend of the joint assessments (RDNAs), which needs "
                          "two of them; fewer had been published by this date.", as_of)


def funding_gap_figure(gap_table: pd.DataFrame, settlement_date, cited: Sequence[str], as_of: AsOf, *,
                       sources: pd.DataFrame) -> go.Figure:
    """Needs (with band), the funding stacked by source, and the gap (with band), as bars.

    `gap_table`: the output of `analysis.reconstruction.funding_gap`. Without a needs estimate
    (fewer than two RDNAs known on `as_of`) a note says so instead.
    """
    table = gap_table.set_index("quantity")
    needs, gap = table.loc["needs"], table.loc["gap"]
    if pd.isna(needs["value"]):
        return _no_needs_figure(as_of)
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=["Needs at settlement"], y=[needs["value"]], name="Needs (band: alternative growth rates)",
        marker_color=MEASURE_COLOURS["needs_usd_bn"],
        error_y={"type": "data", "symmetric": False, "array": [needs["high"] - needs["value"]],
                 "arrayminus": [needs["value"] - needs["low"]]},
        hovertemplate="Needs $%{y:,.0f}bn<extra></extra>",
    ))
    for quantity, (label, colour) in FUNDING_COMPONENTS.items():
        fig.add_trace(go.Bar(x=["Funding"], y=[table.loc[quantity, "value"]], name=label, marker_color=colour,
                             hovertemplate=f"{label} $%{{y:,.0f}}bn<extra></extra>"))
    fig.add_trace(go.Bar(
        x=["Gap"], y=[gap["value"]], name="Gap", marker_color=OKABE_ITO[7],
        error_y={"type": "data", "symmetric": False, "array": [gap["high"] - gap["value"]],
                 "arrayminus": [gap["value"] - gap["low"]]},
        hovertemplate="Gap $%{y:,.0f}bn<extra></extra>",
    ))
    fig.update_layout(barmode="stack", title=_gap_title(gap, settlement_date),
                      xaxis_title="", yaxis_title=USD_AXIS, legend={**SIDE_LEGEND, "traceorder": "reversed"},
                      margin={"r": side_legend_margin(fig)})
    return _captioned(fig, cited, sources, as_of)


def funding_gap_explorer_report(grid: pd.DataFrame, case_labels: dict[str, str], cited: Sequence[str],
                                as_of: AsOf, *, sources: pd.DataFrame) -> go.Figure:
    """Gap by settlement date with its band, one case per slider step: the funding-gap explorer's
    twin for reports (its slider is plotly-native).

    `grid`: rows of `funding_gap_grid` with a `case` column; `case_labels`: case -> slider label,
    in slider order.
    """
    if grid["gap"].isna().all():
        return _no_needs_figure(as_of)
    fig = go.Figure()
    cases = list(case_labels)
    titles = []
    for number, case in enumerate(cases):
        rows = grid[grid["case"] == case].sort_values("settlement_date")
        visible = number == 0
        fig.add_trace(go.Scatter(x=rows["settlement_date"], y=rows["gap_high"], mode="lines", line={"width": 0},
                                 showlegend=False, hoverinfo="skip", visible=visible))
        fig.add_trace(go.Scatter(
            x=rows["settlement_date"], y=rows["gap_low"], mode="lines", line={"width": 0}, fill="tonexty",
            fillcolor="rgba(0,114,178,0.2)", name="Band (alternative growth rates)", visible=visible,
            hoverinfo="skip",
        ))
        fig.add_trace(go.Scatter(
            x=rows["settlement_date"], y=rows["gap"], mode="lines", line={"color": OKABE_ITO[0], "width": 3},
            name="Funding gap", visible=visible,
            hovertemplate="Settlement %{x|%b %Y}: gap $%{y:,.0f}bn<extra></extra>",
        ))
        end = rows.iloc[-1]
        titles.append(f"{case_labels[case][:1].upper()}{case_labels[case][1:]}: gap of {_bn(end['gap'])} if the war ends "
                      f"{pd.Timestamp(end['settlement_date']).strftime('%b %Y')}")
    steps = []
    for number, case in enumerate(cases):
        mask = [trace_case == number for trace_case in range(len(cases)) for _ in range(3)]
        steps.append({"method": "update", "label": case_labels[case],
                      "args": [{"visible": mask}, {"title.text": titles[number]}]})
    fig.add_hline(y=0, line={"color": "#555", "width": 1})
    fig.update_layout(
        title=titles[0], xaxis_title="Settlement date (end of the war)", yaxis_title=USD_AXIS,
        # Slider above the plot: the caption takes the space below it.
        sliders=[{"active": 0, "steps": steps, "currentvalue": {"visible": False},
                  "x": 0, "len": 1, "y": 1.02, "yanchor": "bottom", "pad": {"t": 0, "b": 10}}],
        legend={"x": 0.01, "y": 0.98, "xanchor": "left", "yanchor": "top", "orientation": "v"},
        margin={"t": 150},
    )
    return _captioned(fig, cited, sources, as_of)
