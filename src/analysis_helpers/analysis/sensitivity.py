"""Which assumptions of a scenario drive its results: Morris screening and Sobol indices (SALib).

Pure functions; the facade `analysis_helpers.sensitivity` reads the scenario and the data and
fans the evaluations out over processes or a Dask cluster.

    inputs = uncertain_inputs(scenario)              # every ranged magnitude of the file
    X = design(inputs, "sobol", samples=64, seed=0)   # SALib sample, one row per evaluation
    Y = evaluate(scenario, baseline, inputs, X, outputs)   # the engine's point results
    table = indices(inputs, X, Y, outputs, "sobol", seed=0)

Method
    Every magnitude written as {value, low, high} with low < high is an input, varied uniformly
    over low..high (the range the scenario's author stated; the engine's Monte Carlo draws the
    same ranges from a triangle peaked at `value`, so the indices weigh the ends of a range more
    than the intervals do). One evaluation is the engine's central run (`draws=0`) with the
    inputs set to one row of the design: deterministic, so the same design gives the same
    results on any machine or cluster. Morris (`samples` trajectories, 4 levels, N x (k + 1)
    runs) ranks inputs cheaply: mu* is the mean absolute elementary effect in the output's unit,
    sigma its spread (non-linearity or interaction). Sobol (Saltelli design, `samples` base
    points, a power of two, N x (k + 2) runs) splits the output's variance: S1 the share due to
    the input alone, ST the share including its interactions; 95 % bootstrap confidence
    intervals from SALib.

Limits
    Actor, mediation and funding assumptions are fixed numbers in the scenario schema, so the
    predicted positions per issue (which depend only on actors and mediation) do not vary with
    any input: their indices are 0 and the table says so (`note`). The coded uncertainty of
    the stances and of the needs trend, which the engine's intervals carry, is not an input here.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from ..data.errors import DataValidationError, Problem
from ..data.scenarios import Scenario, as_range
from . import scenarios as engine

METHODS = ("morris", "sobol")
MORRIS_LEVELS = 4
MIN_SAMPLES = {"morris": 2, "sobol": 4}
DEFAULT_SAMPLES = {"morris": 20, "sobol": 256}
CONFIDENCE = 0.95
RESAMPLES = 200
INPUT_COLUMNS = ["input", "value", "low", "high", "source_id"]
INDEX_COLUMNS = ["output", "input", "method", "index", "value", "conf", "low", "high", "unit", "note", "source_id"]
INDEX_NAMES = {"morris": ("mu_star", "sigma"), "sobol": ("S1", "ST")}
OUTPUT_LABELS = {
    "settlement_months": "Months to settlement",
    "occupied_km2": "Russian-held area",
    "needs_usd_bn": "Reconstruction needs",
    "funding_gap_usd_bn": "Funding gap",
}
NO_VARIATION = "output does not vary with any input"


def default_outputs(issue_ids: Sequence[str]) -> list[str]:
    """Months to settlement, Russian-held area, needs, funding gap, predicted position per issue."""
    return [*OUTPUT_LABELS, *(f"settlement:{issue_id}" for issue_id in issue_ids)]


def output_label(output: str) -> str:
    """Readable name of an output (metric) of the engine."""
    if output in OUTPUT_LABELS:
        return OUTPUT_LABELS[output]
    if output.startswith("settlement:"):
        return f"Predicted position: {output.split(':', 1)[1].replace('_', ' ')}"
    return output


def _magnitudes(scenario: Scenario):
    """(input name, key path, magnitude, source_id) of every {value, low, high} magnitude of the assumptions."""
    for key, section in scenario.assumptions.items():
        items = section if isinstance(section, list) else [section]
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            label = key + "".join(f"[{item[k]}]" for k in ("region_id", "actor_id") if k in item)
            for name, magnitude in item.items():
                if isinstance(magnitude, dict) and {"value", "low", "high"} <= set(magnitude):
                    path = (key, index, name) if isinstance(section, list) else (key, name)
                    yield f"{label}.{name}", path, magnitude, item.get("source_id", "")


def uncertain_inputs(scenario: Scenario, names: Sequence[str] | None = None) -> pd.DataFrame:
    """The scenario's inputs with a range (`input`, `value`, `low`, `high`, the assumption's
    `source_id` or ""), or only `names`.

    DataValidationError (file, key, rule) when a named input has no range, does not exist, or
    when the scenario has no ranged input at all."""
    found = {label: (path, as_range(magnitude), source) for label, path, magnitude, source in _magnitudes(scenario)}
    ranged = [label for label, (_, (_, low, high), _) in found.items() if high > low]
    chosen = list(names) if names is not None else ranged
    problems = []
    for name in chosen:
        if name not in found:
            problems.append(Problem(scenario.file, None, name,
                                    f"no such input (inputs with a range: {', '.join(ranged) or 'none'})"))
        elif name not in ranged:
            problems.append(Problem(scenario.file, None, name, "input has no range (low == high): nothing to vary",
                                    found[name][1]))
    if not chosen and not problems:
        problems.append(Problem(scenario.file, None, "assumptions",
                                "no input with a range ({value, low, high} with low < high): nothing to vary"))
    if problems:
        raise DataValidationError(problems, "sensitivity analysis needs inputs with a range")
    rows = [(name, *found[name][1], found[name][2]) for name in chosen]
    table = pd.DataFrame(rows, columns=INPUT_COLUMNS)
    table.attrs["paths"] = [found[name][0] for name in chosen]
    return table


def check_method(method: str, samples: int) -> None:
    """ValueError unless `method` is known and `samples` is enough for it (Sobol: a power of two)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or samples < MIN_SAMPLES[method]:
        raise ValueError(f"{method} needs samples >= {MIN_SAMPLES[method]} "
                         f"({'trajectories' if method == 'morris' else 'base samples'}), not {samples!r}")
    if method == "sobol" and samples & (samples - 1):
        raise ValueError(f"sobol needs a power of two of base samples (e.g. 64, 256, 1024), not {samples}")


def evaluations(method: str, samples: int, n_inputs: int) -> int:
    """Number of engine runs a design needs."""
    return samples * (n_inputs + 1) if method == "morris" else samples * (n_inputs + 2)


def _problem(inputs: pd.DataFrame) -> dict:
    return {"num_vars": len(inputs), "names": list(inputs["input"]),
            "bounds": inputs[["low", "high"]].to_numpy(float).tolist()}


def design(inputs: pd.DataFrame, method: str, samples: int, seed: int = 0) -> np.ndarray:
    """The SALib design: one row per evaluation, one column per input (in `inputs`' order)."""
    check_method(method, samples)
    if method == "morris":
        return morris_sample.sample(_problem(inputs), samples, num_levels=MORRIS_LEVELS, seed=seed)
    return sobol_sample.sample(_problem(inputs), samples, calc_second_order=False, seed=seed)


def with_inputs(scenario: Scenario, inputs: pd.DataFrame, row: Sequence[float]) -> Scenario:
    """The scenario with each input's central value set to `row` (its range collapsed to it)."""
    assumptions = copy.deepcopy(scenario.assumptions)
    for path, value in zip(inputs.attrs["paths"], row, strict=True):
        parent = assumptions
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = float(value)
    return Scenario(name=scenario.name, title=scenario.title, narrative=scenario.narrative, written=scenario.written,
                    assumptions=assumptions, path=scenario.path, file=scenario.file)


def check_outputs(outputs: Sequence[str], known: Sequence[str]) -> list[str]:
    """`outputs` as a list; ValueError naming the unknown ones and the known metrics."""
    outputs = [outputs] if isinstance(outputs, str) else list(outputs)
    unknown = [name for name in outputs if name not in set(known)]
    if unknown or not outputs:
        raise ValueError(f"unknown output{'s' if len(unknown) != 1 else ''}: {', '.join(unknown) or '(none given)'}; "
                         f"outputs are the engine's metrics: {', '.join(known)}")
    return outputs


def evaluate(scenario: Scenario, baseline: engine.Baseline, inputs: pd.DataFrame, rows: np.ndarray,
             outputs: Sequence[str]) -> np.ndarray:
    """The engine's central results (`outputs`, columns) for each design row (rows)."""
    results = np.empty((len(rows), len(outputs)))
    for i, row in enumerate(rows):
        table = engine.run(with_inputs(scenario, inputs, row), baseline, draws=0).set_index("metric")["value"]
        results[i] = table.reindex(list(outputs)).to_numpy(float)
    return results


def indices(inputs: pd.DataFrame, X: np.ndarray, Y: np.ndarray, outputs: Sequence[str], method: str,
            units: dict[str, str] | None = None, seed: int = 0) -> pd.DataFrame:
    """Tidy table of importance (`INDEX_COLUMNS`): one row per output, input and index.

    Morris: `mu_star` (conf: bootstrap half-width) and `sigma`; Sobol: `S1` and `ST` with
    their 95 % confidence half-width; `low`/`high` = value -/+ conf."""
    problem = _problem(inputs)
    units = units or {}
    rows = []
    for j, output in enumerate(outputs):
        y = Y[:, j]
        constant = bool(np.all(y == y[0]))
        if method == "morris":
            result = morris_analyze.analyze(problem, X, y, num_resamples=RESAMPLES, conf_level=CONFIDENCE,
                                            num_levels=MORRIS_LEVELS, seed=seed)
            parts = {"mu_star": (result["mu_star"], result["mu_star_conf"]),
                     "sigma": (result["sigma"], np.full(len(inputs), np.nan))}
            unit = units.get(output, "")
        elif constant:  # zero variance: every share is 0, where SALib would divide by zero
            zeros = np.zeros(len(inputs))
            parts = {"S1": (zeros, zeros), "ST": (zeros, zeros)}
            unit = "share of variance"
        else:
            result = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=RESAMPLES,
                                           conf_level=CONFIDENCE, seed=seed)
            parts = {"S1": (result["S1"], result["S1_conf"]), "ST": (result["ST"], result["ST_conf"])}
            unit = "share of variance"
        note = NO_VARIATION if constant else ""
        for index, (values, conf) in parts.items():
            for name, value, half, source in zip(inputs["input"], values, conf, inputs["source_id"], strict=True):
                rows.append((output, name, method, index, float(value), float(half), float(value - half),
                             float(value + half), unit, note, source))
    return pd.DataFrame(rows, columns=INDEX_COLUMNS)


def tornado_order(table: pd.DataFrame, output: str) -> pd.DataFrame:
    """One output's rows of the main index (mu* or ST), most important input first."""
    rows = table[table["output"] == output]
    main = "mu_star" if (rows["method"] == "morris").any() else "ST"
    return rows[rows["index"] == main].sort_values("value", ascending=False, kind="stable").reset_index(drop=True)
