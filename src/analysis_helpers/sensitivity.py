"""Which assumptions of a scenario drive its results, on this laptop or on a Dask cluster.

    >>> from analysis_helpers.sensitivity import analyse
    >>> analyse("baseline", method="morris", samples=20)             # local cores
    >>> analyse("baseline", method="sobol", samples=1024, scheduler="tcp://10.0.0.5:8786")

The evaluations (one engine run each) fan out over the local cores in a process pool by default;
with `scheduler=` (or the environment variable `ANALYSIS_HELPERS_DASK_SCHEDULER`) the same chunks
run on that Dask distributed cluster. The design and every evaluation are deterministic, so the
same seed gives the same table whatever runs it. Method and limits: `analysis.sensitivity`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np
import pandas as pd

from .analysis import scenarios as engine
from .analysis import sensitivity as core
from .analysis.sensitivity import output_label
from .conventions import AsOf
from .data.scenarios import Scenario
from .scenarios import baseline_for, load_scenario

__all__ = ["SCHEDULER_ENV", "SchedulerUnreachable", "analyse", "output_label", "plan"]

SCHEDULER_ENV = "ANALYSIS_HELPERS_DASK_SCHEDULER"
CONNECT_TIMEOUT_S = 10
# Chunks per worker: enough to balance uneven workers and move the progress bar, few enough that
# the per-task overhead (pickling the scenario, a round trip) stays small next to ~10 ms per run.
CHUNKS_PER_WORKER = 4


class SchedulerUnreachable(ConnectionError):
    """The Dask scheduler address given cannot be reached (nothing was evaluated)."""


def plan(scenario: str | Scenario, outputs: Sequence[str] | None = None, method: str = "morris",
         samples: int | None = None, seed: int = 0, inputs: Sequence[str] | None = None, as_of: AsOf = None,
         data_dir: Path | str | None = None
         ) -> tuple[Scenario, engine.Baseline, pd.DataFrame, np.ndarray, list[str], dict[str, str], int]:
    """Everything checked and built before a single evaluation runs: (scenario, baseline, inputs,
    design X, outputs, units, samples). Raises on bad input (see `analyse`)."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, data_dir)
    samples = core.DEFAULT_SAMPLES.get(method, 0) if samples is None else samples
    core.check_method(method, samples)
    uncertain = core.uncertain_inputs(scenario, inputs)
    baseline = baseline_for(as_of, data_dir)
    central = engine.run(scenario, baseline, draws=0)
    known = list(central["metric"])
    wanted = outputs if outputs is not None else core.default_outputs(list(baseline.issues["issue_id"]))
    chosen = core.check_outputs(wanted, known)
    units = dict(zip(central["metric"], central["unit"], strict=True))
    X = core.design(uncertain, method, samples, seed)
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
        workers = max(1, len(client.scheduler_info(n_workers=-1)["workers"]))
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
            scheduler: str | None = None, workers: int | None = None, progress: bool = False,
            as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Importance of each uncertain input of `scenario` for each output (tidy table).

    `scenario`: a name in `data/scenarios/`, a path to a YAML file, or a `Scenario`.
    `outputs`: engine metrics (default: months to settlement, Russian-held area, needs, funding
    gap, and the compromise position `settlement:<issue_id>` of every issue).
    `method`: "morris" (`samples` trajectories, default 20) or "sobol" (`samples` base points,
    a power of two, default 256; 1,024 for a report). `inputs`: names of the inputs to vary
    (default: every magnitude with a range). `workers`: local processes (default: every core);
    `scheduler`: a Dask scheduler address (default: $ANALYSIS_HELPERS_DASK_SCHEDULER, else local).

    Returns columns `output, input, method, index, value, conf, low, high, unit, note`
    (Morris: mu_star, sigma; Sobol: S1, ST with 95 % confidence intervals).
    Raises DataValidationError (an input without a range, a broken scenario file), ValueError
    (unknown method or output, too few samples), SchedulerUnreachable - all before any run.
    """
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be 1 or more, not {workers}")
    loaded, baseline, uncertain, X, chosen, units, samples = plan(scenario, outputs, method, samples, seed,
                                                                  inputs, as_of, data_dir)
    address = scheduler if scheduler is not None else os.environ.get(SCHEDULER_ENV) or None
    bar = _progress_bar(len(X), f"{method} {loaded.name}", progress)
    done = bar.update if bar is not None else (lambda n: None)
    try:
        if address:
            Y = _run_dask(X, loaded, baseline, uncertain, chosen, address, done)
        else:
            count = workers if workers is not None else (os.cpu_count() or 1)
            Y = _run_local(X, loaded, baseline, uncertain, chosen, count, done)
    finally:
        if bar is not None:
            bar.close()
    table = core.indices(uncertain, X, Y, chosen, method, units=units, seed=seed)
    table.insert(0, "scenario", loaded.name)
    table.attrs.update(samples=samples, evaluations=len(X), seed=seed, as_of=baseline.as_of)
    return table

