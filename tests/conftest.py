"""Shared fixtures: a small throwaway data package, and the reference folder beside the repo."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "data"
REFERENCE_DIR = REPO_ROOT.parent / "shared" / "reference"

OBSERVATIONS_SCHEMA = {
    "fields": [
        {"name": "region_id", "type": "string", "constraints": {"required": True, "pattern": "^UA(-\\d{2})?$"}},
        {"name": "date", "type": "date", "constraints": {"required": True, "minimum": "2014-01-01"}},
        {"name": "occupied_km2", "type": "number", "unit": "km2", "constraints": {"required": True, "minimum": 0}},
        {"name": "count", "type": "integer"},
        {"name": "basis", "type": "string", "constraints": {"enum": ["DeepState", "ISW"]}},
        {"name": "source_id", "type": "string", "constraints": {"required": True}},
    ],
    "primaryKey": ["region_id", "date"],
    "foreignKeys": [{"fields": "source_id", "reference": {"resource": "sources", "fields": "source_id"}}],
}
SOURCES_CSV = ("source_id,publisher,title,title_read,url,published,accessed,source_type,relays\n"
               "core-a,Publisher A,Title A,true,https://example.org/a,2024-01-01,2024-02-01,official,\n")
GOOD_OBSERVATIONS = ("region_id,date,occupied_km2,count,basis,source_id\n"
                     "UA,2024-01-01,100.5,3,DeepState,core-a\n"
                     "UA-14,2024-01-01,20,,ISW,core-a\n")


@pytest.fixture
def tiny_package(tmp_path: Path) -> Path:
    """A two-resource data package in a temporary folder; tests overwrite its files."""
    (tmp_path / "schemas").mkdir()
    shutil.copy(DATA_DIR / "schemas" / "sources.json", tmp_path / "schemas" / "sources.json")
    (tmp_path / "schemas" / "observations.json").write_text(json.dumps(OBSERVATIONS_SCHEMA))
    (tmp_path / "sources.csv").write_text(SOURCES_CSV)
    (tmp_path / "observations.csv").write_text(GOOD_OBSERVATIONS)
    descriptor = {"resources": [
        {"name": "sources", "path": "sources.csv", "schema": "schemas/sources.json"},
        {"name": "observations", "path": "observations.csv", "schema": "schemas/observations.json"},
    ]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    return tmp_path


@pytest.fixture
def reference_dir() -> Path:
    if not REFERENCE_DIR.is_dir():
        pytest.skip("../shared/reference is not beside this checkout")
    return REFERENCE_DIR


NOTEBOOK_DIR = REPO_ROOT / "notebooks"
KERNEL_PROFILE = Path(__file__).resolve().parent / "kernel_profile"


def notebooks() -> list[Path]:
    return sorted(NOTEBOOK_DIR.glob("[0-9]*.ipynb"))


@pytest.fixture(scope="session")
def offline_kernels(tmp_path_factory):
    """Kernels started while this is active refuse outbound connections (see kernel_profile/)."""
    import os

    profile = tmp_path_factory.mktemp("ipython")
    shutil.copytree(KERNEL_PROFILE, profile, dirs_exist_ok=True)
    previous = os.environ.get("IPYTHONDIR")
    os.environ["IPYTHONDIR"] = str(profile)
    yield profile
    if previous is None:
        os.environ.pop("IPYTHONDIR", None)
    else:
        os.environ["IPYTHONDIR"] = previous


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory, offline_kernels):
    """Every notebook executed headless (network blocked) and exported, as `make report` does."""
    from analysis_helpers.publish import report

    report_dir = tmp_path_factory.mktemp("reports")
    outcomes = report.run(notebooks(), {}, report_dir, jobs=2)
    return report_dir, outcomes


def one_source_table(source_id: str = "core-a") -> pd.DataFrame:
    """A sources table with one row and every column of the sources schema (for figure tests)."""
    return pd.DataFrame({"source_id": [source_id], "publisher": ["P"], "title": ["T"], "url": ["https://example.org/a"],
                         "published": pd.to_datetime(["2024-01-01"]), "accessed": pd.to_datetime(["2024-02-01"]),
                         "source_type": ["official"], "relays": [None]})
