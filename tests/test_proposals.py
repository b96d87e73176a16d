"""Proposals analysis: lines from territory data, sides, costs, distances, intervals, diff; facade; scenario terms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis_helpers as ah
from analysis_helpers import proposals as facade
from analysis_helpers.analysis import proposals as prop
from analysis_helpers.analysis import territory
from analysis_helpers.data.proposals import CROSSWALK_SCALES

REGIONS = pd.DataFrame({"region_id": ["UA-01", "UA-02", "UA-03"], "name": ["One", "Two", "Three"],
                        "area_km2": [100.0, 200.0, 700.0], "population": [1000.0, 4000.0, 5000.0]})
CONTROL = pd.DataFrame({"date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-01", "2025-03-01"]),
                        "region_id": ["UA-01", "UA-02", "UA-03", "UA-02"],
                        "occupied_km2": [100.0, 50.0, 0.0, 150.0],
                        "occupied_km2_low": [100.0, 50.0, 0.0, 150.0], "occupied_km2_high": [100.0, 50.0, 0.0, 150.0],
                        "share": [1.0, 0.25, 0.0, 0.75], "outline_km2": [100.0, 200.0, 700.0, 200.0],
                        "source_id": ["map-jan", "map-jan", "map-jan", "map-mar"]})


def line_rows(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["proposal_id", "region_id", "russian_share", "demilitarised_share", "rule",
                                       "buffer_beyond_line", "note", "source_id"])


LINES = line_rows(
    ("freeze", "UA-01", np.nan, np.nan, "line of contact on 2025-01-15", False, "frozen", "s"),
    ("freeze", "UA-02", np.nan, np.nan, "line of contact on 2025-01-15", True, "buffer beyond", "s"),
    ("cede", "UA-02", 1.0, 0.0, "whole region", False, "all of it", "s"),
    ("cede", "UA-03", 0.1, 0.2, "explicit", False, "typed", "s"),
)


def test_resolve_lines_reads_the_line_of_contact_and_fills_unnamed_regions():
    resolved = prop.resolve_lines(LINES, CONTROL, REGIONS).set_index(["proposal_id", "region_id"])
    assert resolved.loc[("freeze", "UA-01"), "russian_share"] == 1.0
    # UA-02 on 15 Jan: the 1 Jan map (50 of 200 km2), the rest a buffer.
    assert resolved.loc[("freeze", "UA-02"), ["russian_share", "buffer_share"]].tolist() == [0.25, 0.75]
    assert resolved.loc[("freeze", "UA-02"), "observed"] == pd.Timestamp("2025-01-01")
    assert resolved.loc[("freeze", "UA-02"), "control_source_id"] == "map-jan"  # cited by the figures
    assert resolved.loc[("freeze", "UA-03"), "rule"] == prop.NOT_NAMED
    assert resolved.loc[("cede", "UA-03"), ["russian_share", "buffer_share", "ukrainian_share"]].tolist() == \
        pytest.approx([0.1, 0.2, 0.7])
    total = resolved[["russian_share", "buffer_share", "ukrainian_share"]].sum(axis=1)
    assert np.allclose(total, 1.0)


def test_resolve_lines_refuses_a_date_without_a_map():
    early = line_rows(("early", "UA-01", np.nan, np.nan, "line of contact on 2024-06-01", False, "x", "s"))
    with pytest.raises(ValueError, match="no territory observation"):
        prop.resolve_lines(early, CONTROL, REGIONS)


def test_sides_split_area_and_population_pro_rata():
    sides = prop.sides(prop.resolve_lines(LINES, CONTROL, REGIONS), REGIONS).set_index(["proposal_id", "side"])
    assert sides.loc[("freeze", "russian"), "area_km2"] == 150.0
    assert sides.loc[("freeze", "buffer"), "area_km2"] == 150.0
    assert sides.loc[("freeze", "russian"), "population"] == pytest.approx(1000 + 1000)
    assert sides.loc[("cede", "buffer"), "share_of_ukraine"] == pytest.approx(140 / 1000)
    assert sides.groupby("proposal_id")["area_km2"].sum().tolist() == [1000.0, 1000.0]


def test_costs_by_side_split_the_latest_regional_assessment_and_say_how_much_is_assigned():
    resolved = prop.resolve_lines(LINES, CONTROL, REGIONS)
    assessments = pd.DataFrame({"assessment_id": ["OLD", "NEW"],
                                "published": pd.to_datetime(["2023-01-01", "2025-01-01"]),
                                "damage_usd_bn": [10.0, 100.0], "needs_usd_bn": [20.0, 200.0]})
    regional = pd.DataFrame({"assessment_id": ["OLD", "NEW", "NEW"], "region_id": ["UA-01", "UA-01", "UA-02"],
                             "damage_usd_bn": [5.0, 40.0, 20.0], "needs_usd_bn": [np.nan, np.nan, np.nan]})
    costs = prop.costs_by_side(resolved, regional, assessments)
    assert set(costs["measure"]) == {"damage_usd_bn"}  # no regional needs anywhere
    freeze = costs[costs["proposal_id"] == "freeze"].set_index("side")
    assert freeze.loc["russian", "usd_bn"] == pytest.approx(40 + 0.25 * 20)
    assert freeze.loc["buffer", "usd_bn"] == pytest.approx(0.75 * 20)
    assert (freeze["assigned_share"] == 0.6).all() and (freeze["assessment_id"] == "NEW").all()
    empty = prop.costs_by_side(resolved, regional.iloc[0:0], assessments)
    assert empty.empty


def test_actor_distance_is_salience_weighted_over_shared_issues():
    proposals = pd.DataFrame({"proposal_id": ["plan"], "date": pd.to_datetime(["2025-06-01"])})
    provisions = pd.DataFrame({"proposal_id": ["plan"] * 3, "issue_id": ["a", "b", "c"],
                               "position": [80.0, 20.0, np.nan], "silent": [False, False, True]})
    stances = pd.DataFrame({"actor_id": ["x", "x", "x", "y"], "issue_id": ["a", "b", "c", "a"],
                            "as_of": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-01", "2025-07-01"]),
                            "position": [50.0, 40.0, 0.0, 0.0], "salience": [90.0, 30.0, 100.0, 50.0],
                            "uncertainty": [5.0, 5.0, 5.0, 5.0]})
    distances = prop.actor_distances(provisions, proposals, stances)
    assert distances["actor_id"].tolist() == ["x"]  # y's stance postdates the text
    assert distances["distance"].iloc[0] == pytest.approx((90 * 30 + 30 * 20) / 120)
    assert distances["issues"].iloc[0] == 2


@pytest.mark.parametrize(("position", "expected"), [(50, 0.0), (70, 10.0), (20, -20.0), (40, 0.0)])
def test_beyond_interval_is_signed_toward_russia(position, expected):
    assert prop.beyond_interval(position, 40.0, 60.0) == expected


def test_diff_lists_every_issue_and_only_changed_regions():
    issues = pd.DataFrame({"issue_id": ["a", "b"], "name": ["A", "B"]})
    provisions = pd.DataFrame({"proposal_id": ["freeze", "cede"], "issue_id": ["a", "a"], "position": [50.0, 90.0],
                               "silent": [False, False], "provision": ["freeze it", "cede it"]})
    resolved = prop.resolve_lines(LINES, CONTROL, REGIONS)
    changes = prop.diff("freeze", "cede", provisions, resolved, issues, REGIONS).set_index("id")
    assert changes.loc["a", "change"] == 40.0
    assert changes.loc["b", ["state_a", "state_b"]].tolist() == ["not reported", "not reported"]
    assert "UA-02" not in changes.index  # fully lost under both lines (Russian side or buffer)
    assert changes.loc["UA-01", "change"] == -1.0 and changes.loc["UA-03", "change"] == pytest.approx(0.3)


def test_text_rows_read_once_give_the_diffs_of_diff():
    """A live comparator reads every text's rows once (`text_rows`) and diffs each pick from them."""
    issues = pd.DataFrame({"issue_id": ["a", "b"], "name": ["A", "B"]})
    provisions = pd.DataFrame({"proposal_id": ["freeze", "cede", "cede"], "issue_id": ["a", "a", "a"],
                               "position": [50.0, 90.0, 10.0], "silent": [False, False, False],
                               "provision": ["freeze it", "cede it", "a later row on the same issue"]})
    resolved = prop.resolve_lines(LINES, CONTROL, REGIONS)
    rows = prop.text_rows(provisions, resolved)
    for a, b in [("freeze", "cede"), ("cede", "freeze"), ("cede", "cede"), ("cede", "no-such-text")]:
        pd.testing.assert_frame_equal(rows.diff(a, b, issues, REGIONS),
                                      prop.diff(a, b, provisions, resolved, issues, REGIONS))
    assert rows.diff("freeze", "cede", issues, REGIONS).set_index("id").loc["a", "b"] == 90.0  # the first row
    unknown = rows.diff("cede", "no-such-text", issues, REGIONS)
    assert set(unknown.loc[unknown["kind"] == "issue", "state_b"]) == {"not reported"}
    assert set(unknown.loc[unknown["kind"] == "region", "state_b"]) == {"no line"}


def test_compare_on_the_shipped_texts():
    table = facade.compare(draws=50)
    assert list(table.columns) == prop.COMPARE_COLUMNS
    sides = table[table["metric"].str.startswith("share_of_ukraine:")]
    assert np.allclose(sides.groupby("proposal_id")["value"].sum(), 1.0)
    # A frozen line is the territory data on the text's date, not a typed number.
    control = ah.load("territory_control")
    held = territory.control_at(control, "2025-11-20").set_index("region_id")["share"]
    lines = facade.resolved_lines().set_index(["proposal_id", "region_id"])
    assert lines.loc[("us-28-point", "UA-23"), "russian_share"] == pytest.approx(held["UA-23"])
    assert lines.loc[("us-28-point", "UA-14"), "buffer_share"] == pytest.approx(1 - held["UA-14"])
    metrics = set(table.loc[table["proposal_id"] == "us-28-point", "metric"])
    assert {"area_km2:buffer", "position:territory", "distance:ukraine", "distance:russia",
            "beyond_interval:compromise:territory"} <= metrics
    # Texts that draw no line have no side metrics; silent issues have no position.
    china = table[table["proposal_id"] == "cn-position-paper"]
    assert not china["metric"].str.startswith("area_km2").any()
    assert "position:accountability" not in set(table.loc[table["proposal_id"] == "cn-position-paper", "metric"])
    # Ukraine stands closer to its own formula than Russia does, and the reverse for Russia's terms.
    distance = table[table["metric"].str.startswith("distance:")].set_index(["proposal_id", "metric"])["value"]
    assert distance[("ru-memorandum-2025", "distance:russia")] < distance[("ru-memorandum-2025", "distance:ukraine")]


def test_a_line_reads_the_map_share_not_km2_over_the_official_area():
    # The map measured more km² than the official area (a coastal fringe): the region is still held whole.
    control = CONTROL.assign(occupied_km2=[104.0, 50.0, 0.0, 150.0])
    resolved = prop.resolve_lines(LINES, control, REGIONS).set_index(["proposal_id", "region_id"])
    assert resolved.loc[("freeze", "UA-01"), "russian_share"] == 1.0
    with pytest.raises(ValueError, match="share"):
        prop.resolve_lines(LINES, CONTROL.drop(columns="share"), REGIONS)


WHOLLY_HELD = ("UA-40", "UA-43")  # Sevastopol and Crimea, held whole since 2014


def test_a_region_held_whole_is_100_percent_on_every_path():
    lines = facade.resolved_lines()
    frozen = lines[lines["rule"].str.startswith("line of contact") & lines["region_id"].isin(WHOLLY_HELD)]
    assert len(frozen) >= 2 * 4  # four texts freeze the line of contact
    assert (frozen["russian_share"] == 1.0).all() and (frozen["ukrainian_share"] == 0.0).all()
    # compare(): a text freezing the line leaves both regions' whole area on Russia's side.
    regions = ah.load("regions").set_index("region_id")
    table = facade.compare(draws=0).set_index(["proposal_id", "metric"])["value"]
    one_text = lines[(lines["proposal_id"] == "e3-counter-proposal")].set_index("region_id")
    russian_area = float((one_text["russian_share"] * regions["area_km2"].reindex(one_text.index)).sum())
    assert table[("e3-counter-proposal", "area_km2:russian")] == pytest.approx(russian_area)
    assert one_text.loc[list(WHOLLY_HELD), "russian_share"].tolist() == [1.0, 1.0]
    # diff(): a frozen line and a text ceding the region whole differ nowhere in either region.
    for a, b in [("ua-memorandum-2025", "us-28-point"), ("e3-counter-proposal", "us-ua-20-point")]:
        changes = facade.diff(a, b)
        assert not changes["id"].isin(WHOLLY_HELD).any(), (a, b)


def test_compare_as_of_keeps_the_texts_known_then():
    table = facade.compare(as_of="2023-01-01", draws=0)
    assert set(table["proposal_id"]) <= {"istanbul-communique", "istanbul-draft-treaty", "ua-peace-formula"}


def test_diff_facade_names_unknown_ids():
    with pytest.raises(KeyError, match="atlantis"):
        facade.diff("us-28-point", "atlantis")
    changes = facade.diff("us-28-point", "us-ua-20-point")
    assert {"issue", "region"} == set(changes["kind"])


def test_scenario_on_a_text_prices_its_line_and_positions():
    from analysis_helpers.scenarios import run_scenario

    results = run_scenario("us_28_point_terms", draws=0).set_index("metric")["value"]
    sides = facade.compare(draws=0).query("proposal_id == 'us-28-point'").set_index("metric")["value"]
    assert results["occupied_km2"] == pytest.approx(sides["area_km2:russian"])
    assert results["buffer_km2"] == pytest.approx(sides["area_km2:buffer"])
    assert results["settlement:territory"] == 80.0
    assert "settlement_compromise:territory" in results.index


def test_pax_presence_reads_coded_silent_and_unreported_cells():
    crosswalk = pd.DataFrame({"scheme": ["pax", "pax", "pax", "pax", "ucdp"], "issue_id": ["a", "b", "c", "a", "a"],
                              "category": ["Ce", "TjRep", "StBor", "TjAm", "cease"],
                              "relation": ["direct", "direct", "direct", "partial", "direct"]})
    provisions = pd.DataFrame({"proposal_id": ["t", "t"], "issue_id": ["a", "b"], "position": [50.0, np.nan],
                               "silent": [False, True]})
    texts = pd.DataFrame({"proposal_id": ["t"], "date": pd.to_datetime(["2025-01-01"])})
    presence = prop.pax_presence(provisions, texts, crosswalk).set_index("pax_category")["present"]
    assert presence["Ce"] == 1.0 and presence["TjRep"] == 0.0 and np.isnan(presence["StBor"])
    assert "TjAm" not in presence.index  # partial mappings need a reading of each text
    assert "cease" not in presence.index  # UCDP flags are not PA-X categories
    profile = pd.DataFrame({"group": ["all", "all"], "pax_category": ["Ce", "TjRep"], "share": [0.46, 0.11]})
    table = prop.beside_past_agreements(prop.pax_presence(provisions, texts, crosswalk), profile).set_index(
        "pax_category")
    assert table.loc["Ce", ["texts_with", "texts_known"]].tolist() == [1, 1]
    assert table.loc["Ce", "share_all"] == 0.46 and table.loc["TjRep", "texts_share"] == 0.0


def test_shipped_texts_beside_past_agreements():
    presence = prop.pax_presence(ah.load("proposal_provisions"), ah.load("proposals"), ah.load("pax_crosswalk"))
    table = prop.beside_past_agreements(presence, ah.load("pax_profile")).set_index("pax_category")
    assert {"Ce", "SsrGua", "StBor", "TjRep"} == set(table.index)
    assert (table["texts_known"] >= table["texts_with"]).all()
    assert table[["share_all", "share_substantive", "share_interstate_substantive"]].notna().all().all()


@pytest.mark.parametrize(("category", "silent", "provision", "value"), [
    ("Ce", True, "Nothing on a ceasefire.", 0),
    ("Ce", False, "Withdrawal and the end of hostilities come together.", 1),  # no actual ceasefire
    ("Ce", False, "De-escalation until a comprehensive ceasefire.", 1),  # a ceasefire as a future matter
    ("Ce", False, "A permanent ceasefire, talks at once.", 2),
    ("Ce", False, "An interim 30-day ceasefire, extendable.", 3),
    ("Ce", False, "A ceasefire on the current lines, monitored under US lead.", 3),
    ("TjRep", False, "Compensation promised, no payer named. Fixed anchor R40 (CODEBOOK 11.8).", 1),
    ("TjRep", False, "Claims waived. Fixed anchor R95 (CODEBOOK 11.8).", 2),  # the anchor's digits are not the text's
    ("TjRep", False, "USD 100 bn of frozen assets into a fund.", 3),
    ("TjAm", False, "A special tribunal for aggression.", 0),  # prosecution: PA-X courts, not amnesty
    ("TjAm", False, "Full amnesty for all parties.", 2),
    ("StBor", False, "No recognition; talks from the line.", 1),
    ("ImPK", False, "No NATO troops; a US guarantee.", 0),
    ("ImPK", False, "A multinational force deployed after a ceasefire.", 1),
])
def test_pax_value_follows_codebook_11_11(category, silent, provision, value):
    assert prop.pax_value(category, silent, provision)[0] == value
    assert set(prop.PAX_RULES) == set(CROSSWALK_SCALES["pax"])  # a rule for every category the crosswalk may map


def test_pax_coding_has_one_row_per_text_and_mapped_category_and_leaves_unreported_cells_empty():
    crosswalk = pd.DataFrame({"scheme": ["pax", "pax", "pax", "ucdp"], "issue_id": ["c", "t", "n", "c"],
                              "category": ["Ce", "StBor", np.nan, "cease"],
                              "relation": ["direct", "direct", "none", "direct"]})
    provisions = pd.DataFrame({"proposal_id": ["x", "x"], "issue_id": ["c", "n"], "position": [50.0, np.nan],
                               "silent": [False, True], "provision": ["A ceasefire now.", "Nothing."]})
    texts = pd.DataFrame({"proposal_id": ["x"], "title": ["X"], "date": pd.to_datetime(["2025-01-01"])})
    coding = prop.pax_coding(provisions, texts, crosswalk).set_index("category")
    assert list(coding.index) == ["Ce", "StBor"]
    assert coding.loc["Ce", "value"] == 2 and np.isnan(coding.loc["StBor", "value"])
    assert coding.loc["StBor", "basis"] == "not reported"
    layout = prop.pax_layout(coding.reset_index(), texts)
    assert list(layout.columns) == ["proposal_id", "Agt", "Dat", "StBor", "Ce"]  # PA-X's column order
    assert layout.loc[0, "Ce"] == 2 and pd.isna(layout.loc[0, "StBor"])


def test_shipped_texts_in_pax_coding_are_on_each_category_scale():
    coding = facade.pax_coding()
    assert coding.groupby("proposal_id").size().eq(6).all()
    binary = coding[coding["category"].isin(["StBor", "SsrGua", "ImPK"])]["value"].dropna()
    assert binary.isin([0, 1]).all() and coding["value"].dropna().between(0, 3).all()
    cells = coding.set_index(["proposal_id", "category"])["value"]
    assert cells[("jeddah-statement-2025", "Ce")] == 3 and cells[("us-28-point", "TjAm")] == 2
    assert cells[("paris-declaration-2026", "ImPK")] == 1 and cells[("burgenstock-communique", "Ce")] == 0


def test_export_pax_writes_atomically_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "texts.csv"
    written, note = facade.export_pax(target, as_of="2023-01-01")
    table = pd.read_csv(written)
    assert list(table.columns[:3]) == ["proposal_id", "Agt", "Dat"] and "Ce" in table.columns
    assert "left out" in note.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["texts.README.txt", "texts.csv"]  # no temporary left
    target.write_text("a user's file\n")
    with pytest.raises(FileExistsError, match="overwrite"):
        facade.export_pax(target)
    assert target.read_text() == "a user's file\n"
    facade.export_pax(target, overwrite=True)
    assert len(pd.read_csv(target)) > len(table)


def test_pax_export_command_refuses_an_existing_file(tmp_path, capsys):
    from analysis_helpers.__main__ import main

    target = tmp_path / "out.csv"
    target.write_text("keep\n")
    assert main(["pax-export", str(target)]) == 2
    assert "--overwrite" in capsys.readouterr().err and target.read_text() == "keep\n"
    assert main(["pax-export", str(target), "--overwrite", "--as-of", "2025-01-01"]) == 0


def _agreement(paid, conflict, signed, ended_on=None, cease=0, incompatibility="2", dyad="Government of A - X",
               **flags):
    row = {"paid": paid, "conflict_id": conflict, "pa_date": signed, "ended": True if ended_on else np.nan,
           "duration": ended_on, "incompatibility": incompatibility, "dyad_name": dyad, "cease": cease,
           "pa_3rd": flags.pop("pa_3rd", np.nan)}
    for flag in ("pko", "amn", "terr_prov", "demarcation", "withd"):
        row[flag] = flags.pop(flag, 0)
    return row


def test_agreement_spells_censor_at_the_release_end_and_derive_a_ceasefire_first():
    agreements = pd.DataFrame([
        _agreement(1, "7", "2000-01-01", cease=1),
        _agreement(2, "7", "2001-01-01", ended_on="2002-01-01", pa_3rd="UN", dyad="Government of A - Government of B"),
        _agreement(3, "8, 9", "2010-01-01", incompatibility="1, 2"),
        _agreement(4, "9", "2011-01-01", ended_on=None),
    ])
    agreements.loc[3, "ended"] = True  # ended, but no end date: its time in force is unknown
    spells = prop.ucdp_agreement_spells(agreements).set_index("paid")
    assert list(spells.index) == [1, 2, 3]
    assert spells.loc[1, "years"] == pytest.approx(22.0, abs=0.01) and not spells.loc[1, "ended"]  # to 2021-12-31
    assert spells.loc[2, "years"] == pytest.approx(1.0, abs=0.01) and spells.loc[2, "ended"]
    assert spells.loc[2, "ceasefire_before"] and not spells.loc[1, "ceasefire_before"]  # strictly earlier
    assert spells.loc[2, "pa_3rd"] and not spells.loc[1, "pa_3rd"]
    assert spells.loc[2, "interstate"] and not spells.loc[1, "interstate"]
    assert spells.loc[3, "territorial"] and spells.loc[3, "conflict_id"] == "8"


def test_agreement_durability_is_kaplan_meier_with_counts_and_no_estimate_below_ten():
    rows = [_agreement(i, str(i % 4), "2000-01-01", ended_on="2000-07-01" if i < 6 else None, cease=int(i < 12))
            for i in range(20)]
    spells = prop.ucdp_agreement_spells(pd.DataFrame(rows))
    table = prop.agreement_durability(spells).set_index(["sample", "provision", "has_provision"])
    whole = table.loc[("all", "any", True)]
    assert (whole["agreements"], whole["conflicts"], whole["ended"]) == (20, 4, 6)
    assert whole["in_force_1y"] == pytest.approx(14 / 20) and whole["in_force_5y"] == pytest.approx(14 / 20)
    assert np.isnan(whole["median_years"])  # never below one half
    with_cease = table.loc[("all", "cease", True)]
    assert with_cease["agreements"] == 12 and with_cease["in_force_1y"] == pytest.approx(6 / 12)
    assert with_cease["median_years"] == pytest.approx(182 / 365.2425, abs=1e-3)
    without = table.loc[("all", "cease", False)]
    assert without["agreements"] == 8 and np.isnan(without["in_force_1y"])  # fewer than MIN_AGREEMENTS
    held = prop.durability_by_provision(table.reset_index(), samples=("all",)).set_index("provision")
    assert held.loc["cease", "with_in_force_1y_share"] == pytest.approx(0.5)


def test_shipped_durability_table_is_what_the_script_derives(reference_dir, monkeypatch):
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "scripts" / "agreement_durability.py"
    spec = importlib.util.spec_from_file_location("agreement_durability_script", script)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.syspath_prepend(str(script.parent))  # the script imports scripts/provenance.py
    spec.loader.exec_module(module)
    built = module.build(reference_dir / "base_rates" / "ucdp_peace_agreements_22.1.csv")
    shipped = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "proposals" / "agreement_durability.csv")
    pd.testing.assert_frame_equal(built.reset_index(drop=True), shipped, check_dtype=False)
    whole = shipped.set_index(["sample", "provision", "has_provision"]).loc[("all", "any", True)]
    assert whole["agreements"] == 369 and whole["ended"] == 129


def test_ucdp_flags_of_a_text_follow_codebook_11_11_and_the_crosswalk():
    crosswalk = ah.load("pax_crosswalk")
    mapped = crosswalk[crosswalk["scheme"] == "ucdp"].dropna(subset=["category"]).set_index("category")["issue_id"]
    for flag, rule in prop.UCDP_RULES.items():
        expected = "ceasefire_sequencing" if flag == "ceasefire_before" else mapped[flag]
        assert rule.issue == expected, flag
    assert set(prop.UCDP_RULES) == set(prop.DURABILITY_PROVISIONS)
    flags = prop.ucdp_flags(ah.load("proposal_provisions"), ah.load("proposals")).set_index(
        ["proposal_id", "provision"])["value"]
    us28 = flags.loc["us-28-point"]
    assert us28[["cease", "pa_3rd", "amn", "demarcation"]].tolist() == [1, 1, 1, 1]
    assert us28[["ceasefire_before", "pko", "withd"]].tolist() == [0, 0, 0]
    assert flags[("jeddah-statement-2025", "ceasefire_before")] == 1  # the 50 anchor: a ceasefire first
    assert flags[("burgenstock-communique", "demarcation")] == 0  # T10 draws no new line
    assert flags[("ua-peace-formula", "withd")] == 1 and np.isnan(flags[("us-ua-20-point", "cease")])


def test_durability_beside_drafts_counts_only_recent_known_texts():
    table = facade.durability_beside_drafts(since="2025-01-01").set_index(["sample", "provision"])
    cease = table.loc[("all", "cease")]
    assert 0 < cease["drafts_with"] <= cease["drafts_known"]
    assert (table.xs("all")["drafts_known"] == table.xs("territorial")["drafts_known"]).all()
    before = facade.durability_beside_drafts(as_of="2024-06-30", since="2025-01-01")
    assert before["drafts_known"].eq(0).all() and before["agreements_with"].gt(0).all()
