"""Control from a map snapshot: time per snapshot, against baselines measured in the same run.

    .venv/bin/python benchmarks/territory_control.py

Uses the DeepState snapshots in ../shared/reference/deepstate (skips when absent). Reports:

1. `control_from_polygon` on one snapshot (27 regions, with the coast/border sliver correction)
   against the same intersection without the correction: the ratio is what the correction costs.
2. Equal-area (Lambert azimuthal) areas against pyproj's geodesic areas of the same 27
   intersections: time ratio, and the largest difference in km², to show the projection is exact
   enough (it is equal-area by construction; the difference is numerical).
3. A whole folder (every snapshot) through `snapshot_rows`, per snapshot.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference" / "deepstate"
sys.path.insert(0, str(REPO / "scripts"))

from timing import best_time  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

import analysis_helpers as ah  # noqa: E402
from analysis_helpers.analysis.territory import area_km2, control_from_polygon  # noqa: E402
from analysis_helpers.data.geo import load_boundaries, read_snapshot  # noqa: E402


def main() -> None:
    if not REFERENCE.is_dir():
        print(f"skipped: {REFERENCE} not present")
        return
    from deepstate_to_control import snapshot_rows

    regions = ah.load("regions")
    boundaries = load_boundaries(list(regions["region_id"]))
    snapshot = read_snapshot(REFERENCE / "deepstatemap_data_20250515.geojson")

    corrected = best_time(lambda: control_from_polygon(snapshot, boundaries, regions))
    plain = best_time(lambda: control_from_polygon(snapshot, boundaries, regions, sliver_km=0))
    print(f"one snapshot, with sliver correction: {corrected:.3f} s; plain intersection: {plain:.3f} s; "
          f"ratio {corrected / plain:.1f}x")

    pieces = [shapely.intersection(g, snapshot) for g in boundaries["geometry"]]
    geod = Geod(ellps="WGS84")
    laea = best_time(lambda: [area_km2(p) for p in pieces])
    geodesic = best_time(lambda: [abs(geod.geometry_area_perimeter(p)[0]) / 1e6 for p in pieces])
    diff = max(abs(area_km2(p) - abs(geod.geometry_area_perimeter(p)[0]) / 1e6) for p in pieces)
    print(f"27 intersections: equal-area {laea:.3f} s, geodesic {geodesic:.3f} s, ratio {geodesic / laea:.1f}x; "
          f"largest difference {diff:.2f} km²")

    snapshots = sorted(REFERENCE.glob("*.geojson"))
    start = time.perf_counter()
    rows = snapshot_rows(REFERENCE, regions, boundaries)
    elapsed = time.perf_counter() - start
    print(f"folder of {len(snapshots)} snapshots: {elapsed:.2f} s ({elapsed / len(snapshots):.3f} s each, "
          f"{len(rows)} rows); per snapshot {elapsed / len(snapshots) / corrected:.2f}x the single-snapshot time")
    assert np.isfinite(rows["occupied_km2"]).all()


if __name__ == "__main__":
    main()
