"""The explorers' speed-ups change no number: a chart updated in place equals the same chart built
afresh, and each explorer, opened on a notebook's parameters, shows the numbers of the functions
the notebook's static cells call."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis_helpers as ah
from analysis_helpers import setup_notebook
from analysis_helpers.analysis import reconstruction as rec
from analysis_helpers.analysis import territory as terr
from analysis_helpers.analysis.stances import predict_outcomes, set_stance, stances_wide
from analysis_helpers.data.geo import load_boundaries
from analysis_helpers.figures.reconstruction import funding_gap_figure
from analysis_helpers.figures.stances import update_what_if_outcome_figure, what_if_outcome_figure
from analysis_helpers.figures.territory import line_map, update_line_map
from analysis_helpers.publish.renderer import live_bundle
from analysis_helpers.widgets.reconstruction import funding_gap_explorer
from analysis_helpers.widgets.stances import what_if_explorer
from analysis_helpers.widgets.territory import USER_LINE, lines_explorer
from explorers import PLOTLY, control, figure_of, output_of, shown

SOURCES = ["terr-deepstate-archive"]
USER_LINE_SHARES = {"UA-14": 1.0, "UA-09": 1.0, "UA-43": 1.0, "UA-40": 1.0}


@pytest.fixture(scope="module")
def territory():
    setup_notebook()
    regions = ah.load("regions")
    return {"control": ah.load("territory_control"), "regions": regions, "claims": ah.load("annexation_claims"),
            "sites": ah.load("sites"), "boundaries": load_boundaries(list(regions["region_id"])),
            "sources": ah.load("sources")}


def test_a_line_map_recoloured_in_place_equals_one_built_afresh(territory):
    t = territory
    when = t["control"]["date"].max()
    lines = terr.named_lines(t["control"], t["claims"], t["regions"], when, custom=USER_LINE_SHARES,
                             custom_name=USER_LINE)
    shown_map = line_map(terr.LINE_1991, lines[terr.LINE_1991], t["regions"], t["boundaries"], t["sites"], when, SOURCES,
                         sources=t["sources"])
    for name in (terr.LINE_CLAIMED, USER_LINE):
        update_line_map(shown_map, name, lines[name], t["regions"], t["boundaries"], when, SOURCES,
                        sources=t["sources"])
        fresh = line_map(name, lines[name], t["regions"], t["boundaries"], t["sites"], when, SOURCES,
                         sources=t["sources"])
        assert live_bundle(shown_map) == live_bundle(fresh)


def test_the_territory_explorer_shows_the_notebooks_lines(territory):
    t = territory
    when = t["control"]["date"].max()
    widget = lines_explorer(t["control"], t["regions"], t["boundaries"], t["claims"], t["sites"], SOURCES, when,
                            user_line=USER_LINE_SHARES, sources=t["sources"])
    lines = terr.named_lines(t["control"], t["claims"], t["regions"], when, custom=USER_LINE_SHARES,
                             custom_name=USER_LINE)
    table = terr.compare_lines(lines, t["regions"])
    text = shown(output_of(widget))
    for row in table.itertuples():
        assert f"{row.russian_side_km2:,.0f}" in text and f"{row.russian_side_share:.1%}" in text
    control(widget, "Line").value = USER_LINE
    fresh = line_map(USER_LINE, lines[USER_LINE], t["regions"], t["boundaries"], t["sites"], when, SOURCES,
                         sources=t["sources"])
    assert figure_of(output_of(widget))["data"] == live_bundle(fresh)["application/vnd.plotly.v1+json"]["data"]


def test_a_what_if_chart_updated_in_place_equals_one_built_afresh():
    setup_notebook()
    stances, actors, issues = ah.load("stances"), ah.load("actors"), ah.load("issues")
    wide = stances_wide(stances)
    cite = {"cited": stances["source_id"], "sources": ah.load("sources")}
    baseline = predict_outcomes(wide, actors, draws=0)
    moved_wide, moved_actors = set_stance(wide, actors, "usa", "territory", position=20.0, salience=80.0,
                                          capability=100.0)
    moved = predict_outcomes(moved_wide, moved_actors, draws=0)
    updated = update_what_if_outcome_figure(what_if_outcome_figure(baseline, baseline, issues, "2026-01-01", "baseline", **cite),
                                            moved, "USA moved")
    fresh = what_if_outcome_figure(moved, baseline, issues, "2026-01-01", "USA moved", **cite)
    assert [list(trace.x) for trace in updated.data] == [list(trace.x) for trace in fresh.data]
    assert updated.layout.title.text == fresh.layout.title.text

    explorer = what_if_explorer(wide, actors, issues, "2026-01-01", actor_id="usa", issue_id="territory", **cite)
    position = control(explorer, "Position")
    position.value = 20.0 if position.value != 20.0 else 25.0
    shown_traces = figure_of(output_of(explorer))["data"]
    moved_wide, moved_actors = set_stance(wide, actors, "usa", "territory", position=position.value,
                                          salience=control(explorer, "Salience").value,
                                          capability=control(explorer, "Capability").value)
    expected = predict_outcomes(moved_wide, moved_actors, draws=0)
    figure = what_if_outcome_figure(expected, baseline, issues, "2026-01-01", "x", **cite)
    assert shown_traces == live_bundle(figure)[PLOTLY]["data"]


def test_the_funding_gap_explorer_shows_the_notebooks_gap():
    setup_notebook()
    assessments = ah.load("reconstruction_assessments", as_of="2026-08-04")
    funding = ah.load("funding_sources", as_of="2026-08-04")
    assumptions = {"windfall_only": True, "asset_share": 0.5, "donor_bn_per_year": rec.donor_rate(funding),
                   "donor_years": 10, "private_bn": 0.0}
    explorer = funding_gap_explorer(assessments, funding, settlement_date="2026-12-31", cited=SOURCES,
                                    as_of="2026-08-04", sources=ah.load("sources"), **assumptions)
    gap = rec.funding_gap(assessments, funding, "2026-12-31", **assumptions)
    expected = funding_gap_figure(gap, pd.Timestamp("2026-12-31").date(), SOURCES, "2026-08-04",
                                  sources=ah.load("sources"))
    assert figure_of(output_of(explorer)) == live_bundle(expected)[PLOTLY]
