"""Every band contains its own central value: over every scenario and every metric of the engine."""

from __future__ import annotations

import numpy as np

from analysis_helpers import scenarios


def test_every_scenario_metric_lies_inside_its_band():
    results = scenarios.run_all(draws=200, seed=0)
    bounded = results.dropna(subset=["low", "high"])
    outside = bounded[(bounded["value"] < bounded["low"] - 1e-9) | (bounded["value"] > bounded["high"] + 1e-9)]
    assert outside.empty, outside[["scenario", "metric", "value", "low", "high"]].to_string()
    assert np.all(bounded["low"] <= bounded["high"])
