"""Bounds on every file the kit reads, stated once, and the bounded readers that enforce them.

A file received from someone else may be hostile in its structure: a few hundred bytes of YAML
aliases that expand exponentially, brackets nested thousands deep, one field of a gigabyte, a
million one-character rows. Every reader in the data layer goes through this module, so that
past any bound below the answer is the kit's own `DataValidationError` naming the file, what was
exceeded and the limit, found before the costly work starts (time and memory stay bounded).

The bounds are generous for real data: each comment gives the largest shipped or benchmarked
case it leaves room for. `benchmarks/hostile_input.py` measures each hostile case.

Files are read only from inside the data folder: a path that leaves it, whether written with
`..`, absolute, or through a symbolic link, is refused (never read, its content never echoed).
A data folder received from someone else cannot make `validate` print lines of the reader's
own files. Links that stay inside the data folder are followed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from .errors import DataValidationError, Problem

KiB = 1024
MiB = 1024 * KiB

# -- CSV tables ---------------------------------------------------------------------------------
# The largest shipped table is 64 KB; territory_control can reach ~131,000 rows (4,700 days x
# 28 ids); load_scale's synthetic 1,000,000-row file is ~80 MB. A file of a million one-character
# rows costs what a valid million-row file does (~1.5 s on a loaded 2-core machine): the row
# bound keeps that within the 2 s of any hostile case.
CSV_MAX_BYTES = 256 * MiB
CSV_MAX_ROWS = 1_000_000
# The widest shipped schema has 13 fields.
CSV_MAX_COLUMNS = 1_000
# One physical line, and one cell (a quoted cell may span lines). Shipped notes are under 1 KB.
CSV_MAX_LINE_BYTES = 1 * MiB
CSV_MAX_FIELD_CHARS = 1 * MiB
# Past this many problems in one table the checks stop listing them (fix those first): a file
# of a million broken rows would otherwise give millions of Problem objects (hundreds of MB, and
# seconds to sort). load_scale's broken file has exactly 10,000.
MAX_PROBLEMS_PER_TABLE = 10_000

# -- JSON: the descriptor, Table Schemas, the scenario JSON Schema, GeoJSON -------------------------
# The shipped descriptor and schemas are under 15 KB each.
JSON_MAX_BYTES = 16 * MiB
DESCRIPTOR_MAX_RESOURCES = 1_000
# Data files named by the descriptor, all resources together (shipped: 18 for 14 resources).
DESCRIPTOR_MAX_FILES = 1_000
SCHEMA_MAX_FIELDS = CSV_MAX_COLUMNS
# Region boundaries: 250 KB, 28 features; DeepState snapshots: under 250 KB, a few features.
GEOJSON_MAX_BYTES = 32 * MiB
GEOJSON_MAX_FEATURES = 100_000

# -- YAML scenario files ------------------------------------------------------------------------
# Shipped scenarios are ~2 KB. PyYAML's pure-Python parser (needed to refuse anchors as they are
# met) takes ~12 us a byte on structured text: 64 KiB reads in under a second.
SCENARIO_MAX_BYTES = 64 * KiB
# Scenario files in one data folder (shipped: 5); `validate` parses and checks each (~0.1 s).
SCENARIO_MAX_FILES = 100
# Anchors (&name) and aliases (*name) are refused outright in scenario files: nothing needs
# them, and a chain of aliases expands exponentially (the "billion laughs").

# -- every nested format (JSON and YAML) --------------------------------------------------------
# Containers inside containers. The deepest real file (a DeepState snapshot) nests 9 levels;
# Python's own parsers recurse, and fail with a RecursionError near 1,000.
MAX_NESTING = 64


def refused(shown: str, rule: str, value: object = None, row: int | None = None) -> DataValidationError:
    """The kit's error for one file past a bound (`rule` names what was exceeded and the limit)."""
    return DataValidationError([Problem(shown, row, None, rule, value)], "file refused")


def read_bytes(path: Path, max_bytes: int, shown: str, root: Path | None = None) -> bytes:
    """The bytes of `path`, refusing a file outside `root`, not a regular file, or over `max_bytes`.

    Reads at most `max_bytes + 1` bytes, so a file whose size the system misreports (a link
    to `/proc` or a device) cannot make it read without end.
    """
    try:
        if root is not None and not is_inside(path, root):
            raise refused(shown, "lies outside the data folder (a link or path leading out of it): not read")
        if not path.is_file():
            raise DataValidationError([Problem(shown, None, None, "file not found")])
        with path.open("rb") as stream:
            raw = stream.read(max_bytes + 1)
    except DataValidationError:
        raise
    except (OSError, ValueError) as exc:  # no permission, a name too long, a NUL byte in the name
        reason = getattr(exc, "strerror", None) or str(exc)
        raise DataValidationError([Problem(shown, None, None, f"cannot be read ({reason})")]) from None
    if len(raw) > max_bytes:
        raise refused(shown, f"larger than the limit of {size_text(max_bytes)} for this kind of file")
    return raw


def is_inside(path: Path, root: Path) -> bool:
    """True when `path`, every link followed, lies inside the folder `root`."""
    return path.resolve().is_relative_to(root.resolve())


# A JSON string token; brackets inside strings do not nest.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = np.zeros(256, dtype=np.int8)
_STEP[list(b"[{")], _STEP[list(b"]}")] = 1, -1
_CHUNK = 1 << 20  # brackets summed at a time: memory stays ~5 MB whatever the file


def json_nesting(raw: bytes) -> int:
    """How deeply `raw`'s arrays and objects nest, without parsing it (vectorised, no recursion)."""
    brackets = np.frombuffer((_JSON_STRING.sub(b"", raw) if b'"' in raw else raw).translate(None, _NOT_A_BRACKET),
                             dtype=np.uint8)
    depth = deepest = 0
    for start in range(0, len(brackets), _CHUNK):
        levels = depth + np.cumsum(_STEP[brackets[start:start + _CHUNK]], dtype=np.int64)
        deepest, depth = max(deepest, int(levels.max())), int(levels[-1])
    return deepest


def read_json(path: Path, shown: str, root: Path | None = None, max_bytes: int = JSON_MAX_BYTES) -> Any:
    """The parsed JSON file, within the size and nesting bounds; DataValidationError otherwise."""
    raw = read_bytes(path, max_bytes, shown, root)
    if json_nesting(raw) > MAX_NESTING:
        raise refused(shown, f"nested deeper than the limit of {MAX_NESTING} levels")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataValidationError([Problem(shown, raw[: exc.start].count(b"\n") + 1, None,
                                           f"not valid UTF-8 ({exc.reason})")]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataValidationError(
            [Problem(shown, exc.lineno, None, f"not valid JSON: {exc.msg} at column {exc.colno}")]) from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of more than 4,300 digits
        raise DataValidationError([Problem(shown, None, None, f"not valid JSON: {exc}")]) from None


def check_count(items: list, limit: int, shown: str, what: str) -> None:
    """Refuse a list of more than `limit` items (each costs real work downstream)."""
    if len(items) > limit:
        raise refused(shown, f"more {what} than the limit of {limit:,}", len(items))


def size_text(count: int) -> str:
    """`64 KiB`, `256 MiB`: a limit in bytes as the messages state it."""
    if count >= MiB:
        return f"{count / MiB:g} MiB"
    return f"{count / KiB:g} KiB" if count >= KiB else f"{count:,} bytes"
