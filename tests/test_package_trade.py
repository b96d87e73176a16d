"""Package trade (logrolling) between the two parties: who wins which issue, and the backtest wiring."""

from __future__ import annotations

import numpy as np
import pytest

from analysis_helpers.analysis import model_checks as checks

PARTIES = (0, 1)


def test_each_party_wins_the_issue_it_cares_about_more():
    position = np.array([[0.0, 100.0], [0.0, 100.0]])  # issues x (ukraine, russia)
    salience = np.array([[90.0, 10.0], [10.0, 90.0]])
    outcome = checks.package_trade(position, np.array([50.0, 50.0]), salience, PARTIES)
    assert outcome == pytest.approx([0.0, 100.0])
    # Issue by issue, Nash bargaining splits both instead.
    assert checks.nash_bargaining(position, np.array([50.0, 50.0]), salience, PARTIES) == pytest.approx([10.0, 90.0])


def test_equal_saliences_and_power_split_the_total_gap_evenly_and_stay_between_the_parties():
    position = np.array([[20.0, 80.0], [40.0, 60.0], [10.0, 90.0]])
    salience = np.full((3, 2), 50.0)
    outcome = checks.package_trade(position, np.array([30.0, 30.0]), salience, PARTIES)
    gaps = position[:, 1] - position[:, 0]
    won_by_ukraine = (position[:, 1] - outcome) / gaps
    # Half of the salience-weighted gap goes each way (to the grid's resolution).
    assert (won_by_ukraine * gaps).sum() == pytest.approx(gaps.sum() / 2, abs=gaps.max() / checks.PACKAGE_STEPS)
    assert ((outcome >= position[:, 0]) & (outcome <= position[:, 1])).all()


def test_more_power_wins_more_and_third_parties_shift_the_reservation_points():
    position = np.array([[0.0, 100.0, 50.0], [0.0, 100.0, 50.0]])
    salience = np.array([[60.0, 60.0, 0.0], [60.0, 60.0, 0.0]])
    weak, strong = (checks.package_trade(position, np.array([c, 40.0, 10.0]), salience, PARTIES).mean()
                    for c in (20.0, 80.0))
    assert strong < weak  # Ukraine (position 0) gains with its capability
    leading = np.broadcast_to(position, (5, *position.shape))
    assert checks.package_trade(leading, np.array([40.0, 40.0, 10.0]),
                                np.broadcast_to(salience, leading.shape), PARTIES).shape == (5, 2)


def test_the_backtest_scores_the_package_model_like_the_others():
    assert "package" in checks.MODELS and "package" in checks.MODEL_LABELS
