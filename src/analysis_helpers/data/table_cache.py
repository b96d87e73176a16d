"""An on-disk cache of validated tables, so that a new process does not validate unchanged files again.

Why: validating every table (types, constraints, foreign keys, cross-checks with geometry) cost a
notebook ~0.5 s at every start, against ~15 ms to parse the same CSVs. A table that passed every
check is written here as plain arrays; the next process that finds the same data reads it back.

The key (like a build cache's) is a SHA-256 of everything the result depends on: the content of
every regular file in the data folder (tables, schemas, descriptor, the boundary file that
cross-checks read), the kit's version and the source of the data layer's modules. Any edit gives
a new key, so a stale table is never served; old entries are pruned. `validate` never reads the
cache (it checks everything); only `load()` (through `loader.package()`) does.

Where: `$ANALYSIS_HELPERS_CACHE` (a folder; `off` disables the cache), else
`$XDG_CACHE_HOME/analysis_helpers`, else `~/.cache/analysis_helpers`; never inside the data folder
(a cache folder there disables the cache: the kit does not write in the user's data). Entries are
written atomically (a temporary file renamed into place), read with `numpy.load(allow_pickle=False)`
(arrays only, no code), and any unreadable entry is simply a miss.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import stat
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .limits import CSV_MAX_BYTES

CACHE_ENV = "ANALYSIS_HELPERS_CACHE"
# Data states kept (one folder each): a few copies of the data and recent edits.
MAX_ENTRIES = 16
# A folder whose files together exceed this is not cached (hashing it would cost more than it saves).
MAX_HASHED_BYTES = 4 * CSV_MAX_BYTES
_FORMAT = "1"  # bump when the layout of an entry changes


def cache_dir() -> Path | None:
    """The folder of cached tables, or None when caching is off."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return None if configured.strip().lower() in {"", "off", "0", "no"} else Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "analysis_helpers"


@functools.cache
def _code_signature() -> str:
    """The kit's version and its data layer's source: a new check or rule makes a new key."""
    try:
        version = metadata.version("analysis-helpers")
    except metadata.PackageNotFoundError:
        version = "unknown"
    digest = hashlib.sha256(f"{_FORMAT}:{version}:{pd.__version__}:{np.__version__}".encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.name.encode() + module.read_bytes())
    return digest.hexdigest()


def data_key(root: Path) -> str | None:
    """The SHA-256 of the data folder's files and the kit's code; None when it cannot be cached."""
    digest = hashlib.sha256(_code_signature().encode())
    total = 0
    for folder, dirs, files in os.walk(root):  # links to folders are not entered
        dirs.sort()
        for name in sorted(files):
            path = Path(folder, name)
            try:
                if path.is_symlink() and not path.resolve().is_relative_to(root):
                    continue  # a link out of the data folder is never read (the loader refuses it too)
                info = path.stat()
                if not stat.S_ISREG(info.st_mode):
                    continue  # a FIFO or device would block or never end
                total += info.st_size
                if total > MAX_HASHED_BYTES:
                    return None
                digest.update(f"{path.relative_to(root).as_posix()}\0{info.st_size}\0".encode())
                with path.open("rb") as stream:
                    digest.update(stream.read(info.st_size + 1))
            except OSError:
                return None
    return digest.hexdigest()


class TableCache:
    """The cached tables of one data state (`key`) in `folder`."""

    def __init__(self, folder: Path, key: str) -> None:
        """Entries of the data state `key` under `folder` (nothing is read or written yet)."""
        self.entry = folder / "tables" / key

    @classmethod
    def for_data(cls, root: Path) -> TableCache | None:
        """The cache of the data folder `root` as its files are now; None when caching is off."""
        folder = cache_dir()
        if folder is None or folder.resolve().is_relative_to(root.resolve()):
            return None
        key = data_key(root)
        return None if key is None else cls(folder, key)

    def read(self, name: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
        """(frame, origins with `part` and `line`) of table `name`, or None when not cached."""
        try:
            with np.load(self.entry / f"{name}.npz", allow_pickle=False) as stored:
                arrays = {key: stored[key] for key in stored.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile):
            return None
        try:
            return _frame(arrays), pd.DataFrame({"part": arrays["part"], "line": arrays["line"]})
        except (KeyError, ValueError, IndexError):
            return None

    def write(self, name: str, frame: pd.DataFrame, parts: np.ndarray, lines: np.ndarray) -> None:
        """Store a validated table (atomically); a cache that cannot be written is skipped."""
        arrays: dict[str, Any] = {**_arrays(frame), "part": np.asarray(parts, dtype=np.int64),
                                  "line": np.asarray(lines, dtype=np.int64)}
        temporary = None
        try:
            fresh = not self.entry.is_dir()
            self.entry.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.entry, suffix=".tmp", delete=False) as stream:
                temporary = Path(stream.name)
                np.savez(stream, **arrays)
            os.replace(temporary, self.entry / f"{name}.npz")  # readers see the old entry or the whole new one
            if fresh:
                _prune(self.entry.parent, keep=self.entry)
        except OSError:
            if temporary is not None:
                temporary.unlink(missing_ok=True)


def _kind(dtype) -> str:
    if pd.api.types.is_datetime64_dtype(dtype):
        return "datetime"
    if isinstance(dtype, pd.Int64Dtype):
        return "Int64"
    if isinstance(dtype, pd.BooleanDtype):
        return "boolean"
    return "float64" if dtype == np.float64 else "str"


def _arrays(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """A table as a few plain 2-D arrays, one per kind of column, plus where each column sits.

    Few arrays rather than one per column: each array of an entry costs ~0.1 ms to open. No
    Python objects, so the entry loads without pickle."""
    kinds = [_kind(dtype) for dtype in frame.dtypes]
    arrays: dict[str, np.ndarray] = {"columns": np.array([str(c) for c in frame.columns], dtype=str),
                                     "kinds": np.array(kinds, dtype=str)}
    for kind in set(kinds):
        block = frame.iloc[:, [i for i, k in enumerate(kinds) if k == kind]]
        if kind == "datetime":
            arrays[kind] = block.to_numpy(dtype="datetime64[ns]")
        elif kind == "float64":
            arrays[kind] = block.to_numpy(dtype=np.float64)
        elif kind == "str":
            arrays["str_codes"], arrays["str_values"] = _text_codes(block)
        else:
            arrays[kind] = block.fillna(0 if kind == "Int64" else False).to_numpy(
                dtype=np.int64 if kind == "Int64" else bool)
            arrays[f"{kind}_missing"] = block.isna().to_numpy()
    return arrays


def _text_codes(block: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Text columns as codes into one array of their distinct values (-1: missing): ids and
    categories repeat, and a fixed-width text array of every cell would be as wide as the
    longest note in every cell."""
    codes = np.empty(block.shape, dtype=np.int64)
    distinct = []
    offset = 0
    for position in range(block.shape[1]):
        column_codes, uniques = pd.factorize(block.iloc[:, position], use_na_sentinel=True)
        codes[:, position] = np.where(column_codes >= 0, column_codes + offset, -1)
        distinct += list(uniques)
        offset += len(uniques)
    return codes, np.array(distinct, dtype=str)


def _frame(arrays: dict[str, np.ndarray]) -> pd.DataFrame:
    kinds = arrays["kinds"].tolist()
    blocks = {}
    for kind in set(kinds):
        if kind == "str":  # code -1 picks the NaN appended after the distinct values
            blocks[kind] = np.append(arrays["str_values"].astype(object), np.nan)[arrays["str_codes"]]
        else:
            blocks[kind] = arrays[kind]
    columns, taken = {}, dict.fromkeys(blocks, 0)
    for name, kind in zip(arrays["columns"].tolist(), kinds, strict=True):
        position = taken[kind]
        taken[kind] += 1
        values = blocks[kind][:, position]
        if kind == "Int64":
            columns[name] = pd.arrays.IntegerArray(values.copy(), arrays["Int64_missing"][:, position].copy())
        elif kind == "boolean":
            columns[name] = pd.arrays.BooleanArray(values.copy(), arrays["boolean_missing"][:, position].copy())
        elif kind == "str":
            columns[name] = pd.array(values, dtype="str")
        else:
            columns[name] = values.copy()
    return pd.DataFrame(columns)


def _prune(tables: Path, keep: Path) -> None:
    """Drop the least recently written data states beyond MAX_ENTRIES (never `keep`)."""
    try:
        entries = sorted((p for p in tables.iterdir() if p.is_dir() and p != keep),
                         key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in entries[MAX_ENTRIES - 1:]:
        shutil.rmtree(old, ignore_errors=True)
