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
from .data import load, resolve_as_of
from .figures.polls import acceptability_explorer_report, acceptability_figure, terms_figure, trend_figure

__all__ = ["acceptability", "acceptability_explorer_report", "acceptability_figure", "answers", "compare_waves",
           "context", "mapping", "referendum", "series", "shares", "term_history", "terms_figure", "trend",
           "trend_figure"]



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
    """The smoothed level of one item's `stance` share (local-level model) with its 95 % band."""
    return engine.local_level_trend(series(question_id, stance, as_of, data_dir))


def compare_waves(wave_a: str, wave_b: str, question_id: str = engine.TRACKING_QUESTION, stance: str = "accept",
                  as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.Series:
    """Did the `stance` share of an item change from `wave_a` to `wave_b`? Difference, interval, test."""
    return engine.wave_difference(shares(as_of, data_dir), question_id, wave_a, wave_b, stance)


def mapping(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Which item speaks to which issue and text, with the match quality and its reason."""
    return engine.mapping_table(load("poll_mapping", data_dir), load("poll_questions", data_dir),
                                load("issues", data_dir), load("proposals", data_dir))


def term_history(min_match: str = "partial", as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Every wave of every item matched to a provision at `min_match` or better, with the issue's
    name and the text's title."""
    history = engine.term_history(load("poll_mapping", data_dir), shares(as_of, data_dir), min_match)
    return engine.with_names(history, load("issues", data_dir), load("proposals", data_dir))


def acceptability(min_match: str = "partial", as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Per provision with a matching item: the latest share accepting it, its interval and wave."""
    return engine.acceptability(term_history(min_match, as_of, data_dir))


def context(as_of: AsOf = None, data_dir: Path | str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rounds of talks and the share of Ukraine held by Russia since the first poll, known on `as_of`."""
    when = _when(as_of, data_dir)
    start = load("poll_waves", data_dir, as_of=when)["fieldwork_start"].min()
    return engine.context_between(load("events", data_dir, as_of=when), load("territory_control", data_dir, as_of=when),
                                  start, when, NATIONAL_ID)


def referendum(draws: int = 4000, seed: int = 0, as_of: AsOf = None,
               data_dir: Path | str | None = None) -> pd.DataFrame:
    """For each provision put to a referendum: could the yes side win, on the latest matching poll?"""
    known = load("proposals", data_dir, as_of=_when(as_of, data_dir))["proposal_id"]
    provisions = load("proposal_provisions", data_dir)
    referendums = engine.referendum_texts(provisions[provisions["proposal_id"].isin(known)])
    return engine.referendum_arithmetic(acceptability(as_of=as_of, data_dir=data_dir), referendums, draws, seed)
