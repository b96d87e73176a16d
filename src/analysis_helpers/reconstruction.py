"""Reconstruction: what the war has destroyed, what rebuilding costs, and how much known sources cover.

    >>> import analysis_helpers as ah
    >>> from analysis_helpers import reconstruction
    >>> assessments = ah.load("reconstruction_assessments", as_of="2025-05-15")
    >>> reconstruction.needs_at(assessments, ["2026-12-31"])      # needs at a settlement date, with a band

The topic's one public surface: the analysis functions and figure builders a notebook applies to the
tables of `reconstruction_assessments`, `reconstruction_sectors` and `funding_sources` (re-exported
from `analysis.reconstruction` and `figures.reconstruction`, whose docstrings state each method).
"""

from __future__ import annotations

from .analysis.reconstruction import (
    TREND_KIND,
    donor_rate,
    funding_gap,
    funding_gap_cases,
    growth_between_assessments,
    known_on,
    needs_at,
    needs_trend,
    sector_growth,
)
from .figures.reconstruction import (
    assessments_figure,
    funding_gap_explorer_report,
    funding_gap_figure,
    growth_figure,
    sectors_figure,
)

__all__ = ["TREND_KIND", "assessments_figure", "donor_rate", "funding_gap", "funding_gap_cases",
           "funding_gap_explorer_report", "funding_gap_figure", "growth_between_assessments", "growth_figure",
           "known_on", "needs_at", "needs_trend", "sector_growth", "sectors_figure"]
