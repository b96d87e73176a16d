"""Backtests: the bargaining models against later texts, the front-pace assumption against the maps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis_helpers import load, model_checks
from analysis_helpers.analysis import model_checks as checks
from analysis_helpers.analysis import sensitivity as sensitivity_core
from analysis_helpers.analysis import stances as stance_models
from analysis_helpers.figures import model_checks as check_figures


def stance(actor, issue, as_of, position, salience=80, uncertainty=5, source="stance-x"):
    return {"actor_id": actor, "issue_id": issue, "as_of": pd.Timestamp(as_of), "position": position,
            "salience": salience, "confidence": "high", "uncertainty": uncertainty, "evidence": "e",
            "source_id": source}


ACTORS = pd.DataFrame({"actor_id": ["ukraine", "russia", "usa"], "capability": [25, 39, 100],
                       "capability_sd": [3, 4, 10]})
STANCES = pd.DataFrame([
    stance("ukraine", "territory", "2024-01-01", 10), stance("russia", "territory", "2024-01-01", 90),
    stance("usa", "territory", "2024-01-01", 50),
    stance("ukraine", "sanctions_relief", "2024-01-01", 0), stance("russia", "sanctions_relief", "2024-01-01", 100),
    stance("ukraine", "territory", "2025-01-01", 40),  # after the freeze: not known to it
])


def test_naive_baseline_is_the_parties_midpoint_with_a_midpoint_interval():
    wide = stance_models.stances_wide(STANCES, "2024-06-01")
    base = checks.naive_baseline(wide).set_index("issue_id")
    assert base.loc["territory", "outcome"] == 50 and base.loc["sanctions_relief", "outcome"] == 50
    half = 1.2816 * np.sqrt(5 ** 2 + 5 ** 2) / 2
    assert base.loc["territory", "high"] == pytest.approx(50 + half)


def test_predictions_use_only_stances_known_at_the_freeze():
    early = checks.predictions_at(STANCES, ACTORS, "2023-06-01", draws=0)
    assert early.empty  # nothing coded yet: nothing to predict, no error
    frozen = checks.predictions_at(STANCES, ACTORS, "2024-06-01", draws=50, expected_utility_draws=10)
    later = checks.predictions_at(STANCES, ACTORS, "2025-06-01", draws=50, expected_utility_draws=10)
    key = ["issue_id", "model"]
    moved = frozen.set_index(key)["outcome"] - later.set_index(key)["outcome"]
    assert moved.loc["territory", checks.BASELINE_MODEL] == -15  # Ukraine's 2025 move only seen later
    assert set(frozen["model"]) == {checks.BASELINE_MODEL, *stance_models.MODELS}


def test_scores_against_texts_compare_every_model_on_the_same_comparisons():
    proposals = pd.DataFrame({"proposal_id": ["deal-a", "deal-b", "old"],
                              "date": pd.to_datetime(["2024-09-01", "2025-03-01", "2023-01-01"])})
    provisions = pd.DataFrame({"proposal_id": ["deal-a", "deal-a", "deal-b", "old"],
                               "issue_id": ["territory", "sanctions_relief", "territory", "territory"],
                               "position": [60.0, np.nan, 45.0, 0.0], "silent": [False, True, False, False],
                               "source_id": ["prop-a", "prop-a", "prop-b", "prop-old"]})
    targets = checks.targets_from_proposals(proposals, provisions)
    assert list(targets["target"]) == ["deal-a", "deal-b", "old"]  # the silent provision is left out
    pairs = checks.position_backtest(STANCES, ACTORS, targets, ["2024-06-01"], horizon_months=12, draws=50)
    assert set(pairs["target"]) == {"deal-a", "deal-b"}  # 'old' predates the freeze
    assert pairs.groupby("model").size().nunique() == 1
    baseline = pairs[pairs["model"] == checks.BASELINE_MODEL].set_index("target")
    assert baseline.loc["deal-a", "abs_error"] == 10 and baseline.loc["deal-b", "abs_error"] == 5
    scores = checks.position_scores(pairs).set_index("model")
    assert scores.loc[checks.BASELINE_MODEL, "mae"] == 7.5
    assert scores.loc[checks.BASELINE_MODEL, "beats_baseline"] is None
    assert scores["comparisons"].eq(2).all() and scores["coverage_80"].between(0, 1).all()
    counts = checks.freeze_counts(pairs, ["2022-01-01", "2024-06-01"]).set_index("freeze")
    assert counts.loc["2022-01-01"].eq(0).all() and counts.loc["2024-06-01", "compromise"] == 2


def test_pace_interval_is_the_engines_triangular_80_percent_on_past_data_only():
    dates = pd.date_range("2023-01-01", periods=25, freq="MS")
    area = 1000.0 + 100.0 * np.arange(25)  # 100 km² a month, steadily
    control = pd.DataFrame({"region_id": "UA", "date": dates, "occupied_km2": area, "source_id": "terr-x"})
    pace = checks.pace_backtest(control, (1.0, 0.5, 1.5), ["2024-01-01", "2024-06-01", "2022-06-01"],
                                horizons=(3, 6, 12))
    assert set(pace["freeze"]) == {pd.Timestamp("2024-01-01"), pd.Timestamp("2024-06-01")}  # no history before 2023
    row = pace[(pace["freeze"] == "2024-01-01") & (pace["horizon_months"] == 6)].iloc[0]
    assert row["rate_km2_per_month"] == 100 and row["predicted_km2"] == 600 and row["realised_km2"] == 600
    expected_low = 0.5 + np.sqrt(0.1 * 1.0 * 0.5)  # 10th percentile of triangular(0.5, 1, 1.5)
    assert row["low_km2"] == pytest.approx(expected_low * 600) and bool(row["covered"])
    assert pace[pace["freeze"] == "2024-06-01"]["horizon_months"].max() == 6  # 12 months runs past the data
    scores = checks.pace_scores(pace)
    assert scores["coverage_80"].eq(1.0).all()


def test_checks_on_the_kit_data_and_their_figures():
    pairs, scores, targets_from = model_checks.position_check(draws=20)
    assert scores.loc[0, "model"] == checks.BASELINE_MODEL and targets_from
    assert scores["comparisons"].nunique() == 1 and scores.loc[0, "comparisons"] > 0
    pace, pace_scores, cited = model_checks.pace_check("baseline")
    assert set(pace_scores["horizon_months"]) == {3, 6, 12} and cited
    as_of = pd.Timestamp("2026-01-01")
    sources = load("sources")
    figure = check_figures.position_scores_chart(scores, pairs, sources, as_of)
    assert "naive midpoint" in figure.layout.title.text
    assert "Source:" in figure.layout.annotations[-1].text
    assert "80% interval held" in check_figures.pace_chart(pace, cited, sources, as_of).layout.title.text


def test_tornado_puts_the_strongest_input_on_top():
    inputs = pd.DataFrame({"input": ["a", "b"], "value": [1.0, 1.0], "low": [0.0, 0.0], "high": [2.0, 2.0],
                           "source_id": ["", "terr-deepstate-archive"]})
    table = pd.DataFrame({
        "output": "occupied_km2", "input": ["a", "b", "a", "b"], "method": "morris",
        "index": ["mu_star", "mu_star", "sigma", "sigma"], "value": [1.0, 5.0, 0.1, 0.2],
        "conf": [0.1, 0.5, np.nan, np.nan],
        "low": 0.0, "high": 0.0, "unit": "km2", "note": "", "source_id": list(inputs["source_id"]) * 2})
    sources = load("sources")
    figure = check_figures.tornado(table, "occupied_km2", sources, "2026-01-01")
    assert figure.layout.title.text == "Russian-held area: driven most by b"
    assert list(figure.data[0].y) == ["a", "b"]  # plotted bottom-up: b on top
    assert sensitivity_core.tornado_order(table, "occupied_km2")["input"].tolist() == ["b", "a"]
    with pytest.raises(ValueError, match="no rows"):
        check_figures.tornado(table, "needs_usd_bn", sources, "2026-01-01")
