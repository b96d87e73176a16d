"""Scenarios: the paths the war could take to a settlement, compared on the same footing.

    >>> from analysis_helpers.scenarios import list_scenarios, run_scenario, run_all
    >>> list_scenarios()
    ['baseline', 'international_mediation', ...]
    >>> run_scenario("russian_escalation")      # scenario, metric, value, low, high, unit

Scenario files live in `data/scenarios/` (one YAML file each, validated against
`data/scenarios/scenario.schema.json`); add one by copying a file. The engine is
`analysis_helpers.analysis.scenarios` (see its docstring for what each metric means); the figure
builders a notebook applies to the results are re-exported here from `figures.scenarios`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .analysis import scenarios as engine
from .analysis.scenarios import assumption_table, front_band_note
from .conventions import AsOf
from .data import default_data_dir, load, package, resolve_as_of
from .data.scenarios import Scenario, read_scenario, scenario_from_dict, scenario_names
from .figures.scenarios import headline_grid, scenario_explorer_report, scenario_profile, settlement_comparison
from .memo import Memo

__all__ = ["Scenario", "assumption_table", "baseline_for", "front_band_note", "headline_grid", "list_scenarios", "load_scenario",
           "run_all", "run_scenario", "runnable_scenarios", "scenario_explorer_report", "scenario_from_dict",
           "scenario_profile", "settlement_comparison"]

DEFAULT_DRAWS = 1000


def list_scenarios(data_dir: Path | str | None = None) -> list[str]:
    """Names of the scenarios in the data folder in use (baseline first)."""
    return scenario_names(data_dir)


def load_scenario(name: str | Path, data_dir: Path | str | None = None) -> Scenario:
    """The validated scenario `name` (or a path to a YAML file); DataValidationError if broken."""
    return read_scenario(name, data_dir)


_baselines: Memo[engine.Baseline] = Memo(size=8)


def baseline_for(as_of: AsOf = None, data_dir: Path | str | None = None) -> engine.Baseline:
    """The engine's baseline at `as_of` (default: the latest observation in the data), cached
    until a data file changes. It reads only the rows known on that day (`load(name, as_of=)`):
    a past baseline is what the kit would have computed then."""
    root = Path(data_dir).resolve() if data_dir is not None else default_data_dir()
    day = resolve_as_of(as_of, root)
    key = (root, day, package(root).signature())
    return _baselines.get(key, lambda: engine.prepare_baseline(
        {name: load(name, root, as_of=day) for name in engine.TABLES}, day))


def run_scenario(name_or_scenario: str | Scenario, draws: int = DEFAULT_DRAWS, seed: int = 0, as_of: AsOf = None,
                 data_dir: Path | str | None = None,
                 expected_utility_draws: int = engine.EXPECTED_UTILITY_DRAWS) -> pd.DataFrame:
    """Results of one scenario: columns scenario, metric, value, low, high (80% band), unit, band (what
    the band is: assumption range, input-noise band or calibrated predictive interval).

    `draws` Monte Carlo draws (0: no intervals), of which the costly expected-utility model uses at
    most `expected_utility_draws`; `as_of` the baseline's date (default: the latest in the data)."""
    scenario = (name_or_scenario if isinstance(name_or_scenario, Scenario)
                else load_scenario(name_or_scenario, data_dir))
    return engine.run(scenario, baseline_for(as_of, data_dir), draws=draws, seed=seed,
                      expected_utility_draws=expected_utility_draws)


def runnable_scenarios(as_of: AsOf = None, data_dir: Path | str | None = None) -> dict[str, str]:
    """Every scenario by name, with why it cannot run at `as_of` ("" when it can): a scenario
    that takes a text's terms cannot run before the text is known."""
    baseline = baseline_for(as_of, data_dir)
    return {name: engine.not_runnable_reason(load_scenario(name, data_dir), baseline)
            for name in list_scenarios(data_dir)}


def run_all(draws: int = DEFAULT_DRAWS, seed: int = 0, as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """`run_scenario` for every scenario that can run at `as_of` (`runnable_scenarios`), stacked
    (same columns)."""
    return pd.concat([run_scenario(name, draws=draws, seed=seed, as_of=as_of, data_dir=data_dir)
                      for name, reason in runnable_scenarios(as_of, data_dir).items() if not reason],
                     ignore_index=True)
