"""What dating the capabilities changes in the position backtest, and the package-trade model's skill.

    .venv/bin/python benchmarks/model_checks_inputs.py [draws]

Runs `model_checks.position_check` for the `party` and `mediated` target sets at seeds 0, 1 and 2,
once with the capabilities known at each freeze (CODEBOOK section 14, the default) and once with
today's actors table at every freeze (the earlier check), and prints per model and baseline the
mean over seeds of the MAE, CRPS and CRPS skill difference with its 95 % cluster-bootstrap
interval, and the verdicts (a model is predictive only where the interval lies below zero). The
seeds show how much of a difference is Monte Carlo noise. No timing: the output is the measurement.
"""

from __future__ import annotations

import sys

import pandas as pd

from analysis_helpers import model_checks

SEEDS = (0, 1, 2)
TARGET_SETS = ("party", "mediated")


def run(draws: int) -> pd.DataFrame:
    """One row per target set, seed, inputs (dated / today), model and baseline."""
    rows = []
    for target_set in TARGET_SETS:
        for seed in SEEDS:
            for inputs, dated in (("dated", True), ("today", False)):
                check = model_checks.position_check(target_set, draws=draws, seed=seed, expected_utility_draws=50,
                                                    dated_capabilities=dated)
                scores = check.scores.set_index("model")
                for skill in check.skill.itertuples():
                    rows.append((target_set, seed, inputs, skill.model, skill.baseline, skill.pairs, skill.clusters,
                                 scores.loc[skill.model, "mae"], scores.loc[skill.model, "crps"],
                                 skill.crps_difference, skill.low, skill.high, skill.verdict))
    return pd.DataFrame(rows, columns=["target_set", "seed", "inputs", "model", "baseline", "pairs", "clusters", "mae",
                                       "crps", "difference", "low", "high", "verdict"])


def main() -> None:
    draws = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    table = run(draws)
    pd.set_option("display.width", 200)
    key = ["target_set", "baseline", "model", "inputs"]
    means = table.groupby(key)[["pairs", "clusters", "mae", "crps", "difference", "low", "high"]].mean()
    means["verdicts"] = table.groupby(key)["verdict"].agg(lambda v: "/".join(sorted(set(v))))
    print(f"position backtest, {draws} draws, seeds {SEEDS}: means over seeds (CRPS difference < 0: better)")
    print(means.round(2).to_string())


if __name__ == "__main__":
    main()
