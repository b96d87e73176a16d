"""Which assumptions of a scenario drive its results: Morris screening and Sobol indices (SALib).

Pure functions; the facade `analysis_helpers.sensitivity` reads the scenario and the data and
fans the evaluations out over processes or a Dask cluster.

    inputs = uncertain_inputs(scenario)              # every ranged magnitude of the file
    X = design(inputs, "sobol", samples=64, seed=0)   # SALib sample, one row per evaluation
    Y = evaluate(scenario, baseline, inputs, X, outputs)   # the engine's point results
    table = indices(inputs, X, Y, outputs, "sobol", seed=0)

Inputs
    Every magnitude of the file written as {value, low, high} with low < high, and every range
    the caller adds with `ranges=` on a setting the engine reads as a number but the scenario
    schema fixes: an actor's `capability_factor`, `salience` and `position_shift`
    (`actors[<actor_id>].<setting>`, added for an actor the file does not change), the
    mediation's `salience` and `capability_factor` (`mediation.<setting>`, when the file names
    mediators) and the funding amounts (`funding.<argument>`, `ENGINE_SETTINGS`). Any other name
    is refused: the engine could not vary it, and a zero index would read as "robust".

Method
    Sobol (Saltelli design, `samples` base points, a power of two, N x (k + 2) runs, k inputs or
    groups) splits the output's variance: S1 the share due to the input alone, ST the share with
    its interactions, 95 % bootstrap confidence intervals from SALib. Inputs are drawn from the
    engine's own distribution, the triangle peaked at `value` (SALib `triang` on the unit
    interval, scaled to low..high: SALib's own bounds refuse negative ranges). With `groups=True`
    the indices are per actor (all settings of one actor form one group; mediation and funding
    one group each; the file's other inputs their own group). Morris (`samples` trajectories,
    4 levels, N x (k + 1) runs, inputs uniform over their range: elementary effects need a grid)
    ranks inputs cheaply: mu* is the mean absolute elementary effect in the output's unit, sigma
    its spread. One evaluation is the engine's central run (`draws=0`) with the inputs set to one
    row of the design: deterministic, so the same design gives the same results on any machine.
    SALib reads a seed of 0 as "no seed" (its bootstrap then draws from the global generator), so
    the kit passes `seed + 1` to SALib: every seed, 0 included, gives the same table on rerun.

Resolution and convergence
    An input's S1 and ST are "not resolved" (`resolved` False) where either is negative or S1
    exceeds ST: sampling error larger than the index. `convergence` compares the indices on the
    first N base points with those on all 2N (the Saltelli design of N is the first rows of 2N's)
    and says whether the largest confidence half-width is at most `MAX_HALF_WIDTH` and ST moved
    by at most `MAX_ST_CHANGE`.

Limits
    The coded uncertainty of the stances and of the needs trend, which the engine's intervals
    carry, is not an input here (`draws=0`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence

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
MAX_HALF_WIDTH = 0.05
MAX_ST_CHANGE = 0.02
INPUT_COLUMNS = ["input", "value", "low", "high", "source_id", "group"]
INDEX_COLUMNS = ["output", "input", "method", "index", "value", "conf", "low", "high", "resolved", "unit", "note",
                 "source_id"]
CONVERGENCE_COLUMNS = ["output", "input", "samples", "S1", "ST", "S1_2N", "ST_2N", "st_change", "max_half_width",
                       "converged"]
INDEX_NAMES = {"morris": ("mu_star", "sigma"), "sobol": ("S1", "ST")}
OUTPUT_LABELS = {
    "settlement_months": "Months to settlement",
    "occupied_km2": "Russian-held area",
    "needs_usd_bn": "Reconstruction needs",
    "funding_gap_usd_bn": "Funding gap",
}
NO_VARIATION = "output does not vary with any input"
# Settings the engine reads as plain numbers (scenario schema bounds): the only ones `ranges=` may vary.
ENGINE_SETTINGS = {
    "actors": {"capability_factor": (0.0, 5.0, 1.0), "salience": (0.0, 100.0, None),
               "position_shift": (-100.0, 100.0, 0.0)},
    "mediation": {"salience": (0.0, 100.0, None), "capability_factor": (0.0, 5.0, 1.0)},
    "funding": {"asset_share": (0.0, 1.0, 0.0), "donor_bn_per_year": (0.0, 500.0, None),
                "donor_years": (0.0, 30.0, None), "private_bn": (0.0, 2000.0, None)},
}
_SETTING_NAME = re.compile(r"^(actors)\[([a-z][a-z_]*)\]\.([a-z_]+)$|^(mediation|funding)\.([a-z_]+)$")


def salib_seed(seed: int) -> int:
    """The seed handed to SALib: `seed + 1`, because SALib treats 0 as "no seed" (unseeded bootstrap)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, not {seed!r}")
    return int(seed) + 1


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


def group_of(name: str) -> str:
    """The group an input belongs to: its actor, `mediation`, `funding`, or the input itself."""
    match = _SETTING_NAME.match(name)
    if match is None:
        actor = re.match(r"^actors\[([a-z][a-z_]*)\]\.", name)
        return actor.group(1) if actor else name
    return match.group(2) or match.group(4)


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


def _setting_range(scenario: Scenario, name: str, spec) -> tuple[tuple, tuple[float, float, float], str] | Problem:
    """(path, (value, low, high), source_id) of a range the caller gives on an engine setting, or the Problem."""
    match = _SETTING_NAME.match(name)
    if match is None:
        return Problem(scenario.file, None, name, "the engine cannot vary this input: ranges apply to "
                       "actors[<actor_id>].capability_factor|salience|position_shift, "
                       "mediation.salience|capability_factor, funding.asset_share|donor_bn_per_year|donor_years|"
                       "private_bn")
    section, actor, setting = (match.group(1), match.group(2), match.group(3)) if match.group(1) else (
        match.group(4), None, match.group(5))
    if setting not in ENGINE_SETTINGS[section]:
        return Problem(scenario.file, None, name, f"the engine cannot vary {section}.{setting}: settings it reads "
                       f"as numbers are {', '.join(ENGINE_SETTINGS[section])}")
    floor, ceiling, default = ENGINE_SETTINGS[section][setting]
    try:
        values = [float(v) for v in spec]
    except (TypeError, ValueError):
        return Problem(scenario.file, None, name, "a range is (low, high) or (low, value, high)", spec)
    if len(values) == 2:
        low, high = values
        value = default if default is not None and low <= default <= high else (low + high) / 2
    elif len(values) == 3:
        low, value, high = values
    else:
        return Problem(scenario.file, None, name, "a range is (low, high) or (low, value, high)", spec)
    if not (floor <= low <= value <= high <= ceiling) or not low < high:
        return Problem(scenario.file, None, name, f"needs {floor:g} <= low <= value <= high <= {ceiling:g} and "
                       "low < high", spec)
    if section == "mediation" and not scenario.assumptions.get("mediation"):
        return Problem(scenario.file, None, name, "the scenario names no mediators: nothing to vary")
    path = ("actor", actor, setting) if section == "actors" else (section, setting)
    return path, (value, low, high), ""


def uncertain_inputs(scenario: Scenario, names: Sequence[str] | None = None,
                     ranges: Mapping[str, Sequence[float]] | None = None) -> pd.DataFrame:
    """The inputs to vary (`INPUT_COLUMNS`: `input`, `value`, `low`, `high`, the assumption's
    `source_id` or "", `group`): the scenario's ranged magnitudes and the `ranges` given on
    engine settings (see the module doc), or only `names` among them.

    DataValidationError (file, key, rule) when a named input has no range or does not exist, when
    a range is on an input the engine cannot vary or outside its bounds, or when nothing varies."""
    found = {label: (path, as_range(magnitude), source) for label, path, magnitude, source in _magnitudes(scenario)}
    problems = []
    for name, spec in (ranges or {}).items():
        result = _setting_range(scenario, name, spec)
        if isinstance(result, Problem):
            problems.append(result)
        else:
            found[name] = result
    ranged = [label for label, (_, (_, low, high), _) in found.items() if high > low]
    chosen = list(names) if names is not None else ranged
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
    rows = [(name, *found[name][1], found[name][2], group_of(name)) for name in chosen]
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


def factors(inputs: pd.DataFrame, grouped: bool = False) -> list[str]:
    """What the indices are reported for: the inputs, or their groups (first-seen order)."""
    return list(dict.fromkeys(inputs["group"])) if grouped else list(inputs["input"])


def evaluations(method: str, samples: int, n_inputs: int) -> int:
    """Number of engine runs a design needs (`n_inputs`: inputs, or groups for a grouped Sobol)."""
    return samples * (n_inputs + 1) if method == "morris" else samples * (n_inputs + 2)


def _problem(inputs: pd.DataFrame, method: str = "morris", grouped: bool = False) -> dict:
    """SALib's problem: Morris uniform over the ranges; Sobol triangles on the unit interval (scaled later)."""
    problem: dict = {"num_vars": len(inputs), "names": list(inputs["input"])}
    if method == "sobol":
        span = (inputs["high"] - inputs["low"]).to_numpy(float)
        peak = np.clip((inputs["value"] - inputs["low"]).to_numpy(float) / span, 0.0, 1 - 1e-9)  # SALib: peak < 1
        problem.update(bounds=[[0.0, 1.0, float(c)] for c in peak], dists=["triang"] * len(inputs))
    else:
        problem["bounds"] = inputs[["low", "high"]].to_numpy(float).tolist()
    if grouped:
        problem["groups"] = list(inputs["group"])
    return problem


def design(inputs: pd.DataFrame, method: str, samples: int, seed: int = 0, grouped: bool = False) -> np.ndarray:
    """The SALib design: one row per evaluation, one column per input (in `inputs`' order), in the
    inputs' units (Sobol: triangular draws peaked at each input's value)."""
    check_method(method, samples)
    if method == "morris":
        if grouped:
            raise ValueError("groups are supported for sobol only (Morris groups would need a grouped trajectory "
                             "design); use method='sobol'")
        return morris_sample.sample(_problem(inputs), samples, num_levels=MORRIS_LEVELS, seed=salib_seed(seed))
    unit = sobol_sample.sample(_problem(inputs, "sobol", grouped), samples, calc_second_order=False,
                               seed=salib_seed(seed))
    low, high = inputs["low"].to_numpy(float), inputs["high"].to_numpy(float)
    return low + unit * (high - low)


def with_inputs(scenario: Scenario, inputs: pd.DataFrame, row: Sequence[float]) -> Scenario:
    """The scenario with each input's central value set to `row` (its range collapsed to it); an
    actor setting for an actor the file does not change adds that actor's entry."""
    assumptions = copy.deepcopy(scenario.assumptions)
    for path, value in zip(inputs.attrs["paths"], row, strict=True):
        if path[0] == "actor":
            _, actor_id, setting = path
            changes = assumptions.setdefault("actors", [])
            entry = next((c for c in changes if c["actor_id"] == actor_id), None)
            if entry is None:
                entry = {"actor_id": actor_id, "reasoning": "Varied by the sensitivity analysis."}
                changes.append(entry)
            entry[setting] = float(value)
            continue
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


def _sources_of(inputs: pd.DataFrame, names: Sequence[str], grouped: bool) -> list[str]:
    if not grouped:
        return list(inputs["source_id"])
    return [next((s for s in inputs.loc[inputs["group"] == g, "source_id"] if s), "") for g in names]


def indices(inputs: pd.DataFrame, X: np.ndarray, Y: np.ndarray, outputs: Sequence[str], method: str,
            units: dict[str, str] | None = None, seed: int = 0, grouped: bool = False) -> pd.DataFrame:
    """Tidy table of importance (`INDEX_COLUMNS`): one row per output, input (or group) and index.

    Morris: `mu_star` (conf: bootstrap half-width) and `sigma`; Sobol: `S1` and `ST` with
    their 95 % confidence half-width; `low`/`high` = value -/+ conf; `resolved` False where an
    input's S1 or ST is negative or S1 > ST (Sobol), always True for Morris."""
    names = factors(inputs, grouped)
    sources = _sources_of(inputs, names, grouped)
    units = units or {}
    rows = []
    for j, output in enumerate(outputs):
        y = Y[:, j]
        constant = bool(np.all(y == y[0]))
        resolved = np.ones(len(names), dtype=bool)
        if method == "morris":
            result = morris_analyze.analyze(_problem(inputs), X, y, num_resamples=RESAMPLES, conf_level=CONFIDENCE,
                                            num_levels=MORRIS_LEVELS, seed=salib_seed(seed))
            parts = {"mu_star": (result["mu_star"], result["mu_star_conf"]),
                     "sigma": (result["sigma"], np.full(len(names), np.nan))}
            unit = units.get(output, "")
        elif constant:  # zero variance: every share is 0, where SALib would divide by zero
            zeros = np.zeros(len(names))
            parts = {"S1": (zeros, zeros), "ST": (zeros, zeros)}
            unit = "share of variance"
        else:
            unit_problem = _problem(inputs, "sobol", grouped)
            result = sobol_analyze.analyze(unit_problem, y, calc_second_order=False, num_resamples=RESAMPLES,
                                           conf_level=CONFIDENCE, seed=salib_seed(seed))
            first, total = np.asarray(result["S1"], float), np.asarray(result["ST"], float)
            parts = {"S1": (first, result["S1_conf"]), "ST": (total, result["ST_conf"])}
            resolved = (first >= 0) & (total >= 0) & (first <= total)
            unit = "share of variance"
        note = NO_VARIATION if constant else ""
        for index, (values, conf) in parts.items():
            for k, (name, value, half, source) in enumerate(zip(names, values, conf, sources, strict=True)):
                rows.append((output, name, method, index, float(value), float(half), float(value - half),
                             float(value + half), bool(resolved[k]), unit, note, source))
    return pd.DataFrame(rows, columns=INDEX_COLUMNS)


def convergence(inputs: pd.DataFrame, X: np.ndarray, Y: np.ndarray, outputs: Sequence[str], samples: int,
                seed: int = 0, grouped: bool = False) -> pd.DataFrame:
    """Sobol indices on the first `samples` base points against all `2 x samples` of the design
    (`X`, `Y` of a design of 2N), per output and input (`CONVERGENCE_COLUMNS`): `converged`
    where the largest 95 % half-width at 2N is <= `MAX_HALF_WIDTH` and ST moved <= `MAX_ST_CHANGE`."""
    n_factors = len(factors(inputs, grouped))
    half = evaluations("sobol", samples, n_factors)
    if len(X) != 2 * half:
        raise ValueError(f"a convergence check needs the design of 2N = {2 * samples} base points "
                         f"({2 * half} runs), not {len(X)} runs")
    first = indices(inputs, X[:half], Y[:half], outputs, "sobol", seed=seed, grouped=grouped)
    full = indices(inputs, X, Y, outputs, "sobol", seed=seed, grouped=grouped)
    key = ["output", "input"]
    at_n = first.pivot_table(index=key, columns="index", values="value", sort=False)
    at_2n = full.pivot_table(index=key, columns="index", values="value", sort=False)
    width = full.groupby(key, sort=False)["conf"].max()
    table = pd.DataFrame({"samples": samples, "S1": at_n["S1"], "ST": at_n["ST"], "S1_2N": at_2n["S1"],
                          "ST_2N": at_2n["ST"]})
    table["st_change"] = (table["ST_2N"] - table["ST"]).abs()
    table["max_half_width"] = width.reindex(table.index)
    table["converged"] = (table["max_half_width"] <= MAX_HALF_WIDTH) & (table["st_change"] <= MAX_ST_CHANGE)
    return table.reset_index()[CONVERGENCE_COLUMNS]


def tornado_order(table: pd.DataFrame, output: str) -> pd.DataFrame:
    """One output's rows of the main index (mu* or ST), most important input first."""
    rows = table[table["output"] == output]
    main = "mu_star" if (rows["method"] == "morris").any() else "ST"
    return rows[rows["index"] == main].sort_values("value", ascending=False, kind="stable").reset_index(drop=True)
