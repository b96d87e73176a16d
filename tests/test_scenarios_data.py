"""Scenario files: every defined scenario is valid; a broken one is refused naming file, line, key and rule."""

from __future__ import annotations

import copy
import shutil

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis_helpers import DataValidationError
from analysis_helpers.data import scenarios as scenario_data
from analysis_helpers.scenarios import list_scenarios, load_scenario
from conftest import DATA_DIR

BASELINE_TEXT = (DATA_DIR / "scenarios" / "baseline.yaml").read_text()
ISTANBUL_PATHS = {1, 2, 3, 4}


def line_of(text: str, fragment: str) -> int:
    """Line number (first = 1) of the first line containing `fragment`."""
    return next(i for i, line in enumerate(text.splitlines(), start=1) if fragment in line)


def problems_for(text: str, name: str = "broken") -> list:
    with pytest.raises(DataValidationError) as caught:
        scenario_data.parse_scenario(text, f"data/scenarios/{name}.yaml", expected_name=name)
    return caught.value.problems


def test_every_defined_scenario_is_valid_and_the_four_paths_are_there():
    names = list_scenarios()
    assert names[0] == "baseline"
    loaded = [load_scenario(name) for name in names]
    assert {s.path for s in loaded} >= ISTANBUL_PATHS
    for scenario in loaded:
        assert scenario.name in scenario.file


def test_every_assumption_states_its_reasoning():
    for name in list_scenarios():
        for _, section in scenario_data._sections(load_scenario(name).assumptions):
            assert len(section["reasoning"].split()) >= 4, (name, section)


def test_missing_key_names_the_line_of_its_parent_and_the_key():
    text = BASELINE_TEXT.replace("  damage:\n    factor: {value: 1.0, low: 0.8, high: 1.2}\n", "  damage:\n")
    [problem] = problems_for(text.replace("name: baseline", "name: broken"))
    assert problem.column == "assumptions.damage.factor"
    assert problem.rule == "required"
    assert problem.row == line_of(text, "  damage:")


def test_out_of_range_value_names_line_key_rule_and_value():
    text = BASELINE_TEXT.replace("name: baseline", "name: broken").replace("asset_share: 0.0", "asset_share: 1.5")
    [problem] = problems_for(text)
    assert (problem.file, problem.row, problem.column) == ("data/scenarios/broken.yaml", line_of(text, "asset_share"),
                                                           "assumptions.funding.asset_share")
    assert problem.rule == "maximum 1" and problem.value == 1.5
    assert "data/scenarios/broken.yaml, row" in str(DataValidationError([problem]))


def test_unknown_key_is_refused():
    text = BASELINE_TEXT.replace("name: baseline", "name: broken").replace("    window_months: 12", "    window: 12")
    [problem] = problems_for(text)
    assert problem.column == "assumptions.front.window"
    assert problem.rule.startswith("unknown key")


def test_range_in_the_wrong_order_and_unknown_ids_are_refused():
    text = (BASELINE_TEXT.replace("name: baseline", "name: broken")
            .replace("factor: {value: 1.0, low: 0.8, high: 1.2}", "factor: {value: 1.0, low: 1.2, high: 0.8}")
            .replace("source_id: terr-deepstate-archive", "source_id: terr-no-such-source")
            + "  territory:\n    - region_id: UA-99\n      share: 0.5\n      reasoning: A region that does not exist.\n")
    problems = {p.column: p for p in problems_for(text)}
    assert problems["assumptions.damage.factor"].rule == "low <= value <= high"
    assert problems["assumptions.front.source_id"].value == "terr-no-such-source"
    assert problems["assumptions.territory[0].region_id"].row == line_of(text, "UA-99")


def test_territory_change_needs_exactly_one_of_share_or_km2():
    text = (BASELINE_TEXT.replace("name: baseline", "name: broken")
            + "  territory:\n    - region_id: UA-14\n      share: 0.5\n      change_km2: 10\n"
              "      reasoning: Both forms at once are ambiguous.\n")
    [problem] = problems_for(text)
    assert problem.column == "assumptions.territory[0]"
    assert "exactly one" in problem.rule


def test_name_must_match_the_file_and_dates_must_be_real():
    text = BASELINE_TEXT.replace("written: 2026-11-26", "written: 2026-02-30")
    problems = {p.column: p.rule for p in problems_for(text, name="copy_of_baseline")}
    assert problems["name"] == "must equal the file name ('copy_of_baseline')"
    assert problems["written"].startswith("not a real date")


def test_yaml_syntax_error_and_duplicate_keys_name_their_line():
    [syntax] = problems_for("name: broken\ntitle: [unclosed\n")
    assert syntax.row is not None and "YAML" in syntax.rule
    duplicated = BASELINE_TEXT.replace("name: baseline", "name: broken").replace(
        "path: null", "path: null\npath: 2")
    problem = problems_for(duplicated)[0]
    assert problem.column == "path" and problem.rule.startswith("duplicate key")
    assert problem.row == line_of(duplicated, "path: 2")


def test_unknown_scenario_lists_the_known_ones():
    with pytest.raises(DataValidationError, match="baseline"):
        load_scenario("no_such_scenario")


def test_scenarios_follow_the_data_folder_in_use(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    (copy / "scenarios" / "my_path.yaml").write_text(BASELINE_TEXT.replace("name: baseline", "name: my_path"))
    monkeypatch.setenv("ANALYSIS_HELPERS_DATA", str(copy))
    assert "my_path" in list_scenarios()
    assert load_scenario("my_path").title == load_scenario("baseline").title
    monkeypatch.delenv("ANALYSIS_HELPERS_DATA")
    assert "my_path" not in list_scenarios()


def test_scenario_built_in_code_is_validated_like_a_file():
    document = {**load_scenario("baseline").raw, "name": "from_code"}
    assert scenario_data.scenario_from_dict(document).name == "from_code"
    with pytest.raises(DataValidationError, match=r"assumptions\.settlement\.months"):
        scenario_data.scenario_from_dict({**document, "assumptions": {
            **document["assumptions"], "settlement": {"months": -1, "reasoning": "Negative months are impossible."}}})


def test_validate_scenarios_collects_the_problems_of_every_file(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    from analysis_helpers.data.scenarios import validate_scenarios

    assert validate_scenarios(copy) == []
    (copy / "scenarios" / "broken.yaml").write_text(BASELINE_TEXT)
    [problem] = validate_scenarios(copy)
    assert problem.file.endswith("broken.yaml") and problem.column == "name"


def _leaf_paths(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaf_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaf_paths(value, (*path, index))
    else:
        yield path


BASELINE_DOCUMENT = yaml.safe_load(BASELINE_TEXT.replace("written: 2026-11-26", "written: '2026-11-26'"))
LEAVES = list(_leaf_paths(BASELINE_DOCUMENT))
ANY_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
                       st.lists(st.integers(), max_size=3))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(leaf=st.sampled_from(LEAVES), value=ANY_SCALAR)
def test_any_corrupted_value_is_either_valid_or_reported_with_line_and_key(leaf, value):
    document = copy.deepcopy(BASELINE_DOCUMENT)
    target = document
    for key in leaf[:-1]:
        target = target[key]
    target[leaf[-1]] = value
    try:
        scenario_data.parse_scenario(yaml.safe_dump(document, sort_keys=False), "data/scenarios/baseline.yaml",
                                     expected_name="baseline")
    except DataValidationError as exc:
        assert exc.problems and all(p.row is not None and p.column for p in exc.problems), exc.problems


@given(text=st.text(max_size=200))
def test_arbitrary_text_never_crashes_the_reader(text):
    try:
        scenario_data.parse_scenario(text, "data/scenarios/x.yaml", expected_name="x")
    except DataValidationError as exc:
        assert exc.problems


@given(data=st.binary(max_size=200))
def test_arbitrary_bytes_in_a_scenario_file_give_a_clear_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("scenario") / "broken.yaml"
    path.write_bytes(data)
    try:
        scenario_data.read_scenario(path)
    except DataValidationError as error:
        assert all(p.file.endswith("broken.yaml") and p.rule for p in error.problems)


def test_validate_command_checks_scenario_files(tmp_path):
    import analysis_helpers as ah

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "scenarios" / "mine.yaml").write_text("name: mine\ntitle: [unclosed\n", encoding="utf-8")
    problems = ah.validate(data)
    assert any(p.file.endswith("mine.yaml") and "YAML" in p.rule for p in problems)
