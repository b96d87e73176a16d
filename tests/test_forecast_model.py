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
