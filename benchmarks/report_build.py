"""How long `make report` spends executing notebooks, against a floor measured in the same run.

The floor: as many notebooks as `notebooks/` has, each only importing pandas, plotly,
ipywidgets and analysis_helpers (and calling setup_notebook), built by the same pipeline (same
parallelism, kernels, export). The ratio shows what the kit's own work costs on top of starting
kernels and exporting HTML. Target (issue 2): at most 1.5.

    .venv/bin/python benchmarks/report_build.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from analysis_helpers.publish import report

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    kit = sorted(report.NOTEBOOK_DIR.glob("[0-9]*.ipynb"))
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        floor = floor_notebooks(scratch, len(kit))
        kit_times, floor_times = [], []
        for run in range(args.repeat):
            # Alternate the order so that warm caches favour neither side.
            floor_times.append(timed_build(floor, scratch / f"floor{run}", per_scenario=False))
            kit_times.append(timed_build(kit, scratch / f"kit{run}", per_scenario=False))
    kit_s, floor_s = statistics.median(kit_times), statistics.median(floor_times)
    print(f"\nnotebooks: {len(kit)}; kit build {kit_s:.1f} s, floor {floor_s:.1f} s")
    print(f"ratio kit/floor: {kit_s / floor_s:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
