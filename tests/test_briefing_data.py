"""The briefing tables: the shipped data is valid, and bad rows are named precisely."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import analysis_helpers as ah
from analysis_helpers.data import briefing as data_briefing
from conftest import DATA_DIR

SOURCES = ("source_id,publisher,title,title_read,url,published,accessed,source_type,relays\n"
           "event-a,Publisher A,Title A,true,https://example.org/a,2025-05-16,2026-11-26,wire,\n")
EVENTS = ("event_id,date,end_date,event,kind,location,participants,outcome,source_id\n"
          "2025-05-16-istanbul,2025-05-16,,Talks,talks,Istanbul,Russia; Ukraine,Swap agreed,event-a\n")
CLAIMS = ("claim_id,claim,topic,claim_date,claimed_value,verdict,evidence,decided_by,computed,source_id\n"
          "C01,Talks happened,diplomacy,2025-05-11,,supported,yes,events:2025-05-16-istanbul,,event-a\n")


@pytest.fixture
def briefing_package(tmp_path: Path) -> Path:
    """sources, events, claims and one more dataset (`extra`) in a temporary data folder."""
    (tmp_path / "schemas").mkdir()
    for name in ("sources", "events", "claims"):
        shutil.copy(DATA_DIR / "schemas" / f"{name}.json", tmp_path / "schemas" / f"{name}.json")
    (tmp_path / "schemas" / "extra.json").write_text(json.dumps(
        {"fields": [{"name": "item_id", "type": "string"}, {"name": "value", "type": "number"}]}))
    (tmp_path / "sources.csv").write_text(SOURCES)
    (tmp_path / "events.csv").write_text(EVENTS)
    (tmp_path / "claims.csv").write_text(CLAIMS)
    (tmp_path / "extra.csv").write_text("item_id,value\nassets,1\n")
    descriptor = {"resources": [{"name": name, "path": f"{name}.csv", "schema": f"schemas/{name}.json"}
                                for name in ("sources", "events", "claims", "extra")]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    return tmp_path


def problems(folder: Path, name: str) -> list[str]:
    with pytest.raises(ah.DataValidationError) as caught:
        ah.load(name, data_dir=folder)
    return [str(p) for p in caught.value.problems]


def test_shipped_events_and_claims_are_valid():
    events, claims = ah.load("events"), ah.load("claims")
    assert pd.api.types.is_datetime64_any_dtype(events["date"])
    assert events["event_id"].is_unique and len(events) >= 30
    assert {"talks", "summit", "proposal", "agreement", "exchange", "military"} <= set(events["kind"])
    assert claims["claim_id"].is_unique
    # A claim may rest on any topic's source (the Kiel tracker is a reconstruction source).
    assert set(claims["source_id"]) <= set(ah.load("sources")["source_id"])


def test_small_package_loads(briefing_package):
    assert len(ah.load("claims", data_dir=briefing_package)) == 1


def test_source_published_before_the_event_is_reported(briefing_package):
    (briefing_package / "events.csv").write_text(EVENTS + "2025-06-02-istanbul,2025-06-02,,Talks,talks,"
                                                 "Istanbul,Russia; Ukraine,x,event-a\n")
    found = problems(briefing_package, "events")
    assert len(found) == 1
    assert "events.csv" in found[0] and "row 3" in found[0] and "source_id" in found[0]
    assert "before the event's date" in found[0]


def test_end_before_start_and_bad_kind_are_reported(briefing_package):
    (briefing_package / "events.csv").write_text(
        EVENTS + "2025-05-16-x,2025-05-16,2025-05-15,X,talks,Istanbul,Russia,x,event-a\n"
                 "2025-05-16-y,2025-05-16,,Y,party,Istanbul,Russia,x,event-a\n")
    found = problems(briefing_package, "events")
    assert any("row 4" in p and "kind" in p for p in found)  # schema: enum
    (briefing_package / "events.csv").write_text(
        EVENTS + "2025-05-16-x,2025-05-16,2025-05-15,X,talks,Istanbul,Russia,x,event-a\n")
    found = problems(briefing_package, "events")
    assert len(found) == 1 and "row 3" in found[0] and "end_date" in found[0]


@pytest.mark.parametrize("decided_by, message", [
    ("events:2099-01-01-nothing", "no row of events has the id '2099-01-01-nothing'"),
    ("events:2025-05-16-istanbul; nowhere:x", "names a dataset that is not in the data package"),
    ("extra:debts", "no row of extra has the id 'debts'"),
])
def test_claim_references_must_resolve(briefing_package, decided_by, message):
    (briefing_package / "claims.csv").write_text(CLAIMS.replace("events:2025-05-16-istanbul", decided_by))
    found = problems(briefing_package, "claims")
    assert len(found) == 1 and "claims.csv, row 2, column decided_by" in found[0] and message in found[0]


def test_claim_referring_to_a_broken_dataset_still_loads(briefing_package):
    (briefing_package / "extra.csv").write_text("item_id,value\nassets,not-a-number\n")
    (briefing_package / "claims.csv").write_text(CLAIMS.replace("events:2025-05-16-istanbul", "extra:whatever"))
    assert len(ah.load("claims", data_dir=briefing_package)) == 1


def test_computed_claim_cannot_be_not_checkable(briefing_package):
    (briefing_package / "claims.csv").write_text(CLAIMS.replace("supported,yes,events:2025-05-16-istanbul,,",
                                                                "not checkable,yes,events:2025-05-16-istanbul,war_year,"))
    found = problems(briefing_package, "claims")
    assert len(found) == 1 and "column verdict" in found[0]


def test_unknown_check_name_is_an_enum_error(briefing_package):
    (briefing_package / "claims.csv").write_text(CLAIMS.replace("events:2025-05-16-istanbul,,",
                                                                "events:2025-05-16-istanbul,guess,"))
    found = problems(briefing_package, "claims")
    assert len(found) == 1 and "column computed" in found[0]


def test_load_available_reports_what_it_leaves_out(briefing_package, monkeypatch):
    monkeypatch.setenv("ANALYSIS_HELPERS_DATA", str(briefing_package))
    (briefing_package / "extra.csv").write_text("item_id,value\nassets,not-a-number\n")
    tables, skipped = data_briefing.load_available(("events", "extra", "sites"))
    assert list(tables) == ["events"]
    assert set(skipped) == {"extra", "sites"}
