"""The kit's one caching mechanism: a small memo of results keyed by everything they depend on.

Every cache in the kit is a `Memo` whose key includes the state of the files a result was
computed from (the data package's `signature()`: each file's path, size and modification
time), so an edited file gives a new key and the stale entry simply ages out. No cache is
ever invalidated by hand, and memoising never changes a result: it only skips recomputing it.

Where the memos are: `data.loader` (validated tables, per data folder), `data.geo` (checked
boundaries, per file), `data.scenarios` (the scenario JSON Schema checked against the
meta-schema, per schema text), `scenarios.baseline_for` (the engine's baseline, per data state and
date) and each `analysis.scenarios.Baseline` (the parts of a run that a scenario change may
leave untouched, per their inputs).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class Memo(Generic[Value]):
    """At most `size` results, least recently used dropped first."""

    def __init__(self, size: int) -> None:
        """An empty memo that keeps at most `size` results."""
        self.size = size
        self._results: OrderedDict[Hashable, Value] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], Value]) -> Value:
        """The result for `key`, computed with `compute()` the first time it is asked for."""
        if key in self._results:
            self._results.move_to_end(key)
            return self._results[key]
        value = compute()
        self._results[key] = value
        if len(self._results) > self.size:
            self._results.popitem(last=False)
        return value

    def forget(self, key: Hashable) -> None:
        """Drop the result for `key` (it is computed afresh when next asked for)."""
        self._results.pop(key, None)
