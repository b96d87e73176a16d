"""Build the HTML reports: execute every notebook headless, export offline HTML, write an index.

    python -m analysis_helpers report [--params as_of=2025-05-15 ...] [--jobs N] [--code show] [NOTEBOOK ...]

Each notebook is executed by papermill (parameters injected into its `parameters` cell) with
a cell timeout, then exported with the `kit_offline` nbconvert template. A cell that writes to
stderr (a warning, a log line) fails the report: a published report carries no warnings.
Reports are written to a temporary file and renamed into place, so a failed build leaves the
last good report. The build prints one line per report and a summary; the kernels' own chatter
(transport warnings, shutdown messages) is shown only when a report fails. The index
(`reports/index.html`, see `report_page`) records build time (honouring SOURCE_DATE_EPOCH), git
commit and every dataset's as-of date and age.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..paths import project_root, write_atomically
from .report_page import current_freshness, index_page, report_summary

REPO_ROOT = project_root()
# The package's own copy of the template wins over the one installed in share/jupyter, so that a
# report always matches the code that builds it.
TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
REPORT_DIR = REPO_ROOT / "reports"
CELL_TIMEOUT_S = 600
TEMPLATE = "kit_offline"
PLOTLY_DIV_MARKER = 'class="plotly-graph-div"'
INJECTED_CELL_ID = "injected-parameters"


@dataclass(frozen=True)
class Job:
    """One report to build: a notebook, its parameters, where the HTML goes, whether code shows."""

    notebook: Path
    output: Path
    parameters: dict
    show_code: bool = False
    #: The report this one equals (the notebook run with its own default scenario): copied, not re-run.
    same_as: Path | None = None

    @property
    def label(self) -> str:
        """How the progress line names the job: the notebook, and the scenario if any."""
        extra = ",".join(f"{k}={v}" for k, v in sorted(self.parameters.items()) if k == "scenario")
        return f"{self.notebook.stem}{f' [{extra}]' if extra else ''}"


@dataclass(frozen=True)
class Outcome:
    """What building a Job gave: success, time, figure count, error, landing-page summary."""

    job: Job
    ok: bool
    seconds: float
    figures: int = 0
    error: str = ""
    summary: dict = field(default_factory=dict)  # report_page.report_summary of the executed notebook
    #: Seconds spent running the notebook's cells (papermill's per-cell durations) and exporting
    #: its HTML; the rest of `seconds` is the kernel's start and papermill's own work.
    cell_seconds: float = 0.0
    export_seconds: float = 0.0


class NotebookFailed(RuntimeError):
    """A notebook could not be executed or exported; the message names notebook and cell."""


def count_figures(notebook: nbformat.NotebookNode) -> int:
    """Plotly figures the executed notebook displayed (including widgets' static stand-ins)."""
    total = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            total += output.get("data", {}).get("text/html", "").count(PLOTLY_DIV_MARKER)
    return total


def execute(job: Job) -> nbformat.NotebookNode:
    """Run the notebook with its parameters; raise NotebookFailed naming notebook and cell.

    The kernel's own stderr (transport warnings, "KeyboardInterrupt caught in kernel" at
    shutdown) is held back and shown only if the kernel itself fails."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with tempfile.TemporaryDirectory() as scratch, _stderr_held_back() as held_back:
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
            raise NotebookFailed(f"{_shown(job.notebook)}: {type(exc).__name__}: {exc}"
                                 f"{_indented(held_back.read_text(errors='replace'))}") from None
        executed = nbformat.read(executed_path, as_version=4)
    check_no_stderr(executed, job.notebook)
    # Widget state (kept during execution: nbclient's Output-widget capture needs it) holds random
    # model ids and is useless without a kernel; the report shows widgets' static stand-ins.
    executed.metadata.pop("widgets", None)
    for cell in executed.cells:
        # papermill gives its injected cell a random id; a fixed one keeps reports reproducible.
        if INJECTED_CELL_ID in cell.get("metadata", {}).get("tags", []):
            cell["id"] = INJECTED_CELL_ID
    return executed


@contextlib.contextmanager
def _stderr_held_back():
    """Send this process's stderr, and so its kernels', to a temporary file while inside."""
    with tempfile.TemporaryDirectory() as scratch:
        held_back = Path(scratch) / "stderr.txt"
        sys.stderr.flush()
        saved = os.dup(2)
        with held_back.open("w") as stream:
            os.dup2(stream.fileno(), 2)
            try:
                yield held_back
            finally:
                sys.stderr.flush()
                os.dup2(saved, 2)
                os.close(saved)


def _indented(text: str, lines: int = 20) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return "".join(f"\n    | {line}" for line in kept)


def check_no_stderr(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Raise NotebookFailed for the first cell that wrote to stderr (warnings, logging)."""
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            text = output.get("text", "").strip() if output.get("output_type") == "stream" else ""
            if output.get("name") == "stderr" and text:
                first_line = text.splitlines()[0]
                raise NotebookFailed(
                    f"{_shown(path)}: cell {index} (execution count {cell.get('execution_count')}) wrote to "
                    f"stderr, which a report must not show: {first_line}")


def export_html(notebook: nbformat.NotebookNode, show_code: bool = False) -> str:
    """The executed notebook as an offline HTML page (`kit_offline` template); code starts
    hidden unless `show_code`."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config({"ReportPagePreprocessor": {"show_code": show_code}})
    exporter = HTMLExporter(template_name=TEMPLATE, config=config, extra_template_basedirs=[str(TEMPLATE_DIR)])
    body, _ = exporter.from_notebook_node(notebook)
    return body


def build(job: Job) -> Outcome:
    """Execute and export one report; a failure is an Outcome, never an exception."""
    start = time.perf_counter()
    try:
        executed = execute(job)
        exported = time.perf_counter()
        write_atomically(job.output, export_html(executed, job.show_code))
    except NotebookFailed as exc:
        return Outcome(job, False, time.perf_counter() - start, error=str(exc))
    end = time.perf_counter()
    cells = sum(cell.get("metadata", {}).get("papermill", {}).get("duration") or 0.0 for cell in executed.cells)
    return Outcome(job, True, end - start, figures=count_figures(executed), summary=report_summary(executed),
                   cell_seconds=cells, export_seconds=end - exported)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def plan_jobs(notebooks: list[Path], parameters: dict, report_dir: Path, per_scenario: bool = True,
              show_code: bool = False, scenarios: list[str] | None = None) -> list[Job]:
    """One report per notebook; with `per_scenario`, also one per scenario file (or per name in
    `scenarios`) for a notebook whose parameters include `scenario`. The notebook's own default
    scenario is not run twice: its page is a copy of the notebook's report."""
    jobs = [Job(nb, report_dir / f"{nb.stem}.html", parameters, show_code) for nb in notebooks]
    for notebook in notebooks if per_scenario else []:
        defaults = parameter_defaults(notebook)
        if "scenario" not in defaults:
            continue
        from ..scenarios import list_scenarios

        default_scenario = parameters.get("scenario", defaults["scenario"])
        for name in list_scenarios() if scenarios is None else scenarios:
            same_as = report_dir / f"{notebook.stem}.html" if name == default_scenario else None
            jobs.append(Job(notebook, report_dir / "scenarios" / f"{name}.html", {**parameters, "scenario": name},
                            show_code, same_as))
    return jobs


def parameter_defaults(notebook: Path) -> dict:
    """The literal values of the notebook's `parameters` cell (names assigned something else are left out)."""
    for cell in nbformat.read(notebook, as_version=4).cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            defaults = {}
            for statement in ast.parse(cell.source).body:
                if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                        and isinstance(statement.targets[0], ast.Name):
                    try:
                        defaults[statement.targets[0].id] = ast.literal_eval(statement.value)
                    except ValueError:
                        continue
            return defaults
    return {}


def git_commit() -> str:
    """The checkout's commit (short hash, flagged when the tree has uncommitted changes)."""
    try:
        result = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                                text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return result.stdout.strip() + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"


def write_index(report_dir: Path, parameters: dict) -> None:
    """`index.html`: every report in the manifest (this build's and earlier ones), see
    `report_page.index_page`."""
    manifest = json.loads((report_dir / "manifest.json").read_text())
    entries = {path: entry for path, entry in manifest.items() if (report_dir / path).exists()}
    write_atomically(report_dir / "index.html", index_page(entries, current_freshness(), parameters, git_commit()))


def write_manifest(report_dir: Path, outcomes: list[Outcome]) -> None:
    """Per report: figure count (for the browser tests) and the landing page's summary, merged
    into the previous manifest so that a partial build keeps the other reports listed."""
    path = report_dir / "manifest.json"
    manifest = json.loads(path.read_text()) if path.exists() else {}
    for outcome in outcomes:
        if outcome.ok:
            entry = {"figures": outcome.figures, **outcome.summary}
            if "scenario" in outcome.job.parameters and outcome.job.output.parent.name == "scenarios":
                entry |= _scenario_entry(outcome.job.parameters["scenario"])
            manifest[outcome.job.output.relative_to(report_dir).as_posix()] = entry
    write_atomically(path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def _scenario_entry(name: str) -> dict:
    from ..scenarios import load_scenario

    return {"scenario": name, "scenario_title": load_scenario(name).title}


def _copied(job: Job, outcomes: list[Outcome]) -> Outcome:
    """The report of a job whose page equals another report's: a copy of that report, if it was built."""
    [source] = [outcome for outcome in outcomes if outcome.job.output == job.same_as]
    if not source.ok:
        return Outcome(job, False, 0.0, error=f"not built: {_shown(source.job.output)} failed")
    write_atomically(job.output, source.job.output.read_text())
    return Outcome(job, True, 0.0, figures=source.figures, summary=source.summary)


def run(notebooks: list[Path], parameters: dict, report_dir: Path = REPORT_DIR, jobs: int | None = None,
        per_scenario: bool = True, show_code: bool = False, scenarios: list[str] | None = None) -> list[Outcome]:
    """Build every report; print a progress line per report; return the outcomes."""
    planned = plan_jobs(notebooks, parameters, report_dir, per_scenario, show_code, scenarios)
    executed = [job for job in planned if job.same_as is None]
    workers = max(1, min(jobs or os.cpu_count() or 1, len(executed)))
    outcomes: list[Outcome] = []

    def progress(outcome: Outcome) -> None:
        outcomes.append(outcome)
        status = f"ok, {outcome.figures} figures" if outcome.ok else "FAILED"
        copied = " (copy of the default report)" if outcome.job.same_as else ""
        print(f"[{len(outcomes)}/{len(planned)}] {outcome.job.label}: {status} ({outcome.seconds:.1f} s){copied}",
              flush=True)
        if not outcome.ok:
            print(f"    {outcome.error}", flush=True)

    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(build, job) for job in executed]
        for future in as_completed(futures):
            progress(future.result())
    for job in planned:
        if job.same_as is not None:
            progress(_copied(job, outcomes))
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


SWEEP_START = "2022-03-01"  # the first quarter of the war; the sweep runs to the latest data
SWEEP_DIR = REPORT_DIR / "sweep"


def sweep_dates(start: str = SWEEP_START, end=None) -> list[str]:
    """Every quarter's last day from `start` to `end` (default: the latest date in the data), as YYYY-MM-DD."""
    import pandas as pd

    from ..data import latest_as_of

    last = latest_as_of() if end is None else end
    return [f"{day:%Y-%m-%d}" for day in pd.date_range(start, last, freq="QE")]


def sweep(notebooks: list[Path], dates: list[str], out: Path = SWEEP_DIR, jobs: int | None = None,
          per_scenario: bool = True) -> dict[str, list[Outcome]]:
    """Build the reports at each `as_of` in `dates`, into `out/<date>/`; the outcomes per date."""
    outcomes = {}
    for day in dates:
        print(f"as_of={day}", flush=True)
        outcomes[day] = run(notebooks, {"as_of": day}, out / day, jobs, per_scenario)
    return outcomes


def sweep_main(argv: list[str]) -> int:
    """`python -m analysis_helpers sweep ...`: every report at every quarter; 0 when all were written."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m analysis_helpers sweep",
        description="Render every report at as_of = each quarter's last day since March 2022 and list the failures.")
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: all in notebooks/)")
    parser.add_argument("--dates", default="", help="comma-separated as_of dates (default: every quarter's end)")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks run in parallel (default: core count)")
    parser.add_argument("--out", type=Path, default=SWEEP_DIR, help="folder of the per-date report folders")
    parser.add_argument("--no-scenarios", action="store_true", help="skip the per-scenario renders of 04_scenarios")
    args = parser.parse_args(argv)
    notebooks = [nb.resolve() for nb in args.notebooks or sorted(NOTEBOOK_DIR.glob("[0-9]*.ipynb"))]
    dates = [d.strip() for d in args.dates.split(",") if d.strip()] or sweep_dates()
    start = time.perf_counter()
    outcomes = sweep(notebooks, dates, args.out.resolve(), args.jobs, not args.no_scenarios)
    failed = [(day, o) for day, done in outcomes.items() for o in done if not o.ok]
    total = sum(len(done) for done in outcomes.values())
    print(f"Sweep: {total - len(failed)} of {total} reports at {len(dates)} dates written to "
          f"{_shown(args.out.resolve())} in {time.perf_counter() - start:.0f} s; {len(failed)} failed.", flush=True)
    for day, outcome in failed:
        print(f"FAILED as_of={day} {outcome.job.label}: {outcome.error}", flush=True)
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    """`python -m analysis_helpers report ...`: 0 when every report was written, 1 otherwise."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m analysis_helpers report", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: all in notebooks/)")
    parser.add_argument("--params", default="", help='space-separated name=value pairs, e.g. "as_of=2025-05-15"')
    parser.add_argument("--jobs", type=int, default=None, help="notebooks run in parallel (default: core count)")
    parser.add_argument("--out", type=Path, default=REPORT_DIR, help="report folder (default: reports/)")
    parser.add_argument("--code", choices=("hide", "show"), default="hide",
                        help="code cells hidden (default; readers can show them) or shown when a report opens")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted(NOTEBOOK_DIR.glob("[0-9]*.ipynb"))
    try:
        parameters = parse_parameters(args.params.split())
    except ValueError as exc:
        parser.error(str(exc))
    start = time.perf_counter()
    outcomes = run([nb.resolve() for nb in notebooks], parameters, args.out.resolve(), args.jobs,
                   show_code=args.code == "show")
    failed = [o for o in outcomes if not o.ok]
    written = len(outcomes) - len(failed)
    print(f"Wrote {written} report{'s' if written != 1 else ''} and {_shown(args.out.resolve() / 'index.html')} "
          f"in {time.perf_counter() - start:.0f} s; {len(failed)} failed.", flush=True)
    if failed:
        print(f"{len(failed)} of {len(outcomes)} reports failed; their previous versions (if any) are kept.",
              file=sys.stderr)
        return 1
    return 0
