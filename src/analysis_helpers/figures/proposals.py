"""Proposal figures: texts x issues matrix, each text's line on the map, sides, actor distances, diffs.

Every function returns a captioned `plotly.graph_objects.Figure`; menus are plotly-native
(`updatemenus`), so they keep working in an exported HTML report. Captions cite the rows drawn
(`cited_by` on the tables given, or the `cited` ids the caller gathered from them), looked up in
the `sources` table the caller passes in.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from ..analysis.population import REFERENCE_NOTE as PEOPLE_NOTE
from ..analysis.proposals import SIDE_LABELS, proposals_in_order
from ..conventions import AsOf, as_percent, cited_by
from .territory import _colourbar_trace, _map_layout, _region_traces
from .theme import (
    DIVERGING_POSITION,
    MENU_PLACE,
    OKABE_ITO,
    SEQUENTIAL_SHARE,
    SIDE_COLOURS,
    add_caption,
    day_text,
    label_margin,
    not_yet_figure,
    recaption,
)

BUFFER_COLOUR = "#999999"
STATE_TEXT = {"silent": "silent", "not reported": "n/r"}
MAIN_ACTORS = ("ukraine", "russia", "usa", "eu", "uk", "germany", "france", "china", "turkey", "india", "brazil")
CHANGE_SCALE = "RdBu_r"
MIN_ISSUES_FOR_FINDING = 3


def _escape(text: object) -> str:
    return html.escape(str(text), quote=False)


def _short(title: str, width: int = 46) -> str:
    return title if len(title) <= width else title[: width - 1].rstrip() + "…"


def _wrap(text: str, width: int) -> str:
    """Break `text` into lines of about `width` characters (plotly `<br>`)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "<br>".join(lines)


REPORTED_MARK = " †"
REPORTED_NOTE = "†: text known only through reports of it."


def _label(text: pd.Series) -> str:
    """Axis label of a text: date, then its title over at most two short lines; † when the text is
    known only through reports."""
    title = _wrap(_short(text["title"], 64), 34).split("<br>")
    mark = REPORTED_MARK if text.get("text_access") == "reports only" else ""
    return f"{text['date']:%b %Y} · " + "<br>".join(title[:2]) + mark


def _menu_label(text: pd.Series) -> str:
    return f"{text['date']:%b %Y} · {_short(text['title'], 60)}"


def _source_text(sources: pd.DataFrame, source_id: object) -> str:
    if pd.isna(source_id) or source_id not in sources.index:
        return ""
    row = sources.loc[source_id]
    return f"{_escape(row['publisher'])}, {_escape(row['title'])} ({row['published']:%Y})"


def no_text_message(next_known: AsOf = None, what: str = "settlement text") -> str:
    """Why a chart or table of the texts is empty on its as-of date; with `next_known`
    (`first_known("proposals", after=as_of)`) the date of the next text. Charts and tables share it."""
    later = "" if next_known is None or pd.isna(next_known) else f"; the next is dated {day_text(next_known)}"
    return f"No {what} in the data is dated on or before this date{later}."


def no_text_yet(as_of: AsOf, next_known: AsOf = None, what: str = "settlement text") -> go.Figure:
    """The note a chart of the texts shows when none it could draw is known on `as_of`
    (`no_text_message`, under a title)."""
    return not_yet_figure(f"No {what} yet", no_text_message(next_known, what), as_of)


def position_matrix_figure(matrix: pd.DataFrame, sources: pd.DataFrame, as_of: AsOf, *,
                           next_known: AsOf = None) -> go.Figure:
    """Texts (date order, earliest on top) x issues, coloured by coded position; hover gives the
    provision and its source; silent cells say so, unreported cells read n/r. Before the first
    text, a note (`no_text_yet`)."""
    if matrix.empty:
        return no_text_yet(as_of, next_known)
    by_id = sources.set_index("source_id")
    texts = matrix.drop_duplicates("proposal_id")[["proposal_id", "title", "date", "text_access"]]
    issues = matrix.drop_duplicates("issue_id")[["issue_id", "issue"]]
    grid = matrix.set_index(["proposal_id", "issue_id"])
    z, labels, hover = [], [], []
    for text in texts.itertuples(index=False):
        row_z, row_label, row_hover = [], [], []
        for issue in issues.itertuples(index=False):
            cell = grid.loc[(text.proposal_id, issue.issue_id)]
            row_z.append(cell["position"] if cell["state"] == "coded" else np.nan)
            row_label.append(f"{cell['position']:g}" if cell["state"] == "coded" else STATE_TEXT[cell["state"]])
            detail = (f"{cell['position']:g} / 100" if cell["state"] == "coded" else cell["state"])
            provision = _escape(cell["provision"]) if isinstance(cell["provision"], str) else "No report says."
            source = _source_text(by_id, cell["source_id"])
            access = " · known only through reports" if text.text_access == "reports only" else ""
            row_hover.append(f"<b>{_escape(text.title)}</b> ({text.date:%d %b %Y}{access})<br>"
                             f"<b>{_escape(issue.issue)}: "
                             f"{detail}</b><br>{provision}" + (f"<br><i>Source: {source}</i>" if source else ""))
        z.append(row_z)
        labels.append(row_label)
        hover.append(row_hover)
    y = [_label(t) for _, t in texts.iterrows()]
    fig = go.Figure(go.Heatmap(
        z=z, x=[_wrap(i, 14) for i in issues["issue"]], y=y,
        zmin=0, zmax=100, colorscale=DIVERGING_POSITION, reversescale=True,
        colorbar={"title": "Position<br>0 = Ukraine's<br>demand<br>100 = Russia's"},
        text=labels, texttemplate="%{text}", customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        xgap=2, ygap=2))
    coded = matrix[matrix["state"] == "coded"]
    territory = coded[coded["issue_id"] == "territory"].sort_values("date")
    recent = territory[territory["date"] > territory["date"].max() - pd.DateOffset(years=1)]
    drift = (f"the last year's texts sit at {recent['position'].min():g}-{recent['position'].max():g} on territory, "
             f"the whole set at {territory['position'].min():g}-{territory['position'].max():g}; "
             if len(territory) >= 2 else "")
    silent_share = (matrix["state"] != "coded").mean()
    fig.update_layout(
        title=f"{len(texts)} texts: {drift}<br>{silent_share:.0%} of cells are silent or unreported",
        xaxis={"title": "Settlement issue", "side": "top", "tickangle": 0},
        yaxis={"title": "Text (date order)", "autorange": "reversed"},
        height=max(480, 40 * len(texts) + 260), margin={"t": 200, "l": 250}, title_y=0.98, title_yanchor="top")
    note = ("Positions coded from each text by CODEBOOK.md section 11; n/r: no stored report says what the "
            "text provides on the issue. " + REPORTED_NOTE)
    return add_caption(fig, cited_by(matrix), sources, as_of, note=note)


def _line_values(resolved: pd.DataFrame, boundaries: pd.DataFrame, names: pd.Series) -> tuple[list, list]:
    rows = resolved.set_index("region_id").reindex(boundaries["region_id"])
    held = (rows["russian_share"] + rows["buffer_share"]).fillna(0.0)
    colours = [sample_colorscale(SEQUENTIAL_SHARE, [float(min(max(v, 0), 1))])[0] for v in held]
    texts = [f"<b>{_escape(names[r])}</b><br>{row.russian_share:.0%} Russia's side, {row.buffer_share:.0%} buffer, "
             f"{row.ukrainian_share:.0%} Ukraine's side<br>{_escape(row.rule)}"
             + (f"<br>{_escape(row.note)}" if isinstance(row.note, str) and row.note else "")
             for r, row in zip(boundaries["region_id"], rows.itertuples(), strict=True)]
    return colours, texts


def _line_title(proposal: pd.Series, sides: pd.DataFrame) -> str:
    share = sides.set_index("side")["share_of_ukraine"]
    buffer = f" and {share['buffer']:.1%} in a buffer zone" if share["buffer"] > 0 else ""
    return f"{_escape(_short(proposal['title'], 60))}: {share['russian']:.1%} of Ukraine on Russia's side{buffer}"


def lines_map(resolved: pd.DataFrame, sides: pd.DataFrame, proposals: pd.DataFrame, regions: pd.DataFrame,
              boundaries: pd.DataFrame, as_of: AsOf, *, sources: pd.DataFrame, first: str | None = None,
              next_known: AsOf = None) -> go.Figure:
    """Each text's line on the map, one at a time: a dropdown (plotly-native, works in the report)
    switches texts and retitles the map. Colour: share of the region no longer on Ukraine's side
    (Russia's side plus buffer); hover gives the split and the rule. A note while no text known on
    `as_of` draws a line."""
    if resolved.empty:
        return no_text_yet(as_of, next_known, "text drawing a line")
    names = regions.set_index("region_id")["name"]
    with_line = proposals[proposals["proposal_id"].isin(resolved["proposal_id"])]
    drawn = proposals_in_order(with_line).set_index("proposal_id")
    first = first if first in drawn.index else drawn.index[-1]
    buttons = []
    for proposal_id, proposal in drawn.iterrows():
        colours, texts = _line_values(resolved[resolved["proposal_id"] == proposal_id], boundaries, names)
        title = _line_title(proposal, sides[sides["proposal_id"] == proposal_id])
        buttons.append({"label": _menu_label(proposal), "method": "update",
                        "args": [{"fillcolor": colours, "text": texts}, {"title.text": title},
                                 list(range(len(boundaries)))]})
    colours, texts = _line_values(resolved[resolved["proposal_id"] == first], boundaries, names)
    fig = go.Figure([*_region_traces(boundaries, colours, texts), _colourbar_trace()])
    fig.data[-1].marker.colorbar.title.text = "Not on<br>Ukraine's<br>side (%)"
    _map_layout(fig)
    fig.update_layout(title=_line_title(drawn.loc[first], sides[sides["proposal_id"] == first]),
                      updatemenus=[{"buttons": buttons, "direction": "down", "showactive": True,
                                    "active": list(drawn.index).index(first), **MENU_PLACE}],
                      margin={"t": 130})
    return add_caption(fig, cited_by(resolved, regions), sources, as_of,
                       note="Menu: pick a text. A 'line of contact' is the territory map on the text's date; "
                            "regions a text does not name stay with Ukraine.")


def sides_figure(sides: pd.DataFrame, costs: pd.DataFrame, proposals: pd.DataFrame, as_of: AsOf, *,
                 cited: Sequence[str], sources: pd.DataFrame, next_known: AsOf = None) -> go.Figure:
    """Per text: share of Ukraine's area and pre-war population on Russia's side and in buffer
    zones, and (where regional figures exist) needs on each side (a note while no text known on
    `as_of` draws a line)."""
    if sides.empty:
        return no_text_yet(as_of, next_known, "text drawing a line")
    order = proposals_in_order(proposals[proposals["proposal_id"].isin(sides["proposal_id"])])
    labels = [_label(t) for _, t in order.iterrows()]
    panels = ["Area (% of Ukraine)", "Pre-war population (millions)"]
    has_costs = not costs.empty
    if has_costs:
        panels.append("Needs (USD bn)")
    fig = make_subplots(rows=1, cols=len(panels), shared_yaxes=True, subplot_titles=panels, horizontal_spacing=0.04)
    colour = {"russian": SIDE_COLOURS["russia"], "buffer": BUFFER_COLOUR}
    for side in ("russian", "buffer"):
        rows = sides[sides["side"] == side].set_index("proposal_id").reindex(order["proposal_id"])
        fig.add_trace(go.Bar(y=labels, x=as_percent(rows["share_of_ukraine"]), orientation="h", name=SIDE_LABELS[side],
                             marker_color=colour[side], legendgroup=side,
                             hovertemplate="%{y}: %{x:.1f}% of Ukraine<extra>" + SIDE_LABELS[side] + "</extra>"),
                      row=1, col=1)
        fig.add_trace(go.Bar(y=labels, x=rows["population"] / 1e6, orientation="h", showlegend=False,
                             marker_color=colour[side], legendgroup=side,
                             hovertemplate="%{y}: %{x:.2f} million<extra>" + SIDE_LABELS[side] + "</extra>"),
                      row=1, col=2)
        if has_costs:
            needs = costs[(costs["measure"] == "needs_usd_bn") & (costs["side"] == side)].set_index("proposal_id")
            fig.add_trace(go.Bar(y=labels, x=needs["usd_bn"].reindex(order["proposal_id"]), orientation="h",
                                 showlegend=False, marker_color=colour[side], legendgroup=side,
                                 hovertemplate="%{y}: USD %{x:.0f} bn<extra>" + SIDE_LABELS[side] + "</extra>"),
                          row=1, col=3)
    russian = sides[sides["side"] == "russian"].set_index("proposal_id")["share_of_ukraine"]
    low, high = russian.idxmin(), russian.idxmax()
    title = order.set_index("proposal_id")["title"]
    fig.update_layout(barmode="stack", height=max(440, 40 * len(order) + 220),
                      title=f"The texts leave Russia between {russian[low]:.0%} of Ukraine "
                            f"({_escape(_short(title[low], 40))})"
                            f"<br>and {russian[high]:.0%} ({_escape(_short(title[high], 40))})",
                      yaxis={"title": "Text", "autorange": "reversed"}, margin={"l": 250, "t": 130},
                      legend={"orientation": "h", "x": 1.0, "xanchor": "right", "y": 1.12, "yanchor": "bottom"})
    fig.update_xaxes(title_text="% of Ukraine's area", row=1, col=1)
    fig.update_xaxes(title_text="Persons (millions)", row=1, col=2)
    note = PEOPLE_NOTE
    if has_costs:
        fig.update_xaxes(title_text="USD bn", row=1, col=3)
        assigned = costs["assigned_share"].iloc[0]
        note += (f" Needs: regional figures of {costs['assessment_id'].iloc[0]} ({assigned:.0%} of its total) "
                 "split by area share.")
    else:
        note += " Needs by side: no assessment in the data publishes regional figures, so none are drawn."
    if (order["text_access"] == "reports only").any():
        note += " " + REPORTED_NOTE
    return add_caption(fig, cited, sources, as_of, note=note)


def distance_figure(distances: pd.DataFrame, proposals: pd.DataFrame, actors: pd.DataFrame, as_of: AsOf, *,
                    cited: Sequence[str], sources: pd.DataFrame,
                    actor_ids: Sequence[str] = MAIN_ACTORS, next_known: AsOf = None) -> go.Figure:
    """Texts x actors: salience-weighted distance of the actor's stance at the text's date from the
    text (0 = the text is the actor's position; blank = no stance on any issue the text codes).
    A note before the first text."""
    if distances.empty or proposals.empty:
        return no_text_yet(as_of, next_known)
    names = dict(zip(actors["actor_id"], actors["name"], strict=True))
    shown = [a for a in actor_ids if a in set(distances["actor_id"])]
    order = proposals_in_order(proposals[proposals["proposal_id"].isin(distances["proposal_id"])])
    table = distances.pivot(index="proposal_id", columns="actor_id", values="distance").reindex(
        index=order["proposal_id"], columns=shown)
    issues = distances.pivot(index="proposal_id", columns="actor_id", values="issues").reindex_like(table)
    hover = [[f"<b>{_escape(names[a])}</b> vs {_escape(t.title)}<br>"
              + (f"{table.loc[t.proposal_id, a]:.0f} points apart over {issues.loc[t.proposal_id, a]:.0f} issues"
                 if pd.notna(table.loc[t.proposal_id, a]) else "no stance on the issues this text codes")
              for a in shown] for t in order.itertuples(index=False)]
    fig = go.Figure(go.Heatmap(
        z=table.to_numpy(), x=[names[a] for a in shown], y=[_label(t) for _, t in order.iterrows()],
        zmin=0, zmax=100, colorscale=SEQUENTIAL_SHARE, colorbar={"title": "Distance<br>(0-100)"},
        text=table.round(0).map(lambda v: "" if pd.isna(v) else f"{v:g}").to_numpy(), texttemplate="%{text}",
        customdata=hover, hovertemplate="%{customdata}<extra></extra>", xgap=2, ygap=2))
    # The finding compares texts that code several issues: a one-issue text is close to everyone.
    broad = issues.reindex(columns=["ukraine", "russia"]).min(axis=1) >= MIN_ISSUES_FOR_FINDING
    parties = table.reindex(columns=["ukraine", "russia"])[broad].dropna()
    title = "Who would have to move most: each actor's distance from each text"
    if not parties.empty:
        farthest = parties.max(axis=1)
        closest = farthest.idxmin()
        title += (f"<br>Of texts coding {MIN_ISSUES_FOR_FINDING}+ issues, "
                  f"{_escape(_short(order.set_index('proposal_id').loc[closest, 'title'], 40))} keeps the farther "
                  f"party closest: {farthest[closest]:.0f} points away")
    fig.update_layout(title=title, xaxis={"title": "Actor (stance at the text's date)", "side": "top"},
                      yaxis={"title": "Text", "autorange": "reversed"}, margin={"t": 190, "l": 250},
                      height=max(460, 40 * len(order) + 260), title_y=0.98, title_yanchor="top")
    note = "Distance = salience-weighted mean of |actor position - text position| over the issues both code."
    if (order["text_access"] == "reports only").any():
        note += " " + REPORTED_NOTE
    return add_caption(fig, cited, sources, as_of, note=note)


DIFF_NOTE = "Issues a text is silent on, or that no report covers, show one marker only (hover says which)."
DIFF_MARKERS = (("a", "#332288", "circle"), ("b", "#CC6677", "diamond"))


def diff_figure(changes: pd.DataFrame, title_a: str, title_b: str, as_of: AsOf, *, cited: Sequence[str],
                sources: pd.DataFrame) -> go.Figure:
    """Issue by issue, the position of text A and text B (dumbbells); hover gives both provisions."""
    # The bars joining A and B are one trace (a gap between issues) rather than one per issue: the
    # same lines, and a fixed set of traces that `update_diff_figure` refills for another pair.
    fig = go.Figure([go.Scatter(mode="lines", showlegend=False, line={"color": "#bbbbbb", "width": 4},
                                hoverinfo="skip"),
                     *(go.Scatter(mode="markers", marker={"size": 14, "color": colour, "symbol": symbol},
                                  hovertemplate="%{customdata}<extra></extra>") for _, colour, symbol in DIFF_MARKERS)])
    fig.update_layout(xaxis={"title": "Position (0 = Ukraine's demand, 100 = Russia's)", "range": [-3, 103]},
                      yaxis={"title": "Issue", "autorange": "reversed"}, height=460)
    return update_diff_figure(fig, changes, title_a, title_b, as_of, cited=cited, sources=sources)


def update_diff_figure(fig: go.Figure, changes: pd.DataFrame, title_a: str, title_b: str, as_of: AsOf, *,
                       cited: Sequence[str], sources: pd.DataFrame) -> go.Figure:
    """Refill a `diff_figure` for another pair of texts in place (the live comparator's redraw:
    building the figure anew was most of its cost) and rewrite its title and caption."""
    # Plain lists and direct assignments: pandas filters and plotly's `update` path parsing cost
    # more than the chart's few values.
    issues = list(changes[changes["kind"] == "issue"].itertuples(index=False))
    both = [issue for issue in issues if pd.notna(issue.a) and pd.notna(issue.b)]
    fig.data[0].x = [v for issue in both for v in (issue.a, issue.b, None)]
    fig.data[0].y = [v for issue in both for v in (issue.name, issue.name, None)]
    for trace, (column, _, _), label in zip(fig.data[1:], DIFF_MARKERS, (title_a, title_b), strict=True):
        values = [getattr(issue, column) for issue in issues]
        states = [getattr(issue, f"state_{column}") for issue in issues]
        details = [getattr(issue, f"detail_{column}") for issue in issues]
        trace.x, trace.y, trace.name = values, [issue.name for issue in issues], _escape(_short(label, 50))
        trace.customdata = [f"<b>{_escape(_short(label, 60))}</b>: " + (f"{v:g}" if pd.notna(v) else s) + "<br>"
                            + _escape(d) for v, d, s in zip(values, details, states, strict=True)]
    moved = [issue for issue in issues if pd.notna(issue.change)]
    biggest = max(moved, key=lambda issue: abs(issue.change)) if moved else None  # the first of equal moves
    open_issues = [issue for issue in issues if issue.state_a != "coded" or issue.state_b != "coded"]
    title = (f"From A to B the largest move is on {biggest.name} ({biggest.change:+.0f} points)"
             if biggest is not None and biggest.change != 0 else "A and B code the same positions where both speak")
    if open_issues:
        title += f"; {len(open_issues)} issue{'s' if len(open_issues) > 1 else ''} left open by one text"
    fig.layout.title.text = title
    fig.layout.margin.l = max(230, label_margin(issue.name for issue in issues))
    return recaption(fig, cited, sources, as_of, note=DIFF_NOTE)


def _diff_map_values(changes: pd.DataFrame, regions: pd.DataFrame,
                     boundaries: pd.DataFrame) -> tuple[list[str], list[str], str]:
    """Fill colours, hover texts (one per outline of `boundaries`) and the finding for `diff_map`."""
    # Plain dicts and lists: the live comparator recolours the map on every pick, and per-region
    # pandas look-ups were most of that.
    names = dict(zip(regions["region_id"], regions["name"], strict=True))
    area = dict(zip(regions["region_id"], regions["area_km2"], strict=True))
    moved = {row.id: row for row in changes[changes["kind"] == "region"].itertuples(index=False)}
    outlines = boundaries["region_id"].tolist()
    rows = [moved.get(region_id) for region_id in outlines]
    change = np.array([np.nan if row is None else row.change for row in rows], dtype=float)
    known = ~np.isnan(change)
    sampled = iter(sample_colorscale(CHANGE_SCALE, [float((min(max(v, -1), 1) + 1) / 2) for v in change[known]])
                   if known.any() else [])  # one call for every region: it parses the scale each time
    colours = [next(sampled) if is_known else "#eeeeee" for is_known in known]
    texts = [f"<b>{_escape(names[region_id])}</b><br>"
             + ("same under both lines" if row is None
                else f"A: {row.a:.0%}, B: {row.b:.0%} not on Ukraine's side" if pd.notna(row.change)
                else "same under both lines" if row.state_a != "no line" and row.state_b != "no line"
                else f"A: {row.state_a}, B: {row.state_b}")
             for region_id, row in zip(outlines, rows, strict=True)]
    km2 = np.where(known, change, 0.0) * np.array([area[region_id] for region_id in outlines], dtype=float)
    if known.any() and np.abs(km2).sum() > 0:
        largest = names[outlines[int(np.abs(km2).argmax())]]
        title = (f"B leaves {abs(km2.sum()):,.0f} km² {'more' if km2.sum() > 0 else 'less'} of Ukraine to Russia or "
                 f"a buffer than A, most of the change in {largest}")
    elif known.any():
        title = "A and B draw the same line"
    else:
        title = "Only one of the two texts draws a line (or neither does)"
    return colours, texts, title


def diff_map(changes: pd.DataFrame, regions: pd.DataFrame, boundaries: pd.DataFrame, as_of: AsOf, *,
             cited: Sequence[str], sources: pd.DataFrame) -> go.Figure:
    """Region by region, the change in the share no longer on Ukraine's side from text A to text B
    (red: B leaves more to Russia or a buffer; blue: less)."""
    colours, texts, title = _diff_map_values(changes, regions, boundaries)
    fig = go.Figure(_region_traces(boundaries, colours, texts))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
                             marker={"colorscale": CHANGE_SCALE, "cmin": -100, "cmax": 100, "color": [0],
                                     "showscale": True,
                                     "colorbar": {"title": "Change B - A<br>(points of<br>region)"}}))
    _map_layout(fig)
    fig.update_layout(title=title, height=560)
    return add_caption(fig, cited, sources, as_of)


def update_diff_map(fig: go.Figure, changes: pd.DataFrame, regions: pd.DataFrame, boundaries: pd.DataFrame,
                    as_of: AsOf, *, cited: Sequence[str], sources: pd.DataFrame) -> go.Figure:
    """Recolour a `diff_map` for another pair of texts in place (the outlines are not redrawn,
    which is most of a map's cost) and rewrite its title and caption."""
    colours, texts, title = _diff_map_values(changes, regions, boundaries)
    for trace, colour, text in zip(fig.data[: len(boundaries)], colours, texts, strict=True):
        # Set only what changed: most regions keep their colour and text from one pick to the next,
        # and every set is validated.
        if trace.fillcolor != colour:
            trace.fillcolor = colour
        if trace.text != text:
            trace.text = text
    fig.layout.title.text = title
    return recaption(fig, cited, sources, as_of)


PAX_LABELS = {"Ce": "Ceasefire (Ce)", "SsrGua": "Security, general (SsrGua)", "StBor": "Borders (StBor)",
              "TjRep": "Reparations (TjRep)", "TjAm": "Amnesty (TjAm)", "ImPK": "Peacekeeping (ImPK)"}
PAX_SERIES = (("texts_share", "The kit's texts, 2022-26", OKABE_ITO[1]),
              ("share_substantive", "Past substantive agreements (PA-X)", OKABE_ITO[0]),
              ("share_interstate_substantive", "Past interstate substantive agreements", OKABE_ITO[2]))


def past_agreements_figure(table: pd.DataFrame, as_of: AsOf, *, cited: Sequence[str],
                           sources: pd.DataFrame, next_known: AsOf = None) -> go.Figure:
    """Per PA-X category (`analysis.proposals.beside_past_agreements`): the share of the kit's
    texts carrying the provision beside the share of past agreements that did (a note while no
    text known on `as_of` says whether it carries any: `no_text_yet`)."""
    if table.empty or table["texts_share"].isna().all():
        return no_text_yet(as_of, next_known)
    ordered = table.sort_values("texts_share")
    labels = [PAX_LABELS.get(c, c) for c in ordered["pax_category"]]
    fig = go.Figure([go.Bar(y=labels, x=as_percent(ordered[column]), name=name, orientation="h",
                            marker_color=colour,
                            hovertemplate="%{y}: %{x:.0f} %<extra>" + html.escape(name) + "</extra>")
                     for column, name, colour in PAX_SERIES if column in ordered])
    gap = (ordered["texts_share"] - ordered["share_substantive"]).abs()
    widest = ordered.loc[gap.idxmax()]
    fig.update_layout(
        barmode="group", height=420, xaxis_title="Share carrying the provision (%)", yaxis_title="PA-X category",
        title=(f"{PAX_LABELS.get(widest['pax_category'], widest['pax_category'])}: "
               f"{widest['texts_share']:.0%} of the kit's texts against {widest['share_substantive']:.0%} of past "
               "substantive agreements, the widest gap"))
    return add_caption(fig, cited, sources, as_of,
                       note="Texts: those whose reports say whether they carry the provision. Past agreements: "
                            "PA-X v10, 1990-2025, provision value above 0.")


DURABILITY_LABELS = {"cease": "Ceasefire (cease)", "ceasefire_before": "A ceasefire first",
                     "pko": "Peacekeeping operation (pko)", "pa_3rd": "Third parties named (pa_3rd)",
                     "amn": "Amnesty (amn)", "terr_prov": "Territorial provisions (terr_prov)",
                     "demarcation": "Border demarcation", "withd": "Withdrawal of foreign forces (withd)"}
DURABILITY_SAMPLE_LABELS = {"all": "all UCDP peace agreements", "territorial": "agreements of territorial conflicts",
                            "interstate": "interstate agreements"}


def durability_figure(table: pd.DataFrame, as_of: AsOf, *, cited: Sequence[str], sources: pd.DataFrame,
                      sample: str = "all", next_known: AsOf = None) -> go.Figure:
    """Per provision (`analysis.proposals.durability_by_provision`, rows of `sample`): the share of
    past agreements with it still in force 5 years after signature beside those without it, the
    counts in the hover, and (with `drafts_beside_durability`'s columns) how many recent drafts carry
    it in the label; the title names the widest gap. A note while no release is known on `as_of`."""
    rows = table[(table["sample"] == sample)].dropna(subset=["with_in_force_5y_share", "without_in_force_5y_share"])
    if rows.empty:
        later = "" if next_known is None or pd.isna(next_known) else f"; the first is dated {day_text(next_known)}"
        return not_yet_figure("No peace-agreement durability data yet",
                              f"No release of the UCDP peace agreement data is known on this date{later}.", as_of)
    rows = rows.iloc[::-1]  # first provision on top
    labels = [DURABILITY_LABELS.get(p, p) for p in rows["provision"]]
    if "drafts_with" in rows:  # `drafts_beside_durability`: how many recent drafts carry each provision
        labels = [f"{label}<br>{f'in {w} of {n} drafts' if n else 'no recent draft yet'}" for label, w, n in
                  zip(labels, rows["drafts_with"], rows["drafts_known"], strict=True)]
    fig = go.Figure()
    for column, count, name, colour in (("with_in_force_5y_share", "agreements_with", "with the provision",
                                         OKABE_ITO[1]),
                                        ("without_in_force_5y_share", "agreements_without", "without it",
                                         OKABE_ITO[0])):
        fig.add_trace(go.Bar(y=labels, x=as_percent(rows[column]), name=name, orientation="h", marker_color=colour,
                             customdata=rows[count], hovertemplate="%{y}, " + name
                             + ": %{x:.0f} % still in force after 5 years (%{customdata} agreements)<extra></extra>"))
    gap = rows["with_in_force_5y_share"] - rows["without_in_force_5y_share"]
    widest = rows.loc[gap.abs().idxmax()]
    fig.update_layout(
        barmode="group", height=520, xaxis_title="Still in force 5 years after signature (%, Kaplan-Meier)",
        yaxis_title="Provision (UCDP flag)", xaxis={"range": [0, 100]},
        title=(f"{DURABILITY_LABELS.get(widest['provision'], widest['provision'])}: "
               f"{widest['with_in_force_5y_share']:.0%} of {DURABILITY_SAMPLE_LABELS.get(sample, sample)} with it "
               f"still in force after 5 years against {widest['without_in_force_5y_share']:.0%} without, the widest gap"))
    return add_caption(fig, cited, sources, as_of,
                       note="UCDP Peace Agreement Dataset v22.1, 1975-2021: in force until UCDP records the agreement "
                            "as ended; agreements of one conflict are not independent; descriptive, not an effect.")
