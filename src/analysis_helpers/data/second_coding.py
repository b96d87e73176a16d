"""Cross-file rules of the blind second coding (`data/stances/second_coding.csv`).

Each second code must point at a first-coded row that exists (a stance row, or a provision that
carries a position), cite the same source as that row, and carry a salience exactly when the row
is a stance (texts have none: CODEBOOK.md section 11).
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from .checks import CheckContext, cross_check
from .errors import Problem

STANCE = "stance"
PROVISION = "provision"


def stance_item_ids(stances: pd.DataFrame) -> pd.Series:
    """`stance:<actor_id>:<issue_id>:<as_of>` for every stance row (index kept)."""
    return STANCE + ":" + stances["actor_id"] + ":" + stances["issue_id"] + ":" + stances["as_of"].dt.strftime(
        "%Y-%m-%d")


def provision_item_ids(provisions: pd.DataFrame) -> pd.Series:
    """`provision:<proposal_id>:<issue_id>` for every provision row (index kept)."""
    return PROVISION + ":" + provisions["proposal_id"] + ":" + provisions["issue_id"]


def first_codes(stances: pd.DataFrame, provisions: pd.DataFrame) -> pd.DataFrame:
    """Every first-coded row a second code can point at, by `item_id`: kind, issue, position,
    salience and uncertainty (stances only; texts carry neither) and source. Silent provisions
    have no position to code and are left out."""
    coded = provisions[~provisions["silent"].astype(bool)]
    stance_rows = pd.DataFrame({"item_id": stance_item_ids(stances), "kind": STANCE,
                                "issue_id": stances["issue_id"], "position": stances["position"],
                                "salience": stances["salience"], "uncertainty": stances["uncertainty"],
                                "source_id": stances["source_id"]})
    provision_rows = pd.DataFrame({"item_id": provision_item_ids(coded), "kind": PROVISION,
                                   "issue_id": coded["issue_id"], "position": coded["position"],
                                   "salience": float("nan"), "uncertainty": float("nan"),
                                   "source_id": coded["source_id"]})
    return pd.concat([stance_rows, provision_rows], ignore_index=True).set_index("item_id")


@cross_check("second_coding")
def second_codes_match_first_rows(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """Every item_id names an existing first-coded row, with its source, and salience only for stances."""
    first = first_codes(ctx.load("stances"), ctx.load("proposal_provisions"))
    for index, row in table.iterrows():
        item = row["item_id"]
        if item not in first.index:
            where = ("stances.csv (actor, issue, as_of)" if item.startswith(STANCE)
                     else "proposal_provisions (a provision with a position, not silent)")
            yield ctx.problem(index, "item_id", f"names no row of {where}", item)
            continue
        coded = first.loc[item]
        if row["source_id"] != coded["source_id"]:
            yield ctx.problem(index, "source_id", f"must be the coded row's source ({coded['source_id']})",
                              row["source_id"])
        is_stance = coded["kind"] == STANCE
        if is_stance == pd.isna(row["salience"]):
            rule = "required for a stance row" if is_stance else "must be empty for a provision (texts carry none)"
            yield ctx.problem(index, "salience", rule, row["salience"])
