"""Territorial control: area from map polygons, control at a date, changes, and named lines.

Pure functions: DataFrames and shapely geometries in, DataFrames out. Conventions:

* Areas of polygons are measured on a Lambert azimuthal equal-area projection centred on
  Ukraine, never in degrees.
* A region's occupied km² is the map's own polygon area inside the region's outline extended by
  a 5 km band beyond Ukraine's edge (the map's coast and border are not the outline's), so that
  the national sum is what DeepState itself measures; its *share* is the part of the land
  outline the map covers, fully held regions exactly 1 (see `control_from_snapshot`).
* Population on either side of a line is pre-war population pro rata to area inside each
  region: a uniform-density assumption, coarse where a region's cities sit on one side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from ..conventions import NATIONAL_ID

# Lambert azimuthal equal-area centred on Ukraine (distortion of area is nil by construction).
EQUAL_AREA_CRS = "+proj=laea +lat_0=48.5 +lon_0=31.5 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
_TO_EQUAL_AREA = Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
METHODS = ("step", "linear")
# Width of the band outside Ukraine's edge in which a map's polygon still counts (see measuring_frame).
BAND_KM = 5.0
# Half-width of the map-versus-outline strips counted as covered (see control_from_snapshot).
SLIVER_KM = 2.5


def to_equal_area(geom):
    """A WGS84 (lon, lat) geometry reprojected to metres on the equal-area projection."""
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_EQUAL_AREA.transform(xy[:, 0], xy[:, 1])))


def area_km2(geom) -> float:
    return to_equal_area(geom).area / 1e6


@dataclass(frozen=True)
class MeasuringFrame:
    """Region outlines prepared for measuring maps (all on the equal-area projection, metres).

    `outlines`: the regions' land outlines; `extended`: each outline plus its part of a band
    `band_km` wide outside Ukraine's outer edge (coast and state border), split among regions by
    nearest outline; `edge`: Ukraine's outer edge; `land_border`: the part of it that is a land
    border with another state.
    """

    region_ids: np.ndarray
    outlines: np.ndarray
    extended: np.ndarray
    edge: object
    land_border: object


def measuring_frame(boundaries: pd.DataFrame, land_border, band_km: float = BAND_KM) -> MeasuringFrame:
    """Outlines and their seaward/borderward bands for `control_from_snapshot`.

    The band exists because a map's coast and state border are not the outline's: DeepState's
    polygons run up to a few km beyond Natural Earth's edge (measured on 1 Jan 2026: 99% of the
    polygon area outside the outline lies within 5 km of it). The band is split among regions by
    the nearest point of their outer edge (a Voronoi partition of points every 500 m along it).
    """
    outlines = np.array([to_equal_area(g) for g in boundaries["geometry"]])
    ukraine = shapely.union_all(outlines)
    edge = shapely.boundary(ukraine)
    band = shapely.difference(shapely.buffer(ukraine, band_km * 1000), ukraine)
    points, owners = [], []
    for index, outline in enumerate(outlines):
        on_edge = shapely.intersection(shapely.boundary(outline), shapely.buffer(edge, 1.0))
        coords = shapely.get_coordinates(shapely.segmentize(on_edge, 500.0)).round(0)
        points.append(coords)
        owners.append(np.full(len(coords), index))
    points, owners = np.vstack(points), np.concatenate(owners)
    # Neighbours share their edge vertices: keep each point once (Voronoi needs distinct sites).
    _, first = np.unique(points, axis=0, return_index=True)
    first = np.sort(first)
    points, owners = points[first], owners[first]
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), ordered=True,
                                                       extend_to=shapely.buffer(ukraine, 3 * band_km * 1000)))
    extended = np.array([shapely.union(outline, shapely.intersection(band, shapely.union_all(cells[owners == index])))
                         for index, outline in enumerate(outlines)])
    return MeasuringFrame(boundaries["region_id"].to_numpy(), outlines, extended, edge, to_equal_area(land_border))


def control_from_snapshot(russian_held, contested, frame: MeasuringFrame) -> pd.DataFrame:
    """Russian-held km² and share of every region, and the national row, from one map (WGS84).

    * `occupied_km2`: area of `russian_held` within the region's extended outline — the map's own
      area, so the national sum is what the map maker measures; `occupied_km2_high` adds the
      `contested` layer (None: the archive has none, high = central).
    * `share` (0-1): the part of the region's land outline the map covers, counting as covered
      the thin strips (under 2 × `SLIVER_KM` wide) between the map and the outline along a land
      border, and the whole region when only thin strips along Ukraine's edge stay uncovered
      (a fully held region is exactly 1). National `share`: the regions' shares weighted by
      their outline areas.
    """
    held = to_equal_area(russian_held)
    high = held if contested is None else shapely.union(held, to_equal_area(contested))
    rows = {"region_id": frame.region_ids,
            "occupied_km2": shapely.area(shapely.intersection(frame.extended, held)) / 1e6,
            "occupied_km2_high": shapely.area(shapely.intersection(frame.extended, high)) / 1e6,
            "share": _land_shares(held, frame)}
    per_region = pd.DataFrame(rows)
    weights = shapely.area(frame.outlines)
    national = {"region_id": NATIONAL_ID, "occupied_km2": per_region["occupied_km2"].sum(),
                "occupied_km2_high": per_region["occupied_km2_high"].sum(),
                "share": float(np.dot(per_region["share"], weights) / weights.sum())}
    return pd.concat([per_region, pd.DataFrame([national])], ignore_index=True)


def _land_shares(held, frame: MeasuringFrame) -> np.ndarray:
    shares = np.zeros(len(frame.outlines))
    touched = np.flatnonzero(shapely.intersects(frame.outlines, held))
    for index in touched:
        outline = frame.outlines[index]
        uncovered = shapely.difference(outline, held)
        covered = outline.area - uncovered.area
        thin, wide = _thin_parts(uncovered, SLIVER_KM * 1000)
        if wide.area < 1.0 and shapely.dwithin(thin, frame.edge, 1.0).all():
            shares[index] = 1.0
            continue
        at_border = thin[shapely.dwithin(thin, held, 1.0) & shapely.dwithin(thin, frame.land_border, 1.0)]
        shares[index] = min(1.0, (covered + shapely.area(at_border).sum()) / outline.area)
    return shares


def _thin_parts(area, metres: float):
    """The pieces of `area` narrower than 2 × `metres` (what a morphological opening removes), and the rest."""
    if area.is_empty:
        return np.array([]), area
    # Mitred joins keep convex corners: a round join would shave them off as "thin" pieces.
    wide = shapely.buffer(shapely.buffer(area, -metres, join_style="mitre"), metres, join_style="mitre")
    return shapely.get_parts(shapely.difference(area, wide)), wide


_VALUE_COLUMNS = ["occupied_km2", "occupied_km2_low", "occupied_km2_high"]


def control_at(control: pd.DataFrame, when, method: str = "step", max_age_days: int | None = None) -> pd.DataFrame:
    """Occupied area per `region_id` on date `when`.

    `step`: the latest observation on or before `when` (what the map showed that day).
    `linear`: straight line between the observations either side of `when`; after the last
    observation, the last value. A region with no observation on or before `when` is left
    out; with `max_age_days`, so is one whose latest observation is older than that.
    Returns `region_id`, `occupied_km2`, `occupied_km2_low`, `occupied_km2_high`, `observed`
    (date of the observation used, or of the earlier one when interpolating).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    when = pd.Timestamp(when)
    rows = []
    for region_id, series in control.sort_values("date").groupby("region_id", sort=True):
        before = series[series["date"] <= when]
        if before.empty:
            continue
        last = before.iloc[-1]
        if max_age_days is not None and (when - last["date"]).days > max_age_days:
            continue
        values = last[_VALUE_COLUMNS].astype(float)
        after = series[series["date"] > when]
        if method == "linear" and not after.empty and last["date"] < when:
            nxt = after.iloc[0]
            weight = (when - last["date"]) / (nxt["date"] - last["date"])
            values = values + weight * (nxt[_VALUE_COLUMNS].astype(float) - values)
        rows.append({"region_id": region_id, **values.to_dict(), "observed": last["date"]})
    return pd.DataFrame(rows, columns=["region_id", *_VALUE_COLUMNS, "observed"])


def change_between(control: pd.DataFrame, start, end, method: str = "step") -> pd.DataFrame:
    """Occupied km² per region at `start` and `end`, and the change (positive = Russian gain)."""
    before = control_at(control, start, method).set_index("region_id")["occupied_km2"]
    after = control_at(control, end, method).set_index("region_id")["occupied_km2"]
    out = pd.DataFrame({"start_km2": before, "end_km2": after}).dropna()
    out["change_km2"] = out["end_km2"] - out["start_km2"]
    return out.reset_index(names="region_id")


def gains_per_year(control: pd.DataFrame, region_id: str = NATIONAL_ID) -> pd.DataFrame:
    """Net change of occupied area in each calendar year, from observations of one region.

    Each year runs from the last observation on or before 31 Dec of the previous year (or the
    year's first observation) to the last observation on or before 31 Dec; both dates are given,
    so a partial year is visible as such.
    """
    series = control[control["region_id"] == region_id].sort_values("date").set_index("date")["occupied_km2"]
    rows = []
    for year in sorted(series.index.year.unique()):
        end = series[series.index <= pd.Timestamp(year, 12, 31)]
        prior = series[series.index <= pd.Timestamp(year - 1, 12, 31)]
        start = prior if not prior.empty else series[series.index.year == year]
        start_date = start.index[-1] if not prior.empty else start.index[0]
        rows.append({"year": year, "from": start_date, "to": end.index[-1],
                     "start_km2": series[start_date], "end_km2": end.iloc[-1],
                     "gain_km2": end.iloc[-1] - series[start_date]})
    return pd.DataFrame(rows)


def shares_at(control: pd.DataFrame, regions: pd.DataFrame, when, method: str = "step",
              max_age_days: int | None = None) -> pd.DataFrame:
    """Every region with its occupied km² and share (%) at `when` (NaN where unobserved)."""
    at = control_at(control, when, method, max_age_days)
    out = regions[["region_id", "name", "area_km2", "population"]].merge(at, on="region_id", how="left")
    out["share_pct"] = 100 * out["occupied_km2"] / out["area_km2"]
    return out


# -- lines ----------------------------------------------------------------------------------

LINE_1991 = "1991 borders"
LINE_EVE = "Line of 23 Feb 2022"
LINE_CLAIMED = "Russia's claimed borders"


def line_of_contact_name(when) -> str:
    return f"Line of contact {pd.Timestamp(when):%d %b %Y}"


def named_lines(control: pd.DataFrame, claims: pd.DataFrame, regions: pd.DataFrame, when,
                custom: Mapping[str, float] | None = None, custom_name: str = "User-defined line") -> dict[str, pd.Series]:
    """Russian-held share (0-1) of every region under each named line.

    * 1991 borders: nothing on the Russian side.
    * Line of 23 Feb 2022 and the line of contact at `when`: observed control (step).
    * Russia's claimed borders: every region in `claims` whole, plus what it holds elsewhere at `when`.
    * `custom`: shares given per region (0-1); regions not named are taken as 0.
    """
    ids = regions["region_id"]

    def from_control(date) -> pd.Series:
        at = control_at(control, date).set_index("region_id")["occupied_km2"]
        area = regions.set_index("region_id")["area_km2"]
        return (at.reindex(ids).fillna(0.0) / area.reindex(ids).to_numpy()).set_axis(ids.to_numpy()).clip(0, 1)

    contact = from_control(when)
    claimed = contact.copy()
    claimed[claimed.index.isin(claims["region_id"])] = 1.0
    lines = {
        LINE_1991: pd.Series(0.0, index=ids.to_numpy()),
        LINE_EVE: from_control("2022-02-23"),
        line_of_contact_name(when): contact,
        LINE_CLAIMED: claimed,
    }
    if custom is not None:
        unknown = sorted(set(custom) - set(ids))
        if unknown:
            raise ValueError(f"unknown region_id in the user-defined line: {', '.join(unknown)}")
        bad = {k: v for k, v in custom.items() if not 0.0 <= float(v) <= 1.0}
        if bad:
            raise ValueError(f"shares must be between 0 and 1: {bad}")
        lines[custom_name] = pd.Series({rid: float(custom.get(rid, 0.0)) for rid in ids})
    return lines


def compare_lines(lines: Mapping[str, pd.Series], regions: pd.DataFrame) -> pd.DataFrame:
    """Area and pre-war population on each side of each line, and Russia's share of Ukraine."""
    base = regions.set_index("region_id")[["area_km2", "population"]]
    rows = []
    for name, share in lines.items():
        share = share.reindex(base.index).fillna(0.0)
        russian_km2 = float((share * base["area_km2"]).sum())
        russian_pop = float((share * base["population"]).sum())
        rows.append({"line": name,
                     "russian_side_km2": russian_km2,
                     "ukrainian_side_km2": float(base["area_km2"].sum()) - russian_km2,
                     "russian_side_pct": 100 * russian_km2 / float(base["area_km2"].sum()),
                     "russian_side_population": russian_pop,
                     "ukrainian_side_population": float(base["population"].sum()) - russian_pop})
    return pd.DataFrame(rows)


def claimed_vs_controlled(claims: pd.DataFrame, regions: pd.DataFrame, control: pd.DataFrame, when) -> pd.DataFrame:
    """For each claimed region: area claimed, area held at `when`, and the claimed-but-not-held rest."""
    at = shares_at(control, regions, when)
    out = claims[["region_id", "claimed_since"]].merge(at, on="region_id", how="left")
    out["claimed_km2"] = out["area_km2"]
    out["not_held_km2"] = out["claimed_km2"] - out["occupied_km2"]
    return out[["region_id", "name", "claimed_since", "claimed_km2", "occupied_km2", "share_pct",
                "not_held_km2", "observed"]]


def compare_with_bounds(control: pd.DataFrame, regions: pd.DataFrame, when, source_id: str) -> pd.DataFrame:
    """Central figure against the bound `source_id` set on date `when` (low or high), in km² and %."""
    day = control[control["date"] == pd.Timestamp(when)]
    is_low, is_high = day["low_source_id"] == source_id, day["high_source_id"] == source_id
    rows = day[is_low | is_high]
    other = rows["occupied_km2_low"].where(is_low[rows.index], rows["occupied_km2_high"])
    area = regions.set_index("region_id")["area_km2"].astype(float)
    area[NATIONAL_ID] = float(area.sum())
    out = pd.DataFrame({"region_id": rows["region_id"], "kit_km2": rows["occupied_km2"], "other_km2": other})
    out["kit_pct"] = 100 * out["kit_km2"] / out["region_id"].map(area)
    out["other_pct"] = 100 * out["other_km2"] / out["region_id"].map(area)
    out["difference_pct_points"] = out["kit_pct"] - out["other_pct"]
    return out.reset_index(drop=True)
