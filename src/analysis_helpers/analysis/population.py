"""People on each side of a line: settlements where they are, the rest of a region spread by area.

Pure functions on the validated tables `regions` (pre-war totals: Ukrstat's estimate of 1 January
2021 for 25 regions, the 2014 figures for Crimea and Sevastopol), `settlements` (GeoNames places
with their population, see its schema's notes) and `settlement_control` (the side each settlement
was on, from the same DeepState maps as `territory_control`).

Model, per region r and line:
    people on Russia's side = settled(r) x settled_share(r) + remainder(r) x area_share(r)
where settled(r) is the population of r's settlements, remainder(r) = total(r) - settled(r) (the
rural and small-town rest, never negative: the data layer rejects a region whose settlements
exceed it) spread evenly over the region's area, area_share(r) the line's share of r's area on
Russia's side and settled_share(r) the share of r's settled people on Russia's side:
* 0 or 1 where the line takes the region whole (or leaves it whole),
* the settlements a map puts on Russia's side where the line is that map's line of contact
  (point in polygon, done once by `scripts/build_settlements.py` and read from `settlement_control`),
* the area share otherwise (a share given by hand has no geometry: pro rata, as before).
The settlement populations are GeoNames' figures, of varying years; only their split between the
sides is taken from them, the total of each region is always its pre-war reference total.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from ..conventions import AsOf, as_timestamp

RUSSIAN_SIDE, UKRAINIAN_SIDE = "Russia", "Ukraine"
CONTROLLERS = (RUSSIAN_SIDE, UKRAINIAN_SIDE)
REFERENCE_NOTE = ("Pre-war population: Ukrstat's estimates of 1 Jan 2021 (Crimea and Sevastopol: 2014); "
                  "settlements (GeoNames) placed by map, the rest of each region spread by area.")


def settlements_within(settlements: pd.DataFrame, geometry) -> np.ndarray:
    """Boolean per settlement: its point (`lon`, `lat`, WGS84) lies inside `geometry` (vectorised)."""
    if geometry is None or shapely.is_empty(geometry):
        return np.zeros(len(settlements), dtype=bool)
    shapely.prepare(geometry)
    return shapely.contains_xy(geometry, settlements["lon"].to_numpy(float), settlements["lat"].to_numpy(float))


def settled_by_region(settlements: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Per region (index region_id): `population` (the reference total), `settled` (its settlements'
    sum) and `remainder` (the rest). ValueError when settlements exceed a region's total (the data
    layer rejects such a file first, naming the row)."""
    total = regions.set_index("region_id")["population"].astype(float)
    settled = settlements.groupby("region_id")["population"].sum().astype(float).reindex(total.index).fillna(0.0)
    out = pd.DataFrame({"population": total, "settled": settled, "remainder": total - settled})
    over = out[out["remainder"] < 0]
    if not over.empty:
        raise ValueError(f"settlements exceed their region's population in {', '.join(over.index)}")
    return out


def held_on(settlement_control: pd.DataFrame, when: AsOf) -> pd.Index:
    """The settlement_ids on Russia's side on `when`: each settlement's latest row on or before it."""
    rows = settlement_control[settlement_control["date"] <= as_timestamp(when)]
    latest = rows.sort_values("date", kind="stable").drop_duplicates("settlement_id", keep="last")
    return pd.Index(latest.loc[latest["controller"] == RUSSIAN_SIDE, "settlement_id"])


def held_share(settlements: pd.DataFrame, held: pd.Index) -> pd.Series:
    """Per region: the share (0-1) of its settled people in `held` settlements (NaN: no settlement)."""
    population = settlements["population"].astype(float)
    on_side = population.where(settlements["settlement_id"].isin(held), 0.0)
    sums = pd.DataFrame({"region_id": settlements["region_id"], "all": population, "held": on_side}).groupby("region_id").sum()
    return (sums["held"] / sums["all"].where(sums["all"] > 0)).rename("held_share")


def settled_share(area_share: pd.Series, held: pd.Series | None = None) -> pd.Series:
    """Share of each region's settled people on Russia's side under a line whose area share is
    `area_share`: 0 or 1 where the line takes the region whole or not at all, the map's reading
    `held` where given (a line of contact), else the area share (pro rata)."""
    out = area_share.astype(float).copy()
    if held is not None:
        reading = held.reindex(out.index)
        partial = (out > 0) & (out < 1) & reading.notna()
        out[partial] = reading[partial]
    return out


def people(regions: pd.DataFrame, settlements: pd.DataFrame, area_share: pd.Series,
           settled: pd.Series | None = None) -> pd.Series:
    """Per region: people on the side whose area share is `area_share` and settled share `settled`
    (default: `settled_share(area_share)`, i.e. pro rata), by the model of the module doc."""
    base = settled_by_region(settlements, regions)
    area = area_share.reindex(base.index).fillna(0.0).astype(float)
    on_side = (settled_share(area) if settled is None else settled).reindex(base.index).fillna(0.0).astype(float)
    return base["settled"] * on_side + base["remainder"] * area


def occupied_people(regions: pd.DataFrame, settlements: pd.DataFrame, settlement_control: pd.DataFrame,
                    area_share: pd.Series, observed: AsOf) -> float:
    """People (pre-war) on Russia's side of the line of contact of the map dated `observed`, whose
    area shares are `area_share`."""
    held = held_share(settlements, held_on(settlement_control, observed))
    return float(people(regions, settlements, area_share, settled_share(area_share, held)).sum())
