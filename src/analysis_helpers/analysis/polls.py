"""Public opinion on the terms: poll shares with their intervals, trends, wave differences, and
what the latest poll says about each text's provisions.

Pure functions on the validated tables (`polls`, `poll_waves`, `poll_questions`, `poll_mapping`,
`proposal_provisions`, `proposals`, `issues`). The facade `analysis_helpers.polls` loads them.

Intervals
    Each share p of an item asked of n_eff = sample_size / split_versions respondents gets the
    95 % interval p +/- 1.96 sqrt(deff p (1 - p) / n_eff), deff the design effect the pollster
    states, else `DEFAULT_DESIGN_EFFECT`. This is an *input-noise band*: sampling error only. It
    leaves out what polls cannot measure from inside (wording, who was not reached, answers given
    in wartime), which KIIS itself calls a systematic deviation added to the formal error.
    `moe` is the wave's margin at p = 1/2: the pollster's where stated for the whole sample,
    otherwise computed that way (`moe_basis` says which).
Trend
    A local-level (random-walk) state-space model fitted by statsmodels: the true share moves as
    a random walk whose variance grows with the days between grid points (one estimated variance
    per day), each poll observes it with its own sampling variance (known, from the interval
    above). The Kalman smoother gives the level and its 95 % band on a monthly grid and at the
    polls (an input-noise band: it carries the polls' sampling error and the drift, not
    wording or coverage error).
Wave difference
    Two independent samples: difference of shares, standard error from both waves' design-effect
    variances, two-sided normal test.
Acceptability of a provision
    Among the items mapped to it (`poll_mapping`) at quality `partial` or better, the best match,
    then its latest wave (by release date): share accepting (every `accept` option) with its
    interval, share rejecting, and whether either is a majority beyond the interval.
Referendum arithmetic
    For texts whose provision says a referendum decides: share voting yes among those who
    decide, with the undecided abstaining; its sampling spread from Dirichlet draws over the
    answer shares (input-noise band) and the probability that yes passes one half; and an
    assumption range for the undecided (all abstain / all vote no / all vote yes).
"""

from __future__ import annotations

import warnings
from functools import cache
from statistics import NormalDist

import numpy as np
import pandas as pd

DEFAULT_DESIGN_EFFECT = 1.3
CONFIDENCE = 0.95
Z = NormalDist().inv_cdf(0.5 + CONFIDENCE / 2)
MATCH_ORDER = ("exact", "close", "partial", "loose")
STANCES = ("accept", "reject", "unsure")
TRACKING_QUESTION = "kiis-concessions"
MAJORITY = 0.5
INTERVAL_KIND = "input-noise band (95 %, sampling error only)"
NOT_COVERED = ("people in Russian-occupied areas, people who left Ukraine after February 2022, and soldiers at "
               "the front, whom phone samples rarely reach (no stored report says how many were asked)")


def answers(polls: pd.DataFrame, waves: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """Every answer row with its wave (dates, sample, coverage), its item's wording and series, the
    fieldwork midpoint `date`, `n_effective`, the design effect used and its basis, and the
    share's 95 % interval (`low`, `high`) and the wave's margin (`moe`, `moe_basis`)."""
    wave_columns = ["wave_id", "pollster", "country", "fieldwork_start", "fieldwork_end", "fieldwork_precision",
                    "published", "mode", "sample_size", "sample_size_note", "population", "excludes", "moe_stated",
                    "design_effect"]
    merged = polls.merge(waves[[*wave_columns, "source_id"]].rename(columns={"source_id": "wave_source_id"}),
                         on="wave_id", how="left")
    merged = merged.merge(questions[["question_id", "series", "wording_en"]], on="question_id", how="left")
    merged["date"] = merged["fieldwork_start"] + (merged["fieldwork_end"] - merged["fieldwork_start"]) / 2
    merged["n_effective"] = merged["sample_size"] / merged["split_versions"]
    stated = merged["design_effect"].notna()
    merged["design_effect_used"] = merged["design_effect"].fillna(DEFAULT_DESIGN_EFFECT).astype(float)
    half_width = Z * np.sqrt(merged["design_effect_used"] * merged["share"] * (1 - merged["share"])
                             / merged["n_effective"])
    merged["low"] = (merged["share"] - half_width).clip(0, 1)
    merged["high"] = (merged["share"] + half_width).clip(0, 1)
    wave_margin = merged["moe_stated"].notna() & (merged["split_versions"] == 1)
    computed = Z * np.sqrt(merged["design_effect_used"] * 0.25 / merged["n_effective"])
    merged["moe"] = np.where(wave_margin, merged["moe_stated"], computed)
    merged["moe_basis"] = np.where(wave_margin, "stated",
                                   np.where(stated, "computed from n (design effect stated)",
                                            f"computed from n (design effect {DEFAULT_DESIGN_EFFECT} assumed)"))
    return merged


def stance_shares(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per wave and item: `accept`, `reject`, `unsure` (sums of the options of each
    stance; NaN where the report gives none), each with `<stance>_low`/`<stance>_high`, and the
    wave's columns. Sorted by date."""
    keys = ["wave_id", "question_id"]
    totals = rows.pivot_table(index=keys, columns="stance", values="share", aggfunc="sum")
    totals = totals.reindex(columns=list(STANCES))
    firsts = rows.drop_duplicates(keys).set_index(keys)
    keep = ["pollster", "country", "series", "wording_en", "date", "fieldwork_start", "fieldwork_end", "published",
            "n_effective", "design_effect_used", "moe", "moe_basis", "options_complete", "excludes", "source_id",
            "wave_source_id"]
    table = firsts[keep].join(totals)
    for stance in STANCES:
        half = Z * np.sqrt(table["design_effect_used"] * table[stance] * (1 - table[stance]) / table["n_effective"])
        table[f"{stance}_low"] = (table[stance] - half).clip(0, 1)
        table[f"{stance}_high"] = (table[stance] + half).clip(0, 1)
    return table.reset_index().sort_values(["date", "wave_id", "question_id"]).reset_index(drop=True)


def series(shares: pd.DataFrame, question_id: str, stance: str = "accept") -> pd.DataFrame:
    """One item's waves in date order: `date`, `share`, `low`, `high`, `variance` (the sampling
    variance the trend uses), the wave and its sources. Waves that do not report `stance` are left out."""
    if stance not in STANCES:
        raise ValueError(f"stance must be one of {', '.join(STANCES)}, not {stance!r}")
    rows = shares[(shares["question_id"] == question_id) & shares[stance].notna()]
    out = rows[["wave_id", "pollster", "date", "published", "n_effective", "design_effect_used", "source_id",
                "wave_source_id"]].copy()
    out["share"], out["low"], out["high"] = rows[stance], rows[f"{stance}_low"], rows[f"{stance}_high"]
    out["variance"] = out["design_effect_used"] * out["share"] * (1 - out["share"]) / out["n_effective"]
    return out.reset_index(drop=True)


#: Fewest waves a local-level trend is fitted on (two leave its drift unidentified).
MIN_TREND_POLLS = 3


@cache
def _local_level_model() -> type:
    """The state-space model class, built on first use: statsmodels takes seconds to import, and
    most uses of this module (the proposals matrix among them) never fit a trend."""
    from statsmodels.tsa.statespace.mlemodel import MLEModel  # slow import: see the docstring

    class PollLocalLevel(MLEModel):
        """Local level with known, unequal observation variances and a drift variance per day."""

        def __init__(self, endog: np.ndarray, observation_variance: np.ndarray, gaps_days: np.ndarray) -> None:
            super().__init__(endog, k_states=1, k_posdef=1, initialization="diffuse")
            self["design"] = np.ones((1, 1))
            self["transition"] = np.ones((1, 1))
            self["selection"] = np.ones((1, 1))
            # Where no poll sits on a grid point its variance is unused (the observation is missing).
            self["obs_cov"] = np.nan_to_num(observation_variance, nan=1.0).reshape(1, 1, -1)
            self["state_cov"] = np.ones((1, 1, len(endog)))
            self._gaps = gaps_days

        @property
        def param_names(self) -> list[str]:
            return ["drift_variance_per_day"]

        @property
        def start_params(self) -> np.ndarray:
            return np.array([1e-5])

        def transform_params(self, unconstrained):
            return np.asarray(unconstrained) ** 2

        def untransform_params(self, constrained):
            return np.sqrt(np.asarray(constrained))

        def update(self, params, **kwargs):
            params = super().update(params, **kwargs)
            self["state_cov", 0, 0, :] = params[0] * self._gaps
            return params

    return PollLocalLevel


def local_level_trend(points: pd.DataFrame, freq: str = "MS") -> pd.DataFrame:
    """The smoothed level of a series (from `series`) on a grid of month starts plus the poll
    dates: `date`, `level`, `low`, `high` (95 % input-noise band), `observed` (a poll sits there)
    `drift_sd_per_month` (the fitted random-walk step over 30 days, one value repeated) and
    `converged` (the optimiser's word; false when the drift sits on its bound of zero).
    Needs at least three polls (ValueError otherwise)."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning  # slow import, only when fitting

    if len(points) < MIN_TREND_POLLS:
        raise ValueError(f"a trend needs at least {MIN_TREND_POLLS} polls; this series has {len(points)}")
    polls = points.groupby("date", as_index=True).agg(share=("share", "mean"), variance=("variance", "mean"))
    grid = pd.date_range(points["date"].min().to_period("M").to_timestamp(), points["date"].max(), freq=freq)
    dates = polls.index.union(grid).sort_values()
    endog = polls["share"].reindex(dates).to_numpy(dtype=float)
    variance = polls["variance"].reindex(dates).to_numpy(dtype=float)
    gaps = np.append(np.diff(dates.to_numpy()).astype("timedelta64[D]").astype(float), 1.0)
    model = _local_level_model()(endog, variance, gaps)
    with warnings.catch_warnings():
        # A series with no drift beyond sampling noise puts the variance on its bound of zero,
        # where the optimiser reports non-convergence; the fit is still the answer (`converged`).
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = model.fit(disp=False)
    level = fitted.smoothed_state[0]
    spread = np.sqrt(np.maximum(fitted.smoothed_state_cov[0, 0], 0.0))
    drift = float(np.sqrt(fitted.params[0] * 30.0))
    return pd.DataFrame({"date": dates, "level": level, "low": np.clip(level - Z * spread, 0, 1),
                         "high": np.clip(level + Z * spread, 0, 1), "observed": ~np.isnan(endog),
                         "drift_sd_per_month": drift, "converged": bool(fitted.mle_retvals.get("converged", True))})


def wave_difference(shares: pd.DataFrame, question_id: str, wave_a: str, wave_b: str,
                    stance: str = "accept") -> pd.Series:
    """Change of one item's `stance` share from `wave_a` to `wave_b`: `share_a`, `share_b`,
    `difference` (b - a), its `se`, 95 % `low`/`high`, `z` and two-sided `p_value`
    (independent samples, design effects included). KeyError naming the waves that lack the item."""
    rows = series(shares, question_id, stance).set_index("wave_id")
    missing = [w for w in (wave_a, wave_b) if w not in rows.index]
    if missing:
        raise KeyError(f"{question_id} has no '{stance}' share in {', '.join(missing)}; "
                       f"waves with one: {', '.join(rows.index)}")
    a, b = rows.loc[wave_a], rows.loc[wave_b]
    difference = float(b["share"] - a["share"])
    se = float(np.sqrt(a["variance"] + b["variance"]))
    z = difference / se
    return pd.Series({"question_id": question_id, "stance": stance, "wave_a": wave_a, "wave_b": wave_b,
                      "share_a": float(a["share"]), "share_b": float(b["share"]), "difference": difference,
                      "se": se, "low": difference - Z * se, "high": difference + Z * se, "z": z,
                      "p_value": 2 * (1 - NormalDist().cdf(abs(z)))})


def mapping_table(mapping: pd.DataFrame, questions: pd.DataFrame, issues: pd.DataFrame,
                  proposals: pd.DataFrame) -> pd.DataFrame:
    """The item-to-issue and item-to-provision mapping with the item's wording, the issue's name
    and the text's title, best matches first."""
    table = mapping.merge(questions[["question_id", "pollster", "wording_en"]], on="question_id", how="left")
    table = table.merge(issues[["issue_id", "name"]].rename(columns={"name": "issue"}), on="issue_id", how="left")
    table = table.merge(proposals[["proposal_id", "title"]], on="proposal_id", how="left")
    table["match_rank"] = table["match"].map({m: i for i, m in enumerate(MATCH_ORDER)})
    return table.sort_values(["match_rank", "question_id", "issue_id", "proposal_id"], na_position="first") \
        .drop(columns="match_rank").reset_index(drop=True)


def _majority(accept: float, accept_low: float, reject: float, reject_low: float) -> str:
    if pd.notna(accept_low) and accept_low > MAJORITY:
        return "majority accepts"
    if pd.notna(reject_low) and reject_low > MAJORITY:
        return "majority rejects"
    if pd.notna(reject) and reject > MAJORITY:
        return "most reject (within the margin)"
    if pd.notna(accept) and accept > MAJORITY:
        return "most accept (within the margin)"
    return "no majority"


def term_history(mapping: pd.DataFrame, shares: pd.DataFrame, min_match: str = "partial") -> pd.DataFrame:
    """Every wave of every item mapped to a provision at `min_match` or better: one row per
    (text, issue, item, wave) with `match`, `reason`, accept/reject shares and intervals,
    `majority`, and the sources of the shares and of the wave."""
    allowed = MATCH_ORDER[: MATCH_ORDER.index(min_match) + 1]
    mapped = mapping[mapping["proposal_id"].notna() & mapping["match"].isin(allowed)]
    columns = ["wave_id", "question_id", "pollster", "date", "published", "accept", "accept_low", "accept_high",
               "reject", "reject_low", "reject_high", "unsure", "n_effective", "moe", "moe_basis", "excludes",
               "source_id", "wave_source_id"]
    history = mapped[["proposal_id", "issue_id", "question_id", "match", "reason"]].merge(
        shares[columns], on="question_id", how="inner")
    history["majority"] = [_majority(r.accept, r.accept_low, r.reject, r.reject_low)
                           for r in history.itertuples(index=False)]
    history["match_rank"] = history["match"].map({m: i for i, m in enumerate(MATCH_ORDER)})
    return history.sort_values(["proposal_id", "issue_id", "match_rank", "question_id", "published"]) \
        .reset_index(drop=True)


def acceptability(history: pd.DataFrame) -> pd.DataFrame:
    """Per provision (text, issue) with a mapped item: the best match's latest wave (from
    `term_history`): share accepting with its interval, share rejecting, `majority`, the wave's
    release date, the item and its match quality and reason."""
    if history.empty:
        return history.drop(columns="match_rank", errors="ignore")
    best = history[history["match_rank"] == history.groupby(["proposal_id", "issue_id"])["match_rank"]
                   .transform("min")]
    latest = best.sort_values(["published", "date"]).groupby(["proposal_id", "issue_id"], sort=False).tail(1)
    return latest.drop(columns="match_rank").sort_values(["proposal_id", "issue_id"]).reset_index(drop=True)


def acceptance_metrics(accepted: pd.DataFrame) -> pd.DataFrame:
    """`acceptability` as rows of the proposals comparison (`proposal_id, metric, value, unit`):
    `acceptance:<issue>`, `acceptance_low:<issue>`, `acceptance_high:<issue>` (shares) and
    `acceptance_wave:<issue>` (the wave's release date as a number of days since 1970, unit `date`)."""
    rows = []
    for r in accepted.itertuples(index=False):
        rows += [(r.proposal_id, f"acceptance:{r.issue_id}", float(r.accept), "share"),
                 (r.proposal_id, f"acceptance_low:{r.issue_id}", float(r.accept_low), "share"),
                 (r.proposal_id, f"acceptance_high:{r.issue_id}", float(r.accept_high), "share"),
                 (r.proposal_id, f"acceptance_released:{r.issue_id}",
                  float(pd.Timestamp(r.published).value // 86_400_000_000_000), "days since 1970-01-01")]
    return pd.DataFrame(rows, columns=["proposal_id", "metric", "value", "unit"])


def referendum_texts(provisions: pd.DataFrame) -> pd.DataFrame:
    """The provisions that put a term to a referendum (their text says so): `proposal_id`, `issue_id`."""
    said = provisions["provision"].fillna("").str.contains("referendum", case=False)
    return provisions.loc[said, ["proposal_id", "issue_id", "provision", "source_id"]].reset_index(drop=True)


REFERENDUM_COLUMNS = ["proposal_id", "issue_id", "question_id", "match", "wave_id", "published",
                      "yes_among_deciding", "yes_low", "yes_high", "p_yes_over_half", "yes_if_undecided_vote_no",
                      "yes_if_undecided_vote_yes", "undecided_reported", "not_covered", "source_id",
                      "wave_source_id"]


def referendum_arithmetic(accepted: pd.DataFrame, referendums: pd.DataFrame, draws: int = 4000,
                          seed: int = 0) -> pd.DataFrame:
    """For each referendum provision with an acceptability row: yes share among those deciding
    (undecided abstain) with its 95 % input-noise band and the probability it exceeds one half
    (Dirichlet draws of effective size n_effective / design effect over accept, reject, unsure);
    the assumption range over the undecided (`yes_if_undecided_vote_no`, `yes_if_undecided_vote_yes`);
    and who the poll did not cover."""
    rng = np.random.default_rng(seed)
    rows = []
    merged = referendums.merge(accepted, on=["proposal_id", "issue_id"], how="inner", suffixes=("_text", ""))
    for r in merged.itertuples(index=False):
        unsure = float(r.unsure) if pd.notna(r.unsure) else 0.0
        shares = np.array([r.accept, r.reject, unsure], dtype=float)
        shares = shares / shares.sum()
        size = float(r.n_effective) / DEFAULT_DESIGN_EFFECT
        sample = rng.dirichlet(np.maximum(shares * size, 1e-3), size=draws)
        yes = sample[:, 0] / (sample[:, 0] + sample[:, 1])
        total = float(r.accept + r.reject + unsure)
        rows.append({"proposal_id": r.proposal_id, "issue_id": r.issue_id, "question_id": r.question_id,
                     "match": r.match, "wave_id": r.wave_id, "published": r.published,
                     "yes_among_deciding": float(r.accept / (r.accept + r.reject)),
                     "yes_low": float(np.quantile(yes, 0.025)), "yes_high": float(np.quantile(yes, 0.975)),
                     "p_yes_over_half": float((yes > MAJORITY).mean()),
                     "yes_if_undecided_vote_no": float(r.accept / total),
                     "yes_if_undecided_vote_yes": float((r.accept + unsure) / total),
                     "undecided_reported": pd.notna(r.unsure),
                     "not_covered": f"{r.excludes}; and {NOT_COVERED}",
                     "source_id": r.source_id, "wave_source_id": r.wave_source_id})
    return pd.DataFrame(rows, columns=REFERENDUM_COLUMNS)  # the columns even with no row (no poll yet)


ACCEPTANCE_COLUMNS = {"accept": "acceptance", "accept_low": "acceptance_low", "accept_high": "acceptance_high",
                      "published": "acceptance_released", "question_id": "acceptance_item",
                      "match": "acceptance_match", "source_id": "acceptance_source"}


def with_acceptance(matrix: pd.DataFrame, accepted: pd.DataFrame) -> pd.DataFrame:
    """The proposals position matrix with `ACCEPTANCE_COLUMNS` beside each provision that has a
    matching poll item (empty elsewhere). The poll's source is `acceptance_source`, not a
    `*source_id` column, so that charts of positions alone do not cite polls they do not draw."""
    extra = accepted[["proposal_id", "issue_id", *ACCEPTANCE_COLUMNS]].rename(columns=ACCEPTANCE_COLUMNS)
    return matrix.merge(extra, on=["proposal_id", "issue_id"], how="left")


def context_between(events: pd.DataFrame, control: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
                    national_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What to set the polls against between `start` and `end`: the rounds of talks (events of
    kind `talks`) and the share of Ukraine under Russian control (`control` rows of `national_id`)."""
    talks = events[(events["kind"] == "talks") & events["date"].between(start, end)]
    front = control[(control["region_id"] == national_id) & control["date"].between(start, end)]
    return talks.sort_values("date").reset_index(drop=True), front.sort_values("date").reset_index(drop=True)


def with_names(table: pd.DataFrame, issues: pd.DataFrame, proposals: pd.DataFrame,
               short: int = 40) -> pd.DataFrame:
    """`table` (rows with `issue_id` and `proposal_id`) with the issue's `issue` name, the text's
    `title` and a `title_short` of at most `short` characters, for labels."""
    named = table.merge(issues[["issue_id", "name"]].rename(columns={"name": "issue"}), on="issue_id", how="left")
    named = named.merge(proposals[["proposal_id", "title"]], on="proposal_id", how="left")
    named["title_short"] = [t if len(t) <= short else t[: short - 1].rstrip() + "…" for t in named["title"]]
    return named
