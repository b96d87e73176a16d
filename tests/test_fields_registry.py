"""Each field is defined once: `data/schemas/fields.json` gives every field's type, unit, description and
constraints, and the Table Schemas are what `scripts/build_schemas.py` writes from it."""

from __future__ import annotations

import json
import sys

import pytest

from conftest import DATA_DIR, REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "scripts"))
from build_schemas import (
    NAMESPACE_SEPARATOR,
    definition,
    generated_text,
    read_registry,
    schema_paths,
    stale_schemas,
    used_keys,
)

REGISTRY = read_registry()
FIELD_KEYS = {"type", "description", "unit", "constraints", "future", "resources"}
TYPES = {"string", "integer", "number", "date", "boolean"}


def test_committed_schemas_are_what_the_registry_gives():
    stale = sorted(path.name for path in stale_schemas())
    assert not stale, f"run scripts/build_schemas.py: these schemas differ from data/schemas/fields.json: {stale}"


def test_every_registry_entry_defines_some_field():
    assert set(REGISTRY) - used_keys() == set()


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_entry_shape(key):
    entry = REGISTRY[key]
    assert set(entry) <= FIELD_KEYS, f"{key}: unknown keys {set(entry) - FIELD_KEYS}"
    assert entry["type"] in TYPES and entry["description"].strip()
    namespaced = NAMESPACE_SEPARATOR in key
    assert namespaced == ("resources" in entry), f"{key}: a namespaced entry, and only one, lists its resources"


def test_a_resource_is_served_by_one_variant_of_a_name():
    served: dict[tuple[str, str], list[str]] = {}
    for key, entry in REGISTRY.items():
        for resource in entry.get("resources", ()):
            served.setdefault((resource, key.rpartition(NAMESPACE_SEPARATOR)[2]), []).append(key)
    assert not {pair: keys for pair, keys in served.items() if len(keys) > 1}


@pytest.mark.parametrize("name", ["source_id", "region_id", "issue_id", "actor_id", "proposal_id", "assessment_id"])
def test_shared_keys_mean_one_thing_outside_the_table_that_defines_them(name):
    # The id fields read the same in every table that refers to them; only the defining table (and,
    # for region_id, the territory tables that also allow the national UA) has its own entry.
    variants = {key for key in used_keys() if key.rpartition(NAMESPACE_SEPARATOR)[2] == name}
    assert len(variants - {name}) <= 2, variants


def test_an_unregistered_field_is_named():
    with pytest.raises(KeyError, match="field 'brand_new' of resource 'regions'"):
        definition(REGISTRY, "regions", "brand_new")


def test_the_generator_writes_field_bodies_and_leaves_the_rest_alone():
    text = ('{\n  "fields": [{"name": "source_id", "type": "integer"}],\n'
            '  "knownFrom": {"fields": ["date"]}, "notes": "kept as written"\n}\n')
    written = generated_text(text, "stances", REGISTRY)
    assert written.endswith('],\n  "knownFrom": {"fields": ["date"]}, "notes": "kept as written"\n}\n')
    assert json.loads(written)["fields"] == [{"name": "source_id", **REGISTRY["source_id"]}]


def test_every_resource_schema_is_in_the_folder_of_the_registry():
    assert {path.parent for path in schema_paths().values()} == {DATA_DIR / "schemas"}
