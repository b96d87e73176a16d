"""Kit-wide conventions, defined once: ids, units, the as-of date type.

Every layer may import this module; it imports nothing of the kit. Rules it encodes:

* **Shares** are fractions in 0-1 everywhere in data and analysis; a figure or table turns
  them into percent for display (`as_percent`) and says so in its axis or column label.
* **Areas** are km2, **money** USD bn unless a column says otherwise (its Table Schema `unit`).
* **as_of** is the one name of "the date the result describes". Public functions take it as
  `as_of: AsOf` (anything `pandas.Timestamp` understands, or None) and normalise it with
  `as_timestamp`; None means "the latest date in the data", resolved by
  `analysis_helpers.data.resolve_as_of`, which is also what every notebook calls.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeAlias

import pandas as pd

#: `region_id` of the whole of Ukraine in the territory tables.
NATIONAL_ID = "UA"
#: The two parties to the war, as `actor_id`s of the stances tables.
UKRAINE = "ukraine"
RUSSIA = "russia"
PARTIES = (UKRAINE, RUSSIA)

#: The Gregorian mean year, and its twelfth: the one conversion between days and months.
DAYS_PER_YEAR = 365.2425
DAYS_PER_MONTH = DAYS_PER_YEAR / 12

#: What `as_of` may be given as; None means the latest date in the data.
AsOf: TypeAlias = str | dt.date | dt.datetime | pd.Timestamp | None


def as_timestamp(as_of: AsOf) -> pd.Timestamp:
    """`as_of` as a day (midnight, no time zone); raises ValueError for None or an unreadable date."""
    if as_of is None:
        raise ValueError("as_of is None: resolve it first with analysis_helpers.resolve_as_of")
    stamp = pd.Timestamp(as_of)
    if pd.isna(stamp):
        raise ValueError(f"as_of {as_of!r} is not a date")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(None)
    return stamp.normalize()


def as_percent(share: float | pd.Series) -> float | pd.Series:
    """A 0-1 share in percent, for display only."""
    return share * 100.0


def days_to_months(days: float | pd.Series) -> float | pd.Series:
    """A duration in days, in months of `DAYS_PER_MONTH` days."""
    return days / DAYS_PER_MONTH


def cited_by(*frames: pd.DataFrame | None) -> list[str]:
    """The source ids of the rows of `frames`: every value of every column named `source_id`
    or ending in `_source_id`, in order of appearance (what a figure drawing them must cite)."""
    cited: dict[str, None] = {}
    for frame in frames:
        if frame is None:
            continue
        for column in frame.columns:
            if column == "source_id" or str(column).endswith("_source_id"):
                cited.update(dict.fromkeys(frame[column].dropna().astype(str)))
    return list(cited)
