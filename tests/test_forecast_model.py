"""Front model machinery: what an origin may read, reconciliation, appending an origin.

Tests check the machinery, never the scores (benchmarks/forecast_calibration.py measures those).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis_helpers as ah
from analysis_helpers import forecasts
from analysis_helpers.analysis import forecasts as front
from analysis_helpers.conventions import NATIONAL_ID
from analysis_helpers.data import DataValidationError
from conftest import drop_rows, rewrite_csv

ORIGIN = pd.Timestamp("2025-03-01")


@pytest.fixture(scope="module")
def issued():
    """The front forecast issued at ORIGIN from the shipped data."""
    return forecasts.issue_front(ORIGIN)


def test_a_forecast_at_an_origin_reads_no_later_data(data_copy, issued):
    """Deleting every map and ledger row after the origin changes nothing the origin issues."""
    before = issued
    rewrite_csv(data_copy / "territory" / "territory_control.csv", drop_rows(lambda f: pd.to_datetime(f["date"]) > ORIGIN))
    for name in ("front_forecasts.csv", "issued_hashes.csv", "binary_forecasts.csv"):
        rewrite_csv(data_copy / "forecasts" / name, drop_rows(lambda f: pd.to_datetime(f["origin"]) > ORIGIN))
    after = forecasts.issue_front(ORIGIN, data_dir=data_copy)
    np.testing.assert_allclose(front.draws_matrix(before), front.draws_matrix(after))


def test_regions_reconcile_to_the_national_draws(issued):
    table = issued
    for _, group in table.groupby("horizon_months"):
        national = group.loc[group["region_id"] == NATIONAL_ID, "draws"].iloc[0]
        regions = np.vstack(group.loc[group["region_id"] != NATIONAL_ID, "draws"].to_numpy())
        np.testing.assert_allclose(regions.sum(axis=0), national, rtol=0, atol=1e-6)


def test_removing_an_issued_origin_is_refused(data_copy):
    path = data_copy / "forecasts" / "front_forecasts.csv"
    rewrite_csv(path, drop_rows(lambda f: f["origin"] == "2024-05-01"))
    with pytest.raises(DataValidationError, match="2024-05-01 were removed"):
        ah.load("front_forecasts", data_copy)


def test_appending_an_origin_seals_it_and_keeps_the_old_rows(data_copy):
    ledger = ah.load("front_forecasts", data_copy)
    last = ledger["origin"].max()
    rewrite_csv(data_copy / "forecasts" / "front_forecasts.csv", drop_rows(lambda f: pd.to_datetime(f["origin"]) == last))
    rewrite_csv(data_copy / "forecasts" / "issued_hashes.csv",
             drop_rows(lambda f: (pd.to_datetime(f["origin"]) == last) & (f["ledger"] == "front_forecasts")))
    assert forecasts.append_front_origins(data_dir=data_copy) == 1
    again = ah.load("front_forecasts", data_copy)
    pd.testing.assert_frame_equal(again[again["origin"] < last].reset_index(drop=True),
                                  ledger[ledger["origin"] < last].reset_index(drop=True))
    assert forecasts.append_front_origins(data_dir=data_copy) == 0


def test_reconciling_within_bounds_keeps_every_region_inside_and_sums_to_the_national_draws():
    rng = np.random.default_rng(0)
    values = {NATIONAL_ID: rng.normal(100, 50, 200), "a": rng.normal(-80, 30, 200), "b": rng.normal(60, 30, 200),
              "c": rng.normal(40, 30, 200)}
    bounds = {"a": (-50.0, 1e6), "b": (-1e6, 1e6), "c": (-1e6, 1e6)}
    out = front.reconcile(values, {"a": 30.0, "b": 30.0, "c": 30.0}, bounds)
    assert (out["a"] >= -50.0 - 1e-9).all()
    np.testing.assert_allclose(out["a"] + out["b"] + out["c"], values[NATIONAL_ID])
    unbounded = front.reconcile(values, {"a": 30.0, "b": 30.0, "c": 30.0})
    np.testing.assert_allclose(unbounded["a"] + unbounded["b"] + unbounded["c"], values[NATIONAL_ID])


def test_front_paths_give_the_issued_quantiles_at_issued_horizons_and_draw_between_them():
    ledger = ah.load("front_forecasts")
    calibrated = ledger[ledger["calibrated"]]
    issued = calibrated[calibrated["origin"] == calibrated["origin"].max()]
    paths = front.FrontPaths.from_issued(issued)
    national = paths.series.index(NATIONAL_ID)
    at6 = issued[(issued["region_id"] == NATIONAL_ID) & (issued["horizon_months"] == 6)].iloc[0]
    quantiles = paths.change_quantiles([6.0])[national, 0]
    np.testing.assert_allclose(quantiles + at6["last_km2"], at6[list(front.QUANTILE_COLUMNS)].to_numpy(float))
    assert np.all(paths.change_quantiles([0.0]) == 0)
    # change_at is the level-interpolated quantile at each (months, probability), also beyond 12 months.
    months = np.array([0.5, 6.0, 7.3, 12.0, 20.0])
    probabilities = np.tile([0.05, 0.5, 0.62, 0.9, 0.99], (len(paths.series), 1))
    drawn = paths.change_at(months, probabilities)
    grid = paths.change_quantiles(months)
    for j in range(len(months)):
        expected = np.interp(probabilities[national, j], paths.levels, grid[national, j])
        assert drawn[national, j] == pytest.approx(expected)
    assert paths.median_change([20.0])[national, 0] == pytest.approx(grid[national, -1, 4])
    with pytest.raises(front.ForecastError):  # no path before the origin
        paths.change_quantiles([-1.0])


def test_the_fire_covariate_uses_only_fires_known_at_the_origin(reference_dir):
    daily = pd.read_csv(reference_dir / "war_fires" / "strikes_by_location_and_day.csv")
    fires = front.monthly_fire_intensity(daily)
    months = pd.date_range("2023-01-01", "2025-03-01", freq="MS")
    y = np.cumsum(np.linspace(100, 400, len(months)))
    fit = front.with_fire_covariate(fires)
    first = fit(y, months, 6)
    later = fires.copy()
    later[later.index >= months[-1]] *= 10  # the origin's own month and later: not complete at the origin
    again = front.with_fire_covariate(later)(y, months, 6)
    np.testing.assert_allclose(first[0], again[0])
    np.testing.assert_allclose(first[1], again[1])
