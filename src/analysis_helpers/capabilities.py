"""Each actor's capability as it was known on a date (rule: `analysis.capabilities`, CODEBOOK.md).

    >>> from analysis_helpers import capabilities
    >>> capabilities.at("2023-01-12")   # capability, sd, dated or not, the SIPRI year and release used
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .analysis.capabilities import CAPABILITY_COLUMNS, capabilities_at
from .conventions import AsOf
from .data import load

__all__ = ["CAPABILITY_COLUMNS", "at"]


def at(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Every actor's capability from the figures released by `as_of` (all when None), one row per
    actor (`CAPABILITY_COLUMNS`); actors without a dated figure keep the actors table's score."""
    return capabilities_at(load("actors", data_dir), load("capabilities", data_dir, as_of=as_of))
