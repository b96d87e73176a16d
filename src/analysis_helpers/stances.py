"""Actor stances: where each state and institution stands on each issue, and what bargaining models predict.

    >>> import analysis_helpers as ah
    >>> from analysis_helpers import stances
    >>> wide = stances.stances_wide(ah.load("stances"), "2025-05-15")
    >>> stances.predict_outcomes(wide, ah.load("actors"), draws=2000, seed=1)

The topic's one public surface: the analysis functions and figure builders a notebook applies to the
`stances`, `actors` and `issues` tables (re-exported from `analysis.stances`, which holds the models'
method and limits, and `figures.stances`). Coding rules: `data/stances/CODEBOOK.md`.
"""

from __future__ import annotations

from .analysis.stances import WhatIf, latest_stances, party_gap, predict_outcomes, stances_wide, what_if_outcomes
from .figures.stances import (
    issue_bubbles,
    outcome_intervals,
    position_heatmap,
    stance_changes,
    what_if_explorer_report,
    what_if_presets,
)

__all__ = ["WhatIf", "issue_bubbles", "latest_stances", "outcome_intervals", "party_gap", "position_heatmap",
           "predict_outcomes", "stance_changes", "stances_wide", "what_if_explorer_report", "what_if_outcomes",
           "what_if_presets"]
