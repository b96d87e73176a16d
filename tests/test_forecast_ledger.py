"""Forecast ledgers and base rates: append-only seals, bad input, calibration pools, settlement timing.

Tests check the machinery, never the scores (benchmarks/forecast_calibration.py measures those).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis_helpers as ah
from analysis_helpers import forecasts
from analysis_helpers.analysis import forecasts as front
from analysis_helpers.analysis import forecasts as settle
from analysis_helpers.conventions import NATIONAL_ID
from analysis_helpers.data import DataValidationError
from analysis_helpers.data.forecasts import origin_hashes
from conftest import rewrite_csv, set_cells

ORIGIN = pd.Timestamp("2025-03-01")


def test_the_model_refuses_rows_dated_after_its_origin():
    control = ah.load("territory_control")
    with pytest.raises(front.ForecastError, match="later maps"):
        front.model_forecast(control, ah.load("front_breaks"), ORIGIN)


def test_no_fitting_window_crosses_a_regime_break():
    breaks = ah.load("front_breaks")
    for origin in pd.date_range("2023-01-01", "2026-08-01", freq="MS"):
        assert front.fit_start(breaks, origin) == pd.Timestamp("2022-12-01")
    with pytest.raises(front.ForecastError):
        front.fit_start(breaks, "2022-01-01")
    assert front.fit_start(breaks, "2022-05-01") == pd.Timestamp("2022-03-01")


def test_reconcile_leaves_still_regions_alone():
    values = {NATIONAL_ID: np.array([110.0, 130.0]), "UA-14": np.array([50.0, 60.0]), "UA-65": np.array([40.0, 40.0])}
    out = front.reconcile(values, {"UA-14": 10.0, "UA-65": 0.0})
    np.testing.assert_allclose(out["UA-65"], [40.0, 40.0])
    np.testing.assert_allclose(out["UA-14"] + out["UA-65"], out[NATIONAL_ID])


def test_too_few_resolved_forecasts_is_a_clear_error():
    errors = pd.DataFrame({"region_id": [NATIONAL_ID] * 3, "horizon_months": [1, 2, 3], "origin": pd.Timestamp("2024-01-01"),
                           "z": [0.1, -0.5, 1.0]})
    with pytest.raises(front.ForecastError, match="too few origins"):
        front.calibration_quantiles(errors, NATIONAL_ID, 1, np.array([0.5]))


def test_calibration_uses_the_nearest_horizons_first():
    errors = pd.DataFrame({"region_id": NATIONAL_ID, "horizon_months": [1] * 20 + [11] * 6 + [12] * 5,
                           "origin": pd.Timestamp("2024-01-01"), "z": [5.0] * 20 + [0.5] * 11})
    pool = front.calibration_pool(errors, NATIONAL_ID, 12)
    assert set(pool["horizon_months"]) == {11, 12}


def test_the_ledger_is_append_only(data_copy):
    path = data_copy / "forecasts" / "front_forecasts.csv"

    rewrite_csv(path, set_cells(lambda f: f.index[f["origin"] == "2024-05-01"][0], "mean_km2", "1"))
    with pytest.raises(DataValidationError) as error:
        ah.load("front_forecasts", data_copy)
    assert "2024-05-01 was rewritten" in str(error.value) and "front_forecasts.csv, row" in str(error.value)


def test_the_shipped_seals_match_the_ledger():
    ledger = ah.load("front_forecasts")
    seals = ah.load("forecast_issued_hashes")
    seals = seals[seals["ledger"] == "front_forecasts"].set_index("origin")
    ours = origin_hashes(ledger).set_index("origin")
    assert ours["sha256"].equals(seals["sha256"].reindex(ours.index))


def test_a_question_without_a_resolution_rule_is_refused(data_copy):
    path = data_copy / "forecasts" / "questions.csv"
    rewrite_csv(path, set_cells(lambda f: f.index[0], "resolution_rule", ""))
    with pytest.raises(DataValidationError, match=r"questions.csv, row 2, column resolution_rule"):
        ah.load("forecast_questions", data_copy)


def test_a_horizon_beyond_the_model_is_refused(data_copy):
    path = data_copy / "forecasts" / "front_forecasts.csv"
    rewrite_csv(path, set_cells(lambda f: f.index[-1], "horizon_months", "13"))
    with pytest.raises(DataValidationError, match=r"column horizon_months"):
        ah.load("front_forecasts", data_copy)


def test_hazard_multiplier_moves_the_no_settlement_probability():
    base = pd.DataFrame({"horizon_months": [12, 24], "probability": [0.2, 0.4]})
    out = settle.no_settlement_probability(base, 2.0)
    np.testing.assert_allclose(out["no_settlement"], [0.64, 0.36])
    with pytest.raises(ValueError):
        settle.no_settlement_probability(base, -1.0)


def test_settlement_probability_is_conditional_on_time_elapsed():
    early = forecasts.settlement_probability("2022-06-01", [12])
    late = forecasts.settlement_probability("2026-08-01", [12])
    assert late["probability"].iloc[0] < early["probability"].iloc[0]
    assert late["at_risk"].iloc[0] < early["at_risk"].iloc[0]


def test_base_rates_rederive_from_the_reference_files(reference_dir):
    derived = forecasts.build_base_rates(reference_dir / "base_rates", n_boot=2)
    shipped = ah.load("settlement_base_rates")
    key = ["measure", "method", "category", "elapsed_months", "horizon_months"]

    def keyed(frame):
        # The file keeps 6 significant digits: compare durations at that precision.
        return frame.fillna({"category": ""}).assign(elapsed_months=frame["elapsed_months"].round(2))

    merged = keyed(shipped).merge(keyed(derived), on=key, suffixes=("", "_new"))
    assert len(merged) == len(shipped)
    np.testing.assert_allclose(merged["estimate"], merged["estimate_new"], atol=1e-5)


def test_the_settlement_outlook_lies_inside_its_band():
    table = forecasts.outlook_table("2026-08-22")
    centre = table["P(ends within h), parametric"]
    assert (table["90% input-noise band, low"] <= centre).all() and (centre <= table["90% input-noise band, high"]).all()
    assert centre.is_monotonic_increasing


def test_before_the_first_calibrated_forecast_the_charts_say_when_it_came():
    day = "2022-03-24"
    first = forecasts.first_calibrated(day)
    calibrated = ah.load("front_forecasts").query("calibrated")
    assert first == calibrated["origin"].min() and first > pd.Timestamp(day)
    assert forecasts.first_calibrated(day, scored=True) == calibrated.query("origin >= @forecasts.BACKTEST_FROM")[
        "origin"].min()
    fan = forecasts.issued_fan(day)
    assert fan.empty and "q0.5" in fan
    scores, pit, cited = forecasts.front_track_record(day)
    assert scores.empty and len(pit) == 0 and cited == []
    assert forecasts.interval_coverage(scores, 12) == {} and forecasts.scenario_fronts(day).empty
    sources = ah.load("sources")
    chart = forecasts.fan_chart(fan, forecasts.monthly_history(day), {}, cited, sources, day, next_known=first)
    assert chart.layout.title.text.startswith("No calibrated front forecast") and not chart.data
    assert "1 October 2023" in chart.layout.annotations[0].text  # the ledger's first calibrated origin
    for figure in (forecasts.reliability_diagram(scores, cited, sources, day),
                   forecasts.pit_histogram(pit, cited, sources, day)):
        assert not figure.data and "Nothing to draw as of 2022-03-24" in figure.layout.annotations[-1].text
