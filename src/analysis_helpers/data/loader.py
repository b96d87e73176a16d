"""The data package's public entry points: `load`, `datasets`, `describe`, `validate`, as-of dates.

Every call goes through `package()`, the one cache of the kit: a `DataPackage` per data
folder, replaced when the signature (path, size, mtime) of any of its files changes, so an
edited CSV is seen on the next `load()`. Behind it, tables that passed every check are kept on
disk between processes (`table_cache.py`, keyed by the content of the data folder's files and
the kit's code); `validate` never uses that cache. Everything derived from tables (scenario baselines,
boundaries) keys its own memo on that signature rather than keeping a cache of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from ..conventions import AsOf, as_timestamp
from ..memo import Memo
from ..paths import default_data_dir
from .errors import DataValidationError, Problem
from .package import DataPackage

# The package last read from each data folder; the folder's signature says whether it is current.
_current: Memo[DataPackage] = Memo(size=16)


def package(data_dir: Path | str | None = None) -> DataPackage:
    """The data package, re-read only when one of its files has changed since the last call."""
    root = Path(data_dir).resolve() if data_dir is not None else default_data_dir()
    known = _current.get(root, lambda: DataPackage(root, cached=True))
    if known.signature() == known.read_signature:
        return known
    _current.forget(root)
    return _current.get(root, lambda: DataPackage(root, cached=True))


def load(name: str, data_dir: Path | str | None = None, as_of: AsOf = None) -> pd.DataFrame:
    """The validated table `name` (a copy: callers may modify it freely).

    With `as_of`, only the rows that were known on that day: the one path by which every topic
    and the scenario engine see the past (`known_on`). Raises `DataValidationError` listing every
    problem (file, row, column, rule, value), and `KeyError` for a name that is not in the package.
    """
    pkg = package(data_dir)
    frame = pkg.load_valid(name)
    if as_of is not None:
        frame = frame[known_on(pkg, name, frame, as_timestamp(as_of))]
    return frame.copy()


def known_on(pkg: DataPackage, name: str, frame: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Which rows of `frame` (table `name`) were known on `day`, by the schema's `knownFrom`
    (see `known_since`)."""
    since = known_since(pkg, name, frame)
    return since.isna() | (since <= day)


def known_since(pkg: DataPackage, name: str, frame: pd.DataFrame, _via: tuple[str, ...] = ()) -> pd.Series:
    """The day each row of `frame` (table `name`) became known, by the schema's `knownFrom`.

    `knownFrom.fields`: the latest of these dates (an empty date does not hold the row back).
    `knownFrom.parent`: the day its parent row (the row of `parent.resource` with the same
    `parent.fields` value) became known, e.g. a text's provisions with the text; a row without
    a parent is never known. NaT: known at any date (a table without `knownFrom`, such as
    regions or issues, is timeless).
    """
    rule = pkg.schema(name).get("knownFrom", {})
    dated = [frame[field] for field in rule.get("fields", [])]
    parent = rule.get("parent")
    if parent:
        if parent["resource"] in (*_via, name) or parent["resource"] not in pkg.names():
            raise DataValidationError([Problem(str(pkg.resource(name)["schema"]), None, "knownFrom.parent.resource",
                                               "must name another resource of the package, without a cycle",
                                               parent["resource"])])
        parents = pkg.load_valid(parent["resource"])
        key = parent["fields"]
        if key not in parents:
            raise DataValidationError([Problem(str(pkg.resource(name)["schema"]), None, "knownFrom.parent.fields",
                                               f"names no field of {parent['resource']}", key)])
        # A parent known at any date (NaT) sorts first; a row without a parent is never known.
        first = known_since(pkg, parent["resource"], parents, (*_via, name)).fillna(pd.Timestamp.min)
        mapped = frame[key].map(first.groupby(parents[key]).min()).fillna(pd.Timestamp.max)
        dated.append(mapped.where(mapped != pd.Timestamp.min))
    if not dated:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    return pd.concat([d.astype("datetime64[ns]") for d in dated], axis=1).max(axis=1)


def first_known(name: str, data_dir: Path | str | None = None,
                where: Callable[[pd.DataFrame], pd.Series] | None = None, after: AsOf = None) -> pd.Timestamp:
    """The first day on which a row of table `name` (of the rows `where(table)` selects) became
    known, or the first day after `after`: what an "it did not exist yet" note quotes (e.g. "the
    first joint assessment was published on 9 September 2022"). NaT if none ever was."""
    pkg = package(data_dir)
    frame = pkg.load_valid(name)
    since = known_since(pkg, name, frame if where is None else frame[where(frame).to_numpy()])
    since = since[since < pd.Timestamp.max]
    return (since if after is None else since[since > as_timestamp(after)]).min()


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
