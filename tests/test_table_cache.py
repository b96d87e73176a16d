"""The on-disk cache of validated tables: same tables as a full check, any edit seen, never in the
data folder, and `validate` always checks everything."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import analysis_helpers as ah
from analysis_helpers.data import DataPackage
from analysis_helpers.data.table_cache import CACHE_ENV, TableCache, data_key
from conftest import DATA_DIR


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def cached_package(root):
    return DataPackage(root, cached=True)


def test_cached_tables_equal_the_checked_ones(cache):
    first = cached_package(DATA_DIR)
    checked = {name: first.load_valid(name) for name in first.names()}
    entries = list((cache / "tables").iterdir())
    assert len(entries) == 1 and len(list(entries[0].glob("*.npz"))) == len(checked)
    second = cached_package(DATA_DIR)
    for name, frame in checked.items():
        table = second._cached_table(name)
        assert table is not None, name
        pd.testing.assert_frame_equal(table.frame, frame, check_exact=True)
        assert table.origins["line"].tolist() == first.table(name).origins["line"].tolist()
        assert table.origins["file"].tolist() == first.table(name).origins["file"].tolist()


def test_every_column_kind_round_trips(tmp_path):
    frame = pd.DataFrame({
        "text": pd.array(["a", None, "ünï"], dtype="str"),
        "number": [1.5, np.nan, -0.0],
        "day": pd.to_datetime(["2024-01-01", None, "1700-02-03"]).astype("datetime64[ns]"),
        "count": pd.array([1, None, 2**53], dtype="Int64"),
        "flag": pd.array([True, None, False], dtype="boolean"),
    })
    store = TableCache(tmp_path, "k")
    store.write("t", frame, np.zeros(3, dtype=int), np.array([2, 3, 4]))
    read, origins = store.read("t")
    pd.testing.assert_frame_equal(read, frame, check_exact=True)
    assert origins["line"].tolist() == [2, 3, 4]


def test_an_edit_gives_a_new_key_and_is_seen_by_a_new_process(tmp_path, cache):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    before = data_key(data)
    assert cached_package(data).load_valid("regions").loc[0, "name"] != "Renamed"
    regions = data / "territory" / "regions.csv"
    lines = regions.read_text(encoding="utf-8").splitlines(keepends=True)
    first_name = cached_package(data).load_valid("regions").loc[0, "name"]
    lines[1] = lines[1].replace(first_name, "Renamed", 1)
    regions.write_text("".join(lines), encoding="utf-8")
    assert data_key(data) != before
    assert cached_package(data).load_valid("regions").loc[0, "name"] == "Renamed"


def test_an_edit_that_breaks_a_table_is_reported_not_served_from_the_cache(tmp_path, cache):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    cached_package(data).load_valid("regions")
    regions = data / "territory" / "regions.csv"
    header, first, *rest = regions.read_text(encoding="utf-8").splitlines(keepends=True)
    regions.write_text("".join([header, first.replace("UA-", "XX-", 1), *rest]), encoding="utf-8")
    with pytest.raises(ah.DataValidationError):
        cached_package(data).load_valid("regions")
    assert any(p.file.endswith("regions.csv") for p in ah.validate(data))


def test_a_cache_inside_the_data_folder_is_never_written(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    monkeypatch.setenv(CACHE_ENV, str(data / "cache"))
    cached_package(data).load_valid("regions")
    assert not (data / "cache").exists()


def test_cache_off_and_unreadable_entries_fall_back_to_checking(tmp_path, cache, monkeypatch):
    package = cached_package(DATA_DIR)
    expected = package.load_valid("regions")
    for entry in (cache / "tables").iterdir():
        (entry / "regions.npz").write_bytes(b"not an npz file")
    pd.testing.assert_frame_equal(cached_package(DATA_DIR).load_valid("regions"), expected)
    monkeypatch.setenv(CACHE_ENV, "off")
    assert cached_package(DATA_DIR)._cache is None


def test_validate_reads_no_cache():
    assert DataPackage(DATA_DIR)._cache is None
