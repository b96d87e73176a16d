"""Proposal comparator: pick two texts, see what changed issue by issue and on the map."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from ..analysis.proposals import TextRows, proposals_in_order, text_rows
from ..conventions import AsOf, cited_by
from ..figures.proposals import diff_figure, diff_map, no_text_yet, update_diff_figure, update_diff_map
from ..publish.renderer import current_renderer
from . import Redraw, render_into


def _pair(a: str, b: str, rows: TextRows, titles: pd.Series, provisions: pd.DataFrame, resolved: pd.DataFrame,
          issues: pd.DataFrame, regions: pd.DataFrame):
    """The diff of texts `a` and `b` (from `rows`, see `analysis.proposals.text_rows`), the two titles
    and the sources of each figure."""
    changes = rows.diff(a, b, issues, regions)
    issue_sources = cited_by(provisions[provisions["proposal_id"].isin([a, b])])
    line_sources = cited_by(resolved[resolved["proposal_id"].isin([a, b])], regions)
    return changes, f"A: {titles[a]}", f"B: {titles[b]}", issue_sources, line_sources


def comparator_figures(a: str, b: str, proposals: pd.DataFrame, provisions: pd.DataFrame, resolved: pd.DataFrame,
                       issues: pd.DataFrame, regions: pd.DataFrame, boundaries: pd.DataFrame, as_of: AsOf, *,
                       sources: pd.DataFrame, next_known: AsOf = None):
    """The comparator's two figures for texts `a` and `b` (also its static stand-in in a report);
    before the first text (`a` empty, see `analysis.proposals.comparator_pair`), a note."""
    if not a:
        return (no_text_yet(as_of, next_known),)
    titles = proposals.set_index("proposal_id")["title"]
    changes, title_a, title_b, issue_sources, line_sources = _pair(
        a, b, text_rows(provisions, resolved, (a, b)), titles, provisions, resolved, issues, regions)
    return (diff_figure(changes, title_a, title_b, as_of, cited=issue_sources, sources=sources),
            diff_map(changes, regions, boundaries, as_of, cited=line_sources, sources=sources))


def comparator_static(figures) -> str:
    """The comparator's figures as one HTML block: its stand-in in an exported report (`widgets.show`)."""
    return "".join(current_renderer().to_mimebundle(fig.to_dict())["text/html"] for fig in figures)


def proposal_comparator(proposals: pd.DataFrame, provisions: pd.DataFrame, resolved: pd.DataFrame,
                        issues: pd.DataFrame, regions: pd.DataFrame, boundaries: pd.DataFrame, as_of: AsOf, *,
                        sources: pd.DataFrame, a: str = "us-28-point", b: str = "us-ua-20-point",
                        next_known: AsOf = None) -> widgets.VBox:
    """Two dropdowns (text A, text B); each change recomputes the diff and refills both figures in
    place: the issue chart's three traces and the map's colours (its outlines are drawn once).
    Before the first text (`a` empty), the note of `comparator_figures` alone."""
    if not a:
        output = widgets.Output()
        render_into(output, *comparator_figures(a, b, proposals, provisions, resolved, issues, regions, boundaries,
                                                as_of, sources=sources, next_known=next_known))
        return widgets.VBox([output])
    options = [(f"{t.date:%Y-%m-%d} · {t.title}", t.proposal_id) for t in proposals_in_order(proposals).itertuples()]
    first = widgets.Dropdown(options=options, value=a, description="Text A", layout={"width": "48%"})
    second = widgets.Dropdown(options=options, value=b, description="Text B", layout={"width": "48%"})
    output = widgets.Output()
    issue_figure, map_figure = comparator_figures(a, b, proposals, provisions, resolved, issues, regions, boundaries,
                                                  as_of, sources=sources)
    rows, titles = text_rows(provisions, resolved), proposals.set_index("proposal_id")["title"]  # read once

    def draw() -> None:
        changes, title_a, title_b, issue_sources, line_sources = _pair(first.value, second.value, rows, titles,
                                                                       provisions, resolved, issues, regions)
        update_diff_figure(issue_figure, changes, title_a, title_b, as_of, cited=issue_sources, sources=sources)
        update_diff_map(map_figure, changes, regions, boundaries, as_of, cited=line_sources, sources=sources)
        render_into(output, issue_figure, map_figure)

    redraw = Redraw(draw)
    redraw.observe(first, second)
    render_into(output, issue_figure, map_figure)
    return widgets.VBox([widgets.HBox([first, second]), output])
