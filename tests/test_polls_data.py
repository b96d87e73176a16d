"""The poll tables load clean; bad rows are named by file, row, column and rule."""

from __future__ import annotations

import analysis_helpers as ah
from conftest import append_line, load_problems, replace_line


def test_shipped_tables_load_with_every_kiis_tracking_wave_and_sources():
    polls = ah.load("polls")
    waves = ah.load("poll_waves")
    tracking = polls[polls["question_id"] == "kiis-concessions"]
    assert tracking["wave_id"].nunique() >= 8
    assert set(waves["country"]) == {"ukraine", "russia"}
    assert (waves["fieldwork_end"] >= waves["fieldwork_start"]).all()
    sources = set(ah.load("sources")["source_id"])
    assert set(polls["source_id"]) | set(waves["source_id"]) <= sources
    assert all(s.startswith("poll-") for s in set(polls["source_id"]) | set(waves["source_id"]))


def test_a_poll_is_known_from_its_release_date():
    before = ah.load("polls", as_of="2024-07-22")
    after = ah.load("polls", as_of="2024-07-23")
    assert "kiis-2024-05" not in set(before["wave_id"]) and "kiis-2024-05" in set(after["wave_id"])


def test_shares_above_one_are_named(data_copy):
    line = replace_line(data_copy, "polls/polls.csv", "kiis-2022-05,kiis-concessions,undecided",
                "kiis-2022-05,kiis-concessions,undecided,unsure,0.20,1,true,poll-yahoo-2022-05")
    found = load_problems(data_copy, "polls")
    assert any(f"polls/polls.csv, row {line}, column share" in p and "at most" in p for p in found), found


def test_complete_options_that_fall_short_are_named(data_copy):
    line = replace_line(data_copy, "polls/polls.csv", "kiis-2022-05,kiis-concessions,undecided",
                "kiis-2022-05,kiis-concessions,undecided,unsure,0.01,1,true,poll-yahoo-2022-05")
    found = load_problems(data_copy, "polls")
    assert any(f"row {line}, column share" in p and "at least" in p for p in found), found


def test_fieldwork_ending_before_it_starts_is_named(data_copy):
    line = replace_line(data_copy, "polls/waves.csv", "rf-2023-10,",
                "rf-2023-10,Russian Field,russia,2023-10-21,2023-10-01,day,2023-11-16,phone,1611,,Russians,"
                "not stated,,,poll-rubryka-2023-11")
    found = load_problems(data_copy, "poll_waves")
    assert any(f"polls/waves.csv, row {line}, column fieldwork_end" in p for p in found), found


def test_a_wave_without_sample_size_is_named(data_copy):
    line = replace_line(data_copy, "polls/waves.csv", "rf-2023-10,",
                "rf-2023-10,Russian Field,russia,2023-10-21,2023-10-29,day,2023-11-16,phone,,,Russians,"
                "not stated,,,poll-rubryka-2023-11")
    found = load_problems(data_copy, "poll_waves")
    assert any(f"row {line}, column sample_size" in p for p in found), found


def test_an_item_mapped_to_an_unknown_provision_is_named(data_copy):
    line = append_line(data_copy, "polls/mapping.csv", "kiis-recognition,accountability,ru-memorandum-2025,close,No such row.")
    found = load_problems(data_copy, "poll_mapping")
    assert any(f"polls/mapping.csv, row {line}, column proposal_id" in p and "coded provision" in p
               for p in found), found


def test_an_item_mapped_to_an_unknown_text_is_named(data_copy):
    line = append_line(data_copy, "polls/mapping.csv", "kiis-recognition,territory,no-such-text,close,Unknown text.")
    found = load_problems(data_copy, "poll_mapping")
    assert any(f"row {line}, column proposal_id" in p for p in found), found
