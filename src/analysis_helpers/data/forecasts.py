"""Forecast ledgers: append-only by a recorded hash per issued origin.

An issued forecast is evidence of what the kit said on a day; rewriting it would rewrite the
track record. Each origin's rows are sealed in `forecast_issued_hashes` (SHA-256 of the rows as
canonical CSV); `validate` then refuses a ledger whose sealed rows changed or vanished.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from .checks import CheckContext, cross_check
from .errors import Problem

LEDGERS = ("front_forecasts", "binary_forecasts")
HASHES = "forecast_issued_hashes"


def canonical_rows(rows: pd.DataFrame) -> str:
    """The rows as canonical CSV: sorted by every column in order, dates ISO, numbers to 6 significant digits."""
    frame = rows.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    frame = frame.sort_values(list(frame.columns[:3])).reset_index(drop=True)
    return frame.to_csv(index=False, float_format="%.6g", lineterminator="\n")


def origin_hashes(ledger: pd.DataFrame) -> pd.DataFrame:
    """`origin`, `rows`, `sha256` of each origin's rows of a ledger table."""
    out = [(origin, len(rows), hashlib.sha256(canonical_rows(rows).encode()).hexdigest())
           for origin, rows in ledger.groupby("origin", sort=True)]
    return pd.DataFrame(out, columns=["origin", "rows", "sha256"])


def _sealed(table: pd.DataFrame, ctx: CheckContext):
    """Every sealed origin's rows are present and unchanged."""
    seals = ctx.load(HASHES)
    seals = seals[seals["ledger"] == ctx.resource]
    current = origin_hashes(table).set_index("origin")
    for seal in seals.itertuples(index=False):
        rows = table.index[table["origin"] == seal.origin]
        if seal.origin not in current.index:
            rule = (f"issued forecasts of origin {seal.origin:%Y-%m-%d} were removed ({seal.rows} rows sealed in "
                    "forecasts/issued_hashes.csv): the ledger is append-only")
            yield (ctx.problem(table.index[-1], "origin", rule) if len(table)
                   else Problem(ctx.resource, None, "origin", rule, None))
        elif current.loc[seal.origin, "sha256"] != seal.sha256:
            yield ctx.problem(rows[0], "origin",
                              f"an issued forecast of origin {seal.origin:%Y-%m-%d} was rewritten (its rows no longer "
                              "match the hash sealed in forecasts/issued_hashes.csv): the ledger is append-only",
                              seal.origin.strftime("%Y-%m-%d"))


@cross_check("front_forecasts")
def front_ledger_sealed(table: pd.DataFrame, ctx: CheckContext):
    """Issued front forecasts are never rewritten; quantiles are ordered and present when calibrated."""
    yield from _sealed(table, ctx)
    quantiles = [c for c in table.columns if c.startswith("q")]
    calibrated = table[table["calibrated"]]
    for index, row in calibrated[quantiles].iterrows():
        values = row.to_numpy(float)
        if pd.isna(values).any():
            yield ctx.problem(index, quantiles[int(pd.isna(values).argmax())], "a calibrated forecast needs every quantile")
        elif (values[1:] < values[:-1] - 1e-6).any():
            yield ctx.problem(index, quantiles[0], "quantiles must not decrease with the probability")


@cross_check("binary_forecasts")
def binary_ledger_sealed(table: pd.DataFrame, ctx: CheckContext):
    """Issued yes/no forecasts are never rewritten."""
    yield from _sealed(table, ctx)


@cross_check("forecast_questions")
def resolutions_cite_their_evidence(table: pd.DataFrame, ctx: CheckContext):
    """A resolved question names what resolved it, and closes after it opens."""
    for index in table.index[table["resolution"].notna() & table["resolution_source_id"].isna()]:
        yield ctx.problem(index, "resolution_source_id", "a resolved question must cite the data or report that resolved it")
    for index in table.index[table["closes"] <= table["opens"]]:
        yield ctx.problem(index, "closes", "a question must close after it opens", table.loc[index, "closes"])
