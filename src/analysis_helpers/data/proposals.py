"""Cross-row and cross-file rules of the peace-proposal tables that a Table Schema cannot state.

Schema checks run first (unknown proposal, issue, region and source ids are foreign-key errors;
shares outside 0-1 and positions outside 0-100 are range errors). The rules here follow the text
coding rules of `data/stances/CODEBOOK.md` (section 11) and the notes of the three schemas.

`line_rule_date` and `LINE_MAX_AGE_DAYS` are shared with `analysis.proposals`, which computes
the shares of a `line of contact on DATE` row from `territory_control`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from .checks import CheckContext, cross_check
from .errors import Problem

RULE_WHOLE_REGION = "whole region"
RULE_EXPLICIT = "explicit"
_LINE_RULE = re.compile(r"line of contact on (\d{4}-\d{2}-\d{2})")
# A line of contact is read from the latest territory observation on or before its date, at most
# this old: the per-region series are monthly with a missing month here and there (April 2025),
# so a date between two maps still finds the one before.
LINE_MAX_AGE_DAYS = 62
AUTHOR_SEPARATOR = ";"
# The categories `pax_crosswalk` may map to, per scheme, with the values each takes in its release
# (PA-X v10 codes Ce, TjAm and TjRep 0-3 and the others present/absent; UCDP's flags are 0/1, and
# pa_3rd, a list of names, is read as present when not empty).
CROSSWALK_SCALES = {
    "pax": {"Ce": "0-3", "TjAm": "0-3", "TjRep": "0-3", "SsrGua": "0-1", "StBor": "0-1", "ImPK": "0-1"},
    "ucdp": {"cease": "0-1", "withd": "0-1", "demarcation": "0-1", "terr_prov": "0-1", "pko": "0-1",
             "pa_3rd": "0-1", "amn": "0-1"},
}


def line_rule_date(rule: str) -> pd.Timestamp | None:
    """The date of a `line of contact on YYYY-MM-DD` rule; None for the other rules."""
    match = _LINE_RULE.fullmatch(rule)
    return pd.Timestamp(match.group(1)) if match else None


@cross_check("proposals")
def authors_are_actors(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """Every id in `author` is an actor of actors.csv."""
    known = set(ctx.load("actors")["actor_id"])
    for index, author in table["author"].items():
        unknown = [a for a in author.split(AUTHOR_SEPARATOR) if a not in known]
        if unknown:
            yield ctx.problem(index, "author", "must list actor ids of actors.csv (unknown id)", ", ".join(unknown))


@cross_check("proposals")
def supersedes_does_not_loop(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """Following `supersedes` from any text never comes back to it."""
    replaced = table.set_index("proposal_id")["supersedes"].dropna().to_dict()
    index_of = dict(zip(table["proposal_id"], table.index, strict=True))
    reported: set[str] = set()
    for start in replaced:
        chain, current = [start], replaced[start]
        while current in replaced and current not in chain:
            chain.append(current)
            current = replaced[current]
        if current in chain and current not in reported:
            loop = chain[chain.index(current):]
            reported.update(loop)
            yield ctx.problem(index_of[current], "supersedes", "must not form a cycle",
                              " -> ".join([*loop, current]))


@cross_check("proposal_provisions")
def silent_rows_have_no_position(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """A silent provision has no position; any other provision has one."""
    for index, row in table.iterrows():
        if row["silent"] and pd.notna(row["position"]):
            yield ctx.problem(index, "position", "must be empty when silent is true", row["position"])
        elif not row["silent"] and pd.isna(row["position"]):
            yield ctx.problem(index, "position", "required when silent is false (a text that says nothing is silent)")


@cross_check("proposal_lines")
def shares_follow_the_rule(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """`whole region` gives shares of 0 or 1; `explicit` gives both shares; a line-of-contact row
    gives none (they are computed); only a line-of-contact row may put a buffer beyond the line."""
    for index, row in table.iterrows():
        rule, russian, buffer = row["rule"], row["russian_share"], row["demilitarised_share"]
        is_line = line_rule_date(rule) is not None
        if is_line:
            for column in ("russian_share", "demilitarised_share"):
                if pd.notna(row[column]):
                    yield ctx.problem(index, column,
                                      f"must be empty for rule '{rule}' (computed from territory_control)",
                                      row[column])
            continue
        for column in ("russian_share", "demilitarised_share"):
            if pd.isna(row[column]):
                yield ctx.problem(index, column, f"required for rule '{rule}'")
        if rule == RULE_WHOLE_REGION and pd.notna(russian) and russian not in (0, 1):
            yield ctx.problem(index, "russian_share", "must be 0 or 1 for rule 'whole region'", russian)
        if row["buffer_beyond_line"]:
            yield ctx.problem(index, "buffer_beyond_line", "may only be true for a 'line of contact on DATE' rule",
                              True)
        if pd.notna(russian) and pd.notna(buffer) and russian + buffer > 1 + 1e-9:
            yield ctx.problem(index, "demilitarised_share", "russian_share + demilitarised_share must not exceed 1",
                              round(float(russian + buffer), 6))


@cross_check("proposal_lines")
def line_dates_have_territory_data(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """A `line of contact on DATE` row needs an observation of its region on or before DATE,
    at most `LINE_MAX_AGE_DAYS` old."""
    control = ctx.load("territory_control")
    for index, row in table.iterrows():
        when = line_rule_date(row["rule"])
        if when is None:
            continue
        dates = control.loc[control["region_id"] == row["region_id"], "date"]
        before = dates[dates <= when]
        if before.empty or (when - before.max()).days > LINE_MAX_AGE_DAYS:
            yield ctx.problem(index, "rule",
                              f"no territory_control observation of {row['region_id']} within "
                              f"{LINE_MAX_AGE_DAYS} days before {when.date()}", row["rule"])


@cross_check("proposals")
def publication_is_backed_by_its_source(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """A text's `published_on` is not after the publication of the source its summary rests on:
    that source proves the content was public by then."""
    published = ctx.load("sources").set_index("source_id")["published"]
    for index, row in table.iterrows():
        source_date = published.get(row["source_id"])
        if source_date is not None and row["published_on"] > source_date:
            yield ctx.problem(index, "published_on",
                              f"must not be after its source's publication date {source_date.date()}",
                              row["published_on"].date())


@cross_check("pax_crosswalk")
def categories_belong_to_their_scheme(table: pd.DataFrame, ctx: CheckContext) -> Iterator[Problem]:
    """A mapped row names a category of its own scheme on the scale its release codes it; a
    `none` row names no category."""
    for index, row in table.iterrows():
        known = CROSSWALK_SCALES[row["scheme"]]
        if row["relation"] == "none":
            if pd.notna(row["category"]):
                yield ctx.problem(index, "category", "must be empty when relation is none", row["category"])
            continue
        if row["category"] not in known:
            yield ctx.problem(index, "category", f"must be a {row['scheme']} category ({', '.join(known)})",
                              row["category"])
        elif row["scale"] != known[row["category"]]:
            yield ctx.problem(index, "scale", f"{row['category']} is coded {known[row['category']]} in its release",
                              row["scale"])
