"""The kit's one caching mechanism (`analysis_helpers.memo`): an edited file is seen on the next
call everywhere a cached result depends on it."""

from __future__ import annotations

import json
import os
import shutil

import analysis_helpers as ah
from analysis_helpers import scenarios
from analysis_helpers.data.geo import load_boundaries
from analysis_helpers.memo import Memo
from conftest import DATA_DIR


def test_memo_computes_once_and_drops_the_least_recently_used():
    memo: Memo[int] = Memo(size=2)
    calls: list[str] = []
    compute = lambda key: (lambda: calls.append(key) or len(calls))  # noqa: E731
    assert memo.get("a", compute("a")) == 1 and memo.get("a", compute("a")) == 1
    memo.get("b", compute("b"))
    memo.get("a", compute("a"))  # a is now the most recent
    memo.get("c", compute("c"))  # drops b
    memo.get("b", compute("b"))
    assert calls == ["a", "b", "c", "b"]


def test_an_edited_csv_is_seen_by_load_and_by_the_scenario_baseline(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    before = ah.load("regions", data).set_index("region_id").loc["UA-05", "name"]
    baseline = scenarios.baseline_for(None, data)
    assert scenarios.baseline_for(None, data) is baseline  # nothing changed since: the memo answers
    regions_csv = data / "territory" / "regions.csv"
    regions_csv.write_text(regions_csv.read_text(encoding="utf-8").replace(before, "Renamed Oblast", 1),
                           encoding="utf-8")
    assert ah.load("regions", data).set_index("region_id").loc["UA-05", "name"] == "Renamed Oblast"

    # Any change to a file the baseline rests on gives a new data state and a new baseline.
    control_csv = data / "territory" / "territory_control.csv"
    stat = control_csv.stat()
    os.utime(control_csv, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert scenarios.baseline_for(None, data) is not baseline  # a new data state, a new baseline


def test_an_edited_boundary_file_is_reread(tmp_path):
    path = tmp_path / "regions.geojson"
    shutil.copy(DATA_DIR / "geo" / "ukraine_regions.geojson", path)
    first = load_boundaries(path=path)
    collection = json.loads(path.read_text(encoding="utf-8"))
    collection["features"][0]["properties"]["name"] = "Edited"
    path.write_text(json.dumps(collection), encoding="utf-8")
    assert load_boundaries(path=path).iloc[0]["name"] == "Edited" != first.iloc[0]["name"]
