"""Files hostile in their structure (issue 17): every reader answers with the kit's own error.

Deep nesting, alias chains, huge single fields, very many rows or columns, very long lines,
unusual line terminators and links out of the data folder, in every kind of file the kit reads
(CSV, the descriptor, Table Schemas, scenario YAML, GeoJSON). No timings here: the time and
memory of each case are measured by `benchmarks/hostile_input.py`; each case below is small or
refused before the costly work, so each test runs in well under a second or two.
"""

from __future__ import annotations

import importlib
import json

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import analysis_helpers as ah
from analysis_helpers.__main__ import main
from analysis_helpers.data import geo, limits
from analysis_helpers.data.scenarios import parse_scenario, read_scenario, validate_scenarios
from analysis_helpers.data.territory import read_deepstate_snapshot
from conftest import GOOD_OBSERVATIONS, OBSERVATIONS_SCHEMA
from test_hostile_input import COLUMNS

SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
HEADER = ",".join(COLUMNS)
ROW = "UA,2024-01-01,100.5,3,DeepState,core-a"

# Keys the readers look for, so that generated structures reach past the first check.
KEYS = st.sampled_from(["resources", "name", "path", "schema", "fields", "type", "constraints", "primaryKey",
                        "foreignKeys", "reference", "resource", "required", "minimum", "enum", "pattern",
                        "features", "geometry", "properties", "coordinates", "region_id", "assumptions"])
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
           | st.sampled_from(["string", "number", "date", "observations", "sources.csv", "../outside.csv",
                              "/etc/passwd", "Polygon", "UA"]))
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(KEYS | st.text(max_size=4), inner, max_size=5), max_leaves=40)


def assert_kit_outcome(package):
    """`load` gives a table, the kit's error, or KeyError for a name the package lacks; `validate`
    gives a list of Problems. Nothing else."""
    try:
        frame = ah.load("observations", package)
    except ah.DataValidationError as error:
        assert error.problems and all(p.file and p.rule for p in error.problems)
    except KeyError as error:
        assert "unknown dataset 'observations'" in str(error)
    else:
        assert sorted(frame.columns) == sorted(COLUMNS)
    assert all(isinstance(problem, ah.Problem) for problem in ah.validate(package))


def nested(depth: int, opener: str = "[", closer: str = "]", core: str = "1") -> str:
    return opener * depth + core + closer * depth


def load_rules(package) -> str:
    """Every problem `load` reports, one a line."""
    with pytest.raises(ah.DataValidationError) as error:
        ah.load("observations", package)
    return "\n".join(str(p) for p in error.value.problems)


# -- JSON: descriptor, Table Schema --------------------------------------------------------------

@pytest.mark.parametrize("depth", [limits.MAX_NESTING + 1, 100_000])
def test_deeply_nested_descriptor_is_refused(tiny_package, depth):
    (tiny_package / "datapackage.json").write_text('{"resources": ' + nested(depth) + "}")
    problems = ah.validate(tiny_package)
    assert [p.rule for p in problems] == [f"nested deeper than the limit of {limits.MAX_NESTING} levels"]
    assert problems[0].file.endswith("datapackage.json")


def test_brackets_inside_json_strings_do_not_count_as_nesting(tiny_package):
    schema = json.loads((tiny_package / "schemas" / "observations.json").read_text())
    schema["notes"] = "[" * 1000 + "\\\"{" * 100
    (tiny_package / "schemas" / "observations.json").write_text(json.dumps(schema))
    assert len(ah.load("observations", tiny_package)) == 2


def test_huge_json_integer_is_the_kits_error(tiny_package):
    (tiny_package / "datapackage.json").write_text('{"resources": [], "x": ' + "9" * 10_000 + "}")
    assert "not valid JSON" in load_rules(tiny_package)


def test_too_many_resources_and_fields(tiny_package):
    resources = [{"name": f"r{i}", "path": "x.csv", "schema": "s.json"}
                 for i in range(limits.DESCRIPTOR_MAX_RESOURCES + 1)]
    (tiny_package / "datapackage.json").write_text(json.dumps({"resources": resources}))
    assert "more resources than the limit of 1,000" in load_rules(tiny_package)

    fields = [{"name": f"c{i}"} for i in range(limits.SCHEMA_MAX_FIELDS + 1)]
    (tiny_package / "datapackage.json").write_text(json.dumps({"resources": [
        {"name": "observations", "path": "observations.csv", "schema": {"fields": fields}}]}))
    assert "more fields than the limit" in load_rules(tiny_package)


def test_oversized_json_is_refused_before_parsing(tiny_package):
    descriptor = tiny_package / "datapackage.json"
    descriptor.write_text(descriptor.read_text() + " " * 200)
    with pytest.raises(ah.DataValidationError, match="larger than the limit of 100 bytes"):
        limits.read_json(descriptor, "datapackage.json", max_bytes=100)  # the real limit is too big to write here


@SETTINGS
@given(descriptor=JSON_VALUES)
def test_any_json_structure_as_descriptor(tiny_package, descriptor):
    (tiny_package / "datapackage.json").write_text(json.dumps(descriptor))
    assert_kit_outcome(tiny_package)


@SETTINGS
@given(schema=JSON_VALUES, fields=st.lists(JSON_VALUES, max_size=4))
def test_any_json_structure_as_table_schema(tiny_package, schema, fields):
    if isinstance(schema, dict) and fields:
        schema["fields"] = fields
    (tiny_package / "schemas" / "observations.json").write_text(json.dumps(schema))
    assert_kit_outcome(tiny_package)


SCHEMA_SPOTS = st.sampled_from([
    ("primaryKey",), ("foreignKeys",), ("foreignKeys", 0), ("foreignKeys", 0, "fields"),
    ("foreignKeys", 0, "reference"),
    ("foreignKeys", 0, "reference", "fields"), ("foreignKeys", 0, "reference", "resource"), ("fields", 0),
    ("fields", 0, "name"), ("fields", 2, "type"), ("fields", 0, "constraints"), ("fields", 1, "constraints", "minimum"),
    ("fields", 2, "constraints", "minimum"), ("fields", 0, "constraints", "pattern"),
    ("fields", 4, "constraints", "enum"), ("fields", 0, "constraints", "required"), ("fields", 1, "future"),
])


@SETTINGS
@given(spot=SCHEMA_SPOTS, value=JSON_VALUES)
def test_any_value_at_any_key_of_a_table_schema(tiny_package, spot, value):
    schema = json.loads(json.dumps(OBSERVATIONS_SCHEMA))
    holder = schema
    for key in spot[:-1]:
        holder = holder[key]
    holder[spot[-1]] = value
    (tiny_package / "schemas" / "observations.json").write_text(json.dumps(schema))
    assert_kit_outcome(tiny_package)


@SETTINGS
@given(key=st.sampled_from(["name", "path", "schema"]), value=JSON_VALUES)
def test_any_value_at_any_key_of_the_descriptor(tiny_package, key, value):
    descriptor = json.loads((tiny_package / "datapackage.json").read_text())
    descriptor["resources"][1][key] = value
    (tiny_package / "datapackage.json").write_text(json.dumps(descriptor))
    assert_kit_outcome(tiny_package)


@SETTINGS
@given(depth=st.integers(min_value=1, max_value=3000), opener=st.sampled_from(["[", '{"a":']))
def test_any_nesting_depth_in_a_table_schema(tiny_package, depth, opener):
    closer = "]" if opener == "[" else "}"
    (tiny_package / "schemas" / "observations.json").write_text('{"fields": ' + nested(depth, opener, closer) + "}")
    assert_kit_outcome(tiny_package)


# -- CSV ------------------------------------------------------------------------------------------

def csv_problems(package, text: str | bytes) -> list[ah.Problem]:
    path = package / "observations.csv"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    with pytest.raises(ah.DataValidationError) as error:
        ah.load("observations", package)
    return error.value.problems


def test_huge_single_field_is_refused(tiny_package):
    on_one_line = f'{HEADER}\nUA,2024-01-01,1,1,ISW,"{"x" * (limits.CSV_MAX_FIELD_CHARS + 1)}"\n'
    assert csv_problems(tiny_package, on_one_line)[0].rule == "line longer than the limit of 1 MiB"
    spanning_lines = f'{HEADER}\nUA,2024-01-01,1,1,ISW,"{("x" * 1000 + chr(10)) * 1100}"\n'
    [problem] = csv_problems(tiny_package, spanning_lines)
    assert problem.rule == "not valid CSV (field larger than field limit (1048576))"


@pytest.mark.parametrize("newline", ["\n", "\r", "\r\n"])
def test_very_long_line_is_refused_with_its_line_number(tiny_package, newline):
    text = newline.join([HEADER, ROW, "UA-14,2024-01-01,1,1,ISW," + "x" * (limits.CSV_MAX_LINE_BYTES + 1)]) + newline
    [problem] = csv_problems(tiny_package, text)
    assert problem.rule == "line longer than the limit of 1 MiB" and problem.row == (3 if newline != "\r" else 1)


def test_millions_of_tiny_rows_are_refused_before_parsing(tiny_package):
    [problem] = csv_problems(tiny_package, HEADER + "\n" * (limits.CSV_MAX_ROWS + 2))
    assert problem.rule == f"more rows than the limit of {limits.CSV_MAX_ROWS:,}"


def test_many_ragged_rows_stop_at_the_problem_limit(tiny_package, monkeypatch):
    monkeypatch.setattr(importlib.import_module("analysis_helpers.data.package"), "MAX_PROBLEMS_PER_TABLE", 50)
    problems = csv_problems(tiny_package, HEADER + "\n" + "a\n" * 10_000)
    assert len(problems) == 51 and problems[-1].rule == "stopped listing problems at the limit of 50"


def test_many_bad_cells_stop_at_the_problem_limit(tiny_package, monkeypatch):
    monkeypatch.setattr(importlib.import_module("analysis_helpers.data.package"), "MAX_PROBLEMS_PER_TABLE", 50)
    rows = "".join("UA,2024-01-01,x,y,Z,core-q\n" for _ in range(1_000))
    problems = csv_problems(tiny_package, HEADER + "\n" + rows)
    assert len(problems) == 51 and problems[-1].rule == "stopped listing problems at the limit of 50"


@pytest.mark.parametrize("width", [limits.CSV_MAX_COLUMNS + 1, 400_000])
def test_too_many_columns(tiny_package, width):
    [problem] = csv_problems(tiny_package, ",".join(["c"] * width) + "\n" + ROW + "\n")
    assert problem.rule == "more columns than the limit of 1,000" and problem.value == width


@SETTINGS
@given(newline=st.sampled_from(["\n", "\r", "\r\n", "\n\r", "\r\r\n", "\x0b", "\x0c", "\x1c", "\x1e", "\x85",
                                "\u2028", "\u2029", "\n\n", ""]),
       rows=st.integers(min_value=0, max_value=5), trailing=st.booleans())
def test_unusual_line_terminators(tiny_package, newline, rows, trailing):
    lines = [HEADER, *[f"UA-{10 + i},2024-01-01,{i},1,ISW,core-a" for i in range(rows)]]
    text = newline.join(lines) + (newline if trailing else "")
    (tiny_package / "observations.csv").write_text(text, newline="")
    assert_kit_outcome(tiny_package)
    if newline in ("\n", "\r", "\r\n", "\n\n"):  # the line ends CSV knows: the rows load
        assert len(ah.load("observations", tiny_package)) == rows


@SETTINGS
@given(cell=st.sampled_from(["x", ",", '"', '""', "\n", "\r", " "]), repeat=st.integers(1, 200_000),
       where=st.sampled_from(["header", "cell", "row"]))
def test_huge_repetitions_anywhere(tiny_package, cell, repeat, where):
    blob = cell * repeat
    text = {"header": f"{blob}{HEADER}\n{ROW}\n", "cell": f"{HEADER}\nUA,2024-01-01,1,1,ISW,{blob}\n",
            "row": f"{HEADER}\n{blob}\n{ROW}\n"}[where]
    (tiny_package / "observations.csv").write_text(text, newline="")
    assert_kit_outcome(tiny_package)


# -- links and paths out of the data folder --------------------------------------------------------

@pytest.fixture
def outside(tmp_path_factory):
    folder = tmp_path_factory.mktemp("elsewhere")
    (folder / "secret.csv").write_text("private,line\n")
    (folder / "observations.csv").write_text(GOOD_OBSERVATIONS)
    return folder


def test_link_out_of_the_data_folder_is_not_read(tiny_package, outside):
    (tiny_package / "observations.csv").unlink()
    (tiny_package / "observations.csv").symlink_to(outside / "secret.csv")
    [problem] = ah.validate(tiny_package)
    assert problem.rule.startswith("lies outside the data folder") and "private" not in str(problem)


@pytest.mark.parametrize("path", ["../elsewhere/secret.csv", "/etc/passwd"])
def test_descriptor_path_out_of_the_data_folder_is_not_read(tiny_package, path):
    descriptor = json.loads((tiny_package / "datapackage.json").read_text())
    descriptor["resources"][1]["path"] = path
    (tiny_package / "datapackage.json").write_text(json.dumps(descriptor))
    [problem] = ah.validate(tiny_package)
    assert problem.rule.startswith("lies outside the data folder")


def test_link_to_a_device_is_refused(tiny_package):
    (tiny_package / "observations.csv").unlink()
    (tiny_package / "inside").symlink_to("/dev/zero")
    (tiny_package / "observations.csv").symlink_to(tiny_package / "inside")
    [problem] = ah.validate(tiny_package)
    assert problem.rule == "lies outside the data folder (a link or path leading out of it): not read"


def test_link_inside_the_data_folder_is_followed(tiny_package):
    (tiny_package / "copies").mkdir()
    (tiny_package / "observations.csv").rename(tiny_package / "copies" / "observations.csv")
    (tiny_package / "observations.csv").symlink_to(tiny_package / "copies" / "observations.csv")
    assert len(ah.load("observations", tiny_package)) == 2


def test_linked_data_folder_is_read_through_its_link(tiny_package, tmp_path_factory):
    link = tmp_path_factory.mktemp("links") / "data"
    link.symlink_to(tiny_package)
    assert len(ah.load("observations", link)) == 2


# -- YAML scenario files --------------------------------------------------------------------------

BILLION_LAUGHS = "\n".join(['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'] + [
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]) + "\n"


def scenario_problems(text: str) -> list[ah.Problem]:
    with pytest.raises(ah.DataValidationError) as error:
        parse_scenario(text, "s.yaml")
    return error.value.problems


def test_billion_laughs_is_refused_at_the_first_anchor():
    [problem] = scenario_problems(BILLION_LAUGHS)
    assert problem.rule == "anchors and aliases (&name, *name) are not allowed in scenario files"
    assert problem.row == 1


def test_alias_to_an_earlier_anchor_is_refused():
    assert "anchors and aliases" in scenario_problems("name: &n x\ntitle: *n\n")[0].rule


@pytest.mark.parametrize("text", [
    "name: " + nested(5_000),
    "name: " + nested(5_000, "{a: ", "}"),
    "".join("  " * level + "-\n" for level in range(150)) + "  " * 150 + "x\n",
    "".join("  " * level + f"k{level}:\n" for level in range(150)) + "  " * 150 + "x\n",
])
def test_deep_yaml_is_the_kits_error_not_a_recursion_error(text):
    [problem] = scenario_problems(text)
    assert problem.rule == f"nested deeper than the limit of {limits.MAX_NESTING} levels"


def test_yaml_just_within_the_nesting_limit_reads():
    problems = scenario_problems("name: " + nested(limits.MAX_NESTING - 1))
    assert all("nested deeper" not in p.rule for p in problems)


def test_huge_yaml_integer_is_the_kits_error():
    assert "not a readable value" in scenario_problems("name: " + "9" * 10_000)[0].rule


def test_oversized_scenario_file_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("# " + "x" * limits.SCENARIO_MAX_BYTES)
    with pytest.raises(ah.DataValidationError, match="larger than the limit of 64 KiB"):
        read_scenario(path)


YAML_TOKENS = st.sampled_from(["[", "]", "{", "}", ": ", "- ", "&a ", "*a", "!!str ", "!!binary ", "? ", "|\n", ">-\n",
                               "'", '"', "#", ",", "\n", "  ", "name", "title", "x", "1", "2026-01-01", "~", "\t",
                               "<<: ", "%YAML 1.1\n", "---\n", "...\n", "9" * 50, "\ufeff", "\x85", "\u2028"])


@SETTINGS
@given(tokens=st.lists(YAML_TOKENS, max_size=60))
def test_any_yaml_token_soup_is_the_kits_outcome(tokens):
    try:
        parse_scenario("".join(tokens), "s.yaml")
    except ah.DataValidationError as error:
        assert error.problems and all(p.file == "s.yaml" and p.rule for p in error.problems)


@SETTINGS
@given(document=JSON_VALUES)
def test_any_yaml_structure_is_the_kits_outcome(document):
    try:
        parse_scenario(yaml.safe_dump(document), "s.yaml")
    except ah.DataValidationError as error:
        assert error.problems and all(p.file == "s.yaml" and p.rule for p in error.problems)


def test_scenario_link_out_of_the_data_folder_is_not_read(tmp_path, outside):
    (tmp_path / "scenarios").mkdir()
    (outside / "evil.yaml").write_text(BILLION_LAUGHS)
    (tmp_path / "scenarios" / "evil.yaml").symlink_to(outside / "evil.yaml")
    [problem] = validate_scenarios(tmp_path)
    assert problem.rule.startswith("lies outside the data folder")


def test_validate_command_answers_a_billion_laughs_scenario(tiny_package, capsys):
    (tiny_package / "scenarios").mkdir()
    (tiny_package / "scenarios" / "laughs.yaml").write_text(BILLION_LAUGHS)
    (tiny_package / "scenarios" / "deep.yaml").write_text("name: " + nested(5_000))
    assert main(["validate", str(tiny_package)]) == 1
    printed = capsys.readouterr().out
    assert "laughs.yaml, row 1: anchors and aliases" in printed
    assert "deep.yaml, row 1: nested deeper than the limit of 64 levels" in printed


# -- GeoJSON: boundaries and DeepState snapshots -----------------------------------------------------

def snapshot_problems(path, text: str) -> list[ah.Problem]:
    path.write_text(text)
    with pytest.raises(ah.DataValidationError) as error:
        read_deepstate_snapshot(path)
    return error.value.problems


def test_deeply_nested_snapshot_is_refused(tmp_path):
    [problem] = snapshot_problems(tmp_path / "s_20240101.geojson", '{"features": ' + nested(50_000) + "}")
    assert problem.rule == f"nested deeper than the limit of {limits.MAX_NESTING} levels"


def test_too_many_features_are_refused(tmp_path):
    features = ",".join(["{}"] * (limits.GEOJSON_MAX_FEATURES + 1))
    [problem] = snapshot_problems(tmp_path / "s_20240101.geojson", '{"features": [' + features + "]}")
    assert problem.rule == "more features than the limit of 100,000"


@SETTINGS
@given(collection=JSON_VALUES, features=st.lists(JSON_VALUES, max_size=4))
@example(collection={}, features=[{"geometry": {"type": ""}}])  # shapely's GeometryTypeError (found by a random run)
def test_any_json_structure_as_geojson(tmp_path_factory, collection, features):
    folder = tmp_path_factory.mktemp("geo")
    if isinstance(collection, dict) and features:
        collection["features"] = features
    path = folder / "s_20240101.geojson"
    path.write_text(json.dumps(collection))
    for read in (read_deepstate_snapshot, lambda p: geo.load_boundaries(["UA-14"], p)):
        try:
            read(path)
        except ah.DataValidationError as error:
            assert error.problems and all(p.rule for p in error.problems)


def test_boundary_link_out_of_the_data_folder_is_not_read(tmp_path, outside):
    (tmp_path / "geo").mkdir()
    (outside / "b.geojson").write_text(json.dumps({"features": []}))
    (tmp_path / geo.BOUNDARIES_FILE).symlink_to(outside / "b.geojson")
    with pytest.raises(ah.DataValidationError, match="lies outside the data folder"):
        geo.load_boundaries(None, tmp_path / geo.BOUNDARIES_FILE)


@pytest.mark.parametrize("text, rule", [
    ('{"type": 5}', "not a valid JSON Schema"),
    ('{"type": ' + nested(10_000) + "}", "nested deeper than the limit of 64 levels"),
])
def test_broken_scenario_schema_in_the_data_folder(tmp_path, text, rule):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "scenario.schema.json").write_text(text)
    with pytest.raises(ah.DataValidationError) as error:
        parse_scenario("name: x\n", "s.yaml", data_dir=tmp_path)
    assert rule in error.value.problems[0].rule


def test_too_many_data_files_in_the_descriptor(tiny_package):
    descriptor = json.loads((tiny_package / "datapackage.json").read_text())
    descriptor["resources"][1]["path"] = ["observations.csv"] * (limits.DESCRIPTOR_MAX_FILES + 1)
    (tiny_package / "datapackage.json").write_text(json.dumps(descriptor))
    assert "more data files than the limit of 1,000" in load_rules(tiny_package)


def test_too_many_scenario_files(tmp_path):
    (tmp_path / "scenarios").mkdir()
    for number in range(limits.SCENARIO_MAX_FILES + 1):
        (tmp_path / "scenarios" / f"s{number}.yaml").write_text(BILLION_LAUGHS)
    [problem] = validate_scenarios(tmp_path)
    assert problem.rule == "more scenario files than the limit of 100" and problem.value == 101


@pytest.mark.parametrize("text", ["? |\n? \n", "1: x\nname: y\n", "name: x\nassumptions:\n  null: 1\n", "yes: 1\n"])
def test_keys_that_are_not_text_are_the_kits_error(text):
    problems = scenario_problems(text)
    assert any(p.rule == "key must be text (put it in quotes)" for p in problems)


@pytest.mark.parametrize("name", [["Окуповано"], 5, {"uk": "Окуповано"}])
def test_snapshot_layer_name_that_is_not_text(tmp_path, name):
    path = tmp_path / "s_20240101.geojson"
    square = {"type": "Polygon", "coordinates": [[[36, 47], [37, 47], [37, 48], [36, 47]]]}
    [problem] = snapshot_problems(path, json.dumps({"features": [{"properties": {"name": name}, "geometry": square}]}))
    assert problem.rule == "feature 1: a layer name must be text"


@pytest.mark.parametrize("path, rule", [
    ("a\x00b.csv", "must be a path or a list of paths"),
    ("x" * 5_000, "cannot be read (File name too long)"),
    ("", "file not found"),
])
def test_descriptor_path_the_file_system_refuses(tiny_package, path, rule):
    descriptor = json.loads((tiny_package / "datapackage.json").read_text())
    descriptor["resources"][1]["path"] = path
    (tiny_package / "datapackage.json").write_text(json.dumps(descriptor))
    assert [p.rule for p in ah.validate(tiny_package)] == [rule]
