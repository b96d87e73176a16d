"""Scenario files: read `data/scenarios/<name>.yaml`, validate them, return `Scenario` objects.

A scenario is a YAML document whose shape `data/scenarios/scenario.schema.json` (JSON Schema)
states; the rules a schema cannot state are checked here: the name matches the file name, every
region, actor, issue and source id exists in the data package, a range's `low <= value <= high`,
the `written` date is a real date not in the future, no key appears twice. Every problem is
reported with the file, the line of the key (first line = 1), the key path (such as
`assumptions.territory[0].change_km2.low`) and the rule.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..memo import Memo
from ..paths import default_data_dir, kit_data_dir
from .errors import DataValidationError, Problem
from .limits import MAX_NESTING, SCENARIO_MAX_BYTES, SCENARIO_MAX_FILES, read_bytes, read_json, refused, size_text
from .package import display_path

if TYPE_CHECKING:
    import jsonschema

SCENARIO_FOLDER = "scenarios"
SCHEMA_FILE = "scenario.schema.json"
SUFFIX = ".yaml"
BASELINE = "baseline"


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: its metadata and its assumptions as written in the file."""

    name: str
    title: str
    narrative: str
    written: dt.date
    assumptions: dict[str, Any]
    path: int | None = None
    file: str = "<in memory>"
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def as_range(magnitude) -> tuple[float, float, float]:
    """(value, low, high) of an uncertain magnitude: a number, or {value, low, high}."""
    if isinstance(magnitude, dict):
        return float(magnitude["value"]), float(magnitude["low"]), float(magnitude["high"])
    return float(magnitude), float(magnitude), float(magnitude)


def scenario_folder(data_dir: Path | str | None = None) -> Path:
    """The folder of scenario files in the data folder in use."""
    root = Path(data_dir).resolve() if data_dir is not None else default_data_dir()
    return root / SCENARIO_FOLDER


def scenario_names(data_dir: Path | str | None = None) -> list[str]:
    """Names of the scenario files, the baseline first and the rest in alphabetical order."""
    names = sorted(path.stem for path in scenario_folder(data_dir).glob(f"*{SUFFIX}"))
    return sorted(names, key=lambda name: name != BASELINE)


def read_scenario(name_or_file: str | Path, data_dir: Path | str | None = None) -> Scenario:
    """The validated scenario called `name` (or read from a file path); DataValidationError if broken."""
    path = Path(name_or_file)
    by_name = path.suffix != SUFFIX
    if by_name:
        path = scenario_folder(data_dir) / f"{name_or_file}{SUFFIX}"
    shown = display_path(path)
    if not path.is_file():
        known = ", ".join(scenario_names(data_dir)) or "none"
        raise DataValidationError([Problem(shown, None, None, f"no such scenario file (scenarios: {known})")],
                                  "scenario not found")
    # A scenario given by name is read from the data folder only; a file path is the caller's choice.
    raw = read_bytes(path, SCENARIO_MAX_BYTES, shown, scenario_folder(data_dir).parent if by_name else None)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataValidationError([Problem(shown, raw[: exc.start].count(b"\n") + 1, None, "not valid UTF-8 text",
                                           raw[exc.start: exc.start + 4])], "scenario validation failed") from None
    return parse_scenario(text, shown, expected_name=path.stem, data_dir=data_dir)


def validate_scenarios(data_dir: Path | str | None = None) -> list[Problem]:
    """Every problem in every scenario file of the data folder in use (empty when all are valid)."""
    names = scenario_names(data_dir)
    if len(names) > SCENARIO_MAX_FILES:  # each costs a parse and a check against the tables
        folder = display_path(scenario_folder(data_dir))
        return [Problem(folder, None, None, f"more scenario files than the limit of {SCENARIO_MAX_FILES:,}",
                        len(names))]
    problems: list[Problem] = []
    for name in names:
        try:
            read_scenario(name, data_dir)
        except DataValidationError as exc:
            problems += exc.problems
    return problems


def parse_scenario(text: str, file: str = "<in memory>", expected_name: str | None = None,
                   data_dir: Path | str | None = None) -> Scenario:
    """Validate scenario YAML `text` (reported as `file`) and return it as a `Scenario`."""
    if len(text) > SCENARIO_MAX_BYTES:
        raise refused(file, f"larger than the limit of {size_text(SCENARIO_MAX_BYTES)} for a scenario file")
    try:
        root, document = _compose_and_construct(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        rule = exc.problem if isinstance(exc, _Refused) else f"not valid YAML: {getattr(exc, 'problem', exc)}"
        raise DataValidationError([Problem(file, line, None, rule)], "scenario validation failed") from None
    except ValueError as exc:  # a value PyYAML cannot build, e.g. an integer of more than 4,300 digits
        raise DataValidationError([Problem(file, None, None, f"not a readable value: {exc}")],
                                  "scenario validation failed") from None
    problems = _duplicate_keys(root, file)
    if any(problem.rule == NON_TEXT_KEY for problem in problems):  # the schema checks expect text keys
        raise DataValidationError(problems, "scenario validation failed")
    if not isinstance(document, dict):
        problems.append(Problem(file, 1, None, "must be a mapping of keys (name, title, ...)", type(document).__name__))
        raise DataValidationError(problems, "scenario validation failed")
    problems += _schema_problems(document, root, file, data_dir)
    if not problems:
        problems += _data_problems(document, root, file, expected_name, data_dir)
    if problems:
        raise DataValidationError(problems, "scenario validation failed")
    return Scenario(name=document["name"], title=document["title"], narrative=document["narrative"],
                    written=dt.date.fromisoformat(document["written"]), assumptions=document["assumptions"],
                    path=document.get("path"), file=file, raw=document)


def scenario_from_dict(document: dict, data_dir: Path | str | None = None) -> Scenario:
    """A scenario built in code (e.g. by the custom-scenario builder), validated like a file."""
    return parse_scenario(yaml.safe_dump(document, sort_keys=False), f"<scenario {document.get('name')!r}>",
                          data_dir=data_dir)


# -- YAML with line numbers ---------------------------------------------------------------------

class _Refused(yaml.composer.ComposerError):
    """A scenario file past one of the kit's bounds (`problem` names the bound)."""


class _TextDatesLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so the schema checks their form and this module their value.

    It also refuses anchors and aliases, and nesting deeper than `MAX_NESTING`, as the parser
    meets them: before any alias is expanded and before PyYAML's composer recurses too deep.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._containers = 0  # sequences and mappings open around the node being composed

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(None, None, "anchors and aliases (&name, *name) are not allowed in scenario files",
                           event.start_mark)
        if not isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            return super().compose_node(parent, index)
        self._containers += 1  # counted as JSON counts brackets
        if self._containers > MAX_NESTING:
            raise _Refused(None, None, f"nested deeper than the limit of {MAX_NESTING} levels", event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._containers -= 1


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _compose_and_construct(text: str) -> tuple[yaml.Node | None, object]:
    """The node tree (for line numbers) and the Python document, from one safe parse."""
    loader = _TextDatesLoader(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


def _node_at(root: yaml.Node, key_path) -> tuple[yaml.Node | None, int]:
    """The node at `key_path` and the line (1-based) of its key; the deepest existing one's line otherwise."""
    node, line = root, root.start_mark.line + 1
    for key in key_path:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == key), None)
            if match is None:
                return None, line
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return None, line
    return node, line


def key_path_text(key_path) -> str:
    """`assumptions.territory[2].share` from ('assumptions', 'territory', 2, 'share')."""
    text = ""
    for key in key_path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


_TEXT_TAG = "tag:yaml.org,2002:str"
NON_TEXT_KEY = "key must be text (put it in quotes)"


def _duplicate_keys(root: yaml.Node | None, file: str) -> list[Problem]:
    """Keys written twice, and keys that YAML reads as something other than text."""
    problems: list[Problem] = []

    def walk(node, path):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key, value in node.value:
                if key.tag != _TEXT_TAG:  # `1:`, `null:`, `yes:` become numbers, None, booleans
                    problems.append(Problem(file, key.start_mark.line + 1, key_path_text([*path, str(key.value)]),
                                            NON_TEXT_KEY, key.value))
                    continue
                if key.value in seen:
                    problems.append(Problem(file, key.start_mark.line + 1, key_path_text([*path, key.value]),
                                            "duplicate key (the later one would silently win)"))
                seen.add(key.value)
                walk(value, [*path, key.value])
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, [*path, index])

    if root is not None:
        walk(root, [])
    return problems


# -- JSON Schema ------------------------------------------------------------------------------------

def schema(data_dir: Path | str | None = None) -> dict:
    """The scenario JSON Schema of the data folder in use (the kit's own when that folder has none)."""
    candidate = scenario_folder(data_dir) / SCHEMA_FILE
    if not candidate.is_file():
        kit_schema = kit_data_dir() / SCENARIO_FOLDER / SCHEMA_FILE
        return read_json(kit_schema, display_path(kit_schema))
    return read_json(candidate, display_path(candidate), scenario_folder(data_dir).parent)


def _rule_text(error: jsonschema.ValidationError) -> tuple[list, str, object]:
    """(key path, rule, value) for one schema error, phrased like the CSV loader's rules."""
    path = list(error.absolute_path)
    kind, expected = error.validator, error.validator_value
    if kind == "required":
        missing = next(name for name in expected if name not in error.instance)
        return [*path, missing], "required", None
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        return [*path, unknown[0]], f"unknown key (allowed: {', '.join(allowed)})", None
    if kind == "oneOf" and isinstance(error.instance, dict) and "region_id" in error.instance:
        return path, "give exactly one of share or change_km2", None
    if kind == "oneOf":
        from jsonschema.exceptions import best_match

        best = best_match(error.context)
        if best is not None and best.validator not in ("type", "required", "additionalProperties"):
            return [*path, *best.relative_path], f"{best.validator} {best.validator_value}", best.instance
        return path, "a number, or a mapping with value, low and high", error.instance
    if kind in ("minimum", "maximum", "minLength", "maxLength", "minItems", "minProperties", "pattern", "enum"):
        return path, f"{kind} {expected}", error.instance
    if kind == "type":
        return path, f"type {expected if isinstance(expected, str) else ' or '.join(expected)}", error.instance
    return path, error.message, error.instance


def _validator(rules: dict) -> jsonschema.Draft202012Validator | jsonschema.SchemaError:
    """A validator for the JSON Schema `rules`, or why it is not one."""
    import jsonschema  # only when a scenario is parsed: see package.py on its import cost

    try:
        jsonschema.Draft202012Validator.check_schema(rules)
    except jsonschema.SchemaError as exc:
        return exc
    return jsonschema.Draft202012Validator(rules)


# Keyed by the schema's text: checking a schema against the meta-schema takes ~0.2 s, and a
# notebook parses many scenarios against the same one.
_validators: Memo[jsonschema.Draft202012Validator | jsonschema.SchemaError] = Memo(size=8)


def _schema_problems(document: dict, root: yaml.Node, file: str, data_dir=None) -> list[Problem]:
    from jsonschema import SchemaError

    rules = schema(data_dir)
    validator = _validators.get(json.dumps(rules, sort_keys=True), lambda: _validator(rules))
    if isinstance(validator, SchemaError):
        shown = display_path(scenario_folder(data_dir) / SCHEMA_FILE)
        return [Problem(shown, None, key_path_text(validator.absolute_path) or None,
                        f"not a valid JSON Schema: {validator.message}")]
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path]):
        path, rule, value = _rule_text(error)
        _, line = _node_at(root, path)
        problems.append(Problem(file, line, key_path_text(path) or None, rule, value))
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))


# -- rules against the data package -------------------------------------------------------------------

def _data_problems(document: dict, root: yaml.Node, file: str, expected_name: str | None,
                   data_dir: Path | str | None) -> list[Problem]:
    problems: list[Problem] = []

    def problem(path, rule, value=None):
        problems.append(Problem(file, _node_at(root, path)[1], key_path_text(path), rule, value))

    if expected_name is not None and document["name"] != expected_name:
        problem(["name"], f"must equal the file name ({expected_name!r})", document["name"])
    try:
        written = dt.date.fromisoformat(document["written"])
        if written > dt.date.today():
            problem(["written"], "date in the future", document["written"])
    except ValueError:
        problem(["written"], "not a real date (YYYY-MM-DD)", document["written"])

    from . import load  # the package's loader; imported here because this module loads with the package

    known = {
        "region_id": set(load("regions", data_dir)["region_id"]),
        "actor_id": set(load("actors", data_dir)["actor_id"]),
        "issue_id": set(load("issues", data_dir)["issue_id"]),
        "source_id": set(load("sources", data_dir)["source_id"]),
        "proposal_id": set(load("proposals", data_dir)["proposal_id"]),
    }

    def check_id(path, kind, value):
        if value not in known[kind]:
            problem(path, f"{kind} not in the data package's {kind.split('_')[0]} table", value)

    assumptions = document["assumptions"]
    for section_path, section in _sections(assumptions):
        if "source_id" in section:
            check_id([*section_path, "source_id"], "source_id", section["source_id"])
        for key, magnitude in section.items():
            if isinstance(magnitude, dict) and {"value", "low", "high"} <= set(magnitude):
                value, low, high = as_range(magnitude)
                if not low <= value <= high:
                    problem([*section_path, key], "low <= value <= high", magnitude)

    for section, id_key, unit in (("territory", "region_id", "region"), ("actors", "actor_id", "actor")):
        seen: set[str] = set()
        for index, change in enumerate(assumptions.get(section, [])):
            path = ["assumptions", section, index, id_key]
            check_id(path, id_key, change[id_key])
            if change[id_key] in seen:
                problem(path, f"one change per {unit}", change[id_key])
            seen.add(change[id_key])
    for index, change in enumerate(assumptions.get("actors", [])):
        for issue_id in change.get("positions", {}):
            check_id(["assumptions", "actors", index, "positions", issue_id], "issue_id", issue_id)
    for index, mediator in enumerate(assumptions.get("mediation", {}).get("mediators", [])):
        check_id(["assumptions", "mediation", "mediators", index], "actor_id", mediator)
    proposal_id = assumptions["settlement"].get("proposal")
    if proposal_id is not None:
        check_id(["assumptions", "settlement", "proposal"], "proposal_id", proposal_id)
        if assumptions.get("territory"):
            problem(["assumptions", "territory"], "no territory changes when settlement.proposal names a text "
                    "(the text's line sets the territory)")
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))


def _sections(assumptions: dict):
    """(key path, mapping) of every assumption that can carry magnitudes and a source_id."""
    for key, section in assumptions.items():
        if isinstance(section, list):
            for index, item in enumerate(section):
                yield ["assumptions", key, index], item
        else:
            yield ["assumptions", key], section
