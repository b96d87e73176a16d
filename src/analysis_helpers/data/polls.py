"""Cross-row and cross-file rules of the opinion-poll tables that a Table Schema cannot state.

Schema checks run first (unknown waves, items, issues, texts and sources are foreign-key errors;
a missing sample size is a `required` error naming the row). The rules here: fieldwork ends on or
after it starts and before the release; the shares of one item in one wave add up to about 1 where
every option is reported and never exceed it; and a mapping to a text names a coded provision.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from .checks import CheckContext, cross_check
from .errors import Problem

# Published percentages are whole numbers: with two to four options each off by up to half a
# point, the total lies within 98-102 %; a missing "hard to say" is the `options_complete` flag.
SUM_OVER_TOLERANCE = 0.02
SUM_UNDER_TOLERANCE = 0.03


@cross_check("poll_waves")
def fieldwork_in_order(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """Fieldwork ends on or after it starts, and results are released no earlier than it ends."""
    for index, row in table.iterrows():
        if row["fieldwork_end"] < row["fieldwork_start"]:
            yield ctx.problem(index, "fieldwork_end", "must not be before fieldwork_start",
                              f"{row['fieldwork_end']:%Y-%m-%d} < {row['fieldwork_start']:%Y-%m-%d}")
        elif row["published"] < row["fieldwork_end"]:
            yield ctx.problem(index, "published", "must not be before fieldwork_end",
                              f"{row['published']:%Y-%m-%d} < {row['fieldwork_end']:%Y-%m-%d}")


@cross_check("polls")
def shares_add_up(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """Per wave and item: the shares never exceed 1 beyond rounding; with every option reported
    they reach 1 within rounding; `options_complete` and `split_versions` are the same on every row."""
    for (wave_id, question_id), rows in table.groupby(["wave_id", "question_id"], sort=False):
        first = rows.index[-1]
        for column in ("options_complete", "split_versions"):
            if rows[column].nunique() > 1:
                yield ctx.problem(first, column, f"must be the same on every row of {wave_id} / {question_id}",
                                  ", ".join(str(v) for v in rows[column].unique()))
        total = float(rows["share"].sum())
        if total > 1 + SUM_OVER_TOLERANCE:
            yield ctx.problem(first, "share", f"shares of {wave_id} / {question_id} must add up to at most "
                              f"{1 + SUM_OVER_TOLERANCE:.2f} (rounding)", round(total, 4))
        elif bool(rows["options_complete"].iloc[0]) and total < 1 - SUM_UNDER_TOLERANCE:
            yield ctx.problem(first, "share", f"shares of {wave_id} / {question_id} must add up to at least "
                              f"{1 - SUM_UNDER_TOLERANCE:.2f} when options_complete is true", round(total, 4))


@cross_check("poll_mapping")
def maps_to_coded_provisions(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """A row naming a text names a provision of it that is coded (not silent, not missing)."""
    provisions = ctx.load("proposal_provisions")
    coded = set(zip(provisions.loc[~provisions["silent"], "proposal_id"],
                    provisions.loc[~provisions["silent"], "issue_id"], strict=True))
    for index, row in table.iterrows():
        if pd.notna(row["proposal_id"]) and (row["proposal_id"], row["issue_id"]) not in coded:
            yield ctx.problem(index, "proposal_id", "must name a coded provision of proposal_provisions "
                              "(this text has none on this issue)", f"{row['proposal_id']} / {row['issue_id']}")
