"""What the data package holds: a summary row per dataset."""

from __future__ import annotations

import pandas as pd

from ..data import table_as_of


def dataset_summary(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per dataset: rows, first and last date in any date column, sources cited, as-of.

    `as_of` is the latest value of the dataset's `as_of` or `date` column (empty when it has
    neither); `sources` counts distinct `source_id` values.
    """
    rows = []
    for name, frame in tables.items():
        dates = frame.select_dtypes(include="datetime64").stack()
        rows.append({
            "dataset": name,
            "rows": len(frame),
            "first_date": dates.min() if len(dates) else pd.NaT,
            "last_date": dates.max() if len(dates) else pd.NaT,
            "sources": frame["source_id"].nunique() if "source_id" in frame else 0,
            "as_of": table_as_of(frame),
        })
    return pd.DataFrame(rows, columns=["dataset", "rows", "first_date", "last_date", "sources", "as_of"])
