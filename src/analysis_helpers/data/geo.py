"""Read and validate the region boundaries (and name the date of a control snapshot).

Both are GeoJSON, which has no line numbers: problems name the file and the feature
(1-based, in file order) instead of a row.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import shape

from ..memo import Memo
from ..paths import default_data_dir
from .errors import DataValidationError, Problem
from .limits import GEOJSON_MAX_BYTES, GEOJSON_MAX_FEATURES, check_count, read_json
from .package import display_path

BOUNDARIES_FILE = Path("geo") / "ukraine_regions.geojson"
# Two neighbours may share an edge; an overlap larger than this share of the smaller
# unit's area is a digitising error (a ratio, so degrees² cancel out).
MAX_OVERLAP_SHARE = 0.001
_SNAPSHOT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def boundaries_path(data_dir: Path | None = None) -> Path:
    """The region boundary file of a data folder (default: the one in use)."""
    return (data_dir or default_data_dir()) / BOUNDARIES_FILE


def _read_features(path: Path, root: Path | None = None) -> list[dict]:
    """The features of a GeoJSON FeatureCollection, each a mapping with a mapping of properties."""
    shown = display_path(path)
    collection = read_json(path, shown, root, GEOJSON_MAX_BYTES)
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list) or not features:
        raise DataValidationError([Problem(shown, None, None, "must be a GeoJSON FeatureCollection with features")])
    check_count(features, GEOJSON_MAX_FEATURES, shown, "features")
    malformed = [Problem(shown, None, None, f"feature {number}: must be a GeoJSON Feature (a mapping with "
                                             "mapping properties)")
                 for number, feature in enumerate(features, start=1)
                 if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict)]
    if malformed:
        raise DataValidationError(malformed)
    return features


def readable_geometry(mapping: object):
    """The shapely geometry of a GeoJSON geometry mapping, or None when it is not one.

    The one place that knows what shapely raises on a mapping it cannot read: Python's own
    errors for a wrong structure, and `ShapelyError` (the base of `GeometryTypeError` for an
    unknown or empty "type" and of `GEOSException` for broken coordinates)."""
    try:
        return shape(mapping or {})
    except (AttributeError, IndexError, KeyError, TypeError, ValueError, shapely.errors.ShapelyError):
        return None


def _geometry(feature: dict, shown: str, number: int, problems: list[Problem]):
    geom = readable_geometry(feature.get("geometry"))
    if geom is None:
        problems.append(Problem(shown, None, "geometry", f"feature {number}: not a readable GeoJSON geometry"))
        return None
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        problems.append(Problem(shown, None, "geometry", f"feature {number}: must be a non-empty Polygon or MultiPolygon",
                                geom.geom_type))
        return None
    return geom if geom.is_valid else shapely.make_valid(geom)


_checked_boundaries: Memo[pd.DataFrame] = Memo(size=8)


def load_boundaries(expected_ids: list[str] | None = None, path: Path | None = None) -> pd.DataFrame:
    """Region outlines as a DataFrame (`region_id`, `name`, `geometry`), one row per unit.

    Rejects, naming the file and feature: a missing or unknown id, a duplicate id, an id of
    `expected_ids` with no outline, a non-polygon geometry, and overlapping neighbours.
    A file already read and checked (same path, size and modification time) is not re-read.
    """
    path = path or boundaries_path()
    try:
        stat = path.stat()
    except OSError:
        return _read_boundaries(path, expected_ids)  # reports the missing file
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, tuple(expected_ids or ()))
    return _checked_boundaries.get(key, lambda: _read_boundaries(path, expected_ids)).copy()


def _read_boundaries(path: Path, expected_ids: list[str] | None) -> pd.DataFrame:
    shown = display_path(path)
    problems: list[Problem] = []
    rows = []
    # A data folder's own boundary file is read only from inside that folder (see limits.py).
    root = path.parents[1] if path.parts[-2:] == BOUNDARIES_FILE.parts else None
    for number, feature in enumerate(_read_features(path, root), start=1):
        region_id = (feature.get("properties") or {}).get("region_id")
        if not region_id or not isinstance(region_id, str):
            problems.append(Problem(shown, None, "region_id", f"feature {number}: region_id is required (text)"))
            continue
        if expected_ids is not None and region_id not in expected_ids:
            problems.append(Problem(shown, None, "region_id", f"feature {number}: not a region_id of regions.csv", region_id))
        geom = _geometry(feature, shown, number, problems)
        rows.append({"feature": number, "region_id": region_id,
                     "name": (feature.get("properties") or {}).get("name", region_id), "geometry": geom})
    frame = pd.DataFrame(rows, columns=["feature", "region_id", "name", "geometry"])
    for _, dup in frame[frame.duplicated("region_id", keep="first")].iterrows():
        problems.append(Problem(shown, None, "region_id", f"feature {dup['feature']}: duplicate region_id", dup["region_id"]))
    if expected_ids is not None:
        for missing in sorted(set(expected_ids) - set(frame["region_id"])):
            problems.append(Problem(shown, None, "region_id", "no boundary for a region of regions.csv", missing))
    problems.extend(_overlaps(frame.dropna(subset=["geometry"]), shown))
    if problems:
        raise DataValidationError(problems, "region boundaries are invalid")
    return frame.drop(columns="feature").reset_index(drop=True)


def _overlaps(frame: pd.DataFrame, shown: str) -> list[Problem]:
    geoms = list(frame["geometry"])
    if not geoms:
        return []
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    problems = []
    for i, j in zip(left, right, strict=True):
        if i >= j:
            continue
        shared = shapely.intersection(geoms[i], geoms[j]).area
        if shared > MAX_OVERLAP_SHARE * min(geoms[i].area, geoms[j].area):
            a, b = frame.iloc[i], frame.iloc[j]
            problems.append(Problem(shown, None, "geometry",
                                    f"features {a['feature']} and {b['feature']}: outlines overlap",
                                    f"{a['region_id']} / {b['region_id']}"))
    return problems


def snapshot_date(path: Path) -> date:
    """The date in a snapshot's file name (`..._YYYYMMDD.geojson`)."""
    match = _SNAPSHOT_DATE.search(Path(path).stem)
    if not match:
        raise DataValidationError([Problem(display_path(Path(path)), None, None, "file name must contain the date as YYYYMMDD")])
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise DataValidationError([Problem(display_path(Path(path)), None, None, "file name holds an impossible date",
                                           match.group(0))]) from None
