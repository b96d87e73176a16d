"""Benchmark of the funding-gap grid against calling the single-case calculator in a loop.

    .venv/bin/python benchmarks/reconstruction.py

The plotly-native explorer and a scenario engine need the gap for many settlement dates x
asset shares. `funding_gap_grid` computes them in one vectorised pass; the baseline calls
`funding_gap` once per case, as a caller without the grid would. Both must agree before any
timing is reported. Timings are from this run only; the ratio is what to compare across machines.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from timing import best_time

import analysis_helpers as ah
from analysis_helpers.analysis.reconstruction import funding_gap, funding_gap_grid

DATES = pd.date_range("2026-01-31", periods=60, freq="ME")  # five years of monthly settlement dates
SHARES = np.linspace(0.0, 1.0, 21)
LOOP_SLICE = 120  # cases the loop baseline runs on; its time is scaled to the whole grid




def main() -> None:
    assessments, funding = ah.load("reconstruction_assessments"), ah.load("funding_sources")
    cases = [(date, share) for date in DATES for share in SHARES]

    def grid():
        return funding_gap_grid(assessments, funding, DATES, SHARES)

    def loop(subset):
        return [funding_gap(assessments, funding, date, asset_share=share).loc[6, "value"] for date, share in subset]

    expected = grid()["gap"].to_numpy()
    np.testing.assert_allclose(loop(cases[:LOOP_SLICE]), expected[:LOOP_SLICE])

    grid_seconds = best_time(grid)
    loop_seconds = best_time(lambda: loop(cases[:LOOP_SLICE])) * len(cases) / LOOP_SLICE
    print(f"funding gap for {len(DATES)} settlement dates x {len(SHARES)} asset shares = {len(cases)} cases")
    print(f"  vectorised grid:            {grid_seconds * 1e3:8.1f} ms")
    print(f"  loop of funding_gap (est.): {loop_seconds * 1e3:8.1f} ms "
          f"(measured on {LOOP_SLICE} cases, scaled)")
    print(f"  ratio loop / grid:          {loop_seconds / grid_seconds:8.0f}x")


if __name__ == "__main__":
    main()
