"""Are the models any good? Backtests on this war's data (method and limits: `analysis.model_checks`).

    >>> from analysis_helpers import model_checks
    >>> check = model_checks.position_check("mediated")      # or "party"; the target set is required
    >>> check.scores, check.skill                             # every table carries its target set
    >>> pace, pace_scores, sources = model_checks.pace_check("baseline")
    >>> reliability = model_checks.coding_reliability()     # the blind second coding: alpha, uncertainty

The figure builders for these results (and the sensitivity tornado) are re-exported from
`figures.model_checks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .analysis import capabilities as capability_rule
from .analysis import model_checks as checks
from .analysis import territory
from .conventions import NATIONAL_ID, as_timestamp
from .data import load
from .data.errors import DataValidationError, Problem
from .data.scenarios import as_range
from .data.second_coding import first_codes
from .figures.model_checks import pace_chart, second_coding_chart, skill_chart, tornado
from .scenarios import load_scenario
from .stances import capabilities as actor_capabilities

__all__ = ["CodingReliability", "PositionCheck", "capabilities_at_freezes", "coding_reliability", "freeze_schedule",
           "pace_chart", "pace_check", "position_check", "revised_stances", "second_coding_chart", "skill_chart",
           "tornado"]

SCHEDULE = "freeze_schedule"
MOMENTUM_MONTHS = 6


@dataclass(frozen=True)
class PositionCheck:
    """One estimand's backtest: what it scores (`target_set`, `description`), the scored pairs,
    scores per model and baseline, skill against each baseline, the freezes used, and the
    capability each actor had at each freeze (`capabilities_at_freezes`)."""

    target_set: str
    description: str
    pairs: pd.DataFrame
    scores: pd.DataFrame
    skill: pd.DataFrame
    freezes: list[pd.Timestamp]
    capabilities: pd.DataFrame


def freeze_schedule(data_dir: Path | str | None = None) -> list[pd.Timestamp]:
    """The written freeze schedule (`data/model_checks/freeze_schedule.csv`), in date order."""
    return sorted(load(SCHEDULE, data_dir)["freeze"])


def _front_change(freezes: list[pd.Timestamp], data_dir) -> dict[pd.Timestamp, float]:
    """Change of Russian-held area over the six months before each freeze, from the maps known then."""
    changes = {}
    for freeze in freezes:
        control = load("territory_control", data_dir, as_of=freeze)
        national = control[control["region_id"] == NATIONAL_ID]
        if national.empty:
            changes[freeze] = 0.0
            continue
        start = freeze - pd.DateOffset(months=MOMENTUM_MONTHS)
        now = float(territory.control_at(national, freeze)["occupied_km2"].iloc[0])
        before = territory.control_at(national, start)["occupied_km2"]
        changes[freeze] = now - float(before.iloc[0]) if len(before) and pd.notna(before.iloc[0]) else 0.0
    return changes


def capabilities_at_freezes(freezes: list[pd.Timestamp], data_dir: Path | str | None = None) -> pd.DataFrame:
    """Per freeze, each actor's capability from the figures released by then (`load("capabilities",
    as_of=freeze)`; rule: `analysis.capabilities`), with a `freeze` column first."""
    tables = [actor_capabilities(freeze, data_dir).assign(freeze=freeze) for freeze in freezes]
    columns = ["freeze", *capability_rule.CAPABILITY_COLUMNS]
    return pd.concat(tables, ignore_index=True)[columns] if tables else pd.DataFrame(columns=columns)


def position_check(target_set: str, draws: int = 400, seed: int = 0, expected_utility_draws: int = 100,
                   until: str | None = None, dated_capabilities: bool = True, revise_uncertainty: bool = True,
                   data_dir: Path | str | None = None) -> PositionCheck:
    """The bargaining models and the target set's baselines, each (target, issue) pair scored once
    from the latest scheduled freeze before it on the data known at that freeze.

    `target_set`: "party", "mediated" or "accepted" (`analysis.model_checks.TARGET_SETS`; no
    default and no fallback). `until`: score only targets dated on or before it (default: all).
    `revise_uncertainty`: raise the stances' coded uncertainty to the floors the blind second coding
    sets (`coding_reliability().floors`, CODEBOOK section 13) before drawing the coding noise.
    Raises ValueError for an unknown target set, DataValidationError when the set has no coded
    target or `until` lies before the first freeze. `dated_capabilities` False gives every freeze
    today's actors table instead of the capabilities known then (only to measure the difference:
    `benchmarks/model_checks_inputs.py`)."""
    checks.check_target_set(target_set)
    schedule = freeze_schedule(data_dir)
    stances = load("stances", data_dir)
    table = checks.targets(target_set, load("proposals", data_dir), load("proposal_provisions", data_dir), stances)
    if until is not None:
        if as_timestamp(until) <= schedule[0]:
            raise DataValidationError([Problem("data/model_checks/freeze_schedule.csv", None, "until",
                                               f"lies on or before the first freeze ({schedule[0]:%Y-%m-%d}): "
                                               "nothing could be scored", str(until))], "position check")
        table = table[table["date"] <= as_timestamp(until)]
    if table.empty:
        raise DataValidationError([Problem("data/proposals/proposals.csv", None, "author;status",
                                           f"no target of the set {target_set!r} is coded "
                                           f"({checks.TARGET_SETS[target_set]})")], "position check")
    used = sorted(set(checks.assign_freezes(table, schedule).dropna()))
    floors = coding_reliability(n_boot=0, data_dir=data_dir).floors if revise_uncertainty else {}
    stances_at = {freeze: checks.revised_uncertainty(load("stances", data_dir, as_of=freeze), floors) for freeze in used}
    actors = load("actors", data_dir)
    if dated_capabilities:
        known_capabilities = capabilities_at_freezes(used, data_dir)
        actors_at: pd.DataFrame | dict[pd.Timestamp, pd.DataFrame] = {
            freeze: capability_rule.with_capabilities(actors, rows)
            for freeze, rows in known_capabilities.groupby("freeze")}
    else:
        # Today's undated scores at every freeze: the earlier check, kept to measure what dating changes.
        today = capability_rule.capabilities_at(actors, load("capabilities", data_dir).iloc[:0])
        known_capabilities = pd.concat([today.assign(freeze=freeze) for freeze in used], ignore_index=True)[
            ["freeze", *capability_rule.CAPABILITY_COLUMNS]]
        actors_at = actors
    pairs = checks.position_backtest(target_set, table, stances_at, actors_at, schedule, draws=draws,
                                     seed=seed, expected_utility_draws=expected_utility_draws,
                                     front_change=_front_change(used, data_dir))
    return PositionCheck(target_set, checks.TARGET_SETS[target_set], pairs, checks.position_scores(pairs),
                         checks.skill_table(pairs, seed=seed), used, known_capabilities)


def pace_check(scenario: str = "baseline", horizons=(3, 6, 12), step_months: int = 3,
               data_dir: Path | str | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(per freeze and horizon, scores per horizon, source ids of the map rows used): the front-pace
    assumption of `scenario` (its factor and window), set quarterly from the data then available."""
    front = load_scenario(scenario, data_dir).assumptions["front"]
    window = int(front.get("window_months", 12))
    control = load("territory_control", data_dir)
    freezes = checks.quarterly_freezes(control, window_months=window, step_months=step_months)
    pace = checks.pace_backtest(control, as_range(front["factor"]), freezes, horizons=horizons, window_months=window)
    national = control[control["region_id"] == checks.NATIONAL_ID]
    sources = sorted(set(national["source_id"]))
    return pace, checks.pace_scores(pace), sources


@dataclass(frozen=True)
class CodingReliability:
    """The blind second coding against the first (`analysis.model_checks` coding-reliability section):
    the paired codes, Krippendorff's alpha per issue with its bootstrap interval, the check of the
    coded uncertainty against the disagreement, and the floors the revision rule sets."""

    pairs: pd.DataFrame
    alpha: pd.DataFrame
    uncertainty: pd.DataFrame
    floors: dict[str, float]
    coded_on: pd.Timestamp | None


def coding_reliability(n_boot: int = 2000, seed: int = 0, min_items: int = checks.MIN_ALPHA_ITEMS,
                       data_dir: Path | str | None = None) -> CodingReliability:
    """Krippendorff's alpha (interval) per issue and overall, and the uncertainty check, from the
    `second_coding` table and the rows it codes.

    The second coding is read whole, not as of a date: it measures the coding instrument (coded
    in December 2026, like the first codes of every past date), not what was known about the war,
    so its floors apply at every freeze of the backtest."""
    second = load("second_coding", data_dir)
    pairs = checks.coding_pairs(second, first_codes(load("stances", data_dir), load("proposal_provisions", data_dir)))
    coded_on = second["coded_on"].max() if len(second) else None
    return CodingReliability(pairs, checks.alpha_table(pairs, n_boot=n_boot, seed=seed, min_items=min_items),
                             checks.uncertainty_check(pairs, min_items), checks.uncertainty_floors(pairs, min_items),
                             coded_on)


def revised_stances(reliability: CodingReliability, as_of=None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """The stances known on `as_of` with their uncertainty raised to the floors of `reliability`
    (the coded value kept in `coded_uncertainty`): what the position backtest draws from."""
    return checks.revised_uncertainty(load("stances", data_dir, as_of=as_of), reliability.floors)
