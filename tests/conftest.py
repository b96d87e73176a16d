"""Shared fixtures: a small throwaway data package, and the reference folder beside the repo."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

# Property tests: every run of the suite (local and CI) uses the derandomised `ci` profile, so a
# change can only go red for what it changed. `make fuzz` explores with fresh seeds and many more
# examples (HYPOTHESIS_PROFILE=fuzz); turn each failure it finds into an `@example` of its test.
settings.register_profile("ci", max_examples=20, derandomize=True, deadline=None, database=None,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=1000, derandomize=False, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "data"
REFERENCE_DIR = REPO_ROOT.parent / "shared" / "reference"
# The on-disk cache of validated tables (data/table_cache.py) of this test run, kernels included:
# tests never read or fill the user's cache.
_TEST_CACHE = tempfile.TemporaryDirectory(prefix="kit-test-cache-")
os.environ["ANALYSIS_HELPERS_CACHE"] = _TEST_CACHE.name

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
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the kit's data package (tests edit it; the shipped data stays as it is)."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def append_line(package: Path, relative: str, line: str) -> int:
    """Append one line to a file of the package; return its line number (header = 1)."""
    path = package / relative
    text = path.read_text()
    path.write_text(text + line + "\n")
    return len(text.splitlines()) + 1


def replace_line(package: Path, relative: str, startswith: str, line: str) -> int:
    """Replace the first line of a file of the package that starts with `startswith`; return its line number."""
    path = package / relative
    lines = path.read_text().splitlines()
    number = next(i for i, text in enumerate(lines) if text.startswith(startswith))
    lines[number] = line
    path.write_text("\n".join(lines) + "\n")
    return number + 1


def load_problems(package: Path, name: str) -> list[str]:
    """The problems `load(name)` names in `package`, as text (the load must fail)."""
    from analysis_helpers import DataValidationError, load

    with pytest.raises(DataValidationError) as caught:
        load(name, package)
    return [str(problem) for problem in caught.value.problems]


def rewrite_csv(path: Path, edit) -> None:
    """Rewrite a CSV through `edit` (a frame of strings in, a frame out)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame).to_csv(path, index=False)


def drop_rows(mask_of):
    """An edit for `rewrite_csv` that drops the rows `mask_of(frame)` selects."""
    return lambda frame: frame[~mask_of(frame)]


def set_cells(row_of, column: str, value: str):
    """An edit for `rewrite_csv` that sets `column` to `value` in the rows `row_of(frame)` selects."""
    def edit(frame):
        frame.loc[row_of(frame), column] = value
        return frame
    return edit


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
    profile = tmp_path_factory.mktemp("ipython")
    shutil.copytree(KERNEL_PROFILE, profile, dirs_exist_ok=True)
    previous = os.environ.get("IPYTHONDIR")
    os.environ["IPYTHONDIR"] = str(profile)
    yield profile
    if previous is None:
        os.environ.pop("IPYTHONDIR", None)
    else:
        os.environ["IPYTHONDIR"] = previous


#: Reports of a test run carry this build date, so that every build in the run is byte-reproducible.
SOURCE_DATE_EPOCH = "1747267200"  # 2025-05-15


def pytest_addoption(parser):
    parser.addoption("--reports-dir", type=Path, default=None,
                     help="check the reports already built in this folder (by `make report`) instead of building them")


def pytest_configure(config):
    os.environ.setdefault("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)


def pytest_collection_modifyitems(items):
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.property)


def pytest_collection_finish(session):
    """Under `--dist loadgroup`, every grouped test must carry its group in its node id, or the
    expensive artefacts are silently built once per worker (as with pytest 9.2, pytest-xdist#1386)."""
    workerinput = getattr(session.config, "workerinput", None)
    if workerinput is None or session.config.getoption("dist", None) != "loadgroup":
        return
    ungrouped = [item.nodeid for item in session.items
                 if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
    if ungrouped:
        raise pytest.UsageError(f"pytest-xdist does not group {ungrouped[0]} (and {len(ungrouped) - 1} more): "
                                "use a pytest that pytest-xdist's loadgroup supports (see pyproject.toml)")


#: With pytest-xdist (`make test` runs `-n 2 --dist loadgroup`), every test that reads one expensive
#: session artefact carries the same group, so that the artefact is built once, in one worker.
REPORTS_GROUP = pytest.mark.xdist_group("reports")


def scenarios_to_render() -> list[str]:
    """The scenario pages a test build renders: the notebook's default (copied from its report)
    and one other (a real render with another scenario first). `make report` renders them all;
    every scenario is also run inside each 04 execution."""
    from analysis_helpers.scenarios import list_scenarios

    names = list_scenarios()
    return [names[0], names[-1]]


@pytest.fixture(scope="session")
def built_reports(request, tmp_path_factory, offline_kernels):
    """Every notebook executed once, headless (network blocked), and exported, as `make report`
    does; or, with `--reports-dir`, the reports already there (outcomes then come from the manifest)."""
    from analysis_helpers.publish import report

    given = request.config.getoption("--reports-dir")
    if given is not None:
        return given.resolve(), []
    report_dir = tmp_path_factory.mktemp("reports")
    outcomes = report.run(notebooks(), {}, report_dir, jobs=2, scenarios=scenarios_to_render())
    return report_dir, outcomes


def one_source_table(source_id: str = "core-a") -> pd.DataFrame:
    """A sources table with one row and every column of the sources schema (for figure tests)."""
    return pd.DataFrame({"source_id": [source_id], "publisher": ["P"], "title": ["T"], "url": ["https://example.org/a"],
                         "published": pd.to_datetime(["2024-01-01"]), "accessed": pd.to_datetime(["2024-02-01"]),
                         "source_type": ["official"], "relays": [None]})
