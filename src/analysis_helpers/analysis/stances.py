"""Actor stances turned into model inputs and predicted settlement outcomes (pure functions).

The main entry point for other modules (the scenario engine) is :func:`predict_outcomes`:

    wide = stances_wide(ah.load("stances"), as_of="2025-12-31")
    wide = apply_what_if(wide, WhatIf("US back to mid-2024", "usa", position_from="2024-07-10"), ...)
    outcomes = predict_outcomes(wide, ah.load("actors"), draws=2000, seed=1)

``stances_wide`` has one row per issue and a two-level column index
(``position`` / ``salience`` / ``uncertainty``, actor_id): change any cell to ask "what if".
Positions and saliences are on the 0-100 scales of ``data/stances/CODEBOOK.md``; capabilities
come from the ``actors`` table (0-100, with ``capability_sd``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..conventions import PARTIES, AsOf, as_timestamp
from . import bargaining

QUANTITIES = ("position", "salience", "uncertainty")
MODELS = ("weighted_median", "compromise", "expected_utility")
MODEL_LABELS = {
    "weighted_median": "Weighted median (median voter)",
    "compromise": "Compromise (weighted mean)",
    "expected_utility": "Expected utility (Bueno de Mesquita)",
}
# Two-sided 80% interval of a normal distribution: mean +/- 1.2816 sd.
Z_80 = 1.2816


def latest_stances(stances: pd.DataFrame, as_of: AsOf = None) -> pd.DataFrame:
    """Each actor's latest stance per issue dated on or before `as_of` (all dates when None)."""
    rows = stances if as_of is None else stances[stances["as_of"] <= as_timestamp(as_of)]
    latest = rows.sort_values("as_of").groupby(["actor_id", "issue_id"], as_index=False).tail(1)
    return latest.sort_values(["issue_id", "actor_id"]).reset_index(drop=True)


def stances_wide(stances: pd.DataFrame, as_of: AsOf = None) -> pd.DataFrame:
    """Latest stances as issues x (quantity, actor_id); missing stances are NaN."""
    latest = latest_stances(stances, as_of)
    wide = latest.pivot(index="issue_id", columns="actor_id", values=list(QUANTITIES))
    wide.columns = wide.columns.set_names(["quantity", "actor_id"])
    return wide.astype(float)


def _model_inputs(wide: pd.DataFrame, actors: pd.DataFrame):
    """Arrays (issues x actors) of position, salience share, their sd, capability and its sd."""
    actor_table = actors.set_index("actor_id")
    actor_ids = list(wide["position"].columns)
    unknown = sorted(set(actor_ids) - set(actor_table.index))
    if unknown:
        raise KeyError(f"actors missing from the actors table: {unknown}")
    capability = actor_table.loc[actor_ids, "capability"].to_numpy(float)
    capability_sd = actor_table.loc[actor_ids, "capability_sd"].to_numpy(float)
    return (
        actor_ids,
        wide["position"][actor_ids].to_numpy(float),
        wide["salience"][actor_ids].to_numpy(float),
        wide["uncertainty"][actor_ids].to_numpy(float),
        capability,
        capability_sd,
    )


def perturbed_draws(position, salience, uncertainty, capability, capability_sd, draws: int, rng):
    """Monte Carlo draws (draws x issues x actors) of every input, within its stated uncertainty.

    Positions and saliences get normal noise with the stance's `uncertainty` as sd and are
    clipped to 0-100; capabilities get normal noise with `capability_sd`, clipped at 0. An
    actor's capability is drawn once per draw and shared by all issues.
    """
    shape = (draws, *position.shape)
    noisy_position = np.clip(position + rng.standard_normal(shape) * uncertainty, 0, 100)
    noisy_salience = np.clip(salience + rng.standard_normal(shape) * uncertainty, 0, 100)
    noisy_capability = np.clip(capability + rng.standard_normal((draws, 1, capability.size)) * capability_sd, 0, None)
    return noisy_position, noisy_salience, np.broadcast_to(noisy_capability, shape)


def _expected_utility_outcome(position, capability, salience, rounds: int):
    """Weighted median of the positions after `rounds` rounds of the expected-utility model."""
    run = bargaining.expected_utility(position, capability, salience / 100, rounds=rounds)
    return bargaining.weighted_median(run.final_positions, capability, salience)


def _outcomes_by_model(position, capability, salience, models, rounds):
    """Per model, the predicted outcome per issue; leading axes of the inputs are kept.

    The expected-utility model runs issue by issue on the actors who hold a stance there.
    """
    results = {}
    for model in models:
        if model == "weighted_median":
            results[model] = bargaining.weighted_median(position, capability, salience)
        elif model == "compromise":
            results[model] = bargaining.compromise(position, capability, salience)
        elif model == "expected_utility":
            outcome = np.full(position.shape[:-1], np.nan)
            for issue in range(position.shape[-2]):
                present = ~np.isnan(position[..., issue, :]).reshape(-1, position.shape[-1]).any(axis=0)
                if present.sum() >= 2:
                    outcome[..., issue] = _expected_utility_outcome(
                        position[..., issue, present], capability[..., issue, present],
                        salience[..., issue, present], rounds,
                    )
            results[model] = outcome
        else:
            raise ValueError(f"unknown model {model!r}; choose from {MODELS}")
    return results


def _quantiles_of_known(distribution: np.ndarray, levels) -> np.ndarray:
    """Quantiles over the draws (axis 0) of the issues that have an outcome; NaN, without
    NumPy's "All-NaN slice" warning, for an issue no model could settle (e.g. the
    expected-utility model on an issue fewer than two actors held a stance on at that date)."""
    result = np.full((len(levels), *distribution.shape[1:]), np.nan)
    settled = ~np.isnan(distribution).all(axis=0)
    if settled.any():
        result[:, settled] = np.nanquantile(distribution[:, settled], levels, axis=0)
    return result


def predict_outcomes(
    stances_wide: pd.DataFrame,
    actors: pd.DataFrame,
    models=MODELS,
    draws: int = 1000,
    seed: int = 0,
    rounds: int = 10,
    expected_utility_draws: int | None = 200,
) -> pd.DataFrame:
    """Predicted outcome per issue and model, with a Monte Carlo median and 80% interval.

    Returns one row per (issue_id, model): ``outcome`` (from the coded values), ``median``,
    ``low`` and ``high`` (10th and 90th percentiles over `draws` perturbed inputs; NaN when
    `draws` is 0), ``range_low`` / ``range_high`` (the span of positions any deal must bridge)
    and ``actors`` (how many actors hold a stance on the issue). The expected-utility model,
    far costlier, uses at most `expected_utility_draws` of the draws (None: all).
    Seeded and reproducible.
    """
    _, position, salience, uncertainty, capability, capability_sd = _model_inputs(stances_wide, actors)
    capability_matrix = np.broadcast_to(capability, position.shape)
    coded = [value[None] for value in (position, salience, capability_matrix)]  # one row: the coded inputs
    noisy = (perturbed_draws(position, salience, uncertainty, capability, capability_sd, draws,
                             np.random.default_rng(seed)) if draws > 0 else None)
    point, intervals = {}, {}
    for model in models:
        subset = draws if model != "expected_utility" or expected_utility_draws is None else min(
            draws, expected_utility_draws)
        # The coded inputs run as row 0 above the draws: one model call per issue instead of two
        # (the expected-utility model's cost is mostly per call, and it plays every row on its
        # own, so the numbers are the same).
        rows_position, rows_salience, rows_capability = coded if noisy is None else (
            np.concatenate([value, drawn[:subset]]) for value, drawn in zip(coded, noisy, strict=True))
        outcomes = _outcomes_by_model(rows_position, rows_capability, rows_salience, (model,), rounds)[model]
        point[model] = outcomes[0]
        if noisy is not None:
            intervals[model] = _quantiles_of_known(outcomes[1:], (0.5, 0.1, 0.9))

    range_low, range_high = bargaining.bargaining_range(position, capability_matrix, salience)
    records = []
    for index, issue_id in enumerate(stances_wide.index):
        for model in models:
            median, low, high = intervals[model][:, index] if model in intervals else (np.nan,) * 3
            records.append({
                "issue_id": issue_id, "model": model, "outcome": float(point[model][index]),
                "median": float(median), "low": float(low), "high": float(high),
                "range_low": float(range_low[index]), "range_high": float(range_high[index]),
                "actors": int(np.sum(~np.isnan(position[index]))),
            })
    return pd.DataFrame.from_records(records)


def party_gap(stances_wide: pd.DataFrame, parties=PARTIES) -> pd.DataFrame:
    """Per issue, each party's 80% position interval and whether the two overlap.

    ``gap`` is the distance between the intervals (0 when they overlap; NaN when a party has
    no stance on the issue).
    """
    first, second = parties
    frame = pd.DataFrame(index=stances_wide.index)
    uncoded = pd.Series(np.nan, index=stances_wide.index)  # a party with no stance yet on any issue
    for party in parties:
        centre = stances_wide["position"].get(party, uncoded)
        spread = Z_80 * stances_wide["uncertainty"].get(party, uncoded)
        frame[f"{party}_position"] = centre
        frame[f"{party}_low"] = np.clip(centre - spread, 0, 100)
        frame[f"{party}_high"] = np.clip(centre + spread, 0, 100)
    lower_top = np.minimum(frame[f"{first}_high"], frame[f"{second}_high"])
    upper_bottom = np.maximum(frame[f"{first}_low"], frame[f"{second}_low"])
    frame["gap"] = np.clip(upper_bottom - lower_top, 0, None)
    frame["overlap"] = frame["gap"].eq(0) & frame["gap"].notna()
    return frame.reset_index()


@dataclass(frozen=True)
class WhatIf:
    """A change to one actor's inputs: scale its capability, override its salience on every
    issue it holds a stance on, shift its positions, or take its positions as of an earlier date."""

    label: str
    actor_id: str | None = None
    capability_factor: float = 1.0
    salience: float | None = None
    position_shift: float = 0.0
    position_from: str | None = None


def apply_what_if(stances_wide: pd.DataFrame, actors: pd.DataFrame, what_if: WhatIf,
                  stances: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Copies of (stances_wide, actors) with `what_if` applied.

    `position_from` needs the long `stances` table: the actor's positions, saliences and
    uncertainties are replaced by its latest stances on or before that date.
    """
    wide, actor_table = stances_wide.copy(), actors.copy()
    if what_if.actor_id is None:
        return wide, actor_table
    actor = what_if.actor_id
    if actor not in actor_table["actor_id"].to_numpy():
        raise KeyError(f"unknown actor_id {actor!r}")
    actor_table.loc[actor_table["actor_id"] == actor, "capability"] *= what_if.capability_factor
    if what_if.position_from is not None:
        if stances is None:
            raise ValueError("position_from needs the stances table")
        earlier = stances_wide_for(stances, what_if.position_from, actor)
        for quantity in QUANTITIES:
            wide[(quantity, actor)] = earlier.get((quantity, actor), pd.Series(dtype=float)).reindex(wide.index)
    if (("position", actor)) not in wide.columns:
        return wide, actor_table
    held = wide[("position", actor)].notna()
    wide.loc[held, ("position", actor)] = np.clip(wide.loc[held, ("position", actor)] + what_if.position_shift, 0, 100)
    if what_if.salience is not None:
        wide.loc[held, ("salience", actor)] = what_if.salience
    return wide, actor_table


def stances_wide_for(stances: pd.DataFrame, as_of: AsOf, actor_id: str) -> pd.DataFrame:
    """`stances_wide` of one actor's stances as of a date."""
    return stances_wide(stances[stances["actor_id"] == actor_id], as_of)


def set_stance(stances_wide: pd.DataFrame, actors: pd.DataFrame, actor_id: str, issue_id: str,
               position: float | None = None, salience: float | None = None,
               capability: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Copies of (stances_wide, actors) with one actor's position/salience on one issue, or its
    capability, set to new values (None leaves a value as it is)."""
    wide, actor_table = stances_wide.copy(), actors.copy()
    for quantity, value in (("position", position), ("salience", salience)):
        if value is not None:
            if (quantity, actor_id) not in wide.columns:
                wide[(quantity, actor_id)] = np.nan
            wide.loc[issue_id, (quantity, actor_id)] = float(value)
            if pd.isna(wide.loc[issue_id, ("uncertainty", actor_id)]):
                wide.loc[issue_id, ("uncertainty", actor_id)] = 0.0
    if capability is not None:
        actor_table.loc[actor_table["actor_id"] == actor_id, "capability"] = float(capability)
    return wide.sort_index(axis=1), actor_table


def what_if_outcomes(stances_wide: pd.DataFrame, actors: pd.DataFrame, what_ifs,
                     stances: pd.DataFrame | None = None, **predict_options) -> pd.DataFrame:
    """`predict_outcomes` for each what-if, stacked with a `what_if` label column."""
    frames = []
    for what_if in what_ifs:
        wide, actor_table = apply_what_if(stances_wide, actors, what_if, stances)
        frames.append(predict_outcomes(wide, actor_table, **predict_options).assign(what_if=what_if.label))
    return pd.concat(frames, ignore_index=True)


def repredict_issue(outcomes: pd.DataFrame, stances_wide: pd.DataFrame, actors: pd.DataFrame,
                    issue_id: str) -> pd.DataFrame:
    """Point predictions (`predict_outcomes(..., draws=0)`) of `stances_wide` and `actors`, given
    `outcomes`: the point predictions of a table that differs from this one on issue `issue_id`
    only, with the same capabilities. An issue's outcome depends on its own row and the
    capabilities alone, so only that issue is run again (the what-if explorer moves one stance at
    a time; running every issue cost most of its redraw)."""
    kept = outcomes[outcomes["issue_id"] != issue_id]
    if issue_id not in stances_wide.index:  # no actor holds a stance on it (yet): no outcome, as in a full run
        return kept.reset_index(drop=True)
    fresh = predict_outcomes(stances_wide.loc[[issue_id]], actors, draws=0)
    order = {issue: position for position, issue in enumerate(stances_wide.index)}
    combined = pd.concat([kept, fresh], ignore_index=True)
    return combined.sort_values("issue_id", key=lambda ids: ids.map(order), kind="stable").reset_index(drop=True)
