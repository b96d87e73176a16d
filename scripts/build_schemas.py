"""Write each Table Schema's field definitions from the one registry, `data/schemas/fields.json`.

    .venv/bin/python scripts/build_schemas.py           # rewrite the schemas whose fields differ
    .venv/bin/python scripts/build_schemas.py --check   # list them and exit 1, write nothing

A field is defined once, in the registry, by its name (`source_id`); a dataset whose field of that
name means something else uses a namespaced entry (`regions:source_id`) that lists the resources it
serves. Each `data/schemas/<resource>.json` keeps its own field order, keys, `knownFrom` and `notes`;
only the bodies of its fields are written here, so the rest of the file stays byte for byte as it was.
`tests/test_fields_registry.py` checks that the committed schemas equal what this script writes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from analysis_helpers.paths import write_atomically  # noqa: E402

DATA_DIR = REPO / "data"
REGISTRY = "fields.json"
NAMESPACE_SEPARATOR = ":"


def read_registry(data_dir: Path = DATA_DIR) -> dict[str, dict]:
    """The registry's field definitions, by name or `namespace:name`."""
    return json.loads((data_dir / "schemas" / REGISTRY).read_text(encoding="utf-8"))["fields"]


def definition_key(registry: dict[str, dict], resource: str, name: str) -> str:
    """The registry key defining field `name` of `resource`: the namespaced entry that lists the
    resource, else the plain name. KeyError naming the field if the registry has neither."""
    for key, entry in registry.items():
        namespace, _, plain = key.rpartition(NAMESPACE_SEPARATOR)
        if namespace and plain == name and resource in entry.get("resources", ()):
            return key
    if name not in registry:
        raise KeyError(f"field {name!r} of resource {resource!r} is not in data/schemas/{REGISTRY}")
    return name


def definition(registry: dict[str, dict], resource: str, name: str) -> dict:
    """The Table Schema field body (type, unit, description, constraints...) of `name` in `resource`."""
    return {k: v for k, v in registry[definition_key(registry, resource, name)].items() if k != "resources"}


def schema_paths(data_dir: Path = DATA_DIR) -> dict[str, Path]:
    """Each resource's Table Schema file, from the data package descriptor."""
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    return {resource["name"]: data_dir / resource["schema"] for resource in descriptor["resources"]}


def generated_text(text: str, resource: str, registry: dict[str, dict]) -> str:
    """`text` (a Table Schema file) with the body of every field written from the registry."""
    start = text.index('"fields"')
    open_bracket = text.index("[", start)
    fields, length = json.JSONDecoder().raw_decode(text[open_bracket:])
    written = [{"name": field["name"], **definition(registry, resource, field["name"])} for field in fields]
    # Written with the file's own indent (the spaces before "fields"), one level in.
    indent = text[text.rindex("\n", 0, start) + 1:start]
    array = json.dumps(written, indent=len(indent), ensure_ascii=False).replace("\n", "\n" + indent)
    return text[:open_bracket] + array + text[open_bracket + length:]


def used_keys(data_dir: Path = DATA_DIR) -> set[str]:
    """Registry keys that define some resource's field."""
    registry = read_registry(data_dir)
    return {definition_key(registry, resource, field["name"])
            for resource, path in schema_paths(data_dir).items()
            for field in json.loads(path.read_text(encoding="utf-8"))["fields"]}


def stale_schemas(data_dir: Path = DATA_DIR) -> dict[Path, str]:
    """Schema files whose text differs from what the registry gives, with the text it gives."""
    registry = read_registry(data_dir)
    stale = {}
    for resource, path in schema_paths(data_dir).items():
        text = path.read_text(encoding="utf-8")
        wanted = generated_text(text, resource, registry)
        if wanted != text:
            stale[path] = wanted
    return stale


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with --check, list) the schemas whose fields differ from the registry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="list differing schemas and exit 1; write nothing")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="data folder (default: the checkout's data/)")
    args = parser.parse_args(argv)
    stale = stale_schemas(args.data)
    for path, text in stale.items():
        print(f"{'differs from the registry' if args.check else 'written'}: {path.relative_to(args.data)}")
        if not args.check:
            write_atomically(path, text)
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
