"""Front model: calibrated forecasts of Russian-held area, nationally and per region, 1-12 months ahead.

Pure functions (tables in, tables out). The recipe, and why each step is there:

* **Monthly levels.** The first map of each calendar month (`monthly_levels`); extra mid-month
  maps are skipped so that one step is one month.
* **Regime-aware fitting window.** A model is fitted only on the months after the last regime
  break known at the origin (`fit_start`; breaks are a dataset with reasons and sources, e.g.
  the invasion and the 2022 counter-offensives). A trend that spans a break predicts the wrong
  pace or even the wrong sign, which is why the old factor x twelve-month-pace rule failed.
* **State-space model.** statsmodels' `UnobservedComponents` with a local linear trend
  (level, a drifting slope, and noise), variances by maximum likelihood: its h-step variance
  grows with the horizon through both the level noise and the slope's drift, so a slow front
  still gets a band (the old rule's band was proportional to the trend and collapsed).
* **Calibration on a rolling origin (split conformal).** At each origin, the standardised
  errors z = (outcome - mean) / model sd of the forecasts issued at earlier origins whose target
  month is already observed form the calibration pool; the predictive distribution is
  mean + sd x the symmetrised empirical quantiles of z (per horizon when that horizon has
  `MIN_PER_HORIZON` resolved errors, else pooled over the series' horizons). Fewer than
  `MIN_POOL` resolved errors: `ForecastError` (too few origins to calibrate).
* **Reconciliation.** Region draws are shifted so that they sum, draw by draw, to the national
  draws; each region takes a share of the gap in proportion to its predictive variance (the
  diagonal-weight MinT projection), so regions that do not move keep their level exactly.

Draws are deterministic: quantiles on a fixed grid of probabilities (regions get fixed
permutations of it so that they are not perfectly correlated).

Settlement timing from base rates (second half of the module)

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

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..conventions import DAYS_PER_MONTH, NATIONAL_ID, AsOf, as_timestamp
from . import model_checks, scoring

HORIZONS = tuple(range(1, 13))
#: Months of data after the last break a model needs before it may be fitted.
MIN_FIT_MONTHS = 6
#: Resolved standardised errors needed to calibrate at all, and to calibrate one horizon on its own.
MIN_POOL = 8
MIN_PER_HORIZON = 10
#: Only the most recent resolved errors per horizon calibrate (the front's regime drifts).
POOL_WINDOW = 36
#: A region "moves" when its level spans more than this within the fitting window.
MOVING_KM2 = 25.0
#: Floor of the model's h-step sd (km²): a region that has not moved still gets a finite z.
SD_FLOOR_KM2 = 1.0
DRAWS = 400
LEVELS = (0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975)
#: Central intervals reported and scored (nominal coverage).
INTERVALS = (0.5, 0.8, 0.95)
#: The backtest scores origins from here (the issue's rolling-origin backtest); earlier origins only
#: warm up the calibration pool.
SCORED_FROM = pd.Timestamp("2024-01-01")


class ForecastError(ValueError):
    """A forecast cannot be made as asked (horizon beyond the data, too few origins...)."""


def monthly_levels(control: pd.DataFrame) -> pd.DataFrame:
    """Russian-held km² on the first map of each month: index = month start, one column per region
    (the national row `NATIONAL_ID` included), plus the map's own date in `map_date`."""
    firsts = control.groupby(control["date"].dt.to_period("M"))["date"].min()
    table = control[control["date"].isin(firsts)].pivot(index="date", columns="region_id", values="occupied_km2")
    table = table.sort_index()
    map_dates = pd.Series(table.index, index=table.index.to_period("M").to_timestamp())
    table.index = map_dates.index
    table["map_date"] = map_dates
    return table


def fit_start(breaks: pd.DataFrame, origin: AsOf) -> pd.Timestamp:
    """First month a model may use at `origin`: the month after the last break dated on or before it."""
    day = as_timestamp(origin)
    known = breaks.loc[breaks["date"] <= day, "date"]
    if known.empty:
        raise ForecastError(f"no regime break is dated on or before {day:%Y-%m-%d}: the fitting window is undefined")
    return (known.max().to_period("M") + 1).to_timestamp()


#: A trend model: (levels of one series over the fitting window, their months, horizon) -> mean
#: and sd of the 1..horizon-step forecasts, in km².
TrendFit = Callable[[np.ndarray, pd.DatetimeIndex, int], tuple[np.ndarray, np.ndarray]]


def _scaled(y: np.ndarray) -> tuple[np.ndarray, float]:
    """The series from its first value, in units of its monthly changes' sd (a well-scaled ML fit)."""
    scale = max(float(np.std(np.diff(y))), 1.0)
    return (y - y[0]) / scale, scale


def local_linear_trend(y: np.ndarray, months: pd.DatetimeIndex, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sd of the 1..horizon-step forecasts of a local linear trend fitted by ML (the kit's model)."""
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    if np.ptp(y) == 0:
        return np.full(horizon, y[-1]), np.full(horizon, SD_FLOOR_KM2)
    scaled, scale = _scaled(y)
    model = UnobservedComponents(scaled, level="local linear trend")
    with warnings.catch_warnings():
        # Short series often end the optimiser at a variance of zero; the fit is still the ML one.
        warnings.simplefilter("ignore")
        result = model.fit(disp=False, maxiter=200)
        forecast = result.get_forecast(horizon)
    mean = np.asarray(forecast.predicted_mean) * scale + y[0]
    sd = np.sqrt(np.asarray(forecast.var_pred_mean)) * scale
    return mean, np.maximum(sd, SD_FLOOR_KM2)


def damped_trend(y: np.ndarray, months: pd.DatetimeIndex, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sd of the 1..horizon-step forecasts of an additive damped-trend exponential
    smoothing model (statsmodels `ETSModel`, ML): the pace decays towards zero with the horizon,
    a challenger to the local linear trend for long horizons (benchmarks/forecast_calibration.py)."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    if np.ptp(y) == 0:
        return np.full(horizon, y[-1]), np.full(horizon, SD_FLOOR_KM2)
    scaled, scale = _scaled(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = ETSModel(pd.Series(scaled), error="add", trend="add", damped_trend=True).fit(disp=False, maxiter=200)
        forecast = result.get_prediction(start=len(y), end=len(y) + horizon - 1)
    mean = np.asarray(forecast.predicted_mean) * scale + y[0]
    sd = np.sqrt(np.asarray(forecast.forecast_variance)) * scale
    return mean, np.maximum(sd, SD_FLOOR_KM2)


def monthly_fire_intensity(daily: pd.DataFrame, column: str = "war_fires_per_day_non_cloud_days_7dma") -> pd.Series:
    """Mean of a daily war-fire column per calendar month (index: month start), from the
    Economist's war-fire table (`date` and the column). The default is the Economist's own
    cloud-screened seven-day mean of war-related fires, so cloudy months do not read as calm."""
    dates = pd.to_datetime(daily["date"])
    values = pd.to_numeric(daily[column], errors="coerce")
    return values.groupby(dates.dt.to_period("M")).mean().rename(column).pipe(
        lambda s: s.set_axis(s.index.to_timestamp()))


def with_fire_covariate(fires: pd.Series) -> TrendFit:
    """A local linear trend with war-fire intensity as a regression effect, known at the origin:
    the change into month t is regressed on the fires of month t-2 (the regressor is the running
    sum of fires lagged two months, so its effect falls on the change), and months ahead whose
    fires are not known yet carry the last known month's intensity forward. `fires`: monthly
    intensity by month start (`monthly_fire_intensity`)."""
    def fit(y: np.ndarray, months: pd.DatetimeIndex, horizon: int) -> tuple[np.ndarray, np.ndarray]:
        from statsmodels.tsa.statespace.structural import UnobservedComponents

        if np.ptp(y) == 0:
            return np.full(horizon, y[-1]), np.full(horizon, SD_FLOOR_KM2)
        ahead = pd.date_range(months[-1], periods=horizon + 1, freq="MS")[1:]
        wanted = (months.append(ahead) - pd.DateOffset(months=2))
        known = fires[fires.index <= months[-1] - pd.DateOffset(months=1)]  # complete months at the origin
        lagged = known.reindex(wanted).ffill().bfill().to_numpy(float)
        if np.isnan(lagged).any():
            raise ForecastError("no war-fire intensity is known for the fitting window")
        exog = np.cumsum(lagged / max(float(np.std(lagged)), 1.0))
        exog = exog - exog[0]
        scaled, scale = _scaled(y)
        model = UnobservedComponents(scaled, level="local linear trend", exog=exog[:len(y), None])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = model.fit(disp=False, maxiter=200)
            forecast = result.get_forecast(horizon, exog=exog[len(y):, None])
        mean = np.asarray(forecast.predicted_mean) * scale + y[0]
        sd = np.sqrt(np.asarray(forecast.var_pred_mean)) * scale
        return mean, np.maximum(sd, SD_FLOOR_KM2)

    return fit


@dataclass(frozen=True)
class ModelForecast:
    """Uncalibrated model forecast at one origin: `mean` and `sd` per (series, horizon)."""

    origin: pd.Timestamp
    last_month: pd.Timestamp
    frame: pd.DataFrame  # columns: region_id, horizon_months, target_month, last_km2, mean_km2, sd_km2, moving


def model_forecast(control: pd.DataFrame, breaks: pd.DataFrame, origin: AsOf,
                   horizons: Sequence[int] = HORIZONS, fit: TrendFit = local_linear_trend) -> ModelForecast:
    """Fit the trend model `fit` (default: the local linear trend) per series on the months after
    the last break known at `origin`, from `control` (the rows known at the origin: the caller reads them with
    `load(..., as_of=origin)`). Regions that did not move within the window keep their level."""
    day = as_timestamp(origin)
    if (control["date"] > day).any():
        raise ForecastError(f"the territory rows passed for origin {day:%Y-%m-%d} include later maps")
    levels = monthly_levels(control)
    start = fit_start(breaks, day)
    window = levels.loc[levels.index >= start].drop(columns="map_date")
    if len(window) < MIN_FIT_MONTHS:
        raise ForecastError(f"origin {day:%Y-%m-%d}: {len(window)} months since the last regime break "
                            f"({start:%Y-%m}), at least {MIN_FIT_MONTHS} needed to fit the model")
    horizon = max(horizons)
    last_month = window.index[-1]
    rows = []
    for region_id in window.columns:
        y = window[region_id].to_numpy(float)
        moving = region_id == NATIONAL_ID or np.ptp(y) > MOVING_KM2
        if moving:
            mean, sd = fit(y, pd.DatetimeIndex(window.index), horizon)
        else:
            mean, sd = np.full(horizon, y[-1]), np.zeros(horizon)
        for h in horizons:
            rows.append((region_id, h, last_month + pd.DateOffset(months=h), y[-1], mean[h - 1], sd[h - 1], moving))
    frame = pd.DataFrame(rows, columns=["region_id", "horizon_months", "target_month", "last_km2", "mean_km2",
                                        "sd_km2", "moving"])
    return ModelForecast(day, last_month, frame)


def standardised_errors(issued: pd.DataFrame, levels: pd.DataFrame) -> pd.DataFrame:
    """Resolved errors of issued forecasts: `issued` (region_id, origin, horizon_months,
    target_month, mean_km2, sd_km2) joined to the observed level of the target month in
    `levels` (from `monthly_levels` of the rows known now); adds `outcome_km2` and `z`."""
    observed = levels.drop(columns="map_date").stack().rename("outcome_km2").reset_index()
    observed.columns = ["target_month", "region_id", "outcome_km2"]
    resolved = issued.merge(observed, on=["target_month", "region_id"], how="inner")
    resolved = resolved[resolved["sd_km2"] > 0]
    return resolved.assign(z=(resolved["outcome_km2"] - resolved["mean_km2"]) / resolved["sd_km2"])


def calibration_pool(errors: pd.DataFrame, region_id: str, horizon: int) -> pd.DataFrame:
    """The resolved errors that calibrate `region_id` at `horizon`, the first of these with enough
    cases: that series at that horizon (its latest `POOL_WINDOW`, at least `MIN_PER_HORIZON`);
    that series at the nearest horizons that
    hold `MIN_PER_HORIZON` errors; every region at that horizon (a region that has just started to
    move borrows the others' errors; never the national series). Raises `ForecastError` when
    none holds `MIN_POOL` (too few origins to calibrate)."""
    own = errors[errors["region_id"] == region_id].sort_values("origin")
    at_horizon = own[own["horizon_months"] == horizon].tail(POOL_WINDOW)
    if len(at_horizon) >= MIN_PER_HORIZON:
        return at_horizon
    if len(own) >= MIN_POOL:
        # The nearest horizons first: standardised errors change with the horizon (the model's sd
        # grows faster than the errors do), so borrowing 1-month errors for 12 months over-widens.
        distance = (own["horizon_months"] - horizon).abs()
        nearest = own.assign(distance=distance).sort_values(["distance", "origin"], ascending=[True, False])
        cut = nearest["distance"].iloc[min(MIN_PER_HORIZON, len(nearest)) - 1]
        return nearest[nearest["distance"] <= cut].drop(columns="distance")
    if region_id != NATIONAL_ID:
        regions = errors[(errors["region_id"] != NATIONAL_ID) & (errors["horizon_months"] == horizon)]
        regions = regions.sort_values("origin").tail(POOL_WINDOW * 3)
        if len(regions) >= MIN_POOL:
            return regions
    raise ForecastError(f"{region_id}, horizon {horizon} months: {len(own)} resolved forecasts, at least "
                        f"{MIN_POOL} needed to calibrate (too few origins)")


def calibration_quantiles(errors: pd.DataFrame, region_id: str, horizon: int,
                          probabilities: np.ndarray) -> np.ndarray:
    """Quantiles (at `probabilities`) of the symmetrised standardised errors of `calibration_pool`."""
    z = np.abs(calibration_pool(errors, region_id, horizon)["z"].to_numpy(float))
    return np.quantile(np.concatenate([z, -z]), probabilities)


def _grid(draws: int) -> np.ndarray:
    return (np.arange(draws) + 0.5) / draws


def calibrated_draws(forecast: ModelForecast, errors: pd.DataFrame, draws: int = DRAWS) -> pd.DataFrame:
    """Reconciled predictive draws: one row per (region_id, horizon_months), columns 0..draws-1,
    plus `target_month`, `last_km2`, `mean_km2` (of the reconciled draws), `sd_km2` (the model's,
    before calibration) and `moving`. National draws come from its calibrated
    distribution; region draws are shifted to sum to them draw by draw."""
    grid = _grid(draws)
    frame = forecast.frame
    out = []
    for h, group in frame.groupby("horizon_months"):
        values = {}
        for position, row in enumerate(group.itertuples(index=False)):
            if not row.moving:
                values[row.region_id] = np.full(draws, row.mean_km2)
                continue
            z = calibration_quantiles(errors, row.region_id, int(h), grid)
            if row.region_id != NATIONAL_ID:
                # A fixed permutation per region: regions are drawn independently, not comonotone.
                z = z[np.random.default_rng(position).permutation(draws)]
            values[row.region_id] = row.mean_km2 + row.sd_km2 * z
        reconciled = reconcile(values, group.set_index("region_id")["sd_km2"].to_dict())
        for row in group.itertuples(index=False):
            draws_of = reconciled[row.region_id]
            out.append({"region_id": row.region_id, "horizon_months": int(h), "target_month": row.target_month,
                        "last_km2": row.last_km2, "mean_km2": float(np.mean(draws_of)), "sd_km2": row.sd_km2,
                        "moving": row.moving, "draws": draws_of})
    table = pd.DataFrame(out)
    return table


def reconcile(values: Mapping[str, np.ndarray], sd: Mapping[str, float],
              bounds: Mapping[str, tuple[float, float]] | None = None) -> dict[str, np.ndarray]:
    """Shift region draws so that, draw by draw, they sum to the national draws: each region
    takes the gap in proportion to its variance (regions with sd 0 keep their draws). With
    `bounds` ({region: (lowest, highest)}), a region is kept within them and the rest of the gap
    goes to the regions still inside theirs (a region cannot lose more than it holds)."""
    regions = [r for r in values if r != NATIONAL_ID]
    national = np.asarray(values[NATIONAL_ID], float)
    stacked = np.vstack([values[r] for r in regions])
    variance = np.array([sd.get(r, 0.0) ** 2 for r in regions])
    if variance.sum() == 0:
        variance = np.ones(len(regions))
    gap = national - stacked.sum(axis=0)
    shifted = stacked + (variance / variance.sum())[:, None] * gap[None, :]
    if bounds is None:
        return {NATIONAL_ID: national, **dict(zip(regions, shifted, strict=True))}
    low = np.array([bounds.get(r, (-np.inf, np.inf))[0] for r in regions])[:, None]
    high = np.array([bounds.get(r, (-np.inf, np.inf))[1] for r in regions])[:, None]
    if np.all((shifted >= low) & (shifted <= high)):
        return {NATIONAL_ID: national, **dict(zip(regions, shifted, strict=True))}
    shifted = np.clip(stacked, low, high)
    for _ in range(len(regions)):  # each pass pins at least one more region at a bound, or closes the gap
        gap = national - shifted.sum(axis=0)
        free = np.where(gap > 0, shifted < high, shifted > low) * variance[:, None]
        total = free.sum(axis=0)
        if np.all((np.abs(gap) < 1e-9) | (total == 0)):
            break
        share = np.divide(free, total, out=np.zeros_like(free), where=total > 0)
        shifted = np.clip(shifted + share * gap[None, :], low, high)
    return {NATIONAL_ID: national, **dict(zip(regions, shifted, strict=True))}


def draws_matrix(table: pd.DataFrame) -> np.ndarray:
    """The `draws` column of a `calibrated_draws` table as a 2-D array (one row per forecast)."""
    return np.vstack(table["draws"].to_numpy())


def quantile_table(table: pd.DataFrame, levels: Sequence[float] = LEVELS) -> pd.DataFrame:
    """`calibrated_draws` with the draws replaced by quantile columns `q0.1`... and the median."""
    quantiles = scoring.quantiles_from_draws(draws_matrix(table), levels)
    quantiles.columns = [f"q{level:g}" for level in levels]
    return pd.concat([table.drop(columns="draws").reset_index(drop=True), quantiles], axis=1)


# --- baselines -----------------------------------------------------------------------------------


def baseline_means(levels: pd.Series, horizons: Iterable[int]) -> pd.DataFrame:
    """Point forecasts of the two naive baselines from a monthly national series known at the
    origin: `no_change` (the last level) and `trailing_3m` (the last level plus h x the mean
    monthly change of the last three months)."""
    y = levels.to_numpy(float)
    pace = (y[-1] - y[-4]) / 3 if len(y) >= 4 else 0.0
    return pd.DataFrame([(h, y[-1], y[-1] + h * pace) for h in horizons],
                        columns=["horizon_months", "no_change", "trailing_3m"])


def pace_rule(levels: pd.Series, horizons: Iterable[int], factor: tuple[float, float, float] = (1.0, 0.5, 1.5),
              window_months: int = 12) -> pd.DataFrame:
    """Today's scenario rule, as `model_checks.pace_backtest` scores it: last level + factor x
    months x the mean monthly change over the trailing `window_months` (which may cross a
    regime break), its 80 % band the triangular factor's 10th-90th percentile times the trend."""
    y = levels.to_numpy(float)
    if len(y) <= window_months:
        raise ForecastError(f"the pace rule needs {window_months + 1} months of data, {len(y)} known")
    value, low, high = factor
    factor_low, factor_high = (model_checks._triangular_quantile(q, low, value, high) for q in model_checks.INTERVAL)
    rate = (y[-1] - y[-1 - window_months]) / window_months
    rows = []
    for h in horizons:
        lower, upper = sorted((factor_low * rate * h, factor_high * rate * h))
        rows.append((h, y[-1] + value * rate * h, y[-1] + lower, y[-1] + upper))
    return pd.DataFrame(rows, columns=["horizon_months", "rule_mean", "rule_lower", "rule_upper"])


def interval_bounds(table: pd.DataFrame, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of the central `level` interval of each row's draws."""
    tail = (1 - level) / 2
    bounds = np.quantile(draws_matrix(table), [tail, 1 - tail], axis=1)
    return bounds[0], bounds[1]


def backtest_scores(backtest: pd.DataFrame) -> pd.DataFrame:
    """Per horizon, from a national backtest table (`outcome_km2`, `median_km2`, `lower_<p>`,
    `upper_<p>` per interval, `crps`, baselines' means and the rule's band): comparisons, MAE of
    the model and each baseline, coverage of the 50/80/95 % intervals, mean interval score
    (alpha 0.2) of the model and of the rule, and mean CRPS."""
    rows = []
    for h, group in backtest.groupby("horizon_months"):
        y = group["outcome_km2"].to_numpy(float)
        row = {"horizon_months": int(h), "comparisons": len(group),
               "mae_model": float(np.mean(np.abs(group["median_km2"] - y))),
               "mae_no_change": float(np.mean(np.abs(group["no_change"] - y))),
               "mae_trailing_3m": float(np.mean(np.abs(group["trailing_3m"] - y))),
               "mae_rule": float(np.mean(np.abs(group["rule_mean"] - y)))}
        for level in INTERVALS:
            row[f"coverage_{level:g}"] = scoring.coverage(y, group[f"lower_{level:g}"], group[f"upper_{level:g}"])
        row["interval_score_model"] = float(np.mean(scoring.interval_score(y, group["lower_0.8"], group["upper_0.8"], 0.2)))
        row["interval_score_rule"] = float(np.mean(scoring.interval_score(y, group["rule_lower"], group["rule_upper"], 0.2)))
        row["crps_model"] = float(group["crps"].mean())
        rows.append(row)
    return pd.DataFrame(rows)


# --- the ledger's track record --------------------------------------------------------------------

QUANTILE_COLUMNS = tuple(f"q{level:g}" for level in LEVELS)


def resolved_ledger(ledger: pd.DataFrame, levels: pd.DataFrame, region_id: str = NATIONAL_ID) -> pd.DataFrame:
    """The calibrated ledger rows of `region_id` whose target month is observed in `levels`
    (`monthly_levels` of the rows known now), with `outcome_km2`."""
    rows = ledger[(ledger["region_id"] == region_id) & ledger["calibrated"]]
    outcome = levels[region_id].rename("outcome_km2")
    return rows.merge(outcome, left_on="target_month", right_index=True, how="inner").reset_index(drop=True)


#: Draws rebuilt from the nine issued quantiles: more add nothing (the shape between them is linear),
#: and properscoring's CRPS grows with the square of the draws.
LEDGER_DRAWS = 100


def draws_from_quantiles(rows: pd.DataFrame, draws: int = LEDGER_DRAWS) -> np.ndarray:
    """Draws rebuilt from each row's issued quantiles (linear between levels, flat beyond the
    outermost): what the ledger keeps of a forecast, used for its PIT and CRPS."""
    grid = _grid(draws)
    values = rows[list(QUANTILE_COLUMNS)].to_numpy(float)
    return np.vstack([np.interp(grid, LEVELS, row) for row in values])


def ledger_scores(resolved: pd.DataFrame) -> pd.DataFrame:
    """Per horizon, from `resolved_ledger`: comparisons, coverage of the issued 50/80/95 %
    intervals, MAE of the median and of no change, mean interval score (alpha 0.2), mean CRPS
    (from the issued quantiles) and the CRPS skill over no change (model - baseline, negative
    is better) with its block-bootstrap interval over origins."""
    rows = []
    for h, group in resolved.groupby("horizon_months"):
        y = group["outcome_km2"].to_numpy(float)
        crps = scoring.crps_draws(y, draws_from_quantiles(group))
        no_change_loss = np.abs(group["last_km2"].to_numpy(float) - y)  # CRPS of a point forecast = its absolute error
        row: dict[str, object] = {"horizon_months": int(h), "comparisons": len(group)}
        for level in INTERVALS:
            tail = (1 - level) / 2
            row[f"coverage_{level:g}"] = scoring.coverage(y, group[f"q{tail:g}"], group[f"q{1 - tail:g}"])
        row["mae_model"] = float(np.mean(np.abs(group["q0.5"] - y)))
        row["mae_no_change"] = float(no_change_loss.mean())
        row["interval_score_80"] = float(np.mean(scoring.interval_score(y, group["q0.1"], group["q0.9"], 0.2)))
        row["crps_model"] = float(crps.mean())
        if len(group) >= 2:
            # Forecasts h months ahead from origins less than h apart share outcomes: blocks of h
            # consecutive origins are resampled together.
            months = group["origin"].dt.to_period("M").astype("int64").to_numpy()
            skill = scoring.paired_skill(crps, no_change_loss, clusters=(months - months.min()) // int(h))
            row.update(skill_vs_no_change=skill.difference, skill_low=skill.lower, skill_high=skill.upper,
                       verdict=skill.verdict)
        rows.append(row)
    return pd.DataFrame(rows)


def ledger_pit(resolved: pd.DataFrame) -> np.ndarray:
    """PIT values of the resolved forecasts (from the issued quantiles)."""
    return scoring.pit(resolved["outcome_km2"].to_numpy(float), draws_from_quantiles(resolved))


# --- scenario fronts: a stated shift of the model's mean -------------------------------------------


@dataclass(frozen=True)
class FrontPaths:
    """One issued forecast (the ledger rows of one origin) as paths in continuous time: the
    quantiles of each series' change from its level at the origin, at any number of months ahead.

    Up to the last issued horizon the quantiles are interpolated between issued horizons (0 at the
    origin, where every quantile is 0). Beyond it the median change goes on at the last month's
    pace and the spread around the median grows with the square root of time (a random-walk
    extrapolation: no coverage was measured there, `measured_up_to` says how far it was)."""

    origin: pd.Timestamp
    series: tuple[str, ...]
    last_km2: np.ndarray     # per series: the level at the origin
    horizons: np.ndarray     # 0 and the issued horizons
    changes: np.ndarray      # (series, horizons, levels): quantiles of the change since the origin
    levels: np.ndarray

    @property
    def measured_up_to(self) -> float:
        """The last issued horizon (months): coverage is measured up to here, not beyond."""
        return float(self.horizons[-1])

    @classmethod
    def from_issued(cls, issued: pd.DataFrame, levels: Sequence[float] = LEVELS) -> FrontPaths:
        """From one origin's ledger rows (`origin`, `region_id`, `horizon_months`, `last_km2`,
        the `q...` columns); `ForecastError` when they hold several origins or no quantiles."""
        if issued["origin"].nunique() != 1:
            raise ForecastError(f"front paths come from one issued origin, not {issued['origin'].nunique()}")
        columns = [f"q{level:g}" for level in levels]
        if issued[columns].isna().any().any():
            raise ForecastError(f"origin {issued['origin'].iloc[0]:%Y-%m-%d} was issued without calibrated quantiles")
        series, last, changes, horizons = [], [], [], None
        for region_id, group in issued.groupby("region_id", sort=True):
            group = group.sort_values("horizon_months")
            these = np.concatenate([[0.0], group["horizon_months"].to_numpy(float)])
            if horizons is not None and not np.array_equal(these, horizons):
                raise ForecastError(f"{region_id}: issued horizons differ from the other series'")
            horizons = these
            level = float(group["last_km2"].iloc[0])
            quantiles = group[columns].to_numpy(float) - level
            changes.append(np.vstack([np.zeros(len(columns)), quantiles]))
            series.append(region_id)
            last.append(level)
        return cls(pd.Timestamp(issued["origin"].iloc[0]), tuple(series), np.array(last), np.asarray(horizons),
                   np.stack(changes), np.asarray(levels, float))

    def change_quantiles(self, months) -> np.ndarray:
        """Quantiles of each series' change since the origin `months` ahead (an array of any
        length): shape (series, len(months), levels)."""
        months = np.atleast_1d(np.asarray(months, float))
        if (months < 0).any():
            raise ForecastError(f"months must be 0 or more, not {months.min():g}")
        top = self.horizons[-1]
        within = np.minimum(months, top)
        # Linear interpolation between issued horizons, for every series and level at once.
        right = np.clip(np.searchsorted(self.horizons, within, side="right"), 1, len(self.horizons) - 1)
        left = right - 1
        weight = ((within - self.horizons[left]) / (self.horizons[right] - self.horizons[left]))[None, :, None]
        out = self.changes[:, left, :] * (1 - weight) + self.changes[:, right, :] * weight
        beyond = months > top
        if beyond.any():
            middle = int(np.searchsorted(self.levels, 0.5))
            median = self.changes[:, :, middle]
            pace = median[:, -1] - median[:, -2]
            spread = self.changes[:, -1, :] - median[:, -1:]
            extra = months[beyond]
            out[:, beyond, :] = ((median[:, -1][:, None] + pace[:, None] * (extra - top)[None, :])[:, :, None]
                                 + spread[:, None, :] * np.sqrt(extra / top)[None, :, None])
        return out

    def _horizon_weights(self, months: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Issued horizons either side of each of `months` (cut at the last) and the weight of the right one."""
        within = np.minimum(months, self.horizons[-1])
        right = np.clip(np.searchsorted(self.horizons, within, side="right"), 1, len(self.horizons) - 1)
        left = right - 1
        return left, right, (within - self.horizons[left]) / (self.horizons[right] - self.horizons[left])

    def median_change(self, months) -> np.ndarray:
        """The median change since the origin, shape (series, len(months)) (as `change_quantiles`)."""
        months = np.atleast_1d(np.asarray(months, float))
        median = self.changes[:, :, int(np.searchsorted(self.levels, 0.5))]
        left, right, weight = self._horizon_weights(months)
        out = median[:, left] * (1 - weight) + median[:, right] * weight
        beyond = months > self.horizons[-1]
        if beyond.any():
            pace = median[:, -1] - median[:, -2]
            out[:, beyond] = median[:, -1:] + pace[:, None] * (months[beyond] - self.horizons[-1])[None, :]
        return out

    def change_at(self, months: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
        """Each series' change since the origin at `months[j]` ahead and probability
        `probabilities[i, j]` (series x months): the value `change_quantiles` would give there,
        computed without building every level (the scenario engine draws a thousand at a time)."""
        months = np.asarray(months, float)
        left, right, h_weight = self._horizon_weights(months)
        p = np.clip(probabilities, self.levels[0], self.levels[-1])
        upper = np.clip(np.searchsorted(self.levels, p, side="right"), 1, len(self.levels) - 1)
        lower = upper - 1
        l_weight = (p - self.levels[lower]) / (self.levels[upper] - self.levels[lower])
        series = np.arange(len(self.series))[:, None]

        def at(horizon: np.ndarray) -> np.ndarray:
            return (self.changes[series, horizon[None, :], lower] * (1 - l_weight)
                    + self.changes[series, horizon[None, :], upper] * l_weight)

        out = at(left) * (1 - h_weight) + at(right) * h_weight
        beyond = months > self.horizons[-1]
        if beyond.any():
            top = self.horizons[-1]
            median_top = self.median_change([top])
            deviation = out[:, beyond] - median_top
            out[:, beyond] = self.median_change(months[beyond]) + deviation * np.sqrt(months[beyond] / top)[None, :]
        return out


def measured_coverage(ledger: pd.DataFrame, levels: pd.DataFrame, level: float = 0.8,
                      scored_from: AsOf = None, region_id: str = NATIONAL_ID) -> pd.DataFrame:
    """Per horizon, the share of resolved calibrated forecasts of `region_id` (from origins on or
    after `scored_from`) whose issued central `level` interval held the outcome: `horizon_months`,
    `coverage`, `outcomes`. `levels`: `monthly_levels` of the rows known when it is measured."""
    if scored_from is not None:
        ledger = ledger[ledger["origin"] >= as_timestamp(scored_from)]
    resolved = resolved_ledger(ledger, levels, region_id)
    tail = (1 - level) / 2
    rows = [(int(h), scoring.coverage(g["outcome_km2"], g[f"q{tail:g}"], g[f"q{1 - tail:g}"]), len(g))
            for h, g in resolved.groupby("horizon_months")]
    return pd.DataFrame(rows, columns=["horizon_months", "coverage", "outcomes"])


# --- settlement timing from base rates -------------------------------------------------------------

COW_MISSING = (-8, -9)
COW_OUTCOMES = {1: "victory", 2: "victory", 3: "compromise", 4: "transformed", 5: "continuing", 6: "stalemate",
                7: "continuing", 8: "victory"}
#: Preference when participants' codes differ: a winner makes the war a victory, etc.
OUTCOME_ORDER = ("victory", "compromise", "stalemate", "transformed", "continuing")
#: The parametric families fitted to war durations: name -> scipy.stats distribution.
DISTRIBUTIONS = {"weibull": "weibull_min", "lognormal": "lognorm", "loglogistic": "fisk"}
SETTLEMENT_HORIZONS = (3, 6, 12, 24, 36)
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
        return _distribution(self.distribution).sf(np.asarray(months, float), *self.params)


def _scipy_stats():
    """scipy.stats, imported on first use: the import takes about half a second, and most
    notebooks that import this module (through the scenario engine) never fit a duration."""
    from scipy import stats

    return stats


def _distribution(name: str):
    return getattr(_scipy_stats(), DISTRIBUTIONS[name])


def _censored(months: np.ndarray, ended: np.ndarray):
    return _scipy_stats().CensoredData(uncensored=months[ended], right=months[~ended])


def kaplan_meier(months: np.ndarray, ended: np.ndarray, level: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier survival at each distinct duration, its pointwise `level` band (log-log) and
    the number still at risk just before it. The band is NaN where the survival is 0 or 1: the
    log-log transform is undefined there (scipy returns NaN, and says so in a warning that is
    silenced here because the NaN is the answer, not a fault)."""
    result = _scipy_stats().ecdf(_censored(months, ended))
    sf = result.sf
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The confidence interval is undefined", RuntimeWarning)
        band = sf.confidence_interval(confidence_level=level, method="log-log")
    at_risk = np.array([(months >= t).sum() for t in sf.quantiles])
    return pd.DataFrame({"months": sf.quantiles, "survival": sf.probabilities, "low": band.low.probabilities,
                         "high": band.high.probabilities, "at_risk": at_risk})


def duration_model(wars: pd.DataFrame) -> DurationModel:
    """Kaplan-Meier plus the parametric fit (of `DISTRIBUTIONS`) with the lowest AIC."""
    months, ended = wars["months"].to_numpy(float), wars["ended"].to_numpy(bool)
    data = _censored(months, ended)
    fits, aic = {}, {}
    for name in DISTRIBUTIONS:
        dist = _distribution(name)
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
                    horizons: Sequence[float] = SETTLEMENT_HORIZONS) -> pd.DataFrame:
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


def bootstrap_conditional(wars: pd.DataFrame, elapsed: Sequence[float] | float, horizons: Sequence[float] = SETTLEMENT_HORIZONS,
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
