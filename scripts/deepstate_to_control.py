"""Turn DeepState map snapshots into `territory_control` rows, and other maps into `territory_comparison`.

    # per-region rows of every snapshot in a folder (either archive), to stdout
    .venv/bin/python scripts/deepstate_to_control.py snapshots ../shared/reference/deepstate_history > rows.csv

    # rebuild data/territory/territory_control.csv and territory_comparison.csv
    .venv/bin/python scripts/deepstate_to_control.py build ../shared/reference/deepstate_history \\
        ../shared/reference/deepstate ../shared/reference/liveuamap/territory.csv

    # controller of each site in data/territory/sites.csv on the date of one snapshot
    .venv/bin/python scripts/deepstate_to_control.py sites ../shared/reference/deepstate_history/deepstate_20250801T1952Z.geojson

`build` and `sites` also list the files they read, with size and SHA-256, in
data/territory/provenance.csv (scripts/provenance.py).

The central series rests on one basis, DeepState, measured one way (`control_from_snapshot`):
the layered archive (DanielRose2310/deepstatemaps-history, every month from April 2022) wherever
it has a date, the single-layer archive (cyterat/deepstate-map-data) for the dates only it has.
Where both have a date, the second is used only to check that they agree. The eve of the
invasion is the layers held since 2014 on the earliest layered map. Other maps (liveuamap, ISW
readings) and DeepState's own published totals go to `territory_comparison`, never into the
central series. The snapshot files are never committed: only the numbers computed from them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
import shapely

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from provenance import file_rows, record, write_csv  # noqa: E402

from analysis_helpers import DataValidationError, load  # noqa: E402
from analysis_helpers.analysis.territory import (  # noqa: E402
    EVE_OF_INVASION,
    NATIONAL_ID,
    MeasuringFrame,
    control_from_snapshot,
    measuring_frame,
)
from analysis_helpers.data.geo import load_boundaries  # noqa: E402
from analysis_helpers.data.territory import (  # noqa: E402
    CONTESTED,
    HELD_SINCE_2014,
    Snapshot,
    load_land_border,
    read_deepstate_snapshot,
    snapshots_in,
)

CONTROL_CSV = REPO / "data" / "territory" / "territory_control.csv"
COMPARISON_CSV = REPO / "data" / "territory" / "territory_comparison.csv"
SITES_CSV = REPO / "data" / "territory" / "sites.csv"
COLUMNS = ["date", "region_id", "occupied_km2", "occupied_km2_low", "occupied_km2_high", "share", "outline_km2",
           "basis", "method", "source_id", "low_source_id", "high_source_id", "note"]
COMPARISON_COLUMNS = ["date", "region_id", "occupied_km2", "share", "basis", "method", "source_id", "note"]
HISTORY_SOURCE = "terr-deepstate-history"
SINGLE_LAYER_SOURCE = "terr-deepstate-archive"
LIVEUAMAP_SOURCE = "terr-liveuamap-analysis"
# Dates read off the liveuamap daily series besides the first of each month.
LIVEUAMAP_KEY_DATES = {
    "2022-02-23": "eve of the full-scale invasion",
    "2022-11-12": "after the Russian withdrawal from Kherson's right bank",
    "2025-01-16": "last day of the liveuamap series",
}
# Figures other maps or the map maker published: (date, region_id, km2, share 0-1, basis, method, source_id, note).
PUBLISHED = [
    ("2022-03-24", NATIONAL_ID, None, 0.22, "The Economist", "published", "terr-mint-economist-2024",
     "The Economist: roughly a month into the war Russia held more than 22% of Ukraine, the parts held since 2014 "
     "included (a lower bound; day approximate; the map measured is not named)"),
    ("2022-03-28", NATIONAL_ID, 163000, None, "ISW", "published", "terr-intellinews-2023",
     "about 163,000 km² in March 2022 according to ISW, as charted by War Mapper (day not given)"),
    ("2022-11-12", NATIONAL_ID, 108651, None, "DeepState", "published", "terr-deepstate-2025-08",
     "DeepState total for 12 Nov 2022"),
    ("2023-01-01", NATIONAL_ID, 116165 - 7463, None, "DeepState", "derived", "terr-deepstate-2025-review",
     "DeepState's 1 Jan 2026 total less the 7,463 km² it reports gained since 1 Jan 2023"),
    *[("2023-01-01", region_id, None, pct / 100, "DeepState", "published", "terr-deepstate-2025-review",
       f"DeepState share at the start of 2023: {pct}%")
      for region_id, pct in [("UA-63", 1.9), ("UA-23", 72.8), ("UA-14", 56.7), ("UA-09", 97.9), ("UA-65", 72.0),
                             ("UA-12", 0.0), ("UA-59", 0.0)]],
    ("2025-08-17", NATIONAL_ID, 114493, None, "DeepState", "published", "terr-deepstate-2025-08",
     "DeepState total for 17 Aug 2025"),
    ("2026-01-01", NATIONAL_ID, 116165, 0.1924, "DeepState", "published", "terr-deepstate-2025-review",
     "DeepState total: 116,165 km², 19.24%"),
    *[("2026-01-01", region_id, None, pct / 100, "DeepState", "published", "terr-deepstate-2025-review",
       f"DeepState share {pct}%")
      for region_id, pct in [("UA-12", 0.6), ("UA-59", 1.0), ("UA-63", 4.7), ("UA-65", 72.0), ("UA-23", 74.8),
                             ("UA-14", 78.1), ("UA-09", 99.6), ("UA-43", 100.0)]],
]


def measuring() -> MeasuringFrame:
    """The kit's outlines, prepared once for measuring maps."""
    regions = load("regions")
    return measuring_frame(load_boundaries(list(regions["region_id"])), load_land_border())


def outline_km2(frame: MeasuringFrame) -> pd.Series:
    """km² of each region's land outline, the area its `share` is measured against (national: their sum,
    the weights of the national share)."""
    areas = pd.Series(shapely.area(frame.outlines) / 1e6, index=frame.region_ids)
    return pd.concat([areas, pd.Series({NATIONAL_ID: areas.sum()})])


def snapshot_control(snapshot: Snapshot, frame: MeasuringFrame, source_id: str) -> pd.DataFrame:
    """Rows of `territory_control` (national and per region) for one snapshot."""
    rows = control_from_snapshot(snapshot.russian_held, snapshot.contested, frame)
    rows["outline_km2"] = rows["region_id"].map(outline_km2(frame))
    rows["date"] = pd.Timestamp(snapshot.date)
    rows["occupied_km2_low"] = rows["occupied_km2"]
    rows["basis"], rows["method"], rows["source_id"] = "DeepState", "computed", source_id
    if not snapshot.has_contested_layer:
        rows["note"] = "this archive keeps the Russian-held area only: no contested layer, high = central"
    return rows


def eve_control(snapshot: Snapshot, frame: MeasuringFrame) -> pd.DataFrame:
    """The line of 23 Feb 2022: the layers held since 2014 on the earliest layered map."""
    rows = control_from_snapshot(snapshot.layers[HELD_SINCE_2014], None, frame, whole_map=snapshot.russian_held)
    rows["outline_km2"] = rows["region_id"].map(outline_km2(frame))
    rows["date"] = EVE_OF_INVASION
    rows["occupied_km2_low"] = rows["occupied_km2"]
    rows["basis"], rows["method"], rows["source_id"] = "DeepState", "computed", HISTORY_SOURCE
    rows["note"] = f"layers held since 2014 (ORDLO, Crimea) of the {snapshot.date:%d %b %Y} map"
    return rows


def _rounded(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.copy()
    for column in ("occupied_km2", "occupied_km2_low", "occupied_km2_high", "outline_km2"):
        rows[column] = rows[column].round(1)
    rows["share"] = rows["share"].round(5)
    rows["date"] = pd.to_datetime(rows["date"]).dt.strftime("%Y-%m-%d")
    return rows.reindex(columns=COLUMNS).sort_values(["date", "region_id"]).reset_index(drop=True)


def central_series(layered: list[Snapshot], single_layer: list[Snapshot], frame: MeasuringFrame) -> pd.DataFrame:
    """The central `territory_control` table from both archives (layered first, see module doc)."""
    layered_dates = {s.date for s in layered}
    frames = [eve_control(layered[0], frame)]
    frames += [snapshot_control(s, frame, HISTORY_SOURCE) for s in layered]
    frames += [snapshot_control(s, frame, SINGLE_LAYER_SOURCE) for s in single_layer if s.date not in layered_dates]
    return _rounded(pd.concat(frames, ignore_index=True))


def archive_overlap(layered: list[Snapshot], single_layer: list[Snapshot], frame: MeasuringFrame) -> pd.DataFrame:
    """For every date both archives have: each one's km² and share per region (and nationally)."""
    by_date = {s.date: s for s in single_layer}
    rows = []
    for snapshot in layered:
        if snapshot.date not in by_date:
            continue
        a = control_from_snapshot(snapshot.russian_held, None, frame).set_index("region_id")
        b = control_from_snapshot(by_date[snapshot.date].russian_held, None, frame).set_index("region_id")
        rows.append(pd.DataFrame({"date": pd.Timestamp(snapshot.date), "region_id": a.index,
                                  "layered_km2": a["occupied_km2"].to_numpy(), "single_layer_km2": b["occupied_km2"].to_numpy(),
                                  "layered_share": a["share"].to_numpy(), "single_layer_share": b["share"].to_numpy()}))
    return pd.concat(rows, ignore_index=True)


def liveuamap_rows(series_csv: Path) -> pd.DataFrame:
    """National comparison rows read off the liveuamap daily series: monthly points, key dates, the peak."""
    series = pd.read_csv(series_csv, parse_dates=["date"]).set_index("date")["area"].sort_index()
    picks = dict.fromkeys(series.index[series.index.day == 1], "")
    picks.update({pd.Timestamp(d): why for d, why in LIVEUAMAP_KEY_DATES.items()})
    picks[series.idxmax()] = "peak of Russian control in spring 2022"
    rows = pd.DataFrame({"date": list(picks), "note": list(picks.values())})
    rows["occupied_km2"] = series.reindex(rows["date"]).round(1).to_numpy()
    rows["region_id"], rows["basis"], rows["method"], rows["source_id"] = NATIONAL_ID, "liveuamap", "derived", LIVEUAMAP_SOURCE
    return rows


def comparison_series(liveuamap_csv: Path) -> pd.DataFrame:
    """`territory_comparison`: liveuamap, ISW readings and DeepState's published figures, each with its basis."""
    published = pd.DataFrame(PUBLISHED, columns=["date", "region_id", "occupied_km2", "share", "basis", "method",
                                                 "source_id", "note"])
    rows = pd.concat([liveuamap_rows(liveuamap_csv), published.assign(date=pd.to_datetime(published["date"]))],
                     ignore_index=True)
    rows["date"] = rows["date"].dt.strftime("%Y-%m-%d")
    return rows.reindex(columns=COMPARISON_COLUMNS).sort_values(["date", "region_id", "source_id"]).reset_index(drop=True)


def site_controllers(snapshot: Snapshot, sites: pd.DataFrame, source_id: str) -> pd.DataFrame:
    """`sites` with `controller` (Russia in a Russian-held layer, contested in the contested layer, else Ukraine)."""
    points = shapely.points(sites["lon"].to_numpy(), sites["lat"].to_numpy())
    held = shapely.contains(snapshot.russian_held, points)
    contested = shapely.contains(snapshot.layers[CONTESTED], points) if CONTESTED in snapshot.layers else held & False
    out = sites.copy()
    out["controller"] = ["Russia" if h else "contested" if c else "Ukraine" for h, c in zip(held, contested, strict=False)]
    out["as_of"] = snapshot.date.isoformat()
    out["source_id"] = source_id
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    snap = commands.add_parser("snapshots", help="rows for every snapshot in a folder, to stdout")
    snap.add_argument("folder", type=Path)
    build = commands.add_parser("build", help="rewrite territory_control.csv and territory_comparison.csv")
    build.add_argument("layered_folder", type=Path, help="deepstate_history/ (every layer)")
    build.add_argument("single_layer_folder", type=Path, help="deepstate/ (Russian-held area only)")
    build.add_argument("liveuamap_csv", type=Path)
    site = commands.add_parser("sites", help="rewrite the controller columns of data/territory/sites.csv")
    site.add_argument("snapshot", type=Path)
    args = parser.parse_args()

    if args.command == "snapshots":
        frame = measuring()
        rows = pd.concat([snapshot_control(s, frame, "") for s in snapshots_in(args.folder)], ignore_index=True)
        _rounded(rows).to_csv(sys.stdout, index=False)
    elif args.command == "build":
        frame = measuring()
        layered, single_layer = snapshots_in(args.layered_folder), snapshots_in(args.single_layer_folder)
        write_csv(central_series(layered, single_layer, frame), CONTROL_CSV)
        write_csv(comparison_series(args.liveuamap_csv), COMPARISON_CSV)
        # Every file read, including the single-layer maps used only to check the layered ones.
        record(file_rows("territory_control", HISTORY_SOURCE, [s.path for s in layered]),
               file_rows("territory_control", SINGLE_LAYER_SOURCE, [s.path for s in single_layer]),
               file_rows("territory_comparison", LIVEUAMAP_SOURCE, [args.liveuamap_csv]))
    else:
        snapshot = read_deepstate_snapshot(args.snapshot)
        source = HISTORY_SOURCE if snapshot.has_contested_layer else SINGLE_LAYER_SOURCE
        sites = pd.read_csv(SITES_CSV, dtype=str, keep_default_na=False)
        out = site_controllers(snapshot, sites.astype({"lat": float, "lon": float}), source)
        sites[["controller", "as_of", "source_id"]] = out[["controller", "as_of", "source_id"]]
        write_csv(sites, SITES_CSV)
        record(file_rows("sites", source, [args.snapshot]))


if __name__ == "__main__":
    try:
        main()
    except DataValidationError as error:  # a bad snapshot or data file: the kit's message, no traceback
        sys.exit(str(error))
