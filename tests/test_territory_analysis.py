"""Territory analysis: areas on an equal-area projection, control at a date, lines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from analysis_helpers.analysis import territory as terr

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"
GEOD = Geod(ellps="WGS84")


def _box(lon0, lat0, lon1, lat1):
    return shapely.box(lon0, lat0, lon1, lat1)


@pytest.fixture
def toy():
    """Two adjacent 1°×1° regions near Kyiv's latitude, with official areas equal to their geodesic areas."""
    west, east = _box(30, 49, 31, 50), _box(31, 49, 32, 50)
    geodesic = [abs(GEOD.geometry_area_perimeter(g)[0]) / 1e6 for g in (west, east)]
    boundaries = pd.DataFrame({"region_id": ["UA-01", "UA-02"], "geometry": [west, east]})
    regions = pd.DataFrame({"region_id": ["UA-01", "UA-02"], "name": ["West", "East"],
                            "area_km2": geodesic, "population": [1000, 3000]})
    return boundaries, regions


def test_equal_area_matches_geodesic_area():
    square = _box(30, 48, 31, 49)
    geodesic = abs(GEOD.geometry_area_perimeter(square)[0]) / 1e6
    assert terr.area_km2(square) == pytest.approx(geodesic, rel=1e-3)
    assert terr.area_km2(square) > 8000  # degrees² would give 1


def test_control_from_polygon_shares_and_national_sum(toy):
    boundaries, regions = toy
    occupied = _box(31.5, 49, 32.5, 50)  # half of East, plus ground outside both regions
    out = terr.control_from_polygon(occupied, boundaries, regions).set_index("region_id")
    assert out.loc["UA-01", "share"] == pytest.approx(0.0, abs=1e-9)
    assert out.loc["UA-02", "share"] == pytest.approx(0.5, abs=0.01)
    assert out.loc["UA", "occupied_km2"] == pytest.approx(out.loc["UA-02", "occupied_km2"])


def test_coast_sliver_counts_as_occupied_but_jagged_edges_elsewhere_do_not(toy):
    boundaries, regions = toy
    # East occupied but for a 500 m strip on its far edge (a map coast that stops short).
    occupied = _box(31, 49, 31.994, 50)
    out = terr.control_from_polygon(occupied, boundaries, regions).set_index("region_id")
    assert out.loc["UA-02", "share"] == pytest.approx(1.0, abs=1e-6)
    assert out.loc["UA-01", "share"] == pytest.approx(0.0, abs=1e-9)
    plain = terr.control_from_polygon(occupied, boundaries, regions, sliver_km=0).set_index("region_id")
    assert plain.loc["UA-02", "share"] < 0.995


@settings(max_examples=25, deadline=None)
@given(st.floats(30.05, 31.95))
def test_share_is_monotone_in_the_occupied_extent(split):
    boundaries = pd.DataFrame({"region_id": ["UA-01"], "geometry": [_box(30, 49, 32, 50)]})
    regions = pd.DataFrame({"region_id": ["UA-01"], "area_km2": [1000.0]})
    less = terr.control_from_polygon(_box(split, 49, 32, 50), boundaries, regions, sliver_km=0)
    more = terr.control_from_polygon(_box(split - 0.05, 49, 32, 50), boundaries, regions, sliver_km=0)
    assert 0 <= less["share"].iloc[0] <= more["share"].iloc[0] <= 1


@pytest.fixture
def control():
    rows = [("2024-01-01", "UA-01", 100.0), ("2024-07-01", "UA-01", 200.0), ("2025-01-01", "UA-01", 400.0),
            ("2024-01-01", "UA-02", 50.0), ("2025-01-01", "UA-02", 50.0),
            ("2023-06-01", "UA", 140.0), ("2024-01-01", "UA", 150.0), ("2024-12-31", "UA", 430.0), ("2025-06-01", "UA", 500.0)]
    frame = pd.DataFrame(rows, columns=["date", "region_id", "occupied_km2"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["occupied_km2_low"] = frame["occupied_km2"] - 10
    frame["occupied_km2_high"] = frame["occupied_km2"] + 10
    return frame


def test_control_at_step_and_linear(control):
    step = terr.control_at(control, "2024-04-01").set_index("region_id")
    assert step.loc["UA-01", "occupied_km2"] == 100.0
    assert step.loc["UA-01", "observed"] == pd.Timestamp("2024-01-01")
    linear = terr.control_at(control, "2024-10-01", method="linear").set_index("region_id")
    expected = 200 + 200 * (92 / 184)
    assert linear.loc["UA-01", "occupied_km2"] == pytest.approx(expected)
    assert linear.loc["UA-01", "occupied_km2_low"] == pytest.approx(expected - 10)
    # after the last observation the last value holds; before the first there is nothing
    assert terr.control_at(control, "2030-01-01", "linear").set_index("region_id").loc["UA-01", "occupied_km2"] == 400
    assert "UA-01" not in set(terr.control_at(control, "2023-01-01")["region_id"])


def test_control_at_drops_stale_observations(control):
    fresh = terr.control_at(control, "2024-12-01", max_age_days=200)
    assert set(fresh["region_id"]) == {"UA-01"}  # UA-02 and UA last seen 335 days before


def test_control_at_rejects_unknown_method(control):
    with pytest.raises(ValueError, match="method must be one of"):
        terr.control_at(control, "2024-01-01", method="spline")


def test_change_between(control):
    change = terr.change_between(control, "2024-01-01", "2025-01-01").set_index("region_id")
    assert change.loc["UA-01", "change_km2"] == 300
    assert change.loc["UA-02", "change_km2"] == 0


def test_gains_per_year(control):
    gains = terr.gains_per_year(control).set_index("year")
    assert gains.loc[2023, "gain_km2"] == 0  # a single observation: nothing measured yet
    assert gains.loc[2024, "gain_km2"] == 430 - 140
    assert gains.loc[2025, "gain_km2"] == 70
    assert gains.loc[2025, "to"] == pd.Timestamp("2025-06-01")


@pytest.fixture
def regions():
    return pd.DataFrame({"region_id": ["UA-01", "UA-02", "UA-03"], "name": ["A", "B", "C"],
                         "area_km2": [1000.0, 500.0, 500.0], "population": [100, 50, 850]})


def test_lines_compare_area_and_population(regions):
    rows = [("2022-02-23", "UA-01", 100.0), ("2022-02-23", "UA-02", 0.0), ("2022-02-23", "UA-03", 0.0),
            ("2025-01-01", "UA-01", 500.0), ("2025-01-01", "UA-02", 250.0), ("2025-01-01", "UA-03", 0.0)]
    control = pd.DataFrame(rows, columns=["date", "region_id", "occupied_km2"]).assign(date=lambda f: pd.to_datetime(f["date"]))
    control["occupied_km2_low"] = control["occupied_km2_high"] = control["occupied_km2"]
    claims = pd.DataFrame({"region_id": ["UA-01"], "claimed_since": pd.to_datetime(["2022-09-30"])})
    lines = terr.named_lines(control, claims, regions, "2025-06-01", custom={"UA-03": 0.5})
    table = terr.compare_lines(lines, regions).set_index("line")
    assert table.loc[terr.LINE_1991, "russian_side_km2"] == 0
    assert table.loc[terr.LINE_EVE, "russian_side_km2"] == 100
    contact = terr.line_of_contact_name("2025-06-01")
    assert table.loc[contact, "russian_side_km2"] == 750
    assert table.loc[contact, "russian_side_population"] == pytest.approx(50 + 25)
    assert table.loc[terr.LINE_CLAIMED, "russian_side_km2"] == 1000 + 250
    assert table.loc["User-defined line", "russian_side_population"] == 425
    assert (table["russian_side_km2"] + table["ukrainian_side_km2"]).eq(2000).all()
    assert table.loc[contact, "russian_side_share"] == pytest.approx(0.375)


def test_custom_line_rejects_bad_input(regions):
    control = pd.DataFrame(columns=["date", "region_id", "occupied_km2", "occupied_km2_low", "occupied_km2_high"])
    control["date"] = pd.to_datetime(control["date"])
    claims = pd.DataFrame({"region_id": [], "claimed_since": []})
    with pytest.raises(ValueError, match="unknown region_id"):
        terr.named_lines(control, claims, regions, "2025-01-01", custom={"UA-99": 0.5})
    with pytest.raises(ValueError, match="between 0 and 1"):
        terr.named_lines(control, claims, regions, "2025-01-01", custom={"UA-01": 1.5})


def test_claimed_vs_controlled(regions, control):
    claims = pd.DataFrame({"region_id": ["UA-01", "UA-02"], "claimed_since": pd.to_datetime(["2022-09-30"] * 2)})
    out = terr.claimed_vs_controlled(claims, regions, control, "2025-02-01").set_index("region_id")
    assert out.loc["UA-01", "not_held_km2"] == 600
    assert out.loc["UA-02", "share"] == pytest.approx(0.10)


@pytest.mark.skipif(not (REFERENCE / "deepstate").is_dir(), reason="../shared/reference/deepstate not present")
def test_real_snapshot_close_to_deepstate_published_shares():
    """1 Jan 2026 snapshot against DeepState's own per-oblast figures (online.ua, 2 Jan 2026)."""
    import analysis_helpers as ah
    from analysis_helpers.data.geo import load_boundaries, read_snapshot

    regions = ah.load("regions")
    occupied = read_snapshot(REFERENCE / "deepstate" / "deepstatemap_data_20260101.geojson")
    out = terr.control_from_polygon(occupied, load_boundaries(list(regions["region_id"])), regions).set_index("region_id")
    published = {"UA-14": 78.1, "UA-09": 99.6, "UA-23": 74.8, "UA-65": 72.0, "UA-63": 4.7, "UA-43": 100.0}
    for region_id, pct in published.items():
        assert 100 * out.loc[region_id, "share"] == pytest.approx(pct, abs=1.0), region_id
    assert out.loc["UA", "occupied_km2"] == pytest.approx(116165, rel=0.015)
    assert np.isfinite(out["occupied_km2"]).all()


def test_compare_with_bounds(regions):
    control = pd.DataFrame({"date": pd.to_datetime(["2026-01-01"] * 2), "region_id": ["UA-01", "UA-02"],
                            "occupied_km2": [500.0, 100.0], "occupied_km2_low": [500.0, 90.0],
                            "occupied_km2_high": [510.0, 100.0], "low_source_id": [None, "x"],
                            "high_source_id": ["x", None]})
    out = terr.compare_with_bounds(control, regions, "2026-01-01", "x").set_index("region_id")
    assert out.loc["UA-01", "other_km2"] == 510
    assert out.loc["UA-02", "other_km2"] == 90
    assert out.loc["UA-01", "difference_share"] == pytest.approx(-0.01)
