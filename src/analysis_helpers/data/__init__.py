"""Data layer: load the data package, validate it, and nothing else.

The public calls live in `loader`; topic modules in this package (`territory`,
`reconstruction`, ...) register their cross-file rules with `checks.cross_check` and are
imported here so that every rule is active whenever data is loaded.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..paths import DATA_DIR_ENV, default_data_dir
from .checks import CheckContext, cross_check
from .errors import DataValidationError, Problem
from .loader import (
    datasets,
    describe,
    first_known,
    known_on,
    known_since,
    latest_as_of,
    load,
    package,
    resolve_as_of,
    table_as_of,
    validate,
)
from .package import DataPackage

__all__ = [
    "DATA_DIR_ENV", "CheckContext", "DataPackage", "DataValidationError", "Problem",
    "cross_check", "datasets", "default_data_dir", "describe", "first_known", "known_on", "known_since", "latest_as_of",
    "load", "package", "resolve_as_of", "table_as_of", "validate",
]

_INFRASTRUCTURE = {"checks", "errors", "loader", "package", "table_cache"}
for _module in pkgutil.iter_modules(__path__):
    if _module.name not in _INFRASTRUCTURE and not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")
