"""Turn map data into `territory_control` rows (and read site controllers off a snapshot).

    # per-region rows from a folder of DeepStateMap snapshots (deepstatemap_data_YYYYMMDD.geojson)
    .venv/bin/python scripts/deepstate_to_control.py snapshots ../shared/reference/deepstate > rows.csv

    # rebuild data/territory/territory_control.csv from the snapshots and the liveuamap series
    .venv/bin/python scripts/deepstate_to_control.py build ../shared/reference/deepstate \
        ../shared/reference/liveuamap/territory.csv

    # controller of each site in data/territory/sites.csv on the date of one snapshot
    .venv/bin/python scripts/deepstate_to_control.py sites ../shared/reference/deepstate/deepstatemap_data_20260822.geojson

The snapshot files themselves are never committed (GPL-3.0 archive by cyterat/deepstate-map-data):
only the numbers computed from them are, citing that archive.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
import shapely

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from analysis_helpers import DataValidationError, load  # noqa: E402
from analysis_helpers.analysis.territory import NATIONAL_ID, control_from_polygon  # noqa: E402
from analysis_helpers.data.geo import load_boundaries, read_snapshot, snapshot_date  # noqa: E402

CONTROL_CSV = REPO / "data" / "territory" / "territory_control.csv"
SITES_CSV = REPO / "data" / "territory" / "sites.csv"
COLUMNS = ["date", "region_id", "occupied_km2", "occupied_km2_low", "occupied_km2_high",
           "basis", "method", "source_id", "low_source_id", "high_source_id", "note"]
DEEPSTATE_SOURCE = "terr-deepstate-archive"
LIVEUAMAP_SOURCE = "terr-liveuamap-analysis"
# Dates read off the liveuamap daily series besides the first of each month.
LIVEUAMAP_KEY_DATES = {
    "2022-02-23": "eve of the full-scale invasion",
    "2022-11-12": "after the Russian withdrawal from Kherson's right bank",
    "2023-12-31": "end of 2023",
    "2024-12-31": "end of 2024",
    "2025-01-16": "last day of the liveuamap series",
}
# Published figures: (date, region_id, km2 or None, share % or None, source_id, what they are).
# Shares become km² with the official area. Where the kit has a row for that date and region the
# figure widens its low/high bounds; otherwise it becomes a row of its own (method "published").
DEEPSTATE_2026 = "terr-deepstate-2025-review"
PUBLISHED_FIGURES = [
    ("2022-03-28", "UA", 132000, None, "terr-guardian-isw-2023", "ISW peak as read by the Guardian (date not given)"),
    ("2022-03-28", "UA", 163000, None, "terr-intellinews-2023", "ISW peak as read by War Mapper (March 2022)"),
    ("2022-11-12", "UA", 108651, None, "terr-deepstate-2025-08", "DeepState total for 12 Nov 2022"),
    ("2023-01-01", "UA", 116165 - 7463, None, DEEPSTATE_2026, "DeepState: 1 Jan 2026 total less the gain it reports since 1 Jan 2023"),
    *[("2023-01-01", region_id, None, pct, DEEPSTATE_2026, f"DeepState share at the start of 2023: {pct}%")
      for region_id, pct in [("UA-63", 1.9), ("UA-23", 72.8), ("UA-14", 56.7), ("UA-09", 97.9), ("UA-65", 72.0),
                             ("UA-12", 0.0), ("UA-59", 0.0)]],
    ("2025-08-17", "UA", 114493, None, "terr-deepstate-2025-08", "DeepState total for 17 Aug 2025"),
    ("2026-01-01", "UA", 116165, None, DEEPSTATE_2026, "DeepState published total"),
    *[("2026-01-01", region_id, None, pct, DEEPSTATE_2026, f"DeepState published share {pct}%")
      for region_id, pct in [("UA-12", 0.6), ("UA-59", 1.0), ("UA-63", 4.7), ("UA-65", 72.0), ("UA-23", 74.8),
                             ("UA-14", 78.1), ("UA-09", 99.6), ("UA-43", 100.0)]],
]
PREWAR_FULLY_HELD = ("UA-43", "UA-40")
# Kharkiv Human Rights Protection Group, "Destructions in Donbas" (26 Sep 2016): km² held by the
# self-proclaimed republics within each oblast.
PREWAR_DONBAS_KM2 = {"UA-14": 8552.0, "UA-09": 8325.0}
PREWAR_DONBAS_SOURCE = "terr-khpg-donbas-2016"


def snapshot_rows(folder: Path, regions: pd.DataFrame, boundaries: pd.DataFrame) -> pd.DataFrame:
    """One row per region and one national row for every snapshot in `folder`."""
    frames = []
    for path in sorted(folder.glob("*.geojson")):
        control = control_from_polygon(read_snapshot(path), boundaries, regions)
        control["date"] = pd.Timestamp(snapshot_date(path))
        frames.append(control)
    rows = pd.concat(frames, ignore_index=True)
    rows["occupied_km2"] = rows["occupied_km2"].round(1)
    rows["occupied_km2_low"] = rows["occupied_km2_high"] = rows["occupied_km2"]
    rows["basis"], rows["method"], rows["source_id"] = "DeepState", "computed", DEEPSTATE_SOURCE
    return rows.reindex(columns=COLUMNS)


def liveuamap_rows(series_csv: Path) -> pd.DataFrame:
    """National rows read off the liveuamap daily series: key dates, the peak, monthly points."""
    series = pd.read_csv(series_csv, parse_dates=["date"]).set_index("date")["area"].sort_index()
    monthly = series[series.index.day == 1]
    picks = dict.fromkeys(monthly.index, "")
    picks.update({pd.Timestamp(d): why for d, why in LIVEUAMAP_KEY_DATES.items()})
    picks[series.idxmax()] = "peak of Russian control in spring 2022"
    rows = pd.DataFrame({"date": list(picks), "note": list(picks.values())})
    rows["occupied_km2"] = series.reindex(rows["date"]).round(1).to_numpy()
    rows["occupied_km2_low"] = rows["occupied_km2_high"] = rows["occupied_km2"]
    rows["region_id"] = NATIONAL_ID
    rows["basis"], rows["method"], rows["source_id"] = "liveuamap", "derived", LIVEUAMAP_SOURCE
    return rows.reindex(columns=COLUMNS).sort_values("date")


def prewar_region_rows(regions: pd.DataFrame) -> pd.DataFrame:
    """Per-region rows for 23 Feb 2022: Crimea and Sevastopol whole; in Donetsk and Luhansk the
    areas the Kharkiv Human Rights Protection Group published for the 'republics' (2016), the
    line of contact having held, with minor changes, from 2015 until the invasion."""
    area = regions.set_index("region_id")["area_km2"]
    rows = []
    for region_id in regions["region_id"]:
        if region_id in PREWAR_FULLY_HELD:
            km2 = float(area[region_id])
            basis, method, source, note = "liveuamap", "derived", LIVEUAMAP_SOURCE, "held since 2014"
        elif region_id in PREWAR_DONBAS_KM2:
            km2 = PREWAR_DONBAS_KM2[region_id]
            basis, method, source = "KHPG", "published", PREWAR_DONBAS_SOURCE
            note = "area held by the self-proclaimed republics as published in 2016; the line barely moved until 2022"
        else:
            km2 = 0.0
            basis, method, source, note = "liveuamap", "derived", LIVEUAMAP_SOURCE, None
        rows.append({"date": pd.Timestamp("2022-02-23"), "region_id": region_id, "occupied_km2": km2,
                     "occupied_km2_low": km2, "occupied_km2_high": km2, "basis": basis,
                     "method": method, "source_id": source, "note": note})
    return pd.DataFrame(rows, columns=COLUMNS)


def _widen(row: pd.Series, other_km2: float, other_source: str, note: str) -> pd.Series:
    """`row` with its low or high bound moved out to `other_km2` (from `other_source`) if beyond it."""
    row = row.copy()
    if other_km2 < row["occupied_km2_low"]:
        row["occupied_km2_low"], row["low_source_id"] = round(other_km2, 1), other_source
    if other_km2 > row["occupied_km2_high"]:
        row["occupied_km2_high"], row["high_source_id"] = round(other_km2, 1), other_source
    row["note"] = "; ".join(part for part in (row["note"], note) if isinstance(part, str) and part)
    return row


def build_control(snapshots: Path, liveuamap_csv: Path, regions: pd.DataFrame, boundaries: pd.DataFrame) -> pd.DataFrame:
    """The full territory_control table: DeepState central where it exists, liveuamap before."""
    deepstate = snapshot_rows(snapshots, regions, boundaries)
    liveuamap = liveuamap_rows(liveuamap_csv)
    deepstate_national = deepstate[deepstate["region_id"] == NATIONAL_ID].set_index("date", drop=False)
    national = []
    for _, row in liveuamap.iterrows():
        if row["date"] in deepstate_national.index:
            central = deepstate_national.loc[row["date"]]
            national.append(_widen(central, row["occupied_km2"], LIVEUAMAP_SOURCE, f"liveuamap {row['occupied_km2']:.0f} km²"))
        else:
            national.append(row)
    national = pd.DataFrame(national)
    rows = pd.concat([national, deepstate[~((deepstate["region_id"] == NATIONAL_ID) & deepstate["date"].isin(set(national["date"])))],
                      prewar_region_rows(regions)],
                     ignore_index=True)
    rows = rows.set_index(["date", "region_id"])
    area = regions.set_index("region_id")["area_km2"]
    published = {}
    for date, region_id, km2, share, source, what in PUBLISHED_FIGURES:
        key = (pd.Timestamp(date), region_id)
        value = km2 if km2 is not None else round(share / 100 * float(area[region_id]), 1)
        if key in rows.index:
            rows.loc[key] = _widen(rows.loc[key], value, source, f"{what}: {value:.0f} km²")
        elif key in published:
            published[key] = _widen(published[key], value, source, f"{what}: {value:.0f} km²")
        else:
            published[key] = pd.Series({"date": key[0], "region_id": region_id, "occupied_km2": value,
                                        "occupied_km2_low": value, "occupied_km2_high": value, "basis": "DeepState",
                                        "method": "published", "source_id": source, "note": what})
    out = pd.concat([rows.reset_index(), pd.DataFrame(list(published.values()), columns=COLUMNS)], ignore_index=True)
    out = out.sort_values(["date", "region_id"])
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    return out[COLUMNS]


def site_controllers(snapshot: Path, sites: pd.DataFrame) -> pd.DataFrame:
    """`sites` with `controller` (Russia inside the occupied polygon, else Ukraine) and `as_of` set."""
    occupied = read_snapshot(snapshot)
    points = shapely.points(sites["lon"].to_numpy(), sites["lat"].to_numpy())
    out = sites.copy()
    out["controller"] = ["Russia" if inside else "Ukraine" for inside in shapely.contains(occupied, points)]
    out["as_of"] = snapshot_date(snapshot).isoformat()
    out["source_id"] = DEEPSTATE_SOURCE
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    snap = commands.add_parser("snapshots", help="rows for every snapshot in a folder, to stdout")
    snap.add_argument("folder", type=Path)
    build = commands.add_parser("build", help="rewrite data/territory/territory_control.csv")
    build.add_argument("folder", type=Path)
    build.add_argument("liveuamap_csv", type=Path)
    site = commands.add_parser("sites", help="rewrite the controller columns of data/territory/sites.csv")
    site.add_argument("snapshot", type=Path)
    args = parser.parse_args()

    regions = load("regions")
    boundaries = load_boundaries(list(regions["region_id"]))
    if args.command == "snapshots":
        rows = snapshot_rows(args.folder, regions, boundaries)
        rows["date"] = rows["date"].dt.strftime("%Y-%m-%d")
        rows.to_csv(sys.stdout, index=False)
    elif args.command == "build":
        build_control(args.folder, args.liveuamap_csv, regions, boundaries).to_csv(CONTROL_CSV, index=False)
        print(f"wrote {CONTROL_CSV}")
    else:
        sites = pd.read_csv(SITES_CSV, dtype=str, keep_default_na=False)
        out = site_controllers(args.snapshot, sites.astype({"lat": float, "lon": float}))
        sites[["controller", "as_of", "source_id"]] = out[["controller", "as_of", "source_id"]]
        sites.to_csv(SITES_CSV, index=False)
        print(f"wrote {SITES_CSV}")


if __name__ == "__main__":
    try:
        main()
    except DataValidationError as error:  # a bad snapshot or data file: the kit's message, no traceback
        sys.exit(str(error))
