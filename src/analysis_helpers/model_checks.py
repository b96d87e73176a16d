"""Are the models any good? Backtests on this war's data (method and limits: `analysis.model_checks`).

    >>> from analysis_helpers import model_checks
    >>> pairs, scores, targets_from = model_checks.position_check()
    >>> pace, pace_scores, sources = model_checks.pace_check("baseline")

The figure builders for these results (and the sensitivity tornado) are re-exported from
`figures.model_checks`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .analysis import model_checks as checks
from .analysis.model_checks import freeze_counts
from .conventions import AsOf
from .data import datasets, load
from .data.scenarios import as_range
from .figures.model_checks import pace_chart, position_scores_chart, tornado
from .scenarios import load_scenario

__all__ = ["DEFAULT_FREEZES", "freeze_counts", "pace_chart", "pace_check", "position_check", "position_scores_chart",
           "tornado"]

# Spring 2022 (before the Istanbul communiqué), end of 2022, May 2025 (before the Istanbul talks),
# November 2025 (before the US 28-point plan), January 2026 (between the 20-point draft and later rounds).
DEFAULT_FREEZES = ("2022-03-15", "2022-12-31", "2025-05-15", "2025-11-15", "2026-01-15")
PROPOSAL_TABLES = ("proposals", "proposal_provisions")


def position_check(freezes: Sequence[AsOf] = DEFAULT_FREEZES, horizon_months: int = 12, draws: int = 500,
                   seed: int = 0, data_dir: Path | str | None = None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(pairs, scores per model, what the realised positions are): the bargaining models at each
    freeze date scored against the settlement texts of the next `horizon_months` (the proposals
    dataset when the data package has it, else the parties' next coded stances)."""
    stances, actors = load("stances", data_dir), load("actors", data_dir)
    if set(PROPOSAL_TABLES) <= set(datasets(data_dir)):
        targets = checks.targets_from_proposals(load("proposals", data_dir), load("proposal_provisions", data_dir))
        kind = "positions coded for the settlement texts of the proposals dataset"
    else:
        targets = checks.targets_from_stances(stances)
        kind = "the coded positions of Ukraine and Russia in the next round (no proposals dataset in the package)"
    pairs = checks.position_backtest(stances, actors, targets, freezes, horizon_months=horizon_months, draws=draws,
                                     seed=seed)
    return pairs, checks.position_scores(pairs), kind


def pace_check(scenario: str = "baseline", horizons: Sequence[int] = (3, 6, 12), step_months: int = 3,
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
