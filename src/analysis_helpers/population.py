"""Population: the pre-war people on each side of a line, counted where they live.

    >>> from analysis_helpers import population, territory
    >>> import analysis_helpers as ah
    >>> lines = territory.named_lines(control, claims, regions, "2026-01-01")
    >>> territory.compare_lines(lines, regions, people=population.line_people(lines, "2026-01-01"))
    >>> population.published_check()      # the kit's count beside published estimates, with the gap

The topic's public surface over `analysis.population` (whose docstring states the model: settlements
placed by the DeepState maps, the rest of each region spread by area, regions.population the
reference totals). The data and their sources: the `settlements`, `settlement_control` and
`population_estimates` resources (`ah.describe(name)["schema"]["notes"]`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .analysis import population as engine
from .analysis.population import REFERENCE_NOTE
from .conventions import AsOf
from .data import load

__all__ = ["REFERENCE_NOTE", "line_people", "published_check"]


def line_people(lines: dict[str, pd.Series], as_of: AsOf, data_dir: Path | str | None = None) -> dict[str, pd.Series]:
    """People (pre-war) on Russia's side of each of `territory.named_lines(..., as_of)`, per region, with
    the settlements placed where the maps put them (`analysis.population.line_people`): pass it to
    `territory.compare_lines(lines, regions, people=...)`."""
    return engine.line_people(lines, as_of, load("regions", data_dir), load("settlements", data_dir),
                              load("settlement_control", data_dir, as_of=as_of))


def published_check(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """The published estimates of the people in the occupied areas known on `as_of`, each beside the
    kit's pre-war count of the same area on the map of its date, with the gap
    (`analysis.population.published_comparison`; each estimate's `counts` says whether it is like for like)."""
    return engine.published_comparison(
        load("population_estimates", data_dir, as_of=as_of), load("territory_control", data_dir, as_of=as_of),
        load("regions", data_dir), load("settlements", data_dir), load("settlement_control", data_dir, as_of=as_of))
