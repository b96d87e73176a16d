"""Territorial control: area from map polygons, control at a date, changes, and named lines.

Pure functions: DataFrames and shapely geometries in, DataFrames out. Conventions:

* Areas of polygons are measured on a Lambert azimuthal equal-area projection centred on
  Ukraine, never in degrees.
* A region's occupied area is its *share* (occupied outline / region outline, both measured the
  same way) times its *official* area: simplified outlines misstate areas by a few percent
  (coasts, Kyiv city), shares much less.
* Population on either side of a line is pre-war population pro rata to area inside each
  region: a uniform-density assumption, coarse where a region's cities sit on one side.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from ..conventions import NATIONAL_ID, AsOf, as_timestamp, days_to_months

# Lambert azimuthal equal-area centred on Ukraine (distortion of area is nil by construction).
EQUAL_AREA_CRS = "+proj=laea +lat_0=48.5 +lon_0=31.5 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
_TO_EQUAL_AREA = Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
METHODS = ("step", "linear")
# Half-width of the map-versus-outline slivers ignored when measuring held ground (see below).
SLIVER_KM = 1.0


def to_equal_area(geom):
    """A WGS84 (lon, lat) geometry reprojected to metres on the equal-area projection."""
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_EQUAL_AREA.transform(xy[:, 0], xy[:, 1])))


def area_km2(geom) -> float:
    """Area of a WGS84 geometry in km², measured on the kit's equal-area projection."""
    return to_equal_area(geom).area / 1e6


def control_from_polygon(occupied, boundaries: pd.DataFrame, regions: pd.DataFrame,
                         sliver_km: float = SLIVER_KM) -> pd.DataFrame:
    """Occupied share and km² per region, plus the national row, from one occupied-area polygon.

    `boundaries`: `region_id`, `geometry` (WGS84); `regions`: `region_id`, `area_km2` (official).
    Returns `region_id`, `share` (0-1), `occupied_km2` (share × official area); the national row
    (`UA`) sums the regions, so occupied area outside Ukraine's borders is never counted.

    The map's coast and state border are not the outlines' coast and border: a fully occupied
    coastal region would keep a strip of "not occupied" shore. So pieces of the region outside
    the polygon that are narrower than 2 × `sliver_km` and touch the polygon count as occupied
    (see `_sliver_area`); real held ground is far wider than that.
    """
    occupied_ea = to_equal_area(occupied)
    outlines_ea = np.array([to_equal_area(g) for g in boundaries["geometry"]])
    outside = shapely.difference(outlines_ea, occupied_ea)
    held = shapely.area(outside)
    if sliver_km > 0:
        held = held - np.array([_sliver_area(part, occupied_ea, sliver_km * 1000) for part in outside])
    share = np.clip(1.0 - held / shapely.area(outlines_ea), 0.0, 1.0)
    per_region = pd.DataFrame({"region_id": boundaries["region_id"].to_numpy(), "share": share})
    per_region = per_region.merge(regions[["region_id", "area_km2"]], on="region_id", how="left", validate="1:1")
    per_region["occupied_km2"] = per_region["share"] * per_region["area_km2"].astype(float)
    total_area = float(per_region["area_km2"].sum())
    national = pd.DataFrame({"region_id": [NATIONAL_ID],
                             "share": [per_region["occupied_km2"].sum() / total_area],
                             "occupied_km2": [per_region["occupied_km2"].sum()]})
    return pd.concat([per_region.drop(columns="area_km2"), national], ignore_index=True)


def _sliver_area(outside, occupied, metres: float) -> float:
    """Area of the thin pieces of `outside` (narrower than 2 × `metres`) that touch `occupied`.

    The thin pieces are what a morphological opening removes; only those touching the occupied
    polygon are the map's coast or border slivers (others are jagged edges of the outline).
    """
    if outside.is_empty:
        return 0.0
    # Mitred joins keep convex corners: a round join would shave them off as "thin" pieces.
    opened = shapely.buffer(shapely.buffer(outside, -metres, join_style="mitre"), metres, join_style="mitre")
    thin = shapely.get_parts(shapely.difference(outside, opened))
    touching = thin[shapely.dwithin(thin, occupied, 1.0)]
    return float(shapely.area(touching).sum())


_VALUE_COLUMNS = ["occupied_km2", "occupied_km2_low", "occupied_km2_high"]


def control_at(control: pd.DataFrame, as_of: AsOf, method: str = "step",
               max_age_days: int | None = None) -> pd.DataFrame:
    """Occupied area per `region_id` on date `as_of`.

    `step`: the latest observation on or before `as_of` (what the map showed that day).
    `linear`: straight line between the observations either side of `as_of`; after the last
    observation, the last value. A region with no observation on or before `as_of` is left
    out; with `max_age_days`, so is one whose latest observation is older than that.
    Returns `region_id`, `occupied_km2`, `occupied_km2_low`, `occupied_km2_high`, `observed`
    (date of the observation used, or of the earlier one when interpolating).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    when = as_timestamp(as_of)
    value_columns = [c for c in _VALUE_COLUMNS if c in control.columns]  # bounds are optional
    rows = []
    for region_id, series in control.sort_values("date").groupby("region_id", sort=True):
        before = series[series["date"] <= when]
        if before.empty:
            continue
        last = before.iloc[-1]
        if max_age_days is not None and (when - last["date"]).days > max_age_days:
            continue
        values = last[value_columns].astype(float)
        after = series[series["date"] > when]
        if method == "linear" and not after.empty and last["date"] < when:
            nxt = after.iloc[0]
            weight = (when - last["date"]) / (nxt["date"] - last["date"])
            values = values + weight * (nxt[value_columns].astype(float) - values)
        rows.append({"region_id": region_id, **values.to_dict(), "observed": last["date"]})
    return pd.DataFrame(rows, columns=["region_id", *value_columns, "observed"])


def change_between(control: pd.DataFrame, start: AsOf, end: AsOf, method: str = "step") -> pd.DataFrame:
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


def shares_at(control: pd.DataFrame, regions: pd.DataFrame, as_of: AsOf, method: str = "step",
              max_age_days: int | None = None) -> pd.DataFrame:
    """Every region with its occupied km² and `share` (0-1) at `as_of` (NaN where unobserved)."""
    at = control_at(control, as_of, method, max_age_days)
    out = regions[["region_id", "name", "area_km2", "population"]].merge(at, on="region_id", how="left")
    out["share"] = out["occupied_km2"] / out["area_km2"]
    return out


def national_series(control: pd.DataFrame) -> pd.DataFrame:
    """Date-sorted national rows (`date`, `occupied_km2`, and `basis` when the table has it)."""
    columns = ["date", "occupied_km2"] + (["basis"] if "basis" in control.columns else [])
    rows = control.loc[control["region_id"] == NATIONAL_ID, columns]
    return rows.dropna(subset=["date", "occupied_km2"]).sort_values("date").reset_index(drop=True)


def front_movement(control: pd.DataFrame, as_of: AsOf, window_days: int = 365) -> pd.Series | None:
    """Net national change of Russian-held area over the `window_days` ending at `as_of`.

    Only rows of one mapping basis are compared (that of the latest row), since sources draw
    the line differently. Returns `start`, `end` (dates used), `change_km2`, `km2_per_month`
    and `basis`, or None when fewer than two such rows fall in the window.
    """
    series = national_series(control)
    end = as_timestamp(as_of)
    inside = series[(series["date"] <= end) & (series["date"] >= end - pd.Timedelta(days=window_days))]
    basis = inside["basis"].iloc[-1] if "basis" in inside.columns and not inside.empty else None
    if basis is not None:
        inside = inside[inside["basis"] == basis]
    if len(inside) < 2:
        return None
    first, last = inside.iloc[0], inside.iloc[-1]
    change = last["occupied_km2"] - first["occupied_km2"]
    months = days_to_months((last["date"] - first["date"]).days)
    return pd.Series({"start": first["date"], "end": last["date"], "change_km2": change,
                      "km2_per_month": change / months, "basis": basis})


# -- lines ----------------------------------------------------------------------------------

LINE_1991 = "1991 borders"
EVE_OF_INVASION = pd.Timestamp("2022-02-23")
LINE_EVE = f"Line of {EVE_OF_INVASION:%d %b %Y}"
LINE_CLAIMED = "Russia's claimed borders"


def line_of_contact_name(as_of: AsOf) -> str:
    """The display name of the line of contact on a date."""
    return f"Line of contact {as_timestamp(as_of):%d %b %Y}"


def named_lines(control: pd.DataFrame, claims: pd.DataFrame, regions: pd.DataFrame, as_of: AsOf,
                custom: Mapping[str, float] | None = None, custom_name: str = "User-defined line") -> dict[str, pd.Series]:
    """Russian-held share (0-1) of every region under each named line.

    * 1991 borders: nothing on the Russian side.
    * Line of 23 Feb 2022 and the line of contact at `as_of`: observed control (step).
    * Russia's claimed borders: every region in `claims` whole, plus what it holds elsewhere at `as_of`.
    * `custom`: shares given per region (0-1); regions not named are taken as 0.
    """
    ids = regions["region_id"]

    def from_control(date: AsOf) -> pd.Series:
        at = control_at(control, date).set_index("region_id")["occupied_km2"]
        area = regions.set_index("region_id")["area_km2"]
        return (at.reindex(ids).fillna(0.0) / area.reindex(ids).to_numpy()).set_axis(ids.to_numpy()).clip(0, 1)

    contact = from_control(as_of)
    claimed = contact.copy()
    claimed[claimed.index.isin(claims["region_id"])] = 1.0
    lines = {
        LINE_1991: pd.Series(0.0, index=ids.to_numpy()),
        LINE_EVE: from_control(EVE_OF_INVASION),
        line_of_contact_name(as_of): contact,
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
                     "russian_side_share": russian_km2 / float(base["area_km2"].sum()),
                     "russian_side_population": russian_pop,
                     "ukrainian_side_population": float(base["population"].sum()) - russian_pop})
    return pd.DataFrame(rows)


def claimed_vs_controlled(claims: pd.DataFrame, regions: pd.DataFrame, control: pd.DataFrame,
                          as_of: AsOf) -> pd.DataFrame:
    """For each claimed region: area claimed, area held at `as_of`, and the claimed-but-not-held rest."""
    at = shares_at(control, regions, as_of)
    out = claims[["region_id", "claimed_since"]].merge(at, on="region_id", how="left")
    out["claimed_km2"] = out["area_km2"]
    out["not_held_km2"] = out["claimed_km2"] - out["occupied_km2"]
    return out[["region_id", "name", "claimed_since", "claimed_km2", "occupied_km2", "share",
                "not_held_km2", "observed"]]


def compare_with_bounds(control: pd.DataFrame, regions: pd.DataFrame, as_of: AsOf, source_id: str) -> pd.DataFrame:
    """Central figure against the bound `source_id` set on date `as_of` (low or high), in km² and shares (0-1)."""
    day = control[control["date"] == as_timestamp(as_of)]
    is_low, is_high = day["low_source_id"] == source_id, day["high_source_id"] == source_id
    rows = day[is_low | is_high]
    other = rows["occupied_km2_low"].where(is_low[rows.index], rows["occupied_km2_high"])
    area = regions.set_index("region_id")["area_km2"].astype(float)
    area[NATIONAL_ID] = float(area.sum())
    out = pd.DataFrame({"region_id": rows["region_id"], "kit_km2": rows["occupied_km2"], "other_km2": other})
    out["kit_share"] = out["kit_km2"] / out["region_id"].map(area)
    out["other_share"] = out["other_km2"] / out["region_id"].map(area)
    out["difference_share"] = out["kit_share"] - out["other_share"]
    return out.reset_index(drop=True)
