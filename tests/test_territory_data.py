"""Territory datasets: the shipped files are valid, and bad input is named by file, row and rule."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analysis_helpers as ah
from analysis_helpers.data.geo import load_boundaries, snapshot_date
from analysis_helpers.data.territory import OFFICIAL_TOTAL_KM2, read_deepstate_snapshot

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
CONTROL = Path("territory") / "territory_control.csv"
REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


def _problems(data_dir: Path, name: str) -> list[str]:
    with pytest.raises(ah.DataValidationError) as caught:
        ah.load(name, data_dir=data_dir)
    return [str(p) for p in caught.value.problems]


def _edit_csv(path: Path, line: int, column: str, value: str) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[line - 2, column] = value
    frame.to_csv(path, index=False)


def test_shipped_territory_data_is_valid():
    regions = ah.load("regions")
    assert len(regions) == 27
    assert abs(int(regions["area_km2"].sum()) - OFFICIAL_TOTAL_KM2) < 0.0005 * OFFICIAL_TOTAL_KM2
    control = ah.load("territory_control")
    assert control["date"].dtype.kind == "M"
    required = ["2022-02-23", "2022-04-03", "2022-12-01", "2024-01-01", "2025-01-01", "2025-05-15"]
    national = control[control["region_id"] == "UA"].set_index("date")
    for day in required:
        assert pd.Timestamp(day) in national.index, day
    assert set(ah.load("annexation_claims")["region_id"]) == {"UA-43", "UA-40", "UA-14", "UA-09", "UA-23", "UA-65"}
    sites = ah.load("sites").set_index("site_id")
    assert sites.loc["zaporizhzhia-npp", "controller"] == "Russia"
    assert sites.loc["kyiv", "controller"] == "Ukraine"


def test_boundaries_match_regions_and_stay_small():
    path = DATA / "geo" / "ukraine_regions.geojson"
    assert path.stat().st_size < 1_000_000
    outlines = load_boundaries(list(ah.load("regions")["region_id"]))
    assert len(outlines) == 27


def test_unknown_region_id_is_named(data_copy: Path):
    _edit_csv(data_copy / CONTROL, 5, "region_id", "UA-99")
    problems = _problems(data_copy, "territory_control")
    assert any("territory_control.csv, row 5, column region_id: must be one of" in p and "UA-99" in p for p in problems)


def test_control_larger_than_region_is_named(data_copy: Path):
    frame = pd.read_csv(data_copy / CONTROL, dtype=str, keep_default_na=False)
    line = int(frame.index[frame["region_id"] == "UA-40"][0]) + 2
    for column in ("occupied_km2", "occupied_km2_high"):
        _edit_csv(data_copy / CONTROL, line, column, "5000")
    problems = _problems(data_copy, "territory_control")
    assert any(f"row {line}, column occupied_km2: must not exceed the region's area (864 km²" in p for p in problems)


def test_negative_area_and_old_date_are_named(data_copy: Path):
    _edit_csv(data_copy / CONTROL, 3, "occupied_km2_low", "-3")
    _edit_csv(data_copy / CONTROL, 4, "date", "2013-12-31")
    problems = _problems(data_copy, "territory_control")
    assert any("row 3, column occupied_km2_low: minimum 0 (value: -3" in p for p in problems)
    assert any("row 4, column date: minimum 2014-01-01" in p for p in problems)


def test_future_date_is_named(data_copy: Path):
    _edit_csv(data_copy / CONTROL, 6, "date", "2099-01-01")
    problems = _problems(data_copy, "territory_control")
    assert any("row 6, column date: must not be in the future" in p for p in problems)


def test_duplicate_and_missing_boundary_ids_are_named(data_copy: Path):
    path = data_copy / "geo" / "ukraine_regions.geojson"
    collection = json.loads(path.read_text())
    collection["features"][1]["properties"]["region_id"] = collection["features"][0]["properties"]["region_id"]
    path.write_text(json.dumps(collection))
    problems = _problems(data_copy, "regions")
    assert any("ukraine_regions.geojson, column region_id: feature 2: duplicate region_id" in p for p in problems)
    assert any("no boundary for a region of regions.csv" in p for p in problems)


def test_overlapping_boundaries_are_named(data_copy: Path):
    path = data_copy / "geo" / "ukraine_regions.geojson"
    collection = json.loads(path.read_text())
    collection["features"][1]["geometry"] = collection["features"][0]["geometry"]
    path.write_text(json.dumps(collection))
    problems = _problems(data_copy, "regions")
    assert any("features 1 and 2: outlines overlap" in p for p in problems)


def test_site_outside_its_region_is_named(data_copy: Path):
    path = data_copy / "territory" / "sites.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    line = int(frame.index[frame["site_id"] == "lviv"][0]) + 2
    _edit_csv(path, line, "region_id", "UA-14")
    problems = _problems(data_copy, "sites")
    assert any(f"sites.csv, row {line}, column lat: the point lies outside region UA-14" in p for p in problems)


def test_snapshot_name_without_date_is_rejected(tmp_path: Path):
    with pytest.raises(ah.DataValidationError, match="YYYYMMDD"):
        snapshot_date(tmp_path / "snapshot.geojson")


def test_snapshot_that_is_not_a_polygon_is_rejected(tmp_path: Path):
    path = tmp_path / "deepstatemap_data_20250101.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [30, 50]}}]}))
    expected = r"deepstatemap_data_20250101.geojson, column geometry: no polygon .*geometry types found: \['Point'\]"
    with pytest.raises(ah.DataValidationError, match=expected):
        read_deepstate_snapshot(path)


@pytest.mark.skipif(not (REFERENCE / "liveuamap" / "territory.csv").is_file(), reason="../shared/reference/liveuamap not present")
def test_liveuamap_comparison_rows_match_the_daily_series():
    series = pd.read_csv(REFERENCE / "liveuamap" / "territory.csv", parse_dates=["date"]).set_index("date")["area"]
    comparison = ah.load("territory_comparison")
    derived = comparison[comparison["basis"] == "liveuamap"]
    assert len(derived) > 30
    expected = series.reindex(derived["date"]).round(1).to_numpy()
    np.testing.assert_allclose(derived["occupied_km2"].to_numpy(), expected, atol=0.05)
    assert derived.loc[derived["occupied_km2"].idxmax(), "date"] == series.idxmax()


def test_comparison_row_without_a_figure_is_named(data_copy: Path):
    path = data_copy / "territory" / "territory_comparison.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    line = int(frame.index[frame["share"] == ""][0]) + 2
    _edit_csv(path, line, "occupied_km2", "")
    problems = _problems(data_copy, "territory_comparison")
    assert any(f"territory_comparison.csv, row {line}, column occupied_km2: give occupied_km2, share or both" in p
               for p in problems)
