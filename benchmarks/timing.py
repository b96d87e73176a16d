"""Wall-clock timing shared by the benchmarks (run them as scripts: `python benchmarks/x.py`)."""

from __future__ import annotations

import statistics
import time


def wall_times(action, repeat: int) -> list[float]:
    """Seconds taken by each of `repeat` calls of `action()`."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def best_time(action, repeat: int = 3) -> float:
    """Fastest of `repeat` runs, in seconds: on a shared machine other processes only add time."""
    return min(wall_times(action, repeat))


def median_time(action, repeat: int) -> float:
    return statistics.median(wall_times(action, repeat))
