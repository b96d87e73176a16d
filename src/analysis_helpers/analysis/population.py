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

from ..conventions import NATIONAL_ID, AsOf, as_timestamp
from .territory import EVE_OF_INVASION, LINE_CLAIMED, LINE_EVE, line_of_contact_name, shares_at

RUSSIAN_SIDE, UKRAINIAN_SIDE = "Russia", "Ukraine"
CONTROLLERS = (RUSSIAN_SIDE, UKRAINIAN_SIDE)
# The caption of every figure that draws people on a side of a line.
REFERENCE_NOTE = ("Pre-war population (Ukrstat, 1 Jan 2021; Crimea and Sevastopol 2014): towns and cities (GeoNames) "
                  "on the side the map puts them, the rest of each region spread by area.")


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


def held_share(settlements: pd.DataFrame, settlement_control: pd.DataFrame, when: AsOf) -> pd.Series:
    """Per region: the share (0-1) of its settled people on Russia's side on `when` (`held_on`; NaN:
    no settlement)."""
    held = held_on(settlement_control, when)
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


def on_map_of(day: AsOf, control: pd.DataFrame, regions: pd.DataFrame, settlements: pd.DataFrame,
              settlement_control: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Timestamp]:
    """Per region on the map in force on `day` (the latest on or before it): Russia's area share,
    the people on Russia's side, and the map's date."""
    at = shares_at(control, regions, day).set_index("region_id")
    area = at["share"].fillna(0.0).clip(0, 1)
    held = held_share(settlements, settlement_control, day)
    return area, people(regions, settlements, area, settled_share(area, held)), pd.Timestamp(at["observed"].max())


def line_people(lines: dict[str, pd.Series], as_of: AsOf, regions: pd.DataFrame, settlements: pd.DataFrame,
                settlement_control: pd.DataFrame) -> dict[str, pd.Series]:
    """People (pre-war) on Russia's side of each of `territory.named_lines`, per region: the maps'
    settlements for the lines read off a map (the eve of the invasion; the line of contact and
    Russia's claimed borders on `as_of`), pro rata for a line typed by hand between 0 and 1."""
    map_day = {LINE_EVE: EVE_OF_INVASION, line_of_contact_name(as_of): as_of, LINE_CLAIMED: as_of}
    out = {}
    for name, area in lines.items():
        held = held_share(settlements, settlement_control, map_day[name]) if name in map_day else None
        out[name] = people(regions, settlements, area, settled_share(area, held))
    return out


ESTIMATE_COLUMNS = ["estimate_id", "date", "map_date", "measure", "region_id", "counts", "kit_people",
                    "kit_people_even", "low", "high", "gap_low", "gap_high", "source_id"]


def published_comparison(estimates: pd.DataFrame, control: pd.DataFrame, regions: pd.DataFrame,
                         settlements: pd.DataFrame, settlement_control: pd.DataFrame) -> pd.DataFrame:
    """Each published estimate (`population_estimates`) beside the kit's pre-war count of the same
    people on the map of its date: `kit_people` (settlements placed by map), `kit_people_even` (spread
    evenly by area, the former method), the published `low`-`high`, and the gap kit minus published
    (`gap_low` = kit - high, `gap_high` = kit - low; persons). Where the estimate counts residents on
    the date, the gap is mostly people who fled or died, not an error of either count."""
    total = regions.set_index("region_id")["population"].astype(float)
    eve_area, eve_people, _ = on_map_of(EVE_OF_INVASION, control, regions, settlements, settlement_control)
    rows = []
    for row in estimates.itertuples(index=False):
        area, russian, map_date = on_map_of(row.date, control, regions, settlements, settlement_control)
        even = area * total
        if row.measure == "ukrainian_side":
            kit, kit_even = total - russian, total - even
        elif row.measure == "taken_since_invasion":
            kit, kit_even = russian - eve_people, even - eve_area * total
        else:
            kit, kit_even = russian, even
        ids = total.index if row.region_id == NATIONAL_ID else [row.region_id]
        # whole persons: the inputs are counts, and a fraction of a person is an artefact of the area split
        figure, figure_even = round(float(kit.reindex(ids).sum())), round(float(kit_even.reindex(ids).sum()))
        rows.append((row.estimate_id, row.date, map_date, row.measure, row.region_id, row.counts, figure, figure_even,
                     int(row.low), int(row.high), figure - int(row.high), figure - int(row.low), row.source_id))
    return pd.DataFrame(rows, columns=ESTIMATE_COLUMNS)
