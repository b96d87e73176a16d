"""Poll figures: the concessions trend against talks and the front, acceptability of each text's
terms, and one text's terms over time (the acceptability explorer and its report twin).

Every function returns a captioned `plotly.graph_objects.Figure`. Captions cite the rows drawn
(`cited_by` on the tables given), looked up in the `sources` table the caller passes in. Every
interval drawn is an input-noise band (sampling error only), and the captions say so.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..analysis.polls import MAJORITY, MIN_TREND_POLLS
from ..conventions import AsOf, as_percent, cited_by
from .theme import (
    MENU_PLACE,
    OKABE_ITO,
    SIDE_LEGEND,
    STANCE_COLOURS,
    add_caption,
    day_text,
    fit_height,
    not_yet_figure,
    side_legend_margin,
)

PLOT_HEIGHT = 460
BAND_OPACITY = 0.18
TALKS_COLOUR = "#777777"
FRONT_COLOUR = OKABE_ITO[7]
STANCE_LABELS = {"accept": "ready to give up some territory", "reject": "no territorial concessions"}
BAND_NOTE = ("Bars and bands: 95 % input-noise bands (sampling error with the pollster's design effect, "
             "or 1.3 where none is stated); they leave out wording effects and who was not asked "
             "(occupied areas, people abroad, soldiers at the front).")


def _since(next_known: AsOf, sentence: str) -> str:
    """" <sentence> <day>." when the data say when; nothing otherwise."""
    return "" if next_known is None or pd.isna(next_known) else f" {sentence} {day_text(next_known)}."


def no_polled_terms_figure(as_of: AsOf, next_known: AsOf = None) -> go.Figure:
    """The explained empty chart for a date before any text's provision had a matching poll item."""
    return not_yet_figure("No text's terms had been polled by this date", nothing_polled_message(next_known), as_of)


def nothing_polled_message(next_known: AsOf = None) -> str:
    """Why no text has a polled term at a date, and (`next_known`) when one first had."""
    return ("No poll item matching a provision of a text known then had been released."
            + _since(next_known, "A text first had a polled term on"))


def no_wave_message(next_known: AsOf = None) -> str:
    """Why a table of waves is empty at a date, and (`next_known`) when the next wave was released."""
    return "Too few poll waves had been released by this date." + _since(next_known, "The next was released on")


def _rgba(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _error(points: pd.DataFrame) -> dict:
    return {"type": "data", "symmetric": False, "array": as_percent(points["high"] - points["share"]),
            "arrayminus": as_percent(points["share"] - points["low"]), "thickness": 1.2, "width": 3}


def trend_title(points: pd.DataFrame) -> str:
    """The trend chart's title: where readiness for concessions started, peaked and stands."""
    first, last = points.iloc[0], points.iloc[-1]
    peak = points.loc[points["share"].idxmax()]
    return (f"Ready to give up some territory: {as_percent(first['share']):.0f} % in {first['date']:%b %Y}, "
            f"{as_percent(peak['share']):.0f} % at the peak ({peak['date']:%b %Y}), "
            f"{as_percent(last['share']):.0f} % in {last['date']:%b %Y}")


def trend_figure(points: dict[str, pd.DataFrame], trends: dict[str, pd.DataFrame], talks: pd.DataFrame,
                 front: pd.DataFrame, as_of: AsOf, *, sources: pd.DataFrame, next_known: AsOf = None) -> go.Figure:
    """KIIS's tracking question wave by wave (`points` per stance, from `analysis.polls.series`),
    its local-level trend with the 95 % band (`trends` per stance), the rounds of talks as dotted
    lines, and below it the share of Ukraine under Russian control (`front`). Before the item has
    a trend (too few waves), an explained empty chart; `next_known`: when its trend first existed."""
    if any(trend.empty for trend in trends.values()):
        known = len(next(iter(points.values())))
        return not_yet_figure("Too few waves of the tracking question for a trend by this date",
                              f"A trend needs at least {MIN_TREND_POLLS} waves of the item; {known} had been released."
                              + _since(next_known, "The wave that made a trend possible was released on"), as_of)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.72, 0.28], vertical_spacing=0.06)
    for stance, rows in points.items():
        colour = STANCE_COLOURS[stance]
        trend = trends[stance]
        fig.add_trace(go.Scatter(x=pd.concat([trend["date"], trend["date"][::-1]]),
                                 y=as_percent(pd.concat([trend["high"], trend["low"][::-1]])), fill="toself",
                                 fillcolor=_rgba(colour, BAND_OPACITY), line={"width": 0}, hoverinfo="skip",
                                 name=f"trend band: {STANCE_LABELS[stance]}", legendgroup=stance,
                                 showlegend=False), row=1, col=1)
        fig.add_trace(go.Scatter(x=trend["date"], y=as_percent(trend["level"]), mode="lines",
                                 line={"color": colour, "width": 2}, name=f"trend: {STANCE_LABELS[stance]}",
                                 legendgroup=stance,
                                 hovertemplate="%{x|%b %Y}: trend %{y:.0f} %<extra></extra>"), row=1, col=1)
        fig.add_trace(go.Scatter(x=rows["date"], y=as_percent(rows["share"]), mode="markers",
                                 marker={"color": colour, "size": 8}, error_y=_error(rows),
                                 name=f"poll: {STANCE_LABELS[stance]}", legendgroup=stance,
                                 customdata=np.stack([rows["wave_id"], rows["n_effective"].round()], axis=-1),
                                 hovertemplate="%{customdata[0]} (fieldwork midpoint %{x|%-d %b %Y}): %{y:.0f} %"
                                               " of about %{customdata[1]} asked<extra></extra>"), row=1, col=1)
    for day in talks["date"]:
        fig.add_vline(x=day.strftime("%Y-%m-%d"), line={"dash": "dot", "color": TALKS_COLOUR, "width": 1})
    if not talks.empty:
        fig.add_trace(go.Scatter(x=talks["date"], y=[100] * len(talks), mode="markers", name="round of talks",
                                 marker={"symbol": "triangle-down", "color": TALKS_COLOUR, "size": 8},
                                 text=[html.escape(e) for e in talks["event"]],
                                 hovertemplate="%{x|%-d %b %Y}: %{text}<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(x=front["date"], y=as_percent(front["share"]), mode="lines",
                             line={"color": FRONT_COLOUR, "width": 1.5}, name="front: share of Ukraine held by Russia",
                             hovertemplate="%{x|%b %Y}: %{y:.1f} % held by Russia<extra></extra>"), row=2, col=1)
    fig.add_hline(y=as_percent(MAJORITY), line={"dash": "dash", "color": "#bbbbbb", "width": 1}, row=1, col=1)
    first = next(iter(points.values()))
    fig.update_layout(title=trend_title(first), hovermode="closest", legend={"y": 1.02})
    fig.update_yaxes(title_text="Share of respondents (%)", range=[0, 104], row=1, col=1)
    fig.update_yaxes(title_text="Held by Russia (% of Ukraine)", row=2, col=1)
    fig.update_xaxes(title_text="Fieldwork midpoint (date)", row=2, col=1)
    cited = cited_by(*points.values(), talks, front)
    add_caption(fig, cited, sources, as_of,
                note=("KIIS asks the same question each wave: may Ukraine give up some territory for a quick peace "
                      "and to keep its independence, or under no circumstances? Lines: local-level (Kalman) trend. "
                      + BAND_NOTE + " Dotted lines: rounds of talks."))
    return fit_height(fig, PLOT_HEIGHT)


LABEL_WIDTH = 34


def _row_label(row: pd.Series) -> str:
    """Text (cut to `LABEL_WIDTH`) over its issue: two short lines keep the plot area wide."""
    title = row["title"] if len(row["title"]) <= LABEL_WIDTH else row["title"][: LABEL_WIDTH - 1].rstrip() + "…"
    return f"{html.escape(title)}<br><i>{html.escape(row['issue'])}</i>"


def acceptability_title(accepted: pd.DataFrame) -> str:
    """The acceptability chart's title: how many matched provisions a majority rejects or accepts."""
    rejects = int((accepted["majority"] == "majority rejects").sum())
    accepts = int((accepted["majority"] == "majority accepts").sum())
    return (f"Of {len(accepted)} provisions with a matching poll item, a clear majority rejects {rejects} "
            f"and accepts {accepts}")


def acceptability_figure(accepted: pd.DataFrame, as_of: AsOf, *, sources: pd.DataFrame,
                          next_known: AsOf = None) -> go.Figure:
    """Per provision (rows: text · issue, from `analysis.polls.acceptability` with `title_short`
    and `issue` added by the caller): the latest share accepting and rejecting the best-matching
    item, with 95 % intervals; the match quality and wave in the hover. With no row, an explained
    empty chart (`next_known`: the first day a text had a polled term)."""
    if accepted.empty:
        return no_polled_terms_figure(as_of, next_known)
    rows = accepted.sort_values(["accept", "proposal_id"]).reset_index(drop=True)
    labels = [_row_label(r) for _, r in rows.iterrows()]
    fig = go.Figure()
    for stance, label in (("accept", "accept the term"), ("reject", "reject it")):
        shown = rows[stance].notna()
        part = rows[shown]
        fig.add_trace(go.Scatter(
            x=as_percent(part[stance]), y=[labels[i] for i in part.index], mode="markers", name=label,
            marker={"color": STANCE_COLOURS[stance], "size": 9, "symbol": "circle" if stance == "accept" else "x"},
            error_x={"type": "data", "symmetric": False, "array": as_percent(part[f"{stance}_high"] - part[stance]),
                     "arrayminus": as_percent(part[stance] - part[f"{stance}_low"]), "thickness": 1.2},
            customdata=np.stack([part["question_id"], part["match"], part["wave_id"],
                                 part["published"].dt.strftime("%-d %b %Y")], axis=-1),
            hovertemplate=("%{y}: %{x:.0f} % " + label + "<br>item %{customdata[0]} (%{customdata[1]} match)"
                           "<br>wave %{customdata[2]}, released %{customdata[3]}<extra></extra>")))
    fig.add_vline(x=as_percent(MAJORITY), line={"dash": "dash", "color": "#999", "width": 1})
    fig.update_layout(title=acceptability_title(rows), xaxis={"title": "Share of respondents (%)", "range": [0, 100]},
                      yaxis={"title": "Text · issue", "automargin": True}, hovermode="closest")
    add_caption(fig, cited_by(rows), sources, as_of,
                note=("Each row: the best-matching poll item's latest wave (data/polls/CODEBOOK.md rules; matches "
                      "'partial' or better). " + BAND_NOTE))
    return fit_height(fig, max(PLOT_HEIGHT, 40 * len(rows)))


STANCE_VERBS = {"accept": "accepting", "reject": "rejecting"}


def _term_traces(history: pd.DataFrame, visible: bool, stance: str = "accept") -> list[go.Scatter]:
    """One line (with intervals) per issue and item of one text's history: the share `stance`."""
    traces = []
    for (issue, question_id), rows in history.groupby(["issue", "question_id"], sort=True):
        rows = rows.sort_values("date")
        match = rows["match"].iloc[0]
        traces.append(go.Scatter(
            x=rows["date"], y=as_percent(rows[stance]), mode="lines+markers", visible=visible,
            name=f"{issue}: {question_id} ({match})",
            error_y={"type": "data", "symmetric": False, "array": as_percent(rows[f"{stance}_high"] - rows[stance]),
                     "arrayminus": as_percent(rows[stance] - rows[f"{stance}_low"]), "thickness": 1},
            customdata=np.stack([rows["wave_id"], rows["majority"]], axis=-1),
            hovertemplate=("%{customdata[0]}: %{y:.0f} % " + STANCE_VERBS[stance] +
                           "<br>%{customdata[1]}<extra></extra>")))
    return traces


def terms_title(history: pd.DataFrame, title: str) -> str:
    """A text's terms chart title: of its matched terms, how many the latest poll shows most
    respondents rejecting, accepting, or neither (a wave that reports only one side counts as
    neither unless that side is above half)."""
    latest = history.sort_values("published").groupby(["issue", "question_id"]).tail(1)
    rejected = int(latest["majority"].isin(["majority rejects", "most reject (within the margin)"]).sum())
    accepted = int(latest["majority"].isin(["majority accepts", "most accept (within the margin)"]).sum())
    return (f"{title}: in the latest wave, most respondents reject {rejected} of its {len(latest)} polled "
            f"terms, accept {accepted}, and {len(latest) - rejected - accepted} have no majority")


def terms_figure(history: pd.DataFrame, title: str, as_of: AsOf, *, sources: pd.DataFrame,
                 stance: str = "accept") -> go.Figure:
    """One text's polled terms over time: share accepting (or, `stance="reject"`, rejecting) each
    matched item, wave by wave, with 95 % intervals and the 50 % line (`history`:
    `analysis.polls.term_history` rows of one text, with an `issue` name column)."""
    fig = go.Figure(_term_traces(history, True, stance))
    fig.add_hline(y=as_percent(MAJORITY), line={"dash": "dash", "color": "#999", "width": 1})
    fig.update_layout(title=terms_title(history, title),
                      yaxis={"title": f"Share {STANCE_VERBS[stance]} (%)", "range": [0, 100]},
                      xaxis={"title": "Fieldwork midpoint (date)"}, hovermode="closest", legend=SIDE_LEGEND,
                      margin={"r": side_legend_margin(fig)})
    add_caption(fig, cited_by(history), sources, as_of,
                note="Legend: issue, poll item and its match quality to the text's provision. " + BAND_NOTE)
    return fit_height(fig, PLOT_HEIGHT)


def acceptability_explorer_report(history: pd.DataFrame, titles: dict[str, str], start: str, as_of: AsOf, *,
                                  sources: pd.DataFrame, next_known: AsOf = None) -> go.Figure:
    """The acceptability explorer's twin for reports: every text's terms chart in one figure, a
    plotly dropdown choosing the text (`titles`: proposal_id -> title, in menu order; `start`
    first, or the first title when `start` is not among them). No title: an explained empty
    chart (`next_known` as for `acceptability_figure`)."""
    if not titles:
        return no_polled_terms_figure(as_of, next_known)
    start = start if start in titles else next(iter(titles))
    fig = go.Figure()
    buttons, spans = [], []
    for proposal_id, title in titles.items():
        rows = history[history["proposal_id"] == proposal_id]
        traces = _term_traces(rows, proposal_id == start)
        spans.append((title, len(fig.data), len(fig.data) + len(traces), rows))
        fig.add_traces(traces)
    for title, begin, end, rows in spans:
        visible = [begin <= i < end for i in range(len(fig.data))]
        buttons.append({"label": title[:60], "method": "update",
                        "args": [{"visible": visible}, {"title": {"text": terms_title(rows, title)}}]})
    start_rows = history[history["proposal_id"] == start]
    fig.add_hline(y=as_percent(MAJORITY), line={"dash": "dash", "color": "#999", "width": 1})
    fig.update_layout(title=terms_title(start_rows, titles[start]), hovermode="closest",
                      yaxis={"title": "Share accepting (%)", "range": [0, 100]},
                      xaxis={"title": "Fieldwork midpoint (date)"},
                      updatemenus=[{"buttons": buttons, "active": list(titles).index(start), **MENU_PLACE}],
                      legend=SIDE_LEGEND, margin={"t": 120, "r": 280})
    add_caption(fig, cited_by(history), sources, as_of,
                note="Pick a text in the menu. Legend: issue, poll item and its match quality. " + BAND_NOTE)
    return fit_height(fig, PLOT_HEIGHT)
