"""Cross-row and cross-file rules of the territory datasets (see their Table Schemas' notes)."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import shapely

from ..conventions import NATIONAL_ID
from ..paths import default_data_dir
from .checks import CheckContext, cross_check
from .errors import DataValidationError, Problem
from .geo import BOUNDARIES_FILE, _read_features, load_boundaries, readable_geometry, snapshot_date
from .package import display_path

# Ukraine's area as the kit first took it; no citable official page stating it was found (its relay
# sat on a blocked domain): it serves only as the reference of the sum check (regions.json notes).
OFFICIAL_TOTAL_KM2 = 603_549
# Published regional areas are rounded to whole km²; their sum may differ from the total by that.
TOTAL_AREA_TOLERANCE = 0.0005
REGION_COUNT = 27
# Occupied areas are rounded to 0.1 km²: allow that much slack.
AREA_SLACK_KM2 = 0.5
# A map's area of a region counts its coastal fringe within the measuring band (territory_control
# notes): a fully held Crimea measures 1.4% above its official area.
MAP_AREA_EXCESS = 0.02
# A site may sit just off a simplified coast or border.
SITE_TOLERANCE_DEG = 0.05


def _boundaries_beside(ctx: CheckContext) -> Path:
    """The boundary file of the data folder being checked (territory files sit in data/territory/)."""
    return Path(str(ctx.origins["file"].iloc[0])).resolve().parents[1] / BOUNDARIES_FILE


@cross_check("regions")
def regions_complete(table: pd.DataFrame, ctx: CheckContext):
    """27 units with positive areas summing to Ukraine's official total, each with an outline."""
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
    # Looked up by position (region_id is unique in regions.csv): Series.map on a text column
    # calls the mapping once per row, ~0.1 s for a million rows.
    position = area.index.get_indexer(table["region_id"])
    known = pd.Series(position >= 0, index=table.index)
    limit = pd.Series(area.to_numpy()[position], index=table.index).where(known)
    # The schema's enum lists the ids too; this catches a regions.csv edited without the enum.
    for index, value in table.loc[~known, "region_id"].items():
        yield ctx.problem(index, "region_id", "must be UA or a region_id of regions.csv", value)
    for column in ("occupied_km2", "occupied_km2_low", "occupied_km2_high"):
        too_big = known & (table[column] > limit * (1 + MAP_AREA_EXCESS) + AREA_SLACK_KM2)
        for index in table.index[too_big]:
            yield ctx.problem(index, column, f"must not exceed the region's area ({limit[index]:.0f} km², "
                              f"plus {MAP_AREA_EXCESS:.0%} for the map's coastal fringe)", table.at[index, column])
    outside = ~((table["occupied_km2_low"] <= table["occupied_km2"]) & (table["occupied_km2"] <= table["occupied_km2_high"]))
    for index in table.index[outside]:
        yield ctx.problem(index, "occupied_km2", "must lie between occupied_km2_low and occupied_km2_high",
                          table.at[index, "occupied_km2"])


@cross_check("sites")
def sites_inside_their_region(table: pd.DataFrame, ctx: CheckContext):
    """Each site lies within (or just off the simplified coast of) its region's outline."""
    regions = ctx.load("regions")
    outlines = load_boundaries(list(regions["region_id"]), _boundaries_beside(ctx)).set_index("region_id")["geometry"]
    points = shapely.points(table["lon"].to_numpy(), table["lat"].to_numpy())
    inside = shapely.dwithin(outlines.reindex(table["region_id"]).to_numpy(), points, SITE_TOLERANCE_DEG)
    for index in table.index[~inside]:
        row = table.loc[index]
        yield ctx.problem(index, "lat", f"the point lies outside region {row['region_id']}",
                          f"{row['lat']}, {row['lon']}")


@cross_check("settlements")
def settlements_inside_their_region(table: pd.DataFrame, ctx: CheckContext):
    """Each settlement lies within (or just off the simplified coast of) its region's outline."""
    yield from sites_inside_their_region(table, ctx)


@cross_check("settlements")
def settlements_within_region_totals(table: pd.DataFrame, ctx: CheckContext):
    """The settlements of a region hold no more people than the region's pre-war total: the rest of
    the region (spread by area) may not be negative. Reported on the region's largest settlement."""
    totals = ctx.load("regions").set_index("region_id")["population"].astype(float)
    settled = table.groupby("region_id")["population"].sum()
    for region_id, value in settled.items():
        total = totals.get(region_id)
        if total is not None and value > total:
            largest = table.loc[table["region_id"] == region_id, "population"].idxmax()
            yield ctx.problem(largest, "population",
                              f"the settlements of {region_id} hold {value:,.0f} people, more than the region's "
                              f"pre-war total in regions.csv ({total:,.0f})", table.at[largest, "population"])


@cross_check("population_estimates")
def estimates_well_formed(table: pd.DataFrame, ctx: CheckContext):
    """A known region (or UA), and low <= high."""
    known = set(ctx.load("regions")["region_id"]) | {NATIONAL_ID}
    for index, value in table.loc[~table["region_id"].isin(known), "region_id"].items():
        yield ctx.problem(index, "region_id", "must be UA or a region_id of regions.csv", value)
    for index in table.index[table["low"] > table["high"]]:
        yield ctx.problem(index, "low", "must not exceed high", table.at[index, "low"])


# Each computed area is rounded to 0.1 km², so a sum of n of them may be off by 0.05 km² per part.
ROUNDING_PER_PART_KM2 = 0.05


@cross_check("territory_control")
def computed_total_matches_its_regions(table: pd.DataFrame, ctx: CheckContext):
    """Where the national figure is computed from a map, it must equal the sum of that map's regions."""
    computed = table.loc[table["method"] == "computed", ["date", "region_id", "occupied_km2"]]
    is_national = computed["region_id"] == NATIONAL_ID  # once: each text comparison is a pass over every row
    parts = computed[~is_national].groupby("date")["occupied_km2"].agg(["sum", "size"])
    national = computed.loc[is_national, ["date", "occupied_km2"]].join(parts, on="date", how="inner")
    off = national[(national["occupied_km2"] - national["sum"]).abs() > ROUNDING_PER_PART_KM2 * national["size"]]
    for index, row in off.iterrows():
        yield ctx.problem(index, "occupied_km2",
                          f"must equal the sum of the computed regions on that date ({row['sum']:.1f} km²) "
                          "within rounding", row["occupied_km2"])


LAND_BORDER_FILE = Path("geo") / "ukraine_land_border.geojson"


def load_land_border(data_dir: Path | None = None):
    """Ukraine's land borders with its neighbours (WGS84 lines; scripts/build_boundaries.py writes them)."""
    path = (data_dir or default_data_dir()) / LAND_BORDER_FILE
    lines = [readable_geometry(feature.get("geometry")) for feature in _read_features(path)]
    if any(line is None for line in lines):
        raise DataValidationError([Problem(display_path(path), None, "geometry", "not a readable GeoJSON geometry")])
    return shapely.union_all(lines)


# -- DeepState snapshots ---------------------------------------------------------------------
#
# Two archives of DeepStateMap.Live exports feed the territory series:
# * `deepstate_history/` (DanielRose2310/deepstatemaps-history): every polygon layer, each feature
#   named (Ukrainian, and English from late 2022) with spellings that drift over time;
# * `deepstate/` (cyterat/deepstate-map-data): one unnamed MultiPolygon of the Russian-held area.
# A layer is recognised by words of its name (patterns below, tried in order: the first match
# wins, so "Окупована Абхазія" is abroad before it is "occupied").

OCCUPIED = "occupied"            # taken since 24 Feb 2022
HELD_SINCE_2014 = "held_since_2014"  # Crimea, Sevastopol, the "ORDLO" parts of Donetsk and Luhansk
CONTESTED = "contested"          # "unknown status" / "under question"
LIBERATED = "liberated"
ABROAD = "abroad"                # Transnistria, Abkhazia and satirical layers over other countries
LANDMARK = "landmark"            # a named place with no status (Snake Island)
RUSSIAN_HELD = (OCCUPIED, HELD_SINCE_2014)
LAYER_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple((kind, re.compile(pattern)) for kind, pattern in (
    (ABROAD, r"придністров|transnistria|абхаз|abkhazia|петсамо|салла|курил|латві|естоні|прусс|карелі|ічкері|цхінвал|печорськ"),
    (HELD_SINCE_2014, r"ордло|cadr|calr|крим|crimea|тузла|tuzla"),
    (CONTESTED, r"під питанням|невідом|сіра зона|unknown status|contested|contensed"),
    (LIBERATED, r"звільнен|liberated|taken back|recaptured|під контролем зсу|орки відсутні"),
    (OCCUPIED, r"окупован|occupied|зайняті ворогом"),
    (LANDMARK, r"зміїний|snake island"),
))
# A snapshot whose features carry no name at all is the single-layer archive: all Russian-held.
UNNAMED_LAYER = "russian_held"


def layer_kind(name: str | None) -> str | None:
    """The kind of a DeepState layer from its feature name, or None when no pattern matches.

    Names are compared lower-case with non-breaking spaces and line breaks folded to spaces, so
    `Окуповано /// Occupied\\xa0/// geoJSON.status.occupied` and `Окуповано` are the same layer.
    """
    text = re.sub(r"\s+", " ", (name or "").replace("\xa0", " ")).strip().lower()
    for kind, pattern in LAYER_PATTERNS:
        if pattern.search(text):
            return kind
    return None


@dataclass
class Snapshot:
    """One map: its file, the date it shows, and one (multi)polygon per layer kind (WGS84)."""

    path: Path
    date: date
    layers: dict[str, object]

    @property
    def russian_held(self):
        """Occupied since 2022 plus held since 2014 (the map maker's 'occupied' total)."""
        if UNNAMED_LAYER in self.layers:
            return self.layers[UNNAMED_LAYER]
        return shapely.union_all([self.layers[k] for k in RUSSIAN_HELD if k in self.layers])

    @property
    def contested(self):
        """The contested ("unknown status") layer, or None when the archive does not keep it."""
        return self.layers.get(CONTESTED)

    @property
    def has_contested_layer(self) -> bool:
        """False for the single-layer archive, which keeps no contested layer."""
        return UNNAMED_LAYER not in self.layers


def _polygons(geom) -> list:
    """The polygonal parts of a geometry (a GeometryCollection may mix in points or lines)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return [geom]
    return [part for part in shapely.get_parts(geom) if part.geom_type in ("Polygon", "MultiPolygon")]


def read_deepstate_snapshot(path: Path, today: date | None = None) -> Snapshot:
    """Read one DeepState snapshot of either archive, by layer.

    Errors (`DataValidationError`, naming the file and the rule): a date in the file name that is
    missing or in the future; no recognisable Russian-held layer (the message lists the layer
    names found). Warnings (naming the file, feature and rule): an invalid geometry, repaired
    with `make_valid`; a layer name no pattern recognises (left out).
    """
    path = Path(path)
    shown = display_path(path)
    when = snapshot_date(path)
    if when > (today or date.today()):
        raise DataValidationError([Problem(shown, None, None, "snapshot dated in the future", when.isoformat())],
                                  "control snapshot is invalid")
    features = _read_features(path)
    names = [(feature.get("properties") or {}).get("name") for feature in features]
    not_text = [Problem(shown, None, "name", f"feature {number}: a layer name must be text", name)
                for number, name in enumerate(names, start=1) if name is not None and not isinstance(name, str)]
    if not_text:
        raise DataValidationError(not_text, "control snapshot is invalid")
    unnamed = all(not name for name in names)
    parts: dict[str, list] = {}
    problems: list[Problem] = []
    unknown: list[str] = []
    for number, (feature, name) in enumerate(zip(features, names, strict=False), start=1):
        kind = UNNAMED_LAYER if unnamed else layer_kind(name)
        if kind is None:
            unknown.append(str(name))
            continue
        geom = readable_geometry(feature.get("geometry"))
        if geom is None:
            problems.append(Problem(shown, None, "geometry", f"feature {number} ({name}): not a readable GeoJSON geometry"))
            continue
        if not geom.is_valid:
            warnings.warn(f"{shown}: feature {number} ({name}): invalid geometry "
                          f"({shapely.is_valid_reason(geom)}) repaired", stacklevel=2)
            geom = shapely.make_valid(geom)
        parts.setdefault(kind, []).extend(_polygons(geom))
    if unknown:
        warnings.warn(f"{shown}: layer names not recognised, left out: {sorted(set(unknown))}", stacklevel=2)
    layers = {kind: shapely.union_all(geoms) for kind, geoms in parts.items() if geoms}
    if unnamed and UNNAMED_LAYER not in layers and not problems:
        kinds = sorted({str((feature.get("geometry") or {}).get("type")) for feature in features})
        problems.append(Problem(shown, None, "geometry", "no polygon in a snapshot of unnamed features "
                                f"(the single-layer archive); geometry types found: {kinds}"))
    elif not any(kind in layers for kind in (*RUSSIAN_HELD, UNNAMED_LAYER)):
        found = sorted({str(name) for name in names})
        problems.append(Problem(shown, None, "name", "no recognisable Russian-held layer (occupied, ORDLO or Crimea); "
                                f"layer names found: {found}"))
    if problems:
        raise DataValidationError(problems, "control snapshot is invalid")
    return Snapshot(path, when, layers)


def snapshots_in(folder: Path, today: date | None = None) -> list[Snapshot]:
    """Every `*.geojson` snapshot in `folder`, by date; two files of the same date are an error."""
    paths = sorted(Path(folder).glob("*.geojson"))
    if not paths:
        raise DataValidationError([Problem(display_path(Path(folder)), None, None, "no *.geojson snapshot in the folder")])
    by_date: dict[date, Path] = {}
    problems = []
    for path in paths:
        when = snapshot_date(path)
        if when in by_date:
            problems.append(Problem(display_path(path), None, None,
                                    f"two snapshots with the same date (also {by_date[when].name})", when.isoformat()))
        by_date.setdefault(when, path)
    if problems:
        raise DataValidationError(problems, "control snapshots are invalid")
    return [read_deepstate_snapshot(by_date[when], today) for when in sorted(by_date)]


@cross_check("territory_comparison")
def comparison_gives_a_figure(table: pd.DataFrame, ctx: CheckContext):
    """Each comparison row gives km², a share, or both."""
    for index in table.index[table["occupied_km2"].isna() & table["share"].isna()]:
        yield ctx.problem(index, "occupied_km2", "give occupied_km2, share or both")
