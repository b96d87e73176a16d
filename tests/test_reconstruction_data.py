"""The reconstruction tables load clean, and bad rows are named by file, row, column and rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import analysis_helpers as ah
from analysis_helpers.analysis.reconstruction import funding_gap, months_of_war

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
RESOURCES = ("reconstruction_assessments", "reconstruction_sectors", "reconstruction_regions", "funding_sources")


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of the kit's data package that a test may break."""
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


def append(path: Path, line: str) -> int:
    """Append one CSV line; return its line number (header = 1)."""
    text = path.read_text()
    path.write_text(text + line + "\n")
    return len(text.splitlines()) + 1


def problems(package: Path, resource: str) -> list[ah.Problem]:
    with pytest.raises(ah.DataValidationError) as caught:
        ah.load(resource, package)
    return caught.value.problems


def only_problem(package: Path, resource: str) -> ah.Problem:
    found = problems(package, resource)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


@pytest.mark.parametrize("resource", RESOURCES)
def test_shipped_tables_are_valid(resource):
    table = ah.load(resource)
    assert not table.empty
    assert table["source_id"].str.startswith("recon-").all()


def test_assessments_are_typed_and_ordered_in_time():
    assessments = ah.load("reconstruction_assessments")
    assert pd.api.types.is_datetime64_any_dtype(assessments["period_end"])
    rdna = assessments[assessments["kind"] == "rdna"].sort_values("period_end")
    assert rdna["assessment_id"].tolist() == ["RDNA1", "RDNA2", "RDNA3", "RDNA4", "RDNA5"]
    assert (months_of_war(rdna["period_end"]) > 0).all()


def test_unknown_assessment_in_sectors(package):
    line = append(package / "reconstruction" / "sectors.csv", "RDNA9,housing,housing,1,,recon-wb-rdna4")
    problem = only_problem(package, "reconstruction_sectors")
    assert (problem.file.endswith("sectors.csv"), problem.row, problem.column) == (True, line, "assessment_id")
    assert "reconstruction_assessments.assessment_id" in problem.rule


def test_unknown_sector(package):
    line = append(package / "reconstruction" / "sectors.csv", "RDNA4,spaceports,spaceports,1,,recon-wb-rdna4")
    problem = only_problem(package, "reconstruction_sectors")
    assert (problem.row, problem.column) == (line, "sector")
    assert "must be one of" in problem.rule


def test_negative_amount(package):
    line = append(package / "reconstruction" / "sectors.csv", "RDNA4,education,education,-2,,recon-wb-rdna4")
    problem = only_problem(package, "reconstruction_sectors")
    assert (problem.row, problem.column) == (line, "damage_usd_bn")
    assert "minimum 0" in problem.rule


def test_sector_sum_above_total(package):
    line = append(package / "reconstruction" / "sectors.csv", "RDNA2,education,education,30,,recon-wb-rdna2")
    problem = only_problem(package, "reconstruction_sectors")
    assert (problem.row, problem.column) == (line, "damage_usd_bn")
    assert "sectors of RDNA2 sum to 146.3" in problem.rule and "135" in problem.rule
    assert "sectors.csv, row" in str(ah.DataValidationError([problem]))


def test_sector_sum_within_rounding_passes(package):
    # RDNA2 damage sectors sum to 116.3 of 135: 19.1 more stays within 1% rounding of the total.
    append(package / "reconstruction" / "sectors.csv", "RDNA2,education,education,20,,recon-wb-rdna2")
    assert len(ah.load("reconstruction_sectors", package)) == 33


def test_currency_without_rate(package):
    line = append(package / "reconstruction" / "funding_sources.csv",
                  "assets-ca,immobilised_assets,Canada,,10,CAD,7,,,,2025-12-01,,recon-babel-japan-2025-12")
    found = problems(package, "funding_sources")
    assert {(p.row, p.column) for p in found} == {(line, "fx_rate"), (line, "fx_date"), (line, "fx_source_id")}
    assert all("needs its exchange rate" in p.rule for p in found)


def test_usd_figure_must_follow_from_rate(package):
    line = append(package / "reconstruction" / "funding_sources.csv",
                  "assets-ca,immobilised_assets,Canada,,10,CAD,9,0.72,2025-12-01,recon-ap-eu-loan-2025-12,"
                  "2025-12-01,,recon-babel-japan-2025-12")
    problem = only_problem(package, "funding_sources")
    assert (problem.row, problem.column, problem.value) == (line, "amount_usd_bn", 9.0)
    assert "amount x fx_rate (7.20)" in problem.rule


def test_part_larger_than_parent(package):
    line = append(package / "reconstruction" / "funding_sources.csv",
                  "assets-eu-other,immobilised_assets,Other EU,,300,USD,300,,,,2025-12-01,assets-eu,"
                  "recon-babel-japan-2025-12")
    problem = only_problem(package, "funding_sources")
    assert (problem.row, problem.column) == (line, "amount_usd_bn")
    assert "must not exceed its parent assets-eu" in problem.rule


def test_period_end_after_release(package):
    path = package / "reconstruction" / "assessments.csv"
    line = append(path, "RDNA6,Sixth,rdna,World Bank,2025-06-01,2022-02-24,2025-12-31,1,,2,10,recon-wb-rdna5-pr")
    problem = only_problem(package, "reconstruction_assessments")
    assert (problem.row, problem.column) == (line, "period_end")
    assert "release date" in problem.rule


def test_kiel_donor_figures_derive_from_release_29(reference_dir):
    """donor-kiel-* rows are financial + humanitarian allocations of Kiel's total_allocations.csv."""
    kiel = pd.read_csv(reference_dir / "kiel" / "total_allocations.csv")
    kiel["month"] = pd.to_datetime({"year": kiel["year"], "month": kiel["month"], "day": 1})
    non_military = kiel["financial"] + kiel["humanitarian"]
    last_12 = non_military[kiel["month"] > kiel["month"].max() - pd.DateOffset(months=12)]
    funding = ah.load("funding_sources").set_index("item_id")
    assert funding.loc["donor-kiel-fin-hum-12m", "amount"] == pytest.approx(last_12.sum(), abs=0.01)
    assert funding.loc["donor-kiel-fin-hum-total", "amount"] == pytest.approx(non_military.sum(), abs=0.01)
    assert funding.loc["donor-kiel-fin-hum-12m", "as_of"] == kiel["month"].max() + pd.offsets.MonthEnd(0)


def test_parts_together_larger_than_parent(package):
    # The ERA lenders' shares add up to 48.56 of 50; one more share of 5 takes them beyond the parent.
    line = append(package / "reconstruction" / "funding_sources.csv",
                  "instr-g7-era-other,windfall_backed_loan,Another lender,mixed,5,USD,5,,,,2024-10-28,instr-g7-era,"
                  "recon-unn-era-shares-2024-10")
    problem = only_problem(package, "funding_sources")
    assert (problem.row, problem.column) == (line, "amount_usd_bn")
    assert "parts of instr-g7-era sum to 53.56" in problem.rule


@pytest.mark.parametrize("kind, purpose, rule", [
    ("windfall_transfer", "mixed", "must be empty for kind windfall_transfer"),
    ("committed_instrument", "", "required for kind committed_instrument"),
])
def test_purpose_follows_kind(package, kind, purpose, rule):
    line = append(package / "reconstruction" / "funding_sources.csv",
                  f"windfall-eu-test,{kind},EU,{purpose},1,USD,1,,,,2026-03-31,,recon-sofiaglobe-windfall-2026-03")
    problem = only_problem(package, "funding_sources")
    assert (problem.row, problem.column, problem.rule) == (line, "purpose", rule)


def test_region_sum_above_total(package):
    line = append(package / "reconstruction" / "regions.csv", "RDNA5,UA-14,,600,recon-hurriyet-rdna5")
    problem = only_problem(package, "reconstruction_regions")
    assert (problem.row, problem.column) == (line, "needs_usd_bn")
    assert "regions of RDNA5 sum to 615" in problem.rule


def test_windfall_transfers_are_never_counted_as_funding():
    funding = ah.load("funding_sources")
    transfers = funding[funding["kind"] == "windfall_transfer"]
    assert len(transfers) == 4 and transfers["purpose"].isna().all()
    without = funding[funding["kind"] != "windfall_transfer"]
    assessments = ah.load("reconstruction_assessments")
    for windfall_only in (True, False):
        assert funding_gap(assessments, funding, "2026-12-31", windfall_only=windfall_only).equals(
            funding_gap(assessments, without, "2026-12-31", windfall_only=windfall_only))


def test_tranche_of_a_tranche_is_too_deep(package):
    line = append(package / "reconstruction" / "funding_sources.csv",
                  "instr-eu-loan-2026-27-budget-t1a,committed_instrument,Part of a tranche,budget,1,USD,1,,,,2026-06-01,"
                  "instr-eu-loan-2026-27-budget-t1,recon-interfax-eu-loan-2026-06")
    problem = only_problem(package, "funding_sources")
    assert (problem.row, problem.column) == (line, "part_of")
    assert "at most 1 level below the top" in problem.rule
