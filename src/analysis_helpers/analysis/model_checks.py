"""Are the models any good? Backtests of the bargaining models and of the front-pace assumption.

Pure functions: tables in, tables out.

Position backtest (`position_backtest`, `position_scores`, `skill_table`)
    Three estimands, never mixed, each with its own baselines; the target set is an argument and
    every table carries it (`TARGET_SETS`):

    * ``party``: a party's next coded stance, or a text written by one party alone (memoranda,
      the peace formula). Baseline: persistence (the author's own position at the freeze).
    * ``mediated``: a text written by a third party or jointly (the US drafts, the E3 text, the
      20-point framework, the April 2022 draft treaty). Baselines: the midpoint of Ukraine's and
      Russia's positions, and the mediator's own position (the mean of its non-party authors'
      stances at the freeze, where they hold one).
    * ``accepted``: arrangements both belligerents signed or carried out. None is coded in the
      proposals table (its texts are drafts, bids and declarations), so this set is empty and
      asking for it is an error that says so.

    Each (target, issue) pair is scored once, from the latest freeze of the written schedule
    (`data/model_checks/freeze_schedule.csv`) strictly before its date, on the stances known at that
    freeze (the caller passes them per freeze, read with `load("stances", as_of=freeze)`), and
    only where both parties hold a stance on the issue then (every model and baseline is then
    defined, so all are scored on the same pairs; the mediator baseline only where a mediator
    author holds a stance, and its skill is computed on those pairs).

Models
    The three rules of `stances.predict_outcomes` (weighted median, compromise, expected utility),
    and two added here:

    * ``nash``: asymmetric Nash bargaining between Ukraine and Russia only. Each party's point is
      its position pulled towards the third parties' weighted mean by the third parties' weight
      (third parties shift the parties' reservation points instead of voting); the outcome is
      beta x Ukraine's point + (1 - beta) x Russia's, kept within the parties' positions, with
      beta = Ukraine's share of capability x salience, Russia's share scaled by the front's
      momentum at the freeze (`momentum`: 1 + the change of Russian-held area over the six months
      before the freeze / `MOMENTUM_KM2`, kept within 0.5-1.5; an assumption, not an estimate).
      Aid flows and sanctions are not inputs: the package holds no dated series of either.
    * ``package``: package trade (logrolling) between Ukraine and Russia: one asymmetric Nash
      bargain over all issues where both hold a stance, each party's gain on an issue its
      salience x the share of the gap between the two reservation points (as in ``nash``) settled
      its way, beta = Ukraine's capability share with Russia's scaled by the momentum. Each party
      concedes the issues it cares about less, relative to the other, to win those it cares
      about more (`package_trade`). It can differ from ``nash`` only where the parties' saliences
      differ across issues; the coded saliences are bands (CODEBOOK), so many ratios tie.
    * ``author_aware``: target = author's position + lambda x (compromise - author's position),
      lambda per issue estimated from the pairs resolved before the freeze (least squares through
      the origin, shrunk towards the pooled lambda with a prior worth `POOLING_STRENGTH` pairs;
      kept within 0-1; 0, i.e. persistence, before any pair is resolved).

Intervals and scores
    Draws: every model and baseline on `draws` perturbations of the coded positions, saliences
    and capabilities (the coding noise), plus a residual drawn from that model's signed
    out-of-sample errors on the pairs resolved before the freeze (conformal widening). With fewer
    than `MIN_RESIDUALS` such errors the draws carry coding noise only and the pair's interval is
    an *input-noise band* (`calibrated` False); otherwise a *calibrated predictive interval*.
    Scores per model: MAE, CRPS from the draws, interval scores and coverage at 50 / 80 / 95 %,
    PIT; against each baseline, the paired cluster-bootstrap interval of the CRPS difference
    (clusters: freeze x issue) and the HLN-corrected Diebold-Mariano test (`analysis.scoring`).
    A model is "predictive" only where that interval lies below zero, "descriptive" otherwise.

Front-line pace (`pace_backtest`, `pace_scores`)
    At each freeze date the engine's front assumption is rebuilt from the data then available:
    the national change of Russian-held area per month over the `window_months` before the
    freeze (observations dated on or before it only), times the scenario's factor; its 80 %
    interval is the 10th-90th percentile of the triangular factor the engine draws. This is
    compared with the area that actually changed hands 3, 6 and 12 months later (national
    series, the map as shown on each date).

Limits
    Few texts: tens of pairs in a handful of independent (freeze, issue) clusters. Capabilities
    are dated where SIPRI's figures are (`analysis.capabilities`: the latest release known at the
    freeze); the coded anchors of the other actors are not dated. Stances are known from their statement date (or
    their publication date where the table has one: `load(as_of=)` follows the schema). Positions
    of texts are codings of this kit, on the same scale as the stances, by the same coders. The
    territory series is scored as it stands now (no vintages).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

import krippendorff
import numpy as np
import pandas as pd

from ..conventions import NATIONAL_ID, PARTIES, RUSSIA, UKRAINE, AsOf, as_timestamp
from . import scoring, territory
from . import stances as stance_models

TARGET_SETS = {
    "party": "a party's next stance or a text by one party (baseline: persistence)",
    "mediated": "a third-party or joint text (baselines: midpoint, mediator's own position)",
    "accepted": "an arrangement both parties accepted or carried out (baseline: midpoint)",
}
BASELINES = {"party": ("persistence",), "mediated": ("midpoint", "mediator"), "accepted": ("midpoint",)}
MODELS = (*stance_models.MODELS, "nash", "package", "author_aware")
MODEL_LABELS = {**stance_models.MODEL_LABELS, "nash": "Nash bargaining (Ukraine and Russia)",
                "package": "Package trade (Nash over all issues)",
                "author_aware": "Author-aware text model", "persistence": "Baseline: persistence",
                "midpoint": "Baseline: midpoint of the parties", "mediator": "Baseline: mediator's own position"}
ACCEPTED_STATUSES = ("signed", "in force", "implemented")
LEVELS = (0.5, 0.8, 0.95)
INTERVAL = (0.1, 0.9)
MIN_RESIDUALS = 5
POOLING_STRENGTH = 3.0
MOMENTUM_KM2 = 6000.0
PACKAGE_STEPS = 100
TARGET_COLUMNS = ["target", "date", "issue_id", "position", "authors", "source_id"]
PAIR_COLUMNS = ["target_set", "freeze", "issue_id", "target", "target_date", "authors", "model", "predicted",
                "realised", "abs_error", "crps", "pit", "calibrated", "low_50", "high_50", "low_80", "high_80",
                "low_95", "high_95", "source_id"]
SCORE_COLUMNS = ["target_set", "model", "label", "pairs", "clusters", "freezes", "mae", "crps", "coverage_50",
                 "coverage_80", "coverage_95", "interval_score_80", "calibrated_share"]
SKILL_COLUMNS = ["target_set", "model", "baseline", "pairs", "clusters", "crps_difference", "low", "high",
                 "dm_statistic", "dm_p_value", "verdict"]
PACE_COLUMNS = ["freeze", "horizon_months", "rate_km2_per_month", "predicted_km2", "low_km2", "high_km2",
                "realised_km2", "abs_error_km2", "covered"]


def _authors(text: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in str(text).split(";") if a.strip())


def target_set_of(authors: Sequence[str], status: str) -> str:
    """Which estimand a text belongs to (`TARGET_SETS`), from its authors and status."""
    if len(authors) == 1 and authors[0] in PARTIES:
        return "party"
    if set(PARTIES) <= set(authors) and status in ACCEPTED_STATUSES:
        return "accepted"
    return "mediated"


def check_target_set(target_set: str) -> None:
    """ValueError naming the target sets unless `target_set` is one of them."""
    if target_set not in TARGET_SETS:
        raise ValueError(f"unknown target set {target_set!r}: choose one of "
                         + "; ".join(f"{k} ({v})" for k, v in TARGET_SETS.items()))


def targets(target_set: str, proposals: pd.DataFrame, provisions: pd.DataFrame,
            stances: pd.DataFrame) -> pd.DataFrame:
    """The realised positions of one estimand (`TARGET_COLUMNS`): the coded provisions of its
    texts (silent or uncoded ones left out) and, for ``party``, every coded stance of a party."""
    check_target_set(target_set)
    texts = proposals.assign(authors=proposals["author"].map(_authors))
    texts = texts[[target_set_of(a, s) == target_set for a, s in zip(texts["authors"], texts["status"], strict=True)]]
    rows = provisions.merge(texts[["proposal_id", "date", "authors"]], on="proposal_id", how="inner")
    if "silent" in rows.columns:
        rows = rows[~rows["silent"].fillna(False).astype(bool)]
    rows = rows.dropna(subset=["position"])
    frames = [pd.DataFrame({"target": rows["proposal_id"], "date": rows["date"], "issue_id": rows["issue_id"],
                            "position": rows["position"].astype(float), "authors": rows["authors"],
                            "source_id": rows["source_id"]})]
    if target_set == "party":
        party = stances[stances["actor_id"].isin(PARTIES)]
        frames.append(pd.DataFrame({
            "target": party["actor_id"] + " stance " + party["as_of"].dt.strftime("%Y-%m-%d"),
            "date": party["as_of"], "issue_id": party["issue_id"], "position": party["position"].astype(float),
            "authors": [(a,) for a in party["actor_id"]], "source_id": party["source_id"]}))
    table = pd.concat(frames, ignore_index=True).reindex(columns=TARGET_COLUMNS)
    return table.sort_values(["date", "target", "issue_id"], kind="stable").reset_index(drop=True)


def assign_freezes(table: pd.DataFrame, schedule: Sequence[AsOf]) -> pd.Series:
    """The latest scheduled freeze strictly before each target's date (NaT before the first)."""
    freezes = pd.DatetimeIndex(sorted(map(as_timestamp, schedule)))
    position = freezes.searchsorted(pd.DatetimeIndex(table["date"]), side="left") - 1
    return pd.Series([freezes[i] if i >= 0 else pd.NaT for i in position], index=table.index, dtype="datetime64[ns]")


def _reservation_points(position, weight, party_columns: tuple[int, int]):
    """Each party's position pulled towards the third parties' weighted mean by their weight
    (third parties shift the parties' reservation points instead of voting): (Ukraine's, Russia's)."""
    ukraine, russia = party_columns
    third = np.ones(position.shape[-1], dtype=bool)
    third[[ukraine, russia]] = False
    third_weight = weight[..., third].sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        third_mean = np.where(third_weight > 0, np.nansum(np.where(weight[..., third] > 0, position[..., third], 0.0)
                                                          * weight[..., third], axis=-1) / third_weight, 0.0)
    return tuple((weight[..., c] * position[..., c] + third_weight * third_mean) / (weight[..., c] + third_weight)
                 for c in (ukraine, russia))


def _party_weights(position, capability, salience):
    position, weight = np.asarray(position, float), np.asarray(capability, float) * np.asarray(salience, float)
    return position, np.where(np.isnan(position) | np.isnan(weight), 0.0, weight)


def nash_bargaining(position, capability, salience, party_columns: tuple[int, int], momentum: float = 1.0):
    """Asymmetric Nash bargaining between two parties (see module doc); leading axes kept.

    `party_columns`: (Ukraine's, Russia's) column on the last axis; the other columns are third
    parties. `momentum` scales Russia's bargaining power."""
    position, weight = _party_weights(position, capability, salience)
    ukraine, russia = party_columns
    points = _reservation_points(position, weight, party_columns)
    power_ukraine, power_russia = weight[..., ukraine], weight[..., russia] * momentum
    beta = power_ukraine / (power_ukraine + power_russia)
    outcome = beta * points[0] + (1 - beta) * points[1]
    low = np.minimum(position[..., ukraine], position[..., russia])
    high = np.maximum(position[..., ukraine], position[..., russia])
    return np.clip(outcome, low, high)


def package_trade(position, capability, salience, party_columns: tuple[int, int], momentum: float = 1.0,
                  steps_per_issue: int = PACKAGE_STEPS):
    """Nash bargaining between the two parties over all issues at once (logrolling; see module doc).

    Arrays are (..., issues, actors); every issue must have both parties' positions. Each party's
    gain on an issue is its salience x the share of the gap between the reservation points settled
    its way; the package maximises beta x log(Ukraine's total gain) + (1 - beta) x log(Russia's),
    beta = Ukraine's capability / (Ukraine's + Russia's x `momentum`). With linear gains the
    optimum settles the issues in order of Ukraine's relative salience (its salience / Russia's),
    at most one of them split, so it is found along that order on a grid of `steps_per_issue`
    points per issue. Outcomes are kept within the parties' positions."""
    position, weight = _party_weights(position, capability, salience)
    ukraine, russia = party_columns
    points_ukraine, points_russia = _reservation_points(position, weight, party_columns)
    salience = np.asarray(salience, float)
    capability = np.broadcast_to(np.asarray(capability, float), position.shape)
    gap = np.abs(points_ukraine - points_russia)
    gain_ukraine, gain_russia = salience[..., ukraine] * gap, salience[..., russia] * gap
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(salience[..., russia] > 0, salience[..., ukraine] / salience[..., russia], np.inf)
    order = np.argsort(-ratio, axis=-1, kind="stable")
    a, b = np.take_along_axis(gain_ukraine, order, -1), np.take_along_axis(gain_russia, order, -1)
    n_issues = a.shape[-1]
    # Cumulative position c along the order: issues before floor(c) go to Ukraine, issue floor(c) in part.
    grid = np.linspace(0.0, n_issues, n_issues * steps_per_issue + 1)
    shares = np.clip(grid[:, None] - np.arange(n_issues)[None, :], 0.0, 1.0)  # grid x issues, share to Ukraine
    total_a = np.einsum("...k,gk->...g", a, shares)
    total_b = np.einsum("...k,gk->...g", b, 1.0 - shares)
    power_ukraine = capability[..., 0, ukraine]
    power_russia = capability[..., 0, russia] * momentum
    beta = (power_ukraine / (power_ukraine + power_russia))[..., None]
    tiny = 1e-9 * (a.sum(axis=-1, keepdims=True) + b.sum(axis=-1, keepdims=True) + 1.0)
    objective = beta * np.log(total_a + tiny) + (1 - beta) * np.log(total_b + tiny)
    best = shares[np.argmax(objective, axis=-1)]  # (..., issues) in sorted order
    share_ukraine = np.empty_like(best)
    np.put_along_axis(share_ukraine, order, best, -1)
    outcome = points_russia + share_ukraine * (points_ukraine - points_russia)
    low = np.minimum(position[..., ukraine], position[..., russia])
    high = np.maximum(position[..., ukraine], position[..., russia])
    return np.clip(outcome, low, high)


def momentum_from_front(change_km2: float) -> float:
    """Russia's bargaining-power factor from the change of Russian-held area over six months."""
    return float(np.clip(1.0 + change_km2 / MOMENTUM_KM2, 0.5, 1.5))


def fit_lambda(resolved: pd.DataFrame) -> dict[str, float]:
    """Per issue, the partially pooled lambda of the author-aware model from resolved pairs
    (`issue_id`, `author_position`, `compromise`, `realised`), with `"*"` the pooled value."""
    if resolved.empty:
        return {"*": 0.0}
    step = resolved["compromise"] - resolved["author_position"]
    move = resolved["realised"] - resolved["author_position"]
    pooled = float(np.clip((step * move).sum() / (step ** 2).sum(), 0, 1)) if (step ** 2).sum() > 0 else 0.0
    fitted = {"*": pooled}
    for issue_id, rows in resolved.assign(step=step, move=move).groupby("issue_id"):
        denominator = float((rows["step"] ** 2).sum())
        own = float((rows["step"] * rows["move"]).sum()) / denominator if denominator > 0 else pooled
        weight = len(rows) / (len(rows) + POOLING_STRENGTH)
        fitted[str(issue_id)] = float(np.clip(weight * own + (1 - weight) * pooled, 0, 1))
    return fitted


def _freeze_draws(known: pd.DataFrame, actors: pd.DataFrame, draws: int, seed: int,
                  expected_utility_draws: int, momentum: float):
    """Point (index 0) and Monte Carlo draws per issue of every actor's inputs and every rule."""
    wide = stance_models.stances_wide(known)
    position_table = cast(pd.DataFrame, wide["position"])
    both = position_table.reindex(columns=list(PARTIES)).notna().all(axis=1)
    wide = wide[both]
    if wide.empty:
        return None
    actor_ids, position, salience, uncertainty, capability, capability_sd = stance_models._model_inputs(wide, actors)
    rng = np.random.default_rng(seed)
    noisy = stance_models.perturbed_draws(position, salience, uncertainty, capability, capability_sd, draws, rng)
    capability_matrix = np.broadcast_to(capability, position.shape)
    all_position = np.concatenate([position[None], noisy[0]])
    all_salience = np.concatenate([salience[None], noisy[1]])
    all_capability = np.concatenate([capability_matrix[None], noisy[2]])
    outcomes = {}
    for model in ("weighted_median", "compromise"):
        outcomes[model] = stance_models._outcomes_by_model(all_position, all_capability, all_salience, (model,),
                                                           10)[model]
    subset = 1 + min(draws, expected_utility_draws)
    outcomes["expected_utility"] = stance_models._outcomes_by_model(
        all_position[:subset], all_capability[:subset], all_salience[:subset], ("expected_utility",),
        10)["expected_utility"]
    columns = (actor_ids.index(UKRAINE), actor_ids.index(RUSSIA))
    outcomes["nash"] = nash_bargaining(all_position, all_capability, all_salience, columns, momentum)
    outcomes["package"] = package_trade(all_position, all_capability, all_salience, columns, momentum)
    return {"issues": list(wide.index), "actors": actor_ids, "position": all_position, "outcomes": outcomes}


def _author_draws(state, issue: int, authors: Sequence[str]) -> np.ndarray | None:
    """Mean position of the authors holding a stance on the issue, per draw (None if none does)."""
    columns = [state["actors"].index(a) for a in authors if a in state["actors"]]
    values = state["position"][:, issue, columns] if columns else np.empty((len(state["position"]), 0))
    held = ~np.isnan(values[0]) if values.size else np.array([], dtype=bool)
    if not held.any():
        return None
    return values[:, held].mean(axis=1)


def _with_residuals(draws: np.ndarray, residuals: np.ndarray, rng) -> tuple[np.ndarray, bool]:
    """The draws plus signed out-of-sample errors resampled (conformal widening), when there are enough."""
    if residuals.size < MIN_RESIDUALS:
        return draws, False
    return draws + rng.choice(residuals, size=draws.size, replace=True), True


def _scored(values: np.ndarray, residuals: np.ndarray, realised: float, rng) -> dict:
    """Point, interval bounds, error, CRPS and PIT of one prediction (row 0 the point, then draws)."""
    values = values[~np.isnan(values)]
    point = float(values[0])
    sample, calibrated = _with_residuals(values[1:], residuals, rng)
    sample = np.clip(sample, 0, 100)[None]
    levels = [q for level in LEVELS for q in ((1 - level) / 2, (1 + level) / 2)]
    bounds = scoring.quantiles_from_draws(sample, levels).iloc[0].to_numpy(float)
    return {"predicted": point, "abs_error": abs(point - realised),
            "crps": float(scoring.crps_draws([realised], sample)[0]), "pit": float(scoring.pit([realised], sample)[0]),
            "calibrated": calibrated,
            **{f"{side}_{round(level * 100)}": float(bounds[2 * k + j])
               for k, level in enumerate(LEVELS) for j, side in enumerate(("low", "high"))}}


def position_backtest(target_set: str, target_table: pd.DataFrame, stances_at: Mapping[pd.Timestamp, pd.DataFrame],
                      actors: pd.DataFrame | Mapping[pd.Timestamp, pd.DataFrame], schedule: Sequence[AsOf],
                      draws: int = 400, seed: int = 0,
                      expected_utility_draws: int = 100,
                      front_change: Mapping[pd.Timestamp, float] | None = None) -> pd.DataFrame:
    """One row per (target, issue, model or baseline) scored once from its freeze (`PAIR_COLUMNS`).

    `stances_at`: the stances known at each freeze (`load("stances", as_of=freeze)`); `actors`: one
    actors table for every freeze, or one per freeze with the capabilities known then
    (`analysis.capabilities.with_capabilities`); `front_change`: change of Russian-held area over
    the six months before each freeze (km²)."""
    check_target_set(target_set)
    if draws < 20:
        raise ValueError(f"the backtest needs at least 20 draws for its intervals and CRPS, not {draws}")
    table = target_table.assign(freeze=assign_freezes(target_table, schedule)).dropna(subset=["freeze"])
    names = [*MODELS, *BASELINES[target_set]]
    rows: list[dict] = []
    errors: dict[str, list[tuple[pd.Timestamp, float]]] = {name: [] for name in names}
    resolved_lambda: list[dict] = []
    rng = np.random.default_rng(seed)
    for freeze, group in table.groupby("freeze", sort=True):
        momentum = momentum_from_front((front_change or {}).get(freeze, 0.0))
        actors_then = actors if isinstance(actors, pd.DataFrame) else actors[freeze]
        state = _freeze_draws(stances_at[freeze], actors_then, draws, seed, expected_utility_draws, momentum)
        if state is None:
            continue
        lambdas = fit_lambda(pd.DataFrame([r for r in resolved_lambda if r["date"] <= freeze],
                                          columns=["date", "issue_id", "author_position", "compromise", "realised"]))
        for target in group.itertuples(index=False):
            if target.issue_id not in state["issues"]:
                continue
            issue = state["issues"].index(target.issue_id)
            party_points = state["position"][:, issue, [state["actors"].index(p) for p in PARTIES]]
            author = _author_draws(state, issue, target.authors)
            mediators = [a for a in target.authors if a not in PARTIES]
            compromise = state["outcomes"]["compromise"][:, issue]
            anchor = author if author is not None else party_points.mean(axis=1)
            lam = lambdas.get(target.issue_id, lambdas["*"])
            candidates = {model: state["outcomes"][model][:, issue]
                          for model in (*stance_models.MODELS, "nash", "package")}
            candidates["author_aware"] = anchor + lam * (compromise - anchor)
            candidates["persistence"] = anchor
            candidates["midpoint"] = party_points.mean(axis=1)
            candidates["mediator"] = _author_draws(state, issue, mediators) if mediators else None
            for name in names:
                values = candidates.get(name)
                if values is None:
                    continue
                row = _scored(values, np.array([e for d, e in errors[name] if d <= freeze]), target.position, rng)
                errors[name].append((target.date, target.position - row["predicted"]))
                rows.append({"target_set": target_set, "freeze": freeze, "issue_id": target.issue_id,
                             "target": target.target, "target_date": target.date, "authors": ";".join(target.authors),
                             "model": name, "realised": target.position, "source_id": target.source_id, **row})
            resolved_lambda.append({"date": target.date, "issue_id": target.issue_id,
                                    "author_position": float(anchor[0]), "compromise": float(compromise[0]),
                                    "realised": target.position})
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def _cluster(pairs: pd.DataFrame) -> pd.Series:
    return pairs["freeze"].dt.strftime("%Y-%m-%d") + "/" + pairs["issue_id"]


def position_scores(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per model and baseline: pairs, clusters (freeze x issue), freezes, MAE, CRPS, coverage at
    50 / 80 / 95 %, mean 80 % interval score, share of calibrated intervals (`SCORE_COLUMNS`)."""
    rows = []
    for model, part in pairs.groupby("model", sort=False):
        y = part["realised"].to_numpy(float)
        rows.append((part["target_set"].iloc[0], model, MODEL_LABELS.get(str(model), str(model)), len(part),
                     _cluster(part).nunique(), part["freeze"].nunique(), part["abs_error"].mean(),
                     part["crps"].mean(), *(scoring.coverage(y, part[f"low_{p}"], part[f"high_{p}"])
                                            for p in (50, 80, 95)),
                     float(np.mean(scoring.interval_score(y, part["low_80"], part["high_80"], 0.2))),
                     part["calibrated"].mean()))
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def skill_table(pairs: pd.DataFrame, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Each model's CRPS against each baseline of the target set, on the pairs both score
    (`SKILL_COLUMNS`): mean difference (negative: the model is better), its paired cluster-bootstrap
    95 % interval, the HLN-corrected Diebold-Mariano test, and the verdict ("predictive" only
    where the interval lies below 0)."""
    if pairs.empty:
        return pd.DataFrame(columns=SKILL_COLUMNS)
    target_set = pairs["target_set"].iloc[0]
    key = ["freeze", "issue_id", "target"]
    wide = pairs.pivot_table(index=key, columns="model", values="crps")
    rows = []
    for baseline in BASELINES[target_set]:
        for model in MODELS:
            if baseline not in wide or model not in wide:
                continue
            both = wide[[model, baseline]].dropna()
            clusters = both.index.get_level_values("freeze").strftime("%Y-%m-%d") + "/" + \
                both.index.get_level_values("issue_id")
            if len(both) < 3:
                rows.append((target_set, model, baseline, len(both), clusters.nunique(), *[np.nan] * 5,
                             "too few pairs"))
                continue
            skill = scoring.paired_skill(both[model], both[baseline], clusters=np.asarray(clusters), n_boot=n_boot,
                                         seed=seed)
            dm = scoring.dm_test(both[model], both[baseline])
            rows.append((target_set, model, baseline, skill.n, skill.clusters, skill.difference, skill.lower,
                         skill.upper, dm.statistic, dm.p_value,
                         skill.verdict if skill.verdict != "worse than baseline" else "descriptive (worse)"))
    return pd.DataFrame(rows, columns=SKILL_COLUMNS)


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


def quarterly_freezes(control: pd.DataFrame, window_months: int = 12, step_months: int = 3) -> list[pd.Timestamp]:
    """Freeze dates every `step_months` from the first with `window_months` of history to the last observation."""
    series = territory.national_series(control)
    first = series["date"].iloc[0] + pd.DateOffset(months=window_months)
    return list(pd.date_range(first.normalize(), series["date"].iloc[-1], freq=pd.DateOffset(months=step_months)))


# Coding reliability: the blind second coding of a random 20 % of the coded rows (issue 23).
# A separate section of this module so the backtest above can take the revised uncertainty from it.

MIN_ALPHA_ITEMS = 5  # below this many items an issue's alpha (and its floor) is not estimated
ALL_ISSUES = "all issues"
UNHINTED = "all issues, first code not named to the coder"
CALIBRATED_EXCEEDANCE = {1: 0.4795, 2: 0.1573}  # P(|d| > k sigma), d ~ Normal(0, 2 sigma^2): two coders, sd sigma
PAIR_CODE_COLUMNS = ["item_id", "kind", "issue_id", "first_position", "second_position", "difference",
                     "disagreement", "first_uncertainty", "second_uncertainty", "first_salience", "second_salience",
                     "salience_difference", "first_code_hinted", "source_id"]
ALPHA_COLUMNS = ["issue_id", "items", "alpha", "low", "high", "rms_disagreement", "status"]
UNCERTAINTY_COLUMNS = ["issue_id", "items", "coded_uncertainty",
                       *(f"{measure}_{what}" for measure in ("position", "salience")
                         for what in ("rms", "implied_sd", "share_exceeding", "share_exceeding_twice")),
                       "floor", "floor_from"]


def coding_pairs(second: pd.DataFrame, first: pd.DataFrame) -> pd.DataFrame:
    """First and second code side by side, one row per second-coded item (`PAIR_CODE_COLUMNS`).

    `second`: the `second_coding` table; `first`: the first-coded rows by `item_id` with `kind`,
    `issue_id`, `position`, `salience`, `uncertainty` (`data.second_coding.first_codes`).
    `difference` is second minus first position, `disagreement` its absolute value, and
    `salience_difference` second minus first salience (stance rows only; scale points)."""
    coded = first.reindex(second["item_id"])
    pairs = pd.DataFrame({
        "item_id": second["item_id"].to_numpy(), "kind": coded["kind"].to_numpy(),
        "issue_id": coded["issue_id"].to_numpy(), "first_position": coded["position"].to_numpy(float),
        "second_position": second["position"].to_numpy(float),
        "first_uncertainty": coded["uncertainty"].to_numpy(float),
        "second_uncertainty": second["uncertainty"].to_numpy(float),
        "first_salience": coded["salience"].to_numpy(float), "second_salience": second["salience"].to_numpy(float),
        "first_code_hinted": second["first_code_hinted"].to_numpy(), "source_id": second["source_id"].to_numpy()})
    pairs["difference"] = pairs["second_position"] - pairs["first_position"]
    pairs["disagreement"] = pairs["difference"].abs()
    pairs["salience_difference"] = pairs["second_salience"] - pairs["first_salience"]
    return pairs[PAIR_CODE_COLUMNS].sort_values(["issue_id", "item_id"], ignore_index=True)


def interval_alpha(codes) -> float:
    """Krippendorff's alpha at the interval level of a coders x items array (NaN: not coded), by
    the `krippendorff` package; NaN where it is undefined (fewer than two items, or one value only)."""
    codes = np.asarray(codes, float)
    if codes.shape[1] < 2 or np.unique(codes[~np.isnan(codes)]).size < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=codes, level_of_measurement="interval"))


def _two_coder_alphas(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Interval alpha of each row of (resamples x items) arrays of two complete codings: the
    textbook formula in closed form (D_o = mean squared difference within items, D_e = twice the
    variance of all codes), vectorised so that thousands of bootstrap resamples take milliseconds.
    Equal to `interval_alpha` on complete data (tested)."""
    values = np.concatenate([first, second], axis=1)
    observed = ((first - second) ** 2).mean(axis=1)
    expected = 2 * values.var(axis=1, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(expected > 0, 1 - observed / expected, np.nan)


def alpha_table(pairs: pd.DataFrame, n_boot: int = 2000, seed: int = 0,
                min_items: int = MIN_ALPHA_ITEMS) -> pd.DataFrame:
    """Krippendorff's alpha (interval) of the positions per issue and over all items (`ALPHA_COLUMNS`).

    `low`/`high`: a 95 % percentile bootstrap interval over items (a sampling interval: which rows
    happened to be drawn), resampling items within the issue. An issue with fewer than `min_items`
    items gets no alpha and the status "too few items"; one where every code is the same gets
    "undefined". The last row (`UNHINTED`) leaves out the items whose first code the codebook's
    worked examples or the coder's sheet named. `rms_disagreement`: root mean square of second
    minus first (scale points).
    `n_boot=0` skips the interval."""
    rng = np.random.default_rng(seed)
    groups = [(str(issue), rows) for issue, rows in pairs.groupby("issue_id", sort=True)] + [
        (ALL_ISSUES, pairs), (UNHINTED, pairs[pairs["first_code_hinted"] == "no"])]
    records = []
    for issue, rows in groups:
        first, second = rows["first_position"].to_numpy(float), rows["second_position"].to_numpy(float)
        items = len(rows)
        rms = float(np.sqrt(np.mean((second - first) ** 2))) if items else float("nan")
        alpha = low = high = float("nan")
        if items < min_items:
            status = f"too few items (fewer than {min_items})"
        else:
            alpha = interval_alpha(np.vstack([first, second]))
            if np.isnan(alpha):
                status = "undefined: every code the same"
            else:
                status = "estimated"
                if n_boot:
                    draws = rng.integers(0, items, size=(n_boot, items))
                    boot = _two_coder_alphas(first[draws], second[draws])
                    low, high = (float(v) for v in np.nanquantile(boot, [0.025, 0.975]))
        records.append((issue, items, alpha, low, high, rms, status))
    return pd.DataFrame(records, columns=ALPHA_COLUMNS)


def _implied_sd(differences: pd.Series) -> float:
    """The sd of one coding implied by the differences of two independent ones: RMS / sqrt(2)."""
    return float(np.sqrt(np.mean(differences.to_numpy(float) ** 2) / 2))


def _floor(rows: pd.DataFrame) -> float:
    # One sd serves position and salience in the draws (CODEBOOK section 3): it must cover the larger.
    return max(_implied_sd(rows["difference"]), _implied_sd(rows["salience_difference"]))


def uncertainty_floors(pairs: pd.DataFrame, min_items: int = MIN_ALPHA_ITEMS) -> dict[str, float]:
    """The floor each issue's stance uncertainty is raised to (CODEBOOK section 13): the larger of
    the position and the salience sd implied by the disagreement of two codings (RMS of second minus
    first / sqrt(2)), from the second-coded stance rows of the issue where there are at least
    `min_items`, else from all second-coded stance rows (key "*", used for every other issue)."""
    stances = pairs[pairs["kind"] == "stance"]
    if stances.empty:
        return {}
    floors = {"*": _floor(stances)}
    for issue, rows in stances.groupby("issue_id"):
        if len(rows) >= min_items:
            floors[str(issue)] = _floor(rows)
    return floors


def uncertainty_check(pairs: pd.DataFrame, min_items: int = MIN_ALPHA_ITEMS) -> pd.DataFrame:
    """Per issue and overall, for the second-coded stance rows (texts carry no uncertainty): the
    mean coded uncertainty; for position and for salience, the RMS disagreement, the sd it implies
    for one coding (RMS / sqrt(2)) and the share of rows whose disagreement exceeds the first
    coder's uncertainty (and twice it); and the floor the rule sets, with where it comes from
    (`UNCERTAINTY_COLUMNS`). Were the coded uncertainty right (two coders each with that sd, normal
    errors), the shares would be about 48 % and 16 % (`CALIBRATED_EXCEEDANCE`); codes in steps of
    5 make small disagreements 0 and lower both."""
    stances = pairs[pairs["kind"] == "stance"]
    floors = uncertainty_floors(pairs, min_items)
    groups = [(str(issue), rows) for issue, rows in stances.groupby("issue_id", sort=True)] + [(ALL_ISSUES, stances)]
    records = []
    for issue, rows in groups:
        coded = rows["first_uncertainty"]
        record: dict[str, object] = {"issue_id": issue, "items": len(rows), "coded_uncertainty": float(coded.mean())}
        for measure, column in (("position", "difference"), ("salience", "salience_difference")):
            gap = rows[column].abs()
            record |= {f"{measure}_rms": float(np.sqrt(np.mean(rows[column] ** 2))),
                       f"{measure}_implied_sd": _implied_sd(rows[column]),
                       f"{measure}_share_exceeding": float((gap > coded).mean()),
                       f"{measure}_share_exceeding_twice": float((gap > 2 * coded).mean())}
        own = issue in floors or issue == ALL_ISSUES
        record["floor"] = floors.get(issue if issue in floors else "*", float("nan"))
        record["floor_from"] = "this issue" if own else "all issues (too few items)"
        records.append(record)
    return pd.DataFrame(records, columns=UNCERTAINTY_COLUMNS)


def revised_uncertainty(stances: pd.DataFrame, floors: Mapping[str, float]) -> pd.DataFrame:
    """`stances` with each row's uncertainty raised to its issue's floor where the coded value is
    lower (never lowered); issues without a floor of their own take the pooled one ("*"). The
    coded values stay in `coded_uncertainty`. Empty `floors` (no second coding known) changes nothing."""
    revised = stances.assign(coded_uncertainty=stances["uncertainty"])
    if not floors:
        return revised
    floor = revised["issue_id"].map(lambda issue: floors.get(issue, floors["*"]))
    return revised.assign(uncertainty=np.maximum(revised["uncertainty"].to_numpy(float), floor.to_numpy(float)))
