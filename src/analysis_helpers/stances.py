"""Actor stances: where each state and institution stands on each issue, and what bargaining models predict.

    >>> from analysis_helpers import stances
    >>> stances.outcomes(as_of="2025-05-15", draws=2000, seed=1)   # the models on the stances known then
    >>> stances.capabilities("2023-01-12")   # each actor's capability from the figures released by then

The topic's one public surface: `outcomes`, and the analysis functions and figure builders a notebook
applies to the `stances`, `actors` and `issues` tables (re-exported from `analysis.stances`, which
holds the models' method and limits, and `figures.stances`). Coding rules: `data/stances/CODEBOOK.md`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .analysis.capabilities import capabilities_at, with_capabilities
from .analysis.stances import WhatIf, latest_stances, party_gap, predict_outcomes, stances_wide, what_if_outcomes
from .conventions import AsOf
from .data import load, resolve_as_of
from .figures.stances import (
    issue_bubbles,
    outcome_intervals,
    position_heatmap,
    stance_changes,
    what_if_explorer_report,
    what_if_presets,
)

__all__ = ["WhatIf", "capabilities", "issue_bubbles", "latest_stances", "outcome_intervals", "outcomes", "party_gap",
           "position_heatmap", "predict_outcomes", "stance_changes", "stances_wide", "what_if_explorer_report",
           "what_if_outcomes", "what_if_presets"]


def outcomes(as_of: AsOf = None, draws: int = 2000, seed: int = 1, data_dir: Path | str | None = None) -> pd.DataFrame:
    """The bargaining models' predicted outcome per issue (median and 80 % interval over `draws`
    perturbed draws, `seed`) on the stances coded by `as_of` (default: the latest statement) and
    the capabilities known then (`capabilities`, CODEBOOK section 14)."""
    day = resolve_as_of(as_of, data_dir, datasets=["stances"])
    wide = stances_wide(load("stances", data_dir, as_of=day), day)
    actors = with_capabilities(load("actors", data_dir), capabilities(day, data_dir))
    return predict_outcomes(wide, actors, draws=draws, seed=seed)


def capabilities(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Every actor's capability from the figures released by `as_of` (all when None), one row per
    actor (`analysis.capabilities.CAPABILITY_COLUMNS`: capability, sd, dated or not, the SIPRI year
    and release used); actors without a dated figure keep the actors table's score."""
    return capabilities_at(load("actors", data_dir), load("capabilities", data_dir, as_of=as_of))
