"""Analysis kit on the Russia-Ukraine war and its peace talks.

    >>> import analysis_helpers as ah
    >>> ah.datasets()
    >>> regions = ah.load("regions")

`setup_notebook()` prepares a notebook (offline plotly rendering, deterministic figure ids,
the kit's chart theme); call it in the first cell. `formatted_table(frame)` shows a table
for reading (units, separators, dates, no row numbers).
"""

from .data import DataValidationError, Problem, datasets, describe, first_known, load, resolve_as_of, validate
from .publish.notebook import formatted_table, setup_notebook

__all__ = ["DataValidationError", "Problem", "datasets", "describe", "first_known", "formatted_table", "load",
           "resolve_as_of", "setup_notebook", "validate"]
