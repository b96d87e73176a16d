"""The proposal comparator redraws the diff and the map when a text is picked."""

from __future__ import annotations

import analysis_helpers as ah
from analysis_helpers import proposals
from analysis_helpers.data.geo import load_boundaries
from analysis_helpers.widgets.proposals import comparator_figures, comparator_static, proposal_comparator


def shown_text(comparator) -> str:
    output = comparator.children[-1]
    return " ".join(str(value) for item in output.outputs for value in item["data"].values())


def test_picking_a_text_redraws_both_figures():
    ah.setup_notebook()  # the comparator draws with the kit's offline renderer
    texts, regions = proposals.list_proposals(), ah.load("regions")
    args = (texts, ah.load("proposal_provisions"), proposals.resolved_lines(), ah.load("issues"), regions,
            load_boundaries(list(regions["region_id"])), "2026-08-22")
    sources = ah.load("sources")
    comparator = proposal_comparator(*args, sources=sources, a="us-28-point", b="us-ua-20-point")
    assert len(comparator.children[-1].outputs) == 2  # issue diff and map
    assert "20-point" in shown_text(comparator)
    second = comparator.children[0].children[1]
    second.value = "e3-counter-proposal"
    assert "E3" in shown_text(comparator) and "20-point framework" not in shown_text(comparator)
    static = comparator_static(comparator_figures("us-28-point", "e3-counter-proposal", *args, sources=sources))
    assert static.count("plotly-graph-div") >= 2
