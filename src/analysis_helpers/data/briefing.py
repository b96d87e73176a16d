"""Cross-row and cross-file rules of the briefing tables (`events`, `claims`).

The Table Schemas already check types, enums, patterns and keys; these rules need a second
row or another dataset.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from ..conventions import AsOf
from .checks import CheckContext, cross_check
from .errors import DataValidationError, Problem


def parse_references(decided_by: str) -> list[tuple[str, str]]:
    """'events:a; territory_control:UA' -> [('events', 'a'), ('territory_control', 'UA')]."""
    return [(name, key) for name, _, key in (part.partition(":") for part in decided_by.split("; "))]


def keys_present(table: pd.DataFrame, wanted: set[str]) -> set[str]:
    """Which of `wanted` name a row of `table`: appear as a text value or a YYYY-MM-DD date.

    Looks only for the wanted keys (vectorised `isin`), so a big referenced table stays cheap.
    """
    found: set[str] = set()
    as_dates = pd.to_datetime(pd.Series(sorted(wanted)), format="%Y-%m-%d", errors="coerce").dropna()
    for column in table.columns:
        values = table[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            hits = values[values.isin(as_dates)].dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_string_dtype(values) or values.dtype == object:
            hits = values[values.isin(wanted)]
        else:
            continue
        found.update(hits.astype(str))
    return found


@cross_check("events")
def event_dates(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """A multi-day event ends after it starts; its source cannot predate it."""
    published = ctx.load("sources").set_index("source_id")["published"]
    for index, row in table.iterrows():
        if pd.notna(row["end_date"]) and row["end_date"] < row["date"]:
            yield ctx.problem(index, "end_date", "must not be before date", row["end_date"].date())
        reported = published.get(row["source_id"])
        if reported is not None and reported < row["date"]:
            yield ctx.problem(index, "source_id",
                              f"the source was published on {reported.date()}, before the event's date "
                              f"{row['date'].date()}", row["source_id"])


@cross_check("claims")
def claim_references(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """Every `decided_by` reference names a dataset of the package and a row in it.

    A dataset that is itself invalid (or still missing) reports its own problems; its keys are
    not checked here, so that the claims stay usable while another topic's data is fixed.
    """
    keys: dict[str, set[str] | None] = {}  # None: the dataset is unknown or cannot be read
    unknown: set[str] = set()
    wanted: dict[str, set[str]] = {}
    for refs in table["decided_by"]:
        for name, key in parse_references(refs):
            wanted.setdefault(name, set()).add(key)
    for dataset, dataset_keys in wanted.items():
        try:
            keys[dataset] = keys_present(ctx.load(dataset), dataset_keys)
        except KeyError:
            keys[dataset] = None
            unknown.add(dataset)
        except DataValidationError:
            keys[dataset] = None
    for index, row in table.iterrows():
        for dataset, key in parse_references(row["decided_by"]):
            if dataset in unknown:
                yield ctx.problem(index, "decided_by", "names a dataset that is not in the data package", dataset)
            elif (present := keys[dataset]) is not None and key not in present:
                yield ctx.problem(index, "decided_by", f"no row of {dataset} has the id {key!r}",
                                  f"{dataset}:{key}")


@cross_check("claims")
def computed_claims_are_checkable(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """A verdict the package recomputes from data cannot be 'not checkable'."""
    for index in table.index[table["computed"].notna() & (table["verdict"] == "not checkable")]:
        yield ctx.problem(index, "verdict", "a claim with `computed` set must have a checkable verdict",
                          table.at[index, "verdict"])


# Datasets whose rows decide the claims' verdicts and feed the state-of-play summary.
BRIEFING_DATASETS = ("events", "regions", "territory_control", "annexation_claims", "sites",
                     "reconstruction_assessments", "funding_sources")


def load_available(names=BRIEFING_DATASETS, as_of: AsOf = None) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Load each dataset that is present and valid, as known on `as_of` (None: every row);
    report the others instead of failing.

    Returns (tables by name, reason by name for those left out), so that the briefing keeps
    working while another topic's data is missing or being fixed.
    """
    from . import load  # the package facade imports this module, so import it lazily

    tables, skipped = {}, {}
    for name in names:
        try:
            tables[name] = load(name, as_of=as_of)
        except (KeyError, DataValidationError) as exc:
            skipped[name] = str(exc).splitlines()[0]
    return tables, skipped
