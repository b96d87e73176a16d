"""Proposal figures: the matrix hovers with provision and source, the map menu switches lines, captions cite rows."""

from __future__ import annotations

import json

from plotly.utils import PlotlyJSONEncoder

import analysis_helpers as ah
from analysis_helpers import proposals
from analysis_helpers.analysis import proposals as engine
from analysis_helpers.data.geo import load_boundaries
from analysis_helpers.figures import proposals as figs
from analysis_helpers.figures import theme

AS_OF = "2026-08-22"


def plain(fig) -> str:
    return json.dumps(fig.to_plotly_json(), cls=PlotlyJSONEncoder, sort_keys=True)


def caption(fig) -> str:
    return " ".join(a.text for a in fig.layout.annotations if "Source:" in a.text)


def test_matrix_hover_gives_provision_and_source_and_marks_reported_texts():
    matrix = proposals.position_matrix()
    fig = figs.position_matrix_figure(matrix, ah.load("sources"), AS_OF)
    hover = " ".join(" ".join(row) for row in fig.data[0].customdata)
    assert "Full amnesty for all parties" in hover and "LIGA.net" in hover
    assert any(label.endswith(figs.REPORTED_MARK) for label in fig.data[0].y)  # e.g. the 20-point framework
    assert "silent" in str(fig.data[0].text) and "n/r" in str(fig.data[0].text)
    assert "As of 2026-08-22" in caption(fig) and "CODEBOOK.md section 11" in caption(fig)


def test_lines_map_menu_has_one_button_per_drawn_line_and_retitles():
    regions = ah.load("regions")
    resolved = proposals.resolved_lines()
    fig = figs.lines_map(resolved, engine.sides(resolved, regions), proposals.list_proposals(), regions,
                         load_boundaries(list(regions["region_id"])), AS_OF, sources=ah.load("sources"))
    buttons = fig.layout.updatemenus[0].buttons
    assert len(buttons) == resolved["proposal_id"].nunique()
    titles = {button.args[1]["title.text"] for button in buttons}
    assert len(titles) == len(buttons) and all("% of Ukraine on Russia's side" in t for t in titles)
    assert all(len(button.args[0]["fillcolor"]) == len(regions) for button in buttons)


def test_diff_map_recolours_in_place_for_another_pair():
    regions = ah.load("regions")
    boundaries = load_boundaries(list(regions["region_id"]))
    sources = ah.load("sources")
    fig = figs.diff_map(proposals.diff("us-28-point", "us-ua-20-point"), regions, boundaries, AS_OF,
                        cited=["stance-us-28-points"], sources=sources)
    before = [trace.fillcolor for trace in fig.data[: len(boundaries)]]
    outlines = [trace.x for trace in fig.data[: len(boundaries)]]
    figs.update_diff_map(fig, proposals.diff("ua-peace-formula", "ru-memorandum-2025"), regions, boundaries, AS_OF,
                         cited=["prop-bi-peace-formula"], sources=sources)
    assert [trace.fillcolor for trace in fig.data[: len(boundaries)]] != before
    assert [trace.x for trace in fig.data[: len(boundaries)]] == outlines
    assert "Business Insider" in caption(fig) and "LIGA" not in caption(fig)
    assert "more of Ukraine to Russia" in fig.layout.title.text
    fresh = figs.diff_map(proposals.diff("ua-peace-formula", "ru-memorandum-2025"), regions, boundaries, AS_OF,
                          cited=["prop-bi-peace-formula"], sources=sources)
    assert plain(fig) == plain(fresh)  # the bottom margin too: the caption's, not the larger of both
    assert fig.layout.margin.r == theme.COLOUR_BAR_MARGIN  # the colour bar fits: plotly.js draws it once


def test_diff_figure_refilled_in_place_equals_a_fresh_one():
    sources = ah.load("sources")
    first, second = proposals.diff("us-28-point", "us-ua-20-point"), proposals.diff("cn-position-paper",
                                                                                     "ru-memorandum-2025")
    fig = figs.diff_figure(first, "A: 28 points", "B: 20 points", AS_OF, cited=["stance-us-28-points"],
                           sources=sources)
    assert len(fig.data) == 3  # the A-B bars in one trace, then A's and B's markers
    bars = len([x for x in fig.data[0].x if x is None])
    assert bars == len(first[(first["kind"] == "issue")].dropna(subset=["a", "b"]))
    figs.update_diff_figure(fig, second, "A: China", "B: Russia", AS_OF, cited=["prop-bi-peace-formula"],
                            sources=sources)
    fresh = figs.diff_figure(second, "A: China", "B: Russia", AS_OF, cited=["prop-bi-peace-formula"],
                             sources=sources)
    assert plain(fig) == plain(fresh)
    names = second.loc[second["kind"] == "issue", "name"]
    assert fig.layout.margin.l >= theme.label_margin(names)  # room for the labels: no second layout pass


def test_past_agreements_figure_titles_the_widest_gap_and_cites_pax():
    presence = engine.pax_presence(ah.load("proposal_provisions"), ah.load("proposals"), ah.load("pax_crosswalk"))
    table = engine.beside_past_agreements(presence, ah.load("pax_profile"))
    fig = figs.past_agreements_figure(table, "2026-07-01", cited=["prop-pax-v10"], sources=ah.load("sources"))
    assert len(fig.data) == 3 and "widest gap" in fig.layout.title.text
    assert all(max(trace.x) <= 100 for trace in fig.data)
    assert "PA-X" in str(fig.layout.annotations[-1].text)


def test_durability_figure_titles_the_widest_gap_and_cites_ucdp():
    durability = ah.load("agreement_durability")
    table = engine.durability_by_provision(durability)
    fig = figs.durability_figure(table, AS_OF, cited=ah.cited_by(durability), sources=ah.load("sources"))
    assert len(fig.data) == 2 and "widest gap" in fig.layout.title.text
    assert "Ceasefire (cease)" in fig.layout.title.text  # 63 % against 73 % in v22.1
    assert all(0 <= x <= 100 for trace in fig.data for x in trace.x)
    assert "UCDP Peace Agreement Dataset v22.1" in caption(fig)
    empty = figs.durability_figure(table.iloc[:0], AS_OF, cited=[], sources=ah.load("sources"))
    assert "No peace-agreement durability data yet" in empty.layout.title.text


def test_texts_table_before_the_first_text_says_why_it_is_empty():
    """At the invasion's date no text is known: the table's caption says so and dates the next one,
    in the same words as the charts' empty state."""
    as_of = "2022-02-24"
    texts = proposals.list_proposals(as_of)
    next_text = ah.first_known("proposals", after=as_of)
    assert texts.empty and next_text is not None
    table = ah.formatted_table(texts[["date", "title"]], empty=proposals.no_text_message(next_text)).to_html()
    assert "<caption>No settlement text in the data is dated on or before this date; the next is dated" in table
    chart_note = " ".join(a.text for a in figs.no_text_yet(as_of, next_text).layout.annotations).replace("<br>", " ")
    assert proposals.no_text_message(next_text) in chart_note
