"""Proper scores and forecast comparisons: the one scoring module of the kit.

Forecasts (front model, settlement timing, the forecast ledger) and model checks (bargaining
backtests) score through these functions, so a number called "CRPS" or "80 % coverage" means
the same thing in every table. Conventions:

* Lower is better for every loss here (interval score, CRPS, Brier, log score as a negative
  log-likelihood).
* A *skill* is the mean loss difference model − baseline: negative means the model is better.
  Its interval comes from a paired bootstrap over clusters (questions or texts that share
  information are resampled together), so a skill is only called real when that interval
  excludes zero.
* Intervals are central: the `alpha` of an interval is its total miss rate (0.2 for 80 %).

References: Gneiting & Raftery (2007), "Strictly proper scoring rules, prediction, and
estimation", JASA 102(477) for the interval score and CRPS; Harvey, Leybourne & Newbold (1997),
"Testing the equality of prediction mean squared errors", IJF 13(2) for the small-sample
correction of the Diebold–Mariano test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Probabilities are clipped this far from 0 and 1 before a log score: one confident miss would
#: otherwise make the mean infinite and hide every other question.
LOG_SCORE_FLOOR = 1e-6


def _array(values) -> np.ndarray:
    return np.asarray(values, dtype=float)


def interval_score(y, lower, upper, alpha: float) -> np.ndarray:
    """Gneiting–Raftery interval score of central (1 − alpha) intervals: width plus 2/alpha
    times the distance by which `y` falls outside. Same unit as `y`; lower is better."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), not {alpha}")
    y, lower, upper = _array(y), _array(lower), _array(upper)
    if np.any(lower > upper):
        raise ValueError("an interval's lower bound lies above its upper bound")
    below = np.clip(lower - y, 0, None)
    above = np.clip(y - upper, 0, None)
    return (upper - lower) + (2 / alpha) * (below + above)


def coverage(y, lower, upper) -> float:
    """Share of outcomes inside their closed interval (NaN when there is none)."""
    y, lower, upper = _array(y), _array(lower), _array(upper)
    return float(np.mean((y >= lower) & (y <= upper))) if y.size else float("nan")


def crps_draws(y, draws) -> np.ndarray:
    """Continuous ranked probability score of a sample forecast: `draws` has one row per
    outcome and one column per draw (a 1-D `draws` is one forecast). Same unit as `y`."""
    y = np.atleast_1d(_array(y))
    draws = np.atleast_2d(_array(draws))
    if draws.shape[0] != y.shape[0]:
        raise ValueError(f"{y.shape[0]} outcomes but {draws.shape[0]} rows of draws")
    import properscoring  # on first use: it imports scipy.stats (about half a second)

    return properscoring.crps_ensemble(y, draws)


def pit(y, draws) -> np.ndarray:
    """Probability integral transform: the share of each forecast's draws below its outcome
    (ties counted half). Uniform on 0–1 when the forecasts are calibrated."""
    y = np.atleast_1d(_array(y))
    draws = np.atleast_2d(_array(draws))
    below = (draws < y[:, None]).mean(axis=1)
    tied = (draws == y[:, None]).mean(axis=1)
    return below + tied / 2


def quantiles_from_draws(draws, levels: Sequence[float]) -> pd.DataFrame:
    """Quantiles of each row of draws, one column per level (column names are the levels)."""
    draws = np.atleast_2d(_array(draws))
    values = np.quantile(draws, list(levels), axis=1).T
    return pd.DataFrame(values, columns=list(levels))


def brier(p, outcome) -> np.ndarray:
    """Brier score of probabilities `p` for yes/no outcomes (1 = happened)."""
    p, outcome = _array(p), _array(outcome)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("probabilities must lie in 0-1")
    import properscoring  # on first use: see crps_draws

    return properscoring.brier_score(outcome, p)


def log_score(p, outcome) -> np.ndarray:
    """Negative log-likelihood (natural log) of yes/no outcomes under probabilities `p`, with `p`
    kept `LOG_SCORE_FLOOR` away from 0 and 1."""
    p = np.clip(_array(p), LOG_SCORE_FLOOR, 1 - LOG_SCORE_FLOOR)
    outcome = _array(outcome)
    return -(outcome * np.log(p) + (1 - outcome) * np.log(1 - p))


@dataclass(frozen=True)
class Skill:
    """Mean loss difference (model − baseline) with its paired bootstrap 95 % interval."""

    difference: float
    lower: float
    upper: float
    n: int
    clusters: int

    @property
    def resolved(self) -> bool:
        """True when the interval excludes zero: the model is then called better or worse."""
        return bool(self.upper < 0 or self.lower > 0)

    @property
    def verdict(self) -> str:
        """'predictive' (better than the baseline), 'worse than baseline', or 'descriptive'."""
        if self.upper < 0:
            return "predictive"
        if self.lower > 0:
            return "worse than baseline"
        return "descriptive"


def paired_skill(loss_model, loss_baseline, clusters=None, n_boot: int = 2000, seed: int = 0,
                 level: float = 0.95) -> Skill:
    """Mean of loss_model − loss_baseline over the same cases, with a percentile bootstrap
    interval that resamples whole clusters (each case its own cluster when `clusters` is None).

    Resampling clusters keeps dependent cases (horizons of one origin, issues of one text)
    together, so the interval does not pretend they are independent."""
    model, baseline = _array(loss_model), _array(loss_baseline)
    if model.shape != baseline.shape or model.ndim != 1:
        raise ValueError("loss_model and loss_baseline must be 1-D and of the same length")
    if model.size < 2:
        raise ValueError(f"a skill interval needs at least 2 cases, not {model.size}")
    difference = model - baseline
    labels = np.arange(model.size) if clusters is None else np.asarray(clusters)
    if labels.shape != model.shape:
        raise ValueError("clusters must give one label per case")
    codes, members = np.unique(labels, return_inverse=True)
    sums = np.bincount(members, weights=difference, minlength=codes.size)
    counts = np.bincount(members, minlength=codes.size)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, codes.size, size=(n_boot, codes.size))
    means = sums[draws].sum(axis=1) / counts[draws].sum(axis=1)
    tail = (1 - level) / 2
    lower, upper = np.quantile(means, [tail, 1 - tail])
    return Skill(float(difference.mean()), float(lower), float(upper), int(model.size), int(codes.size))


@dataclass(frozen=True)
class DieboldMariano:
    """Diebold–Mariano statistic with the Harvey–Leybourne–Newbold correction, and its p-value
    (two-sided, Student t with n − 1 degrees of freedom)."""

    statistic: float
    p_value: float
    n: int


def dm_test(loss_a, loss_b, horizon: int = 1) -> DieboldMariano:
    """Do two forecasts' losses differ on average? Negative statistic: `loss_a` is smaller.

    The variance of the loss differential uses autocovariances up to lag horizon − 1 (forecasts
    h steps ahead overlap), then the HLN factor corrects the small-sample size."""
    difference = _array(loss_a) - _array(loss_b)
    n = difference.size
    if horizon < 1:
        raise ValueError("horizon must be at least 1")
    if n < max(3, horizon + 1):
        raise ValueError(f"a Diebold–Mariano test needs more than {max(2, horizon)} cases, not {n}")
    centred = difference - difference.mean()
    autocovariances = [np.dot(centred[lag:], centred[:n - lag]) / n for lag in range(horizon)]
    variance = (autocovariances[0] + 2 * sum(autocovariances[1:])) / n
    if variance <= 0:
        return DieboldMariano(float("nan"), float("nan"), n)
    statistic = difference.mean() / np.sqrt(variance)
    correction = np.sqrt((n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n)
    corrected = float(statistic * correction)
    from scipy import stats  # on first use: see crps_draws

    p_value = float(2 * stats.t.sf(abs(corrected), df=n - 1))
    return DieboldMariano(corrected, p_value, n)
