"""The blind second coding: Krippendorff's alpha against the published worked example, the data
rule for an item that does not exist, and the rule that revises understated uncertainty."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis_helpers import load, model_checks
from analysis_helpers.analysis import model_checks as checks
from conftest import append_line, load_problems

FIXTURE = Path(__file__).parent / "fixtures" / "second_coding_synthetic.csv"
CODES = "stances/second_coding.csv"
NAN = np.nan
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers,
# twelve units, missing values; published alphas: nominal 0.743, ordinal 0.815, interval 0.849,
# ratio 0.797 (the krippendorff package's own tests check 0.815 and 0.797 on this matrix).
WORKED_EXAMPLE = [[1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
                  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
                  [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
                  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN]]


def synthetic_pairs() -> pd.DataFrame:
    """`coding_pairs` on the synthetic fixture (7 stance rows on two issues, one provision)."""
    rows = pd.read_csv(FIXTURE)
    first = pd.DataFrame({"kind": rows["kind"], "issue_id": rows["issue_id"], "position": rows["first_position"],
                          "salience": rows["first_salience"], "uncertainty": rows["first_uncertainty"],
                          "source_id": "core-a"}).set_axis(rows["item_id"])
    second = rows.assign(position=rows["second_position"], salience=rows["second_salience"], uncertainty=5.0,
                         source_id="core-a")
    return checks.coding_pairs(second, first)


def test_interval_alpha_reproduces_krippendorffs_worked_example():
    assert checks.interval_alpha(WORKED_EXAMPLE) == pytest.approx(0.849, abs=5e-4)


def test_vectorised_bootstrap_alpha_equals_the_package_on_complete_data():
    rng = np.random.default_rng(1)
    first = rng.integers(0, 21, size=(6, 15)) * 5.0
    second = np.clip(first + rng.integers(-2, 3, size=first.shape) * 5.0, 0, 100)
    expected = [checks.interval_alpha(np.vstack([a, b])) for a, b in zip(first, second, strict=True)]
    assert checks._two_coder_alphas(first, second) == pytest.approx(expected, abs=1e-12)


def test_alpha_only_where_enough_items_and_variation():
    table = checks.alpha_table(synthetic_pairs(), n_boot=200, seed=3).set_index("issue_id")
    assert table.loc["accountability", "status"].startswith("too few items")
    assert np.isnan(table.loc["accountability", "alpha"])
    territory = table.loc["territory"]
    assert territory["items"] == 6 and territory["status"] == "estimated"
    assert territory["low"] <= territory["alpha"] <= territory["high"] <= 1
    assert table.loc[checks.UNHINTED, "items"] == 6  # the codebook- and sheet-hinted items left out
    same = synthetic_pairs().assign(first_position=50.0, second_position=50.0)
    assert checks.alpha_table(same, n_boot=0).set_index("issue_id").loc["territory", "status"].startswith("undefined")
    again = checks.alpha_table(synthetic_pairs(), n_boot=200, seed=3).set_index("issue_id")
    pd.testing.assert_frame_equal(table, again)


def test_uncertainty_check_counts_rows_beyond_the_coded_uncertainty():
    check = checks.uncertainty_check(synthetic_pairs()).set_index("issue_id")
    territory = check.loc["territory"]
    assert territory["items"] == 5  # stance rows only: texts carry no uncertainty
    assert territory["position_share_exceeding"] == pytest.approx(0.4)  # 10 > 5 twice in five rows
    assert territory["position_share_exceeding_twice"] == 0  # 10 is not more than 2 x 5
    assert territory["position_implied_sd"] == pytest.approx(np.sqrt(20))  # RMS sqrt(40) / sqrt(2)
    assert check.loc["accountability", "floor_from"].startswith("all issues")


def test_floors_take_the_larger_implied_sd_and_pool_issues_with_few_items():
    floors = checks.uncertainty_floors(synthetic_pairs())
    # All seven stance rows: position sqrt(600/7/2) = 6.55, salience sqrt(900/7/2) = 8.02.
    assert floors["*"] == pytest.approx(np.sqrt(900 / 7 / 2))
    assert floors["territory"] == pytest.approx(np.sqrt(20))  # five rows: its own floor
    assert "accountability" not in floors  # two rows: the pooled floor applies


def test_revised_uncertainty_raises_understated_rows_and_never_lowers():
    floors = {"*": 8.0, "territory": 4.5}
    stances = pd.DataFrame({"issue_id": ["territory", "territory", "accountability", "sanctions_relief"],
                            "uncertainty": [5.0, 20.0, 5.0, 10.0]})
    revised = checks.revised_uncertainty(stances, floors)
    assert revised["uncertainty"].tolist() == [5.0, 20.0, 8.0, 10.0]
    assert revised["coded_uncertainty"].tolist() == [5.0, 20.0, 5.0, 10.0]
    unchanged = checks.revised_uncertainty(stances, {})
    assert unchanged["uncertainty"].tolist() == stances["uncertainty"].tolist()


def test_an_item_that_does_not_exist_is_a_data_error_naming_the_row(data_copy):
    line = append_line(data_copy, CODES, "stance:ukraine:territory:2031-01-01,blind-coder-1,2026-12-07,50,5,50,"
                                         "source,invented,stance-ua-g20-address,no")
    problems = load_problems(data_copy, "second_coding")
    assert any(f"second_coding.csv, row {line}, column item_id: names no row of stances.csv" in p for p in problems)


def test_a_provision_item_must_exist_and_carry_no_salience(data_copy):
    provision = load("proposal_provisions", data_copy).query("not silent").iloc[0]
    item = f"provision:{provision['proposal_id']}:{provision['issue_id']}"
    wrong = append_line(data_copy, CODES, f"{item},blind-coder-2,2026-12-07,50,5,60,source,x,{provision['source_id']},no")
    missing = append_line(data_copy, CODES, "provision:no-such-text:territory,blind-coder-1,2026-12-07,50,5,,source,"
                                            f"x,{provision['source_id']},no")
    problems = load_problems(data_copy, "second_coding")
    assert any(f"row {wrong}, column salience: must be empty for a provision" in p for p in problems)
    assert any(f"row {missing}, column item_id: names no row of proposal_provisions" in p for p in problems)


def test_front_module_reads_the_shipped_second_coding():
    reliability = model_checks.coding_reliability(n_boot=50)
    assert len(reliability.pairs) == len(load("second_coding"))
    assert reliability.pairs["first_position"].notna().all()
    assert checks.ALL_ISSUES in set(reliability.alpha["issue_id"])
    assert set(reliability.floors) >= {"*"}


def test_codebook_alpha_table_states_the_computed_numbers():
    codebook = (Path(__file__).parents[1] / "data" / "stances" / "CODEBOOK.md").read_text()
    section = codebook[codebook.index("## 13. Measured reliability"):]
    for row in model_checks.coding_reliability(n_boot=2000).alpha.itertuples():
        alpha = f"{row.alpha:.2f}" if row.status == "estimated" else "too few items"
        assert f"| {row.issue_id} | {row.items} | {alpha} |" in section, f"CODEBOOK section 13 is stale for {row.issue_id}"


def test_a_second_code_cites_the_coded_rows_source(data_copy):
    stance = load("stances", data_copy).iloc[0]
    item = f"stance:{stance['actor_id']}:{stance['issue_id']}:{stance['as_of']:%Y-%m-%d}"
    other = next(s for s in load("sources", data_copy)["source_id"] if s != stance["source_id"])
    line = append_line(data_copy, CODES, f"{item},blind-coder-2,2026-12-07,50,5,60,source,x,{other},no")
    problems = load_problems(data_copy, "second_coding")
    assert any(f"row {line}, column source_id: must be the coded row's source" in p for p in problems)


def test_backtest_stances_are_raised_to_the_floors_and_never_lowered():
    reliability = model_checks.coding_reliability(n_boot=0)
    revised = model_checks.revised_stances(reliability)
    assert (revised["uncertainty"] >= revised["coded_uncertainty"]).all()
    floor = revised["issue_id"].map(lambda issue: reliability.floors.get(issue, reliability.floors["*"]))
    assert (revised["uncertainty"] >= floor - 1e-12).all()


def test_chart_title_states_the_finding_and_never_a_fake_alpha():
    pairs = synthetic_pairs()
    sources = load("sources")
    cited = sources["source_id"].iloc[0]
    pairs = pairs.assign(source_id=cited)
    figure = model_checks.second_coding_chart(pairs, checks.alpha_table(pairs, n_boot=100), sources, "2026-12-07")
    assert "within 5 points of the first on 62% of 8 items: Krippendorff's α = " in figure.layout.title.text
    few = pairs.head(3)
    title = model_checks.second_coding_chart(few, checks.alpha_table(few, n_boot=0), sources, "2026-12-07").layout.title
    assert "α too few items" in title.text and "nan" not in title.text
