"""Cross-row and cross-file rules of the territory datasets (see their Table Schemas' notes)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import shapely

from ..conventions import NATIONAL_ID
from .checks import CheckContext, cross_check
from .errors import DataValidationError
from .geo import BOUNDARIES_FILE, load_boundaries

# Ukraine's official area (State Statistics Service of Ukraine; source terr-ukrstat-total-area).
OFFICIAL_TOTAL_KM2 = 603_549
# Published regional areas are rounded to whole km²; their sum may differ from the total by that.
TOTAL_AREA_TOLERANCE = 0.0005
REGION_COUNT = 27
# Occupied areas are rounded to 0.1 km² and published shares to 0.1 %: allow that much slack.
AREA_SLACK_KM2 = 0.5
# A site may sit just off a simplified coast or border.
SITE_TOLERANCE_DEG = 0.05


def _boundaries_beside(ctx: CheckContext) -> Path:
    """The boundary file of the data folder being checked (territory files sit in data/territory/)."""
    return Path(str(ctx.origins["file"].iloc[0])).resolve().parents[1] / BOUNDARIES_FILE


@cross_check("regions")
def regions_complete(table: pd.DataFrame, ctx: CheckContext):
    if len(table) != REGION_COUNT:
        yield ctx.problem(table.index[-1], "region_id", f"there must be exactly {REGION_COUNT} regions", len(table))
    for index, value in table.loc[table["area_km2"] <= 0, "area_km2"].items():
        yield ctx.problem(index, "area_km2", "must be positive", value)
    total = int(table["area_km2"].sum())
    if abs(total - OFFICIAL_TOTAL_KM2) > TOTAL_AREA_TOLERANCE * OFFICIAL_TOTAL_KM2:
        yield ctx.problem(table.index[-1], "area_km2",
                          f"areas must sum to Ukraine's official {OFFICIAL_TOTAL_KM2} km² (within "
                          f"{TOTAL_AREA_TOLERANCE:.2%})", total)
    try:
        load_boundaries(list(table["region_id"]), _boundaries_beside(ctx))
    except DataValidationError as exc:
        yield from exc.problems


@cross_check("territory_control")
def control_within_regions(table: pd.DataFrame, ctx: CheckContext):
    """Known region, area within the region's, low <= central <= high (vectorised).

    Dates in the future are caught by the loader for every dataset."""
    regions = ctx.load("regions").set_index("region_id")
    area = regions["area_km2"].astype(float)
    area[NATIONAL_ID] = float(regions["area_km2"].sum())
    limit = table["region_id"].map(area)
    known = limit.notna()
    # The schema's enum lists the ids too; this catches a regions.csv edited without the enum.
    for index, value in table.loc[~known, "region_id"].items():
        yield ctx.problem(index, "region_id", "must be UA or a region_id of regions.csv", value)
    for column in ("occupied_km2", "occupied_km2_low", "occupied_km2_high"):
        too_big = known & (table[column] > limit + AREA_SLACK_KM2)
        for index in table.index[too_big]:
            yield ctx.problem(index, column, f"must not exceed the region's area ({limit[index]:.0f} km²)",
                              table.at[index, column])
    outside = ~((table["occupied_km2_low"] <= table["occupied_km2"]) & (table["occupied_km2"] <= table["occupied_km2_high"]))
    for index in table.index[outside]:
        yield ctx.problem(index, "occupied_km2", "must lie between occupied_km2_low and occupied_km2_high",
                          table.at[index, "occupied_km2"])


@cross_check("sites")
def sites_inside_their_region(table: pd.DataFrame, ctx: CheckContext):
    regions = ctx.load("regions")
    outlines = load_boundaries(list(regions["region_id"]), _boundaries_beside(ctx)).set_index("region_id")["geometry"]
    points = shapely.points(table["lon"].to_numpy(), table["lat"].to_numpy())
    inside = shapely.dwithin(outlines.reindex(table["region_id"]).to_numpy(), points, SITE_TOLERANCE_DEG)
    for index in table.index[~inside]:
        row = table.loc[index]
        yield ctx.problem(index, "lat", f"the point lies outside region {row['region_id']}",
                          f"{row['lat']}, {row['lon']}")


# Each computed area is rounded to 0.1 km², so a sum of n of them may be off by 0.05 km² per part.
ROUNDING_PER_PART_KM2 = 0.05


@cross_check("territory_control")
def computed_total_matches_its_regions(table: pd.DataFrame, ctx: CheckContext):
    """Where the national figure is computed from a map, it must equal the sum of that map's regions."""
    computed = table[table["method"] == "computed"]
    national = computed[computed["region_id"] == NATIONAL_ID].set_index("date")
    parts = computed[computed["region_id"] != NATIONAL_ID].groupby("date")["occupied_km2"].agg(["sum", "size"])
    both = national.join(parts, how="inner")
    off = (both["occupied_km2"] - both["sum"]).abs() > ROUNDING_PER_PART_KM2 * both["size"]
    rows = computed.index[(computed["region_id"] == NATIONAL_ID) & computed["date"].isin(both.index[off])]
    for index in rows:
        date = table.at[index, "date"]
        yield ctx.problem(index, "occupied_km2",
                          f"must equal the sum of the computed regions on that date ({both.at[date, 'sum']:.1f} km²) "
                          "within rounding", table.at[index, "occupied_km2"])
