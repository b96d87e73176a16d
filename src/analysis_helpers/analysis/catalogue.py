"""What the data package holds: a summary row per dataset, how current each one is, and how
much of it rests on primary evidence."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pandas as pd

from ..data import table_as_of

#: Source types counted as primary evidence: the body's own document or data, or a wire agency.
PRIMARY_SOURCE_TYPES = ("official", "wire")


def dataset_summary(tables: dict[str, pd.DataFrame], today: dt.date | pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per dataset: rows, first and last date in any date column, sources cited, as-of,
    the share of rows resting on an official or wire source and, given `today`, the age in days.

    `as_of` is `dataset_as_of`; `sources` counts distinct `source_id` values; `primary_share`
    (0-1) is the share of rows whose source's `source_type` is one of `PRIMARY_SOURCE_TYPES`
    (empty when the dataset cites no source or the sources table has no `source_type`);
    `relayed_share` (0-1) the share of rows on another source that names what it relays (a wire
    story or an official document republished by an outlet, in the source's `relays`).
    """
    source_types = _source_types(tables.get("sources"))
    relaying = _relaying(tables.get("sources"))
    rows = []
    for name, frame in tables.items():
        dates = _dates(frame)
        rows.append({
            "dataset": name,
            "rows": len(frame),
            "first_date": dates.min() if len(dates) else pd.NaT,
            "last_date": dates.max() if len(dates) else pd.NaT,
            "sources": frame["source_id"].nunique() if "source_id" in frame else 0,
            "primary_share": _primary_share(frame, source_types),
            "relayed_share": _cited_share(frame, relaying),
            "as_of": dataset_as_of(frame),
        })
    summary = pd.DataFrame(rows, columns=["dataset", "rows", "first_date", "last_date", "sources", "primary_share",
                                          "relayed_share", "as_of"])
    if today is not None:
        summary["age_days"] = _age_days(summary["as_of"], today)
    return summary


def dataset_as_of(frame: pd.DataFrame) -> pd.Timestamp:
    """How current a dataset is: its as-of date (`data.table_as_of`, the latest `as_of` or
    `date`) or, for a table without either (e.g. `regions`, dated by `population_as_of`), the
    latest value of any of its date columns; NaT for a table without dates."""
    as_of = table_as_of(frame)
    if pd.notna(as_of):
        return as_of
    dates = _dates(frame)
    return dates.max() if len(dates) else pd.NaT


def dataset_freshness(tables: dict[str, pd.DataFrame], today: dt.date | pd.Timestamp) -> pd.DataFrame:
    """Each dataset's as-of date (`dataset_as_of`) and its age in days on `today`, oldest first;
    datasets without any date (lookup tables such as `issues`) come last, with no age."""
    frame = pd.DataFrame({"dataset": list(tables), "as_of": [dataset_as_of(t) for t in tables.values()]})
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    frame["age_days"] = _age_days(frame["as_of"], today)
    return frame.sort_values(["age_days", "dataset"], ascending=[False, True], na_position="last", ignore_index=True)


def stale_datasets(freshness: pd.DataFrame, max_age_days: int) -> pd.DataFrame:
    """The rows of `dataset_freshness` older than `max_age_days` (undated datasets are never stale)."""
    return freshness[freshness["age_days"].fillna(-1) > max_age_days].reset_index(drop=True)


def _dates(frame: pd.DataFrame) -> pd.Series:
    """Every value of every date column, in one Series."""
    return cast(pd.Series, frame.select_dtypes(include="datetime64").stack())


def _age_days(as_of: pd.Series, today: dt.date | pd.Timestamp) -> pd.Series:
    return (pd.Timestamp(today).normalize() - as_of.dt.normalize()).dt.days.astype("Int64")


def _source_types(sources: pd.DataFrame | None) -> pd.Series | None:
    if sources is None or "source_type" not in sources:
        return None
    return sources.set_index("source_id")["source_type"]


def _relaying(sources: pd.DataFrame | None) -> pd.Series | None:
    """Per source: true when it is not primary but names the original it relays."""
    if sources is None or "source_type" not in sources or "relays" not in sources:
        return None
    relays = sources["relays"].fillna("").astype(str).str.strip() != ""
    return pd.Series((relays & ~sources["source_type"].isin(PRIMARY_SOURCE_TYPES)).to_numpy(),
                     index=sources["source_id"])


def _cited_share(frame: pd.DataFrame, flags: pd.Series | None) -> float:
    if flags is None or "source_id" not in frame or frame["source_id"].isna().all():
        return float("nan")
    return float(frame["source_id"].dropna().map(flags).fillna(False).astype(bool).mean())


def _primary_share(frame: pd.DataFrame, source_types: pd.Series | None) -> float:
    if source_types is None or "source_id" not in frame or frame["source_id"].isna().all():
        return float("nan")
    cited = frame["source_id"].dropna().map(source_types)
    return float(cited.isin(PRIMARY_SOURCE_TYPES).mean())
