"""Peace proposals side by side: what each text says on each issue, where its line runs, what it costs whom.

    >>> from analysis_helpers import proposals
    >>> proposals.list_proposals()                       # in date order
    >>> proposals.compare()                              # proposal_id, metric, value, unit
    >>> proposals.diff("us-28-point", "us-ua-20-point")  # issue by issue, region by region
    >>> proposals.pax_coding()                           # each text in PA-X's 0-3 coding
    >>> proposals.export_pax("texts_pax.csv")            # the same in PA-X's column layout, with a note

The texts, their coded provisions and their lines are the `proposals`, `proposal_provisions`
and `proposal_lines` resources of the data package (`data/proposals/`); the coding rules are in
`data/stances/CODEBOOK.md` (section 11). The computations are `analysis_helpers.analysis.proposals`
(see its docstring for what each metric means and assumes); this module also re-exports the
analysis functions and figure builders a notebook applies to what these functions return.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from . import polls as opinion
from .analysis import polls as opinion_engine
from .analysis import proposals as engine
from .analysis.proposals import (
    actor_distances,
    beside_past_agreements,
    beyond_interval_table,
    comparator_pair,
    compare_table,
    costs_by_side,
    drafts_beside_durability,
    durability_by_provision,
    model_intervals,
    open_counts,
    pax_export_note,
    pax_layout,
    pax_presence,
    side_metrics,
    sides,
)
from .conventions import AsOf
from .data import load
from .figures.proposals import (
    distance_figure,
    durability_figure,
    lines_map,
    no_text_message,
    past_agreements_figure,
    position_matrix_figure,
    sides_figure,
)
from .territory import boundaries

__all__ = ["actor_distances", "beside_past_agreements", "beyond_interval_table", "boundaries", "comparator_pair",
           "compare", "compare_table", "costs_by_side", "diff", "distance_figure", "drafts_beside_durability",
           "durability_beside_drafts", "durability_by_provision", "durability_figure", "export_pax", "lines_map",
           "list_proposals", "model_intervals", "no_text_message", "open_counts", "past_agreements_figure",
           "pax_coding", "pax_export_note", "pax_layout", "pax_presence", "position_matrix",
           "position_matrix_figure", "resolved_lines", "side_metrics", "sides", "sides_figure"]

TABLES = ("proposals", "proposal_provisions", "proposal_lines", "territory_control", "regions", "stances", "actors",
          "issues", "reconstruction_regions", "reconstruction_assessments", "settlements", "settlement_control")


def _tables(data_dir: Path | str | None, as_of: AsOf = None) -> dict[str, pd.DataFrame]:
    """The tables as known on `as_of` (each schema's knownFrom: a text once it was presented and
    its content reported, its provisions and line with it); all rows when `as_of` is None."""
    return {name: load(name, data_dir, as_of=as_of) for name in TABLES}


def list_proposals(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """The texts known on `as_of` (default: all), in date order."""
    return engine.proposals_in_order(load("proposals", data_dir, as_of=as_of))


def resolved_lines(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Every region under every text's line known on `as_of` (shares on Russia's side, in a
    buffer, on Ukraine's side, and the pre-war people on each: `analysis.proposals.with_people`)."""
    return _resolved_with_people(_tables(data_dir, as_of))


def _resolved_with_people(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    resolved = engine.resolve_lines(tables["proposal_lines"], tables["territory_control"], tables["regions"])
    return engine.with_people(resolved, tables["regions"], tables["settlements"], tables["settlement_control"])


def position_matrix(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Texts x issues with each cell's state (coded, silent, not reported), position, provision, source,
    and the latest poll share accepting the provision where an item matches it (`acceptance*`)."""
    tables = _tables(data_dir, as_of)
    matrix = engine.position_matrix(tables["proposal_provisions"], tables["proposals"], tables["issues"])
    return opinion_engine.with_acceptance(matrix, opinion.acceptability(as_of=as_of, data_dir=data_dir))


def compare(as_of: AsOf = None, models: Sequence[str] = engine.DEFAULT_MODELS, draws: int = engine.DEFAULT_DRAWS,
            seed: int = 0, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Long table `proposal_id, metric, value, unit` for the texts dated on or before `as_of`.

    Sides of each line (area, share of Ukraine, pre-war population on Russia's side, in buffer
    zones and on Ukraine's side), damage and needs by side where regional figures exist (with the
    share of the national total assigned), coded positions, each actor's salience-weighted
    distance at the text's date, and where the bargaining `models`' 80 % interval lies
    (`draws` Monte Carlo draws, `seed`); and, where a poll item matches a provision, the latest share
    accepting it (`acceptance:<issue>` with `acceptance_low`/`_high` and `acceptance_released`)."""
    tables = _tables(data_dir, as_of)
    known, provisions = tables["proposals"], tables["proposal_provisions"]
    resolved = _resolved_with_people(tables)
    costs = engine.costs_by_side(resolved, tables["reconstruction_regions"], tables["reconstruction_assessments"])
    distances = engine.actor_distances(provisions, known, tables["stances"])
    intervals = engine.model_intervals(provisions, known, tables["stances"], tables["actors"], models, draws, seed)
    table = engine.compare_table(known, provisions, resolved, tables["regions"], costs, distances, intervals)
    accepted = opinion_engine.acceptance_metrics(opinion.acceptability(as_of=as_of, data_dir=data_dir))
    order = {pid: i for i, pid in enumerate(engine.proposals_in_order(known)["proposal_id"])}
    table = pd.concat([table, accepted[accepted["proposal_id"].isin(order)]], ignore_index=True)
    return table.sort_values("proposal_id", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


def diff(a: str, b: str, data_dir: Path | str | None = None, as_of: AsOf = None) -> pd.DataFrame:
    """What changed from text `a` to text `b`, issue by issue and region by region (see
    `analysis.proposals.diff`), with the data known on `as_of` (None: all). KeyError naming the
    known ids if either is unknown; no row when both are "" (no text known yet, as
    `analysis.proposals.comparator_pair` gives before the first text)."""
    tables = _tables(data_dir, as_of)
    known = set(tables["proposals"]["proposal_id"])
    unknown = [p for p in (a, b) if p not in known and (a or b)]
    if unknown:
        raise KeyError(f"unknown proposal_id {unknown[0]!r}; known: {', '.join(sorted(known))}")
    resolved = engine.resolve_lines(tables["proposal_lines"][tables["proposal_lines"]["proposal_id"].isin({a, b})],
                                    tables["territory_control"], tables["regions"])
    return engine.diff(a, b, tables["proposal_provisions"], resolved, tables["issues"], tables["regions"])


def pax_coding(as_of: AsOf = None, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Each text known on `as_of` in PA-X v10's coding: one row per text and PA-X category the
    crosswalk maps, `value` 0-3 (NaN where no report says) and the `basis` of CODEBOOK 11.11
    (`analysis.proposals.pax_coding`)."""
    tables = _tables(data_dir, as_of)
    return engine.pax_coding(tables["proposal_provisions"], tables["proposals"], load("pax_crosswalk", data_dir))


def export_pax(path: Path | str, as_of: AsOf = None, overwrite: bool = False,
               data_dir: Path | str | None = None) -> tuple[Path, Path]:
    """Write the texts known on `as_of` in PA-X's column layout (`pax_layout`) to the CSV `path`, and
    beside it `<name>.README.txt`, which says what the columns hold and which PA-X categories are
    left out (every one the crosswalk does not map). Both are written atomically (a temporary file
    renamed), and neither replaces an existing file unless `overwrite` (FileExistsError naming it).
    Returns the two paths."""
    from .paths import write_atomically

    target = Path(path)
    note_path = target.with_name(f"{target.stem}.README.txt")
    for existing in (target, note_path):
        if existing.exists() and not overwrite:
            raise FileExistsError(f"{existing} exists; pass overwrite=True (--overwrite) to replace it")
    coding = pax_coding(as_of, data_dir)
    table = pax_layout(coding, list_proposals(as_of, data_dir))
    write_atomically(target, table.to_csv(index=False, lineterminator="\n"))
    write_atomically(note_path, pax_export_note(coding))
    return target, note_path


def durability_beside_drafts(as_of: AsOf = None, since: AsOf = "2025-01-01",
                             samples: Sequence[str] = ("all", "territorial"),
                             data_dir: Path | str | None = None) -> pd.DataFrame:
    """Per sample and provision: how long past UCDP agreements with and without it held
    (`agreement_durability` as known on `as_of`, `durability_by_provision`), beside how many of the
    texts dated from `since` and known on `as_of` carry it (`ucdp_flags`, CODEBOOK 11.11)."""
    tables = _tables(data_dir, as_of)
    held = engine.durability_by_provision(load("agreement_durability", data_dir, as_of=as_of), samples)
    flags = engine.ucdp_flags(tables["proposal_provisions"], tables["proposals"])
    return engine.drafts_beside_durability(held, flags, tables["proposals"], since)
