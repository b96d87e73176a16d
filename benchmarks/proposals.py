"""Benchmark of a pick in the proposal comparator against the floor of drawing the same map.

    .venv/bin/python benchmarks/proposals.py

A pick in the comparator recomputes the diff of two texts, redraws the issue chart and recolours
the map of what moved (whose outlines are drawn once). The baseline is the least a fresh map
costs: the same region outlines filled with one colour. The issue sets no speed target; the aim
for a live widget is that a pick costs no more than drawing a fresh map (printed as the ratio). The full `compare()`
table (all texts, bargaining intervals with 500 draws) is timed too, for reference.
"""

from __future__ import annotations

from timing import best_time

import analysis_helpers as ah
from analysis_helpers import proposals
from analysis_helpers.data.geo import load_boundaries
from analysis_helpers.figures.territory import _map_layout, _region_traces
from analysis_helpers.widgets.proposals import proposal_comparator

TARGET_RATIO = 1.0


def main() -> None:
    regions = ah.load("regions")
    boundaries = load_boundaries(list(regions["region_id"]))
    args = (proposals.list_proposals(), ah.load("proposal_provisions"), proposals.resolved_lines(), ah.load("issues"),
            regions, boundaries, "2026-08-22")

    def floor():
        import plotly.graph_objects as go
        return _map_layout(go.Figure(_region_traces(boundaries, ["#eeeeee"] * len(boundaries), [""] * len(boundaries))))

    ah.setup_notebook()  # the comparator renders through the kit's offline renderer
    comparator = proposal_comparator(*args, sources=ah.load("sources"), a="us-28-point", b="us-ua-20-point")
    second = comparator.children[0].children[1]
    picks = iter(["e3-counter-proposal", "us-ua-20-point"] * 10)

    def redraw():
        second.value = next(picks)

    floor_seconds, redraw_seconds = best_time(floor), best_time(redraw)
    compare_seconds = best_time(lambda: proposals.compare(draws=500), repeat=1)
    print("proposal comparator, one pick (diff of two texts, issue chart redrawn, map recoloured)")
    print(f"  floor (blank map of the same outlines): {floor_seconds * 1e3:8.1f} ms")
    print(f"  comparator pick:                        {redraw_seconds * 1e3:8.1f} ms")
    ratio = redraw_seconds / floor_seconds
    print(f"  ratio pick / floor:                     {ratio:8.1f}x (aim <= {TARGET_RATIO:g}x)")
    print(f"  compare() of every text, 500 draws:     {compare_seconds * 1e3:8.1f} ms (reference)")


if __name__ == "__main__":
    main()
