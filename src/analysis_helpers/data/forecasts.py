"""Forecast ledgers: append-only by a recorded hash per issued origin.

An issued forecast is evidence of what the kit said on a day; rewriting it would rewrite the
track record. Each origin's rows are sealed in `forecast_issued_hashes` (SHA-256 of the rows as
canonical bytes); `validate` then refuses a ledger whose sealed rows changed or vanished.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from .checks import CheckContext, cross_check
from .errors import Problem

LEDGERS = ("front_forecasts", "binary_forecasts")
HASHES = "forecast_issued_hashes"


#: Numbers are sealed to this many significant digits: what the CSV keeps (written with %.6g).
SEALED_DIGITS = 6


def _rounded(values: np.ndarray) -> np.ndarray:
    """`values` rounded to `SEALED_DIGITS` significant digits (NaN kept), vectorised."""
    values = np.asarray(values, float)
    magnitude = np.floor(np.log10(np.abs(np.where((values == 0) | ~np.isfinite(values), 1.0, values))))
    scale = 10.0 ** (SEALED_DIGITS - 1 - magnitude)
    return np.where(np.isfinite(values), np.round(values * scale) / scale, np.nan)


def canonical_bytes(rows: pd.DataFrame) -> bytes:
    """The rows as canonical bytes, independent of row order and of the pandas version: sorted by
    the first three columns; per column, numbers rounded to `SEALED_DIGITS` significant digits as
    float64, dates as ISO days, everything else as text."""
    frame = rows.sort_values(list(rows.columns[:3]), kind="stable").reset_index(drop=True)
    parts = []
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_bool_dtype(series):
            parts.append(series.to_numpy(bool).astype(np.uint8).tobytes())
        elif pd.api.types.is_numeric_dtype(series):
            parts.append(_rounded(series.to_numpy(float)).tobytes())
        elif pd.api.types.is_datetime64_any_dtype(series):
            parts.append("\x1f".join(series.dt.strftime("%Y-%m-%d").fillna("")).encode())
        else:
            parts.append("\x1f".join(series.fillna("").astype(str)).encode())
        parts.append(f"\x1e{column}\x1e".encode())
    return b"".join(parts)


def origin_hashes(ledger: pd.DataFrame) -> pd.DataFrame:
    """`origin`, `rows`, `sha256` of each origin's rows of a ledger table."""
    out = [(origin, len(rows), hashlib.sha256(canonical_bytes(rows)).hexdigest())
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
    values = table.loc[table["calibrated"], quantiles]
    for index in values.index[values.isna().any(axis=1)]:
        yield ctx.problem(index, quantiles[int(values.loc[index].isna().to_numpy().argmax())],
                          "a calibrated forecast needs every quantile")
    steps = values.to_numpy(float)
    decreasing = (np.diff(steps, axis=1) < -1e-6).any(axis=1)
    for index in values.index[decreasing]:
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
