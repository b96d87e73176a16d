"""A notebook's first `load()` of every dataset, in a fresh interpreter (imports excluded).

Target (issue 26): at most 5x the baseline, a bare `pandas.read_csv` of the same files with no
validation, measured in the same run. Three cases, each in fresh interpreters:

* warm cache: the tables were validated by an earlier process and are read from the on-disk
  cache of validated tables (`data/table_cache.py`): every notebook start after the first;
* cache off (`ANALYSIS_HELPERS_CACHE=off`): every table parsed and checked, as every start did
  before the cache (and as the first load after an edit does);
* baseline: `read_csv` of the same files.

The cache lives in a temporary folder of this run, so the run never reads or writes the user's.

    .venv/bin/python benchmarks/cold_load.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

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


TARGET_RATIO = 5


def fresh_run_seconds(code: str, cache: str) -> float:
    env = {**os.environ, "ANALYSIS_HELPERS_CACHE": cache}
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                env=env).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        first = fresh_run_seconds(VALIDATED, cache)  # validates and fills the cache
        warm, off, baseline = [], [], []
        for _ in range(args.repeat):  # interleaved, so that a busy spell on the machine hits all three
            warm.append(fresh_run_seconds(VALIDATED, cache))
            off.append(fresh_run_seconds(VALIDATED, "off"))
            baseline.append(fresh_run_seconds(BASELINE, "off"))
    warm_s, off_s, base_s = (statistics.median(times) for times in (warm, off, baseline))
    ratio = warm_s / base_s
    print(f"cold load of every dataset, median of {args.repeat} fresh interpreters:")
    print(f"  warm cache:               {1000 * warm_s:6.0f} ms, ratio {ratio:4.1f}x "
          f"(target <= {TARGET_RATIO}x: {'met' if ratio <= TARGET_RATIO else 'MISSED'})")
    print(f"  cache off (full checks):  {1000 * off_s:6.0f} ms, ratio {off_s / base_s:4.1f}x")
    print(f"  first load (fills cache): {1000 * first:6.0f} ms (one run)")
    print(f"  baseline bare read_csv:   {1000 * base_s:6.0f} ms")


if __name__ == "__main__":
    main()
