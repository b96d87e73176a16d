"""`python -m analysis_helpers validate [--max-age DAYS] [DATA_DIR]`: every problem at once; exit 0
clean, 1 invalid, 2 usage error, 3 valid but a dataset older than --max-age."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

from analysis_helpers.__main__ import main


@dataclass
class Completed:
    """What one `validate` run gave, shaped like `subprocess.CompletedProcess`."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_validate(capsys, monkeypatch):
    """`python -m analysis_helpers validate ARGS` run in this process (the entry point itself is
    covered once, by a real subprocess, in `test_shipped_data_is_clean`)."""

    def run(*args, env_data=None, epoch=None) -> Completed:
        for name, value in (("ANALYSIS_HELPERS_DATA", env_data), ("SOURCE_DATE_EPOCH", epoch)):
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, str(value))
        capsys.readouterr()
        try:
            code = main(["validate", *map(str, args)])
        except SystemExit as exit_:  # argparse's usage errors
            code = exit_.code if isinstance(exit_.code, int) else 2
        captured = capsys.readouterr()
        return Completed(code, captured.out, captured.err)

    return run


def test_shipped_data_is_clean():
    env = {k: v for k, v in os.environ.items() if k not in {"ANALYSIS_HELPERS_DATA", "SOURCE_DATE_EPOCH"}}
    result = subprocess.run([sys.executable, "-m", "analysis_helpers", "validate"], capture_output=True, text=True,
                            env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "datasets valid" in result.stdout


def test_reports_every_problem_in_a_copy_passed_by_path(data_copy, run_validate):
    regions = data_copy / "territory" / "regions.csv"
    lines = regions.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    first = lines[1].split(",")
    first[header.index("area_km2")] = "-5"
    lines[1] = ",".join(first)
    regions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (data_copy / "sources" / "core.csv").open("a", encoding="utf-8") as stream:
        stream.write("core-broken,Publisher,Title,true,not a url,2024-01-01,,outlet,\n")
    result = run_validate(data_copy)
    assert result.returncode == 1
    assert "regions.csv, row 2, column area_km2: minimum 0 (value: -5.0)" in result.stdout
    assert "core.csv" in result.stdout and "column url" in result.stdout
    assert "problem" in result.stderr


def test_honours_the_environment_variable(data_copy, run_validate):
    (data_copy / "sources" / "core.csv").write_bytes(b"\xff\xfe not text")
    result = run_validate(env_data=data_copy)
    assert result.returncode == 1 and "not valid UTF-8" in result.stdout


def test_unknown_reference_and_future_date_are_caught(data_copy, run_validate):
    control = data_copy / "territory" / "territory_control.csv"
    lines = control.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[-1].split(",")
    row[header.index("region_id")] = "UA-99"
    row[header.index("date")] = "2200-01-01"
    control.write_text("\n".join([*lines, ",".join(row)]) + "\n", encoding="utf-8")
    result = run_validate(data_copy)
    assert result.returncode == 1
    assert f"row {len(lines) + 1}, column date: must not be in the future" in result.stdout
    assert "UA-99" in result.stdout


def test_usage_error_exit_code(run_validate):
    assert run_validate("--bogus").returncode == 2


def test_computed_national_total_must_match_its_regions(data_copy, run_validate):
    control = data_copy / "territory" / "territory_control.csv"
    lines = control.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    target = next(i for i, line in enumerate(lines) if line.startswith("2026-01-01,UA,"))
    row = lines[target].split(",")
    row[header.index("occupied_km2")] = str(float(row[header.index("occupied_km2")]) + 500)
    row[header.index("occupied_km2_high")] = str(float(row[header.index("occupied_km2_high")]) + 500)
    lines[target] = ",".join(row)
    control.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_validate(data_copy)
    assert result.returncode == 1
    assert f"row {target + 1}, column occupied_km2: must equal the sum of the computed regions" in result.stdout


DAY_S = 86_400
EPOCH_2026_12_01 = 1_796_083_200  # 2026-12-01T00:00:00Z


def test_max_age_lists_stale_datasets_with_their_own_exit_status(data_copy, run_validate):
    sites = data_copy / "territory" / "sites.csv"
    if not sites.exists():
        pytest.skip("sites.csv moved")
    import pandas as pd

    as_of = pd.read_csv(sites)["as_of"].max()
    age = (pd.Timestamp(EPOCH_2026_12_01, unit="s") - pd.Timestamp(as_of)).days
    stale = run_validate("--max-age", age - 1, data_copy, epoch=EPOCH_2026_12_01)
    assert stale.returncode == 3, stale.stdout + stale.stderr
    assert f"stale: sites as of {as_of}, {age} days old" in stale.stdout
    fresh_enough = run_validate("--max-age", 100_000, data_copy, epoch=EPOCH_2026_12_01)
    assert fresh_enough.returncode == 0 and "stale:" not in fresh_enough.stdout


def test_a_schema_failure_wins_over_staleness(data_copy, run_validate):
    with (data_copy / "sources" / "core.csv").open("a", encoding="utf-8") as stream:
        stream.write("core-broken,Publisher,Title,true,not a url,2024-01-01,,official,\n")
    result = run_validate("--max-age", 0, data_copy, epoch=EPOCH_2026_12_01)
    assert result.returncode == 1 and "column url" in result.stdout


def test_max_age_must_be_a_number_of_days(run_validate):
    assert run_validate("--max-age", "soon").returncode == 2
    assert run_validate("--max-age", "-1").returncode == 2
