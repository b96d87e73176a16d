"""Reconstruction: what the war has destroyed, what rebuilding costs, and how much known sources cover.

    >>> from analysis_helpers import reconstruction
    >>> reconstruction.needs(["2026-12-31"], as_of="2025-05-15")   # needs at a settlement date, with a band

The topic's one public surface: `needs`, and the analysis functions and figure builders a notebook
applies to the tables of `reconstruction_assessments`, `reconstruction_sectors` and `funding_sources`
(re-exported from `analysis.reconstruction` and `figures.reconstruction`, whose docstrings state each
method).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .analysis.reconstruction import (
    TREND_KIND,
    donor_rate,
    funding_gap,
    funding_gap_cases,
    growth_between_assessments,
    needs_at,
    needs_estimable,
    needs_trend,
    sector_growth,
)
from .conventions import AsOf
from .data import load, resolve_as_of
from .figures.reconstruction import (
    assessments_figure,
    funding_gap_explorer_report,
    funding_gap_figure,
    growth_figure,
    sectors_figure,
)

__all__ = ["TREND_KIND", "assessments_figure", "donor_rate", "funding_gap", "funding_gap_cases",
           "funding_gap_explorer_report", "funding_gap_figure", "growth_between_assessments", "growth_figure",
           "needs", "needs_at", "needs_estimable", "needs_trend", "sector_growth", "sectors_figure"]


def needs(dates: object, as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Needs at each of `dates`, with the band (`needs_at`), from the assessments published by `as_of`
    (default: every assessment in the data)."""
    day = resolve_as_of(as_of, data_dir, datasets=["reconstruction_assessments"])
    return needs_at(load("reconstruction_assessments", data_dir, as_of=day), dates)
