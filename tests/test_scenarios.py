"""Scenario engine: the results table, what each assumption moves, intervals, reproducibility."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import analysis_helpers as ah
from analysis_helpers.analysis import reconstruction, territory
from analysis_helpers.analysis import scenarios as engine
from analysis_helpers.scenarios import baseline_for, list_scenarios, load_scenario, run_all, run_scenario

REQUIRED = {"occupied_km2", "needs_usd_bn", "funding_gap_usd_bn"}


@pytest.fixture(scope="module")
def baseline():
    return baseline_for()


@pytest.fixture(scope="module")
def status_quo():
    return load_scenario("baseline")


def variant(scenario, **changes):
    """`scenario` with some top-level assumptions replaced."""
    return dataclasses.replace(scenario, name="variant", assumptions={**scenario.assumptions, **changes})


def values(results: pd.DataFrame) -> pd.Series:
    return results.set_index("metric")["value"]


def test_results_table_has_the_promised_columns_and_metrics(baseline, status_quo):
    results = engine.run(status_quo, baseline, draws=200)
    assert list(results.columns) == ["scenario", "metric", "value", "low", "high", "unit", "band"]
    assert results["metric"].is_unique
    metrics = set(results["metric"])
    assert metrics >= REQUIRED
    for issue_id in ah.load("issues")["issue_id"]:
        assert {f"settlement:{issue_id}", f"settlement_weighted_median:{issue_id}",
                f"settlement_expected_utility:{issue_id}", f"distance_ukraine:{issue_id}",
                f"party_gap:{issue_id}"} <= metrics
    interval = results.dropna(subset=["low", "high"])
    assert (interval["low"] <= interval["high"] + 1e-9).all()
    assert len(interval) > 0.9 * len(results)


def test_no_intervals_without_draws(baseline, status_quo):
    results = engine.run(status_quo, baseline, draws=0)
    varying = results[results["metric"].isin(["occupied_km2", "needs_usd_bn", "settlement:territory"])]
    assert varying[["low", "high"]].isna().all().all()


def test_same_seed_same_results_and_central_value_does_not_depend_on_draws(baseline, status_quo):
    first = engine.run(status_quo, baseline, draws=300, seed=4)
    pd.testing.assert_frame_equal(first, engine.run(status_quo, baseline, draws=300, seed=4))
    other = engine.run(status_quo, baseline, draws=300, seed=5)
    assert not np.allclose(first["low"].fillna(0), other["low"].fillna(0))
    pd.testing.assert_series_equal(first["value"], engine.run(status_quo, baseline, draws=0)["value"])


def test_frozen_front_keeps_the_line_at_as_of(baseline, status_quo):
    frozen = variant(status_quo, front={"factor": 0, "reasoning": "Front frozen for the test."})
    result = values(engine.run(frozen, baseline, draws=0))
    at = territory.control_at(ah.load("territory_control"), baseline.as_of).set_index("region_id")["occupied_km2"]
    expected = at.drop(territory.NATIONAL_ID).sum()
    assert result["occupied_km2"] == pytest.approx(expected)
    total = ah.load("regions")["area_km2"].sum()
    assert result["occupied_pct"] == pytest.approx(100 * expected / total)
    assert result["ukrainian_side_km2"] == pytest.approx(total - expected)


def test_front_moves_by_factor_times_the_models_median_change(baseline, status_quo):
    def occupied(factor, months):
        scenario = variant(status_quo, front={"factor": factor, "reasoning": "For the test."},
                           settlement={"months": months, "reasoning": "For the test."})
        return values(engine.run(scenario, baseline, draws=0))["occupied_km2"]

    paths = baseline.front_paths
    assert paths is not None and paths.origin <= baseline.as_of
    national = paths.series.index(territory.NATIONAL_ID)
    start = baseline.months_since_origin
    median = paths.median_change([start, start + 6])[national]
    # The central run follows the model's median path, shifted by the factor; regions reconciled to it.
    assert occupied(1, 6) - occupied(0, 6) == pytest.approx(median[1] - median[0], rel=1e-6)
    assert occupied(2, 6) - occupied(0, 6) == pytest.approx(2 * (median[1] - median[0]), rel=1e-6)


def test_the_models_spread_gives_a_band_even_when_the_scenario_states_no_range(baseline, status_quo):
    fixed = variant(status_quo, front={"factor": 1.0, "reasoning": "For the test."},
                    settlement={"months": 12, "reasoning": "For the test."})
    row = engine.run(fixed, baseline, draws=400).set_index("metric").loc["occupied_km2"]
    assert row["band"] == engine.CALIBRATED_INTERVAL
    assert row["high"] - row["low"] > 1000  # the model's 12-month spread, not a collapsed rule band
    assert "calibrated predictive interval" in engine.front_band_note(baseline, 12)


def test_before_the_first_calibrated_forecast_the_front_follows_the_pace_rule(status_quo):
    early = baseline_for("2023-06-01")
    assert early.front_paths is None

    def occupied(factor, months):
        scenario = variant(status_quo, front={"factor": factor, "window_months": 12, "reasoning": "For the test."},
                           settlement={"months": months, "reasoning": "For the test."})
        return engine.run(scenario, early, draws=50).set_index("metric").loc["occupied_km2"]

    recent = territory.change_between(ah.load("territory_control", as_of=early.as_of),
                                      early.as_of - pd.DateOffset(months=12),
                                      early.as_of).set_index("region_id").drop(territory.NATIONAL_ID)
    pace = recent["change_km2"] / 12
    start = recent["end_km2"]
    ceiling = np.maximum(ah.load("regions").set_index("region_id")["area_km2"].reindex(start.index), start)
    gain = float((np.clip(start + 6 * pace, 0, ceiling) - start).sum())
    assert occupied(1, 6)["value"] - occupied(0, 6)["value"] == pytest.approx(gain, rel=1e-6)
    assert occupied(1, 6)["band"] == engine.ASSUMPTION_RANGE
    assert "No calibrated front forecast" in engine.front_band_note(early, 6)


def test_territory_share_sets_a_region_and_is_kept_within_its_area(baseline, status_quo):
    frozen = {"factor": 0, "reasoning": "Front frozen for the test."}
    area = ah.load("regions").set_index("region_id")["area_km2"]
    reference = values(engine.run(variant(status_quo, front=frozen), baseline, draws=0))["occupied_km2"]
    whole = variant(status_quo, front=frozen, territory=[
        {"region_id": "UA-14", "share": 1.0, "reasoning": "All of Donetsk oblast, for the test."},
        {"region_id": "UA-23", "change_km2": 1e5, "reasoning": "More than the oblast, to test the clip."}])
    held = baseline.occupied_km2[list(baseline.regions["region_id"]).index("UA-14")]
    zaporizhzhia = baseline.occupied_km2[list(baseline.regions["region_id"]).index("UA-23")]
    result = values(engine.run(whole, baseline, draws=0))["occupied_km2"]
    assert result - reference == pytest.approx(area["UA-14"] - held + area["UA-23"] - zaporizhzhia)


def test_needs_scale_the_growth_after_as_of_and_gap_is_needs_minus_funding(baseline, status_quo):
    assessments, funding = ah.load("reconstruction_assessments"), ah.load("funding_sources")
    months = 12
    settled = engine.settlement_date(baseline.as_of, months)
    at = reconstruction.needs_at(assessments, [baseline.as_of, settled])["value"].to_numpy()
    for factor in (0.0, 1.0, 2.0):
        scenario = variant(status_quo, damage={"factor": factor, "reasoning": "For the test."},
                           settlement={"months": months, "reasoning": "For the test."})
        result = values(engine.run(scenario, baseline, draws=0))
        assert result["needs_usd_bn"] == pytest.approx(at[0] + factor * (at[1] - at[0]))
        gap = reconstruction.funding_gap(assessments, funding, settled, windfall_only=True)
        assert result["funding_gap_usd_bn"] == pytest.approx(
            result["needs_usd_bn"] - gap.set_index("quantity").loc["total_funding", "value"])


def test_mobilising_assets_narrows_the_gap(baseline, status_quo):
    spent = variant(status_quo, funding={"asset_share": 1.0, "windfall_only": False, "reasoning": "For the test."})
    before, after = (values(engine.run(s, baseline, draws=0)) for s in (status_quo, spent))
    assert after["funding_usd_bn"] > before["funding_usd_bn"]
    assert after["funding_gap_usd_bn"] < before["funding_gap_usd_bn"]


def test_actor_changes_move_the_settlement_the_right_way(baseline, status_quo):
    harder = variant(status_quo, actors=[{"actor_id": "russia", "position_shift": 20, "capability_factor": 2,
                                          "reasoning": "Russia harder and stronger, for the test."}])
    softer = variant(status_quo, actors=[{"actor_id": "russia", "positions": {"territory": 0},
                                          "reasoning": "Russia accepts Ukraine's demand on territory, for the test."}])
    base, hard, soft = (values(engine.run(s, baseline, draws=0)) for s in (status_quo, harder, softer))
    assert hard["settlement:territory"] > base["settlement:territory"]
    assert soft["settlement:territory"] < base["settlement:territory"]
    assert soft["distance_russia:territory"] == pytest.approx(soft["settlement:territory"])


def test_mediators_with_more_salience_pull_the_compromise_towards_them(baseline, status_quo):
    wide, actors = engine.apply_to_stances(variant(status_quo, mediation={
        "mediators": ["turkey"], "salience": 100, "capability_factor": 3, "reasoning": "For the test."}), baseline)
    turkey = wide[("position", "turkey")].dropna()
    assert (wide.loc[turkey.index, ("salience", "turkey")] == 100).all()
    assert actors.set_index("actor_id").loc["turkey", "capability"] == 3 * baseline.actors.set_index(
        "actor_id").loc["turkey", "capability"]


def test_memoised_parts_give_the_same_results_as_a_fresh_run(baseline, status_quo):
    faster = variant(status_quo, front={"factor": 2, "reasoning": "For the test."})
    warm = engine.run(faster, baseline, draws=100)
    independent = engine.prepare_baseline({name: ah.load(name) for name in engine.TABLES}, baseline.as_of)
    pd.testing.assert_frame_equal(warm, engine.run(faster, independent, draws=100))


def test_the_four_paths_differ_from_the_baseline_as_their_narratives_say():
    results = run_all(draws=0)
    table = results.pivot(index="metric", columns="scenario", values="value")
    assert table.loc["occupied_km2", "russian_escalation"] > table.loc["occupied_km2", "baseline"]
    assert table.loc["occupied_km2", "ukraine_gains_leverage"] < table.loc["occupied_km2", "baseline"]
    assert table.loc["needs_usd_bn", "russian_escalation"] > table.loc["needs_usd_bn", "baseline"]
    assert table.loc["funding_gap_usd_bn", "international_mediation"] < table.loc["funding_gap_usd_bn", "baseline"]
    assert set(results["scenario"]) == set(list_scenarios())


def test_run_scenario_accepts_a_name_or_a_scenario(status_quo):
    by_name = run_scenario("baseline", draws=50, seed=2)
    pd.testing.assert_frame_equal(by_name, run_scenario(status_quo, draws=50, seed=2))
    with pytest.raises(ValueError, match="draws"):
        run_scenario("baseline", draws=-1)


def test_assumption_table_lists_every_assumption_with_its_reasoning():
    table = engine.assumption_table(load_scenario("ukraine_gains_leverage"))
    assert {"settlement · months", "territory UA-23 · change_km2", "actors russia · position_shift"} <= set(
        table["assumption"])
    assert table["reasoning"].str.len().min() > 20
    row = table.set_index("assumption").loc["territory UA-23 · change_km2"]
    assert (row["low"], row["value"], row["high"]) == (-4000, -1500, 0)


def test_prepare_baseline_names_missing_tables():
    with pytest.raises(KeyError, match="regions"):
        engine.prepare_baseline({"stances": ah.load("stances")}, "2026-01-01")
