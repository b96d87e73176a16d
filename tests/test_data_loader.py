"""The loader: valid files load typed; broken files raise one error listing every problem."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import analysis_helpers as ah
from analysis_helpers.data import DataPackage, DataValidationError, load

HEADER = "region_id,date,occupied_km2,count,basis,source_id\n"


def problems_of(package: Path, csv_text: str | bytes) -> list[ah.Problem]:
    target = package / "observations.csv"
    target.write_bytes(csv_text if isinstance(csv_text, bytes) else csv_text.encode())
    with pytest.raises(ah.DataValidationError) as caught:
        ah.load("observations", package)
    return caught.value.problems


def test_valid_package_loads_with_types(tiny_package):
    frame = ah.load("observations", tiny_package)
    assert list(frame.columns) == ["region_id", "date", "occupied_km2", "count", "basis", "source_id"]
    assert pd.api.types.is_datetime64_any_dtype(frame["date"])
    assert frame["occupied_km2"].dtype == "float64"
    assert frame["count"].tolist()[0] == 3 and pd.isna(frame["count"].tolist()[1])
    assert ah.datasets(tiny_package) == ["sources", "observations"]


def test_load_returns_a_copy_and_sees_edits(tiny_package):
    first = ah.load("observations", tiny_package)
    first.loc[0, "occupied_km2"] = -1
    assert ah.load("observations", tiny_package).loc[0, "occupied_km2"] == 100.5
    (tiny_package / "observations.csv").write_text(HEADER + "UA,2024-01-01,7,1,ISW,core-a\n")
    assert ah.load("observations", tiny_package)["occupied_km2"].tolist() == [7.0]


@pytest.mark.parametrize(
    ("kind", "csv_text", "expected"),
    [
        ("wrong type", HEADER + "UA,2024-01-01,lots,1,ISW,core-a\n",
         [(2, "occupied_km2", "must be a finite number")]),
        ("not a date", HEADER + "UA,01/02/2024,5,1,ISW,core-a\n", [(2, "date", "YYYY-MM-DD")]),
        ("impossible date", HEADER + "UA,2024-02-30,5,1,ISW,core-a\n", [(2, "date", "YYYY-MM-DD")]),
        ("below minimum", HEADER + "UA,2024-01-01,-3,1,ISW,core-a\n", [(2, "occupied_km2", "minimum 0")]),
        ("date before range", HEADER + "UA,2010-01-01,3,1,ISW,core-a\n", [(2, "date", "minimum 2014-01-01")]),
        ("not in enum", HEADER + "UA,2024-01-01,3,1,Guess,core-a\n", [(2, "basis", "must be one of")]),
        ("pattern", HEADER + "Kyiv,2024-01-01,3,1,ISW,core-a\n", [(2, "region_id", "must match the pattern")]),
        ("missing required", HEADER + "UA,2024-01-01,,1,ISW,core-a\n", [(2, "occupied_km2", "required")]),
        ("fractional integer", HEADER + "UA,2024-01-01,3,1.5,ISW,core-a\n", [(2, "count", "whole number")]),
        ("infinite", HEADER + "UA,2024-01-01,inf,1,ISW,core-a\n", [(2, "occupied_km2", "finite")]),
        ("NaN text", HEADER + "UA,2024-01-01,NaN,1,ISW,core-a\n", [(2, "occupied_km2", "finite")]),
        ("duplicate key", HEADER + "UA,2024-01-01,3,1,ISW,core-a\nUA,2024-01-01,4,1,ISW,core-a\n",
         [(2, "region_id,date", "primary key"), (3, "region_id,date", "primary key")]),
        ("unknown source", HEADER + "UA,2024-01-01,3,1,ISW,core-zzz\n", [(2, "source_id", "must match sources")]),
        ("too many fields", HEADER + "UA,2024-01-01,3,1,ISW,core-a,extra\n", [(2, None, "has 7 fields")]),
        ("too few fields", HEADER + "UA,2024-01-01,3\n", [(2, None, "has 3 fields")]),
        ("missing column", "region_id,date,occupied_km2,basis,source_id\nUA,2024-01-01,3,ISW,core-a\n",
         [(1, "count", "missing")]),
        ("extra column", HEADER.strip() + ",note\nUA,2024-01-01,3,1,ISW,core-a,x\n", [(1, "note", "not in the schema")]),
        ("repeated column", HEADER.strip() + ",basis\nUA,2024-01-01,3,1,ISW,core-a,ISW\n",
         [(1, "basis", "appears twice")]),
        ("empty file", "", [(None, None, "empty")]),
        ("future date", HEADER + "UA,2199-01-01,3,1,ISW,core-a\n", [(2, "date", "must not be in the future")]),
        ("not UTF-8", HEADER.encode() + b"UA,2024-01-01,3,1,ISW,core-\xff\n", [(2, None, "UTF-8")]),
    ],
)
def test_broken_file_names_file_row_column_and_rule(tiny_package, kind, csv_text, expected):
    problems = problems_of(tiny_package, csv_text)
    found = [(p.row, p.column) for p in problems]
    for row, column, rule in expected:
        matching = [p for p in problems if p.row == row and p.column == column and rule in p.rule]
        assert matching, f"{kind}: expected row {row}, column {column}, rule ~{rule!r}; got {problems}"
        assert matching[0].file.endswith("observations.csv")
    assert len(problems) == len(expected), f"{kind}: unexpected extra problems {found}"


def test_every_problem_is_reported_at_once_in_file_order(tiny_package):
    problems = problems_of(tiny_package, HEADER
                           + "UA,2024-01-01,-1,1,ISW,core-a\n"
                           + "UA-14,2024-13-01,5,1,Guess,core-a\n"
                           + "UA-23,2024-01-01,5,1,ISW,nope\n")
    assert [(p.row, p.column) for p in problems] == [
        (2, "occupied_km2"), (3, "date"), (3, "basis"), (4, "source_id")]


def test_message_is_readable_not_a_traceback(tiny_package):
    (tiny_package / "observations.csv").write_text(HEADER + "UA,2024-01-01,-1,1,ISW,core-a\n")
    with pytest.raises(ah.DataValidationError) as caught:
        ah.load("observations", tiny_package)
    message = str(caught.value)
    assert "observations.csv, row 2, column occupied_km2: minimum 0 (value: -1.0)" in message
    assert "Traceback" not in message


def test_quoted_newlines_keep_line_numbers(tiny_package):
    problems = problems_of(tiny_package, HEADER + 'UA,2024-01-01,3,1,ISW,core-a\n'
                           + '"UA-14",2024-01-01,3,1,"IS\nW",core-a\nUA-23,2024-01-01,-2,1,ISW,core-a\n')
    assert [(p.row, p.column) for p in problems] == [(3, "basis"), (5, "occupied_km2")]


def test_bom_and_crlf_load(tiny_package):
    text = (HEADER + "UA,2024-01-01,3,1,ISW,core-a\n").replace("\n", "\r\n")
    (tiny_package / "observations.csv").write_bytes(b"\xef\xbb\xbf" + text.encode())
    frame = ah.load("observations", tiny_package)
    assert frame["region_id"].tolist() == ["UA"] and frame["source_id"].tolist() == ["core-a"]


def test_blank_lines_are_skipped_but_counted(tiny_package):
    problems = problems_of(tiny_package, HEADER + "UA,2024-01-01,3,1,ISW,core-a\n\nUA-14,2024-01-01,-1,1,ISW,core-a\n")
    assert [(p.row, p.column) for p in problems] == [(4, "occupied_km2")]


def test_unknown_dataset_name_lists_known_ones(tiny_package):
    with pytest.raises(KeyError, match="observations"):
        ah.load("nonexistent", tiny_package)


def test_broken_descriptor_is_reported_with_its_line(tiny_package):
    (tiny_package / "datapackage.json").write_text('{"resources": [\n  {"name": "x",}\n]}')
    with pytest.raises(ah.DataValidationError, match=r"datapackage.json, row 2: not valid JSON"):
        ah.load("observations", tiny_package)


def test_missing_data_file_and_schema(tiny_package):
    (tiny_package / "observations.csv").unlink()
    with pytest.raises(ah.DataValidationError, match=r"observations\.csv: file not found"):
        ah.load("observations", tiny_package)
    (tiny_package / "schemas" / "observations.json").unlink()
    with pytest.raises(ah.DataValidationError, match=r"observations\.json: file not found"):
        ah.load("observations", tiny_package)


def test_invalid_reference_is_named_from_the_dependent_side(tiny_package):
    (tiny_package / "sources.csv").write_text("source_id,publisher,title,title_read,url,published,accessed,source_type,relays\n"
                                               "core-a,P,T,true,not-a-url,2024-01-01,,wire,\n")
    problems = ah.validate(tiny_package)
    assert any(p.file.endswith("sources.csv") and p.column == "url" for p in problems)
    assert any(p.file.endswith("observations.csv") and "cannot be checked until" in p.rule for p in problems)


def test_shipped_data_package_is_valid():
    problems = ah.validate()
    assert problems == [], "\n".join(map(str, problems))


def test_every_resource_with_figures_points_to_a_source():
    """Tables holding numbers or dates cite a source per row (pure definitions, like the issue
    scales the codebook defines, need none)."""
    package = DataPackage()
    for name in package.names():
        schema = package.schema(name)
        fields = {f["name"] for f in schema["fields"]}
        has_figures = any(f.get("type") in {"number", "integer", "date"} for f in schema["fields"])
        if name == "sources" or not has_figures:
            continue
        assert "source_id" in fields, f"{name} has no source_id column"
        keys = [k for k in schema.get("foreignKeys", []) if k["reference"].get("resource") == "sources"]
        assert keys, f"{name} does not declare its source_id foreign key"


def test_load_as_of_keeps_only_rows_known_then(tiny_package):
    schema_path = tiny_package / "schemas" / "observations.json"
    schema = json.loads(schema_path.read_text())
    schema["knownFrom"] = {"fields": ["date"]}
    schema_path.write_text(json.dumps(schema))
    (tiny_package / "observations.csv").write_text(
        "region_id,date,occupied_km2,count,basis,source_id\n"
        "UA,2024-01-01,100.5,3,DeepState,core-a\nUA,2024-03-01,120,3,DeepState,core-a\n")
    assert list(load("observations", tiny_package, as_of="2024-02-01")["occupied_km2"]) == [100.5]
    assert len(load("observations", tiny_package)) == 2


def test_known_from_parent_cycle_is_a_clear_error(tiny_package):
    schema_path = tiny_package / "schemas" / "observations.json"
    schema = json.loads(schema_path.read_text())
    schema["knownFrom"] = {"parent": {"resource": "observations", "fields": "region_id"}}
    schema_path.write_text(json.dumps(schema))
    with pytest.raises(DataValidationError, match="without a cycle"):
        load("observations", tiny_package, as_of="2024-02-01")


def test_known_from_must_name_date_fields(tiny_package):
    schema_path = tiny_package / "schemas" / "observations.json"
    schema = json.loads(schema_path.read_text())
    schema["knownFrom"] = {"fields": ["region_id"]}
    schema_path.write_text(json.dumps(schema))
    with pytest.raises(DataValidationError, match="must name date fields"):
        load("observations", tiny_package)


@pytest.mark.parametrize(("column", "second_row"), [
    ("title", "core-b,Publisher A,Another title,true,https://example.org/a,2024-01-01,,official,\n"),
    ("published", "core-b,Publisher A,Title A,true,https://example.org/a,2024-03-01,,official,\n"),
])
def test_one_url_cannot_carry_two_titles_or_two_dates(tiny_package, column, second_row):
    with (tiny_package / "sources.csv").open("a", encoding="utf-8") as stream:
        stream.write(second_row)
    problems = [p for p in ah.validate(tiny_package) if p.file.endswith("sources.csv")]
    assert len(problems) == 1 and problems[0].row == 3 and problems[0].column == column, problems
    assert "core-a citing the same URL https://example.org/a" in problems[0].rule


def test_shipped_sources_are_honest_about_what_was_read():
    sources = ah.load("sources")
    assert sources.groupby("url")[["title", "published"]].nunique().max().max() == 1
    assert not sources["title"].str.startswith("[").any()  # no invented bracketed titles: see title_read
    assert sources["accessed"].value_counts().max() < len(sources) / 2  # no bulk-filled reading date


@pytest.mark.parametrize("rest", ["", '"UA-14",2024-01-01,3,1,"IS\nW",core-a\n'],
                         ids=["pandas reads the file", "the csv module reads it (a quoted newline)"])
def test_a_cell_of_spaces_is_empty(tiny_package, rest):
    problems = problems_of(tiny_package, HEADER + "UA,2024-01-01,3,1,ISW,  \n" + rest)
    assert [(p.row, p.column, p.rule) for p in problems][:1] == [(2, "source_id", "required: must not be empty")]


@pytest.mark.parametrize("name_length", [10, 65_530, 70_000])
def test_a_long_header_is_read_whole(tiny_package, name_length):
    # The header is first read from the text's first 64 K characters; one that runs past them is read again.
    long_name = "x" * name_length + "\ny"
    problems = problems_of(tiny_package, f'"{long_name}",{HEADER}UA,UA,2024-01-01,3,1,ISW,core-a\n')
    assert [(p.row, p.column, p.rule) for p in problems] == [(1, long_name, "column is not in the schema")]


def test_value_rules_on_a_cell_are_tried_in_a_fixed_order(tiny_package):
    schema = json.loads((tiny_package / "schemas" / "observations.json").read_text())
    schema["fields"][5]["constraints"].update({"pattern": "core-.", "maxLength": 6})  # source_id
    schema["fields"][2]["constraints"]["pattern"] = "1"  # a pattern on numbers has nothing to test
    (tiny_package / "schemas" / "observations.json").write_text(json.dumps(schema))
    problems = problems_of(tiny_package, HEADER + "UA,2024-01-01,3,1,ISW,sources\n")
    assert [(p.column, p.rule) for p in problems] == [("source_id", "must match the pattern core-.")]


def test_a_row_whose_stray_quotes_fool_the_field_count_is_refused_not_cut(tiny_package):
    # The pre-parse count takes this row for six fields; the C parser would keep six and drop the
    # rest with a warning. The csv module reads nine, and the row is refused with its line.
    problems = problems_of(tiny_package, HEADER + 'UA,2024-01-01,3,1,""",",ISW",,,\n')
    assert [(p.row, p.rule) for p in problems] == [(2, "has 9 fields, the header has 6")]
