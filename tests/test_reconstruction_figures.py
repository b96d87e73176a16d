"""Reconstruction figures state their finding, stack to the published totals, and stay interactive."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import analysis_helpers as ah
import explorers
from analysis_helpers.analysis import reconstruction as rec
from analysis_helpers.figures import reconstruction as recfig
from analysis_helpers.widgets.reconstruction import funding_gap_explorer

CASES = {"windfall": (True, 0.0), "half": (False, 0.5), "all": (False, 1.0)}


@pytest.fixture(scope="module")
def tables():
    return ah.load("reconstruction_assessments"), ah.load("reconstruction_sectors"), ah.load("funding_sources")


def caption(fig) -> str:
    return " ".join(a.text for a in fig.layout.annotations if "Source:" in a.text)


def assert_labelled(fig) -> None:
    assert fig.layout.title.text and fig.layout.yaxis.title.text
    assert "As of" in caption(fig)


def test_assessments_figure_states_growth_of_needs(tables):
    assessments, _, _ = tables
    fig = recfig.assessments_figure(assessments, sources=ah.load("sources"))
    assert_labelled(fig)
    assert "$349bn (RDNA1)" in fig.layout.title.text and "$588bn (RDNA5)" in fig.layout.title.text
    needs = next(t for t in fig.data if t.name == "Needs (RDNA)")
    assert list(needs.y) == [349, 411, 486, 524, 588]
    cited = set(assessments["source_id"])
    assert f"{len(cited)} sources from" in caption(fig) or "Kyiv School of Economics" in caption(fig)


@pytest.mark.parametrize("measure", ["needs_usd_bn", "damage_usd_bn"])
def test_sector_bars_stack_to_the_published_total(tables, measure):
    assessments, sectors, _ = tables
    fig = recfig.sectors_figure(sectors, assessments, measure, sources=ah.load("sources"))
    assert_labelled(fig)
    stacked = np.sum([np.asarray(t.y, dtype=float) for t in fig.data], axis=0)
    totals = assessments.set_index("assessment_id").loc[list(fig.data[0].x), measure]
    np.testing.assert_allclose(stacked, totals)


def test_sector_figure_title_names_the_largest_sector(tables):
    assessments, sectors, _ = tables
    assert recfig.sectors_figure(sectors, assessments, sources=ah.load("sources")).layout.title.text.startswith(
        "Transport has the largest needs in RDNA5: $96bn of $588bn")


def test_growth_figure_has_one_bar_per_interval(tables):
    assessments, _, _ = tables
    fig = recfig.growth_figure(assessments, sources=ah.load("sources"))
    assert_labelled(fig)
    assert [len(t.x) for t in fig.data] == [4, 4]
    assert fig.layout.title.text == "Needs grew by $3.2bn to $7.4bn per month of war between assessments"


def test_funding_gap_figure_shows_table_values(tables):
    assessments, _, funding = tables
    table = rec.funding_gap(assessments, funding, "2026-12-31", asset_share=0.2)
    fig = recfig.funding_gap_figure(table, "2026-12-31", ["recon-wb-rdna5-pr"], "2026-02-23", sources=ah.load("sources"))
    assert_labelled(fig)
    values = table.set_index("quantity")["value"]
    assert fig.data[0].y[0] == values["needs"] and fig.data[-1].y[0] == values["gap"]
    assert sum(t.y[0] for t in fig.data[1:-1]) == pytest.approx(values["total_funding"])
    assert "gap of" in fig.layout.title.text and "31 Dec 2026" in fig.layout.title.text


def test_funding_gap_figure_title_when_funding_exceeds_needs(tables):
    assessments, _, funding = tables
    table = rec.funding_gap(assessments, funding, "2026-01-31", asset_share=1.0, private_bn=300)
    fig = recfig.funding_gap_figure(table, "2026-01-31", ["recon-wb-rdna5-pr"], "2026-02-23", sources=ah.load("sources"))
    assert fig.layout.title.text.startswith("Chosen funding exceeds needs by")


def test_explorer_slider_switches_cases_and_titles(tables):
    assessments, _, funding = tables
    dates = pd.date_range("2026-03-31", periods=6, freq="QE")
    grid = rec.funding_gap_cases(assessments, funding, dates, CASES)
    fig = recfig.funding_gap_explorer_report(grid, {case: case for case in CASES}, ["recon-wb-rdna5-pr"], "2026-02-23",
                                             sources=ah.load("sources"))
    assert_labelled(fig)
    steps = fig.layout.sliders[0].steps
    assert [s.label for s in steps] == list(CASES)
    for number, step in enumerate(steps):
        visible = step.args[0]["visible"]
        assert sum(visible) == 3 and all(visible[3 * number: 3 * number + 3])
        assert step.args[1]["title.text"].startswith(list(CASES)[number].capitalize())
    gap_lines = [t for t in fig.data if t.name == "Funding gap"]
    assert gap_lines[0].y[-1] > gap_lines[-1].y[-1]  # mobilising all principal shrinks the gap


def shown(explorer) -> str:
    return explorers.shown(explorers.output_of(explorer))


def test_widget_redraws_and_explains_bad_dates(tables):
    ah.setup_notebook()
    assessments, _, funding = tables
    explorer = funding_gap_explorer(assessments, funding, settlement_date="2026-12-31", asset_share=0.5,
                                    windfall_only=True, donor_bn_per_year=30.0, donor_years=10, private_bn=0.0,
                                    cited=["recon-wb-rdna5-pr"], as_of="2026-02-23",
                                    sources=ah.load("sources"))
    date_picker, windfall, share = explorer.children[:3]
    assert share.disabled and "31 Dec 2026" in shown(explorer)
    windfall.value = False
    assert not share.disabled
    date_picker.value = dt.date(2027, 6, 30)
    assert "30 Jun 2027" in shown(explorer)
    date_picker.value = dt.date(2022, 3, 1)
    assert "Cannot compute the gap" in shown(explorer) and "before the first RDNA" in shown(explorer)
