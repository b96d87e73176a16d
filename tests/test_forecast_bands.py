"""Every band contains its own central value and says what it is: over every scenario and every
metric of the engine, at the latest data (front model) and before the first calibrated forecast
(pace rule)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis_helpers import scenarios
from analysis_helpers.analysis import scenarios as engine

KINDS = {engine.ASSUMPTION_RANGE, engine.INPUT_NOISE_BAND, engine.CALIBRATED_INTERVAL,
         engine.CALIBRATED_WITH_ASSUMPTIONS}


@pytest.mark.parametrize("as_of", [None, "2023-06-01"])
def test_every_scenario_metric_lies_inside_its_band_and_names_its_kind(as_of):
    results = scenarios.run_all(draws=200, seed=0, as_of=as_of)
    bounded = results.dropna(subset=["low", "high"])
    outside = bounded[(bounded["value"] < bounded["low"] - 1e-9) | (bounded["value"] > bounded["high"] + 1e-9)]
    assert outside.empty, outside[["scenario", "metric", "value", "low", "high"]].to_string()
    assert np.all(bounded["low"] <= bounded["high"])
    banded = bounded[bounded["low"] < bounded["high"]]
    assert set(banded["band"]) <= KINDS, set(banded["band"]) - KINDS
    assert results.loc[results["low"].isna(), "band"].eq(engine.NO_BAND).all()
    territory = results[results["metric"] == "occupied_km2"].set_index("scenario")["band"]
    if as_of is None:  # the front model's calibrated spread, except where a text's line fixes the area
        assert territory.drop("us_28_point_terms").str.startswith(engine.CALIBRATED_INTERVAL).all()
    else:
        assert territory.eq(engine.ASSUMPTION_RANGE).all()
