"""The stance tables load clean, and bad rows are named by file, row, column and rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import analysis_helpers as ah

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
STANCES_FILE = Path("stances") / "stances.csv"
ACTOR_IDS = {"ukraine", "russia", "usa", "eu", "uk", "germany", "france", "poland", "hungary", "turkey", "qatar",
             "saudi_arabia", "china", "india", "brazil", "iran", "belarus", "north_korea", "un", "nato", "vatican",
             "south_africa", "indonesia"}
ISSUE_IDS = {"territory", "security_guarantees", "accountability", "reparations_assets", "nuclear_safety",
             "ceasefire_sequencing", "sanctions_relief"}
GOOD_ROW = "ukraine,territory,2025-01-01,2025-01-02,10,90,high,5,A statement,stance-eu-loan-2025"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of the kit's data package that a test may break."""
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


def append_stance(package: Path, line: str) -> int:
    """Append one line to stances.csv; return its line number (header = 1)."""
    path = package / STANCES_FILE
    text = path.read_text()
    path.write_text(text + line + "\n")
    return len(text.splitlines()) + 1


def problem_lines(package: Path) -> list[str]:
    with pytest.raises(ah.DataValidationError) as caught:
        ah.load("stances", package)
    return [str(problem) for problem in caught.value.problems]


def test_shipped_tables_cover_the_required_actors_and_issues():
    assert set(ah.load("actors")["actor_id"]) == ACTOR_IDS
    assert set(ah.load("issues")["issue_id"]) == ISSUE_IDS
    stances = ah.load("stances")
    assert set(stances["actor_id"]) == ACTOR_IDS
    assert set(stances["issue_id"]) == ISSUE_IDS
    assert stances["source_id"].str.startswith("stance-").all()
    assert ah.load("actors")["source_id"].str.startswith("stance-").all()


def test_positions_move_over_time_for_the_main_actors():
    stances = ah.load("stances")
    dates_per_actor = stances.groupby("actor_id")["as_of"].nunique()
    assert (dates_per_actor[["ukraine", "russia", "usa", "eu"]] >= 3).all()


@pytest.mark.parametrize(("line", "column", "rule"), [
    ("atlantis,territory,2025-01-01,2025-01-02,10,90,high,5,x,stance-ua-g20-formula", "actor_id", "actors"),
    ("ukraine,moon,2025-01-01,2025-01-02,10,90,high,5,x,stance-ua-g20-formula", "issue_id", "issues"),
    ("ukraine,territory,2025-01-01,2025-01-02,120,90,high,5,x,stance-ua-g20-formula", "position", "100"),
    ("ukraine,territory,2025-01-01,2025-01-02,10,-5,high,5,x,stance-ua-g20-formula", "salience", "0"),
    ("ukraine,territory,2025-01-01,2025-01-02,10,90,high,5,x,", "source_id", "required"),
    ("ukraine,territory,2025-01-01,2025-01-02,10,90,high,5,x,stance-nowhere", "source_id", "sources"),
])
def test_bad_stance_is_named_by_file_row_column_and_rule(package, line, column, rule):
    row = append_stance(package, line)
    found = problem_lines(package)
    assert any(f"stances/stances.csv, row {row}" in text and column in text and rule in text
               for text in found), found


def test_duplicate_actor_issue_date_is_rejected(package):
    first = append_stance(package, GOOD_ROW)
    second = append_stance(package, GOOD_ROW)
    found = problem_lines(package)
    assert any(f"row {second}" in text or f"row {first}" in text for text in found), found


def test_uncertainty_must_follow_confidence(package):
    row = append_stance(package, GOOD_ROW.replace("high,5", "high,20"))
    found = problem_lines(package)
    assert len(found) == 1, found
    assert found[0].endswith(f"stances/stances.csv, row {row}, column uncertainty: must be 5 for confidence "
                             "'high' (CODEBOOK.md) (value: 20.0)")


def test_stance_cannot_postdate_its_source(package):
    row = append_stance(package, GOOD_ROW.replace("2025-01-01,2025-01-02", "2026-01-01,2026-01-01"))
    found = problem_lines(package)
    assert any(f"row {row}, column as_of: must not be after" in text for text in found), found


@pytest.mark.parametrize(("published_on", "rule"), [
    ("2024-12-31", "must not be before the statement's date 2025-01-01"),
    ("2025-12-31", "must not be after its source's publication date"),
])
def test_publication_date_lies_between_statement_and_source(package, published_on, rule):
    row = append_stance(package, GOOD_ROW.replace("2025-01-02", published_on))
    found = problem_lines(package)
    assert len(found) == 1 and f"row {row}, column published_on: {rule}" in found[0], found


def test_a_stance_is_known_only_once_reported():
    stances = ah.load("stances")
    assert (stances["published_on"] >= stances["as_of"]).all()
    late = stances[stances["published_on"] > stances["as_of"]].iloc[0]
    on_the_day = ah.load("stances", as_of=late["as_of"])
    key = ["actor_id", "issue_id", "as_of"]
    assert not (on_the_day[key] == late[key]).all(axis=1).any()
