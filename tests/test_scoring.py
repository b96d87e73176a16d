"""The shared scoring module: known values, edge cases and the bootstrap's determinism."""

from __future__ import annotations

import numpy as np
import pytest

from analysis_helpers.analysis import scoring


def test_interval_score_is_width_inside_and_adds_the_penalty_outside():
    scores = scoring.interval_score([5, 12, -1], [0, 0, 0], [10, 10, 10], alpha=0.2)
    assert list(scores) == [10, 10 + 2 / 0.2 * 2, 10 + 2 / 0.2 * 1]


def test_interval_score_refuses_crossed_bounds_and_bad_alpha():
    with pytest.raises(ValueError, match="lower bound"):
        scoring.interval_score([1], [2], [1], alpha=0.2)
    with pytest.raises(ValueError, match="alpha"):
        scoring.interval_score([1], [0], [2], alpha=1.5)


def test_coverage_counts_closed_intervals():
    assert scoring.coverage([0, 1, 2, 3], [0, 0, 0, 0], [2, 2, 2, 2]) == 0.75


def test_crps_of_a_point_forecast_is_the_absolute_error():
    assert scoring.crps_draws([3.0], [[5.0, 5.0, 5.0]])[0] == pytest.approx(2.0)


def test_crps_needs_one_row_of_draws_per_outcome():
    with pytest.raises(ValueError, match="2 outcomes but 1 rows"):
        scoring.crps_draws([1, 2], [[1, 2, 3]])


def test_pit_is_the_share_of_draws_below_with_ties_half():
    assert list(scoring.pit([2, 10], [[1, 2, 3, 4], [1, 2, 3, 4]])) == [0.375, 1.0]


def test_brier_and_log_score():
    assert list(scoring.brier([0.7, 0.2], [1, 0])) == pytest.approx([0.09, 0.04])
    assert scoring.log_score([0.5], [1])[0] == pytest.approx(np.log(2))
    assert np.isfinite(scoring.log_score([0.0], [1])[0])
    with pytest.raises(ValueError, match="0-1"):
        scoring.brier([1.2], [1])


def test_quantiles_from_draws_names_columns_by_level():
    table = scoring.quantiles_from_draws([[0, 1, 2, 3, 4]], [0.1, 0.5, 0.9])
    assert list(table.columns) == [0.1, 0.5, 0.9]
    assert table.loc[0, 0.5] == 2


def test_paired_skill_is_deterministic_and_resolves_a_clear_gain():
    rng = np.random.default_rng(1)
    baseline = rng.uniform(5, 10, 60)
    model = baseline - 3 + rng.normal(0, 0.5, 60)
    first = scoring.paired_skill(model, baseline, seed=0)
    assert first == scoring.paired_skill(model, baseline, seed=0)
    assert first.upper < 0 and first.verdict == "predictive"


def test_paired_skill_with_clusters_counts_them_and_stays_unresolved_on_noise():
    rng = np.random.default_rng(2)
    baseline = rng.normal(0, 1, 40)
    model = baseline + rng.normal(0, 1, 40)
    skill = scoring.paired_skill(model, baseline, clusters=np.repeat(np.arange(8), 5))
    assert skill.clusters == 8 and skill.n == 40
    assert skill.verdict == "descriptive"


def test_paired_skill_refuses_too_few_cases_or_mismatched_labels():
    with pytest.raises(ValueError, match="at least 2"):
        scoring.paired_skill([1.0], [2.0])
    with pytest.raises(ValueError, match="one label per case"):
        scoring.paired_skill([1.0, 2.0], [2.0, 3.0], clusters=[1])


def test_dm_test_finds_a_consistent_difference_and_corrects_for_small_samples():
    rng = np.random.default_rng(3)
    loss_b = rng.uniform(1, 2, 30)
    loss_a = loss_b - 0.5 + rng.normal(0, 0.1, 30)
    result = scoring.dm_test(loss_a, loss_b)
    assert result.statistic < 0 and result.p_value < 0.001 and result.n == 30
    with pytest.raises(ValueError, match="needs more than"):
        scoring.dm_test([1.0, 2.0], [1.0, 1.0], horizon=3)
