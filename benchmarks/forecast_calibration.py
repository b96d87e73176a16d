"""Front model backtest against the issue-22 targets (a measurement, never a test).

Every monthly origin from January 2024 (the first DeepState map of each month) issues a
forecast from the data known then (`load(..., as_of=origin)`), calibrated on the forecasts of
earlier origins (from June 2023) whose target month had been observed by then. Scored here
against the map of each target month as the series stands today:

* 80 % interval coverage within 70-90 % at 1, 3, 6 and 12 months; 50 % and 95 % coverage within
  10 points of nominal;
* mean interval score (alpha = 0.2) at most half of today's rule (factor x trailing 12-month pace);
* national MAE (median forecast) at most 150 / 500 / 1,000 / 2,100 km² at 1 / 3 / 6 / 12 months;
* CRPS reported; MAE beside the no-change, trailing-3-month and rule baselines. (The CRPS skill
  over no change, with its block-bootstrap interval, is in notebook 08's track-record table.)

Takes a few minutes: every origin refits the model per modelled region.

    .venv/bin/python benchmarks/forecast_calibration.py [--end YYYY-MM-DD]
"""

from __future__ import annotations

import argparse

import pandas as pd

from analysis_helpers import forecasts

MAE_TARGETS = {1: 150, 3: 500, 6: 1000, 12: 2100}
KEY_HORIZONS = (1, 3, 6, 12)


def verdicts(scores: pd.DataFrame) -> pd.DataFrame:
    """Pass/fail of each target at the key horizons."""
    rows = []
    for row in scores[scores["horizon_months"].isin(KEY_HORIZONS)].to_dict("records"):
        h = int(row["horizon_months"])
        cov50, cov80, cov95 = row["coverage_0.5"], row["coverage_0.8"], row["coverage_0.95"]
        rows.append({"horizon": h, "n": row["comparisons"], "cov50": cov50, "cov80": cov80, "cov95": cov95,
                     "cov80 in 70-90": 0.7 <= cov80 <= 0.9, "cov50 within 10": abs(cov50 - 0.5) <= 0.1,
                     "cov95 within 10": abs(cov95 - 0.95) <= 0.1,
                     "IS model": row["interval_score_model"], "IS rule": row["interval_score_rule"],
                     "IS <= half rule": row["interval_score_model"] <= row["interval_score_rule"] / 2,
                     "MAE model": row["mae_model"], "MAE target": MAE_TARGETS[h],
                     "MAE ok": row["mae_model"] <= MAE_TARGETS[h], "MAE no change": row["mae_no_change"],
                     "MAE 3m mean": row["mae_trailing_3m"], "MAE rule": row["mae_rule"], "CRPS": row["crps_model"]})
    return pd.DataFrame(rows)


def main() -> None:
    """Run the backtest and print the scores and the verdicts."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--end", default=None, help="last origin (default: the latest map)")
    args = parser.parse_args()
    _, scores = forecasts.front_backtest(end=args.end)
    with pd.option_context("display.width", 250, "display.max_columns", 40):
        print(scores.round(3).to_string(index=False))
        print()
        print(verdicts(scores).round(3).to_string(index=False))


if __name__ == "__main__":
    main()
