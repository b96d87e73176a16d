"""Scenario engine: apply a scenario's assumptions to the data and run the topic analyses.

Pure functions (a `Baseline` carries a memo of results it already computed; see
`analysis_helpers.memo`). `prepare_baseline(tables, as_of)` does the work that depends only on the data
(control at `as_of`, the front model's forecast known then, stances at `as_of`); `run(scenario, baseline)`
applies one scenario and returns the long results table (`RESULT_COLUMNS`), so that changing a
scenario recomputes only what the scenario changes.

What each result means
    * Settlement date: `as_of` + `assumptions.settlement.months` (average months).
    * Settlement terms from a text (`settlement.proposal`, a `proposals` id): the text's line
      (`analysis.proposals.resolve_lines`) replaces the projected front, with its buffer zones as
      `buffer_km2`; the issues it codes settle at its positions (no interval). Issues it is
      silent on, or that no report covers, settle at the compromise prediction as without a text.
    * Territory (`occupied_km2`, `occupied_pct`, `occupied_population`, `buffer_km2`, `ukrainian_side_km2`): the
      Russian-held area of each region at `as_of` (step, as the map showed it), moved along the front
      model's forecast issued at the latest calibrated origin known at `as_of` (`analysis.forecasts`:
      a local linear trend after the last regime break, split-conformal calibrated, regions
      reconciled to the national series): `front.factor` x the model's median change over the
      months to the settlement (the scenario's stated shift of the model's mean) plus the model's
      own calibrated spread; then the scenario's per-region changes; each region kept within
      0..its area. Before the first calibrated forecast the front moves by `front.factor` x the
      region's change per month over the last `window_months` (the pace rule). Population on the
      Russian side is pre-war population pro rata to area: a drawn region's area has no geometry
      to place its towns in, so the settlement-level count (`analysis.population`, used for the
      texts' lines and the maps) cannot apply; it overstates people on Russia's side where the
      front stops short of a regional capital.
    * Needs (`needs_usd_bn`): `reconstruction.needs_at` gives the needs at `as_of` and at the
      settlement; the growth in between is scaled by `damage.factor`.
    * Funding (`funding_usd_bn`, `funding_gap_usd_bn`): `reconstruction.funding_gap` at the
      settlement date with the scenario's funding arguments; gap = needs - funding.
    * Settlement per issue (`settlement:<issue_id>` = compromise model, `settlement_<model>:<issue_id>`
      for the weighted median and expected-utility models), from `stances.predict_outcomes` on
      the stances at `as_of` changed by the scenario's actor and mediation assumptions.
    * How far apart the parties remain: `distance_ukraine:<issue_id>` / `distance_russia:<issue_id>`
      (distance of each party's position from the compromise outcome, 0-100 points) and
      `party_gap:<issue_id>` (`stances.party_gap`: distance between the two parties' 80% position
      intervals), with `*_mean` over issues.

Intervals (`low`, `high`: 10th and 90th percentiles, an 80% band; `band` says what it is)
    Each uncertain magnitude of the scenario ({value, low, high}) is drawn from a triangular
    distribution with its mode at `value`: an *assumption range*. The territory metrics add the
    front model's calibrated spread (a *calibrated predictive interval*, whose measured coverage
    `front_band_note` states; `band` = "calibrated predictive interval + assumption range" when
    the scenario also states ranges for timing, front shift or regions). The needs trend is drawn
    within the band of `needs_at` (triangular, mode on the central rate), a spread of plausible
    rates: an assumption range. Settlement outcomes carry `predict_outcomes`' Monte Carlo interval
    over the coded uncertainty of every stance and capability (an *input-noise band*; the
    expected-utility model on at most `expected_utility_draws` of them: it costs a hundred times
    more per draw). `value` is always the point result of the central assumptions (the model's
    median path for the front). A distance's interval is the range of distances from the party's
    position to any outcome in the outcome's interval. With `draws=0` there are no intervals
    (NaN, `band` empty). Quantities the scenario fixes (funding) have low = high = value.

Speed
    The baseline remembers the front's recent pace per window, the funding total per funding
    assumptions and the stance results per (actor and mediation assumptions, draws, seed), so a
    change of the settlement date, front, territory, damage or funding re-runs only the cheap
    vectorised parts; a change of actors or mediators re-runs the bargaining models (the
    expected-utility model dominates: see benchmarks/scenarios.py).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..conventions import DAYS_PER_MONTH, NATIONAL_ID, PARTIES, RUSSIA, AsOf, as_timestamp, cited_by
from ..data.scenarios import Scenario, as_range
from ..memo import Memo
from . import forecasts as front_model
from . import proposals, reconstruction, stances, territory

RESULT_COLUMNS = ["scenario", "metric", "value", "low", "high", "unit", "band"]
TABLES = ("territory_control", "regions", "stances", "actors", "issues", "reconstruction_assessments",
          "funding_sources", "proposal_provisions", "proposal_lines", "front_forecasts")
# What each band is (the `band` column): the three kinds of interval the kit prints.
ASSUMPTION_RANGE = "assumption range"
INPUT_NOISE_BAND = "input-noise band"
CALIBRATED_INTERVAL = "calibrated predictive interval"
CALIBRATED_WITH_ASSUMPTIONS = "calibrated predictive interval + assumption range"
NO_BAND = ""  # a fixed quantity (a gap between coded bands, a mean without a band) or a run without draws
TERRITORY_METRICS = ("occupied_km2", "buffer_km2", "ukrainian_side_km2", "occupied_pct", "occupied_population")
# Draws of the expected-utility model (a hundred times costlier per draw than the others): enough for
# a stable 80% interval in reports; the live builder uses fewer to stay interactive.
EXPECTED_UTILITY_DRAWS = 200
INTERVAL_QUANTILES = (0.1, 0.9)
DEFAULT_WINDOW_MONTHS = 12
SETTLEMENT_MODEL = "compromise"
FUNDING_ARGUMENTS = ("asset_share", "windfall_only", "donor_bn_per_year", "donor_years", "private_bn")
UNITS = {
    "settlement_months": "months", "occupied_km2": "km2", "buffer_km2": "km2", "ukrainian_side_km2": "km2",
    "occupied_pct": "%",
    "occupied_population": "persons (pre-war)", "needs_usd_bn": reconstruction.UNIT,
    "funding_usd_bn": reconstruction.UNIT, "funding_gap_usd_bn": reconstruction.UNIT,
}
POSITION_UNIT = "0-100"
MEMO_SIZE = 64
FRONT_STREAM = 22  # second key of the front model's own random stream (beside the run's seed)


@dataclass(frozen=True)
class Baseline:
    """What every scenario starts from: the data as of `as_of`."""

    as_of: pd.Timestamp
    regions: pd.DataFrame  # region_id, area_km2, population (regions only, no national row)
    occupied_km2: np.ndarray  # per region of `regions`, at as_of
    control: pd.DataFrame = field(repr=False)
    stances_wide: pd.DataFrame = field(repr=False)
    actors: pd.DataFrame = field(repr=False)
    issues: pd.DataFrame = field(repr=False)
    assessments: pd.DataFrame = field(repr=False)
    funding: pd.DataFrame = field(repr=False)
    proposal_provisions: pd.DataFrame = field(repr=False)
    proposal_lines: pd.DataFrame = field(repr=False)
    cited: tuple[str, ...] = ()  # source ids of the rows the baseline rests on (for captions)
    # The front model's forecast issued at the latest calibrated origin known at as_of (None before
    # the first one: the engine then falls back on the pace rule), the months from that origin to
    # as_of, and the measured coverage of its national 80 % intervals per horizon.
    front_paths: front_model.FrontPaths | None = field(default=None, repr=False)
    months_since_origin: float = 0.0
    front_coverage: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    # The parts of a run a scenario change may leave untouched, keyed by part and inputs (see
    # analysis_helpers.memo): memoising skips recomputing them and never changes a result.
    memo: Memo = field(default_factory=lambda: Memo(size=MEMO_SIZE), repr=False, compare=False)

    def memoised(self, part: str, key: str, compute):
        """`compute()`, remembered per (part, key): the results of one part for the same inputs."""
        return self.memo.get((part, key), compute)

    def front_rate(self, window_months: int) -> np.ndarray:
        """Change of occupied km² per month in each region over the `window_months` before as_of."""

        def per_month() -> np.ndarray:
            start = self.as_of - pd.DateOffset(months=window_months)
            change = territory.change_between(self.control, start, self.as_of).set_index("region_id")["change_km2"]
            return change.reindex(self.regions["region_id"]).fillna(0.0).to_numpy(float) / window_months

        return self.memoised("front_rate", str(window_months), per_month)


def prepare_baseline(tables: Mapping[str, pd.DataFrame], as_of: AsOf) -> Baseline:
    """The baseline from the tables `TABLES` at `as_of`, as `load(name, as_of=as_of)` returns them
    (only the rows known on that day: `scenarios.baseline_for` reads them so)."""
    missing = sorted(set(TABLES) - set(tables))
    if missing:
        raise KeyError(f"tables missing for the scenario engine: {', '.join(missing)}")
    as_of = as_timestamp(as_of)
    regions = tables["regions"].loc[lambda f: f["region_id"] != NATIONAL_ID,
                                    ["region_id", "area_km2", "population"]].reset_index(drop=True)
    control = tables["territory_control"]
    at = territory.control_at(control, as_of)
    used_control = control[control["date"].isin(at["observed"])]
    assessments = tables["reconstruction_assessments"]
    trend = reconstruction.trend_assessments(assessments)
    paths, issued = _front_paths(tables["front_forecasts"])
    cited = cited_by(used_control, stances.latest_stances(tables["stances"]),
                     trend if reconstruction.needs_estimable(assessments) else trend.iloc[:0],
                     tables["funding_sources"], issued)
    return Baseline(
        as_of=as_of, regions=regions,
        occupied_km2=at.set_index("region_id")["occupied_km2"].reindex(regions["region_id"]).fillna(0.0)
        .to_numpy(float),
        control=control, stances_wide=stances.stances_wide(tables["stances"]),
        actors=tables["actors"], issues=tables["issues"],
        assessments=assessments, funding=tables["funding_sources"], cited=tuple(cited),
        proposal_provisions=tables["proposal_provisions"], proposal_lines=tables["proposal_lines"],
        front_paths=paths,
        months_since_origin=0.0 if paths is None else max(0.0, (as_of - paths.origin).days / DAYS_PER_MONTH),
        front_coverage=front_model.measured_coverage(tables["front_forecasts"], front_model.monthly_levels(control),
                                                     scored_from=front_model.SCORED_FROM),
    )


def _front_paths(ledger: pd.DataFrame) -> tuple[front_model.FrontPaths | None, pd.DataFrame]:
    """The front model's paths from the latest calibrated origin of the ledger rows passed (those
    known at the baseline's date), and those rows; (None, no rows) when none is calibrated yet."""
    calibrated = ledger[ledger["calibrated"].astype(bool)]
    if calibrated.empty:
        return None, calibrated
    issued = calibrated[calibrated["origin"] == calibrated["origin"].max()]
    return front_model.FrontPaths.from_issued(issued), issued


def _draw(rng: np.random.Generator, magnitude, draws: int) -> tuple[float, np.ndarray]:
    """The central value of a magnitude and `draws` triangular draws over its range."""
    value, low, high = as_range(magnitude)
    if draws == 0 or low == high:
        return value, np.full(draws, value)
    return value, rng.triangular(low, value, high, draws)


def _interval(samples: np.ndarray, centre: float | None = None) -> tuple[float, float]:
    """The draws' 10th-90th percentile band, reaching out to `centre` when the central run lies
    outside it: a nonlinear model (clipping, expected-utility rounds) can put the run at central
    inputs beyond the draws' band, and a band that excludes its own central value reads as a
    contradiction (tests/test_forecast_bands.py checks every scenario and metric). No band (NaN) without
    draws, or for a metric not estimated at the baseline's date (needs before two RDNAs)."""
    if samples.size == 0 or np.isnan(samples).all():
        return np.nan, np.nan
    low, high = np.quantile(samples, INTERVAL_QUANTILES)
    if centre is not None:
        low, high = _enclosing(centre, low, high)
    return float(low), float(high)


def _enclosing(value: float, low: float, high: float) -> tuple[float, float]:
    """(low, high) widened to contain `value` (see `_interval`); NaN bounds stay NaN, and a value
    that is not a finite number leaves the band as it is."""
    if np.isnan(low) or np.isnan(high) or not np.isfinite(value):
        return low, high
    return min(low, value), max(high, value)


def settlement_date(as_of: AsOf, months: float) -> pd.Timestamp:
    """The date `months` average months after `as_of`."""
    return as_timestamp(as_of) + pd.Timedelta(days=float(months) * DAYS_PER_MONTH)


def _territory(scenario: Scenario, baseline: Baseline, months: np.ndarray, rng, draws: int, seed: int) -> np.ndarray:
    """Occupied km² per region at the settlement: row 0 central, rows 1.. the draws.

    With a calibrated front model known at as_of (`Baseline.front_paths`): each region's level at
    as_of, plus `front.factor` x the model's median change from as_of to the settlement, plus the
    model's calibrated spread at that horizon (a draw at a random probability per region, regions
    then shifted to sum to a national draw, as the model reconciles them). The factor is the
    scenario's stated shift of the model's mean; the spread is the model's. Before the first
    calibrated forecast: the pace rule (factor x the region's change per month over the last
    `window_months`), whose band is an assumption range only."""
    front = scenario.assumptions["front"]
    factor, factor_draws = _draw(rng, front["factor"], draws)
    factors = np.concatenate([[factor], factor_draws])
    area = baseline.regions["area_km2"].to_numpy(float)
    # A map's km² of a fully held region may exceed its official area (its coastal fringe): keep the map's figure.
    ceiling = np.maximum(area, baseline.occupied_km2)
    if baseline.front_paths is None:
        rate = baseline.front_rate(int(front.get("window_months", DEFAULT_WINDOW_MONTHS)))
        moved = (factors * months)[:, None] * rate[None, :]
    else:
        moved = _model_change(baseline, months, factors, seed)
    occupied = np.clip(baseline.occupied_km2 + moved, 0.0, ceiling)
    column = {rid: i for i, rid in enumerate(baseline.regions["region_id"])}
    for change in scenario.assumptions.get("territory", []):
        i = column[change["region_id"]]
        if "share" in change:
            share, share_draws = _draw(rng, change["share"], draws)
            occupied[:, i] = np.concatenate([[share], share_draws]) * area[i]
        else:
            km2, km2_draws = _draw(rng, change["change_km2"], draws)
            occupied[:, i] = occupied[:, i] + np.concatenate([[km2], km2_draws])
    return np.clip(occupied, 0.0, ceiling)


def _model_change(baseline: Baseline, months: np.ndarray, factors: np.ndarray, seed: int) -> np.ndarray:
    """Change of Russian-held km² per region (columns of `Baseline.regions`) from as_of to each
    row's settlement: factor x the model's median change over those months, plus the model's
    calibrated deviation from its median at a probability drawn per row and series (0.5 for the
    central row 0), regions reconciled to the national series within their bounds (a region can
    neither lose more than it holds nor gain more than its area). Regions the model keeps at their
    level do not move. The model's part depends on the months and the seed only, so a change of
    the front factor reuses it."""
    paths = baseline.front_paths
    assert paths is not None
    expected, deviation, widths = baseline.memoised(
        "front_model", f"{seed}:{hashlib.sha1(months.tobytes()).hexdigest()}",
        lambda: _model_parts(paths, baseline.months_since_origin, months, seed))
    change = dict(zip(paths.series, factors[None, :] * expected + deviation, strict=True))
    if NATIONAL_ID in change and len(change) > 1:
        change = front_model.reconcile(change, widths, baseline.memoised("front_bounds", "", lambda: _bounds(baseline)))
    moved = np.zeros((len(months), len(baseline.regions)))
    for j, region_id in enumerate(baseline.regions["region_id"]):
        if region_id in change:
            moved[:, j] = change[region_id]
    return moved


def _model_parts(paths: front_model.FrontPaths, start: float, months: np.ndarray,
                 seed: int) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    """(the model's median change from as_of, the calibrated deviation from that median at a
    probability drawn per series and row, each series' 95 % width at the central months), series x rows."""
    median = paths.median_change(np.concatenate([[start], start + months]))
    # A generator of its own: the draws of the model's spread do not depend on what else the scenario draws.
    probabilities = np.random.default_rng([seed, FRONT_STREAM]).uniform(size=(len(paths.series), len(months)))
    probabilities[:, 0] = 0.5
    deviation = paths.change_at(start + months, probabilities) - median[:, 1:]
    widths = np.ptp(paths.change_quantiles([start + months[0]])[:, 0, [0, -1]], axis=1)
    return median[:, 1:] - median[:, :1], deviation, dict(zip(paths.series, widths, strict=True))


def _bounds(baseline: Baseline) -> dict[str, tuple[float, float]]:
    """Per region, the least and most change of its Russian-held km² from as_of (0..its area)."""
    held = baseline.occupied_km2
    room = np.maximum(baseline.regions["area_km2"].to_numpy(float), held)
    return {r: (-h, top - h) for r, h, top in zip(baseline.regions["region_id"], held, room, strict=True)}


def band_kinds(scenario: Scenario, baseline: Baseline, terms: ProposalTerms | None = None) -> dict[str, str]:
    """What the band of each non-stance metric is (the `band` column): the territory metrics carry
    the front model's calibrated predictive interval, widened by the scenario's assumption ranges
    (settlement time, front shift, region changes) when it states any, or an assumption range only
    before the model exists or when a text's line fixes them (`terms`: the scenario's
    `proposal_terms`); the rest are assumption ranges."""
    assumptions = scenario.assumptions
    ranged = [assumptions["settlement"]["months"], assumptions["front"]["factor"],
              *(change.get("share", change.get("change_km2")) for change in assumptions.get("territory", []))]
    widened = any(low < high for _, low, high in map(as_range, ranged))
    line_fixed = terms is not None and terms.russian_share is not None
    if baseline.front_paths is None or line_fixed:
        territory_band = ASSUMPTION_RANGE
    else:
        territory_band = CALIBRATED_WITH_ASSUMPTIONS if widened else CALIBRATED_INTERVAL
    return {metric: territory_band if metric in TERRITORY_METRICS else ASSUMPTION_RANGE for metric in UNITS}


def front_band_note(baseline: Baseline, months: float | None = None, level: float = 0.8) -> str:
    """One sentence on the front part of the territory bands: the model's calibrated interval
    with its measured coverage (at the scored horizon nearest `months` from as_of, or at 1, 3, 6
    and 12 months when `months` is None), or why there is none."""
    paths = baseline.front_paths
    if paths is None:
        return ("No calibrated front forecast was known on this date: the front moves by each scenario's factor x "
                "the recent pace, and its band is an assumption range only.")
    coverage = baseline.front_coverage.set_index("horizon_months")
    note = (f"Front: the model's forecast issued {paths.origin:%d %B %Y}, its median change shifted by each "
            f"scenario's factor; the model's {level:.0%} band is a calibrated predictive interval")
    if months is None:
        shown = coverage.reindex([h for h in (1, 3, 6, 12) if h in coverage.index])
        if not shown.empty:
            held = ", ".join(f"{row.coverage:.0%} of {int(row.outcomes)} at {h} months" for h, row in shown.iterrows())
            note += f" (past outcomes held: {held})"
        note += f"; beyond {paths.measured_up_to:.0f} months its spread is extrapolated, with no measured coverage"
        return note + "."
    horizon = baseline.months_since_origin + months
    measured = front_coverage_near(baseline, months)
    if measured is not None:
        nearest, covered, outcomes = measured
        note += f" (held {covered:.0%} of {outcomes} past outcomes {nearest} months ahead)"
    if horizon > paths.measured_up_to:
        note += f"; beyond {paths.measured_up_to:.0f} months its spread is extrapolated, with no measured coverage"
    return note + "."


def front_coverage_near(baseline: Baseline, months: float) -> tuple[int, float, int] | None:
    """The front model's measured 80 % coverage at the scored horizon nearest to a settlement
    `months` after as_of (counted from the forecast's origin, capped at the horizons measured):
    (horizon in months, coverage, outcomes); None without a calibrated forecast or a measurement."""
    paths, coverage = baseline.front_paths, baseline.front_coverage
    if paths is None or coverage.empty:
        return None
    coverage = coverage.set_index("horizon_months")
    horizon = min(baseline.months_since_origin + months, paths.measured_up_to)
    nearest = coverage.index[np.abs(coverage.index.to_numpy() - horizon).argmin()]
    return int(nearest), float(coverage.loc[nearest, "coverage"]), int(coverage.loc[nearest, "outcomes"])


def national_front(scenario: Scenario, baseline: Baseline, draws: int = 1000, seed: int = 0) -> tuple[float, float, float]:
    """Russian-held km² nationally at the scenario's settlement as `run` computes it before a
    text's line replaces it (same draws for the same seed): central value and 80 % band."""
    rng = np.random.default_rng(seed)
    months, month_draws = _draw(rng, scenario.assumptions["settlement"]["months"], draws)
    total = _territory(scenario, baseline, np.concatenate([[months], month_draws]), rng, draws, seed).sum(axis=1)
    return (float(total[0]), *_interval(total[1:], float(total[0])))


def _needs(scenario: Scenario, baseline: Baseline, months: np.ndarray, rng, draws: int) -> np.ndarray:
    """Needs (USD bn) at the settlement: [central, *draws]."""
    damage, damage_draws = _draw(rng, scenario.assumptions["damage"]["factor"], draws)
    # needs_at on a monthly grid, interpolated: exact after the latest RDNA (a straight line),
    # within rounding of a month before it; a thousand dates one by one would cost far more.
    grid = np.arange(0.0, np.ceil(months.max()) + 1.0)
    # The path depends only on the baseline and the grid's length: a sensitivity run asks for it
    # hundreds of times with the same few lengths.
    path = baseline.memoised("needs_path", str(len(grid)), lambda: reconstruction.needs_at(
        baseline.assessments, [settlement_date(baseline.as_of, m) for m in grid])[["value", "low", "high"]]
        .to_numpy(float))
    value, low, high = (np.interp(months, grid, path[:, c]) for c in range(3))
    start_value, start_low, start_high = path[0]
    # Where in the band of needs_at each draw's trend lies: -1 lowest rate, 0 central, 1 highest.
    position = np.concatenate([[0.0], rng.triangular(-1.0, 0.0, 1.0, draws) if draws else []])
    up = position > 0
    at_start = start_value + position * np.where(up, start_high - start_value, start_value - start_low)
    at_settlement = value + position * np.where(up, high - value, value - low)
    factors = np.concatenate([[damage], damage_draws])
    return at_start + factors * (at_settlement - at_start)


def apply_to_stances(scenario: Scenario, baseline: Baseline) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(stances_wide, actors) with the scenario's actor and mediation assumptions applied."""
    wide, actor_table = baseline.stances_wide, baseline.actors
    for change in scenario.assumptions.get("actors", []):
        what_if = stances.WhatIf(scenario.name, change["actor_id"],
                                 capability_factor=change.get("capability_factor", 1.0),
                                 salience=change.get("salience"), position_shift=change.get("position_shift", 0.0))
        wide, actor_table = stances.apply_what_if(wide, actor_table, what_if)
        for issue_id, position in change.get("positions", {}).items():
            wide, actor_table = stances.set_stance(wide, actor_table, change["actor_id"], issue_id, position=position)
    mediation = scenario.assumptions.get("mediation")
    if mediation:
        for mediator in mediation["mediators"]:
            what_if = stances.WhatIf(scenario.name, mediator, capability_factor=mediation.get("capability_factor", 1.0),
                                     salience=mediation["salience"])
            wide, actor_table = stances.apply_what_if(wide, actor_table, what_if)
    return wide, actor_table


def _distance_interval(position: float, low: float, high: float) -> tuple[float, float]:
    """Least and greatest distance from `position` to a point of [low, high]."""
    if np.isnan(low) or np.isnan(high) or np.isnan(position):
        return np.nan, np.nan
    nearest = 0.0 if low <= position <= high else min(abs(position - low), abs(position - high))
    return nearest, max(abs(position - low), abs(position - high))


@dataclass(frozen=True)
class ProposalTerms:
    """A named text's terms: its coded positions and, if it draws one, its line (shares per region
    of `Baseline.regions`, on Russia's side and in a buffer zone)."""

    proposal_id: str
    positions: dict[str, float]
    russian_share: np.ndarray | None
    buffer_share: np.ndarray | None


def not_runnable_reason(scenario: Scenario, baseline: Baseline) -> str:
    """Why `scenario` cannot run on `baseline` ("" when it can): it takes the terms of a text
    that was not known on the baseline's date."""
    proposal_id = scenario.assumptions["settlement"].get("proposal")
    if proposal_id is None or (baseline.proposal_provisions["proposal_id"] == proposal_id).any() or (
            baseline.proposal_lines["proposal_id"] == proposal_id).any():
        return ""
    return f"it takes the terms of the text {proposal_id!r}, which was not known on {baseline.as_of:%d %B %Y}"


def proposal_terms(scenario: Scenario, baseline: Baseline) -> ProposalTerms | None:
    """The terms of the text `settlement.proposal` names (None when it names none); ValueError
    when that text was not known on the baseline's date."""
    proposal_id = scenario.assumptions["settlement"].get("proposal")
    if proposal_id is None:
        return None
    reason = not_runnable_reason(scenario, baseline)
    if reason:
        raise ValueError(f"scenario {scenario.name!r} cannot run: {reason}")
    provisions = baseline.proposal_provisions
    coded = provisions[(provisions["proposal_id"] == proposal_id) & provisions["position"].notna()]
    lines = baseline.proposal_lines[baseline.proposal_lines["proposal_id"] == proposal_id]
    russian = buffer = None
    if not lines.empty:
        resolved = proposals.resolve_lines(lines, baseline.control, baseline.regions).set_index("region_id")
        russian = resolved["russian_share"].reindex(baseline.regions["region_id"]).to_numpy(float)
        buffer = resolved["buffer_share"].reindex(baseline.regions["region_id"]).to_numpy(float)
    return ProposalTerms(proposal_id, dict(zip(coded["issue_id"], coded["position"].astype(float), strict=True)),
                         russian, buffer)


def _stance_rows(scenario: Scenario, baseline: Baseline, draws: int, seed: int,
                 expected_utility_draws: int, fixed_positions: Mapping[str, float]) -> list[tuple]:
    """Model outcomes, the settlement per issue and each party's distance from it. An issue whose
    position a named text fixes settles there (its compromise prediction is kept as
    `settlement_compromise:<issue_id>`); the others settle at the compromise prediction."""
    wide, actor_table = apply_to_stances(scenario, baseline)
    outcomes = stances.predict_outcomes(wide, actor_table, draws=draws, seed=seed,
                                        expected_utility_draws=min(draws, expected_utility_draws))
    gaps = stances.party_gap(wide).set_index("issue_id")
    rows = []
    for outcome in outcomes.itertuples(index=False):
        settles_here = outcome.model == SETTLEMENT_MODEL and outcome.issue_id not in fixed_positions
        name = "settlement" if settles_here else f"settlement_{outcome.model}"
        rows.append((f"{name}:{outcome.issue_id}", outcome.outcome,
                     *_enclosing(outcome.outcome, outcome.low, outcome.high), POSITION_UNIT, INPUT_NOISE_BAND))
    settled = outcomes[outcomes["model"] == SETTLEMENT_MODEL].set_index("issue_id")[["outcome", "low", "high"]]
    settled["low"] = np.minimum(settled["low"], settled["outcome"])
    settled["high"] = np.maximum(settled["high"], settled["outcome"])
    for issue_id, position in fixed_positions.items():
        rows.append((f"settlement:{issue_id}", position, position, position, POSITION_UNIT, ASSUMPTION_RANGE))
        if issue_id in settled.index:
            settled.loc[issue_id] = (position, position, position)
    distances: dict[str, list[float]] = {party: [] for party in PARTIES}
    for issue_id, outcome in settled.iterrows():
        for party in PARTIES:
            position = gaps.loc[issue_id, f"{party}_position"]
            distance = abs(position - outcome["outcome"])
            distances[party].append(distance)
            rows.append((f"distance_{party}:{issue_id}", distance,
                         *_distance_interval(position, outcome["low"], outcome["high"]), POSITION_UNIT,
                         INPUT_NOISE_BAND))
        gap = gaps.loc[issue_id, "gap"]
        rows.append((f"party_gap:{issue_id}", gap, gap, gap, POSITION_UNIT, NO_BAND))
    for party, values in distances.items():
        rows.append((f"distance_{party}_mean", _mean_of_known(values), np.nan, np.nan, POSITION_UNIT, NO_BAND))
    mean_gap = _mean_of_known(gaps["gap"])
    rows.append(("party_gap_mean", mean_gap, mean_gap, mean_gap, POSITION_UNIT, NO_BAND))
    return rows


def _mean_of_known(values) -> float:
    """Mean of the values that are not NaN; NaN (without a warning) when none is, e.g. on a date
    before both parties had a coded stance on any issue."""
    known = np.asarray(values, dtype=float)
    known = known[~np.isnan(known)]
    return float(known.mean()) if known.size else np.nan


def run(scenario: Scenario, baseline: Baseline, draws: int = 1000, seed: int = 0,
        expected_utility_draws: int = EXPECTED_UTILITY_DRAWS) -> pd.DataFrame:
    """The scenario's results: one row per metric, columns `RESULT_COLUMNS` (see module doc)."""
    if draws < 0:
        raise ValueError(f"draws must be 0 or more, not {draws}")
    rng = np.random.default_rng(seed)
    months, month_draws = _draw(rng, scenario.assumptions["settlement"]["months"], draws)
    all_months = np.concatenate([[months], month_draws])
    settled = settlement_date(baseline.as_of, months)

    occupied = _territory(scenario, baseline, all_months, rng, draws, seed)
    area = baseline.regions["area_km2"].to_numpy(float)
    terms = proposal_terms(scenario, baseline)
    buffer = np.zeros_like(occupied)
    if terms is not None and terms.russian_share is not None:
        # The named text's line replaces the projected front (the data checks forbid territory changes then).
        occupied = np.broadcast_to(terms.russian_share * area, occupied.shape).copy()
        buffer = np.broadcast_to(terms.buffer_share * area, occupied.shape).copy()
    density = baseline.regions["population"].to_numpy(float) / area
    occupied_total = occupied.sum(axis=1)
    buffer_total = buffer.sum(axis=1)
    funding_arguments = {k: v for k, v in scenario.assumptions["funding"].items() if k in FUNDING_ARGUMENTS}
    if baseline.memoised("needs_estimable", "", lambda: reconstruction.needs_estimable(baseline.assessments)):
        needs = _needs(scenario, baseline, all_months, rng, draws)
        total_funding = baseline.memoised("funding", repr(sorted(funding_arguments.items())), lambda: float(
            reconstruction.funding_gap(baseline.assessments, baseline.funding, settled, **funding_arguments)
            .set_index("quantity").loc["total_funding", "value"]))
    else:  # before the second RDNA there is no needs trend, hence no needs, funding horizon or gap
        needs, total_funding = np.full(draws + 1, np.nan), np.nan

    sampled = {
        "settlement_months": all_months,
        "occupied_km2": occupied_total,
        "buffer_km2": buffer_total,
        "ukrainian_side_km2": area.sum() - occupied_total - buffer_total,
        "occupied_pct": 100 * occupied_total / area.sum(),
        "occupied_population": occupied @ density,
        "needs_usd_bn": needs,
        "funding_usd_bn": np.full(draws + 1, total_funding),
        "funding_gap_usd_bn": needs - total_funding,
    }
    kinds = band_kinds(scenario, baseline, terms)
    rows = [(metric, float(values[0]), *_interval(values[1:], float(values[0])), UNITS[metric], kinds[metric])
            for metric, values in sampled.items()]
    fixed_positions = terms.positions if terms is not None else {}
    stance_inputs = json.dumps([scenario.assumptions.get("actors"), scenario.assumptions.get("mediation"), draws, seed,
                                expected_utility_draws, fixed_positions], sort_keys=True)
    rows += baseline.memoised("stances", stance_inputs,
                              lambda: _stance_rows(scenario, baseline, draws, seed, expected_utility_draws,
                                                   fixed_positions))
    table = pd.DataFrame(rows, columns=RESULT_COLUMNS[1:])
    table.loc[table["low"].isna(), "band"] = NO_BAND
    table.insert(0, "scenario", scenario.name)
    return table


CUSTOM = "custom"
CUSTOM_TITLE = "Custom scenario"


def _with_value(magnitude, value: float, floor: float | None = None) -> dict[str, float]:
    """`magnitude` moved to `value`, keeping the width of its range on either side."""
    central, low, high = as_range(magnitude)
    low, high = low + value - central, high + value - central
    if floor is not None:
        low, high = max(low, floor), max(high, floor)
    return {"value": float(value), "low": float(min(low, value)), "high": float(max(high, value))}


def custom_scenario(start: Scenario, months: float, front_factor: float, damage_factor: float,
                    asset_share: float, russia_capability: float, mediators: tuple[str, ...],
                    mediation_salience: float) -> Scenario:
    """`start` with these values in place of its own (the rest of its assumptions kept): the
    scenario of the custom-scenario builder."""
    assumptions = copy.deepcopy(start.assumptions)
    reason = "Set in the custom-scenario builder."
    assumptions["settlement"] = {"months": _with_value(assumptions["settlement"]["months"], months, 0.0),
                                 "reasoning": reason}
    assumptions["front"] = {**assumptions["front"], "factor": _with_value(assumptions["front"]["factor"], front_factor),
                            "reasoning": reason}
    assumptions["damage"] = {"factor": _with_value(assumptions["damage"]["factor"], damage_factor, 0.0),
                             "reasoning": reason}
    assumptions["funding"] = {**assumptions["funding"], "asset_share": asset_share,
                              "windfall_only": asset_share == 0, "reasoning": reason}
    others = [change for change in assumptions.get("actors", []) if change["actor_id"] != RUSSIA]
    russia = next((c for c in assumptions.get("actors", []) if c["actor_id"] == RUSSIA), {"actor_id": RUSSIA})
    assumptions["actors"] = [*others, {**russia, "capability_factor": russia_capability, "reasoning": reason}]
    if mediators:
        assumptions["mediation"] = {"mediators": list(mediators), "salience": mediation_salience,
                                    "capability_factor": assumptions.get("mediation", {}).get("capability_factor", 1.0),
                                    "reasoning": reason}
    else:
        assumptions.pop("mediation", None)
    return Scenario(name=CUSTOM, title=CUSTOM_TITLE, narrative=f"Built from {start.title}.",
                    written=dt.date.today(), assumptions=assumptions)


def compare(results: pd.DataFrame, reference: str) -> pd.DataFrame:
    """Each scenario's value minus the `reference` scenario's, per metric (`difference` column)."""
    base = results[results["scenario"] == reference].set_index("metric")["value"]
    return results.assign(difference=results["value"] - results["metric"].map(base))


def assumption_table(scenario: Scenario) -> pd.DataFrame:
    """The scenario's assumptions one per row: `assumption`, `value`, `low`, `high`, `reasoning`, `source_id`."""
    rows = []
    for key, section in scenario.assumptions.items():
        items = section if isinstance(section, list) else [section]
        for item in items:
            label = key + "".join(f" {item[k]}" for k in ("region_id", "actor_id") if k in item)
            for name, magnitude in item.items():
                if name in ("reasoning", "source_id", "region_id", "actor_id"):
                    continue
                if isinstance(magnitude, (int, float, dict)) and not isinstance(magnitude, bool) and (
                        not isinstance(magnitude, dict) or "value" in magnitude):
                    value, low, high = as_range(magnitude)
                else:
                    value = low = high = np.nan
                    name = f"{name}: {magnitude if not isinstance(magnitude, list) else ', '.join(magnitude)}"
                rows.append({"assumption": f"{label} · {name}", "value": value, "low": low, "high": high,
                             "reasoning": " ".join(item["reasoning"].split()), "source_id": item.get("source_id", "")})
    return pd.DataFrame(rows, columns=["assumption", "value", "low", "high", "reasoning", "source_id"])
