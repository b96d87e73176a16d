"""A notebook's first `load()` of every dataset, in a fresh interpreter (imports excluded).

Target (issue 2): under 300 ms. Baseline in the same run: `pandas.read_csv` of the same files
with no validation, so the ratio is what schema checks, foreign keys and cross-checks cost.

    .venv/bin/python benchmarks/cold_load.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

VALIDATED = """
import time
import analysis_helpers as ah
start = time.perf_counter()
for name in ah.datasets():
    ah.load(name)
print(time.perf_counter() - start)
"""
BASELINE = """
import time
import pandas as pd
from analysis_helpers.data import DataPackage
package = DataPackage()
paths = [path for name in package.names() for path in package.paths(name)]
start = time.perf_counter()
for path in paths:
    pd.read_csv(path)
print(time.perf_counter() - start)
"""


def fresh_run_seconds(code: str) -> float:
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    validated = statistics.median(fresh_run_seconds(VALIDATED) for _ in range(args.repeat))
    baseline = statistics.median(fresh_run_seconds(BASELINE) for _ in range(args.repeat))
    print(f"cold load of every dataset: {1000 * validated:.0f} ms (target < 300 ms); "
          f"bare read_csv of the same files: {1000 * baseline:.0f} ms; ratio {validated / baseline:.1f}x")


if __name__ == "__main__":
    main()
