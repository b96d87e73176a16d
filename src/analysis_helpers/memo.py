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

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

Value = TypeVar("Value")


class Memo(Generic[Value]):
    """At most `size` results, least recently used dropped first.

    Safe to share between threads (a Dask worker's threads share one scattered baseline): the
    bookkeeping holds a lock; `compute()` runs outside it, so two threads may compute the same
    result once each, which changes nothing since results depend only on the key."""

    def __init__(self, size: int) -> None:
        """An empty memo that keeps at most `size` results."""
        self.size = size
        self._results: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without its lock (a lock cannot be pickled; the copy gets its own)."""
        with self._lock:
            return {"size": self.size, "results": OrderedDict(self._results)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Rebuilt from `__getstate__` with a fresh lock."""
        self.size, self._results, self._lock = state["size"], state["results"], threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Value]) -> Value:
        """The result for `key`, computed with `compute()` the first time it is asked for."""
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        value = compute()
        with self._lock:
            self._results[key] = value
            self._results.move_to_end(key)
            if len(self._results) > self.size:
                self._results.popitem(last=False)
        return value

    def forget(self, key: Hashable) -> None:
        """Drop the result for `key` (it is computed afresh when next asked for)."""
        with self._lock:
            self._results.pop(key, None)
