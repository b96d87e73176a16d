"""Rebuilding `territory_control` from every DeepState snapshot: time per snapshot against a bare read.

    .venv/bin/python benchmarks/territory_control.py

Uses ../shared/reference/deepstate_history and ../shared/reference/deepstate (skips when absent).
Target (issue 11): the whole rebuild under 60 s on the project machine. Reports, measured in the
same run:

1. the bare read of every snapshot file (`json.load`): the baseline;
2. reading by layer (names recognised, geometries repaired and merged), per snapshot;
3. measuring (`control_from_snapshot`: clip to the extended outlines, land shares), per snapshot;
4. the whole `central_series` (both archives, the eve included), against the 60 s target.
Each step is timed once (the full set is the unit of work) on the process CPU clock as well as
the wall clock: the machine is shared, so wall time also counts other people's jobs.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference"
FOLDERS = (REFERENCE / "deepstate_history", REFERENCE / "deepstate")
TARGET_S = 60.0
sys.path.insert(0, str(REPO / "scripts"))


def timed(work):
    """(result, wall seconds, CPU seconds) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    if not all(folder.is_dir() for folder in FOLDERS):
        print(f"skipped: {' or '.join(str(f) for f in FOLDERS)} not present")
        return
    from deepstate_to_control import central_series, measuring

    from analysis_helpers.analysis.territory import control_from_snapshot
    from analysis_helpers.data.territory import snapshots_in

    paths = [p for folder in FOLDERS for p in sorted(folder.glob("*.geojson"))]
    count = len(paths)
    _, bare_wall, bare_cpu = timed(lambda: [json.loads(p.read_text(encoding="utf-8")) for p in paths])
    frame, frame_wall, frame_cpu = timed(measuring)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # repaired geometries of the early maps: reported by the build itself
        (layered, single), read_wall, read_cpu = timed(lambda: (snapshots_in(FOLDERS[0]), snapshots_in(FOLDERS[1])))
    snapshots = [*layered, *single]
    _, measure_wall, measure_cpu = timed(lambda: [control_from_snapshot(s.russian_held, s.contested, frame) for s in snapshots])
    rows, build_wall, build_cpu = timed(lambda: central_series(layered, single, frame))
    total_wall = frame_wall + read_wall + build_wall
    total_cpu = frame_cpu + read_cpu + build_cpu

    def per(seconds: float) -> str:
        return f"{1000 * seconds / count:6.1f} ms"

    print(f"{count} snapshots ({len(layered)} layered, {len(single)} single-layer); wall / CPU per snapshot:")
    print(f"  bare read (json.load)      {per(bare_wall)} / {per(bare_cpu)}   (baseline)")
    print(f"  read by layer              {per(read_wall)} / {per(read_cpu)}   {read_cpu / bare_cpu:5.1f}x the bare read (CPU)")
    print(f"  measure (27 regions)       {per(measure_wall)} / {per(measure_cpu)}   "
          f"{measure_cpu / bare_cpu:5.1f}x the bare read (CPU)")
    print(f"  outlines prepared once     {frame_wall:.2f} s / {frame_cpu:.2f} s")
    verdict = ('met' if max(total_wall, total_cpu) < TARGET_S
               else 'CPU met, wall over (shared machine)' if total_cpu < TARGET_S else 'NOT met')
    print(f"full rebuild (outlines + read + central_series, {len(rows)} rows): {total_wall:.1f} s wall, {total_cpu:.1f} s CPU; "
          f"target {TARGET_S:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
