"""What the briefing's checks cost, against baselines measured in the same run.

1. Validating `claims` from a cold package (its cross-check reads every dataset a claim cites)
   against validating `events` alone (same parser and schema checks, one small cross-check).
2. `check_claims` on the claims table repeated 100 times against a bare `iterrows` pass over
   the same rows (the floor for any row-by-row recomputation).

    .venv/bin/python benchmarks/briefing.py [--repeat N]
"""

from __future__ import annotations

import argparse

import pandas as pd
from timing import median_time

from analysis_helpers.analysis.briefing import check_claims
from analysis_helpers.data import DataPackage
from analysis_helpers.data.briefing import load_available


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat

    events = median_time(lambda: DataPackage().load_valid("events"), repeat)
    claims = median_time(lambda: DataPackage().load_valid("claims"), repeat)
    print(f"validate events (cold): {events:.3f} s")
    print(f"validate claims (cold, cites other datasets): {claims:.3f} s  ratio {claims / events:.1f}x")

    tables, _ = load_available()
    many = pd.concat([DataPackage().load_valid("claims")] * 100, ignore_index=True)
    floor = median_time(lambda: sum(1 for _ in many.iterrows()), repeat)
    checked = median_time(lambda: check_claims(many, tables), repeat)
    print(f"iterrows over {len(many)} claims: {floor:.3f} s")
    print(f"check_claims over {len(many)} claims: {checked:.3f} s  ratio {checked / floor:.1f}x")


if __name__ == "__main__":
    main()
