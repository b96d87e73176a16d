"""Which assumptions of a scenario drive its results, on this laptop or on a Dask cluster.

    >>> from analysis_helpers.sensitivity import analyse
    >>> analyse("baseline", method="morris", samples=20)             # local cores
    >>> analyse("baseline", method="sobol", samples=1024, scheduler="tcp://10.0.0.5:8786")
    >>> analyse("baseline", ["settlement:territory"], method="sobol", samples=256, groups=True,
    ...         ranges={"actors[russia].capability_factor": (0.8, 1.0, 1.2)}, convergence=True)

The evaluations (one engine run each) fan out over the local cores in a process pool by default;
with `scheduler=` (or the environment variable `ANALYSIS_HELPERS_DASK_SCHEDULER`) the same chunks
run on that Dask distributed cluster. The design and every evaluation are deterministic, so the
same seed (0 included) gives the same table whatever runs it. Method and limits: `analysis.sensitivity`.

A Dask cluster must run the same kit: on connecting, every worker reports the installed
`analysis-helpers` version and a SHA-256 of the package's source files (`kit_fingerprint`), and
a worker that differs, or cannot import the kit, stops the run with `ClusterMismatch` before any
evaluation (pickle sends references to the kit's functions, not their code, so a worker with
another version would otherwise compute silently with other code). Workers may run several
threads: the baseline's memo, shared by the threads of a worker, holds a lock.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import pandas as pd

from .analysis import scenarios as engine
from .analysis import sensitivity as core
from .analysis.sensitivity import output_label
from .conventions import AsOf
from .data.errors import DataValidationError, Problem
from .data.scenarios import Scenario
from .scenarios import baseline_for, load_scenario

__all__ = ["SCHEDULER_ENV", "ClusterMismatch", "SchedulerUnreachable", "analyse", "kit_fingerprint", "output_label",
           "plan"]

SCHEDULER_ENV = "ANALYSIS_HELPERS_DASK_SCHEDULER"
CONNECT_TIMEOUT_S = 10
# Chunks per worker: enough to balance uneven workers and move the progress bar, few enough that
# the per-task overhead (pickling the scenario, a round trip) stays small next to ~10 ms per run.
CHUNKS_PER_WORKER = 4


class SchedulerUnreachable(ConnectionError):
    """The Dask scheduler address given cannot be reached (nothing was evaluated)."""


class ClusterMismatch(ValueError):
    """A Dask worker runs another version or source of the kit, or none (nothing was evaluated)."""


DISTRIBUTION = "analysis-helpers"


@lru_cache(maxsize=1)
def kit_fingerprint() -> tuple[str, str]:
    """(installed version of the kit, SHA-256 of its Python source files, path by path)."""
    try:
        version = metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        version = "not installed"
    digest = hashlib.sha256()
    root = resources.files("analysis_helpers")
    stack = [root]
    files = []
    while stack:
        folder = stack.pop()
        for entry in folder.iterdir():
            if entry.is_dir() and entry.name != "__pycache__":
                stack.append(entry)
            elif entry.name.endswith(".py"):
                files.append(entry)
    for entry in sorted(files, key=lambda e: str(e)):
        digest.update(str(entry).removeprefix(str(root)).encode())
        digest.update(entry.read_bytes())
    return version, digest.hexdigest()


def _worker_fingerprint() -> tuple[str, str]:
    """`kit_fingerprint` as a worker computes it (sent by reference: the worker runs its own kit's code)."""
    return kit_fingerprint()


def check_cluster(client) -> int:
    """Number of workers, after checking each runs this kit (`kit_fingerprint`); ClusterMismatch otherwise."""
    local = kit_fingerprint()
    try:
        remote = client.run(_worker_fingerprint)
    except Exception as exc:  # a worker without the kit cannot unpickle the function: say so, whatever failed
        raise ClusterMismatch(f"a Dask worker cannot run the kit's code ({type(exc).__name__}: {exc}); install "
                              f"{DISTRIBUTION} {local[0]} from the same source on every worker") from None
    differing = {worker: tuple(found) for worker, found in remote.items() if tuple(found) != local}
    if differing:
        lines = "; ".join(f"{worker}: version {version}, source {digest[:12]}"
                          for worker, (version, digest) in sorted(differing.items()))
        raise ClusterMismatch(f"{len(differing)} of {len(remote)} Dask workers run another kit than this one "
                              f"(version {local[0]}, source {local[1][:12]}): {lines}; nothing was evaluated")
    if not remote:
        raise ClusterMismatch("the Dask cluster has no workers; nothing was evaluated")
    return len(remote)


def not_estimated_yet(outputs: Sequence[str], central: pd.DataFrame, baseline: engine.Baseline) -> list[str]:
    """The `outputs` the engine has no value for at the baseline's date, though it has at a later
    one: needs and the funding gap before two RDNAs were published (NaN), a settlement on an issue
    no actor had a stance on yet (no metric). `analyse` leaves them out, and says so."""
    values = central.set_index("metric")["value"]
    issues = {f"{prefix}:{issue_id}" for issue_id in baseline.issues["issue_id"]
              for prefix in ("settlement", "settlement_weighted_median", "settlement_expected_utility")}
    return [output for output in outputs
            if (output in values.index and pd.isna(values[output])) or (output not in values.index and output in issues)]


def plan(scenario: str | Scenario, outputs: Sequence[str] | None = None, method: str = "morris",
         samples: int | None = None, seed: int = 0, inputs: Sequence[str] | None = None, as_of: AsOf = None,
         data_dir: Path | str | None = None, ranges: Mapping[str, Sequence[float]] | None = None,
         groups: bool = False, convergence: bool = False,
         ) -> tuple[Scenario, engine.Baseline, pd.DataFrame, np.ndarray, list[str], dict[str, str], int]:
    """Everything checked and built before a single evaluation runs: (scenario, baseline, inputs,
    design X, outputs, units, samples); with `convergence`, the design has 2 x `samples` base points.
    Raises on bad input (see `analyse`)."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, data_dir)
    samples = core.DEFAULT_SAMPLES.get(method, 0) if samples is None else samples
    core.check_method(method, samples)
    if convergence and method != "sobol":
        raise ValueError("a convergence check compares Sobol indices at N and 2N: use method='sobol'")
    uncertain = core.uncertain_inputs(scenario, inputs, ranges)
    baseline = baseline_for(as_of, data_dir)
    actors = [path[1] for path in uncertain.attrs["paths"] if path[0] == "actor"]
    unknown = sorted(set(actors) - set(baseline.actors["actor_id"]))
    if unknown:
        raise DataValidationError([Problem(scenario.file, None, f"actors[{actor}]", "no such actor in actors.csv")
                                   for actor in unknown], "sensitivity ranges name unknown actors")
    central = engine.run(scenario, baseline, draws=0)
    known = list(central["metric"])
    requested = core.default_outputs(list(baseline.issues["issue_id"])) if outputs is None else outputs
    requested = [requested] if isinstance(requested, str) else list(requested)
    later = not_estimated_yet(requested, central, baseline)  # left out at this date (analyse says so)
    chosen = [output for output in core.check_outputs(requested, [*known, *later]) if output not in later]
    units = dict(zip(central["metric"], central["unit"], strict=True))
    X = core.design(uncertain, method, 2 * samples if convergence else samples, seed, grouped=groups)
    return scenario, baseline, uncertain, X, chosen, units, samples


def _chunks(n_rows: int, workers: int) -> list[slice]:
    size = max(1, -(-n_rows // (workers * CHUNKS_PER_WORKER)))
    return [slice(start, min(start + size, n_rows)) for start in range(0, n_rows, size)]


# A worker process keeps the scenario and the baseline it was started with (sent once, not per chunk).
_WORKER_STATE: dict = {}


def _start_worker(scenario, baseline, inputs, outputs) -> None:
    _WORKER_STATE.update(scenario=scenario, baseline=baseline, inputs=inputs, outputs=outputs)


def _evaluate_in_worker(rows: np.ndarray) -> np.ndarray:
    state = _WORKER_STATE
    return core.evaluate(state["scenario"], state["baseline"], state["inputs"], rows, state["outputs"])


def _run_local(X, scenario, baseline, inputs, outputs, workers: int, done: Callable[[int], None]) -> np.ndarray:
    Y = np.empty((len(X), len(outputs)))
    if workers == 1:  # in this process: no pool to start, the baseline's memos are reused
        for part in _chunks(len(X), 1):
            Y[part] = core.evaluate(scenario, baseline, inputs, X[part], outputs)
            done(part.stop - part.start)
        return Y
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                             initargs=(scenario, baseline, inputs, outputs)) as pool:
        futures = {pool.submit(_evaluate_in_worker, X[part]): part for part in _chunks(len(X), workers)}
        for future in as_completed(futures):
            part = futures[future]
            Y[part] = future.result()
            done(part.stop - part.start)
    return Y


def _connect(address: str):
    from distributed import Client  # optional at import time: only a cluster run needs it

    try:
        return Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerUnreachable(f"cannot reach the Dask scheduler at {address!r} "
                                   f"(within {CONNECT_TIMEOUT_S} s): {exc}; nothing was evaluated") from None


def _run_dask(X, scenario, baseline, inputs, outputs, address: str, done: Callable[[int], None]) -> np.ndarray:
    from distributed import as_completed as dask_completed

    client = _connect(address)
    try:
        workers = check_cluster(client)
        shared = client.scatter(baseline, broadcast=True, hash=False)
        parts = _chunks(len(X), workers)
        futures = [client.submit(core.evaluate, scenario, shared, inputs, X[part], outputs, pure=False)
                   for part in parts]
        where = {future.key: part for future, part in zip(futures, parts, strict=True)}
        Y = np.empty((len(X), len(outputs)))
        for future in dask_completed(futures, loop=client.loop):
            part = where[future.key]
            Y[part] = future.result()
            done(part.stop - part.start)
        return Y
    finally:
        client.close()


class _TextBar:
    """A plain progress line on stderr, for when tqdm is not installed."""

    def __init__(self, total: int, desc: str):
        self.total, self.desc, self.count = total, desc, 0

    def update(self, n: int) -> None:
        self.count += n
        width = 30
        filled = width * self.count // max(self.total, 1)
        print(f"\r{self.desc} [{'#' * filled}{'.' * (width - filled)}] {self.count}/{self.total}",
              end="" if self.count < self.total else "\n", file=sys.stderr, flush=True)

    def close(self) -> None:
        pass


def _progress_bar(total: int, desc: str, enabled: bool):
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _TextBar(total, desc)
    return tqdm(total=total, desc=desc, unit="run")


def analyse(scenario: str | Scenario, outputs: Sequence[str] | None = None, method: str = "morris",
            samples: int | None = None, seed: int = 0, *, inputs: Sequence[str] | None = None,
            ranges: Mapping[str, Sequence[float]] | None = None, groups: bool = False, convergence: bool = False,
            scheduler: str | None = None, workers: int | None = None, progress: bool = False,
            as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Importance of each uncertain input of `scenario` for each output (tidy table).

    `scenario`: a name in `data/scenarios/`, a path to a YAML file, or a `Scenario`.
    `outputs`: engine metrics (default: months to settlement, Russian-held area, needs, funding
    gap, and the compromise position `settlement:<issue_id>` of every issue).
    `method`: "morris" (`samples` trajectories, default 20) or "sobol" (`samples` base points,
    a power of two, default 256; 1,024 for a report). `inputs`: names of the inputs to vary
    (default: every magnitude with a range). `ranges`: ranges on engine settings the file fixes,
    {"actors[russia].capability_factor": (0.8, 1.0, 1.2), "mediation.salience": (40, 90), ...}
    ((low, high) or (low, value, high); see `analysis.sensitivity`). `groups`: Sobol indices per
    actor (and mediation, funding) instead of per input. `convergence` (Sobol): run 2 x `samples`
    base points and attach the N-vs-2N table as `attrs["convergence"]` (the indices reported are
    those at 2N). `workers`: local processes (default: every core); `scheduler`: a Dask scheduler
    address (default: $ANALYSIS_HELPERS_DASK_SCHEDULER, else local).

    Returns columns `output, input, method, index, value, conf, low, high, resolved, unit, note`
    (Morris: mu_star, sigma; Sobol: S1, ST with 95 % confidence intervals; `resolved` False where
    an index is negative or S1 > ST). Raises DataValidationError (an input without a range, a range
    the engine cannot vary, an unknown actor, a broken scenario file), ValueError (unknown method or
    output, too few samples), SchedulerUnreachable, ClusterMismatch - all before any run.
    """
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be 1 or more, not {workers}")
    loaded, baseline, uncertain, X, chosen, units, samples = plan(scenario, outputs, method, samples, seed,
                                                                  inputs, as_of, data_dir, ranges, groups,
                                                                  convergence)
    address = scheduler if scheduler is not None else os.environ.get(SCHEDULER_ENV) or None
    bar = _progress_bar(len(X), f"{method} {loaded.name}", progress)
    done = bar.update if bar is not None else (lambda n: None)
    try:
        if not chosen:  # nothing the engine can estimate at this date: no run
            Y = np.empty((len(X), 0))
        elif address:
            Y = _run_dask(X, loaded, baseline, uncertain, chosen, address, done)
        else:
            count = workers if workers is not None else (os.cpu_count() or 1)
            Y = _run_local(X, loaded, baseline, uncertain, chosen, count, done)
    finally:
        if bar is not None:
            bar.close()
    table = (core.indices(uncertain, X, Y, chosen, method, units=units, seed=seed, grouped=groups) if chosen
             else pd.DataFrame(columns=core.INDEX_COLUMNS))
    table.insert(0, "scenario", loaded.name)
    requested = core.default_outputs(list(baseline.issues["issue_id"])) if outputs is None else outputs
    requested = [requested] if isinstance(requested, str) else list(requested)
    table.attrs.update(samples=2 * samples if convergence else samples, evaluations=len(X), seed=seed,
                       as_of=baseline.as_of, groups=groups, cited=baseline.cited,
                       not_estimated=[output for output in requested if output not in chosen])
    if convergence:
        table.attrs["convergence"] = (core.convergence(uncertain, X, Y, chosen, samples, seed=seed, grouped=groups)
                                      if chosen else pd.DataFrame(columns=core.CONVERGENCE_COLUMNS))
    return table

