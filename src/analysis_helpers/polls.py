"""Public opinion on the terms: what Ukrainians and Russians told pollsters, and how each text fares.

    >>> from analysis_helpers import polls
    >>> polls.shares()                                   # one row per survey and item, with intervals
    >>> polls.trend("kiis-concessions", "accept")        # local-level trend with its 95 % band
    >>> polls.compare_waves("kiis-2025-02", "kiis-2025-12")
    >>> polls.acceptability()                            # latest share accepting each mapped provision
    >>> polls.referendum()                               # texts that need a referendum: can it pass?
    >>> polls.trend_figure(points, trends, *polls.context(), as_of, sources=ah.load("sources"))

The surveys, items, answers and their mapping to issues and provisions are the `poll_waves`,
`poll_questions`, `polls` and `poll_mapping` resources (`data/polls/`); the mapping rules are in
`data/polls/CODEBOOK.md`. Every function reads what was known on `as_of` (a poll is known from its
release date). The computations and what each interval is are in `analysis_helpers.analysis.polls`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .analysis import polls as engine
from .conventions import NATIONAL_ID, AsOf
from .data import first_known, known_since, load, package, resolve_as_of
from .figures.polls import (
    acceptability_explorer_report,
    acceptability_figure,
    no_wave_message,
    nothing_polled_message,
    terms_figure,
    trend_figure,
)

__all__ = ["acceptability", "acceptability_explorer_report", "acceptability_figure", "answers", "compare_waves",
           "context", "drift_sentence", "first_polled_term", "first_trend", "mapping", "next_wave",
           "no_wave_message", "nothing_polled_message", "referendum", "series", "shares", "term_history",
           "terms_figure", "trend", "trend_figure", "wave_pair"]

#: Columns of `trend`'s table, kept when there is no trend yet.
TREND_COLUMNS = ["date", "level", "low", "high", "observed", "drift_sd_per_month", "converged"]


def _when(as_of: AsOf, data_dir: Path | str | None) -> pd.Timestamp:
    # None: the package's latest observation, as the proposals facade resolves it (a poll's own
    # date is its release, which is not an observation date the resolver reads).
    return resolve_as_of(as_of, data_dir)


def answers(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Every answer option of every item in every survey released by `as_of`, with the survey's
    fieldwork, sample and coverage and the share's 95 % interval (see `analysis.polls.answers`)."""
    when = _when(as_of, data_dir)
    return engine.answers(load("polls", data_dir, as_of=when), load("poll_waves", data_dir, as_of=when),
                          load("poll_questions", data_dir))


def shares(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """One row per survey and item: shares accepting, rejecting, unsure, each with its interval."""
    return engine.stance_shares(answers(as_of, data_dir))


def series(question_id: str = engine.TRACKING_QUESTION, stance: str = "accept", as_of: AsOf = None,
           data_dir: Path | str | None = None) -> pd.DataFrame:
    """One item's `stance` share wave by wave, with its 95 % interval."""
    return engine.series(shares(as_of, data_dir), question_id, stance)


def trend(question_id: str = engine.TRACKING_QUESTION, stance: str = "accept", as_of: AsOf = None,
          data_dir: Path | str | None = None) -> pd.DataFrame:
    """The smoothed level of one item's `stance` share (local-level model) with its 95 % band;
    no rows while fewer than `engine.MIN_TREND_POLLS` waves of the item are known on `as_of`."""
    points = series(question_id, stance, as_of, data_dir)
    if len(points) < engine.MIN_TREND_POLLS:
        return pd.DataFrame(columns=TREND_COLUMNS)
    return engine.local_level_trend(points)


def first_trend(question_id: str = engine.TRACKING_QUESTION, stance: str = "accept", as_of: AsOf = None,
                data_dir: Path | str | None = None) -> pd.Timestamp:
    """The release day of the wave that made the item's trend possible (its third wave), if that
    came after `as_of`; NaT otherwise (the trend exists then, or never does)."""
    released = series(question_id, stance, None, data_dir)["published"].sort_values()
    if len(released) < engine.MIN_TREND_POLLS:
        return pd.NaT
    day = released.iloc[engine.MIN_TREND_POLLS - 1]
    return day if as_of is None or day > _when(as_of, data_dir) else pd.NaT


def next_wave(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.Timestamp:
    """The release day of the first poll wave after `as_of` (NaT if none came after)."""
    return first_known("poll_waves", data_dir, after=_when(as_of, data_dir))


def drift_sentence(trend: pd.DataFrame) -> str:
    """The fitted month-to-month drift of a `trend`, said in a sentence (or that there is no trend yet)."""
    if trend.empty:
        return f"No trend yet: it needs at least {engine.MIN_TREND_POLLS} waves of the item."
    return f"Fitted drift of the share: about {trend['drift_sd_per_month'].iloc[0]:.1%} (one standard deviation) per month."


def wave_pair(wave_a: str, wave_b: str, question_id: str = engine.TRACKING_QUESTION, stance: str = "accept",
              as_of: AsOf = None, data_dir: Path | str | None = None) -> tuple[str | None, str | None]:
    """The two waves to compare: `wave_a` and `wave_b` when both have the item's share on `as_of`,
    else the item's first and latest waves known then; (None, None) with fewer than two."""
    known = list(series(question_id, stance, as_of, data_dir)["wave_id"])
    if wave_a in known and wave_b in known:
        return wave_a, wave_b
    return (known[0], known[-1]) if len(known) >= 2 else (None, None)


def compare_waves(wave_a: str, wave_b: str, question_id: str = engine.TRACKING_QUESTION, stance: str = "accept",
                  as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.Series:
    """Did the `stance` share of an item change from `wave_a` to `wave_b`? Difference, interval,
    test; an empty series when a wave is None (fewer than two waves known, see `wave_pair`)."""
    if wave_a is None or wave_b is None:
        return pd.Series(dtype=object)
    return engine.wave_difference(shares(as_of, data_dir), question_id, wave_a, wave_b, stance)


def mapping(data_dir: Path | str | None = None, as_of: AsOf = None) -> pd.DataFrame:
    """Which item speaks to which issue and text, with the match quality and its reason: with
    `as_of`, only items asked in a wave released by then and texts known then."""
    table = load("poll_mapping", data_dir)
    if as_of is not None:
        texts = load("proposals", data_dir, as_of=_when(as_of, data_dir))["proposal_id"]
        asked = shares(as_of, data_dir)["question_id"]
        table = table[table["question_id"].isin(asked) & (table["proposal_id"].isna() | table["proposal_id"].isin(texts))]
    return engine.mapping_table(table, load("poll_questions", data_dir), load("issues", data_dir),
                                load("proposals", data_dir))


def term_history(min_match: str = "partial", as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Every wave of every item matched to a provision at `min_match` or better, with the issue's
    name and the text's title."""
    history = engine.term_history(load("poll_mapping", data_dir), shares(as_of, data_dir), min_match)
    return engine.with_names(history, load("issues", data_dir), load("proposals", data_dir))


def acceptability(min_match: str = "partial", as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Per provision with a matching item: the latest share accepting it, its interval and wave."""
    return engine.acceptability(term_history(min_match, as_of, data_dir))


def first_polled_term(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.Timestamp:
    """The first day after `as_of` on which a text's provision had a matching poll (the later of
    the wave's release and the text's publication); NaT if none came after."""
    history = term_history(data_dir=data_dir)
    texts = load("proposals", data_dir)
    since = pd.Series(known_since(package(data_dir), "proposals", texts).to_numpy(), index=texts["proposal_id"])
    days = pd.concat([history["published"], history["proposal_id"].map(since)], axis=1).max(axis=1)
    return days[days > _when(as_of, data_dir)].min() if as_of is not None else days.min()


def context(as_of: AsOf = None, data_dir: Path | str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rounds of talks and the share of Ukraine held by Russia since the first poll, known on `as_of`."""
    when = _when(as_of, data_dir)
    start = load("poll_waves", data_dir, as_of=when)["fieldwork_start"].min()
    if pd.isna(start):  # no poll yet: nothing to set against
        start = when
    return engine.context_between(load("events", data_dir, as_of=when), load("territory_control", data_dir, as_of=when),
                                  start, when, NATIONAL_ID)


def referendum(draws: int = 4000, seed: int = 0, as_of: AsOf = None,
               data_dir: Path | str | None = None) -> pd.DataFrame:
    """For each provision put to a referendum: could the yes side win, on the latest matching poll?"""
    known = load("proposals", data_dir, as_of=_when(as_of, data_dir))["proposal_id"]
    provisions = load("proposal_provisions", data_dir)
    referendums = engine.referendum_texts(provisions[provisions["proposal_id"].isin(known)])
    return engine.referendum_arithmetic(acceptability(as_of=as_of, data_dir=data_dir), referendums, draws, seed)
