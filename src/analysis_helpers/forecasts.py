"""Forecasts the kit issues, and their track record (method: `analysis.forecast`, `analysis.forecast_settlement`).

    >>> from analysis_helpers import forecasts
    >>> fan = forecasts.front_fan("2026-08-01")                 # calibrated draws per region and horizon
    >>> issued, scores = forecasts.front_backtest()             # every monthly origin, data then known

Every origin reads the past one way, `load(name, as_of=origin)`: the territory rows, the regime
breaks and the forecasts already issued (whose resolved errors calibrate the next ones).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .analysis import forecast as front
from .analysis import scoring
from .conventions import NATIONAL_ID, AsOf, as_timestamp
from .data import load, package
from .data.forecasts import HASHES, origin_hashes
from .publish.report import write_atomically

__all__ = ["BACKTEST_FROM", "ISSUE_FROM", "append_front_origins", "front_backtest", "front_fan", "issue_front",
           "issued_rows", "origins"]

#: Scored origins start here (the issue's rolling-origin backtest); earlier origins only warm up
#: the calibration pool (their forecasts are issued but uncalibrated).
BACKTEST_FROM = pd.Timestamp("2024-01-01")
#: First origin with `front.MIN_FIT_MONTHS` months after the last 2022 break.
ISSUE_FROM = pd.Timestamp("2023-06-01")
LEDGER = "front_forecasts"


def origins(start: AsOf = ISSUE_FROM, end: AsOf = None, data_dir: Path | str | None = None) -> list[pd.Timestamp]:
    """The first map date of every month from `start` to `end` (default: the latest map)."""
    control = load("territory_control", data_dir, as_of=end)
    dates = control.loc[control["region_id"] == NATIONAL_ID, "date"]
    firsts = dates.groupby(dates.dt.to_period("M")).min()
    return [d for d in firsts.sort_values() if d >= as_timestamp(start)]


def issue_front(origin: AsOf, issued: pd.DataFrame | None = None, data_dir: Path | str | None = None,
                draws: int = front.DRAWS) -> pd.DataFrame:
    """Calibrated, reconciled draws of Russian-held km² per region, 1-12 months after `origin`,
    from what was known then: territory rows and regime breaks read with `load(..., as_of=origin)`,
    and the forecasts issued earlier (`issued`; default: the ledger as known at the origin) as the
    calibration pool. Raises `ForecastError` when too few earlier forecasts have resolved."""
    day = as_timestamp(origin)
    control = load("territory_control", data_dir, as_of=day)
    breaks = load("front_breaks", data_dir, as_of=day)
    if issued is None:
        issued = load(LEDGER, data_dir, as_of=day)
    errors = front.standardised_errors(issued, front.monthly_levels(control))
    return front.calibrated_draws(front.model_forecast(control, breaks, day), errors, draws=draws)


def issued_rows(origin: pd.Timestamp, table: pd.DataFrame, calibrated: bool) -> pd.DataFrame:
    """Ledger rows (one per region and horizon) of the forecast issued at `origin`."""
    out = front.quantile_table(table) if calibrated else table.drop(columns="draws")
    out.insert(0, "origin", origin)
    out["calibrated"] = calibrated
    return out


def front_backtest(start: AsOf = ISSUE_FROM, end: AsOf = None, data_dir: Path | str | None = None,
                   draws: int = front.DRAWS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(issued forecasts at every monthly origin from `start`, national scores per horizon over
    the origins from `BACKTEST_FROM`). Each origin sees only the data and forecasts of its day;
    origins whose pool is still too small issue the uncalibrated model (they warm up the pool)."""
    issued = pd.DataFrame()
    national = []
    for origin in origins(start, end, data_dir):
        day = as_timestamp(origin)
        control = load("territory_control", data_dir, as_of=day)
        breaks = load("front_breaks", data_dir, as_of=day)
        model = front.model_forecast(control, breaks, day)
        try:
            errors = front.standardised_errors(issued, front.monthly_levels(control)) if len(issued) else None
            if errors is None:
                raise front.ForecastError("no earlier forecast")
            table = front.calibrated_draws(model, errors, draws=draws)
            calibrated = True
        except front.ForecastError:
            table = model.frame.assign(draws=None)
            calibrated = False
        rows = issued_rows(day, table, calibrated)
        issued = pd.concat([issued, rows], ignore_index=True)
        if calibrated and day >= BACKTEST_FROM:
            national.append(_national_comparison(day, control, table[table["region_id"] == NATIONAL_ID]))
    latest = front.monthly_levels(load("territory_control", data_dir, as_of=end))
    comparison = _resolve(pd.concat(national, ignore_index=True), latest) if national else pd.DataFrame()
    scores = front.backtest_scores(comparison) if len(comparison) else pd.DataFrame()
    return issued, scores


def _national_comparison(origin: pd.Timestamp, control: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The model's national draws at one origin beside the three baselines known at that origin."""
    series = front.monthly_levels(control)[NATIONAL_ID]
    horizons = table["horizon_months"].tolist()
    out = table[["horizon_months", "target_month", "draws"]].reset_index(drop=True).assign(origin=origin)
    out["median_km2"] = np.median(front.draws_matrix(table), axis=1)
    for level in front.INTERVALS:
        out[f"lower_{level:g}"], out[f"upper_{level:g}"] = front.interval_bounds(table, level)
    baselines = front.baseline_means(series, horizons).merge(front.pace_rule(series, horizons), on="horizon_months")
    return out.merge(baselines, on="horizon_months")


def _resolve(comparison: pd.DataFrame, levels: pd.DataFrame) -> pd.DataFrame:
    """Keep the comparisons whose target month is observed, with the outcome and the CRPS."""
    outcome = levels[NATIONAL_ID].rename("outcome_km2")
    resolved = comparison.merge(outcome, left_on="target_month", right_index=True, how="inner")
    resolved["crps"] = scoring.crps_draws(resolved["outcome_km2"], front.draws_matrix(resolved))
    return resolved.reset_index(drop=True)


def front_fan(as_of: AsOf = None, data_dir: Path | str | None = None,
              regions: Sequence[str] | None = None) -> pd.DataFrame:
    """Quantiles of the front forecast issued at `as_of` (default: the latest map), calibrated on
    the ledger's resolved forecasts, per region (all, or `regions`) and horizon."""
    day = as_timestamp(as_of) if as_of is not None else origins(data_dir=data_dir)[-1]
    table = front.quantile_table(issue_front(day, data_dir=data_dir))
    return table if regions is None else table[table["region_id"].isin(regions)].reset_index(drop=True)


def _ledger_frame(rows: pd.DataFrame, columns: Sequence[str], source_of: pd.Series) -> pd.DataFrame:
    """Issued rows in the ledger's column order, with each origin's map source."""
    out = rows.assign(source_id=rows["origin"].map(source_of))
    return out.reindex(columns=list(columns))


def append_front_origins(end: AsOf = None, data_dir: Path | str | None = None) -> int:
    """Issue the front forecast of every origin up to `end` that the ledger does not hold yet, in
    order (each calibrated on the ledger as it stood), append them to `forecasts/front_forecasts.csv`
    and seal each new origin in `forecasts/issued_hashes.csv` (both written atomically).
    Returns the number of origins appended; sealed rows are never touched."""
    pkg = package(data_dir)
    ledger = load(LEDGER, data_dir)
    columns = [field["name"] for field in pkg.schema(LEDGER)["fields"]]
    done = set(ledger["origin"])
    control = load("territory_control", data_dir, as_of=end)
    national = control[control["region_id"] == NATIONAL_ID].set_index("date")["source_id"]
    new = []
    for origin in origins(ISSUE_FROM, end, data_dir):
        if origin in done:
            continue
        day = as_timestamp(origin)
        known = pd.concat([ledger, *new], ignore_index=True)
        control_then = load("territory_control", data_dir, as_of=day)
        model = front.model_forecast(control_then, load("front_breaks", data_dir, as_of=day), day)
        try:
            errors = front.standardised_errors(known, front.monthly_levels(control_then))
            rows = issued_rows(day, front.calibrated_draws(model, errors), calibrated=True)
        except front.ForecastError:
            rows = issued_rows(day, model.frame, calibrated=False)
        new.append(_ledger_frame(rows, columns, national))
    if not new:
        return 0
    appended = pd.concat(new, ignore_index=True)
    ledger_path = pkg.root / pkg.resource(LEDGER)["path"]
    hashes_path = pkg.root / pkg.resource(HASHES)["path"]
    seals = origin_hashes(appended).assign(ledger=LEDGER)[["origin", "ledger", "rows", "sha256"]]
    old_seals = load(HASHES, data_dir)
    full = pd.concat([ledger.reindex(columns=columns), appended], ignore_index=True)
    write_atomically(ledger_path, _csv(full))
    write_atomically(hashes_path, _csv(pd.concat([old_seals, seals], ignore_index=True)))
    return len(new)


def _csv(frame: pd.DataFrame) -> str:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    return out.to_csv(index=False, float_format="%.6g", lineterminator="\n")


# --- settlement timing from base rates -------------------------------------------------------------

BASE_RATES = "settlement_base_rates"
#: Reference files (../shared/reference/base_rates/) the base-rate table is derived from.
COW_FILE = "cow_interstate_wars_v4.0.csv"
AGREEMENTS_FILE = "ucdp_peace_agreements_22.1.csv"
ELAPSED_GRID = range(0, 73)
CURVE_GRID = range(0, 132, 2)
BASE_RATE_SOURCES = {"cow": ("fc-cow-interstate-wars-v4", "2010-01-01"),
                     "ucdp_pa": ("fc-ucdp-peace-agreements-22-1", "2022-01-01")}


def _read_reference_csv(path: Path) -> pd.DataFrame:
    """A reference CSV through the kit's bounded reader (COW's file has old Mac line endings)."""
    import io

    from .data.limits import CSV_MAX_BYTES, read_bytes

    text = read_bytes(Path(path), CSV_MAX_BYTES, str(path)).decode("utf-8", errors="replace")
    return pd.read_csv(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")))


def build_base_rates(reference_dir: Path | str, n_boot: int = 200, seed: int = 0) -> pd.DataFrame:
    """The settlement base-rate table (`settlement_base_rates`' columns) derived from the COW
    inter-state wars and UCDP peace agreements files in `reference_dir` (the reference folder's
    `base_rates/`). Deterministic for a given seed."""
    from .analysis import forecast_settlement as settle

    folder = Path(reference_dir)
    wars = settle.cow_war_durations(_read_reference_csv(folder / COW_FILE))
    model = settle.duration_model(wars)
    cow_id, cow_published = BASE_RATE_SOURCES["cow"]
    rows = []
    conditional = settle.bootstrap_conditional(wars, list(ELAPSED_GRID), n_boot=n_boot, seed=seed)
    for r in conditional.itertuples(index=False):
        rows.append(("war_end_within", model.distribution, "COW inter-state wars 1816-2007", "",
                     r.elapsed_months, r.horizon_months, r.parametric, r.low, r.high, r.at_risk, cow_id))
        if not np.isnan(r.kaplan_meier):
            rows.append(("war_end_within", "kaplan_meier", "COW inter-state wars 1816-2007", "",
                         r.elapsed_months, r.horizon_months, r.kaplan_meier, None, None, r.at_risk, cow_id))
    for r in model.km.itertuples(index=False):
        rows.append(("survival", "kaplan_meier", "COW inter-state wars 1816-2007", "", r.months, None, r.survival,
                     r.low, r.high, r.at_risk, cow_id))
    for months in CURVE_GRID:
        rows.append(("survival", model.distribution, "COW inter-state wars 1816-2007", "", float(months), None,
                     float(model.survival(months)), None, None, int((model.durations >= months).sum()), cow_id))
    for min_months, sample in ((0, "COW inter-state wars 1816-2007"), (24, "COW inter-state wars lasting 24+ months")):
        for r in settle.how_wars_end(wars, min_months).itertuples(index=False):
            low, high = _wilson(r.wars, int(wars[wars["ended"] & (wars["months"] >= min_months)].shape[0]))
            rows.append(("war_outcome", "share", sample, r.outcome, float(min_months), None, r.share, low, high,
                         r.wars, cow_id))
    pa_id, _ = BASE_RATE_SOURCES["ucdp_pa"]
    breakdown = settle.agreement_breakdown(_read_reference_csv(folder / AGREEMENTS_FILE))
    for r in breakdown.itertuples(index=False):
        rows.append(("agreement_ended", "kaplan_meier", "UCDP peace agreements 1975-2021", r.agreements, None,
                     12 * r.years, r.ended_share, r.low, r.high, r.n, pa_id))
    table = pd.DataFrame(rows, columns=["measure", "method", "sample", "category", "elapsed_months", "horizon_months",
                                        "estimate", "low", "high", "n", "source_id"])
    published = {source: day for source, day in BASE_RATE_SOURCES.values()}
    table.insert(0, "published", pd.to_datetime(table["source_id"].map(published)))
    return table


def _wilson(successes: int, n: int, z: float = 1.6449) -> tuple[float, float]:
    """Wilson score interval (90 %) of a proportion."""
    if n == 0:
        return float("nan"), float("nan")
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(centre - half), float(centre + half)


def write_base_rates(reference_dir: Path | str, data_dir: Path | str | None = None) -> Path:
    """Derive the base-rate table from the reference files and write it (atomically) into the
    data package, replacing the previous derivation. Returns the path written."""
    pkg = package(data_dir)
    path = pkg.root / pkg.resource(BASE_RATES)["path"]
    write_atomically(path, _csv(build_base_rates(reference_dir)))
    return path
