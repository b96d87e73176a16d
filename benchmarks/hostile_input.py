"""Files hostile in their structure: time and peak memory of the kit's answer, each case against a
valid file of the same size read the same way (issue 17).

Targets: every hostile case answered (with the kit's own error) in under 2 s and under 200 MB.
Memory is the peak resident size the read adds (Linux: the high-water mark is reset before each
read), so the interpreter and its imports are not counted. A case past a size bound cannot have a
valid file of its own size: it is compared with a valid file at the bound.

    .venv/bin/python benchmarks/hostile_input.py [--repeat N] [--csv-mb MB]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import best_time

import analysis_helpers as ah
from analysis_helpers.data import DataPackage, limits
from analysis_helpers.data.scenarios import read_scenario
from analysis_helpers.data.territory import read_deepstate_snapshot

REPO_ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS, TARGET_MB = 2.0, 200
ROWS = "bench_rows"
ROWS_SCHEMA = {"fields": [
    {"name": "region_id", "type": "string", "constraints": {"required": True, "pattern": "^UA(-\\d{2})?$"}},
    {"name": "date", "type": "date", "constraints": {"required": True, "minimum": "2014-01-01"}},
    {"name": "occupied_km2", "type": "number", "constraints": {"required": True, "minimum": 0}},
    {"name": "count", "type": "integer"},
    {"name": "basis", "type": "string", "constraints": {"enum": ["DeepState", "ISW"]}},
    {"name": "note", "type": "string"},
]}
HEADER = ",".join(f["name"] for f in ROWS_SCHEMA["fields"])


# -- the data folder and valid files of a given size ----------------------------------------------

def make_folder(scratch: Path) -> Path:
    """A copy of the shipped data package plus one plain table (`bench_rows`) the CSV cases rewrite."""
    data = scratch / "data"
    shutil.copytree(REPO_ROOT / "data", data)
    (data / "schemas" / f"{ROWS}.json").write_text(json.dumps(ROWS_SCHEMA))
    descriptor = json.loads((data / "datapackage.json").read_text())
    descriptor["resources"].append({"name": ROWS, "path": f"{ROWS}.csv", "schema": f"schemas/{ROWS}.json"})
    (data / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    return data


def valid_csv(size: int, newline: str = "\n") -> bytes:
    rng = np.random.default_rng(0)
    rows = size // 25 + 1  # rows are ~33 bytes: enough of them, then cut at a line end
    frame = pd.DataFrame({
        "region_id": np.array(["UA", "UA-14", "UA-09", "UA-23"])[rng.integers(0, 4, rows)],
        "date": pd.Timestamp("2014-01-01") + pd.to_timedelta(rng.integers(0, 4000, rows), unit="D"),
        "occupied_km2": np.round(rng.uniform(0, 9e4, rows), 1), "count": rng.integers(0, 99, rows),
        "basis": "ISW", "note": "",
    })
    text = frame.to_csv(index=False, date_format="%Y-%m-%d", lineterminator=newline).encode()
    return text[: text.rfind(newline.encode(), 0, size) + len(newline)]


def padded(text: str, size: int, comment: str = "#") -> bytes:
    """`text` followed by comment lines (YAML) or spaces (JSON), `size` bytes in all."""
    raw = text.encode()
    if comment == "#":
        filler = b"".join(b"# " + b"x" * 76 + b"\n" for _ in range((size - len(raw)) // 79 + 1))
        return (raw + b"\n" + filler)[:size - 1] + b"\n"
    return raw + b" " * max(0, size - len(raw))


def valid_scenario(size: int) -> bytes:
    text = (REPO_ROOT / "data" / "scenarios" / "baseline.yaml").read_text()
    return padded(text.replace("name: baseline", "name: bench"), size)


def valid_descriptor(size: int) -> bytes:
    descriptor = json.loads((REPO_ROOT / "data" / "datapackage.json").read_text())
    descriptor["resources"].append({"name": ROWS, "path": f"{ROWS}.csv", "schema": f"schemas/{ROWS}.json"})
    return padded(json.dumps(descriptor, indent=2), size, comment="")


def valid_snapshot(size: int) -> bytes:
    """A snapshot shaped like DeepState's: one MultiPolygon of a few polygons with many vertices."""
    vertices = (size - 300) // 10 // 22  # ten rings; a vertex "[37.12345, 47.12345], " is 22 bytes
    angles = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    rings = []
    for part in range(10):
        x, y = 33 + part * 0.6 + 0.25 * np.cos(angles), 47 + 0.25 * np.sin(angles)
        ring = np.round(np.column_stack([x, y]), 5).tolist()
        rings.append([ring + ring[:1]])
    text = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPolygon", "coordinates": rings}}]})
    return padded(text, size, comment="")


def nested(depth: int, opener: str = "[", closer: str = "]") -> str:
    return opener * depth + closer * depth


# -- the cases ----------------------------------------------------------------------------------------
# name, file (relative to the data folder), hostile bytes, valid bytes (same size, or at the bound),
# and how the kit reads that file.

def cases(data: Path, csv_bytes: int) -> list[tuple[str, str, bytes, bytes, object]]:
    laughs = "\n".join(['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)])
    scenario_size = limits.SCENARIO_MAX_BYTES - 1
    json_size = 4 * limits.MiB
    geo_size = 8 * limits.MiB
    tiny_rows = limits.CSV_MAX_ROWS + 10
    most_rows = limits.CSV_MAX_ROWS

    def scenario():
        return read_scenario("bench", data)

    def descriptor():
        return DataPackage(data)

    def table_schema():
        return DataPackage(data).schema(ROWS)

    def table():
        return DataPackage(data).load_valid(ROWS)

    def snapshot():
        return read_deepstate_snapshot(data / "bench_20240101.geojson")

    def at(size: int, text: str) -> bytes:
        return padded(text, size, comment="")

    return [
        ("scenario: billion laughs (9 levels of 9 aliases)", "scenarios/bench.yaml",
         padded(laughs, scenario_size), valid_scenario(scenario_size), scenario),
        ("scenario: flow sequences nested 30,000 deep", "scenarios/bench.yaml",
         padded("name: " + nested(30_000), scenario_size), valid_scenario(scenario_size), scenario),
        ("scenario: 10 MB (past the 64 KiB bound)", "scenarios/bench.yaml",
         padded("name: bench", 10 * limits.MiB), valid_scenario(scenario_size), scenario),
        ("descriptor: arrays nested 2,000,000 deep", "datapackage.json",
         at(json_size, '{"resources": ' + nested(2_000_000) + "}"), valid_descriptor(json_size), descriptor),
        ("descriptor: an integer of 1,000,000 digits", "datapackage.json",
         at(json_size, '{"resources": [], "n": ' + "9" * 1_000_000 + "}"), valid_descriptor(json_size), descriptor),
        ("descriptor: 60,000 resources", "datapackage.json",
         at(json_size, json.dumps({"resources": [{"name": f"r{i}", "path": "x.csv", "schema": "x.json"}
                                                 for i in range(60_000)]})), valid_descriptor(json_size), descriptor),
        ("descriptor: one resource of 200,000 data files", "datapackage.json",
         at(json_size, json.dumps({"resources": [{"name": ROWS, "path": ["x.csv"] * 200_000, "schema": "x.json"}]})),
         valid_descriptor(json_size), descriptor),
        ("Table Schema: fields nested 2,000,000 deep", f"schemas/{ROWS}.json",
         at(json_size, '{"fields": ' + nested(2_000_000) + "}"), at(json_size, json.dumps(ROWS_SCHEMA)), table_schema),
        ("Table Schema: 100,000 fields", f"schemas/{ROWS}.json",
         at(json_size, json.dumps({"fields": [{"name": f"c{i}", "type": "string"} for i in range(100_000)]})),
         at(json_size, json.dumps(ROWS_SCHEMA)), table_schema),
        ("CSV: one cell of the whole file", f"{ROWS}.csv",
         f"{HEADER}\nUA,2024-01-01,1,1,ISW,".encode() + b"x" * csv_bytes, valid_csv(csv_bytes), table),
        ("CSV: one quoted cell over many short lines", f"{ROWS}.csv",
         f'{HEADER}\nUA,2024-01-01,1,1,ISW,"'.encode() + (b"x" * 60 + b"\n") * (csv_bytes // 61) + b'"\n',
         valid_csv(csv_bytes), table),
        (f"CSV: {tiny_rows:,} empty lines (past the row bound)", f"{ROWS}.csv",
         HEADER.encode() + b"\n" * tiny_rows, valid_csv(len(HEADER) + tiny_rows), table),
        (f"CSV: {most_rows:,} one-character rows", f"{ROWS}.csv",
         HEADER.encode() + b"\na" * most_rows + b"\n", valid_csv(len(HEADER) + 2 * most_rows + 1), table),
        (f"CSV: {most_rows:,} rows of empty cells (at the row bound)", f"{ROWS}.csv",
         HEADER.encode() + b"\n,,,,," * most_rows + b"\n", valid_csv(len(HEADER) + 6 * most_rows + 1), table),
        ("CSV: header of 1,000,000 columns", f"{ROWS}.csv",
         b",".join([b"c"] * 1_000_000) + b"\n", valid_csv(2_000_000), table),
        ("CSV: header of 400,000 columns in under 1 MiB", f"{ROWS}.csv",
         b",".join([b"c"] * 400_000) + b"\n", valid_csv(800_000), table),
        ("CSV: CR line ends (old Mac)", f"{ROWS}.csv", valid_csv(csv_bytes, "\r"), valid_csv(csv_bytes), table),
        ("GeoJSON snapshot: arrays nested 4,000,000 deep", "bench_20240101.geojson",
         at(geo_size, '{"type": "FeatureCollection", "features": ' + nested(4_000_000) + "}"),
         valid_snapshot(geo_size), snapshot),
        ("GeoJSON snapshot: 1,000,000 empty features", "bench_20240101.geojson",
         at(geo_size, '{"type": "FeatureCollection", "features": [' + ",".join(["{}"] * 1_000_000) + "]}"),
         valid_snapshot(geo_size), snapshot),
    ]


# -- measuring ------------------------------------------------------------------------------------------

def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) / 1024
    raise KeyError(key)


def measure(action, repeat: int) -> tuple[float, float | None, str]:
    """(best seconds, peak MB added by one run or None where Linux's /proc is missing, outcome)."""
    def outcome() -> str:
        try:
            action()
        except ah.DataValidationError as error:
            return f"refused: {error.problems[0].rule}"
        except Exception as error:
            return f"UNHANDLED {type(error).__name__}: {str(error)[:80]}"
        return "read"

    peak = None
    if _reset_peak():
        before = _status_mb("VmRSS:")
        result = outcome()
        peak = _status_mb("VmHWM:") - before
    else:
        result = outcome()
    return best_time(outcome, repeat), peak, result


def _mb(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:5.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--csv-mb", type=int, default=16, help="size of the CSV cases (default 16)")
    args = parser.parse_args()
    failed = []
    with tempfile.TemporaryDirectory() as scratch:
        data = make_folder(Path(scratch))
        print(f"targets per hostile case: < {TARGET_SECONDS:g} s, < {TARGET_MB} MB added; "
              "ratio = hostile / valid file of the same size")
        for name, relative, hostile, valid, action in cases(data, args.csv_mb * limits.MiB):
            path = data / relative
            original = path.read_bytes() if path.is_file() else None
            path.write_bytes(valid)
            valid_s, valid_mb, valid_outcome = measure(action, args.repeat)
            path.write_bytes(hostile)
            hostile_s, hostile_mb, hostile_outcome = measure(action, args.repeat)
            if original is None:
                path.unlink()
            else:
                path.write_bytes(original)
            within = hostile_s < TARGET_SECONDS and (hostile_mb is None or hostile_mb < TARGET_MB)
            if not within or hostile_outcome.startswith("UNHANDLED"):
                failed.append(name)
            print(f"\n{name} ({len(hostile) / limits.MiB:.2f} MB)\n"
                  f"  hostile: {hostile_s:6.3f} s, {_mb(hostile_mb)} MB  {hostile_outcome}\n"
                  f"  valid:   {valid_s:6.3f} s, {_mb(valid_mb)} MB  {valid_outcome} "
                  f"({len(valid) / limits.MiB:.2f} MB)\n"
                  f"  ratio:   time {hostile_s / valid_s:.2f}x"
                  + (f", memory {hostile_mb / max(valid_mb, 1):.2f}x" if hostile_mb is not None else "")
                  + ("" if within else "   ** OVER TARGET **"))
    print(f"\n{len(failed)} case(s) over target or unhandled" + (": " + "; ".join(failed) if failed else ""))


if __name__ == "__main__":
    main()
