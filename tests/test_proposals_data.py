"""The proposal tables load clean, and bad rows are named by file, row, column and rule."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis_helpers as ah
from conftest import append_line, load_problems, replace_line

REQUIRED_TEXTS = {"istanbul-communique", "istanbul-draft-treaty", "ua-peace-formula", "cn-position-paper",
                  "burgenstock-communique", "ru-conditions-2024", "ru-memorandum-2025", "ua-memorandum-2025",
                  "us-28-point", "us-ua-geneva-framework", "e3-counter-proposal", "us-ua-20-point"}
PROVISION = "us-28-point,territory,80,false,A provision,stance-us-28-points"
LINE = "us-28-point,UA-51,0,0,whole region,false,A note,stance-us-28-points"


def test_shipped_tables_load_and_cover_the_named_texts():
    proposals = ah.load("proposals")
    assert set(proposals["proposal_id"]) >= REQUIRED_TEXTS
    assert proposals["date"].min().year == 2022 and proposals["date"].max().year >= 2025
    provisions = ah.load("proposal_provisions")
    assert set(provisions["issue_id"]) == set(ah.load("issues")["issue_id"])
    assert provisions.loc[provisions["silent"], "position"].isna().all()
    assert provisions.loc[~provisions["silent"], "position"].notna().all()
    lines = ah.load("proposal_lines")
    assert lines["rule"].str.startswith("line of contact on").any()
    assert ah.load("sources")["source_id"].str.startswith("prop-").sum() >= 15


@pytest.mark.parametrize(("relative", "line", "column", "rule"), [
    ("proposals/provisions.csv", "atlantis-plan,territory,80,false,x,stance-us-28-points", "proposal_id",
     "proposals.proposal_id"),
    ("proposals/provisions.csv", "us-28-point,moon,80,false,x,stance-us-28-points", "issue_id", "issues.issue_id"),
    ("proposals/provisions.csv", "us-28-point,territory,120,false,x,stance-us-28-points", "position", "100"),
    ("proposals/lines.csv", "atlantis-plan,UA-51,0,0,whole region,false,x,stance-us-28-points", "proposal_id",
     "proposals.proposal_id"),
    ("proposals/lines.csv", "us-28-point,UA-99,0,0,whole region,false,x,stance-us-28-points", "region_id",
     "regions.region_id"),
    ("proposals/lines.csv", "us-28-point,UA-51,1.5,0,explicit,false,x,stance-us-28-points", "russian_share", "1"),
    ("proposals/lines.csv", "us-28-point,UA-51,0,-0.1,explicit,false,x,stance-us-28-points", "demilitarised_share",
     "0"),
    ("proposals/lines.csv", "us-28-point,UA-51,0,0,half the region,false,x,stance-us-28-points", "rule", "pattern"),
])
def test_schema_breaks_are_named_by_file_row_column_and_rule(data_copy, relative, line, column, rule):
    name = "proposal_provisions" if relative.endswith("provisions.csv") else "proposal_lines"
    row = append_line(data_copy, relative, line)
    found = load_problems(data_copy, name)
    assert any(f"{relative}, row {row}" in text and column in text and rule in text for text in found), found


def test_russian_plus_buffer_share_above_one_is_rejected(data_copy):
    row = append_line(data_copy, "proposals/lines.csv", "us-28-point,UA-51,0.7,0.4,explicit,false,x,stance-us-28-points")
    found = load_problems(data_copy, "proposal_lines")
    assert any(f"proposals/lines.csv, row {row}, column demilitarised_share" in text and "must not exceed 1" in text
               for text in found), found


def test_whole_region_share_must_be_zero_or_one(data_copy):
    row = append_line(data_copy, "proposals/lines.csv", "us-28-point,UA-51,0.5,0,whole region,false,x,stance-us-28-points")
    found = load_problems(data_copy, "proposal_lines")
    assert any(f"row {row}, column russian_share" in text and "0 or 1" in text for text in found), found


def test_line_of_contact_rows_leave_shares_to_the_data(data_copy):
    row = append_line(data_copy, "proposals/lines.csv",
                 "us-28-point,UA-51,0.2,,line of contact on 2025-11-20,false,x,stance-us-28-points")
    found = load_problems(data_copy, "proposal_lines")
    assert any(f"row {row}, column russian_share" in text and "computed from territory_control" in text
               for text in found), found


def test_line_date_without_territory_data_is_rejected(data_copy):
    row = append_line(data_copy, "proposals/lines.csv",
                 "us-28-point,UA-51,,,line of contact on 2014-06-01,false,x,stance-us-28-points")
    found = load_problems(data_copy, "proposal_lines")
    assert any(f"proposals/lines.csv, row {row}, column rule" in text and "no territory_control observation" in text
               for text in found), found


def test_supersedes_cycle_is_rejected(data_copy):
    row = replace_line(data_copy, "proposals/proposals.csv", "istanbul-communique,",
                       (data_copy / "proposals/proposals.csv").read_text().splitlines()[1]
                       .replace(",superseded,,", ",superseded,istanbul-draft-treaty,"))
    found = load_problems(data_copy, "proposals")
    assert any("proposals/proposals.csv" in text and "column supersedes" in text and "cycle" in text
               and "istanbul-communique" in text for text in found), found
    assert row == 2


def test_unknown_supersedes_and_author_are_rejected(data_copy):
    line = (data_copy / "proposals/proposals.csv").read_text().splitlines()[1]
    broken = line.replace(",ukraine,", ",ukraine;atlantis,").replace(",superseded,,", ",superseded,no-such-text,")
    row = replace_line(data_copy, "proposals/proposals.csv", "istanbul-communique,", broken)
    found = load_problems(data_copy, "proposals")
    assert any(f"row {row}, column supersedes" in text and "proposals.proposal_id" in text for text in found), found
    # The author rule runs once the schema passes: fix the foreign key and look again.
    replace_line(data_copy, "proposals/proposals.csv", "istanbul-communique,",
                 line.replace(",ukraine,", ",ukraine;atlantis,"))
    found = load_problems(data_copy, "proposals")
    assert any(f"row {row}, column author" in text and "atlantis" in text for text in found), found


@pytest.mark.parametrize(("line", "rule"), [
    ("us-ua-geneva-framework,territory,,false,x,stance-us-28-points", "required when silent is false"),
    ("us-ua-geneva-framework,territory,50,true,x,stance-us-28-points", "must be empty when silent is true"),
])
def test_silent_and_position_agree(data_copy, line, rule):
    row = append_line(data_copy, "proposals/provisions.csv", line)
    found = load_problems(data_copy, "proposal_provisions")
    assert any(f"row {row}, column position" in text and rule in text for text in found), found


def test_scenario_naming_an_unknown_text_is_rejected(data_copy):
    from analysis_helpers.scenarios import load_scenario

    path = data_copy / "scenarios" / "us_28_point_terms.yaml"
    path.write_text(path.read_text().replace("proposal: us-28-point", "proposal: atlantis-plan"))
    with pytest.raises(ah.DataValidationError) as caught:
        load_scenario("us_28_point_terms", data_copy)
    assert any("assumptions.settlement.proposal" in str(p) and "atlantis-plan" in str(p)
               for p in caught.value.problems), caught.value


def test_scenario_cannot_move_territory_under_a_text(data_copy):
    from analysis_helpers.scenarios import load_scenario

    path = data_copy / "scenarios" / "us_28_point_terms.yaml"
    territory = ("  territory:\n    - region_id: UA-23\n      share: 1.0\n"
                 "      reasoning: Assumption that Russia takes all of Zaporizhzhia.\n  front:\n")
    path.write_text(path.read_text().replace("  front:\n", territory))
    with pytest.raises(ah.DataValidationError) as caught:
        load_scenario("us_28_point_terms", data_copy)
    assert any("assumptions.territory" in str(p) and "settlement.proposal" in str(p)
               for p in caught.value.problems), caught.value


def test_a_text_is_known_once_presented_and_reported():
    # Presented in Paris on 17 April 2025, its text first reported on 25 April.
    assert "us-framework-2025-04" not in set(ah.load("proposals", as_of="2025-04-20")["proposal_id"])
    assert "us-framework-2025-04" in set(ah.load("proposals", as_of="2025-04-25")["proposal_id"])
    assert "us-framework-2025-04" not in set(ah.load("proposal_provisions", as_of="2025-04-20")["proposal_id"])


def test_publication_after_its_source_is_rejected(data_copy):
    path = data_copy / "proposals" / "proposals.csv"
    text = path.read_text()
    path.write_text(text.replace("2022-11-15,2022-11-15,published", "2022-11-15,2022-12-15,published", 1))
    found = load_problems(data_copy, "proposals")
    assert any("column published_on: must not be after its source's publication date" in p for p in found), found


def test_a_fixed_anchor_has_one_value_in_every_text():
    """CODEBOOK 11.8: every provision naming the same fixed anchor carries the same position."""
    provisions = ah.load("proposal_provisions")
    named = provisions.assign(anchor=provisions["provision"].str.extract(r"Fixed anchor ([A-Z]\d+)")[0]).dropna(
        subset=["anchor"])
    assert len(named) >= 8
    values = named.groupby(["issue_id", "anchor"])["position"].agg(["min", "max"])
    assert (values["min"] == values["max"]).all(), values
    assert (named["anchor"].str[1:].astype(float) == named["position"]).all()


def test_bilateral_sanctions_clauses_are_not_sanctions_relief():
    provisions = ah.load("proposal_provisions").set_index(["proposal_id", "issue_id"])
    for text in ("ru-memorandum-2025", "istanbul-draft-treaty"):
        assert provisions.loc[(text, "sanctions_relief"), "silent"], text


def test_crosswalk_covers_every_issue_in_both_schemes():
    crosswalk = ah.load("pax_crosswalk")
    issues = set(ah.load("issues")["issue_id"])
    for scheme in ("pax", "ucdp"):
        assert set(crosswalk.loc[crosswalk["scheme"] == scheme, "issue_id"]) == issues, scheme
    assert (crosswalk["reason"].str.len() > 40).all()
    assert crosswalk.loc[crosswalk["relation"] == "none", "category"].isna().all()


@pytest.mark.parametrize(("line", "column", "rule"), [
    ("pax,territory,Xyz,direct,0-1,a reason,prop-pax-v10", "category", "must be one of"),  # in neither scheme
    ("ucdp,territory,StBor,partial,0-1,a reason,fc-ucdp-peace-agreements-22-1", "category", "must be a ucdp category"),
    ("pax,accountability,amn,partial,0-1,a reason,prop-pax-v10", "category", "must be a pax category"),
    ("pax,accountability,TjAm,direct,0-1,a reason,prop-pax-v10", "scale", "coded 0-3 in its release"),
    ("ucdp,nuclear_safety,pko,none,0-1,a reason,fc-ucdp-peace-agreements-22-1", "category", "empty when relation"),
])
def test_crosswalk_to_an_unknown_category_is_named_by_row(data_copy, line, column, rule):
    row = append_line(data_copy, "proposals/pax_crosswalk.csv", line)
    found = load_problems(data_copy, "pax_crosswalk")
    assert any(f"pax_crosswalk.csv, row {row}, column {column}" in p and rule in p for p in found), found


def test_crosswalk_categories_are_release_columns_on_their_scale(reference_dir):
    releases = {"pax": pd.read_csv(reference_dir / "pax" / "pax_all_agreements_v10.csv", low_memory=False),
                "ucdp": pd.read_csv(reference_dir / "base_rates" / "ucdp_peace_agreements_22.1.csv")}
    releases["ucdp"].columns = releases["ucdp"].columns.str.strip()
    crosswalk = ah.load("pax_crosswalk").dropna(subset=["category"])
    for row in crosswalk.itertuples(index=False):
        release = releases[row.scheme]
        assert row.category in release.columns, row.category
        values = release[row.category]
        if row.category == "pa_3rd":  # a list of names, read as present when not empty
            values = values.notna().astype(int)
        top = int(row.scale.split("-")[1])
        assert values.dropna().between(0, top).all(), row.category
        if top == 3:
            assert values.max() == 3, row.category
