"""Cross-row and cross-file rules of the actor-stance tables that a Table Schema cannot state.

Schema checks (ids, 0-100 ranges, enums, duplicate actor x issue x date, foreign keys to
actors, issues and sources) run first; these rules follow the coding rules of
`data/stances/CODEBOOK.md`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from .checks import CheckContext, cross_check
from .errors import Problem

# CODEBOOK.md: the standard deviation (scale points) that each confidence level stands for.
UNCERTAINTY_OF_CONFIDENCE = {"high": 5.0, "medium": 10.0, "low": 20.0}


@cross_check("stances")
def uncertainty_follows_confidence(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """A stance's uncertainty is the one its confidence level stands for."""
    for index, row in table.iterrows():
        expected = UNCERTAINTY_OF_CONFIDENCE[row["confidence"]]
        if row["uncertainty"] != expected:
            yield ctx.problem(
                index, "uncertainty",
                f"must be {expected:g} for confidence '{row['confidence']}' (CODEBOOK.md)", row["uncertainty"],
            )


@cross_check("stances")
def coded_statement_precedes_its_source(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """A stance cannot be dated after the publication that reports it."""
    published = ctx.load("sources").set_index("source_id")["published"]
    for index, row in table.iterrows():
        source_date = published.get(row["source_id"])
        if source_date is not None and row["as_of"] > source_date:
            yield ctx.problem(
                index, "as_of",
                f"must not be after its source's publication date {source_date.date()}", row["as_of"].date(),
            )


@cross_check("stances")
def publication_follows_statement(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """`published_on` lies between the statement (`as_of`) and the cited source's publication:
    a report cannot precede what it reports, and the cited source proves it was public by then."""
    published = ctx.load("sources").set_index("source_id")["published"]
    for index, row in table.iterrows():
        if row["published_on"] < row["as_of"]:
            yield ctx.problem(index, "published_on", f"must not be before the statement's date {row['as_of'].date()}",
                              row["published_on"].date())
        source_date = published.get(row["source_id"])
        if source_date is not None and row["published_on"] > source_date:
            yield ctx.problem(index, "published_on",
                              f"must not be after its source's publication date {source_date.date()}",
                              row["published_on"].date())
