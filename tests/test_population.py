"""People on each side of a line: settlements where the maps put them, the rest of a region by area."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
import shapely

import analysis_helpers as ah
from analysis_helpers import population, proposals, territory
from analysis_helpers.analysis import population as pop
from analysis_helpers.analysis import proposals as engine
from analysis_helpers.analysis.territory import EVE_OF_INVASION, LINE_EVE
from conftest import REPO_ROOT, load_problems, replace_line

# Two regions: A (1,000,000 people) with a big city held by Ukraine and a town held by Russia; B
# (500,000 people) with one town.
REGIONS = pd.DataFrame({"region_id": ["UA-01", "UA-02"], "area_km2": [1000.0, 1000.0],
                        "population": [1_000_000, 500_000]})
SETTLEMENTS = pd.DataFrame({"settlement_id": [1, 2, 3], "name": ["Capital", "Town", "Village"],
                            "lat": [47.8, 46.9, 48.5], "lon": [35.1, 35.4, 30.0],
                            "population": [600_000, 100_000, 200_000], "region_id": ["UA-01", "UA-01", "UA-02"]})
CONTROL = pd.DataFrame({"date": pd.to_datetime(["2022-02-23", "2022-04-01", "2022-11-01"]),
                        "settlement_id": [2, 1, 1], "controller": ["Russia", "Russia", "Ukraine"]})


@pytest.fixture(scope="module")
def resolved() -> pd.DataFrame:
    return proposals.resolved_lines()


def test_a_capital_held_by_ukraine_is_counted_on_ukraines_side():
    area = pd.Series({"UA-01": 0.5, "UA-02": 0.0})
    held = pop.held_share(SETTLEMENTS, CONTROL, "2023-01-01")  # the capital retaken in November
    russian = pop.people(REGIONS, SETTLEMENTS, area, pop.settled_share(area, held))
    # the town (100,000) plus half of the rest (300,000 not in settlements), never half the capital
    assert russian["UA-01"] == pytest.approx(100_000 + 0.5 * 300_000)
    assert russian["UA-02"] == 0.0
    even = pop.people(REGIONS, SETTLEMENTS, area)  # no map reading: pro rata, the former method
    assert even["UA-01"] == pytest.approx(500_000)


def test_the_side_of_a_settlement_is_its_latest_row_on_or_before_the_day():
    assert list(pop.held_on(CONTROL, "2022-02-23")) == [2]
    assert sorted(pop.held_on(CONTROL, "2022-06-01")) == [1, 2]
    assert list(pop.held_on(CONTROL, "2022-11-01")) == [2]


def test_a_region_taken_whole_counts_every_settlement_whatever_the_points_say():
    area = pd.Series({"UA-01": 1.0, "UA-02": 0.0})
    held = pop.held_share(SETTLEMENTS, CONTROL, "2022-01-01")  # no point read as held (before every row)
    assert pop.settled_share(area, held).to_dict() == {"UA-01": 1.0, "UA-02": 0.0}
    assert pop.people(REGIONS, SETTLEMENTS, area, pop.settled_share(area, held))["UA-01"] == 1_000_000


def test_settlements_within_is_point_in_polygon():
    square = shapely.box(35.0, 47.0, 36.0, 48.0)
    assert list(pop.settlements_within(SETTLEMENTS, square)) == [True, False, False]
    assert not pop.settlements_within(SETTLEMENTS, shapely.Polygon()).any()


def test_settlements_above_their_regions_total_are_refused_by_the_analysis():
    too_many = SETTLEMENTS.assign(population=[600_000, 500_000, 200_000])
    with pytest.raises(ValueError, match="UA-01"):
        pop.settled_by_region(too_many, REGIONS)


def test_a_settlement_file_above_its_regions_total_is_a_clear_error(data_copy):
    rows = pd.read_csv(data_copy / "territory" / "settlements.csv", dtype=str)
    biggest = rows[rows["region_id"] == "UA-23"].iloc[0]  # sorted by population within a region
    fields = biggest.tolist()
    fields[rows.columns.get_loc("population")] = "9000000"
    number = replace_line(data_copy, "territory/settlements.csv", f"{biggest['settlement_id']},", ",".join(fields))
    problems = " ".join(load_problems(data_copy, "settlements"))
    assert "settlements.csv" in problems and f"row {number}" in problems and "population" in problems
    assert "more than the region's pre-war total" in problems and "UA-23" in problems


def test_every_text_conserves_the_regional_population(resolved):
    total = float(ah.load("regions")["population"].sum())
    by_text = engine.sides(resolved, ah.load("regions")).groupby("proposal_id")["population"].sum()
    assert by_text.to_numpy() == pytest.approx(total)
    per_region = resolved[engine.PEOPLE_COLUMNS].sum(axis=1)
    expected = resolved["region_id"].map(ah.load("regions").set_index("region_id")["population"])
    assert per_region.to_numpy() == pytest.approx(expected.to_numpy())
    assert (resolved[engine.PEOPLE_COLUMNS] >= -1e-6).all().all()


def test_the_front_line_texts_leave_zaporizhzhia_and_kherson_cities_on_ukraines_side(resolved):
    by_region = resolved.set_index(["proposal_id", "region_id"])
    settlements = ah.load("settlements").set_index("name")
    regions = ah.load("regions").set_index("region_id")
    for region_id, city in (("UA-23", "Zaporizhia"), ("UA-65", "Kherson")):
        row = by_region.loc[("us-ua-20-point", region_id)]
        assert 0 < row["russian_share"] < 1
        assert row["ukrainian_people"] >= float(settlements.loc[city, "population"])
        assert row["russian_people"] < row["russian_share"] * regions.loc[region_id, "population"]


def test_the_2022_lines_count_more_people_on_russias_side_than_an_even_spread(resolved):
    regions = ah.load("regions")
    new = engine.sides(resolved, regions).set_index(["proposal_id", "side"])["population"]
    even = engine.sides(resolved.drop(columns=engine.PEOPLE_COLUMNS), regions).set_index(["proposal_id", "side"])
    gain = new[("istanbul-communique", "russian")] - even.loc[("istanbul-communique", "russian"), "population"]
    assert gain > 1_000_000  # Donetsk, Luhansk and their neighbours sat inside the 2014 line


def test_named_lines_place_people_by_the_maps():
    control, claims, regions = ah.load("territory_control"), ah.load("annexation_claims"), ah.load("regions")
    lines = territory.named_lines(control, claims, regions, "2026-01-01", custom={"UA-23": 0.5})
    people = population.line_people(lines, "2026-01-01")
    table = territory.compare_lines(lines, regions, people=people).set_index("line")
    even = territory.compare_lines(lines, regions).set_index("line")
    eve = LINE_EVE
    assert table.loc[eve, "russian_side_population"] > even.loc[eve, "russian_side_population"] + 1_000_000
    assert table.loc["User-defined line", "russian_side_population"] == pytest.approx(
        even.loc["User-defined line", "russian_side_population"])  # a typed share has no geometry: pro rata
    assert table.loc["1991 borders", "russian_side_population"] == 0.0


def test_the_published_check_gives_the_luhansk_gap():
    check = population.published_check().set_index("estimate_id")
    luhansk = check.loc["luhansk-ukrainian-side-2014-2022"]
    assert luhansk["map_date"] == EVE_OF_INVASION
    assert luhansk["gap_low"] == pytest.approx(luhansk["kit_people"] - 650_000)
    assert abs(luhansk["gap_low"]) / 650_000 < 0.15  # within 15 %, where an even spread was twice the figure
    assert luhansk["kit_people_even"] > 2 * 650_000
    assert population.published_check(as_of="2022-12-31")["estimate_id"].tolist() == [
        "luhansk-ukrainian-side-2014-2022", "vereshchuk-taken-since-invasion-2022-09"]


def test_every_map_of_the_settlement_log_is_a_map_of_territory_control():
    log_days = set(ah.load("settlement_control")["date"])
    assert log_days <= set(ah.load("territory_control")["date"])
    assert min(log_days) == EVE_OF_INVASION


def test_the_build_script_reads_the_packages_protobuf(tmp_path):
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    from build_settlements import read_cities

    def varint(value: int) -> bytes:
        out = bytearray()
        while True:
            byte, value = value & 0x7F, value >> 7
            out.append(byte | (0x80 if value else 0))
            if not value:
                return bytes(out)

    def zigzag(value: int) -> int:
        return (value << 1) ^ (value >> 63)

    def record(city_id: int, name: str, code: str, population: int, dlon: int, dlat: int) -> bytes:
        fields = (varint(1 << 3) + varint(zigzag(city_id)) + varint(2 << 3 | 2) + varint(len(name)) + name.encode()
                  + varint(3 << 3 | 2) + varint(2) + b"UA" + varint(7 << 3 | 2) + varint(len(code)) + code.encode()
                  + varint(9 << 3) + varint(population) + varint(10 << 3) + varint(zigzag(dlon))
                  + varint(11 << 3) + varint(zigzag(dlat)))
        return varint(len(fields)) + fields

    path = Path(tmp_path) / "cities.pbf"
    path.write_bytes(record(709717, "Donetsk", "PPLA", 1024700, 3780224, 4802300)
                     + record(702320, "Makiyivka", "PPL", 376610, 12352, 2482))
    cities = read_cities(path)
    assert cities["name"].tolist() == ["Donetsk", "Makiyivka"]
    assert cities["lon"].tolist() == pytest.approx([37.80224, 37.92576])
    assert cities["lat"].tolist() == pytest.approx([48.023, 48.04782])
    assert cities["population"].tolist() == [1024700, 376610]


def test_the_lines_explorer_counts_people_as_the_notebook_does():
    from analysis_helpers.data.geo import load_boundaries
    from analysis_helpers.widgets.territory import lines_explorer
    from explorers import output_of, shown

    ah.setup_notebook()  # the explorer draws with the kit's offline renderer
    regions, control, claims = ah.load("regions"), ah.load("territory_control"), ah.load("annexation_claims")
    as_of = control["date"].max()
    widget = lines_explorer(control, regions, load_boundaries(list(regions["region_id"])), claims, ah.load("sites"),
                            ["terr-deepstate-archive"], as_of, sources=ah.load("sources"),
                            settlements=ah.load("settlements"), settlement_control=ah.load("settlement_control"))
    lines = territory.named_lines(control, claims, regions, as_of)
    expected = territory.compare_lines(lines, regions, people=population.line_people(lines, as_of)).set_index("line")
    assert f"{expected.loc[LINE_EVE, 'russian_side_population']:,.0f}" in shown(output_of(widget))
