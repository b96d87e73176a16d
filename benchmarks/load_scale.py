"""`load()` and `validate` on a synthetic territory_control file at the kit's row limit.

The file holds exactly `CSV_MAX_ROWS` (1,000,000) data rows: the synthetic ones plus the shipped
ones (whose quoted notes the parser must handle). A second file one row past the limit shows the
limit's error, and how fast it comes. Targets (issue 8): each under 5 s, peak memory under 1 GB;
issue 21: `load()` at most issue 8's cost per row (2.26 s for 1M rows, 2.26 us a row). Baseline
measured in the same run: a bare `pandas.read_csv` of the same file (no validation), so the
ratio is what validation costs on top of parsing. `load()` is timed with the on-disk cache of
validated tables off (every check runs, as on the first load after an edit) and warm.

The real schema keys territory_control by (date, region_id): at most ~4,700 days x 28 ids since
2014, fewer than 1M rows. The synthetic package therefore adds eight synthetic sources and keys
the table by (date, region_id, source_id) in its temporary copy of the schema; every other rule,
cross-check and foreign key is the shipped one. A second file with 1% broken rows measures the
error path (every problem collected and formatted).

    .venv/bin/python benchmarks/load_scale.py [--rows N]   # N: data rows (default: the limit)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from analysis_helpers.data.limits import CSV_MAX_ROWS

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCES = [f"core-synthetic-{i}" for i in range(32)]  # 27 x 32 rows a day: 1M rows end before 2018


ISSUE_8_SECONDS_PER_ROW = 2.26 / 1_000_000


def shipped_rows() -> int:
    return len(pd.read_csv(REPO_ROOT / "data" / "territory" / "territory_control.csv", dtype=str))


def make_package(folder: Path, rows: int, broken_share: float) -> Path:
    """A copy of the data folder whose territory_control has `rows` synthetic rows before the shipped ones."""
    data = folder / "data"
    shutil.copytree(REPO_ROOT / "data", data)
    core = data / "sources" / "core.csv"
    header = core.read_text(encoding="utf-8").splitlines()[0].split(",")
    with core.open("a", encoding="utf-8") as stream:
        for source in SOURCES:  # by the shipped header's columns (others left empty)
            cells = {"source_id": source, "publisher": "Benchmark", "title": "Synthetic rows", "title_read": "true",
                     "url": f"https://example.org/{source}", "published": "2024-01-01", "accessed": "2024-01-01",
                     "source_type": "secondary"}
            stream.write(",".join(cells.get(column, "") for column in header) + "\n")
    schema_path = data / "schemas" / "territory_control.json"
    schema = json.loads(schema_path.read_text())
    schema["primaryKey"] = ["date", "region_id", "source_id"]
    schema_path.write_text(json.dumps(schema))

    regions = pd.read_csv(data / "territory" / "regions.csv")
    # Regions only: a national row would have to equal the sum of its regions (a cross-check).
    ids = list(regions["region_id"])
    areas = dict(zip(regions["region_id"], regions["area_km2"], strict=True))
    rng = np.random.default_rng(0)
    per_day = len(ids) * len(SOURCES)
    days = -(-rows // per_day)
    # Dates before the shipped rows (kept below), so no real date gets synthetic regions.
    dates = pd.date_range("2014-01-01", periods=days, freq="D").strftime("%Y-%m-%d")
    index = np.arange(rows)
    region = np.array(ids)[(index // len(SOURCES)) % len(ids)]
    area = np.array([areas[r] for r in ids])[(index // len(SOURCES)) % len(ids)]
    share = rng.uniform(0, 0.9, rows)
    occupied = np.round(area * share, 1)
    values = {
        "date": np.asarray(dates)[index // per_day], "region_id": region, "occupied_km2": occupied,
        "occupied_km2_low": np.round(occupied * 0.98, 1), "occupied_km2_high": np.round(occupied * 1.02, 1),
        "share": np.round(share, 4), "outline_km2": area,  # the region's outline: share = occupied / outline
        "basis": "DeepState", "method": "computed", "source_id": np.array(SOURCES)[index % len(SOURCES)],
    }
    # Every other column of the shipped schema (optional ids, notes) stays empty.
    frame = pd.DataFrame({f["name"]: values.get(f["name"], "") for f in schema["fields"]})
    if broken_share:
        broken = rng.choice(rows, int(rows * broken_share), replace=False)
        frame.loc[broken, "occupied_km2"] = -1.0
    # The shipped rows stay (claims refer to them); the synthetic ones come first.
    shipped = pd.read_csv(data / "territory" / "territory_control.csv", dtype=str, keep_default_na=False)
    pd.concat([frame.astype(str), shipped], ignore_index=True).to_csv(data / "territory" / "territory_control.csv",
                                                                      index=False)
    return data


def measure(code: str, data: Path, cache: str = "off") -> tuple[float, float, float, str]:
    """Run `code` in a fresh interpreter; return (seconds for the timed part, CPU seconds for it,
    peak MB, output).

    CPU seconds beside the clock's: on a shared machine the clock also counts the time other
    processes held the cores. Peak memory is the interpreter's own high-water mark (VmHWM):
    `ru_maxrss` would report this benchmark's, which Linux carries into the child across
    fork and exec (~920 MB here, whatever the child used)."""
    script = f"""
import time, sys
import pandas as pd
import analysis_helpers as ah
data = {str(data)!r}
start, cpu_start = time.perf_counter(), time.process_time()
{code}
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
peak_kb = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(elapsed, cpu, int(peak_kb) / 1024, result)
"""
    env = {**os.environ, "ANALYSIS_HELPERS_CACHE": cache}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    if result.returncode:
        raise SystemExit(f"measurement failed:\n{result.stderr[-3000:]}")
    out = result.stdout.split()
    return float(out[0]), float(out[1]), float(out[2]), " ".join(out[3:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=CSV_MAX_ROWS, help="data rows of the file (default: the limit)")
    args = parser.parse_args()
    synthetic = args.rows - shipped_rows()
    with tempfile.TemporaryDirectory() as scratch:
        clean = make_package(Path(scratch) / "clean", synthetic, 0)
        broken = make_package(Path(scratch) / "broken", synthetic, 0.01)
        csv_file = clean / "territory" / "territory_control.csv"
        base_s, _, base_mb, _ = measure(
            f"frame = pd.read_csv({str(csv_file)!r}, parse_dates=['date'], low_memory=False); result = len(frame)",
            clean)
        load_s, load_cpu, load_mb, rows = measure("result = len(ah.load('territory_control', data))", clean)
        cache = Path(scratch) / "cache"
        measure("result = len(ah.load('territory_control', data))", clean, str(cache))  # fills the cache
        warm_s, _, warm_mb, _ = measure("result = len(ah.load('territory_control', data))", clean, str(cache))
        valid_s, _, valid_mb, problems = measure("result = len(ah.validate(data))", clean)
        bad_s, _, bad_mb, bad_problems = measure("result = len(ah.validate(data))", broken)
        shutil.rmtree(broken)
        over = make_package(Path(scratch) / "over", synthetic + 1, 0)
        over_s, _, over_mb, over_text = measure(
            "problems = ah.validate(data); result = str(problems[0]).replace(' ', '_') if problems else 'none'", over)
    per_row = load_s / int(rows)
    print(f"rows: {rows} (the limit: {CSV_MAX_ROWS:,})")
    print(f"baseline pandas.read_csv: {base_s:6.2f} s, peak {base_mb:5.0f} MB")
    print(f"load(), cache off:        {load_s:6.2f} s ({load_cpu:.2f} s of CPU), peak {load_mb:5.0f} MB, "
          f"ratio {load_s / base_s:.1f}x "
          f"(target < 5 s, < 1024 MB); {per_row * 1e6:.2f} us a row against issue 8's "
          f"{ISSUE_8_SECONDS_PER_ROW * 1e6:.2f} ({'met' if per_row <= ISSUE_8_SECONDS_PER_ROW else 'MISSED'})")
    print(f"load(), warm cache:       {warm_s:6.2f} s, peak {warm_mb:5.0f} MB, ratio {warm_s / base_s:.1f}x")
    print(f"validate (clean):         {valid_s:6.2f} s, peak {valid_mb:5.0f} MB, "
          f"ratio {valid_s / base_s:.1f}x, {problems} problems")
    print(f"validate (1% broken):     {bad_s:6.2f} s, peak {bad_mb:5.0f} MB, "
          f"ratio {bad_s / base_s:.1f}x, {bad_problems} problems")
    print(f"one row past the limit:   {over_s:6.2f} s, peak {over_mb:5.0f} MB: {over_text.replace('_', ' ')}")
    print(f"(load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
