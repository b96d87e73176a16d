"""Forecasts the kit issues, and their track record (method: `analysis.forecasts`: front model, then settlement timing).

    >>> from analysis_helpers import forecasts
    >>> fan = forecasts.issued_fan("2026-08-22")                # the forecast the ledger issued, per region
    >>> scores, pit, cited = forecasts.front_track_record()     # how the issued forecasts fared
    >>> forecasts.settlement_probability("2026-08-22", [12])    # base rate, conditional on months elapsed
    >>> issued, scores = forecasts.front_backtest()             # re-run every monthly origin (minutes)

Every origin reads the past one way, `load(name, as_of=origin)`: the territory rows, the regime
breaks and the forecasts already issued (whose resolved errors calibrate the next ones).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .analysis import forecasts as front
from .analysis import scoring
from .conventions import DAYS_PER_MONTH, NATIONAL_ID, AsOf, as_timestamp
from .data import first_known, load, package, resolve_as_of
from .data.forecasts import HASHES, origin_hashes
from .figures.forecasts import (
    fan_chart,
    not_issued_message,
    nothing_resolved_message,
    pit_histogram,
    reliability_diagram,
    survival_chart,
)
from .paths import write_atomically

__all__ = ["BACKTEST_FROM", "ISSUE_FROM", "append_binary_origins", "append_front_origins", "binary_rows",
           "binary_track_record", "build_base_rates", "crowd_points", "crowd_table", "endings_table", "fan_chart",
           "first_calibrated", "front_backtest", "front_track_record", "interval_coverage", "issue_front",
           "issued_fan", "issued_rows", "monthly_history", "not_issued_message", "nothing_resolved_message",
           "origins", "outlook_table", "pit_histogram", "reliability_diagram", "resolve_questions",
           "scenario_fronts", "scenario_timing", "seal_new_origins", "settlement_probability", "survival_chart",
           "war_is_on", "war_start", "write_base_rates"]

#: Scored origins start here (the issue's rolling-origin backtest); earlier origins only warm up
#: the calibration pool (their forecasts are issued but uncalibrated).
BACKTEST_FROM = front.SCORED_FROM
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
    """Ledger rows (one per modelled region and horizon) of the forecast issued at `origin`; regions
    the model keeps at their level (no movement in the fitting window) are left out."""
    table = table[table["moving"].astype(bool)]
    out = front.quantile_table(table) if calibrated else table.drop(columns="draws", errors="ignore")
    out.insert(0, "origin", origin)
    out["calibrated"] = calibrated
    return out


def front_backtest(start: AsOf = ISSUE_FROM, end: AsOf = None, data_dir: Path | str | None = None,
                   draws: int = front.DRAWS, fit: front.TrendFit = front.local_linear_trend,
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(issued forecasts at every monthly origin from `start`, national scores per horizon over
    the origins from `BACKTEST_FROM`). Each origin sees only the data and forecasts of its day;
    origins whose pool is still too small issue the uncalibrated model (they warm up the pool).
    `fit`: the trend model (a challenger is calibrated on its own earlier errors, as the kit's is)."""
    issued = pd.DataFrame()
    national = []
    for origin in origins(start, end, data_dir):
        day = as_timestamp(origin)
        control = load("territory_control", data_dir, as_of=day)
        breaks = load("front_breaks", data_dir, as_of=day)
        model = front.model_forecast(control, breaks, day, fit=fit)
        try:
            errors = front.standardised_errors(issued, front.monthly_levels(control)) if len(issued) else None
            if errors is None:
                raise front.ForecastError("no earlier forecast")
            table = front.calibrated_draws(model, errors, draws=draws)
            calibrated = True
        except front.ForecastError:
            table = model.frame
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
    new: list[pd.DataFrame] = []
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
    full = pd.concat([ledger.reindex(columns=columns), *new], ignore_index=True)
    write_atomically(pkg.root / pkg.resource(LEDGER)["path"], _csv(full))
    seal_new_origins(LEDGER, data_dir)
    return len(new)


def seal_new_origins(ledger_name: str, data_dir: Path | str | None = None) -> int:
    """Record the hash of every origin of `ledger_name` that has none yet, computed from the rows
    as read back from the file (so the seal is of what was written). Returns the origins sealed."""
    pkg = package(data_dir)
    seals = load(HASHES, data_dir)
    sealed = set(seals.loc[seals["ledger"] == ledger_name, "origin"])
    ledger = load(ledger_name, data_dir)
    unsealed = ledger[~ledger["origin"].isin(sealed)]
    fresh = origin_hashes(unsealed).assign(ledger=ledger_name)
    if fresh.empty:
        return 0
    fresh["source_id"] = fresh["origin"].map(unsealed.groupby("origin")["source_id"].first())
    table = pd.concat([seals, fresh[["origin", "ledger", "rows", "sha256", "source_id"]]], ignore_index=True)
    write_atomically(pkg.root / pkg.resource(HASHES)["path"], _csv(table.sort_values(["ledger", "origin"])))
    return len(fresh)


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
    from .analysis import forecasts as settle

    folder = Path(reference_dir)
    wars = settle.cow_war_durations(_read_reference_csv(folder / COW_FILE))
    model = settle.duration_model(wars)
    cow_id, _cow_published = BASE_RATE_SOURCES["cow"]
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
    published = dict(BASE_RATE_SOURCES.values())
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


# --- yes/no ledger: will the war end within h months? -------------------------------------------

BINARY_HORIZONS = (3, 6, 12)
QUESTIONS = "forecast_questions"
BINARY = "binary_forecasts"
#: A month whose national change stays within this is "front still"; beyond it, combat went on.
STILL_KM2 = 10.0


def war_start(data_dir: Path | str | None = None) -> pd.Timestamp:
    """The start of the full-scale war: the `invasion` row of the regime breaks."""
    breaks = load("front_breaks", data_dir)
    return pd.Timestamp(breaks.loc[breaks["break_id"] == "invasion", "date"].iloc[0])


def settlement_probability(as_of: AsOf, horizons: Sequence[float], data_dir: Path | str | None = None) -> pd.DataFrame:
    """P(the war ends within each horizon | it has lasted until `as_of`) from the base-rate table
    known at `as_of` (parametric survival curve), beside the naive base rate (the share of all wars
    that ended within the horizon from their start, Kaplan-Meier) and the wars at risk."""
    from .analysis import forecasts as settle

    day = as_timestamp(resolve_as_of(as_of, data_dir, datasets=["territory_control"]))
    rates = load(BASE_RATES, data_dir, as_of=day)
    if rates.empty:
        raise front.ForecastError(f"no settlement base rate is known on {day:%Y-%m-%d}")
    elapsed = (day - war_start(data_dir)).days / settle.DAYS_PER_MONTH
    return settle.conditional_from_curves(rates, elapsed, horizons)


def issued_fan(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """The front forecast as issued at the latest ledger origin known at `as_of` (no refitting:
    the ledger row is the forecast). Empty (the ledger's columns, no rows) before the first
    calibrated origin: `first_calibrated` says when that came."""
    ledger = load(LEDGER, data_dir, as_of=as_of)
    ledger = ledger[ledger["calibrated"]]
    return ledger[ledger["origin"] == ledger["origin"].max()].reset_index(drop=True)


def first_calibrated(after: AsOf = None, data_dir: Path | str | None = None, scored: bool = False) -> pd.Timestamp:
    """The day the ledger's first calibrated front forecast (`scored`: the first one the track
    record scores, issued from `BACKTEST_FROM`) became known after `after`; NaT if none did."""
    def chosen(ledger: pd.DataFrame) -> pd.Series:
        return ledger["calibrated"] & ((ledger["origin"] >= BACKTEST_FROM) | (not scored))

    return first_known(LEDGER, data_dir, where=chosen, after=after)


def front_track_record(as_of: AsOf = None, data_dir: Path | str | None = None,
                       region_id: str = NATIONAL_ID) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """(scores per horizon, PIT values, cited source ids) of the ledger's calibrated forecasts
    issued from `BACKTEST_FROM` whose target month is observed at `as_of`; no rows, no values and
    no sources when none has resolved by then."""
    ledger = load(LEDGER, data_dir, as_of=as_of)
    ledger = ledger[ledger["origin"] >= BACKTEST_FROM]
    control = load("territory_control", data_dir, as_of=as_of)
    resolved = front.resolved_ledger(ledger, front.monthly_levels(control), region_id)
    if resolved.empty:
        return pd.DataFrame(columns=["horizon_months"]), np.array([]), []
    cited = sorted(set(resolved["source_id"]))
    return front.ledger_scores(resolved), front.ledger_pit(resolved), cited


def interval_coverage(scores: pd.DataFrame, horizon: int = 12) -> dict[float, tuple[float, int]]:
    """{level: (measured coverage, outcomes)} at one horizon of a track-record table."""
    row = scores[scores["horizon_months"] == horizon]
    if row.empty or "comparisons" not in row:
        return {}
    row = row.iloc[0]
    return {level: (float(row[f"coverage_{level:g}"]), int(row["comparisons"])) for level in front.INTERVALS}


def war_is_on(control: pd.DataFrame, month: pd.Timestamp) -> bool | None:
    """Did the front move in the month before `month` (|national change| > `STILL_KM2`) on the
    maps? None when either month's map is missing."""
    levels = front.monthly_levels(control)[NATIONAL_ID]
    previous = month - pd.DateOffset(months=1)
    if month not in levels.index or previous not in levels.index:
        return None
    return bool(abs(levels[month] - levels[previous]) > STILL_KM2)


def binary_rows(origin: pd.Timestamp, data_dir: Path | str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(questions, forecasts) the kit issues at `origin`: will the war end within 3, 6 and 12
    months? The kit's conditional probability and the naive base rate, from the base rates known then."""
    outlook = settlement_probability(origin, BINARY_HORIZONS, data_dir)
    rates = load(BASE_RATES, data_dir, as_of=origin)
    cited = sorted(set(rates["source_id"]) & {BASE_RATE_SOURCES["cow"][0]})[0]
    questions, issued = [], []
    for row in outlook.itertuples(index=False):
        h = int(row.horizon_months)
        closes = (origin.to_period("M") + h).to_timestamp()
        question_id = f"war-ends-{h}m-from-{origin:%Y-%m}"
        questions.append({"question_id": question_id,
                          "wording": f"Will the Russia-Ukraine war have ended by {closes:%d %B %Y} ({h} months after "
                                     f"{origin:%d %B %Y})?",
                          "resolution_rule": ("Yes if sustained inter-state combat has stopped by the close date (COW's "
                                              "end of war). Resolved No when the national Russian-held area on the first "
                                              f"DeepState map of the close month differs by more than {STILL_KM2:g} km2 "
                                              "from the previous month's map (the front still moving); otherwise left "
                                              "for a reader to resolve from reporting."),
                          "opens": origin, "closes": closes, "source_id": cited})
        issued.append({"question_id": question_id, "origin": origin, "forecaster": "kit",
                       "probability": float(row.probability), "source_id": cited})
        issued.append({"question_id": question_id, "origin": origin, "forecaster": "base rate",
                       "probability": float(row.base_rate), "source_id": cited})
    return pd.DataFrame(questions), pd.DataFrame(issued)


def resolve_questions(questions: pd.DataFrame, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Fill `resolution` (0) and `resolution_source_id` of the kit's own questions whose close
    month's map shows the front still moving; other rows are returned unchanged."""
    control = load("territory_control", data_dir)
    national = control[control["region_id"] == NATIONAL_ID]
    out = questions.copy()
    for index, row in out.iterrows():
        if pd.notna(row.get("resolution")) or not str(row["question_id"]).startswith("war-ends-"):
            continue
        if war_is_on(control, row["closes"]):
            out.loc[index, "resolution"] = 0
            month_map = national[national["date"].dt.to_period("M") == row["closes"].to_period("M")]
            out.loc[index, "resolution_source_id"] = month_map.sort_values("date")["source_id"].iloc[0]
    return out


def binary_track_record(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Per forecaster: resolved questions, mean Brier and log score, and (for the kit) the Brier
    skill over the naive base rate on the same questions with a bootstrap interval over the
    question's close month (questions closing together share their outcome)."""
    from .analysis import scoring as scores_of

    questions = load(QUESTIONS, data_dir, as_of=as_of)
    issued = load(BINARY, data_dir, as_of=as_of)
    resolved = issued.merge(questions[["question_id", "resolution", "closes"]], on="question_id")
    resolved = resolved[resolved["resolution"].notna()]
    if as_of is not None:
        resolved = resolved[resolved["closes"] <= as_timestamp(as_of)]
    rows = []
    for forecaster, group in resolved.groupby("forecaster"):
        brier = scores_of.brier(group["probability"], group["resolution"])
        rows.append({"forecaster": forecaster, "questions": len(group), "brier": float(np.mean(brier)),
                     "log_score": float(np.mean(scores_of.log_score(group["probability"], group["resolution"])))})
    table = pd.DataFrame(rows)
    kit = resolved[resolved["forecaster"] == "kit"].set_index(["question_id", "origin"])
    base = resolved[resolved["forecaster"] == "base rate"].set_index(["question_id", "origin"])
    both = kit.join(base[["probability"]], rsuffix="_base", how="inner")
    if len(both) >= 2:
        skill = scores_of.paired_skill(scores_of.brier(both["probability"], both["resolution"]),
                                       scores_of.brier(both["probability_base"], both["resolution"]),
                                       clusters=both["closes"].dt.to_period("M").astype(str).to_numpy())
        table["skill_vs_base_rate"] = np.where(table["forecaster"] == "kit", skill.difference, np.nan)
        table["skill_low"] = np.where(table["forecaster"] == "kit", skill.lower, np.nan)
        table["skill_high"] = np.where(table["forecaster"] == "kit", skill.upper, np.nan)
    return table


def append_binary_origins(end: AsOf = None, data_dir: Path | str | None = None) -> int:
    """Issue the kit's yes/no forecasts at every front origin up to `end` not yet in the yes/no
    ledger, add the kit's probability on every crowd question at each crowd forecast's date,
    resolve what the maps resolve, and seal every unsealed origin (files written atomically).
    Returns the number of origins appended."""
    pkg = package(data_dir)
    questions, issued = load(QUESTIONS, data_dir), load(BINARY, data_dir)
    new_questions, new_rows = [], []
    for origin in origins(ISSUE_FROM, end, data_dir):
        if (issued["origin"] == origin).any():
            continue
        asked, answered = binary_rows(origin, data_dir)
        new_questions.append(asked[~asked["question_id"].isin(questions["question_id"])])
        new_rows.append(answered)
    crowd = issued[~issued["forecaster"].isin(["kit", "base rate"])]
    for row in crowd[["question_id", "origin"]].drop_duplicates().itertuples(index=False):
        if ((issued["question_id"] == row.question_id) & (issued["origin"] == row.origin)
                & (issued["forecaster"] == "kit")).any():
            continue
        closes = questions.loc[questions["question_id"] == row.question_id, "closes"].iloc[0]
        months = (closes - row.origin).days / DAYS_PER_MONTH
        outlook = settlement_probability(row.origin, [months], data_dir)
        new_rows.append(pd.DataFrame([{"question_id": row.question_id, "origin": row.origin, "forecaster": "kit",
                                       "probability": float(outlook["probability"].iloc[0]),
                                       "source_id": BASE_RATE_SOURCES["cow"][0]}]))
    if not new_rows:
        return 0
    all_questions = resolve_questions(pd.concat([questions, *new_questions], ignore_index=True), data_dir)
    all_rows = pd.concat([issued, *new_rows], ignore_index=True)
    q_columns = [f["name"] for f in pkg.schema(QUESTIONS)["fields"]]
    b_columns = [f["name"] for f in pkg.schema(BINARY)["fields"]]
    all_rows = all_rows.reindex(columns=b_columns)
    write_atomically(pkg.root / pkg.resource(QUESTIONS)["path"],
                     _csv(all_questions.reindex(columns=q_columns).astype({"resolution": "Int64"})))
    write_atomically(pkg.root / pkg.resource(BINARY)["path"], _csv(all_rows))
    seal_new_origins(BINARY, data_dir)
    return len(new_rows)


def scenario_timing(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Each scenario's settlement timing as a change to the base-rate hazard: the multiplier that
    makes its stated central settlement time the median (`implied_multiplier`), and P(no
    settlement within the scenario's stated high bound) under the base rate alone and under that
    multiplier. Every 'at the settlement' result of a scenario is conditional on a settlement
    happening, which this table says is not certain."""
    from .analysis import forecasts as settle
    from .data.scenarios import as_range
    from .scenarios import list_scenarios, load_scenario

    day = as_timestamp(as_of) if as_of is not None else origins(data_dir=data_dir)[-1]
    rows = []
    for name in list_scenarios(data_dir):
        months, _low, high = as_range(load_scenario(name, data_dir).assumptions["settlement"]["months"])
        outlook = settlement_probability(day, [months, high], data_dir)
        still_at_central, still_at_high = 1 - outlook["probability"].to_numpy(float)
        multiplier = settle.implied_multiplier(still_at_central)
        rows.append({"scenario": name, "central_months": months, "high_months": high,
                     "hazard_multiplier": multiplier,
                     "p_no_settlement_by_high_base_rate": still_at_high,
                     "p_no_settlement_by_high_scenario": still_at_high ** multiplier})
    return pd.DataFrame(rows)


# --- tables and points for the notebook ----------------------------------------------------------


def monthly_history(as_of: AsOf = None, data_dir: Path | str | None = None,
                    start: AsOf = "2022-04-01") -> pd.DataFrame:
    """Russian-held km² on the first map of each month known at `as_of`, long form (`month`,
    `region_id`, `occupied_km2`, `source_id`), from `start`."""
    control = load("territory_control", data_dir, as_of=as_of)
    levels = front.monthly_levels(control)
    long = levels.drop(columns="map_date").reset_index(names="month").melt(id_vars="month", var_name="region_id",
                                                                           value_name="occupied_km2")
    return long[long["month"] >= as_timestamp(start)].reset_index(drop=True)


def _crowd_rows(as_of: AsOf, data_dir: Path | str | None) -> pd.DataFrame:
    questions = load(QUESTIONS, data_dir, as_of=as_of)
    issued = load(BINARY, data_dir, as_of=as_of)
    crowd_questions = issued.loc[~issued["forecaster"].isin(["kit", "base rate"]), "question_id"].unique()
    rows = issued[issued["question_id"].isin(crowd_questions)]
    return rows.merge(questions, on="question_id", suffixes=("", "_question"))


def crowd_points(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Crowd forecasts as points on the survival chart: `closes_months` (the question's close,
    in months since the war began), `probability`, `label`, `source_id`."""
    rows = _crowd_rows(as_of, data_dir)
    rows = rows[~rows["forecaster"].isin(["kit", "base rate"])]
    start = war_start(data_dir)
    return pd.DataFrame({"closes_months": (rows["closes"] - start).dt.days / DAYS_PER_MONTH,
                         "probability": rows["probability"],
                         "label": rows["forecaster"] + ", " + rows["origin"].dt.strftime("%d %b %Y"),
                         "source_id": rows["source_id"]}).reset_index(drop=True)


def crowd_table(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Crowd and kit probabilities on the crowd questions, side by side per forecast date."""
    rows = _crowd_rows(as_of, data_dir)
    if rows.empty:
        return pd.DataFrame(columns=["question", "forecast date", "closes", "resolution"])
    wide = rows.pivot_table(index=["wording", "origin", "closes"], columns="forecaster", values="probability")
    resolution = rows.groupby("wording")["resolution"].first()
    wide = wide.reset_index().rename(columns={"wording": "question", "origin": "forecast date"})
    wide["resolution"] = wide["question"].map(resolution).map({0: "no", 1: "yes"})
    return wide


def outlook_table(as_of: AsOf = None, horizons: Sequence[float] = (3, 6, 12, 24, 36),
                  data_dir: Path | str | None = None) -> pd.DataFrame:
    """P(the war ends within h months | lasted until `as_of`): parametric with its bootstrap band,
    Kaplan-Meier, the naive base rate, and the wars at risk."""
    as_of = resolve_as_of(as_of, data_dir, datasets=["territory_control"])
    outlook = settlement_probability(as_of, horizons, data_dir)
    rates = load(BASE_RATES, data_dir, as_of=as_of)
    ended = rates[rates["measure"] == "war_end_within"]
    elapsed = round(float(outlook["elapsed_months"].iloc[0]))
    at = ended[ended["elapsed_months"] == elapsed]
    band = at[at["method"] != "kaplan_meier"].set_index("horizon_months")
    km = at[at["method"] == "kaplan_meier"].set_index("horizon_months")["estimate"]
    table = outlook.assign(horizon_months=outlook["horizon_months"].astype(int), elapsed_months=float(elapsed))
    # The table's rows are at whole months: the estimate beside its own band (same fit, same month).
    table["probability"] = table["horizon_months"].map(band["estimate"]).fillna(table["probability"])
    table["band_low"] = table["horizon_months"].map(band["low"])
    table["band_high"] = table["horizon_months"].map(band["high"])
    table["kaplan_meier"] = table["horizon_months"].map(km)
    return table.rename(columns={"probability": "P(ends within h), parametric",
                                 "band_low": "90% input-noise band, low", "band_high": "90% input-noise band, high",
                                 "kaplan_meier": "P(ends within h), Kaplan-Meier",
                                 "base_rate": "naive base rate (ignores months elapsed)", "at_risk": "wars that lasted as long"})


def endings_table(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """How wars ended and how agreements held, from the base-rate table."""
    rates = load(BASE_RATES, data_dir, as_of=as_of)
    rows = rates[rates["measure"].isin(["war_outcome", "agreement_ended"])]
    return rows[["measure", "sample", "category", "horizon_months", "estimate", "low", "high", "n"]].reset_index(drop=True)


def scenario_fronts(as_of: AsOf = None, data_dir: Path | str | None = None, draws: int = 1000) -> pd.DataFrame:
    """National Russian-held km² at each scenario's central settlement time as the scenario engine
    draws it from the front model (the scenario's front factor a stated shift of the model's
    median change): the model's part alone (central months and factor: median and 80 %
    calibrated predictive interval, with the coverage such intervals measured at the nearest
    scored horizon), then the band once the scenario's own assumption ranges (settlement time,
    factor, region changes) are drawn too. A scenario that names a text's line is marked: the
    engine replaces the front with that line. Empty before the first calibrated forecast."""
    from .analysis import scenarios as engine
    from .data.scenarios import as_range
    from .scenarios import baseline_for, load_scenario, runnable_scenarios

    baseline = baseline_for(as_of, data_dir)
    columns = ["scenario", "origin", "months", "factor", "held_at_as_of_km2", "median_km2", "low_80_km2",
               "high_80_km2", "coverage_80", "outcomes", "with_assumptions_low_km2", "with_assumptions_high_km2",
               "engine_adds"]
    paths = baseline.front_paths
    if paths is None:  # before the first calibrated forecast: nothing to restate the factors with
        return pd.DataFrame(columns=columns)
    rows = []
    for name, reason in runnable_scenarios(as_of, data_dir).items():
        if reason:
            continue
        scenario = load_scenario(name, data_dir)
        assumptions = scenario.assumptions
        months = as_range(assumptions["settlement"]["months"])[0]
        factor = as_range(assumptions["front"]["factor"])[0]
        central = dataclasses.replace(scenario, assumptions={
            **assumptions, "territory": [], "settlement": {**assumptions["settlement"], "months": months},
            "front": {**assumptions["front"], "factor": factor}})
        median, low, high = engine.national_front(central, baseline, draws)
        _, wide_low, wide_high = engine.national_front(scenario, baseline, draws)
        measured = engine.front_coverage_near(baseline, months)
        rows.append({"scenario": name, "origin": paths.origin, "months": months, "factor": factor,
                     "held_at_as_of_km2": float(baseline.occupied_km2.sum()), "median_km2": median,
                     "low_80_km2": low, "high_80_km2": high,
                     "coverage_80": measured[1] if measured is not None else np.nan,
                     "outcomes": measured[2] if measured is not None else 0,
                     "with_assumptions_low_km2": wide_low, "with_assumptions_high_km2": wide_high,
                     "engine_adds": ("text's line" if assumptions["settlement"].get("proposal")
                                     else ", ".join(k for k in ("territory",) if assumptions.get(k)))})
    return pd.DataFrame(rows, columns=columns)
