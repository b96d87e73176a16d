"""Each metric of a scenario run means what its definition says (analysis.scenarios module doc),
checked against an independent computation from the same inputs, under a scenario's shifts."""

from __future__ import annotations

import numpy as np
import pytest

from analysis_helpers.analysis import bargaining, stances
from analysis_helpers.analysis import scenarios as engine
from analysis_helpers.conventions import NATIONAL_ID, PARTIES, RUSSIA, UKRAINE
from analysis_helpers.scenarios import baseline_for, load_scenario


@pytest.fixture(scope="module")
def escalation():
    scenario = load_scenario("russian_escalation")
    baseline = baseline_for()
    results = engine.run(scenario, baseline, draws=0).set_index("metric")["value"]
    return scenario, baseline, results


def test_party_gap_is_the_distance_between_the_parties_80_percent_intervals_after_the_shifts(escalation):
    scenario, baseline, results = escalation
    wide, _ = engine.apply_to_stances(scenario, baseline)
    for issue_id in wide.index:
        ukraine, russia = (wide.loc[issue_id, ("position", p)] for p in (UKRAINE, RUSSIA))
        if np.isnan(ukraine) or np.isnan(russia):
            continue
        # Russia's shift (+10, clipped to the scale) is in the positions the gap is measured on.
        assert russia == min(100, baseline.stances_wide.loc[issue_id, ("position", RUSSIA)] + 10)
        half = {p: stances.Z_80 * wide.loc[issue_id, ("uncertainty", p)] for p in PARTIES}
        lows = {p: max(0.0, wide.loc[issue_id, ("position", p)] - half[p]) for p in PARTIES}
        highs = {p: min(100.0, wide.loc[issue_id, ("position", p)] + half[p]) for p in PARTIES}
        expected = max(0.0, max(lows.values()) - min(highs.values()))
        assert results[f"party_gap:{issue_id}"] == pytest.approx(expected)


def test_settlement_and_distances_are_the_compromise_and_each_party_s_distance_from_it(escalation):
    scenario, baseline, results = escalation
    wide, actors = engine.apply_to_stances(scenario, baseline)
    capability = actors.set_index("actor_id").loc[list(wide["position"].columns), "capability"].to_numpy(float)
    for issue_id in wide.index:
        position = wide.loc[issue_id, "position"].to_numpy(float)
        salience = wide.loc[issue_id, "salience"].to_numpy(float)
        outcome = bargaining.compromise(position, capability, salience)
        assert results[f"settlement:{issue_id}"] == pytest.approx(outcome)
        assert results[f"settlement_weighted_median:{issue_id}"] == pytest.approx(
            bargaining.weighted_median(position, capability, salience))
        for party in PARTIES:
            party_position = wide.loc[issue_id, ("position", party)]
            if not np.isnan(party_position):
                assert results[f"distance_{party}:{issue_id}"] == pytest.approx(abs(party_position - outcome))
    for party in PARTIES:
        per_issue = [results[f"distance_{party}:{i}"] for i in wide.index]
        assert results[f"distance_{party}_mean"] == pytest.approx(np.nanmean(per_issue))
    assert results["party_gap_mean"] == pytest.approx(np.nanmean([results[f"party_gap:{i}"] for i in wide.index]))


def test_area_people_and_money_metrics_add_up(escalation):
    scenario, baseline, results = escalation
    area = baseline.regions["area_km2"].sum()
    assert results["settlement_months"] == scenario.assumptions["settlement"]["months"]["value"]
    assert results["occupied_pct"] == pytest.approx(100 * results["occupied_km2"] / area)
    assert results["ukrainian_side_km2"] == pytest.approx(area - results["occupied_km2"] - results["buffer_km2"])
    assert results["funding_gap_usd_bn"] == pytest.approx(results["needs_usd_bn"] - results["funding_usd_bn"])
    # Area moves by factor x the front model's median change to the settlement, each region within 0..its area.
    months, factor = results["settlement_months"], scenario.assumptions["front"]["factor"]["value"]
    moved = engine._model_change(baseline, np.array([months]), np.array([factor]), seed=0)[0]
    ceiling = np.maximum(baseline.regions["area_km2"].to_numpy(float), baseline.occupied_km2)
    occupied = np.clip(baseline.occupied_km2 + moved, 0, ceiling)
    assert results["occupied_km2"] == pytest.approx(occupied.sum())
    paths = baseline.front_paths
    national = paths.median_change([baseline.months_since_origin, baseline.months_since_origin + months])[
        paths.series.index(NATIONAL_ID)]
    assert moved.sum() == pytest.approx(factor * (national[1] - national[0]), rel=1e-6)
    density = (baseline.regions["population"] / baseline.regions["area_km2"]).to_numpy(float)
    assert results["occupied_population"] == pytest.approx(occupied @ density)
