"""Territory analysis: areas on an equal-area projection, control at a date, lines."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from pyproj import Geod

from analysis_helpers.analysis import territory as terr

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


def _frame(boundaries):
    # The toy regions' outer edge is all land border (no coast): strips along it count as held.
    return terr.measuring_frame(boundaries, shapely.boundary(shapely.union_all(list(boundaries["geometry"]))))


def test_control_from_snapshot_measures_the_map_and_sums_nationally(toy):
    boundaries, regions = toy
    occupied = _box(31.5, 49, 32.5, 50)  # half of East, plus ground beyond the state edge
    out = terr.control_from_snapshot(occupied, None, _frame(boundaries)).set_index("region_id")
    assert out.loc["UA-01", "share"] == pytest.approx(0.0, abs=1e-9)
    assert out.loc["UA-02", "share"] == pytest.approx(0.5, abs=0.01)
    # the map's own area within the region plus the 5 km band beyond its eastern edge (1° of
    # latitude, ~111 km long), and nothing farther out
    east_half, band = regions.loc[1, "area_km2"] / 2, terr.BAND_KM * 111.2
    assert out.loc["UA-02", "occupied_km2"] == pytest.approx(east_half + band, rel=0.01)
    assert out.loc["UA", "occupied_km2"] == pytest.approx(out.loc["UA-02", "occupied_km2"])
    assert out.loc["UA-02", "occupied_km2_high"] == out.loc["UA-02", "occupied_km2"]  # no contested layer


def test_contested_layer_sets_the_high_bound(toy):
    boundaries, _ = toy
    out = terr.control_from_snapshot(_box(31.5, 49, 32, 50), _box(31.2, 49, 31.5, 50), _frame(boundaries)).set_index("region_id")
    assert out.loc["UA-02", "occupied_km2_high"] > 1.5 * out.loc["UA-02", "occupied_km2"]
    assert out.loc["UA-02", "share"] == pytest.approx(0.5, abs=0.01)


def test_region_left_with_edge_strips_only_is_held_whole(toy):
    boundaries, _ = toy
    # East occupied but for a 500 m strip on its far edge (a map border that stops short).
    out = terr.control_from_snapshot(_box(31, 49, 31.994, 50), None, _frame(boundaries)).set_index("region_id")
    assert out.loc["UA-02", "share"] == 1.0
    assert out.loc["UA-01", "share"] == pytest.approx(0.0, abs=1e-9)


def test_ground_enclosed_by_held_ground_does_not_stop_a_region_being_whole(toy):
    boundaries, _ = toy
    lake = _box(31.4, 49.4, 31.6, 49.6)  # undrawn water inside a held region
    held = shapely.difference(_box(31, 49, 32, 50), lake)
    out = terr.control_from_snapshot(held, None, _frame(boundaries)).set_index("region_id")
    assert out.loc["UA-02", "share"] == 1.0
    assert out.loc["UA-02", "occupied_km2"] >= terr.area_km2(_box(31, 49, 32, 50)) - 0.5


@given(st.floats(30.1, 31.9))
def test_share_is_monotone_in_the_occupied_extent(split):
    boundaries = pd.DataFrame({"region_id": ["UA-01"], "geometry": [_box(30, 49, 32, 50)]})
    frame = terr.measuring_frame(boundaries, shapely.LineString())
    less = terr.control_from_snapshot(_box(split, 49, 32, 50), None, frame)
    more = terr.control_from_snapshot(_box(split - 0.05, 49, 32, 50), None, frame)
    assert 0 <= less["share"].iloc[0] <= more["share"].iloc[0] <= 1
    assert less["occupied_km2"].iloc[0] <= more["occupied_km2"].iloc[0]


def test_monthly_net_change_spans_consecutive_months_only():
    rows = [("2022-02-23", "UA-01", 10.0), ("2022-04-03", "UA-01", 100.0), ("2022-05-01", "UA-01", 150.0),
            ("2022-05-15", "UA-01", 160.0), ("2022-06-01", "UA-01", 140.0)]
    control = pd.DataFrame(rows, columns=["date", "region_id", "occupied_km2"]).assign(date=lambda f: pd.to_datetime(f["date"]))
    change = terr.monthly_net_change(control)
    assert list(change["month"].dt.strftime("%Y-%m")) == ["2022-04", "2022-05"]
    assert list(change["change_km2"]) == [50.0, -10.0]


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


def test_agreement_with_published_uses_the_next_map_for_totals_and_the_same_day_for_shares():
    control = pd.DataFrame({"date": pd.to_datetime(["2025-08-01", "2025-09-01", "2026-01-01", "2026-01-01"]),
                            "region_id": ["UA", "UA", "UA", "UA-01"], "occupied_km2": [100.0, 110.0, 120.0, 50.0],
                            "share": [0.1, 0.11, 0.12, 0.5]})
    comparison = pd.DataFrame({"date": pd.to_datetime(["2025-08-17", "2026-01-01", "2026-01-01"]),
                               "region_id": ["UA", "UA", "UA-01"], "occupied_km2": [100.0, 120.0, None],
                               "share": [None, None, 0.49], "basis": ["DeepState"] * 3})
    out = terr.agreement_with_published(control, comparison).set_index(["date", "region_id", "kind"])
    assert out.loc[(pd.Timestamp("2025-08-17"), "UA", "km2"), "kit"] == 110.0
    assert out.loc[(pd.Timestamp("2025-08-17"), "UA", "km2"), "difference"] == pytest.approx(10.0)
    assert out.loc[(pd.Timestamp("2026-01-01"), "UA-01", "share"), "difference"] == pytest.approx(1.0)
