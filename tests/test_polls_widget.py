"""The acceptability explorer redraws when a text or the stance shown is picked."""

from __future__ import annotations

import base64

import numpy as np
import pytest

import analysis_helpers as ah
from analysis_helpers import polls
from analysis_helpers.widgets.polls import acceptability_explorer
from explorers import control, figure_of, output_of, shown, title_of

AS_OF = "2026-08-22"


def test_picking_a_text_and_a_stance_redraws_the_terms_chart():
    ah.setup_notebook()
    history = polls.term_history(as_of=AS_OF)
    explorer = acceptability_explorer(history, ah.load("proposals"), AS_OF, sources=ah.load("sources"),
                                      start="us-28-point")
    output = output_of(explorer)
    assert title_of(output).startswith("US 28-point")
    control(explorer, "Text").value = "ru-memorandum-2025"
    assert "kiis-plan-ru" in shown(output) and not title_of(output).startswith("US 28-point")
    before = shown(output)
    control(explorer, "Show").value = "reject"
    assert shown(output) != before and "rejecting" in shown(output)
    texts = {value for _, value in control(explorer, "Text").options}
    assert texts == set(history["proposal_id"])


def test_the_explorer_shows_the_numbers_of_the_acceptability_table():
    ah.setup_notebook()
    history = polls.term_history(as_of=AS_OF)
    explorer = acceptability_explorer(history, ah.load("proposals"), AS_OF, sources=ah.load("sources"),
                                      start="us-28-point")
    latest = polls.acceptability(as_of=AS_OF).set_index(["proposal_id", "issue_id"]).loc[("us-28-point", "territory")]
    traces = figure_of(output_of(explorer))["data"]
    shown_item = next(t for t in traces if latest["question_id"] in t["name"])
    y = shown_item["y"]  # plotly sends numeric arrays as base64 typed arrays
    values = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]) if isinstance(y, dict) else np.array(y)
    assert values[-1] == pytest.approx(100 * latest["accept"])
