"""How long `make report` spends executing notebooks, against a floor measured in the same run.

The floor: as many notebooks as `notebooks/` has, each only importing pandas, plotly,
ipywidgets and analysis_helpers (and calling setup_notebook), built by the same pipeline (same
parallelism, kernels, export). The ratio shows what the kit's own work costs on top of starting
kernels and exporting HTML. Target (issue 26): at most 1.2.

It also splits each report's time into its cells, its export and the rest (kernel start,
papermill), beside the floor's, to show where the time above the floor goes; and it prints the
size of every report built (issue 26: at most 2.5 MB each), beside the size
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


def timed_build(notebooks: list[Path], out: Path, per_scenario: bool) -> tuple[float, list[report.Outcome]]:
    start = time.perf_counter()
    outcomes = report.run(notebooks, {}, out, per_scenario=per_scenario)
    elapsed = time.perf_counter() - start
    failed = [o.error for o in outcomes if not o.ok]
    if failed:
        raise SystemExit("build failed:\n" + "\n".join(failed))
    return elapsed, outcomes


def where_the_time_goes(kit: list[report.Outcome], floor: list[report.Outcome]) -> None:
    """Each report's seconds split into its cells, its export and the rest (kernel start, papermill),
    beside the floor's mean: what the kit adds on top of a bare notebook, part by part."""
    def parts(outcome: report.Outcome) -> tuple[float, float, float]:
        rest = outcome.seconds - outcome.cell_seconds - outcome.export_seconds
        return outcome.cell_seconds, outcome.export_seconds, rest

    mean = [statistics.mean(values) for values in zip(*(parts(o) for o in floor), strict=True)]
    print("\nwhere the time goes (seconds in one worker; the build runs "
          f"{min(os.cpu_count() or 1, len(kit))} at once):")
    print(f"  {'report':22s} {'total':>6s} {'cells':>6s} {'export':>6s} {'rest':>6s}")
    print(f"  {'floor (mean)':22s} {sum(mean):6.1f} {mean[0]:6.1f} {mean[1]:6.1f} {mean[2]:6.1f}")
    totals = [0.0, 0.0, 0.0]
    for outcome in sorted(kit, key=lambda o: o.seconds, reverse=True):
        cells, export, rest = parts(outcome)
        totals = [t + p for t, p in zip(totals, (cells, export, rest), strict=True)]
        print(f"  {outcome.job.label:22s} {outcome.seconds:6.1f} {cells:6.1f} {export:6.1f} {rest:6.1f}")
    above = [t - len(kit) * m for t, m in zip(totals, mean, strict=True)]
    print(f"  above the floor, all reports: cells {above[0]:+.1f} s, export {above[1]:+.1f} s, "
          f"rest {above[2]:+.1f} s")


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
            floor_time, floor_outcomes = timed_build(floor, scratch / f"floor{run}", per_scenario=False)
            kit_time, kit_outcomes = timed_build(kit, scratch / f"kit{run}", per_scenario=False)
            floor_times.append(floor_time)
            kit_times.append(kit_time)
            if run == 0:
                report_sizes(scratch / "kit0")
                where_the_time_goes(kit_outcomes, floor_outcomes)
    kit_s, floor_s = statistics.median(kit_times), statistics.median(floor_times)
    ratio = kit_s / floor_s
    print(f"\nload average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"notebooks: {len(kit)}; kit build {kit_s:.1f} s, floor {floor_s:.1f} s (median of {args.repeat})")
    print(f"ratio kit/floor: {ratio:.2f} (target <= {TARGET_RATIO}: {'met' if ratio <= TARGET_RATIO else 'MISSED'})")


if __name__ == "__main__":
    main()
