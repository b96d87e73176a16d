"""Draw the sample for the blind second coding and write the sheet the second coder works from.

    .venv/bin/python scripts/second_coding_sheet.py /path/outside/the/repo/sheet.csv

Issue 23 asks for a second coding of a random 20 % of stance rows and of coded provisions, by a
pass that follows data/stances/CODEBOOK.md without seeing the first codes. This script draws that
sample (a fixed seed, so the sample is the record) and writes, for each drawn row, what a coder
needs and nothing of the first coding: who, which issue, when, the evidence or clause as worded
in the data with the fixed-anchor labels removed (they name the code), and the source to read.
The position, salience, uncertainty and confidence columns are left out. The sheet belongs
outside the repository, where the second coder cannot stumble on the coded files beside it.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from analysis_helpers import load  # noqa: E402
from analysis_helpers.paths import write_atomically  # noqa: E402

SAMPLE_SHARE = 0.2
SEED = 23  # the number: fixed before the draw, never tuned
# Wording that names the code or the codebook rule that fixes it: "Fixed anchor T30 (CODEBOOK
# 11.8).", "The 50 anchor.", "(neutral on substance, section 1)". The sheet of 2026-12-07 was drawn
# before the last two forms were caught; the second_coding notes list the items they hinted.
ANCHOR_LABEL = re.compile(r"\s*Fixed anchor \w+ \(CODEBOOK [\d.]+\)(:[^.]*)?\."
                          r"|\s*The \d+ anchor\."
                          r"|\s*\([^()]*\b(?:section|CODEBOOK) [\d.]+[^()]*\)")


def blinded(text: str) -> str:
    """The evidence or clause without the labels that state its code."""
    return ANCHOR_LABEL.sub("", str(text)).strip()


def sheet() -> pd.DataFrame:
    """One row per drawn stance row or coded provision, with its source and no first code."""
    stances = load("stances")
    provisions = load("proposal_provisions")
    provisions = provisions[~provisions["silent"].astype(bool)]
    proposals = load("proposals").set_index("proposal_id")
    sources = load("sources").set_index("source_id")
    stance_rows = stances.sample(frac=SAMPLE_SHARE, random_state=SEED).assign(
        item_id=lambda f: "stance:" + f["actor_id"] + ":" + f["issue_id"] + ":"
        + f["as_of"].astype(str).str[:10],
        kind="stance", who=lambda f: f["actor_id"],
        dated=lambda f: f["as_of"].astype(str).str[:10], text=lambda f: f["evidence"])
    provision_rows = provisions.sample(frac=SAMPLE_SHARE, random_state=SEED).assign(
        item_id=lambda f: "provision:" + f["proposal_id"] + ":" + f["issue_id"],
        kind="provision",
        who=lambda f: f["proposal_id"] + " (" + f["proposal_id"].map(proposals["title"]) + ")",
        dated=lambda f: f["proposal_id"].map(proposals["date"]).astype(str).str[:10],
        text=lambda f: f["provision"])
    rows = pd.concat([stance_rows, provision_rows], ignore_index=True)
    rows["text"] = rows["text"].map(blinded)
    for column in ("publisher", "title", "url"):
        rows[column] = rows["source_id"].map(sources[column])
    return rows[["item_id", "kind", "who", "issue_id", "dated", "text", "source_id",
                 "publisher", "title", "url"]].sort_values("item_id", ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="where to write the sheet (outside the repository)")
    args = parser.parse_args()
    write_atomically(args.output, sheet().to_csv(index=False, lineterminator="\n"))


if __name__ == "__main__":
    main()
