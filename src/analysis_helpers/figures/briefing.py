"""Briefing charts: the events timeline and the claims check."""

from __future__ import annotations

import html
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

from ..analysis import briefing as analysis
from ..analysis import territory
from ..conventions import DAYS_PER_YEAR, NATIONAL_ID, AsOf, days_to_months
from .theme import EXTENDED, OKABE_ITO, add_caption, day_text, fit_height, label_margin, not_yet_figure

KIND_COLOURS = dict(zip(analysis.KIND_ORDER, OKABE_ITO[:7] + EXTENDED[:4], strict=True))
KIND_SYMBOLS = {"talks": "circle", "summit": "star", "proposal": "diamond", "agreement": "square",
                "exchange": "triangle-up", "military": "x", "escalation": "triangle-down",
                "annexation": "hexagon", "sanctions": "pentagon", "legal": "cross", "other": "circle-open"}
VERDICT_COLOURS = {"supported": "#009E73", "outdated": "#E69F00", "partly wrong": "#CC79A7",
                   "wrong": "#D55E00", "not checkable": "#999999"}
# Groups offered by the timeline's dropdown (plotly-native, so they work in exported HTML).
PLOT_HEIGHT = 420
LEAD_DAYS = 60  # margin around the talks period shown by default
KIND_GROUPS = {
    "Diplomacy": ["talks", "summit", "proposal", "agreement", "exchange"],
    "War and its law": ["military", "escalation", "annexation", "sanctions", "legal"],
}


def _hover(rows: pd.DataFrame) -> list[str]:
    def when(row) -> str:
        start = row["date"].strftime("%-d %b %Y")
        return start if pd.isna(row["end_date"]) else f"{start} – {row['end_date'].strftime('%-d %b %Y')}"

    return [
        "<br>".join([f"<b>{html.escape(row['event'])}</b>", when(row), html.escape(row["location"]),
                     f"Who: {html.escape(row['participants'])}", f"Outcome: {html.escape(row['outcome'])}",
                     f"Source: {row['source_id']}"])
        for _, row in rows.iterrows()
    ]


def timeline_title(events: pd.DataFrame) -> str:
    """A title that states what the timeline shows: the longest pause in direct talks."""
    gap = analysis.longest_gap(analysis.direct_talks(events)["date"])
    if gap is None:
        return f"{len(events)} event{'' if len(events) == 1 else 's'} of the talks and the war"
    return (f"Direct Russia–Ukraine talks paused for {gap['days'] / DAYS_PER_YEAR:.1f} years, "
            f"from {gap['after']:%B %Y} to {gap['before']:%B %Y}")


def timeline_figure(events: pd.DataFrame, as_of: AsOf, kinds: Iterable[str] | None = None, *,
                    sources: pd.DataFrame, kind_menu: bool = True) -> go.Figure:
    """Events up to `as_of`, one lane per kind; the dropdown (and the legend) filter kinds offline.

    `kind_menu=False` leaves the dropdown out, for a chart whose filter is elsewhere (the live
    explorer's controls)."""
    shown = analysis.filter_events(analysis.events_until(events, as_of), kinds)
    lanes = analysis.timeline_lanes(shown)
    present = analysis.kinds_present(lanes)
    fig = go.Figure()
    for kind in present:
        rows = lanes[lanes["kind"] == kind]
        fig.add_trace(go.Scatter(
            x=rows["date"], y=[kind] * len(rows), mode="markers", name=kind,
            marker={"size": 12, "symbol": KIND_SYMBOLS.get(kind, "circle"), "color": KIND_COLOURS.get(kind),
                    "line": {"width": 1, "color": "#333"}},
            hovertext=_hover(rows), hoverinfo="text",
        ))
    buttons = [{"label": "All kinds", "method": "update", "args": [{"visible": [True] * len(present)}]}]
    for label, group in KIND_GROUPS.items():
        if any(kind in group for kind in present):
            buttons.append({"label": label, "method": "update",
                            "args": [{"visible": [kind in group for kind in present]}]})
    buttons += [{"label": kind, "method": "update", "args": [{"visible": [k == kind for k in present]}]}
                for kind in present]
    talks = shown.loc[shown["kind"] == "talks", "date"]
    end = pd.Timestamp(as_of) + pd.Timedelta(days=LEAD_DAYS)
    focus = [(talks.min() if not talks.empty else shown["date"].min()) - pd.Timedelta(days=LEAD_DAYS), end]
    everything = [shown["date"].min() - pd.Timedelta(days=LEAD_DAYS), end]
    first_talks = focus[0] + pd.Timedelta(days=LEAD_DAYS)
    ranges = [{"label": f"From {first_talks:%Y}", "method": "relayout", "args": [{"xaxis.range": focus}]},
              {"label": f"All, from {everything[0]:%Y}", "method": "relayout", "args": [{"xaxis.range": everything}]}]
    fig.update_layout(
        title=timeline_title(shown),
        xaxis={"title": "Date", "type": "date", "range": focus},
        yaxis={"title": "Kind of event", "categoryorder": "array", "categoryarray": list(reversed(present))},
        updatemenus=[*([{"buttons": buttons, "direction": "down", "x": 1.0, "xanchor": "right", "y": 1.12,
                         "yanchor": "bottom", "showactive": True}] if kind_menu else []),
                     {"buttons": ranges, "type": "buttons", "direction": "right", "x": 0.78, "xanchor": "right",
                      "y": 1.12, "yanchor": "bottom", "showactive": True}],
        showlegend=True, margin={"l": label_margin(present), "t": 100},
    )
    fig.add_vline(x=pd.Timestamp(as_of).strftime("%Y-%m-%d"), line={"dash": "dot", "color": "#888"})
    add_caption(fig, shown["source_id"], sources, as_of,
                note="Each marker is one event of the kit's events table; hover for place, participants, "
                     f"outcome and source. Filter kinds with the {'menu or the ' if kind_menu else ''}legend; "
                     "the buttons show the period of the talks or every event (from 2014). "
                     "Dotted line: the as-of date.")
    return fit_height(fig, PLOT_HEIGHT)


def timeline_explorer_report(events: pd.DataFrame, as_of: AsOf, *, sources: pd.DataFrame) -> go.Figure:
    """The timeline explorer's twin for reports: every event, kinds filtered by the in-chart menu."""
    return timeline_figure(events, as_of, sources=sources)


def verdict_title(checked: pd.DataFrame) -> str:
    """The verdict chart's title: how many checkable claims no longer hold."""
    counts = checked["verdict_now"].value_counts()
    checkable = len(checked) - counts.get("not checkable", 0)
    off = counts.get("outdated", 0) + counts.get("partly wrong", 0) + counts.get("wrong", 0)
    return (f"Of the article's {checkable} checkable claims, {counts.get('supported', 0)} hold up "
            f"and {off} are outdated or wrong in part or whole")


def _article_not_yet(as_of: AsOf, next_known: AsOf) -> go.Figure:
    written = "" if next_known is None or pd.isna(next_known) else f" It was written on {day_text(next_known)}."
    return not_yet_figure("The article's claims had not been made yet",
                          f"The article whose claims this section checks did not exist on this date.{written}", as_of)


def verdict_figure(checked: pd.DataFrame, as_of: AsOf, *, sources: pd.DataFrame, next_known: AsOf = None) -> go.Figure:
    """Claims per topic, stacked by their current verdict (before the article, with `next_known`
    the day its claims were made, a note instead)."""
    if checked.empty:
        return _article_not_yet(as_of, next_known)
    counts = analysis.verdict_counts(checked)
    counts = counts.loc[counts.sum(axis=1).sort_values().index]
    fig = go.Figure()
    for verdict in analysis.VERDICT_ORDER:
        fig.add_trace(go.Bar(y=counts.index, x=counts[verdict], name=verdict, orientation="h",
                             marker={"color": VERDICT_COLOURS[verdict]},
                             hovertemplate="%{y}: %{x} " + verdict + "<extra></extra>"))
    fig.update_layout(barmode="stack", title=verdict_title(checked), legend={"traceorder": "normal"},
                      xaxis={"title": "Claims (count)", "dtick": 1}, yaxis={"title": "Topic"})
    claim_date = checked["claim_date"].max()
    add_caption(fig, checked["source_id"], sources, as_of,
                note=f"Claims judged as of the article's date, {claim_date:%-d %B %Y}; "
                     "verdicts with a `computed` check are recomputed from the current data.")
    return fit_height(fig, PLOT_HEIGHT)


def claims_table_html(checked: pd.DataFrame, sources: pd.DataFrame) -> str:
    """The claims check as an HTML table: claim, verdict (flagged when data changed it), evidence, basis."""
    publishers = sources.set_index("source_id")
    rows = []
    for claim in checked.sort_values("claim_id").itertuples(index=False):
        colour = VERDICT_COLOURS[claim.verdict_now]
        verdict = f'<span style="color:{colour};font-weight:bold">{html.escape(claim.verdict_now)}</span>'
        if claim.changed:
            verdict += f"<br><small>(recorded: {html.escape(claim.verdict)}; the data now says otherwise)</small>"
        evidence = html.escape(claim.evidence)
        if claim.computed_evidence:
            evidence += f"<br><i>Computed: {html.escape(claim.computed_evidence)}</i>"
        source = publishers.loc[claim.source_id] if claim.source_id in publishers.index else None
        cited = (f'<a href="{html.escape(source["url"], quote=True)}" rel="noopener noreferrer">'
                 f'{html.escape(source["publisher"])}, {source["published"]:%Y-%m-%d}</a>'
                 if source is not None else html.escape(claim.source_id))
        basis = "<br>".join(html.escape(ref) for ref in claim.decided_by.split("; "))
        rows.append(f"<tr><td>{html.escape(claim.claim_id)}</td><td>{html.escape(claim.topic)}</td>"
                    f"<td>{html.escape(claim.claim)}</td><td>{verdict}</td><td>{evidence}</td>"
                    f"<td><small>{basis}</small></td><td>{cited}</td></tr>")
    header = "".join(f"<th>{h}</th>" for h in ("id", "Topic", "Claim (paraphrased)", "Verdict", "Evidence",
                                               "Decided by", "Source"))
    return f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def front_movement_figure(control: pd.DataFrame, claim_date, as_of: AsOf, *, sources: pd.DataFrame,
                          next_known: AsOf = None) -> go.Figure:
    """Russian-held area over time, with the year before the article and its net change marked
    (a note instead before the article: `claim_date` missing, `next_known` its date)."""
    if pd.isna(claim_date):
        return _article_not_yet(as_of, next_known)
    national = control[control["region_id"] == NATIONAL_ID].sort_values("date")
    fig = go.Figure()
    for basis, rows in national.groupby("basis", sort=False):
        fig.add_trace(go.Scatter(x=rows["date"], y=rows["occupied_km2"], mode="lines+markers", name=f"{basis} maps",
                                 hovertemplate="%{x|%-d %b %Y}: %{y:,.0f} km²<extra>" + basis + "</extra>"))
    move = territory.front_movement(control, claim_date, analysis.FRONT_WINDOW_DAYS)
    title = "Russian-held area of Ukraine"
    if move is not None:
        months = days_to_months((move["end"] - move["start"]).days)
        pace = ("a front that barely moved" if abs(move["km2_per_month"]) < analysis.STATIC_FRONT_KM2_PER_MONTH
                else "slow, but not metres")
        title = (f"In the {months:.0f} months before the article Russia's net gain was {move['change_km2']:,.0f} km² "
                 f"({move['km2_per_month']:,.0f} km² a month): {pace}")
        fig.add_vrect(x0=move["start"], x1=move["end"], fillcolor="#E69F00", opacity=0.15, line_width=0)
    fig.add_vline(x=pd.Timestamp(claim_date).strftime("%Y-%m-%d"), line={"dash": "dot", "color": "#555"})
    fig.update_layout(title=title, xaxis={"title": "Date"}, yaxis={"title": "Russian-held area (km²)"})
    add_caption(fig, national["source_id"], sources, as_of,
                note="Shaded: the window the claims check compares (one mapping source only); dotted line: "
                     "the article's date. Crimea and the areas held before 2022 are included.")
    return fit_height(fig, PLOT_HEIGHT)
