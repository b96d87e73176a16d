"""Actors' capability at a date, from the dated military-expenditure figures known then (pure functions).

The rule (CODEBOOK.md, "Dated capabilities"): an actor's capability at a freeze is
100 x sqrt(its military expenditure / the United States' expenditure of the same year), from the
latest year of which both figures had been released by the freeze (the caller passes the rows
known then: `load("capabilities", as_of=freeze)`); where one year's figure was released twice, the
later release known at the freeze counts. Its sd is `SPENDING_SD_SHARE` of the score, the
actors table's rule for spending-derived scores. An actor without such a figure keeps the
actors table's undated score, marked `dated` False so the undated share can be reported.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

REFERENCE = "usa"
EXPENDITURE = "military_expenditure"
SPENDING_SD_SHARE = 0.1
CAPABILITY_COLUMNS = ["actor_id", "capability", "capability_sd", "dated", "year", "published_on", "source_id",
                      "capability_basis"]


def _latest_expenditure(known: pd.DataFrame) -> pd.DataFrame:
    """Per actor and year, the expenditure of the latest release among `known`."""
    spending = known[known["indicator"] == EXPENDITURE].sort_values(["published_on", "year"], kind="stable")
    return spending.groupby(["actor_id", "year"], as_index=False).tail(1)


def capabilities_at(actors: pd.DataFrame, known: pd.DataFrame) -> pd.DataFrame:
    """Each actor's capability from the figures in `known` (`CAPABILITY_COLUMNS`, one row per actor
    of `actors`, in its order); actors without a dated figure keep their undated score."""
    spending = _latest_expenditure(known)
    reference = spending.loc[spending["actor_id"] == REFERENCE, ["year", "value"]]
    # Each actor's latest year that has a US figure too (one pass over the table, not one per actor).
    paired = spending.merge(reference.rename(columns={"value": "us_value"}), on="year")
    latest = {row.actor_id: row for row in paired.sort_values(["year", "published_on"], kind="stable")
              .groupby("actor_id").tail(1).itertuples(index=False)}
    rows = []
    for actor in actors.itertuples(index=False):
        figure = latest.get(actor.actor_id)
        if figure is None:
            rows.append((actor.actor_id, float(actor.capability), float(actor.capability_sd), False, pd.NA, pd.NaT,
                         actor.source_id, f"undated: {actor.capability_basis}"))
            continue
        score = float(min(100.0, 100.0 * np.sqrt(figure.value / figure.us_value)))
        rows.append((actor.actor_id, score, SPENDING_SD_SHARE * score, True, int(figure.year),
                     figure.published_on, figure.source_id,
                     f"Military expenditure {figure.year} USD {figure.value:g} bn against the United States' "
                     f"USD {figure.us_value:g} bn (SIPRI, released {figure.published_on:%Y-%m-%d}); "
                     f"100*sqrt({figure.value:g}/{figure.us_value:g})"))
    table = pd.DataFrame(rows, columns=CAPABILITY_COLUMNS)
    return table.astype({"year": "Int64", "published_on": "datetime64[ns]"})


def with_capabilities(actors: pd.DataFrame, capability: pd.DataFrame) -> pd.DataFrame:
    """The actors table with its capability columns replaced by `capability` (`capabilities_at`)."""
    replaced = capability.set_index("actor_id")[["capability", "capability_sd", "capability_basis"]]
    table = actors.set_index("actor_id")
    table[replaced.columns] = replaced.reindex(table.index)
    return table.reset_index()
