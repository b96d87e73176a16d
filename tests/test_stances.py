"""Stance analysis: latest stances, wide inputs, predicted outcomes, party gaps, what-ifs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis_helpers as ah
from analysis_helpers.analysis.stances import (
    MODELS,
    WhatIf,
    apply_what_if,
    latest_stances,
    party_gap,
    predict_outcomes,
    repredict_issue,
    set_stance,
    stances_wide,
    what_if_outcomes,
)


def stance(actor, issue, as_of, position, salience=50.0, uncertainty=5.0):
    return {"actor_id": actor, "issue_id": issue, "as_of": pd.Timestamp(as_of), "position": float(position),
            "salience": float(salience), "uncertainty": float(uncertainty)}


@pytest.fixture
def stances():
    return pd.DataFrame([
        stance("ukraine", "territory", "2022-01-01", 0, 100),
        stance("ukraine", "territory", "2025-01-01", 30, 100),
        stance("russia", "territory", "2024-01-01", 100, 100),
        stance("usa", "territory", "2025-06-01", 70, 60),
        stance("ukraine", "accountability", "2023-01-01", 0, 80),
        stance("russia", "accountability", "2023-01-01", 90, 60),
    ])


@pytest.fixture
def actors():
    return pd.DataFrame({"actor_id": ["ukraine", "russia", "usa"], "capability": [25.0, 40.0, 100.0],
                         "capability_sd": [2.0, 4.0, 10.0]})


def test_latest_stance_is_the_last_on_or_before_the_date(stances):
    early = latest_stances(stances, "2024-12-31")
    assert early.set_index(["actor_id", "issue_id"]).loc[("ukraine", "territory"), "position"] == 0
    assert "usa" not in set(early["actor_id"])
    assert latest_stances(stances).set_index(["actor_id", "issue_id"]).loc[("ukraine", "territory"), "position"] == 30


def test_wide_has_issue_rows_and_quantity_actor_columns(stances):
    wide = stances_wide(stances)
    assert list(wide.index) == ["accountability", "territory"]
    assert wide.loc["territory", ("position", "usa")] == 70
    assert np.isnan(wide.loc["accountability", ("position", "usa")])


def test_point_outcomes_follow_the_model_definitions(stances, actors):
    outcomes = predict_outcomes(stances_wide(stances), actors, draws=0).set_index(["issue_id", "model"])
    # territory weights: ukraine 25*100, russia 40*100, usa 100*60 -> usa is the median voter.
    assert outcomes.loc[("territory", "weighted_median"), "outcome"] == 70
    expected_mean = (25 * 100 * 30 + 40 * 100 * 100 + 100 * 60 * 70) / (25 * 100 + 40 * 100 + 100 * 60)
    assert outcomes.loc[("territory", "compromise"), "outcome"] == pytest.approx(expected_mean)
    territory = outcomes.xs("territory")
    assert (territory["range_low"] == 30).all() and (territory["range_high"] == 100).all()
    assert (outcomes.xs("accountability")["actors"] == 2).all()
    assert outcomes[["median", "low", "high"]].isna().all().all()


def test_monte_carlo_is_seeded_and_brackets_the_median(stances, actors):
    wide = stances_wide(stances)
    first = predict_outcomes(wide, actors, draws=300, seed=7)
    again = predict_outcomes(wide, actors, draws=300, seed=7)
    pd.testing.assert_frame_equal(first, again)
    assert (first["low"] <= first["median"]).all() and (first["median"] <= first["high"]).all()
    assert set(first["model"]) == set(MODELS)
    other_seed = predict_outcomes(wide, actors, draws=300, seed=8)
    assert not np.allclose(first["median"], other_seed["median"])


def test_outcomes_from_the_coded_inputs_do_not_depend_on_the_draws_run_beside_them(stances, actors):
    """The coded inputs share one model call with the draws: the point outcomes must be those of a run without draws."""
    wide = stances_wide(stances)
    alone = predict_outcomes(wide, actors, draws=0)
    with_draws = predict_outcomes(wide, actors, draws=40, seed=3, expected_utility_draws=10)
    pd.testing.assert_series_equal(alone["outcome"], with_draws["outcome"])


def test_zero_uncertainty_gives_degenerate_intervals(stances, actors):
    certain = stances.assign(uncertainty=0.0)
    outcomes = predict_outcomes(stances_wide(certain), actors.assign(capability_sd=0.0), draws=50,
                                models=("weighted_median", "compromise"))
    assert np.allclose(outcomes["low"], outcomes["outcome"]) and np.allclose(outcomes["high"], outcomes["outcome"])


def test_party_gap_flags_non_overlapping_intervals(stances):
    gaps = party_gap(stances_wide(stances)).set_index("issue_id")
    # territory: ukraine 30 +/- 6.4, russia 100 (clipped) -> gap of 100 - 6.4 - 36.4
    assert gaps.loc["territory", "gap"] == pytest.approx((100 - 1.2816 * 5) - (30 + 1.2816 * 5))
    assert not gaps.loc["territory", "overlap"]
    close = stances_wide(stances.assign(position=[0, 48, 52, 70, 0, 90], uncertainty=10.0))
    assert party_gap(close).set_index("issue_id").loc["territory", "overlap"]


def test_what_ifs_change_inputs_without_touching_the_originals(stances, actors):
    wide = stances_wide(stances)
    shifted, stronger = apply_what_if(wide, actors, WhatIf("us stronger", "usa", capability_factor=2.0,
                                                           position_shift=-20, salience=90))
    assert shifted.loc["territory", ("position", "usa")] == 50
    assert shifted.loc["territory", ("salience", "usa")] == 90
    assert stronger.set_index("actor_id").loc["usa", "capability"] == 200
    assert wide.loc["territory", ("position", "usa")] == 70 and actors["capability"].max() == 100
    earlier, _ = apply_what_if(wide, actors, WhatIf("ukraine 2022", "ukraine", position_from="2022-06-01"), stances)
    assert earlier.loc["territory", ("position", "ukraine")] == 0
    assert np.isnan(earlier.loc["accountability", ("position", "ukraine")])


def test_set_stance_adds_a_new_actor_position(stances, actors):
    wide, _ = set_stance(stances_wide(stances), actors, "usa", "accountability", position=50, salience=40)
    outcomes = predict_outcomes(wide, actors, draws=0).set_index(["issue_id", "model"])
    assert outcomes.loc[("accountability", "weighted_median"), "actors"] == 3
    assert outcomes.loc[("accountability", "weighted_median"), "outcome"] == 50


def test_what_if_outcomes_stack_labels(stances, actors):
    stacked = what_if_outcomes(stances_wide(stances), actors, [WhatIf("baseline"), WhatIf("no us", "usa", salience=0)],
                               draws=0)
    assert list(stacked["what_if"].unique()) == ["baseline", "no us"]
    no_us = stacked[(stacked["what_if"] == "no us") & (stacked["model"] == "weighted_median")]
    assert no_us.set_index("issue_id").loc["territory", "outcome"] == 100


def test_unknown_model_and_actor_are_refused(stances, actors):
    with pytest.raises(ValueError, match="unknown model"):
        predict_outcomes(stances_wide(stances), actors, models=("nash",), draws=0)
    with pytest.raises(KeyError, match="actors missing"):
        predict_outcomes(stances_wide(stances), actors[actors["actor_id"] != "usa"], draws=0)


def test_repredicting_one_moved_issue_equals_predicting_every_issue():
    """The what-if explorer's shortcut (one issue run again) gives what running every issue gives."""
    wide, actors = stances_wide(ah.load("stances")), ah.load("actors")
    for actor_id, issue_id, position, salience, capability in (("usa", "territory", 20.0, 80.0, None),
                                                              ("usa", "territory", 5.0, 10.0, 140.0),
                                                              ("china", "accountability", 40.0, 55.0, None),
                                                              ("vatican", "sanctions_relief", 60.0, 30.0, 5.0)):
        before = predict_outcomes(*set_stance(wide, actors, actor_id, issue_id, capability=capability), draws=0)
        moved = set_stance(wide, actors, actor_id, issue_id, position=position, salience=salience,
                           capability=capability)
        pd.testing.assert_frame_equal(repredict_issue(before, *moved, issue_id), predict_outcomes(*moved, draws=0))


def test_repredicting_an_issue_nobody_holds_yet_gives_no_outcome_for_it():
    """A month into the war no actor is coded on territory: the explorer's issue has no row, as in a full run
    (found by the past-date run of notebook 03)."""
    day = pd.Timestamp("2022-03-24")
    wide, actors = stances_wide(ah.load("stances", as_of=day), day), ah.load("actors")
    assert "territory" not in wide.index
    before = predict_outcomes(wide, actors, draws=0)
    pd.testing.assert_frame_equal(repredict_issue(before, wide, actors, "territory"), before)
