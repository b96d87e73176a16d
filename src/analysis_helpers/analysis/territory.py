"""Territorial control: area from map polygons, control at a date, changes, and named lines.

Pure functions: DataFrames and shapely geometries in, DataFrames out. Conventions:

* Areas of polygons are measured on a Lambert azimuthal equal-area projection centred on
  Ukraine, never in degrees.
* A region's occupied km² is the map's own polygon area inside the region's outline extended by
  a 5 km band beyond Ukraine's edge (the map's coast and border are not the outline's), so that
  the national sum is what DeepState itself measures; its *share* is the part of the land
  outline the map covers, fully held regions exactly 1 (see `control_from_snapshot`).
* Population on either side of a line is the pre-war population: by default pro rata to area
  inside each region; with `people` (`analysis.population.line_people`) settlements are placed
  where the maps put them and only the rest of each region is spread by area.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from ..conventions import NATIONAL_ID, AsOf, as_timestamp, days_to_months

# Lambert azimuthal equal-area centred on Ukraine (distortion of area is nil by construction).
EQUAL_AREA_CRS = "+proj=laea +lat_0=48.5 +lon_0=31.5 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
_TO_EQUAL_AREA = Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
METHODS = ("step", "linear")
# Width of the band outside Ukraine's edge in which a map's polygon still counts (see measuring_frame).
BAND_KM = 5.0
# Half-width of the map-versus-outline strips counted as covered (see control_from_snapshot).
SLIVER_KM = 2.5
# A region covered beyond this share is checked for enclosed, undrawn ground before it is called partial.
NEARLY_WHOLE = 0.9


def to_equal_area(geom):
    """A WGS84 (lon, lat) geometry reprojected to metres on the equal-area projection."""
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_EQUAL_AREA.transform(xy[:, 0], xy[:, 1])))


def area_km2(geom) -> float:
    """Area of a WGS84 geometry in km², measured on the kit's equal-area projection."""
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
    point_parts, owner_parts = [], []
    for index, outline in enumerate(outlines):
        on_edge = shapely.intersection(shapely.boundary(outline), shapely.buffer(edge, 1.0))
        coords = shapely.get_coordinates(shapely.segmentize(on_edge, 500.0)).round(0)
        point_parts.append(coords)
        owner_parts.append(np.full(len(coords), index))
    all_points, all_owners = np.vstack(point_parts), np.concatenate(owner_parts)
    # Neighbours share their edge vertices: keep each point once (Voronoi needs distinct sites).
    _, first = np.unique(all_points, axis=0, return_index=True)
    first = np.sort(first)
    points, owners = all_points[first], all_owners[first]
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), ordered=True,
                                                       extend_to=shapely.buffer(ukraine, 3 * band_km * 1000)))
    extended = np.array([shapely.union(outline, shapely.intersection(band, shapely.union_all(cells[owners == index])))
                         for index, outline in enumerate(outlines)])
    return MeasuringFrame(boundaries["region_id"].to_numpy(), outlines, extended, edge, to_equal_area(land_border))


def control_from_snapshot(russian_held, contested, frame: MeasuringFrame, whole_map=None) -> pd.DataFrame:
    """Russian-held km² and share of every region, and the national row, from one map (WGS84).

    * `occupied_km2`: area of `russian_held` within the region's extended outline — the map's own
      area, so the national sum is what the map maker measures; `occupied_km2_high` adds the
      `contested` layer (None: the archive has none, high = central).
    * `share` (0-1): the part of the region's land outline the map covers, counting as covered
      the thin strips (under 2 × `SLIVER_KM` wide) between the map and the outline along a land
      border, and the whole region when only thin strips along Ukraine's edge, or ground cut
      off from the rest of Ukraine's unheld ground (undrawn water such as the Syvash), stay
      uncovered (a fully held region is exactly 1, and its km² then include that enclosed ground).
      National `share`: the regions' shares weighted by their outline areas. `whole_map`: when
      `russian_held` is only some layers of a map (the pre-2022 layers, for the eve of the
      invasion), the map's full Russian-held area, which decides what ground is enclosed.
    """
    held = to_equal_area(russian_held)
    high = held if contested is None else shapely.union(held, to_equal_area(contested))
    shares, enclosed = _land_shares(held, frame, held if whole_map is None else to_equal_area(whole_map))
    occupied = _area_within(frame.extended, held)
    if enclosed is not None:
        # A region held whole also holds the undrawn ground its held layers enclose (see _enclosed_ground):
        # otherwise a map that starts drawing the Syvash would show Crimea "gaining" it.
        whole = shares == 1.0
        occupied[whole] = _area_within(frame.extended[whole], shapely.union(held, enclosed))
    high_km2 = occupied if high is held else np.maximum(occupied, _area_within(frame.extended, high))
    rows = {"region_id": frame.region_ids, "occupied_km2": occupied, "occupied_km2_high": high_km2, "share": shares}
    per_region = pd.DataFrame(rows)
    weights = shapely.area(frame.outlines)
    national = {"region_id": NATIONAL_ID, "occupied_km2": per_region["occupied_km2"].sum(),
                "occupied_km2_high": per_region["occupied_km2_high"].sum(),
                "share": float(np.dot(per_region["share"], weights) / weights.sum())}
    return pd.concat([per_region, pd.DataFrame([national])], ignore_index=True)


def _area_within(outlines: np.ndarray, geom) -> np.ndarray:
    """km² of `geom` inside each outline; outlines it does not touch are skipped (most of them)."""
    shapely.prepare(geom)
    km2 = np.zeros(len(outlines))
    touched = shapely.intersects(geom, outlines)
    km2[touched] = shapely.area(shapely.intersection(outlines[touched], geom)) / 1e6
    return km2


def control_from_polygon(occupied, boundaries: pd.DataFrame, land_border=None) -> pd.DataFrame:
    """`control_from_snapshot` for one Russian-held polygon and no contested layer (a one-off reading).

    Builds the measuring frame each call (a few seconds): measure many maps with one
    `measuring_frame` and `control_from_snapshot` instead. Without `land_border` no border strip
    counts as held, which only affects `share`.
    """
    border = shapely.LineString() if land_border is None else land_border
    return control_from_snapshot(occupied, None, measuring_frame(boundaries, border))


def _land_shares(held, frame: MeasuringFrame, enclosing) -> tuple[np.ndarray, object]:
    """Share of each land outline the map holds (see `control_from_snapshot`), and the enclosed
    undrawn ground when it had to be looked for (else None)."""
    shares = np.zeros(len(frame.outlines))
    touched = np.flatnonzero(shapely.intersects(frame.outlines, held))
    enclosed = None
    for index in touched:
        outline = frame.outlines[index]
        uncovered = shapely.difference(outline, held)
        covered = outline.area - uncovered.area
        thin, wide = _thin_parts(uncovered, SLIVER_KM * 1000)
        whole = wide.area < 1.0 and shapely.dwithin(thin, frame.edge, 1.0).all()
        if not whole and covered / outline.area > NEARLY_WHOLE:
            enclosed = _enclosed_ground(enclosing, frame) if enclosed is None else enclosed
            # Enclosed ground is found on a simplified outline: thin leftovers of that do not count.
            whole = _thin_parts(shapely.difference(uncovered, enclosed), SLIVER_KM * 1000)[1].area < 1.0
        if whole:
            shares[index] = 1.0
            continue
        at_border = thin[shapely.dwithin(thin, held, 1.0) & shapely.dwithin(thin, frame.land_border, 1.0)]
        shares[index] = min(1.0, (covered + shapely.area(at_border).sum()) / outline.area)
    return shares, enclosed


def _enclosed_ground(held, frame: MeasuringFrame):
    """Unheld ground cut off from the rest of Ukraine's unheld ground by held ground and the sea.

    Such ground is water the map does not draw (the Syvash on the 2022 maps) or a gap between
    layers, not a Ukrainian-held pocket: it does not stop a region counting as held whole. Thin
    channels (rivers, coastal strips narrower than 2 × `SLIVER_KM`) do not connect pieces.
    """
    unheld = shapely.difference(shapely.union_all(frame.outlines), held)
    _, wide = _thin_parts(shapely.simplify(unheld, 200.0), SLIVER_KM * 1000)
    pieces = shapely.get_parts(wide)
    return shapely.union_all(np.delete(pieces, np.argmax(shapely.area(pieces))))


def _thin_parts(area, metres: float):
    """The pieces of `area` narrower than 2 × `metres` (what a morphological opening removes), and the rest."""
    if area.is_empty:
        return np.array([]), area
    # Mitred joins keep convex corners: a round join would shave them off as "thin" pieces.
    wide = shapely.buffer(shapely.buffer(area, -metres, join_style="mitre"), metres, join_style="mitre")
    return shapely.get_parts(shapely.difference(area, wide)), wide


_VALUE_COLUMNS = ["occupied_km2", "occupied_km2_low", "occupied_km2_high", "share"]


def control_at(control: pd.DataFrame, as_of: AsOf, method: str = "step",
               max_age_days: int | None = None) -> pd.DataFrame:
    """Occupied area per `region_id` on date `as_of`.

    `step`: the latest observation on or before `as_of` (what the map showed that day).
    `linear`: straight line between the observations either side of `as_of`; after the last
    observation, the last value. A region with no observation on or before `as_of` is left
    out; with `max_age_days`, so is one whose latest observation is older than that.
    Returns `region_id`, `occupied_km2`, and `occupied_km2_low`, `occupied_km2_high`, `share`
    where the table has them, and `observed` (date of the observation used, or of the earlier
    one when interpolating).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    when = as_timestamp(as_of)
    value_columns = [c for c in _VALUE_COLUMNS if c in control.columns]  # bounds and share are optional
    columns = ["region_id", *value_columns, "observed"]
    # Vectorised (a map asks for every date of its slider): per region, its latest row on or
    # before `when` and, for `linear`, its first row after.
    before = control[control["date"] <= when]
    if before.empty:
        return pd.DataFrame([], columns=columns)
    last = before.loc[before.groupby("region_id", sort=True)["date"].idxmax()]
    if max_age_days is not None:
        last = last[(when - last["date"]).dt.days <= max_age_days]
        if last.empty:
            return pd.DataFrame([], columns=columns)
    out = last[["region_id"]].reset_index(drop=True)
    values = last[value_columns].astype(float).reset_index(drop=True)
    observed = last["date"].reset_index(drop=True)
    after = control[control["date"] > when]
    if method == "linear" and not after.empty:
        following = after.loc[after.groupby("region_id")["date"].idxmin()].set_index("region_id")
        nxt = following.reindex(out["region_id"])
        between = nxt["date"].notna().to_numpy() & (observed < when).to_numpy()
        weight = ((when - observed) / (nxt["date"].reset_index(drop=True) - observed)).to_numpy()
        moved = values + weight[:, None] * (nxt[value_columns].astype(float).reset_index(drop=True) - values)
        values = values.where(np.broadcast_to(~between[:, None], values.shape), moved)
    return pd.concat([out, values, observed.rename("observed")], axis=1)[columns]


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


def full_coverage_dates(control: pd.DataFrame, regions: pd.DataFrame) -> list[pd.Timestamp]:
    """Dates on which every region has an observation (the dates a map can show)."""
    per_region = control[control["region_id"] != NATIONAL_ID]
    counts = per_region.groupby("date")["region_id"].nunique()
    return list(counts[counts == len(regions)].index)


def regional_date(control: pd.DataFrame, regions: pd.DataFrame, as_of: AsOf) -> pd.Timestamp:
    """The latest date on or before `as_of` on which every region has an observation (the map a
    per-region chart shows at `as_of`); ValueError if there is none."""
    day = as_timestamp(as_of)
    covered = [date for date in full_coverage_dates(control, regions) if date <= day]
    if not covered:
        raise ValueError(f"no date on or before {day:%Y-%m-%d} has an observation for every region")
    return max(covered)


def with_region_names(frame: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """`frame` with each row's region `name` from `regions` ("Ukraine" for the national rows)."""
    names = regions[["region_id", "name"]]
    return frame.merge(names, on="region_id", how="left").fillna({"name": "Ukraine"})


def shares_at(control: pd.DataFrame, regions: pd.DataFrame, as_of: AsOf, method: str = "step",
              max_age_days: int | None = None) -> pd.DataFrame:
    """Every region with its occupied km² and `share` (0-1) at `as_of` (NaN where unobserved).

    The share is the map's measured `share` where the table has one (a fully held region is
    exactly 1), else km² over the official area."""
    at = control_at(control, as_of, method, max_age_days)
    out = regions[["region_id", "name", "area_km2", "population"]].merge(at, on="region_id", how="left")
    if "share" not in out.columns:
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
        share = shares_at(control, regions, date).set_index("region_id")["share"]
        return share.reindex(ids).fillna(0.0).set_axis(ids.to_numpy()).clip(0, 1)

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
        lines[custom_name] = custom_line(regions, custom)
    return lines


def custom_line(regions: pd.DataFrame, custom: Mapping[str, float]) -> pd.Series:
    """Russian-held share (0-1) of every region under a line given per region (others 0)."""
    ids = regions["region_id"]
    unknown = sorted(set(custom) - set(ids))
    if unknown:
        raise ValueError(f"unknown region_id in the user-defined line: {', '.join(unknown)}")
    bad = {k: v for k, v in custom.items() if not 0.0 <= float(v) <= 1.0}
    if bad:
        raise ValueError(f"shares must be between 0 and 1: {bad}")
    return pd.Series({rid: float(custom.get(rid, 0.0)) for rid in ids})


def compare_lines(lines: Mapping[str, pd.Series], regions: pd.DataFrame,
                  people: Mapping[str, pd.Series] | None = None) -> pd.DataFrame:
    """Area and pre-war population on each side of each line, and Russia's share of Ukraine.

    `people`: per line, the people on Russia's side of each region (`analysis.population.line_people`:
    settlements where the maps put them); a line without it spreads each region's people evenly."""
    base = regions.set_index("region_id")[["area_km2", "population"]]
    rows = []
    for name, share in lines.items():
        share = share.reindex(base.index).fillna(0.0)
        russian_km2 = float((share * base["area_km2"]).sum())
        if people is not None and name in people:
            russian_pop = float(people[name].reindex(base.index).fillna(0.0).sum())
        else:
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
    """For each claimed region: area claimed, area held at `as_of`, and the claimed-but-not-held rest
    (all on the region's official area: held = share × official area)."""
    at = shares_at(control, regions, as_of)
    out = claims[["region_id", "claimed_since"]].merge(at, on="region_id", how="left")
    out["claimed_km2"] = out["area_km2"]
    # On official areas throughout (the map's own km² count its coastal fringe): held + not held = claimed.
    out["occupied_km2"] = out["share"] * out["claimed_km2"]
    out["not_held_km2"] = out["claimed_km2"] - out["occupied_km2"]
    return out[["region_id", "name", "claimed_since", "claimed_km2", "occupied_km2", "share",
                "not_held_km2", "observed"]]


def agreement_with_published(control: pd.DataFrame, comparison: pd.DataFrame, basis: str = "DeepState") -> pd.DataFrame:
    """The kit's central figures against what the map maker published (`comparison` rows of `basis`).

    National totals (km²) are set against the first map on or after the published date (a
    published total describes its day; the next map is the nearest that has happened by then);
    shares against the map of the same date. Returns `date`, `region_id`, `map_date`, `kind`
    (km2 or share), `published`, `kit`, `difference` (percent for km², percentage points for shares).
    """
    published = comparison[comparison["basis"] == basis]
    rows = []
    for row in published.itertuples():
        series = control[control["region_id"] == row.region_id].sort_values("date")
        later = series[series["date"] >= row.date]
        if later.empty:
            continue
        if pd.notna(row.occupied_km2) and row.region_id == NATIONAL_ID:
            kit = later.iloc[0]
            rows.append({"date": row.date, "region_id": row.region_id, "map_date": kit["date"], "kind": "km2",
                         "published": row.occupied_km2, "kit": kit["occupied_km2"],
                         "difference": 100 * (kit["occupied_km2"] / row.occupied_km2 - 1)})
        same_day = series[series["date"] == row.date]
        if pd.notna(row.share) and row.region_id != NATIONAL_ID and not same_day.empty:
            kit = same_day.iloc[0]
            rows.append({"date": row.date, "region_id": row.region_id, "map_date": kit["date"], "kind": "share",
                         "published": row.share, "kit": kit["share"], "difference": 100 * (kit["share"] - row.share)})
    return pd.DataFrame(rows, columns=["date", "region_id", "map_date", "kind", "published", "kit", "difference"])


def monthly_net_change(control: pd.DataFrame) -> pd.DataFrame:
    """Net change of Russian-held km² per region from each month's first map to the next month's.

    Positive = Russian gain. Uses the first map of each calendar month (extra mid-month maps are
    skipped so every bar spans one month) and leaves out the national row (the sum of the
    regions). Returns `month` (start of the month the change happened in), `region_id`,
    `from_date`, `to_date`, `change_km2`.
    """
    per_region = control[control["region_id"] != NATIONAL_ID]
    dates = pd.Series(sorted(per_region["date"].unique()))
    firsts = dates.groupby(dates.dt.to_period("M")).min()
    table = per_region[per_region["date"].isin(firsts)].pivot(index="date", columns="region_id",
                                                              values="occupied_km2").sort_index()
    months = table.index.to_period("M")
    # Only consecutive months: a gap (the eve of the invasion to April 2022) is not a monthly change.
    consecutive = [(a, b) for (a, ma), (b, mb) in pairwise(zip(table.index, months, strict=True)) if (mb - ma).n == 1]
    frames = [pd.DataFrame({"month": a.to_period("M").to_timestamp(), "region_id": table.columns, "from_date": a,
                            "to_date": b, "change_km2": (table.loc[b] - table.loc[a]).to_numpy()}) for a, b in consecutive]
    if not frames:  # fewer than two consecutive months of maps (e.g. as of March 2022)
        return pd.DataFrame(columns=["month", "region_id", "from_date", "to_date", "change_km2"])
    return pd.concat(frames, ignore_index=True)
