"""Front model backtest against the issue-22 targets, with its challengers (a measurement, never a test).

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

Challengers (`--models`), each backtested exactly as the kit's model (same origins, its own
split-conformal calibration on its own earlier errors):

* `damped`: an additive damped-trend exponential smoothing model (statsmodels ETSModel), aimed
  at the 12-month misses (the pace decays with the horizon instead of going on);
* `fires`: the local linear trend with the Economist's war-fire intensity as a regression effect
  (`analysis.forecasts.with_fire_covariate`: monthly mean of the cloud-screened 7-day mean of
  war-related fires, lagged two months, carried forward where not yet known). Needs
  `../shared/reference/war_fires/` (or `--reference`); skipped, with a line saying so, without it.

Decision rule, written before any challenger was run: a challenger replaces the kit's model
only if (1) its mean CRPS over all horizons 1-12 is lower than the kit's model's, and (2) its
80 % coverage lies within 70-90 % at each of 1, 3, 6 and 12 months. Both results are printed
whatever they are. The evaluation origins are never used to choose a challenger's settings.

Takes several minutes per model: every origin refits the model per modelled region.

    .venv/bin/python benchmarks/forecast_calibration.py [--end YYYY-MM-DD] [--models kit damped fires]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from analysis_helpers import forecasts
from analysis_helpers.analysis import forecasts as front

MAE_TARGETS = {1: 150, 3: 500, 6: 1000, 12: 2100}
KEY_HORIZONS = (1, 3, 6, 12)
FIRES_FILE = Path("war_fires") / "strikes_by_location_and_day.csv"
DEFAULT_REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


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


def challenger_verdict(kit: pd.DataFrame, challenger: pd.DataFrame) -> dict[str, object]:
    """The pre-declared rule: lower mean CRPS over horizons 1-12 and 80 % coverage in 70-90 % at
    every key horizon."""
    key = challenger[challenger["horizon_months"].isin(KEY_HORIZONS)]
    covered = bool(key["coverage_0.8"].between(0.7, 0.9).all())
    lower = float(challenger["crps_model"].mean()) < float(kit["crps_model"].mean())
    return {"mean CRPS kit": float(kit["crps_model"].mean()), "mean CRPS challenger": float(challenger["crps_model"].mean()),
            "mean IS kit": float(kit["interval_score_model"].mean()),
            "mean IS challenger": float(challenger["interval_score_model"].mean()),
            "lower mean CRPS": lower, "cov80 in 70-90 at 1/3/6/12": covered, "enters the kit": lower and covered}


def fits(models: list[str], reference: Path) -> dict[str, front.TrendFit]:
    """The trend models asked for; `fires` only when the war-fire file is there."""
    chosen: dict[str, front.TrendFit] = {}
    for name in models:
        if name == "kit":
            chosen[name] = front.local_linear_trend
        elif name == "damped":
            chosen[name] = front.damped_trend
        elif name == "fires":
            path = reference / FIRES_FILE
            if not path.exists():
                print(f"fires: skipped ({path} is not there)")
                continue
            chosen[name] = front.with_fire_covariate(front.monthly_fire_intensity(pd.read_csv(path)))
        else:
            raise SystemExit(f"unknown model {name!r}: kit, damped or fires")
    return chosen


def main() -> None:
    """Run the backtest of each model and print its scores, its verdicts and the challenger rule."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--end", default=None, help="last origin (default: the latest map)")
    parser.add_argument("--models", nargs="+", default=["kit", "damped", "fires"])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE, help="the shared reference folder")
    args = parser.parse_args()
    scores = {}
    with pd.option_context("display.width", 250, "display.max_columns", 40):
        for name, fit in fits(["kit", *[m for m in args.models if m != "kit"]], args.reference).items():
            _, scores[name] = forecasts.front_backtest(end=args.end, fit=fit)
            print(f"== {name}")
            print(scores[name].round(3).to_string(index=False))
            print()
            print(verdicts(scores[name]).round(3).to_string(index=False))
            print(flush=True)
        for name, table in scores.items():
            if name != "kit":
                print(f"== rule: does {name} enter the kit's model?")
                print(pd.Series(challenger_verdict(scores["kit"], table)).to_string())


if __name__ == "__main__":
    main()
