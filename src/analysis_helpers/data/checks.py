"""Registry of cross-row and cross-file rules that a Table Schema cannot express.

A topic module in this package registers its rules with::

    @cross_check("territory_control")
    def occupied_within_region(table, ctx):
        ...
        yield ctx.problem(index, "occupied_km2", "must not exceed the region's area_km2", value)

`table` is the schema-valid DataFrame; `ctx` gives access to other validated resources and
turns a DataFrame index into the file and line number a researcher can open.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from .errors import Problem


@dataclass(frozen=True)
class CheckContext:
    """What a cross-check needs besides its own table."""

    resource: str
    origins: pd.DataFrame  # per row of the table: `file` (display path) and `line`
    load: Callable[[str], pd.DataFrame]  # another resource, schema-validated

    def problem(self, index, column: str | None, rule: str, value: object = None) -> Problem:
        """A Problem at the file and line that the row `index` of the checked table came from."""
        return problem_at(self.origins, index, column, rule, value)


def problem_at(origins: pd.DataFrame, index, column: str | None, rule: str, value: object = None) -> Problem:
    """A Problem at the file and line that the row `index` was read from."""
    origin = origins.loc[index]
    return Problem(str(origin["file"]), int(origin["line"]), column, rule, value)


CrossCheck = Callable[[pd.DataFrame, CheckContext], Iterable[Problem]]

_REGISTRY: dict[str, list[CrossCheck]] = defaultdict(list)


def cross_check(resource: str) -> Callable[[CrossCheck], CrossCheck]:
    """Register `func` as a rule on `resource`, run after its schema checks pass."""

    def register(func: CrossCheck) -> CrossCheck:
        _REGISTRY[resource].append(func)
        return func

    return register


def checks_for(resource: str) -> list[CrossCheck]:
    """The cross-checks registered on `resource`, in registration order."""
    return list(_REGISTRY.get(resource, ()))
