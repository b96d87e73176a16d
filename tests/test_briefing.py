"""Unit tests of the briefing analysis: claim checks, timeline helpers, state of play."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis_helpers.analysis import briefing as b
from analysis_helpers.analysis import reconstruction as recon
from analysis_helpers.analysis import territory as terr
from analysis_helpers.conventions import DAYS_PER_MONTH
from conftest import DATA_DIR

D = pd.Timestamp


def claim(**fields) -> pd.Series:
    base = {"claim_id": "C01", "claim": "x", "topic": "war length", "claim_date": D("2025-05-11"),
            "claimed_value": float("nan"), "verdict": "supported", "evidence": "e", "decided_by": "sources:s",
            "computed": None, "source_id": "s"}
    return pd.Series({**base, **fields})


def events_frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["event_id", "date", "end_date", "event", "kind", "location",
                                        "participants", "outcome", "source_id"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    return frame


EVENTS = events_frame([
    ("2022-02-24-full-scale-invasion", "2022-02-24", None, "Invasion", "military", "Ukraine", "Russia; Ukraine", "o", "s"),
    ("2022-03-29-istanbul", "2022-03-29", None, "Istanbul", "talks", "Istanbul", "Russia; Ukraine; Türkiye", "o", "s"),
    ("2023-05-20-bakhmut", "2023-05-20", None, "Bakhmut falls", "military", "Bakhmut", "Russia; Ukraine", "o", "s"),
    ("2025-02-18-riyadh", "2025-02-18", None, "Riyadh", "talks", "Riyadh", "United States; Russia", "o", "s"),
    ("2025-05-16-istanbul", "2025-05-16", None, "Istanbul 2", "talks", "Istanbul", "Russia; Ukraine; Türkiye", "o", "s"),
    ("2025-05-23-swap", "2025-05-23", "2025-05-25", "Swap", "exchange", "n/a", "Russia; Ukraine", "o", "s"),
])


@pytest.mark.parametrize("on, year", [("2022-02-24", 1), ("2023-02-23", 1), ("2023-02-24", 2),
                                      ("2025-05-11", 4), ("2026-02-24", 5)])
def test_war_year_counts_anniversaries(on, year):
    assert b.war_year("2022-02-24", on) == year


@pytest.mark.parametrize("claimed, verdict", [(3, "outdated"), (4, "supported"), (5, "wrong")])
def test_war_year_check_compares_claimed_year(claimed, verdict):
    found = b.check_war_year(claim(claimed_value=claimed, decided_by="events:2022-02-24-full-scale-invasion"),
                             {"events": EVENTS})
    assert found.verdict == verdict
    assert "24 February 2022" in found.evidence and "4th year" in found.evidence


def test_front_places_fallen_outdated_only_if_all_fell_before_the_claim():
    fallen = claim(decided_by="events:2023-05-20-bakhmut")
    assert b.check_front_places_fallen(fallen, {"events": EVENTS}).verdict == "outdated"
    early = claim(decided_by="events:2023-05-20-bakhmut", claim_date=D("2023-01-01"))
    assert b.check_front_places_fallen(early, {"events": EVENTS}).verdict == "supported"


def control_frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["date", "region_id", "occupied_km2"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_front_movement_uses_the_window_and_monthly_rate():
    control = control_frame([("2024-01-01", "UA", 100_000), ("2024-06-01", "UA", 101_000),
                             ("2025-05-01", "UA", 104_650), ("2025-06-01", "UA", 999_999),
                             ("2025-05-01", "UA-14", 1)])
    move = terr.front_movement(control, "2025-05-11")
    assert move["start"] == D("2024-06-01") and move["end"] == D("2025-05-01")
    assert move["change_km2"] == pytest.approx(3650)
    assert move["km2_per_month"] == pytest.approx(3650 / (334 / DAYS_PER_MONTH))


def test_front_movement_compares_one_mapping_basis_only():
    control = control_frame([("2024-06-01", "UA", 90_000), ("2024-08-01", "UA", 100_000),
                             ("2025-05-01", "UA", 103_000)])
    control["basis"] = ["liveuamap", "DeepState", "DeepState"]
    move = terr.front_movement(control, "2025-05-11")
    assert move["start"] == D("2024-08-01") and move["change_km2"] == 3000 and move["basis"] == "DeepState"
    finding = b.check_front_movement(claim(), {"territory_control": control})
    assert "(DeepState maps)" in finding.evidence


def test_front_movement_needs_two_rows_and_threshold_decides_verdict():
    assert terr.front_movement(control_frame([("2025-05-01", "UA", 1.0)]), "2025-05-11") is None
    slow = control_frame([("2024-06-01", "UA", 100_000), ("2025-06-01", "UA", 100_500)])
    fast = control_frame([("2024-06-01", "UA", 100_000), ("2025-06-01", "UA", 104_000)])
    on = claim(claim_date=D("2025-06-01"))
    assert b.check_front_movement(on, {"territory_control": slow}).verdict == "supported"
    assert b.check_front_movement(on, {"territory_control": fast}).verdict == "partly wrong"


REGIONS = pd.DataFrame({"region_id": ["UA-09", "UA-14"], "name": ["Luhansk Oblast", "Donetsk Oblast"],
                        "area_km2": [26_684.0, 26_517.0], "population": [2_102_000, 4_059_000]})
ANNEXED = pd.DataFrame({"region_id": ["UA-09", "UA-14", "UA-43"],
                        "claimed_since": pd.to_datetime(["2022-09-30", "2022-09-30", "2014-03-18"])})


@pytest.mark.parametrize("luhansk_km2, verdict", [(26_000, "supported"), (26_684, "partly wrong")])
def test_annexed_regions_partly_held(luhansk_km2, verdict):
    control = control_frame([("2025-05-01", "UA-09", luhansk_km2), ("2025-05-01", "UA-14", 18_000),
                             ("2025-06-01", "UA-14", 26_517)])
    found = b.check_annexed_regions_partly_held(
        claim(decided_by="annexation_claims:UA-09; annexation_claims:UA-14"),
        {"annexation_claims": ANNEXED, "territory_control": control, "regions": REGIONS})
    assert found.verdict == verdict
    assert "Donetsk Oblast 68%" in found.evidence and "30 September 2022" in found.evidence


def test_annexation_year():
    data = {"annexation_claims": ANNEXED}
    assert b.check_annexation_year(claim(claimed_value=2014, decided_by="annexation_claims:UA-43"), data).verdict == "supported"
    assert b.check_annexation_year(claim(claimed_value=2015, decided_by="annexation_claims:UA-43"), data).verdict == "wrong"


ASSESSMENTS = pd.DataFrame({
    "assessment_id": ["LUGANO", "RDNA3", "RDNA4", "RDNA5"],
    "published": pd.to_datetime(["2022-07-05", "2024-02-15", "2025-02-25", "2026-02-23"]),
    "needs_usd_bn": [750.0, 486.0, 524.0, 588.0],
})


@pytest.mark.parametrize("claimed, verdict", [(750, "outdated"), (524, "supported"), (540, "supported"),
                                              (100, "wrong")])
def test_latest_needs_estimate(claimed, verdict):
    found = b.check_latest_needs_estimate(claim(claimed_value=claimed), {"reconstruction_assessments": ASSESSMENTS})
    assert found.verdict == verdict
    assert "RDNA4" in found.evidence  # RDNA5 was published after the claim date


def test_immobilised_total_counts_top_level_rows_only():
    funding = pd.DataFrame({"kind": ["immobilised_assets", "immobilised_assets", "immobilised_assets", "donor_rate"],
                            "part_of": [None, "a", None, None], "amount_usd_bn": [200.0, 190.0, 30.0, 5.0],
                            "as_of": pd.to_datetime(["2025-12-01", "2025-12-01", "2023-01-01", "2025-01-01"])})
    total = recon.immobilised_total(funding)
    assert total["usd_bn"] == 230 and total["holders"] == 2 and total["first"] == D("2023-01-01")


def test_check_claims_keeps_recorded_verdict_when_data_is_missing():
    claims = pd.DataFrame([claim(claim_id="C01", computed="front_movement", verdict="partly wrong"),
                           claim(claim_id="C02", computed="war_year", claimed_value=3, verdict="supported",
                                 decided_by="events:2022-02-24-full-scale-invasion"),
                           claim(claim_id="C03", computed=None, verdict="not checkable")])
    checked = b.check_claims(claims, {"events": EVENTS})
    assert list(checked["recomputed"]) == [False, True, False]
    assert list(checked["verdict_now"]) == ["partly wrong", "outdated", "not checkable"]
    assert list(checked["changed"]) == [False, True, False]
    assert checked.loc[0, "computed_evidence"] == ""


def test_every_check_named_in_the_schema_exists():
    schema = json.loads((DATA_DIR / "schemas" / "claims.json").read_text())
    enum = next(f for f in schema["fields"] if f["name"] == "computed")["constraints"]["enum"]
    assert set(enum) == set(b.CHECKS)


def test_direct_talks_and_longest_gap():
    talks = b.direct_talks(EVENTS)
    assert list(talks["event_id"]) == ["2022-03-29-istanbul", "2025-05-16-istanbul"]  # Riyadh had no Ukraine
    gap = b.longest_gap(talks["date"])
    assert gap["after"] == D("2022-03-29") and gap["before"] == D("2025-05-16")
    assert b.longest_gap(talks["date"].iloc[:1]) is None


def test_timeline_lanes_follow_kind_order_and_fill_end_dates():
    lanes = b.timeline_lanes(EVENTS)
    assert lanes["kind"].iloc[0] == "talks"
    assert (lanes["end"] >= lanes["date"]).all()
    assert lanes.loc[lanes["event_id"] == "2025-05-23-swap", "end"].iloc[0] == D("2025-05-25")
    assert b.kinds_present(EVENTS) == ["talks", "exchange", "military"]


def test_state_of_play_respects_as_of_and_missing_data():
    early = b.state_of_play(EVENTS, {}, "2024-01-01").set_index("item")
    assert "Istanbul" in early.at["Last direct Russia–Ukraine talks", "value"]
    assert "Last prisoner exchange" not in early.index
    assert early.at["Full-scale war", "value"].endswith("(2nd year)")
    control = control_frame([("2024-06-01", "UA", 100_000), ("2025-05-01", "UA", 104_000)])
    later = b.state_of_play(EVENTS, {"territory_control": control, "reconstruction_assessments": ASSESSMENTS},
                            "2025-06-01").set_index("item")
    assert later.at["Last direct Russia–Ukraine talks", "dated"] == D("2025-05-16")
    assert later.at["Russian-held area", "value"].startswith("104,000 km²")
    assert later.at["Reconstruction needs (latest estimate)", "value"] == "524 USD bn (RDNA4)"
