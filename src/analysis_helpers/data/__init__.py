"""Data layer: load the data package, validate it, and nothing else.

Topic modules in this package (`territory`, `reconstruction`, ...) register their cross-file
rules with `checks.cross_check`; they are imported here so that every rule is active whenever
data is loaded.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Iterable

import pandas as pd

from ..conventions import AsOf, as_timestamp
from .checks import CheckContext, cross_check
from .errors import DataValidationError, Problem
from .package import DATA_DIR_ENV, DataPackage, default_data_dir

__all__ = [
    "DATA_DIR_ENV", "CheckContext", "DataPackage", "DataValidationError", "Problem",
    "cross_check", "datasets", "default_data_dir", "describe", "latest_as_of", "load", "package", "resolve_as_of",
    "table_as_of",
    "validate",
]

_CORE_MODULES = {"checks", "errors", "package"}
for _module in pkgutil.iter_modules(__path__):
    if _module.name not in _CORE_MODULES and not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

_packages: dict[Path, tuple[tuple, DataPackage]] = {}


def package(data_dir: Path | str | None = None) -> DataPackage:
    """The data package, re-read only when one of its files has changed since the last call."""
    root = Path(data_dir).resolve() if data_dir is not None else default_data_dir()
    cached = _packages.get(root)
    if cached is not None and cached[0] == cached[1].signature():
        return cached[1]
    fresh = DataPackage(root)
    _packages[root] = (fresh.signature(), fresh)
    return fresh


def load(name: str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """The validated table `name` (a copy: callers may modify it freely).

    Raises `DataValidationError` listing every problem (file, row, column, rule, value), and
    `KeyError` for a name that is not in the package.
    """
    return package(data_dir).load_valid(name).copy()


def datasets(data_dir: Path | str | None = None) -> list[str]:
    """Names of every dataset in the data package."""
    return package(data_dir).names()


def describe(name: str, data_dir: Path | str | None = None) -> dict:
    """The resource's metadata with its Table Schema inlined (fields, units, notes)."""
    pkg = package(data_dir)
    return {**pkg.resource(name), "schema": pkg.schema(name)}


def validate(data_dir: Path | str | None = None) -> list[Problem]:
    """Every problem in the data folder: each resource of the package, then each scenario file."""
    from .scenarios import validate_scenarios  # a topic module: imported above, named here

    try:
        pkg = DataPackage(data_dir)
    except DataValidationError as exc:
        return exc.problems
    problems: list[Problem] = []
    for name in pkg.names():
        try:
            problems += pkg.table(name).problems
        except DataValidationError as exc:
            problems += exc.problems
    if not problems:  # scenario files refer to ids in the tables: check them against valid tables
        problems += validate_scenarios(pkg.root)
    return problems


AS_OF_FIELDS = ("as_of", "date")


def table_as_of(frame: pd.DataFrame) -> pd.Timestamp:
    """A table's as-of date: the latest value of its `as_of` or `date` field (NaT if none)."""
    values = [frame[c].max() for c in AS_OF_FIELDS
              if c in frame and pd.api.types.is_datetime64_any_dtype(frame[c]) and frame[c].notna().any()]
    return max(values, default=pd.NaT)


def latest_as_of(data_dir: Path | str | None = None, datasets: Iterable[str] | None = None) -> pd.Timestamp:
    """The most recent observation date of `datasets` (default: every table of the package)."""
    pkg = package(data_dir)
    dates = [table_as_of(pkg.load_valid(name)) for name in (datasets or pkg.names())]
    return max((d for d in dates if pd.notna(d)), default=pd.NaT)


def resolve_as_of(as_of: AsOf, data_dir: Path | str | None = None,
                  datasets: Iterable[str] | None = None) -> pd.Timestamp:
    """The one way to resolve an `as_of` parameter: a given date as a day, None as the latest
    observation date of `datasets` (default: the whole package)."""
    if as_of is None:
        return latest_as_of(data_dir, datasets)
    return as_timestamp(as_of)
