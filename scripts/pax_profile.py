"""How often past peace agreements carry each PA-X provision the kit's issues map to.

    .venv/bin/python scripts/pax_profile.py ../shared/reference/pax/pax_all_agreements_v10.csv

Reads the PA-X v10 release (never committed) and writes data/proposals/pax_profile.csv: for
each comparison group and each PA-X category of data/proposals/pax_crosswalk.csv, the number of
agreements, how many carry the provision (a value above 0) and the share; records the file read in
the provenance manifest (data/territory/provenance.csv). Groups: every
agreement; the substantive ones (PA-X stages `SubPar`, partial, and `SubComp`, comprehensive:
the stages a settlement draft aims at); and the substantive ones of interstate conflicts (PA-X
agreement types `Inter` and `InterIntra`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))

from provenance import file_rows, record  # noqa: E402

from analysis_helpers import load  # noqa: E402
from analysis_helpers.paths import write_atomically  # noqa: E402

OUTPUT = REPO / "data" / "proposals" / "pax_profile.csv"
SOURCE_ID = "prop-pax-v10"
SUBSTANTIVE_STAGES = ("SubPar", "SubComp")
INTERSTATE_TYPES = ("Inter", "InterIntra")


def groups(pax: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The comparison groups of the module docstring, by name."""
    substantive = pax[pax["Stage"].isin(SUBSTANTIVE_STAGES)]
    return {"all": pax, "substantive": substantive,
            "interstate_substantive": substantive[substantive["Agtp"].isin(INTERSTATE_TYPES)]}


def profile(pax: pd.DataFrame, categories: list[str]) -> pd.DataFrame:
    """Per group and category: `agreements`, `with_provision` (value above 0) and `share` (0-1)."""
    rows = []
    for group, frame in groups(pax).items():
        for category in categories:
            present = int((pd.to_numeric(frame[category], errors="coerce").fillna(0) > 0).sum())
            rows.append({"group": group, "pax_category": category, "agreements": len(frame),
                         "with_provision": present, "share": round(present / len(frame), 4) if len(frame) else None,
                         "first_date": frame["Dat"].min(), "last_date": frame["Dat"].max(), "source_id": SOURCE_ID})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pax_csv", type=Path, help="pax_all_agreements_v10.csv")
    args = parser.parse_args()
    crosswalk = load("pax_crosswalk")
    categories = sorted(crosswalk.loc[crosswalk["scheme"] == "pax", "category"].dropna().unique())
    pax = pd.read_csv(args.pax_csv, low_memory=False)
    table = profile(pax, categories)
    write_atomically(OUTPUT, table.to_csv(index=False))
    record(file_rows("pax_profile", SOURCE_ID, [args.pax_csv], upstream_version="PA-X v10"))


if __name__ == "__main__":
    main()
