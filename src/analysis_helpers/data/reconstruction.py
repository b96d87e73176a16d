"""Cross-row and cross-file rules of the reconstruction tables that a Table Schema cannot state.

Each rule yields `Problem`s naming the file, line, column and rule; they run after the schema
checks (types, enums, minimums, keys) have passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pandas as pd

from .checks import CheckContext, cross_check
from .errors import Problem

MEASURES = ("damage_usd_bn", "needs_usd_bn")
# Sector and region figures are rounded by their publishers; a sum may exceed the total by this much.
ROUNDING_SHARE = 0.01
ROUNDING_USD_BN = 0.5
# A converted amount may differ from amount x fx_rate by this much (rates quoted to 4 digits).
CONVERSION_SHARE = 0.005
CONVERSION_USD_BN = 0.05


def within_rounding(part_sum: float, total: float) -> bool:
    """True when `part_sum` does not exceed `total` by more than publishers' rounding."""
    return part_sum <= total + max(ROUNDING_SHARE * total, ROUNDING_USD_BN)


@cross_check("reconstruction_assessments")
def assessment_dates_and_figures(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """A period ends after it starts and no later than its release; a row gives some figure."""
    for index, row in table.iterrows():
        if row["period_end"] < row["period_start"]:
            yield ctx.problem(index, "period_end", "must not be before period_start", row["period_end"].date())
        if row["period_end"] > row["published"]:
            yield ctx.problem(index, "period_end", "must not be after the release date (published)",
                              row["period_end"].date())
        if row[["damage_usd_bn", "losses_usd_bn", "needs_usd_bn"]].isna().all():
            yield ctx.problem(index, None, "needs at least one of damage_usd_bn, losses_usd_bn, needs_usd_bn")


def _parts_within_totals(table: pd.DataFrame, ctx: CheckContext, part_name: str) -> Iterator[Problem]:
    totals = ctx.load("reconstruction_assessments").set_index("assessment_id")
    for index, row in table.iterrows():
        if row[list(MEASURES)].isna().all():
            yield ctx.problem(index, None, "needs at least one of damage_usd_bn, needs_usd_bn")
    for measure in MEASURES:
        sums = table.groupby("assessment_id")[measure].sum(min_count=1).dropna()
        for assessment_id, part_sum in sums.items():
            total = totals.at[assessment_id, measure]
            if pd.isna(total) or within_rounding(part_sum, total):
                continue
            last = table.index[(table["assessment_id"] == assessment_id) & table[measure].notna()][-1]
            yield ctx.problem(
                last, measure,
                f"{part_name} of {assessment_id} sum to {part_sum:g}, more than the assessment's total "
                f"{total:g} in reconstruction_assessments beyond rounding",
                part_sum,
            )


@cross_check("reconstruction_sectors")
def sectors_within_totals(table: pd.DataFrame, ctx: CheckContext) -> Iterable[Problem]:
    """An assessment's sector figures add up to no more than its published total."""
    return _parts_within_totals(table, ctx, "sectors")


@cross_check("reconstruction_regions")
def regions_within_totals(table: pd.DataFrame, ctx: CheckContext) -> Iterable[Problem]:
    """An assessment's regional figures add up to no more than its published total."""
    return _parts_within_totals(table, ctx, "regions")


@cross_check("funding_sources")
def conversions_recorded(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """Every conversion names its rate, date and source, and the USD figure follows from them."""
    for index, row in table.iterrows():
        if row["currency"] == "USD":
            if pd.notna(row["fx_rate"]) and row["fx_rate"] != 1:
                yield ctx.problem(index, "fx_rate", "must be empty or 1 for a USD amount", row["fx_rate"])
            rate = 1.0
        else:
            missing = [c for c in ("fx_rate", "fx_date", "fx_source_id") if pd.isna(row[c])]
            for column in missing:
                yield ctx.problem(index, column, f"required: an amount in {row['currency']} needs its "
                                                 "exchange rate, the rate's date and its source")
            if "fx_rate" in missing:
                continue
            rate = row["fx_rate"]
        expected = row["amount"] * rate
        if abs(row["amount_usd_bn"] - expected) > max(CONVERSION_SHARE * expected, CONVERSION_USD_BN):
            yield ctx.problem(index, "amount_usd_bn", f"must equal amount x fx_rate ({expected:.2f})",
                              row["amount_usd_bn"])


# An instrument, its components (a lender's share, the budget part of a loan) and their tranches.
MAX_NESTING = 2


def _depth(item_id: str, part_of: pd.Series) -> float:
    """How many rows above `item_id` (inf on a cycle)."""
    seen = {item_id}
    while pd.notna(part_of.get(item_id)):
        item_id = part_of[item_id]
        if item_id in seen:
            return float("inf")
        seen.add(item_id)
    return len(seen) - 1


@cross_check("funding_sources")
def parts_inside_their_parent(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """A row that is part of another has the same kind and does not exceed it, nor do its siblings together."""
    by_id = table.set_index("item_id")
    parts = table[table["part_of"].notna()]
    nested_correctly = []
    for index, row in parts.iterrows():
        parent = by_id.loc[row["part_of"]]
        if parent["kind"] != row["kind"]:
            yield ctx.problem(index, "part_of", f"must name a row of the same kind ({row['kind']})", row["part_of"])
        elif _depth(row["item_id"], by_id["part_of"]) > MAX_NESTING:
            yield ctx.problem(index, "part_of", f"must name a row at most {MAX_NESTING - 1} level below the top "
                                                f"(an instrument, its components, their tranches)", row["part_of"])
        elif not within_rounding(row["amount_usd_bn"], parent["amount_usd_bn"]):
            yield ctx.problem(index, "amount_usd_bn", f"must not exceed its parent {row['part_of']} "
                                                       f"({parent['amount_usd_bn']:g})", row["amount_usd_bn"])
        else:
            nested_correctly.append(index)
    # Parts are shares of their parent (lenders of one loan, tranches of one instrument): together they fit in it.
    siblings = parts.loc[nested_correctly].groupby("part_of")["amount_usd_bn"]
    for parent_id, part_sum in siblings.sum().items():
        total = by_id.at[parent_id, "amount_usd_bn"]
        if siblings.size()[parent_id] > 1 and not within_rounding(part_sum, total):
            last = parts.index[parts["part_of"] == parent_id][-1]
            yield ctx.problem(last, "amount_usd_bn", f"parts of {parent_id} sum to {part_sum:g}, more than "
                                                      f"its {total:g} beyond rounding", part_sum)


# Kinds that are an amount of money for Ukraine carry a purpose; stocks of assets and past transfers do not.
KINDS_WITHOUT_PURPOSE = ("immobilised_assets", "windfall_transfer")


@cross_check("funding_sources")
def purpose_follows_kind(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """Immobilised assets and windfall transfers have no purpose; instruments and donor figures need one."""
    for index, row in table.iterrows():
        without = row["kind"] in KINDS_WITHOUT_PURPOSE
        if without and pd.notna(row["purpose"]):
            yield ctx.problem(index, "purpose", f"must be empty for kind {row['kind']}", row["purpose"])
        elif not without and pd.isna(row["purpose"]):
            yield ctx.problem(index, "purpose", f"required for kind {row['kind']}")
