"""Growth between assessments, needs at a date with its band, and the funding-gap calculator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis_helpers.analysis import reconstruction as rec


def assessments_frame(rows) -> pd.DataFrame:
    """(id, period_end, needs, damage) tuples as a reconstruction_assessments-like table."""
    frame = pd.DataFrame(rows, columns=["assessment_id", "period_end", "needs_usd_bn", "damage_usd_bn"])
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    frame["kind"] = "rdna"
    frame["horizon_years"] = 10
    return frame


# Needs rise 100 per 12 months then 50 per 12 months (dates one year apart from the war's start).
THREE = assessments_frame([
    ("A1", "2023-02-24", 400.0, 100.0),
    ("A2", "2024-02-24", 500.0, 150.0),
    ("A3", "2025-02-24", 550.0, 160.0),
])

FUNDING = pd.DataFrame({
    "item_id": ["assets-x", "assets-x-part", "assets-y", "instr-era", "instr-rec", "instr-budget", "donor-rate",
                "donor-past"],
    "kind": ["immobilised_assets", "immobilised_assets", "immobilised_assets", "windfall_backed_loan",
             "committed_instrument", "committed_instrument", "donor_rate", "donor_allocated"],
    "purpose": [None, None, None, "mixed", "reconstruction", "budget_and_military", "budget_and_humanitarian",
                "budget_and_humanitarian"],
    "amount_usd_bn": [200.0, 150.0, 50.0, 40.0, 30.0, 90.0, 20.0, 500.0],
    "part_of": [None, "assets-x", None, None, None, None, None, None],
})


def test_months_of_war_counts_from_invasion():
    assert rec.months_of_war("2022-02-24")[0] == 0
    assert rec.months_of_war("2023-02-24")[0] == pytest.approx(12, abs=0.01)


def test_growth_between_assessments_per_month():
    growth = rec.growth_between_assessments(THREE)
    assert growth[["from_id", "to_id"]].values.tolist() == [["A1", "A2"], ["A2", "A3"]]
    assert growth["change_usd_bn"].tolist() == [100.0, 50.0]
    np.testing.assert_allclose(growth["usd_bn_per_month"], [100 / 12, 50 / 12], rtol=3e-3)  # leap year 2024
    assert rec.growth_between_assessments(THREE, "damage_usd_bn")["change_usd_bn"].tolist() == [50.0, 10.0]


def test_growth_ignores_other_kinds_and_missing_figures():
    extra = pd.concat([THREE, assessments_frame([("KSE", "2023-08-01", None, 140.0)]).assign(kind="kse_damage"),
                       assessments_frame([("A0", "2022-06-01", None, 90.0)])])
    assert rec.growth_between_assessments(extra)["from_id"].tolist() == ["A1", "A2"]
    assert rec.growth_between_assessments(extra, "damage_usd_bn")["from_id"].tolist() == ["A0", "A1", "A2"]


def test_sector_growth_pairs_only_assessments_reporting_the_sector():
    sectors = pd.DataFrame({
        "assessment_id": ["A1", "A3", "A1", "A2", "A3"],
        "sector": ["housing", "housing", "energy", "energy", "energy"],
        "needs_usd_bn": [80.0, 90.0, 10.0, 20.0, 35.0],
    })
    growth = rec.sector_growth(sectors, THREE)
    assert growth[["sector", "from_id", "to_id", "change_usd_bn"]].values.tolist() == [
        ["energy", "A1", "A2", 10.0], ["energy", "A2", "A3", 15.0], ["housing", "A1", "A3", 10.0]]
    assert rec.sector_growth(sectors.iloc[:1], THREE).empty


def test_needs_trend_central_is_least_squares():
    trend = rec.needs_trend(THREE)
    months = rec.months_of_war(THREE["period_end"])
    assert trend.loc[trend["central"], "usd_bn_per_month"].item() == pytest.approx(
        np.polyfit(months, THREE["needs_usd_bn"], 1)[0])
    assert trend["fit"].tolist()[1:] == ["A1 to A2", "A2 to A3"]


def test_needs_at_published_interpolated_and_extrapolated():
    result = rec.needs_at(THREE, ["2024-02-24", "2024-08-24", "2026-02-24"])
    assert result.loc[0, ["value", "low", "high"]].tolist() == [500.0, 500.0, 500.0]
    assert result.loc[0, "method"] == "published (A2)"
    assert result.loc[1, "value"] == pytest.approx(525, abs=0.5)
    assert result.loc[1, "method"] == "interpolated between A2 and A3"
    # One year after A3: central rate (least squares) 75/yr, band 50/yr to 100/yr.
    assert result.loc[2, "value"] == pytest.approx(625, abs=0.5)
    assert result.loc[2, "low"] == pytest.approx(600, abs=0.5)
    assert result.loc[2, "high"] == pytest.approx(650, abs=0.5)
    assert result["unit"].eq("USD bn").all()


def test_needs_at_refuses_dates_before_first_assessment():
    with pytest.raises(ValueError, match="before the first RDNA"):
        rec.needs_at(THREE, "2022-12-01")


def test_needs_at_says_why_it_has_no_estimate_before_two_assessments():
    result = rec.needs_at(THREE.iloc[:1], "2025-01-01")
    assert result["value"].isna().all() and result["method"].str.contains("needs 2 RDNAs").all()
    assert rec.needs_trend(THREE.iloc[:1]).empty


@given(months_after=st.floats(min_value=0, max_value=120))
def test_band_contains_value_and_widens_with_time(months_after):
    date = pd.Timestamp("2025-02-24") + pd.Timedelta(days=months_after * rec.DAYS_PER_MONTH)
    later = date + pd.Timedelta(days=365)
    result = rec.needs_at(THREE, [date, later])
    assert (result["low"] <= result["value"] + 1e-9).all() and (result["value"] <= result["high"] + 1e-9).all()
    width = result["high"] - result["low"]
    assert width.iloc[1] >= width.iloc[0]


def gap(**kwargs) -> pd.Series:
    table = rec.funding_gap(THREE, FUNDING, "2026-02-24", **kwargs)
    assert table["quantity"].tolist() == list(rec.GAP_QUANTITIES)
    return table.set_index("quantity")["value"]


def test_funding_gap_windfall_only_counts_no_principal():
    result = gap(asset_share=1.0, windfall_only=True, donor_bn_per_year=0)
    assert result["immobilised_assets"] == 0
    assert result["committed_instruments"] == 70  # ERA (mixed) + reconstruction instrument; budget loan left out
    assert result["gap"] == pytest.approx(625 - 70, abs=0.5)


def test_funding_gap_principal_nets_out_windfall_backed_loans():
    # Principal: top-level rows 200 + 50 (the 150 part is inside the 200), minus 40 owed to ERA.
    result = gap(asset_share=0.5, donor_bn_per_year=0)
    assert result["immobilised_assets"] == pytest.approx(0.5 * (250 - 40))


def test_funding_gap_donors_private_and_defaults():
    result = gap(private_bn=25)
    assert result["donor_support"] == 20 * 10  # data's donor rate x latest horizon
    assert result["private_capital"] == 25
    assert result["total_funding"] == pytest.approx(70 + 200 + 25)
    assert gap(donor_bn_per_year=5, donor_years=4)["donor_support"] == 20


def test_funding_gap_band_is_needs_band():
    table = rec.funding_gap(THREE, FUNDING, "2026-02-24").set_index("quantity")
    needs, gap_row = table.loc["needs"], table.loc["gap"]
    assert needs["high"] - gap_row["high"] == pytest.approx(needs["value"] - gap_row["value"])
    assert (table.drop(["needs", "gap"])["low"] == table.drop(["needs", "gap"])["high"]).all()


def test_funding_gap_purposes_choose_instruments():
    assert gap(purposes=("reconstruction", "mixed", "budget_and_military"))["committed_instruments"] == 160


@pytest.mark.parametrize("kwargs", [{"asset_share": 1.5}, {"asset_share": -0.1}, {"private_bn": -1},
                                    {"donor_bn_per_year": -3}, {"donor_years": -1}])
def test_funding_gap_rejects_impossible_assumptions(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        rec.funding_gap(THREE, FUNDING, "2026-02-24", **kwargs)


def test_grid_matches_single_cases():
    dates, shares = ["2025-06-01", "2026-06-01"], [0.0, 0.3, 1.0]
    grid = rec.funding_gap_grid(THREE, FUNDING, dates, shares, private_bn=5)
    assert len(grid) == 6
    for _, row in grid.iterrows():
        single = rec.funding_gap(THREE, FUNDING, row["settlement_date"], asset_share=row["asset_share"],
                                 private_bn=5).set_index("quantity")
        assert single.loc["gap", "value"] == pytest.approx(row["gap"])
        assert single.loc["gap", "low"] == pytest.approx(row["gap_low"])


def test_shipped_data_reproduces_published_needs():
    import analysis_helpers as ah

    assessments = ah.load("reconstruction_assessments")
    published = rec.needs_at(assessments, ["2023-12-31", "2025-12-31"])
    assert published["value"].tolist() == [486.0, 588.0]


def test_donor_rate_is_the_yearly_volume_only():
    assert rec.donor_rate(FUNDING) == 20


def test_funding_gap_cases_stacks_cases_with_shared_assumptions():
    cases = {"windfall": (True, 0.0), "all": (False, 1.0)}
    stacked = rec.funding_gap_cases(THREE, FUNDING, ["2025-06-01", "2026-06-01"], cases, private_bn=5)
    assert stacked.groupby("case").size().to_dict() == {"all": 2, "windfall": 2}
    windfall = stacked[stacked["case"] == "windfall"]
    assert (windfall["immobilised_assets"] == 0).all() and (stacked["private_capital"] == 5).all()
    assert (stacked.loc[stacked["case"] == "all", "immobilised_assets"] == 210).all()
