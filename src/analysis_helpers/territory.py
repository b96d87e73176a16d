"""Territory: how much of Ukraine Russia holds, what it claims, and what a line would leave on each side.

    >>> from analysis_helpers import territory
    >>> import analysis_helpers as ah
    >>> control = ah.load("territory_control", as_of="2025-05-15")
    >>> territory.regional_date(control, ah.load("regions"))   # the latest map covering every region
    >>> territory.boundaries()                                  # region outlines, checked against regions
    >>> territory.control_by_region(as_of="2025-05-15")        # each region on the map of that day

The topic's one public surface: its loading entry points, and the analysis functions and figure
builders a notebook applies to what they return (re-exported from `analysis.territory` and
`figures.territory`, whose docstrings state each method). The central series and its method are the
`territory_control` resource: `ah.describe("territory_control")["schema"]["notes"]`, the one place it is written;
`method_note(heading)` quotes one part of it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .analysis.territory import (
    EVE_OF_INVASION,
    agreement_with_published,
    change_between,
    claimed_vs_controlled,
    compare_lines,
    full_coverage_dates,
    gains_per_year,
    monthly_net_change,
    named_lines,
    regional_date,
    with_region_names,
)
from .conventions import NATIONAL_ID, AsOf
from .data import describe, load, resolve_as_of
from .data.geo import boundaries_path, load_boundaries
from .figures.territory import (
    claimed_vs_controlled_figure,
    control_map,
    control_timeseries,
    lines_explorer_report,
    lines_figure,
    monthly_change_figure,
    sources_comparison_figure,
)

__all__ = ["EVE_OF_INVASION", "NATIONAL_ID", "agreement_with_published", "boundaries", "change_between",
           "claimed_vs_controlled", "claimed_vs_controlled_figure", "compare_lines", "control_by_region",
           "control_map", "control_timeseries", "full_coverage_dates", "gains_per_year", "lines_explorer_report",
           "lines_figure", "method_note", "monthly_change_figure", "monthly_net_change", "named_lines",
           "regional_date", "sources_comparison_figure", "with_region_names"]


def control_by_region(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """The rows of the latest map covering every region on or before `as_of` (default: the latest
    map), as known then, with each region's `name` ("Ukraine" for the national row)."""
    day = resolve_as_of(as_of, data_dir, datasets=["territory_control"])
    control, regions = load("territory_control", data_dir, as_of=day), load("regions", data_dir)
    return with_region_names(control[control["date"] == regional_date(control, regions, day)], regions)


def boundaries(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The outline of every region of the `regions` table (`region_id`, `name`, `geometry`), checked
    against it (see `data.geo.load_boundaries`)."""
    path = boundaries_path(Path(data_dir)) if data_dir is not None else None
    return load_boundaries(list(load("regions", data_dir)["region_id"]), path)


# The notes are sections headed in capitals ("MEASURE: ...", "AGREEMENT WITH THE MAP MAKER: ...").
NOTE_HEADING = re.compile(r"(?:^|(?<=\s))([A-Z][A-Z ,-]*[A-Z]): ")


def method_note(heading: str, dataset: str = "territory_control", data_dir: Path | str | None = None) -> str:
    """The section of `dataset`'s schema notes headed `heading` (without the heading), so that a report
    quotes the method where it is written once instead of restating it. KeyError naming the headings
    there are if `heading` is not one of them."""
    notes = describe(dataset, data_dir)["schema"].get("notes", "")
    parts = NOTE_HEADING.split(notes)  # [before, heading, text, heading, text, ...]
    sections = {name: text.strip() for name, text in zip(parts[1::2], parts[2::2], strict=True)}
    if heading not in sections:
        raise KeyError(f"{dataset}'s notes have no section {heading!r}; they have: {', '.join(sections)}")
    return sections[heading][:1].upper() + sections[heading][1:]
