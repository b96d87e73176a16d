"""Build the HTML reports: execute every notebook headless, export offline HTML, write an index.

    python -m analysis_helpers report [--params as_of=2025-05-15 ...] [--jobs N] [NOTEBOOK ...]

Each notebook is executed by papermill (parameters injected into its `parameters` cell) with
a cell timeout, then exported with the `kit_offline` nbconvert template. Reports are written to
a temporary file and renamed into place, so a failed build leaves the last good report. The
index records build time (honouring SOURCE_DATE_EPOCH), git commit and the data's as-of date.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from ..paths import project_root

REPO_ROOT = project_root()
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
REPORT_DIR = REPO_ROOT / "reports"
CELL_TIMEOUT_S = 600
TEMPLATE = "kit_offline"
PLOTLY_DIV_MARKER = 'class="plotly-graph-div"'
INJECTED_CELL_ID = "injected-parameters"


@dataclass(frozen=True)
class Job:
    """One report to build: a notebook, its parameters and where the HTML goes."""

    notebook: Path
    output: Path
    parameters: dict

    @property
    def label(self) -> str:
        extra = ",".join(f"{k}={v}" for k, v in sorted(self.parameters.items()) if k == "scenario")
        return f"{self.notebook.stem}{f' [{extra}]' if extra else ''}"


@dataclass(frozen=True)
class Outcome:
    job: Job
    ok: bool
    seconds: float
    figures: int = 0
    error: str = ""


class NotebookFailed(RuntimeError):
    pass


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; reports are meant to be shared
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def count_figures(notebook: nbformat.NotebookNode) -> int:
    """Plotly figures the executed notebook displayed (including widgets' static stand-ins)."""
    total = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            total += output.get("data", {}).get("text/html", "").count(PLOTLY_DIV_MARKER)
    return total


def execute(job: Job) -> nbformat.NotebookNode:
    """Run the notebook with its parameters; raise NotebookFailed naming notebook and cell."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with tempfile.TemporaryDirectory() as scratch:
        executed_path = Path(scratch) / job.notebook.name
        try:
            papermill.execute_notebook(
                str(job.notebook), str(executed_path), parameters=job.parameters, kernel_name="python3",
                progress_bar=False, cwd=str(job.notebook.parent), execution_timeout=CELL_TIMEOUT_S,
                request_save_on_cell_execute=False,
            )
        except PapermillExecutionError as exc:
            raise NotebookFailed(
                f"{_shown(job.notebook)}: cell {exc.cell_index} (execution count {exc.exec_count}) "
                f"raised {exc.ename}: {exc.evalue}") from None
        except Exception as exc:  # kernel death, timeout, unreadable notebook
            raise NotebookFailed(f"{_shown(job.notebook)}: {type(exc).__name__}: {exc}") from None
        executed = nbformat.read(executed_path, as_version=4)
    # Widget state (kept during execution: nbclient's Output-widget capture needs it) holds random
    # model ids and is useless without a kernel; the report shows widgets' static stand-ins.
    executed.metadata.pop("widgets", None)
    for cell in executed.cells:
        # papermill gives its injected cell a random id; a fixed one keeps reports reproducible.
        if INJECTED_CELL_ID in cell.get("metadata", {}).get("tags", []):
            cell["id"] = INJECTED_CELL_ID
    return executed


def export_html(notebook: nbformat.NotebookNode) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name=TEMPLATE)
    body, _ = exporter.from_notebook_node(notebook)
    return body


def build(job: Job) -> Outcome:
    start = time.perf_counter()
    try:
        executed = execute(job)
        write_atomically(job.output, export_html(executed))
    except NotebookFailed as exc:
        return Outcome(job, False, time.perf_counter() - start, error=str(exc))
    return Outcome(job, True, time.perf_counter() - start, figures=count_figures(executed))


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def plan_jobs(notebooks: list[Path], parameters: dict, report_dir: Path, per_scenario: bool = True) -> list[Job]:
    """One report per notebook; with `per_scenario`, also one per scenario file for a notebook
    whose parameters include `scenario`."""
    jobs = [Job(nb, report_dir / f"{nb.stem}.html", parameters) for nb in notebooks]
    for notebook in notebooks if per_scenario else []:
        if _has_parameter(notebook, "scenario"):
            from ..scenarios import list_scenarios

            jobs += [Job(notebook, report_dir / "scenarios" / f"{name}.html", {**parameters, "scenario": name})
                     for name in list_scenarios()]
    return jobs


def _has_parameter(notebook: Path, name: str) -> bool:
    for cell in nbformat.read(notebook, as_version=4).cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return any(line.split("=")[0].strip() == name for line in cell.source.splitlines())
    return False


def build_time() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)


def git_commit() -> str:
    try:
        result = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                                text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return result.stdout.strip() + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"


def write_index(report_dir: Path, parameters: dict) -> None:
    import pandas as pd

    from ..data import latest_as_of

    reports = sorted(p for p in report_dir.rglob("*.html") if p.name != "index.html")
    items = "\n".join(
        f'<li><a href="{html.escape(p.relative_to(report_dir).as_posix())}">'
        f"{html.escape(p.relative_to(report_dir).with_suffix('').as_posix())}</a></li>"
        for p in reports)
    params = ", ".join(f"{k}={v}" for k, v in sorted(parameters.items())) or "notebook defaults"
    as_of = latest_as_of()
    as_of_text = "unknown (no dated rows)" if pd.isna(as_of) else f"{as_of:%Y-%m-%d}"
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Analysis kit reports</title>
<style>body{{font-family:Helvetica,Arial,sans-serif;max-width:52em;margin:2em auto;line-height:1.5}}</style>
</head><body>
<h1>Russia-Ukraine war and peace talks: analysis kit reports</h1>
<ul>
{items}
</ul>
<p>Data as of: {as_of_text}<br>
Parameters: {html.escape(params)}<br>
Git commit: {html.escape(git_commit())}<br>
Built: {build_time():%Y-%m-%d %H:%M UTC}</p>
</body></html>
"""
    write_atomically(report_dir / "index.html", page)


def write_manifest(report_dir: Path, outcomes: list[Outcome]) -> None:
    """Figure counts per report, merged into the previous manifest (for the browser tests)."""
    path = report_dir / "manifest.json"
    manifest = json.loads(path.read_text()) if path.exists() else {}
    for outcome in outcomes:
        if outcome.ok:
            manifest[outcome.job.output.relative_to(report_dir).as_posix()] = {"figures": outcome.figures}
    write_atomically(path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def run(notebooks: list[Path], parameters: dict, report_dir: Path = REPORT_DIR, jobs: int | None = None,
        per_scenario: bool = True) -> list[Outcome]:
    """Build every report; print a progress line per notebook; return the outcomes."""
    planned = plan_jobs(notebooks, parameters, report_dir, per_scenario)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(planned)))
    outcomes = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(build, job): job for job in planned}
        for done, future in enumerate(as_completed(futures), start=1):
            outcome = future.result()
            outcomes.append(outcome)
            status = f"ok, {outcome.figures} figures" if outcome.ok else "FAILED"
            print(f"[{done}/{len(planned)}] {outcome.job.label}: {status} ({outcome.seconds:.1f} s)", flush=True)
            if not outcome.ok:
                print(f"    {outcome.error}", flush=True)
    write_manifest(report_dir, outcomes)
    write_index(report_dir, parameters)
    return outcomes


def parse_parameters(pairs: list[str]) -> dict:
    """`["as_of=2025-05-15", "draws=200"]` -> {"as_of": "2025-05-15", "draws": 200} (JSON where it parses)."""
    parameters = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"parameter {pair!r} must be written name=value")
        try:
            parameters[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            parameters[key.strip()] = value
    return parameters


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m analysis_helpers report", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: all in notebooks/)")
    parser.add_argument("--params", default="", help='space-separated name=value pairs, e.g. "as_of=2025-05-15"')
    parser.add_argument("--jobs", type=int, default=None, help="notebooks run in parallel (default: core count)")
    parser.add_argument("--out", type=Path, default=REPORT_DIR, help="report folder (default: reports/)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted(NOTEBOOK_DIR.glob("[0-9]*.ipynb"))
    try:
        parameters = parse_parameters(args.params.split())
    except ValueError as exc:
        parser.error(str(exc))
    outcomes = run([nb.resolve() for nb in notebooks], parameters, args.out.resolve(), args.jobs)
    failed = [o for o in outcomes if not o.ok]
    if failed:
        print(f"{len(failed)} of {len(outcomes)} reports failed; their previous versions (if any) are kept.",
              file=sys.stderr)
        return 1
    print(f"Wrote {len(outcomes)} reports and {_shown(args.out.resolve() / 'index.html')}")
    return 0
