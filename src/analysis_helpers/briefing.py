"""Briefing: what happened when in the diplomacy, and which claims of the kit's seed analysis hold up.

    >>> import analysis_helpers as ah
    >>> from analysis_helpers import briefing
    >>> tables, left_out = briefing.load_available()   # every briefing input that loads; why others do not
    >>> briefing.check_claims(ah.load("claims"), tables)

The topic's one public surface: `load_available` (the briefing keeps working while another topic's
data is missing or broken), and the analysis functions and figure builders a notebook applies to its
tables (re-exported from `analysis.briefing` and `figures.briefing`).
"""

from __future__ import annotations

from .analysis.briefing import check_claims, state_of_play
from .data.briefing import load_available
from .figures.briefing import claims_table_html, front_movement_figure, timeline_explorer_report, verdict_figure

__all__ = ["check_claims", "claims_table_html", "front_movement_figure", "load_available", "state_of_play",
           "timeline_explorer_report", "verdict_figure"]
