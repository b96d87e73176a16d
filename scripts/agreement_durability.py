"""How long past peace agreements held, by provision: the `agreement_durability` table.

    .venv/bin/python scripts/agreement_durability.py ../shared/reference/base_rates/ucdp_peace_agreements_22.1.csv

Reads the UCDP Peace Agreement Dataset v22.1 (never committed) and writes
data/proposals/agreement_durability.csv: per sample (all agreements, those of territorial
conflicts, interstate ones), provision and with/without it, the number of agreements and
conflicts, how many ended, the Kaplan-Meier median years in force and the share still in force
after 1, 2 and 5 years (`analysis.proposals.agreement_durability`). Records the file it read in
the provenance manifest (data/territory/provenance.csv).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))

from provenance import file_rows, record  # noqa: E402

from analysis_helpers.analysis.proposals import agreement_durability, ucdp_agreement_spells  # noqa: E402
from analysis_helpers.paths import write_atomically  # noqa: E402

DATASET = "agreement_durability"
OUTPUT = REPO / "data" / "proposals" / "agreement_durability.csv"
SOURCE_ID = "fc-ucdp-peace-agreements-22-1"
# The release is dated by its year only (sources table: 1 January 2022 used), like the settlement base rates.
PUBLISHED = "2022-01-01"


def build(agreements_csv: Path) -> pd.DataFrame:
    """The table as written: `agreement_durability` plus `published` and `source_id`, rounded."""
    with warnings.catch_warnings():
        # scipy warns that the log-log band is undefined where survival is still 1: those bands stay empty
        warnings.filterwarnings("ignore", message="The confidence interval is undefined")
        table = agreement_durability(ucdp_agreement_spells(pd.read_csv(agreements_csv)))
    for column in table.columns:
        if pd.api.types.is_datetime64_any_dtype(table[column]):
            table[column] = table[column].dt.strftime("%Y-%m-%d")
    table.insert(0, "published", PUBLISHED)
    table["source_id"] = SOURCE_ID
    return table.round(4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("agreements_csv", type=Path, help="ucdp_peace_agreements_22.1.csv")
    args = parser.parse_args()
    write_atomically(OUTPUT, build(args.agreements_csv).to_csv(index=False, lineterminator="\n"))
    record(file_rows(DATASET, SOURCE_ID, [args.agreements_csv], upstream_version="UCDP PA 22.1"))
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
