"""Settlement timing from base rates: how long interstate wars last, how they end, how agreements hold.

Pure functions on the reference datasets' tables (read by the caller):

* **War durations** (`cow_war_durations`): Correlates of War Inter-State War Data v4.0, one row
  per war: from the earliest start of any participant to the latest end of any participant's
  last spell. "Ends" means what COW codes: the end of sustained interstate combat (armistice,
  ceasefire that held, capitulation or conquest), not a signed peace treaty. Outcome of the war
  from its participants' codes: `victory` (a participant coded winner), `compromise`,
  `stalemate`, `transformed` (into another kind of war), `continuing` (ongoing at the data's end,
  censored).
* **Duration model** (`duration_model`): Kaplan-Meier (scipy.stats.ecdf on censored data,
  Greenwood-type confidence band) and parametric fits (Weibull, log-normal, log-logistic by
  maximum likelihood with censoring; the lowest AIC is used). The conditional probability that a
  war that has lasted `t` months ends within `h` more is 1 - S(t + h) / S(t)
  (`conditional_end`), with a bootstrap over wars for its interval.
* **Agreements** (`agreement_breakdown`): UCDP Peace Agreement Dataset v22.1: the share of
  agreements that ended (failed) within 1, 2 and 5 years, per type (full, partial, process) and
  for those with a ceasefire provision, by Kaplan-Meier with censoring at the data's end.

The sample is small (95 wars, a handful longer than four years): every rate carries its
interval and the number of wars at risk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..conventions import DAYS_PER_MONTH

COW_MISSING = (-8, -9)
COW_OUTCOMES = {1: "victory", 2: "victory", 3: "compromise", 4: "transformed", 5: "continuing", 6: "stalemate",
                7: "continuing", 8: "victory"}
#: Preference when participants' codes differ: a winner makes the war a victory, etc.
OUTCOME_ORDER = ("victory", "compromise", "stalemate", "transformed", "continuing")
DISTRIBUTIONS = {"weibull": stats.weibull_min, "lognormal": stats.lognorm, "loglogistic": stats.fisk}
HORIZONS = (3, 6, 12, 24, 36)
AGREEMENT_TYPES = {1: "full", 2: "partial", 3: "process"}
UCDP_PA_END = pd.Timestamp("2021-12-31")


def _cow_date(year, month, day) -> pd.Series:
    year = pd.to_numeric(year, errors="coerce").where(lambda v: ~v.isin(COW_MISSING))
    month = pd.to_numeric(month, errors="coerce").where(lambda v: ~v.isin(COW_MISSING), 1)
    day = pd.to_numeric(day, errors="coerce").where(lambda v: ~v.isin(COW_MISSING), 1)
    frame = pd.DataFrame({"year": year, "month": month, "day": day}).dropna().astype(int)
    return pd.to_datetime(frame, errors="coerce").reindex(year.index)


def cow_war_durations(cow: pd.DataFrame) -> pd.DataFrame:
    """One row per war: `war_id`, `name`, `start`, `end`, `months`, `ended` (False if ongoing at the
    data's end), `outcome` (victory / compromise / stalemate / transformed / continuing)."""
    start = _cow_date(cow["StartYear1"], cow["StartMonth1"], cow["StartDay1"])
    end1 = _cow_date(cow["EndYear1"], cow["EndMonth1"], cow["EndDay1"])
    end2 = _cow_date(cow["EndYear2"], cow["EndMonth2"], cow["EndDay2"])
    participants = pd.DataFrame({"war_id": cow["WarNum"], "name": cow["WarName"], "start": start,
                                 "end": end2.fillna(end1), "outcome": cow["Outcome"].map(COW_OUTCOMES)})
    rank = {name: i for i, name in enumerate(OUTCOME_ORDER)}
    wars = participants.groupby("war_id").agg(name=("name", "first"), start=("start", "min"), end=("end", "max"),
                                              outcome=("outcome", lambda v: min(v.dropna(), key=rank.__getitem__)))
    wars["ended"] = wars["outcome"] != "continuing"
    wars["months"] = (wars["end"] - wars["start"]).dt.days.clip(lower=1) / DAYS_PER_MONTH
    return wars.reset_index()


@dataclass(frozen=True)
class DurationModel:
    """Kaplan-Meier curve and the chosen parametric fit of war durations (months)."""

    km: pd.DataFrame          # months, survival, low, high, at_risk
    distribution: str
    params: tuple[float, ...]
    aic: pd.Series            # per distribution
    n: int
    events: int
    durations: np.ndarray = field(repr=False)

    def survival(self, months) -> np.ndarray:
        """Parametric survival S(t) at `months`."""
        return DISTRIBUTIONS[self.distribution].sf(np.asarray(months, float), *self.params)


def _censored(months: np.ndarray, ended: np.ndarray) -> stats.CensoredData:
    return stats.CensoredData(uncensored=months[ended], right=months[~ended])


def kaplan_meier(months: np.ndarray, ended: np.ndarray, level: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier survival at each distinct duration, its pointwise `level` band (log-log) and
    the number still at risk just before it."""
    result = stats.ecdf(_censored(months, ended))
    sf = result.sf
    band = sf.confidence_interval(confidence_level=level, method="log-log")
    at_risk = np.array([(months >= t).sum() for t in sf.quantiles])
    return pd.DataFrame({"months": sf.quantiles, "survival": sf.probabilities, "low": band.low.probabilities,
                         "high": band.high.probabilities, "at_risk": at_risk})


def duration_model(wars: pd.DataFrame) -> DurationModel:
    """Kaplan-Meier plus the parametric fit (of `DISTRIBUTIONS`) with the lowest AIC."""
    months, ended = wars["months"].to_numpy(float), wars["ended"].to_numpy(bool)
    data = _censored(months, ended)
    fits, aic = {}, {}
    for name, dist in DISTRIBUTIONS.items():
        params = dist.fit(data, floc=0)
        loglik = (np.sum(dist.logpdf(months[ended], *params)) + np.sum(dist.logsf(months[~ended], *params)))
        fits[name], aic[name] = params, 2 * (len(params) - 1) - 2 * loglik
    best = min(aic, key=aic.__getitem__)
    return DurationModel(kaplan_meier(months, ended), best, tuple(fits[best]), pd.Series(aic), len(wars), int(ended.sum()),
                         months)


def _km_survival(km: pd.DataFrame, months) -> np.ndarray:
    """Kaplan-Meier step function evaluated at `months` (1 before the first event)."""
    positions = np.searchsorted(km["months"].to_numpy(float), np.asarray(months, float), side="right") - 1
    values = km["survival"].to_numpy(float)
    return np.where(positions >= 0, values[np.clip(positions, 0, None)], 1.0)


def conditional_end(model: DurationModel, elapsed: Sequence[float] | float,
                    horizons: Sequence[float] = HORIZONS) -> pd.DataFrame:
    """P(the war ends within h more months | it has lasted `elapsed`), one row per (elapsed,
    horizon): `parametric`, `kaplan_meier` (NaN where no war in the sample lasted that long) and
    `at_risk` (wars in the sample that lasted at least `elapsed`)."""
    lasted = np.atleast_1d(np.asarray(elapsed, float))
    ahead = np.asarray(horizons, float)
    t, h = np.meshgrid(lasted, ahead, indexing="ij")
    parametric = 1 - model.survival(t + h) / model.survival(t)
    base = _km_survival(model.km, t)
    with np.errstate(invalid="ignore", divide="ignore"):
        empirical = np.where(base > 0, 1 - _km_survival(model.km, t + h) / base, np.nan)
    at_risk = np.array([(model.durations >= value).sum() for value in lasted])
    return pd.DataFrame({"elapsed_months": t.ravel(), "horizon_months": h.ravel().astype(int),
                         "parametric": parametric.ravel(), "kaplan_meier": empirical.ravel(),
                         "at_risk": np.repeat(at_risk, len(ahead))})


def bootstrap_conditional(wars: pd.DataFrame, elapsed: Sequence[float] | float, horizons: Sequence[float] = HORIZONS,
                          n_boot: int = 200, seed: int = 0, level: float = 0.9) -> pd.DataFrame:
    """`conditional_end` with a `level` bootstrap interval (`low`, `high`) of the parametric
    probability: wars resampled with replacement, the distribution family chosen and refitted
    each time (so the interval carries the choice of family too)."""
    rng = np.random.default_rng(seed)
    point = conditional_end(duration_model(wars), elapsed, horizons)
    draws = [conditional_end(duration_model(wars.iloc[rng.integers(0, len(wars), len(wars))]), elapsed,
                             horizons)["parametric"].to_numpy() for _ in range(n_boot)]
    tail = (1 - level) / 2
    low, high = np.nanquantile(np.vstack(draws), [tail, 1 - tail], axis=0)
    # The point estimate is the full-sample fit; a percentile interval need not contain it when the
    # family switches between resamples, so the band is widened to include it (stated in the notes).
    return point.assign(low=np.minimum(low, point["parametric"]), high=np.maximum(high, point["parametric"]))


def how_wars_end(wars: pd.DataFrame, min_months: float = 0.0) -> pd.DataFrame:
    """Share of ended wars by outcome, among wars that lasted at least `min_months`."""
    ended = wars[wars["ended"] & (wars["months"] >= min_months)]
    counts = ended["outcome"].value_counts()
    return pd.DataFrame({"outcome": counts.index, "wars": counts.to_numpy(), "share": (counts / counts.sum()).to_numpy()})


def agreement_breakdown(agreements: pd.DataFrame, years: Sequence[int] = (1, 2, 5)) -> pd.DataFrame:
    """Kaplan-Meier share of UCDP peace agreements that had ended within each of `years`, per
    type and for those with a ceasefire provision (`cease` = 1), with the number of agreements."""
    signed = pd.to_datetime(agreements["pa_date"], errors="coerce")
    ended_on = pd.to_datetime(agreements["duration"], errors="coerce")
    ended = agreements["ended"].fillna(False).astype(bool) & ended_on.notna()
    stop = ended_on.where(ended, UCDP_PA_END)
    months = ((stop - signed).dt.days.clip(lower=1) / DAYS_PER_MONTH).to_numpy(float)
    groups = {"all": np.ones(len(agreements), bool),
              **{kind: (agreements["pa_type"] == code).to_numpy() for code, kind in AGREEMENT_TYPES.items()},
              "with ceasefire provision": (agreements["cease"] == 1).to_numpy()}
    rows = []
    valid = ~np.isnan(months)
    for name, mask in groups.items():
        mask = mask & valid
        km = kaplan_meier(months[mask], ended.to_numpy()[mask])
        for year in years:
            before = km.loc[km["months"] <= 12 * year]
            survival = float(before["survival"].iloc[-1]) if len(before) else 1.0
            low = float(before["low"].iloc[-1]) if len(before) else 1.0
            high = float(before["high"].iloc[-1]) if len(before) else 1.0
            rows.append((name, int(mask.sum()), year, 1 - survival, 1 - high, 1 - low))
    return pd.DataFrame(rows, columns=["agreements", "n", "years", "ended_share", "low", "high"])


def no_settlement_probability(base: pd.DataFrame, multiplier: float) -> pd.DataFrame:
    """P(no settlement within each horizon) when a scenario multiplies the base-rate hazard by
    `multiplier` (proportional hazards: S_scenario = S_base ** multiplier)."""
    if multiplier < 0:
        raise ValueError(f"a hazard multiplier must be at least 0, not {multiplier}")
    survival = 1 - base["probability"].to_numpy(float)
    return base.assign(no_settlement=survival ** multiplier, settlement=1 - survival ** multiplier)


def _curve(rates: pd.DataFrame, method: str) -> pd.DataFrame:
    rows = rates[(rates["measure"] == "survival") & (rates["method"] == method)]
    return rows.sort_values("elapsed_months")


def conditional_from_curves(rates: pd.DataFrame, elapsed: float, horizons: Sequence[float]) -> pd.DataFrame:
    """From a base-rate table (`settlement_base_rates`): for each horizon, `probability` (the
    parametric curve's 1 - S(elapsed + h) / S(elapsed), log-linear between grid points),
    `base_rate` (Kaplan-Meier 1 - S(h): wars ending within h months of their start, ignoring the
    months elapsed) and `at_risk` (wars that lasted at least `elapsed`)."""
    parametric = rates.loc[(rates["measure"] == "survival") & ~rates["method"].isin(["kaplan_meier"])]
    parametric = parametric.sort_values("elapsed_months")
    km = _curve(rates, "kaplan_meier").rename(columns={"elapsed_months": "months", "estimate": "survival"})
    grid, log_s = parametric["elapsed_months"].to_numpy(float), np.log(parametric["estimate"].to_numpy(float))
    if elapsed + max(horizons) > grid[-1]:
        raise ValueError(f"the base-rate curve ends at {grid[-1]:.0f} months; {elapsed:.0f} + {max(horizons):.0f} asked")

    def survival(t):
        return np.exp(np.interp(t, grid, log_s))

    ahead = np.asarray(horizons, float)
    probability = 1 - survival(elapsed + ahead) / survival(elapsed)
    base_rate = 1 - _km_survival(km, ahead)
    at_risk = int(km.loc[km["months"] >= elapsed, "n"].max()) if (km["months"] >= elapsed).any() else 0
    return pd.DataFrame({"horizon_months": ahead, "probability": probability, "base_rate": base_rate,
                         "at_risk": at_risk, "elapsed_months": elapsed})


def implied_multiplier(conditional_survival_at_months: float) -> float:
    """The hazard multiplier k that makes a stated settlement time the median under proportional
    hazards: S_base(m | elapsed) ** k = 0.5, with S_base(m | elapsed) the base rate's probability
    that the war is still going `m` months on (k > 1: the scenario is more hopeful than history)."""
    survival = float(conditional_survival_at_months)
    if not 0 < survival < 1:
        raise ValueError(f"a conditional survival must lie strictly between 0 and 1, not {survival}")
    return float(np.log(0.5) / np.log(survival))
