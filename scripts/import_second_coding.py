"""Copy the blind second coder's file into the kit's dataset `data/stances/second_coding.csv`.

    .venv/bin/python scripts/import_second_coding.py CODES.csv SHEET.csv --coder ID --coded-on YYYY-MM-DD

CODES.csv is what the second coder wrote (`item_id,position,uncertainty,salience,read,note`);
SHEET.csv the sheet it coded from (`scripts/second_coding_sheet.py`), which gives each item's
source. The codes are copied as written; this script adds who coded and when, the source, and
`first_code_hinted`, the one column set here by the maintainer (who has seen the first codes):
which items the codebook's worked examples or the sheet's own wording name the code of
(`HINTED`, read from data/stances/CODEBOOK.md sections 7, 10 and 11 and from the sheet).
The dataset is validated after writing; an existing file is replaced only with --overwrite.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from analysis_helpers import load  # noqa: E402
from analysis_helpers.paths import write_atomically  # noqa: E402

TARGET = REPO / "data" / "stances" / "second_coding.csv"
CODER_COLUMNS = ["item_id", "position", "uncertainty", "salience", "read", "note"]
COLUMNS = ["item_id", "coder", "coded_on", "position", "uncertainty", "salience", "read", "note", "source_id",
           "first_code_hinted"]
# Items of the seed-23 sample whose first code the second coder could read before coding.
HINTED = {
    # CODEBOOK 11 worked examples and 11.8 name these texts' codes on these issues.
    "provision:burgenstock-communique:territory": "codebook",  # "Bürgenstock communiqué, territory -> 10"
    "provision:e3-counter-proposal:territory": "codebook",  # 11.8: the European counter-proposal is T45
    "provision:ua-eu-london-2025-04:nuclear_safety": "codebook",  # 11.8: London, April 2025 is N15
    # 11.8 names Jeddah's 30-day ceasefire as the 50 anchor; the sheet's clause ends "The 50 anchor."
    "provision:jeddah-statement-2025:ceasefire_sequencing": "codebook and sheet",
    # Section 7, example 1: Putin's conditions of June 2024 on territory -> 100 (the same statement).
    "provision:ru-conditions-2024:territory": "codebook",
    # Section 7, example 5 (the 2022 formula -> 5) and section 10, example 7 (the Istanbul memorandum -> 50).
    "stance:ukraine:ceasefire_sequencing:2022-11-15": "codebook",
    "stance:ukraine:ceasefire_sequencing:2025-06-01": "codebook",
    # The sheet's evidence ends "(neutral on substance, section 1)", which section 1 codes 50.
    "stance:china:ceasefire_sequencing:2026-02-27": "sheet",
}


def imported(codes: pd.DataFrame, sheet: pd.DataFrame, coder: str, coded_on: str) -> pd.DataFrame:
    """The second coder's rows with coder, date, source and hint added, in the dataset's columns."""
    missing = sorted(set(sheet["item_id"]) - set(codes["item_id"]))
    if missing:
        raise SystemExit(f"the second coding lacks {len(missing)} item(s) of the sheet, e.g. {missing[0]}")
    source = sheet.set_index("item_id")["source_id"]
    rows = codes[CODER_COLUMNS].assign(coder=coder, coded_on=coded_on, source_id=codes["item_id"].map(source),
                                       first_code_hinted=codes["item_id"].map(HINTED).fillna("no"))
    return rows[COLUMNS].sort_values("item_id", ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("codes", type=Path, help="the second coder's file")
    parser.add_argument("sheet", type=Path, help="the sheet it coded from")
    parser.add_argument("--coder", required=True, help="an id for the second coder")
    parser.add_argument("--coded-on", required=True, help="the day of the coding (YYYY-MM-DD)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing dataset")
    args = parser.parse_args()
    if TARGET.exists() and not args.overwrite:
        raise SystemExit(f"{TARGET} exists: pass --overwrite to replace it")
    rows = imported(pd.read_csv(args.codes, dtype=str, keep_default_na=False),
                    pd.read_csv(args.sheet, dtype=str, keep_default_na=False), args.coder, args.coded_on)
    write_atomically(TARGET, rows.to_csv(index=False, lineterminator="\n"))
    print(f"{len(rows)} rows written to {TARGET.relative_to(REPO)}; validated: {len(load('second_coding'))} rows")


if __name__ == "__main__":
    main()
