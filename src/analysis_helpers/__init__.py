"""Analysis kit on the Russia-Ukraine war and its peace talks.

    >>> import analysis_helpers as ah
    >>> ah.datasets()
    >>> regions = ah.load("regions")

`setup_notebook()` prepares a notebook (offline plotly rendering, deterministic figure ids,
the kit's chart theme); call it in the first cell. `formatted_table(frame)` shows a table
for reading (units, separators, dates, no row numbers). `cited_by(*frames)` gathers the source
ids a caption cites. Each topic has a front module beside this one (`territory`, `reconstruction`,
`stances`, `scenarios`, `briefing`, `proposals`, `model_checks`, `sensitivity`, `catalogue`): it
loads what the topic needs and re-exports the analysis functions and figure builders applied to it.
Notebooks import only this package, those modules and `widgets`.
"""

from .conventions import cited_by
from .data import DataValidationError, Problem, datasets, describe, first_known, load, resolve_as_of, validate
from .publish.notebook import csv_download_link, formatted_table, setup_notebook

__all__ = ["DataValidationError", "Problem", "cited_by", "csv_download_link", "datasets", "describe", "first_known",
           "formatted_table", "load", "resolve_as_of", "setup_notebook", "validate"]
