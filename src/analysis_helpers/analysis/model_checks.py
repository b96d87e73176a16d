"""Are the models any good? Backtests of the bargaining models and of the front-pace assumption.

Pure functions: tables in, tables out.

Bargaining models against later texts (`position_backtest`, `position_scores`)
    At each freeze date the stances are taken as they stood then (`stances_wide(as_of=freeze)`),
    and the weighted median, compromise and expected-utility models predict a position per issue
    with their 80 % Monte Carlo interval (`stances.predict_outcomes`). Each prediction is scored
    against every realised position on that issue dated after the freeze and within `horizon`
    months: the positions coded for the settlement texts of the period (`targets_from_proposals`)
    or, without a proposals dataset, the coded positions of Ukraine and Russia in the next round
    (`targets_from_stances`). Naive baseline: the midpoint of Ukraine's and Russia's positions
    at the freeze, with the 80 % interval of a midpoint of two coded positions (1.2816 x the
    root sum of their squared `uncertainty`, halved). Scores per model: mean absolute error on
    the 0-100 scale and the share of realised positions inside the 80 % interval.

Front-line pace (`pace_backtest`, `pace_scores`)
    At each freeze date the engine's front assumption is rebuilt from the data then available:
    the national change of Russian-held area per month over the `window_months` before the
    freeze (observations dated on or before it only), times the scenario's factor; its 80 %
    interval is the 10th-90th percentile of the triangular factor the engine draws. This is
    compared with the area that actually changed hands 3, 6 and 12 months later (national
    series, the map as shown on each date).

Limits
    Few texts and few freeze dates: the scores rest on tens of comparisons, not hundreds, and
    the comparisons at one freeze date are not independent. Capabilities are today's (the
    actors table is not dated). Positions of texts are codings of this kit, on the same scale
    as the stances. The territory series is scored as it stands now (no vintages: later
    corrections of the maps count as if known); it is one DeepState series, monthly from April 2022.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
import pandas as pd

from ..conventions import NATIONAL_ID, PARTIES, AsOf, as_timestamp
from . import stances as stance_models
from . import territory

BASELINE_MODEL = "naive_midpoint"
MODEL_LABELS = {**stance_models.MODEL_LABELS, BASELINE_MODEL: "Naive baseline (midpoint of Ukraine and Russia)"}
INTERVAL = (0.1, 0.9)
PAIR_COLUMNS = ["freeze", "issue_id", "model", "predicted", "low", "high", "target", "target_date", "realised",
                "abs_error", "covered", "source_id"]
TARGET_COLUMNS = ["target", "date", "issue_id", "position", "source_id"]
SCORE_COLUMNS = ["model", "label", "comparisons", "freezes", "mae", "coverage_80", "beats_baseline"]
PACE_COLUMNS = ["freeze", "horizon_months", "rate_km2_per_month", "predicted_km2", "low_km2", "high_km2",
                "realised_km2", "abs_error_km2", "covered"]


def targets_from_proposals(proposals: pd.DataFrame, provisions: pd.DataFrame) -> pd.DataFrame:
    """Realised positions from settlement texts (`TARGET_COLUMNS`; provisions that are silent on an
    issue, or carry no position, are left out)."""
    rows = provisions.merge(proposals[["proposal_id", "date"]], on="proposal_id", how="inner")
    if "silent" in rows.columns:
        rows = rows[~rows["silent"].fillna(False).astype(bool)]
    rows = rows.dropna(subset=["position"])
    return pd.DataFrame({"target": rows["proposal_id"], "date": rows["date"], "issue_id": rows["issue_id"],
                         "position": rows["position"].astype(float), "source_id": rows["source_id"]},
                        columns=TARGET_COLUMNS).reset_index(drop=True)


def targets_from_stances(stances: pd.DataFrame, parties: Sequence[str] = PARTIES) -> pd.DataFrame:
    """Realised positions from the parties' coded stances (`TARGET_COLUMNS`): every stance of a party."""
    rows = stances[stances["actor_id"].isin(parties)]
    return pd.DataFrame({"target": rows["actor_id"] + " stance", "date": rows["as_of"], "issue_id": rows["issue_id"],
                         "position": rows["position"].astype(float), "source_id": rows["source_id"]},
                        columns=TARGET_COLUMNS).reset_index(drop=True)


def naive_baseline(wide: pd.DataFrame, parties: Sequence[str] = PARTIES) -> pd.DataFrame:
    """Midpoint of the two parties' positions per issue with its 80 % interval (NaN where one is missing)."""
    position = cast(pd.DataFrame, wide["position"]).reindex(columns=list(parties))
    uncertainty = cast(pd.DataFrame, wide["uncertainty"]).reindex(columns=list(parties))
    midpoint = position.mean(axis=1, skipna=False)
    half = stance_models.Z_80 * np.sqrt((uncertainty ** 2).sum(axis=1, min_count=len(parties))) / 2
    return pd.DataFrame({"issue_id": wide.index, "model": BASELINE_MODEL, "outcome": midpoint.to_numpy(),
                         "low": (midpoint - half).clip(0, 100).to_numpy(),
                         "high": (midpoint + half).clip(0, 100).to_numpy()})


def predictions_at(stances: pd.DataFrame, actors: pd.DataFrame, freeze: AsOf, draws: int = 500, seed: int = 0,
                   expected_utility_draws: int = 100) -> pd.DataFrame:
    """Each model's position per issue and 80 % interval from the stances as they stood at `freeze`
    (`issue_id`, `model`, `outcome`, `low`, `high`); empty when fewer than two actors had a stance."""
    wide = stance_models.stances_wide(stances, freeze)
    columns = ["issue_id", "model", "outcome", "low", "high"]
    # Only the actors coded by then; an issue on which fewer than two hold a stance has no deal to predict.
    if not wide.empty:
        wide = wide[cast(pd.DataFrame, wide["position"]).notna().sum(axis=1) >= 2]
    if wide.empty:
        return pd.DataFrame(columns=columns)
    outcomes = stance_models.predict_outcomes(wide, actors, draws=draws, seed=seed,
                                              expected_utility_draws=expected_utility_draws)
    return pd.concat([outcomes[columns], naive_baseline(wide)], ignore_index=True)


def position_backtest(stances: pd.DataFrame, actors: pd.DataFrame, targets: pd.DataFrame, freezes: Sequence[AsOf],
                      horizon_months: int = 12, draws: int = 500, seed: int = 0) -> pd.DataFrame:
    """One row per (freeze, model, realised position): prediction, interval, error, covered (`PAIR_COLUMNS`),
    kept only where every model and the baseline make a prediction (same comparisons for all)."""
    frames = []
    for freeze in map(as_timestamp, freezes):
        later = targets[(targets["date"] > freeze) & (targets["date"] <= freeze + pd.DateOffset(months=horizon_months))]
        predicted = predictions_at(stances, actors, freeze, draws=draws, seed=seed)
        joined = predicted.merge(later, on="issue_id", how="inner").dropna(subset=["outcome"])
        inside = (joined["low"] <= joined["position"]) & (joined["position"] <= joined["high"])
        frames.append(joined.assign(
            freeze=freeze, abs_error=(joined["outcome"] - joined["position"]).abs(),
            covered=inside.astype(object).where(joined["low"].notna(), np.nan),  # no interval without draws
        ).rename(columns={"outcome": "predicted", "date": "target_date", "position": "realised"}))
    table = pd.concat(frames, ignore_index=True).reindex(columns=PAIR_COLUMNS) if frames else pd.DataFrame(
        columns=PAIR_COLUMNS)
    # Every model on the same footing: only the comparisons that all of them (baseline included) make.
    key = ["freeze", "issue_id", "target"]
    complete = table.groupby(key)["model"].transform("nunique") == len(stance_models.MODELS) + 1
    return table[complete].reset_index(drop=True)


def position_scores(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per model: comparisons, freeze dates scored, MAE (0-100), 80 % coverage, and whether its MAE
    is below the naive baseline's (`SCORE_COLUMNS`); the baseline first."""
    rows = []
    for model in [BASELINE_MODEL, *stance_models.MODELS]:
        part = pairs[pairs["model"] == model]
        rows.append((model, MODEL_LABELS[model], len(part), part["freeze"].nunique(),
                     float(part["abs_error"].mean()) if len(part) else np.nan,
                     float(part["covered"].astype(float).mean()) if len(part) else np.nan))
    table = pd.DataFrame(rows, columns=SCORE_COLUMNS[:-1])
    baseline_mae = table.loc[0, "mae"]
    table["beats_baseline"] = (table["mae"] < baseline_mae).astype(object).where(table["model"] != BASELINE_MODEL, None)
    return table


def _triangular_quantile(q: float, low: float, mode: float, high: float) -> float:
    if high == low:
        return mode
    cut = (mode - low) / (high - low)
    if q < cut:
        return low + np.sqrt(q * (high - low) * (mode - low))
    return high - np.sqrt((1 - q) * (high - low) * (high - mode))


def pace_backtest(control: pd.DataFrame, factor: tuple[float, float, float], freezes: Sequence[AsOf],
                  horizons: Sequence[int] = (3, 6, 12), window_months: int = 12) -> pd.DataFrame:
    """Predicted (factor x trailing pace x months) vs realised national change of Russian-held area
    (`PACE_COLUMNS`); `factor` is the scenario's (value, low, high). Freezes without `window_months`
    of earlier data, and horizons past the end of the series, are left out."""
    series = territory.national_series(control)
    value, low, high = factor
    factor_low, factor_high = (_triangular_quantile(q, low, value, high) for q in INTERVAL)
    national = control[control["region_id"] == NATIONAL_ID]

    def area_at(when: pd.Timestamp) -> float:
        return float(territory.control_at(national, when)["occupied_km2"].iloc[0])

    rows = []
    for freeze in map(as_timestamp, freezes):
        start = freeze - pd.DateOffset(months=window_months)
        if series.empty or series["date"].iloc[0] > start:
            continue
        # The pace as known at the freeze: only observations on or before it.
        rate = (area_at(freeze) - area_at(start)) / window_months
        for months in horizons:
            end = freeze + pd.DateOffset(months=months)
            if end > series["date"].iloc[-1]:
                continue
            realised = area_at(end) - area_at(freeze)
            bounds = sorted((factor_low * rate * months, factor_high * rate * months))
            rows.append((freeze, months, rate, value * rate * months, *bounds, realised,
                         abs(value * rate * months - realised), bool(bounds[0] <= realised <= bounds[1])))
    return pd.DataFrame(rows, columns=PACE_COLUMNS)


def pace_scores(pace: pd.DataFrame) -> pd.DataFrame:
    """Per horizon: comparisons, mean absolute error (km²) and 80 % interval coverage."""
    grouped = pace.groupby("horizon_months")
    return pd.DataFrame({"comparisons": grouped.size(), "mae_km2": grouped["abs_error_km2"].mean(),
                         "coverage_80": grouped["covered"].mean()}).reset_index()


def freeze_counts(pairs: pd.DataFrame, freezes: Sequence[AsOf]) -> pd.DataFrame:
    """Comparisons per freeze date (0 where no stances or no later text allowed any), per model."""
    index = pd.Index([as_timestamp(f) for f in freezes], name="freeze")
    counts = pairs.groupby(["freeze", "model"]).size().unstack("model").reindex(index).fillna(0).astype(int)
    return counts.reindex(columns=[BASELINE_MODEL, *stance_models.MODELS], fill_value=0).reset_index()


def quarterly_freezes(control: pd.DataFrame, window_months: int = 12, step_months: int = 3) -> list[pd.Timestamp]:
    """Freeze dates every `step_months` from the first with `window_months` of history to the last observation."""
    series = territory.national_series(control)
    first = series["date"].iloc[0] + pd.DateOffset(months=window_months)
    return list(pd.date_range(first.normalize(), series["date"].iloc[-1], freq=pd.DateOffset(months=step_months)))
