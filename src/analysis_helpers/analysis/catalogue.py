"""What the data package holds: a summary row per dataset."""

from __future__ import annotations

import pandas as pd

from ..data import AS_OF_FIELDS


def dataset_summary(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per dataset: rows, first and last date in any date column, sources cited, as-of.

    `as_of` is the latest value of the dataset's `as_of` or `date` column (empty when it has
    neither); `sources` counts distinct `source_id` values.
    """
    rows = []
    for name, frame in tables.items():
        dates = frame.select_dtypes(include="datetime64").stack()
        as_of_columns = [c for c in AS_OF_FIELDS if c in frame and pd.api.types.is_datetime64_any_dtype(frame[c])]
        rows.append({
            "dataset": name,
            "rows": len(frame),
            "first_date": dates.min() if len(dates) else pd.NaT,
            "last_date": dates.max() if len(dates) else pd.NaT,
            "sources": frame["source_id"].nunique() if "source_id" in frame else 0,
            "as_of": max((frame[c].max() for c in as_of_columns), default=pd.NaT),
        })
    return pd.DataFrame(rows, columns=["dataset", "rows", "first_date", "last_date", "sources", "as_of"])
