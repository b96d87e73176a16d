"""The central territory series: one basis, both DeepState archives agree, the map maker agrees,
and bad snapshots are named by file and rule."""

from __future__ import annotations

import json
import sys
import warnings
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analysis_helpers as ah
from analysis_helpers.analysis import territory as terr
from analysis_helpers.data.territory import (
    CONTESTED,
    HELD_SINCE_2014,
    LIBERATED,
    OCCUPIED,
    layer_kind,
    read_deepstate_snapshot,
    snapshots_in,
)

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference"
HISTORY, SINGLE_LAYER = REFERENCE / "deepstate_history", REFERENCE / "deepstate"
needs_archives = pytest.mark.skipif(not (HISTORY.is_dir() and SINGLE_LAYER.is_dir()),
                                    reason="../shared/reference DeepState archives not present")
SQUARE = {"type": "Polygon", "coordinates": [[[37, 48], [37.5, 48], [37.5, 48.5], [37, 48.5], [37, 48]]]}
BOWTIE = {"type": "Polygon", "coordinates": [[[37, 48], [37.5, 48.5], [37.5, 48], [37, 48.5], [37, 48]]]}


def _snapshot(folder: Path, stem: str, *features: tuple[str | None, dict]) -> Path:
    path = folder / f"{stem}.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {} if name is None else {"name": name}, "geometry": geometry}
        for name, geometry in features]}), encoding="utf-8")
    return path


@pytest.mark.parametrize("name, kind", [
    ("Окуповано /// Occupied\xa0/// geoJSON.status.occupied\n", OCCUPIED),
    ("Окуповано", OCCUPIED),
    ("ОРДЛО /// CADR and CALR", HELD_SINCE_2014),
    ("Крим", HELD_SINCE_2014),
    ("Окупований Крим /// Occupied Crimea\xa0/// geoJSON.territories.crimea", HELD_SINCE_2014),
    ("Статус невідомий /// Unknown status /// geoJSON.status.unknown\n", CONTESTED),
    ("Під питанням\xa0/// Contensed", CONTESTED),
    ("Звільнено 02.07 /// Taken back 02.07\n", LIBERATED),
    ("Окупована Абхазія.\n///\nOccupied Abkhazia.", "abroad"),
    ("Багатокутник 11", None),
])
def test_layers_are_recognised_by_name_whatever_the_spelling(name, kind):
    assert layer_kind(name) == kind


def test_snapshot_without_a_recognisable_layer_names_file_and_layers(tmp_path: Path):
    path = _snapshot(tmp_path, "deepstate_20240101T1200Z", ("Багатокутник 11", SQUARE), ("24.03", SQUARE))
    with pytest.raises(ah.DataValidationError) as caught, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        read_deepstate_snapshot(path)
    message = str(caught.value)
    assert "deepstate_20240101T1200Z.geojson" in message and "no recognisable Russian-held layer" in message
    assert "Багатокутник 11" in message and "24.03" in message


def test_invalid_geometry_is_repaired_with_a_warning_naming_the_file(tmp_path: Path):
    path = _snapshot(tmp_path, "deepstate_20240101T1200Z", ("Окуповано /// Occupied", BOWTIE))
    with pytest.warns(UserWarning, match=r"deepstate_20240101T1200Z\.geojson: feature 1 .*invalid geometry .*repaired"):
        snapshot = read_deepstate_snapshot(path)
    assert snapshot.russian_held.is_valid and snapshot.russian_held.area > 0


def test_snapshot_dated_in_the_future_is_rejected(tmp_path: Path):
    path = _snapshot(tmp_path, "deepstatemap_data_20990101", (None, SQUARE))
    with pytest.raises(ah.DataValidationError, match=r"deepstatemap_data_20990101\.geojson: snapshot dated in the future"):
        read_deepstate_snapshot(path, today=date(2026, 12, 1))


def test_two_snapshots_of_the_same_date_are_rejected(tmp_path: Path):
    _snapshot(tmp_path, "deepstate_20240101T1200Z", ("Окуповано", SQUARE))
    _snapshot(tmp_path, "deepstate_20240101T2300Z", ("Окуповано", SQUARE))
    with pytest.raises(ah.DataValidationError, match=r"deepstate_20240101T2300Z\.geojson: two snapshots with the same date"):
        snapshots_in(tmp_path)


def test_single_layer_snapshot_has_no_contested_layer(tmp_path: Path):
    snapshot = read_deepstate_snapshot(_snapshot(tmp_path, "deepstatemap_data_20250101", (None, SQUARE)))
    assert not snapshot.has_contested_layer and snapshot.contested is None


def test_no_change_in_the_central_series_comes_from_a_change_of_basis():
    """Every central row, from the eve of the invasion on, rests on DeepState maps measured one way:
    consecutive rows of every region never differ in basis or method, and the national figure is
    the sum of the regions' on every date (so no national-only source slips in)."""
    control = ah.load("territory_control")
    assert set(control["basis"]) == {"DeepState"} and set(control["method"]) == {"computed"}
    for _, series in control.sort_values("date").groupby("region_id"):
        assert (series["basis"] == series["basis"].iloc[0]).all()
    national = control[control["region_id"] == "UA"].set_index("date")["occupied_km2"]
    regions_sum = control[control["region_id"] != "UA"].groupby("date")["occupied_km2"].sum()
    assert (national - regions_sum).abs().max() < 1.5
    comparison = ah.load("territory_comparison")
    assert not set(comparison["source_id"]) & set(control["source_id"])


def test_every_month_since_april_2022_has_a_map_of_every_region():
    control = ah.load("territory_control")
    per_region = control[control["region_id"] != "UA"]
    counts = per_region.groupby("date")["region_id"].nunique()
    assert (counts == 27).all()
    months = pd.period_range("2022-04", control["date"].max(), freq="M")
    assert set(months) <= set(counts.index.to_period("M"))
    assert pd.Timestamp("2022-02-23") in counts.index


def test_bounds_come_from_the_map():
    control = ah.load("territory_control")
    assert (control["occupied_km2_low"] == control["occupied_km2"]).all()
    assert (control["occupied_km2_high"] >= control["occupied_km2"]).all()
    layered = control[(control["source_id"] == "terr-deepstate-history") & (control["region_id"] == "UA")
                      & (control["date"] > "2022-03-01")]
    assert (layered["occupied_km2_high"] > layered["occupied_km2"]).all()  # every layered map has a contested layer


def test_fully_held_units_are_exactly_whole():
    control = ah.load("territory_control")
    held = control[control["region_id"].isin(["UA-43", "UA-40"])]
    assert (held["share"] == 1.0).all()


def test_each_share_carries_the_area_it_is_measured_against():
    control = ah.load("territory_control")
    per_region = control.groupby("region_id")["outline_km2"].nunique()
    assert (per_region == 1).all()  # one outline per region, whatever the date
    regions = control[control["region_id"] != "UA"].groupby("date")["outline_km2"].sum()
    national = control[control["region_id"] == "UA"].set_index("date")["outline_km2"]
    assert np.allclose(regions.reindex(national.index), national, atol=0.5)


def test_central_series_agrees_with_deepstate_published_figures():
    """National totals within 0.3% of every published total; published per-oblast shares of
    1 Jan 2026 within 0.5 percentage points. The start-of-2023 shares are reported in the notebook."""
    agreement = terr.agreement_with_published(ah.load("territory_control"), ah.load("territory_comparison"))
    totals = agreement[agreement["kind"] == "km2"]
    assert {"2022-11-12", "2025-08-17", "2026-01-01"} <= set(totals["date"].dt.strftime("%Y-%m-%d"))
    assert totals["difference"].abs().max() < 0.3
    shares = agreement[(agreement["kind"] == "share") & (agreement["date"] == "2026-01-01")]
    assert len(shares) == 8 and shares["difference"].abs().max() < 0.5


@needs_archives
def test_both_archives_agree_where_they_overlap():
    """National totals within 0.3% and per-region shares within 0.5 points on every shared date."""
    sys.path.insert(0, str(REPO / "scripts"))
    from deepstate_to_control import archive_overlap, measuring

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the early layered files carry repaired geometries
        layered = [s for s in snapshots_in(HISTORY) if s.date >= date(2024, 7, 1)]
        single = snapshots_in(SINGLE_LAYER)
    overlap = archive_overlap(layered, single, measuring())
    assert overlap["date"].nunique() >= 10
    national = overlap[overlap["region_id"] == "UA"]
    assert ((national["layered_km2"] / national["single_layer_km2"] - 1).abs() < 0.003).all()
    assert ((overlap["layered_share"] - overlap["single_layer_share"]).abs() < 0.005).all()


@needs_archives
def test_committed_rows_reproduce_from_a_snapshot():
    sys.path.insert(0, str(REPO / "scripts"))
    from deepstate_to_control import measuring, snapshot_control

    snapshot = read_deepstate_snapshot(SINGLE_LAYER / "deepstatemap_data_20250515.geojson")
    computed = snapshot_control(snapshot, measuring(), "").set_index("region_id")
    committed = ah.load("territory_control")
    committed = committed[committed["date"] == "2025-05-15"].set_index("region_id")
    for column in ("occupied_km2", "outline_km2"):
        pd.testing.assert_series_equal(computed[column].sort_index(), committed[column].sort_index(),
                                       check_names=False, atol=0.06)


def test_site_in_the_contested_layer_is_contested(tmp_path: Path):
    sys.path.insert(0, str(REPO / "scripts"))
    from deepstate_to_control import site_controllers

    contested = {"type": "Polygon", "coordinates": [[[38, 48], [38.5, 48], [38.5, 48.5], [38, 48.5], [38, 48]]]}
    path = _snapshot(tmp_path, "deepstate_20250101T1200Z", ("Окуповано /// Occupied", SQUARE),
                     ("Статус невідомий /// Unknown status", contested))
    sites = pd.DataFrame({"site_id": ["a", "b", "c"], "lat": [48.2, 48.2, 50.4], "lon": [37.2, 38.2, 30.5]})
    out = site_controllers(read_deepstate_snapshot(path), sites, "terr-deepstate-history")
    assert list(out["controller"]) == ["Russia", "contested", "Ukraine"]
    assert set(out["as_of"]) == {"2025-01-01"}
