"""Every `make` line of the README's command list runs: each as a dry run (`make -n`) whose
command carries the options the README promises, the cheap ones for real (validate; the
dashboard and JupyterLab started on a free port, waited for until they answer, and stopped).

The README and the Makefile cannot drift apart: a README line without an expectation here, or
an expectation without its README line, fails.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from lab import free_port, wait_for_http

README = REPO_ROOT / "README.md"
STAMP = ".venv/.installed"  # `make -o` it: a test never reinstalls the environment
SERVER_TIMEOUT_S = 120

# README line (after `make`) -> what its dry run must contain (and must not, for the port).
EXPECTED = {
    "report": ["-m analysis_helpers report", '--params ""', "--code hide"],
    "test": ["ruff check", "mypy", "-m pytest"],
    'report PARAMS="as_of=2025-05-15"': ['--params "as_of=2025-05-15"'],
    "report JOBS=1": ["--jobs 1"],
    "report CODE=show": ["--code show"],
    "validate": ["-m analysis_helpers validate"],
    "validate MAX_AGE=90": ["validate --max-age 90"],
    "lab": ["jupyter lab notebooks/"],
    'lab ARGS="--allow-root --port 8890"': ["jupyter lab notebooks/ --allow-root --port 8890"],
    "dashboard": ["voila notebooks/04_scenarios.ipynb", "--port=8866"],
    "dashboard PORT=9000": ["--port=9000"],
    'dashboard ARGS="--port 9000"': ["--port 9000"],
    "sweep": ["-m analysis_helpers sweep"],
    "sweep DATES=2022-03-31,2023-06-01": ["--dates 2022-03-31,2023-06-01"],
    "benchmark": ["benchmarks/"],
    "benchmark BENCHMARKS=benchmarks/scenarios.py": ["benchmarks/scenarios.py"],
    "clean": ["rm -rf reports"],
}


def readme_make_lines() -> list[str]:
    """The `make ...` lines of the README's shell blocks, without their comments."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    lines = [line.split("  #", 1)[0].strip() for block in blocks for line in block.splitlines()]
    return [line.removeprefix("make ").strip() for line in lines if line.startswith("make ")]


def make(arguments: str, *extra: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-o", STAMP, *extra, *shlex.split(arguments)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120, **options)


def test_every_readme_command_is_expected_and_every_expectation_is_in_the_readme():
    assert sorted(readme_make_lines()) == sorted(EXPECTED)


@pytest.mark.parametrize("line", sorted(EXPECTED))
def test_readme_command_dry_run_passes_its_options(line):
    result = make(line, "-n")
    assert result.returncode == 0, result.stderr
    for wanted in EXPECTED[line]:
        assert wanted in result.stdout, f"make {line}: {wanted!r} not in\n{result.stdout}"
    if line.startswith("dashboard"):  # Voilà refuses a second --port: exactly one, the one asked for
        assert len(re.findall(r"--port[= ]", result.stdout)) == 1, result.stdout


def test_make_validate_runs(tmp_path):
    # MAX_AGE large enough that the shipped data is never stale: exit 0 and both lines of output.
    result = make("validate MAX_AGE=100000")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "datasets valid" in result.stdout and "at most 100000 days old" in result.stdout


def test_make_benchmark_runs_every_script_and_lists_the_failures(tmp_path):
    failing, passing = tmp_path / "fails.py", tmp_path / "passes.py"
    failing.write_text("raise SystemExit(1)\n")
    passing.write_text("print('benchmark ran')\n")
    result = make(f"benchmark BENCHMARKS='{failing} {passing}'")
    assert result.returncode != 0
    assert "benchmark ran" in result.stdout, "the loop stopped at the failing script"
    assert f"benchmarks that failed: {failing}" in result.stderr


def _serve(arguments: str, url: str, log: Path) -> None:
    """Start `make <arguments>`, wait until `url` answers, then stop make and its server."""
    with log.open("w") as stream:
        server = subprocess.Popen(["make", "-o", STAMP, *shlex.split(arguments)], cwd=REPO_ROOT, stdout=stream,
                                  stderr=subprocess.STDOUT, start_new_session=True,
                                  env={**os.environ, "JUPYTER_RUNTIME_DIR": str(log.parent / "runtime")})
        try:
            wait_for_http(url, server, log, SERVER_TIMEOUT_S)
        finally:
            os.killpg(server.pid, signal.SIGTERM)  # make and the server it started: one process group
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)


def test_make_dashboard_serves_on_the_port_given_in_args(tmp_path):
    port = free_port()
    _serve(f'dashboard ARGS="--port {port}"', f"http://127.0.0.1:{port}/api", tmp_path / "voila.log")


def test_make_lab_serves_with_extra_args(tmp_path):
    port = free_port()
    root = " --allow-root" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
    _serve(f'lab ARGS="--no-browser --port {port} --ServerApp.ip=127.0.0.1{root}"', f"http://127.0.0.1:{port}/api",
           tmp_path / "lab.log")
