"""Reconstruction: growth of damage and needs between assessments, needs at a date, funding gap.

Pure functions: DataFrames in (as `load()` returns them), DataFrames out. Conventions:

* Time is measured in *months of war* since 24 February 2022 (average Gregorian month), at each
  assessment's as-of date (`period_end`), not its release date.
* Only the joint Rapid Damage and Needs Assessments (`kind == "rdna"`) form the needs series:
  they share one method. KSE tallies (damage only) and the Lugano plan are shown beside them but
  never enter a trend.

Needs at a date (`needs_at`)
    Between two RDNAs: linear interpolation between them (no band: both ends are published).
    After the latest RDNA (e.g. a settlement date still to come): the latest RDNA's needs plus
    a growth rate times the months elapsed since its as-of date. The central rate is the
    least-squares slope of needs on months of war across all RDNAs; the band uses the lowest and
    the highest of the alternative rates, i.e. the central slope and the slope between each
    pair of consecutive RDNAs. The band therefore says how much the answer depends on which
    period of the war one believes is representative; it is not a statistical interval. Before
    the first RDNA's as-of date there is no estimate (an error, not a guess).

Funding gap (`funding_gap`)
    gap = needs at the settlement date - (assets mobilised + committed instruments + donor
    support + private capital). Funding figures are point values; the band of the gap is the
    band of the needs.

    * Immobilised assets: with `windfall_only=True` the principal stays immobilised and only its
      windfall profits count; those are already pledged to repay the windfall-backed loans
      (G7 ERA), which are counted as committed instruments, so the assets add nothing more.
      With `windfall_only=False`, `asset_share` of the principal is mobilised, after setting
      aside what the windfall-backed loans still claim on it (the loans would otherwise be
      counted twice).
    * Committed instruments: those whose `purpose` is in `purposes` (by default reconstruction
      and mixed-purpose instruments; budget and military loans are left out).
    * Donor support: a yearly volume (by default the Kiel tracker's latest 12 months of
      financial and humanitarian aid) times a number of years (by default the horizon of the
      latest RDNA's needs).
    * Private capital: an amount the user assumes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from ..conventions import DAYS_PER_MONTH, AsOf, as_timestamp

WAR_START = pd.Timestamp("2022-02-24")
UNIT = "USD bn"
TREND_KIND = "rdna"
MIN_TREND_ASSESSMENTS = 2  # a trend is fitted through two RDNAs or more
DEFAULT_PURPOSES = ("reconstruction", "mixed")
GAP_QUANTITIES = ("needs", "immobilised_assets", "committed_instruments", "donor_support",
                  "private_capital", "total_funding", "gap")


def latest_needs(assessments: pd.DataFrame, as_of: AsOf) -> pd.Series | None:
    """The most recent assessment with a needs figure published on or before `as_of` (e.g. a
    claim's date: the table itself is read as of the report's date)."""
    with_needs = assessments[assessments["needs_usd_bn"].notna() & (assessments["published"] <= as_timestamp(as_of))]
    return None if with_needs.empty else with_needs.sort_values("published").iloc[-1]


def immobilised_total(funding: pd.DataFrame) -> pd.Series | None:
    """Immobilised Russian sovereign assets: total USD bn of the top-level rows (one per holder).

    Holders report at different dates; the freeze itself dates from 2022 and the amounts move
    little, so every holder's figure counts and `first`/`latest` give the range of their dates.
    """
    assets = funding[(funding["kind"] == "immobilised_assets") & funding["part_of"].isna()]
    if assets.empty:
        return None
    return pd.Series({"usd_bn": assets["amount_usd_bn"].sum(), "holders": len(assets),
                      "first": assets["as_of"].min(), "latest": assets["as_of"].max()})


def months_of_war(dates) -> np.ndarray:
    """Months elapsed since 24 February 2022 at each date (fractional, average month)."""
    days = np.asarray(pd.to_datetime(np.atleast_1d(dates)), dtype="datetime64[D]") - WAR_START.to_datetime64()
    return days.astype("timedelta64[D]").astype(float) / DAYS_PER_MONTH


def _trend_series(assessments: pd.DataFrame, measure: str = "needs_usd_bn") -> pd.DataFrame:
    rows = assessments[(assessments["kind"] == TREND_KIND) & assessments[measure].notna()]
    return rows.sort_values("period_end").reset_index(drop=True)


def trend_assessments(assessments: pd.DataFrame) -> pd.DataFrame:
    """The assessments the needs trend rests on: RDNAs with a needs figure, oldest first."""
    return _trend_series(assessments)


def needs_estimable(assessments: pd.DataFrame) -> bool:
    """Whether `needs_at` can estimate needs from these assessments (it fits a trend through at
    least two RDNAs; before the second was published, e.g. in 2022, it cannot)."""
    return len(_trend_series(assessments)) >= MIN_TREND_ASSESSMENTS


def _consecutive_changes(rows: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Change of `measure` between each row and the next (rows sorted by period_end)."""
    months = months_of_war(rows["period_end"])
    values = rows[measure].to_numpy(dtype=float)
    span = np.diff(months)
    change = np.diff(values)
    return pd.DataFrame({
        "from_id": rows["assessment_id"].to_numpy()[:-1],
        "to_id": rows["assessment_id"].to_numpy()[1:],
        "from_date": rows["period_end"].to_numpy()[:-1],
        "to_date": rows["period_end"].to_numpy()[1:],
        "months": span,
        "from_usd_bn": values[:-1],
        "to_usd_bn": values[1:],
        "change_usd_bn": change,
        "usd_bn_per_month": change / span,
    })


def growth_between_assessments(assessments: pd.DataFrame, measure: str = "needs_usd_bn") -> pd.DataFrame:
    """Growth of `measure` (needs, damage or losses) from each RDNA to the next, per month of war."""
    return _consecutive_changes(_trend_series(assessments, measure), measure)


def sector_growth(sectors: pd.DataFrame, assessments: pd.DataFrame, measure: str = "needs_usd_bn") -> pd.DataFrame:
    """Growth of `measure` per sector between consecutive RDNAs that publish that sector.

    Sectors are compared only between assessments that both report them, so a pair may skip an
    RDNA that does not break the sector out. Returns one row per sector and pair, with `sector`
    first and the columns of `growth_between_assessments`.
    """
    rdna = assessments.loc[assessments["kind"] == TREND_KIND, ["assessment_id", "period_end"]]
    rows = sectors[sectors[measure].notna()].merge(rdna, on="assessment_id", how="inner")
    pieces = [
        _consecutive_changes(group.sort_values("period_end"), measure).assign(sector=sector)
        for sector, group in rows.groupby("sector", sort=True)
        if len(group) > 1
    ]
    if not pieces:
        return pd.DataFrame(columns=["sector", *_consecutive_changes(rows.iloc[:0], measure).columns])
    result = pd.concat(pieces, ignore_index=True)
    return result[["sector", *result.columns.drop("sector")]]


@dataclass(frozen=True)
class _NeedsSeries:
    """The RDNA needs series as arrays, built once per call (pandas overhead matters in loops)."""

    ids: np.ndarray
    dates: np.ndarray  # datetime64 as-of dates
    months: np.ndarray
    needs: np.ndarray
    horizon: float  # years, of the latest RDNA that states one (nan if none)

    @classmethod
    def of(cls, assessments: pd.DataFrame) -> _NeedsSeries:
        rows = _trend_series(assessments)
        if len(rows) < MIN_TREND_ASSESSMENTS:
            raise ValueError("needs at least two joint assessments (RDNAs) with needs to fit a trend")
        horizons = rows["horizon_years"].dropna()
        return cls(rows["assessment_id"].to_numpy(), rows["period_end"].to_numpy(),
                   months_of_war(rows["period_end"]), rows["needs_usd_bn"].to_numpy(dtype=float),
                   float(horizons.iloc[-1]) if len(horizons) else np.nan)

    def rates(self) -> np.ndarray:
        """Least-squares slope first, then the slope between each pair of consecutive RDNAs."""
        central = np.polyfit(self.months, self.needs, 1)[0]
        return np.concatenate([[central], np.diff(self.needs) / np.diff(self.months)])

    def at(self, dates) -> pd.DataFrame:
        stamps = pd.to_datetime(np.atleast_1d(dates))
        t = months_of_war(stamps)
        if (t < self.months[0]).any():
            first_bad = stamps[t < self.months[0]][0].date()
            raise ValueError(f"{first_bad} is before the first RDNA's as-of date "
                             f"({pd.Timestamp(self.dates[0]).date()}): needs before it are not estimated")
        rates = self.rates()
        elapsed = np.clip(t - self.months[-1], 0.0, None)
        after = t > self.months[-1]
        value = np.where(after, self.needs[-1] + rates[0] * elapsed, np.interp(t, self.months, self.needs))
        low = np.where(after, self.needs[-1] + rates.min() * elapsed, value)
        high = np.where(after, self.needs[-1] + rates.max() * elapsed, value)
        return pd.DataFrame({"date": stamps, "value": value, "low": low, "high": high, "unit": UNIT,
                             "method": self._methods(t, after)})

    def _methods(self, t: np.ndarray, after: np.ndarray) -> np.ndarray:
        nearest = np.abs(t[:, None] - self.months[None, :])
        position = np.clip(np.searchsorted(self.months, t, side="left"), 1, len(self.months) - 1)
        return np.where(
            after,
            f"extrapolated from {self.ids[-1]}: least-squares rate over all RDNAs; band from consecutive-RDNA rates",
            np.where(np.isclose(nearest.min(axis=1), 0.0),
                     "published (" + self.ids[nearest.argmin(axis=1)] + ")",
                     "interpolated between " + self.ids[position - 1] + " and " + self.ids[position]),
        )


def needs_trend(assessments: pd.DataFrame) -> pd.DataFrame:
    """The growth rates `needs_at` extrapolates with: one row per alternative fit.

    `fit` is "least squares, all RDNAs" (the central rate) or "<from> to <to>" for each pair of
    consecutive RDNAs; `usd_bn_per_month` its slope; `central` marks the central rate. No row
    before two RDNAs are known (there is no trend yet).
    """
    if not needs_estimable(assessments):
        return pd.DataFrame(columns=["fit", "usd_bn_per_month", "central"])
    series = _NeedsSeries.of(assessments)
    pairs = [f"{a} to {b}" for a, b in pairwise(series.ids)]
    rates = series.rates()
    return pd.DataFrame({"fit": ["least squares, all RDNAs", *pairs], "usd_bn_per_month": rates,
                         "central": [True, *([False] * len(pairs))]})


def needs_at(assessments: pd.DataFrame, dates) -> pd.DataFrame:
    """Recovery and reconstruction needs at each date, with a low/high band (see module doc).

    `dates`: one date or several. Returns `date`, `value`, `low`, `high`, `unit`, `method`.
    Raises ValueError for a date before the first RDNA's as-of date. With fewer than two RDNAs
    (e.g. at an as-of date in 2022) there is no trend: NaN values, and `method` says why.
    """
    if not needs_estimable(assessments):
        stamps = pd.to_datetime(np.atleast_1d(dates))
        known = len(_trend_series(assessments))
        return pd.DataFrame({"date": stamps, "value": np.nan, "low": np.nan, "high": np.nan, "unit": UNIT,
                             "method": f"not estimated: a trend needs {MIN_TREND_ASSESSMENTS} RDNAs with needs, "
                                       f"{known} known"})
    return _NeedsSeries.of(assessments).at(dates)


def _funding_parts(funding: pd.DataFrame, purposes: Iterable[str]) -> dict[str, float]:
    """Sums of the funding table that the gap needs, in USD bn."""
    top = funding["part_of"].isna().to_numpy()
    kind = funding["kind"].to_numpy()
    usd = funding["amount_usd_bn"].to_numpy(dtype=float)
    counted = np.isin(kind, ["committed_instrument", "windfall_backed_loan"]) & funding["purpose"].isin(
        list(purposes)).to_numpy()
    return {
        "principal": float(usd[top & (kind == "immobilised_assets")].sum()),
        "windfall_claims": float(usd[top & (kind == "windfall_backed_loan")].sum()),
        "instruments": float(usd[top & counted].sum()),
        "donor_rate": donor_rate(funding),
    }


def donor_rate(funding: pd.DataFrame) -> float:
    """Donors' yearly volume in the funding table (USD bn a year): the default donor assumption."""
    return float(funding.loc[(funding["kind"] == "donor_rate") & funding["part_of"].isna(), "amount_usd_bn"].sum())


def _check_range(name: str, value: float, low: float, high: float = np.inf) -> None:
    if not low <= value <= high:
        bounds = f"between {low:g} and {high:g}" if np.isfinite(high) else f"at least {low:g}"
        raise ValueError(f"{name} must be {bounds}, not {value!r}")


def funding_gap_grid(assessments: pd.DataFrame, funding: pd.DataFrame, settlement_dates, asset_shares,
                     *, windfall_only: bool = False, donor_bn_per_year: float | None = None,
                     donor_years: float | None = None, private_bn: float = 0.0,
                     purposes: Iterable[str] = DEFAULT_PURPOSES) -> pd.DataFrame:
    """The funding gap for every settlement date x asset share (one row each), vectorised.

    Same assumptions as `funding_gap`. Columns: `settlement_date`, `asset_share`, then
    `<quantity>` for every quantity of GAP_QUANTITIES and `needs_low`, `needs_high`,
    `gap_low`, `gap_high`.
    """
    shares = np.atleast_1d(np.asarray(asset_shares, dtype=float))
    for share in shares:
        _check_range("asset_share", share, 0.0, 1.0)
    _check_range("private_bn", private_bn, 0.0)
    parts = _funding_parts(funding, purposes)
    rows = _trend_series(assessments)
    horizon = float(rows["horizon_years"].dropna().iloc[-1]) if rows["horizon_years"].notna().any() else np.nan
    rate = parts["donor_rate"] if donor_bn_per_year is None else donor_bn_per_year
    if donor_years is None and np.isnan(horizon):
        raise ValueError("no RDNA states a horizon: pass donor_years explicitly")
    years = horizon if donor_years is None else donor_years
    _check_range("donor_bn_per_year", rate, 0.0)
    _check_range("donor_years", years, 0.0)

    needs = needs_at(assessments, settlement_dates)  # NaN before two RDNAs are known: so is the gap
    n_dates = len(needs)
    available_principal = max(parts["principal"] - parts["windfall_claims"], 0.0)
    assets = np.zeros_like(shares) if windfall_only else shares * available_principal
    fixed = parts["instruments"] + rate * years + private_bn
    total = fixed + assets

    grid = pd.DataFrame({
        "settlement_date": np.repeat(needs["date"].to_numpy(), len(shares)),
        "asset_share": np.tile(shares, n_dates),
        "needs": np.repeat(needs["value"].to_numpy(), len(shares)),
        "needs_low": np.repeat(needs["low"].to_numpy(), len(shares)),
        "needs_high": np.repeat(needs["high"].to_numpy(), len(shares)),
        "immobilised_assets": np.tile(assets, n_dates),
        "committed_instruments": parts["instruments"],
        "donor_support": rate * years,
        "private_capital": float(private_bn),
        "total_funding": np.tile(total, n_dates),
    })
    grid["gap"] = grid["needs"] - grid["total_funding"]
    grid["gap_low"] = grid["needs_low"] - grid["total_funding"]
    grid["gap_high"] = grid["needs_high"] - grid["total_funding"]
    return grid


def funding_gap(assessments: pd.DataFrame, funding: pd.DataFrame, settlement_date, *,
                asset_share: float = 0.0, windfall_only: bool = False,
                donor_bn_per_year: float | None = None, donor_years: float | None = None,
                private_bn: float = 0.0, purposes: Iterable[str] = DEFAULT_PURPOSES) -> pd.DataFrame:
    """Needs at `settlement_date` minus what the chosen funding would cover (see module doc).

    `assessments`, `funding`: the `reconstruction_assessments` and `funding_sources` tables.
    `asset_share`: share (0-1) of the immobilised principal mobilised (ignored when
    `windfall_only`). `donor_bn_per_year` (USD bn, default: the data's donor rate) over
    `donor_years` (default: the latest RDNA's horizon). `private_bn`: private capital, USD bn.
    `purposes`: which committed instruments count.

    Returns one row per quantity (GAP_QUANTITIES order): `quantity`, `value`, `low`, `high`,
    `unit`. Only needs (and hence the gap and nothing else) carry a band.
    """
    row = funding_gap_grid(assessments, funding, [settlement_date], [asset_share],
                           windfall_only=windfall_only, donor_bn_per_year=donor_bn_per_year,
                           donor_years=donor_years, private_bn=private_bn, purposes=purposes).iloc[0]
    low = {"needs": row["needs_low"], "gap": row["gap_low"]}
    high = {"needs": row["needs_high"], "gap": row["gap_high"]}
    return pd.DataFrame({
        "quantity": list(GAP_QUANTITIES),
        "value": [float(row[q]) for q in GAP_QUANTITIES],
        "low": [float(low.get(q, row[q])) for q in GAP_QUANTITIES],
        "high": [float(high.get(q, row[q])) for q in GAP_QUANTITIES],
        "unit": UNIT,
    })


def funding_gap_cases(assessments: pd.DataFrame, funding: pd.DataFrame, settlement_dates,
                      cases: Mapping[str, tuple[bool, float]], **assumptions) -> pd.DataFrame:
    """`funding_gap_grid` for several asset cases, stacked with a `case` column.

    `cases`: case name -> (windfall_only, asset_share); `assumptions`: the other keyword
    arguments of `funding_gap_grid`, shared by every case.
    """
    return pd.concat(
        [funding_gap_grid(assessments, funding, settlement_dates, [share], windfall_only=windfall_only,
                          **assumptions).assign(case=case)
         for case, (windfall_only, share) in cases.items()],
        ignore_index=True,
    )
