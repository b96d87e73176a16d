"""Read the Frictionless Data Package in `data/` and return validated DataFrames.

The descriptor (`datapackage.json`) and each resource's Table Schema are the single statement
of what a valid file looks like. This module turns them into:

* parsing with exact line numbers (a CSV is read as text first, so that a bad cell is reported
  as itself rather than as a pandas traceback);
* type conversion (`string`, `integer`, `number`, `date`, `boolean`), each failure a `Problem`;
* constraint checks: required, unique and the primary key vectorised by the kit; minimum,
  maximum, enum, pattern and length run by pandera; each failing row mapped back to file and line;
* foreign keys, then the topic modules' cross-checks (`checks.py`).

A package opened with `cached=True` (what `load()` uses) first looks for each table in the
on-disk cache of validated tables (`table_cache.py`, keyed by the content of every file of the
data folder and the kit's code) and stores each table that passes every check there.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import sys
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..paths import DESCRIPTOR, default_data_dir
from .checks import CheckContext, checks_for
from .errors import DataValidationError, Problem
from .limits import (
    CSV_MAX_BYTES,
    CSV_MAX_COLUMNS,
    CSV_MAX_FIELD_CHARS,
    CSV_MAX_LINE_BYTES,
    CSV_MAX_ROWS,
    DESCRIPTOR_MAX_FILES,
    DESCRIPTOR_MAX_RESOURCES,
    MAX_PROBLEMS_PER_TABLE,
    SCHEMA_MAX_FIELDS,
    check_count,
    read_bytes,
    read_json,
    size_text,
)
from .table_cache import TableCache

if TYPE_CHECKING:
    import jsonschema
    import pandera.pandas as pa

# jsonschema and pandera are imported when a table is first checked, not with the package: a
# kernel whose tables all come from the on-disk cache never needs them, and together they were
# most of `import analysis_helpers`.


def import_jsonschema():
    """jsonschema, imported without building rfc3987_syntax's IRI parsers; every import of it in
    the kit goes through here.

    On import, jsonschema's format module builds ~38 lark parsers of rfc3987_syntax (installed with
    Jupyter) for the "iri" and "iri-reference" formats: ~1.7 s of CPU, more than the rest of a
    cold `load()` of the shipped data or a kernel's set-up, for formats the kit never uses. With
    the module marked absent jsonschema leaves those two formats unchecked (a format it cannot
    check passes, as JSON Schema says); the kit's schemas check only "date" and "regex", which
    stay checked (tests/test_report_pipeline.py). Nothing changes once jsonschema is imported.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import jsonschema

    return jsonschema

_PADDINGS = tuple(f"{a}{b}".encode() for a in ",\n" for b in " \t") + tuple(
    f"{b}{a}".encode() for a in ",\n\r" for b in " \t")
_FIELD_TYPES = {"string", "integer", "number", "date", "boolean"}


def display_path(path: Path) -> str:
    """A path as a researcher would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class Table:
    """A resource's rows, where each row came from, and what is wrong with them."""

    frame: pd.DataFrame
    origins: pd.DataFrame  # columns `file`, `line`, aligned with `frame`'s index
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True  # False when a file could not be parsed at all


class DataPackage:
    """One data folder: its descriptor, schemas and validated tables (memoised per instance)."""

    def __init__(self, root: Path | str | None = None, cached: bool = False):
        self.root = Path(root).resolve() if root is not None else default_data_dir()
        self.descriptor_path = self.root / DESCRIPTOR
        self.descriptor = self._read_json(self.descriptor_path)
        self._check_descriptor()
        self.resources = {r["name"]: r for r in self.descriptor["resources"]}
        self._tables: dict[str, Table] = {}
        self._from_cache: set[str] = set()  # tables read from the on-disk cache of validated tables
        self.read_signature = self.signature()  # the state of the files this instance read
        self._in_progress: set[str] = set()
        # The on-disk tables of this data state (None: not cached, or caching is off).
        self._cache = TableCache.for_data(self.root) if cached else None

    # -- descriptor ---------------------------------------------------------------------
    def _read_json(self, path: Path) -> dict:
        return read_json(path, display_path(path), self.root)

    def _check_descriptor(self) -> None:
        shown = display_path(self.descriptor_path)
        resources = self.descriptor.get("resources") if isinstance(self.descriptor, dict) else None
        if not isinstance(resources, list) or not resources:
            raise DataValidationError([Problem(shown, None, "resources", "must be a non-empty list")])
        check_count(resources, DESCRIPTOR_MAX_RESOURCES, shown, "resources")
        problems = []
        seen = set()
        for position, resource in enumerate(resources):
            where = f"resources[{position}]"
            if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
                problems.append(Problem(shown, None, where, "each resource needs a string 'name'"))
                continue
            if resource["name"] in seen:
                problems.append(Problem(shown, None, where, "resource name used twice", resource["name"]))
            seen.add(resource["name"])
            for key in ("path", "schema"):
                if key not in resource:
                    problems.append(Problem(shown, None, f"{where}.{key}", "missing"))
            path = resource.get("path")
            if "path" in resource and not (_is_path(path) or (
                    isinstance(path, list) and path and all(_is_path(p) for p in path))):
                problems.append(Problem(shown, None, f"{where}.path", "must be a path or a list of paths"))
            schema = resource.get("schema")
            if "schema" in resource and not (_is_path(schema) or isinstance(schema, dict)):
                problems.append(Problem(shown, None, f"{where}.schema", "must be a path or a Table Schema"))
        if problems:
            raise DataValidationError(problems)
        files = [p for r in resources for p in (r["path"] if isinstance(r["path"], list) else [r["path"]])]
        check_count(files, DESCRIPTOR_MAX_FILES, shown, "data files")

    def names(self) -> list[str]:
        """The resources' names, in descriptor order."""
        return list(self.resources)

    def resource(self, name: str) -> dict:
        """The descriptor entry of `name`; KeyError naming the known datasets otherwise."""
        if name not in self.resources:
            known = ", ".join(sorted(self.resources))
            raise KeyError(f"unknown dataset {name!r}; the data package has: {known}")
        return self.resources[name]

    def paths(self, name: str) -> list[Path]:
        """The data files of `name` (a resource may span several files)."""
        path = self.resource(name)["path"]
        return [self.root / p for p in (path if isinstance(path, list) else [path])]

    def schema(self, name: str) -> dict:
        """The Table Schema of `name`, read from its file when the descriptor points to one."""
        schema = self.resource(name)["schema"]
        if isinstance(schema, str):
            schema = self._read_json(self.root / schema)
        # A table from the on-disk cache passed every check of this very data state (the cache key
        # covers every file of the folder), its schema's shape included: not checked again.
        if name not in self._from_cache:
            self._check_schema(name, schema)
        return schema

    def _check_schema(self, name: str, schema: dict) -> None:
        shown = display_path(self.root / self.resource(name)["schema"]) if isinstance(
            self.resource(name)["schema"], str) else display_path(self.descriptor_path)
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list) or not fields:
            raise DataValidationError([Problem(shown, None, "fields", "must be a non-empty list")])
        check_count(fields, SCHEMA_MAX_FIELDS, shown, "fields")
        problems = []
        for position, spec in enumerate(fields):
            if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
                problems.append(Problem(shown, None, f"fields[{position}]", "each field needs a string 'name'"))
            elif not isinstance(spec.get("type", "string"), str) or spec.get("type", "string") not in _FIELD_TYPES:
                problems.append(Problem(shown, None, spec["name"], f"type must be one of {sorted(_FIELD_TYPES)}",
                                        spec.get("type")))
        if problems:
            raise DataValidationError(problems)
        problems = _schema_shape_problems(schema, shown)
        if problems:
            raise DataValidationError(problems)

    def signature(self) -> tuple:
        """Changes whenever any file of the package changes: the cache key of `load`."""
        files = [self.descriptor_path]
        for name, resource in self.resources.items():
            files += self.paths(name)
            if isinstance(resource.get("schema"), str):
                files.append(self.root / resource["schema"])
        stats: list[tuple[str, int | None, int | None]] = []
        for path in files:
            try:
                stat = path.stat()
                stats.append((str(path), stat.st_mtime_ns, stat.st_size))
            except OSError:
                stats.append((str(path), None, None))
        return tuple(stats)

    # -- tables -------------------------------------------------------------------------
    def table(self, name: str) -> Table:
        """Read, type and check one resource (foreign keys and cross-checks included)."""
        if name in self._tables:
            return self._tables[name]
        cached = self._cached_table(name)
        if cached is not None:
            self._tables[name] = cached
            self._from_cache.add(name)
            return cached
        if name in self._in_progress:  # a foreign-key cycle: check this side when it finishes
            raise _Cycle(name)
        self._in_progress.add(name)
        try:
            schema = self.schema(name)
            table = _read_parts(self.paths(name), schema, self.root)
            if table.readable:
                # Report everything at once: a cell that failed its type is empty here, and
                # `_in_file_order` keeps only the first problem per cell.
                table.problems += _check_constraints(table, schema)
                table.problems += self._check_foreign_keys(name, table, schema)
                table.problems += _check_not_in_future(table, schema)
                table.problems = _in_file_order(table.problems, schema)
            if not table.problems:
                context = CheckContext(name, table.origins, self.load_valid)
                try:
                    for check in checks_for(name):
                        table.problems += list(check(table.frame, context))
                except DataValidationError as exc:
                    table.problems.append(self._dependency_problem(name, exc.problems))
        finally:
            self._in_progress.discard(name)
        self._tables[name] = table
        if self._cache is not None and not table.problems and self.signature() == self.read_signature:
            files = [display_path(path) for path in self.paths(name)]
            parts = pd.Index(files).get_indexer(table.origins["file"])
            self._cache.write(name, table.frame, parts, table.origins["line"].to_numpy())
        return table

    def _cached_table(self, name: str) -> Table | None:
        if self._cache is None or name not in self.resources:
            return None
        cached = self._cache.read(name)
        if cached is None:
            return None
        frame, origins = cached
        files = np.array([display_path(path) for path in self.paths(name)], dtype=object)
        return Table(frame, pd.DataFrame({"file": files[origins["part"].to_numpy()], "line": origins["line"]}))

    def load_valid(self, name: str) -> pd.DataFrame:
        """The validated rows of `name`; DataValidationError listing every problem otherwise."""
        table = self.table(name)
        if table.problems:
            raise DataValidationError(table.problems, f"dataset {name!r} is invalid")
        return table.frame

    def _check_foreign_keys(self, name: str, table: Table, schema: dict) -> list[Problem]:
        problems = []
        for key in schema.get("foreignKeys", []):
            own = _as_list(key["fields"])
            reference = key["reference"]
            target = reference.get("resource") or name
            theirs = _as_list(reference["fields"])
            if target not in self.resources:
                problems.append(Problem(display_path(self.descriptor_path), None, None,
                                        f"foreign key of {name!r} names unknown resource", target))
                continue
            try:
                target_table = table if target == name else self.table(target)
            except _Cycle:
                continue
            if target_table.problems:
                problems.append(self._dependency_problem(name, target_table.problems))
                continue
            target_frame = target_table.frame
            unknown = [field for field in theirs if field not in target_frame]
            if unknown:
                problems.append(Problem(display_path(self.descriptor_path), None, None,
                                        f"foreign key of {name!r} names fields {target} does not have", unknown))
                continue
            present = table.frame[own].notna().all(axis=1)
            values = table.frame.loc[present, own]
            known = target_frame[theirs].dropna()
            if len(own) == 1:  # one hash look-up per row; a MultiIndex first factorizes every column
                missing = ~values[own[0]].isin(known[theirs[0]]).to_numpy()
            else:
                missing = ~pd.MultiIndex.from_frame(values).isin(pd.MultiIndex.from_frame(known))
            failing = values.index[missing][:MAX_PROBLEMS_PER_TABLE]
            ids = [[_plain(v) for v in row] for row in values.loc[failing].itertuples(index=False)]
            problems += _problems_at(table, failing, ",".join(own), f"must match {target}.{','.join(theirs)} "
                                     "(unknown id)", [v[0] if len(v) == 1 else v for v in ids])
        return problems

    def _dependency_problem(self, name: str, upstream: list[Problem]) -> Problem:
        files = sorted({p.file for p in upstream})
        return Problem(", ".join(display_path(p) for p in self.paths(name)), None, None,
                       f"cannot be checked until {', '.join(files)} is fixed (see its problems)")


class _Cycle(Exception):
    pass


def _is_path(value: object) -> bool:
    """Text a file system accepts as a path (no NUL byte, which `os` refuses with a ValueError)."""
    return isinstance(value, str) and "\x00" not in value


# The parts of a Table Schema the loader reads, and the form each must have (other keys are free).
_KEYS = {"oneOf": [{"type": "string"}, {"type": "array", "minItems": 1, "items": {"type": "string"}}]}
_BOUND = {"oneOf": [{"type": "number"}, {"type": "string", "format": "date"}]}
_TABLE_SCHEMA_SHAPE = {
    "type": "object",
    "properties": {
        "fields": {"items": {"properties": {
            "future": {"type": "boolean"},
            "constraints": {"type": "object", "properties": {
                "required": {"type": "boolean"}, "unique": {"type": "boolean"},
                "minimum": _BOUND, "maximum": _BOUND,
                "enum": {"type": "array", "minItems": 1, "items": {"type": ["string", "number", "boolean"]}},
                "pattern": {"type": "string", "format": "regex"},
                "minLength": {"type": "integer", "minimum": 0}, "maxLength": {"type": "integer", "minimum": 0},
            }},
        }}},
        "primaryKey": _KEYS,
        # When a row became known (see loader.load's as_of): dates of its own, or its parent's.
        "knownFrom": {"type": "object", "additionalProperties": False, "minProperties": 1, "properties": {
            "fields": {"type": "array", "minItems": 1, "items": {"type": "string"}},
            "parent": {"type": "object", "required": ["resource", "fields"], "additionalProperties": False,
                       "properties": {"resource": {"type": "string"}, "fields": {"type": "string"}}},
        }},
        "foreignKeys": {"type": "array", "items": {
            "type": "object", "required": ["fields", "reference"],
            "properties": {"fields": _KEYS, "reference": {
                "type": "object", "required": ["fields"],
                "properties": {"resource": {"type": "string"}, "fields": _KEYS}}},
        }},
    },
}
@functools.cache
def _shape_validator() -> jsonschema.Draft202012Validator:
    jsonschema = import_jsonschema()
    return jsonschema.Draft202012Validator(_TABLE_SCHEMA_SHAPE,
                                           format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _schema_shape_problems(schema: dict, shown: str) -> list[Problem]:
    """Malformed keys, constraints and bounds, and keys naming no field: each a Problem."""
    problems = [Problem(shown, None, _key_path(error.absolute_path), f"not a valid Table Schema: {error.message}")
                for error in _shape_validator().iter_errors(schema)]
    if problems:
        return problems
    names = [spec["name"] for spec in schema["fields"]]
    problems = [Problem(shown, None, name, "field appears twice in the schema")
                 for name in sorted({n for n in names if names.count(n) > 1})]
    for spec in schema["fields"]:
        for bound in ("minimum", "maximum"):
            value = spec.get("constraints", {}).get(bound)
            if value is not None and isinstance(value, str) != (spec.get("type") == "date"):
                problems.append(Problem(shown, None, spec["name"], f"{bound} must be a "
                                        f"{'date' if spec.get('type') == 'date' else 'number'}", value))
    if problems:
        return problems
    keys = [("primaryKey", schema.get("primaryKey") or [])]
    keys += [(f"foreignKeys[{i}].fields", key["fields"]) for i, key in enumerate(schema.get("foreignKeys", []))]
    known_from = schema.get("knownFrom", {})
    keys += [("knownFrom.fields", known_from.get("fields", [])),
             ("knownFrom.parent.fields", known_from.get("parent", {}).get("fields", []))]
    problems = [Problem(shown, None, where, "names no field of the schema", name)
                for where, fields in keys for name in _as_list(fields) if name not in names]
    types = {spec["name"]: spec.get("type", "string") for spec in schema["fields"]}
    problems += [Problem(shown, None, "knownFrom.fields", "must name date fields", name)
                 for name in known_from.get("fields", []) if name in types and types[name] != "date"]
    return problems


def _key_path(path) -> str | None:
    return "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in path).lstrip(".") or None


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _problems_at(table: Table, indexes, column: str | None, rule: str, values=None) -> list[Problem]:
    """One Problem per row of `indexes`, files and lines looked up at once: a file may hold up to
    MAX_PROBLEMS_PER_TABLE of them, and a look-up per row costs ~100 us."""
    positions = table.origins.index.get_indexer(indexes)
    files = table.origins["file"].to_numpy()[positions]
    lines = table.origins["line"].to_numpy()[positions]
    values = [None] * len(positions) if values is None else values
    return [Problem(str(file), int(line), column, rule, value)
            for file, line, value in zip(files, lines, values, strict=True)]


# -- parsing -------------------------------------------------------------------------------
def _read_parts(paths: list[Path], schema: dict, root: Path) -> Table:
    frames, origins, problems = [], [], []
    for path in paths:
        frame, lines, part_problems = _read_csv(path, schema, root)
        problems += part_problems
        if frame is not None:
            frames.append(frame)
            origins.append(pd.DataFrame({"file": display_path(path), "line": lines}))
    names = [f["name"] for f in schema["fields"]]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=names, dtype=str)
    origin = pd.concat(origins, ignore_index=True) if origins else pd.DataFrame({"file": [], "line": []})
    table = Table(frame, origin, problems, readable=not problems)
    if table.readable:
        table.frame, type_problems = _convert_types(table, schema)
        table.problems += type_problems
    return table


def _read_csv(path: Path, schema: dict, root: Path) -> tuple[pd.DataFrame | None, np.ndarray, list[Problem]]:
    """Parse one CSV file as text; every structural fault becomes a Problem with its line."""
    shown = display_path(path)
    try:
        raw = read_bytes(path, CSV_MAX_BYTES, shown, root)
    except DataValidationError as exc:
        return None, np.array([]), exc.problems
    problems = _shape_problems(raw, shown)
    if problems:
        return None, np.array([]), problems
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, np.array([]), [Problem(shown, line, None, "not valid UTF-8 text", raw[exc.start: exc.start + 4])]
    if not text or text.isspace():  # (not `text.strip()`: a copy of the whole file)
        return None, np.array([]), [Problem(shown, None, None, "file is empty (expected a header row)")]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, np.array([]), [Problem(shown, line, None, "contains a NUL byte (not a text CSV)")]

    expected = [f["name"] for f in schema["fields"]]
    try:
        with _csv_cell_limit():
            header = _header_row(text)
    except csv.Error as exc:
        return None, np.array([]), [Problem(shown, 1, None, f"header is not valid CSV ({exc})")]
    if len(header) > CSV_MAX_COLUMNS:
        return None, np.array([]), [Problem(shown, 1, None, f"more columns than the limit of {CSV_MAX_COLUMNS:,}",
                                            len(header))]
    problems = _header_problems(shown, header, expected)
    if problems:
        return None, np.array([]), problems

    # The scans below read the file's bytes (the UTF-8 form of `text`, which decoded cleanly), not
    # a re-encoded or trimmed copy: each copy of an 80 MB file costs ~50 ms.
    start = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    buffer = np.frombuffer(raw, dtype=np.uint8, offset=start)
    body = buffer[: _end_of_last_line(raw) - start]  # without the trailing line ends
    newlines = np.flatnonzero(body == ord("\n"))
    if not _simple_rectangle(body, newlines, len(header)):
        with _csv_cell_limit():
            return _frame_from_rows(shown, text, header)
    padded = _has_padded_cell(raw, buffer)
    numeric = [f["name"] for f in schema["fields"] if f.get("type") in {"number", "integer"}]
    try:
        # Fast path: numbers parsed by the C parser. Any cell it cannot read raises, and the file
        # is re-read as text so that the cell is reported as itself. From the bytes (the text
        # decoded cleanly above): the C parser decodes them faster than it reads a Python string
        # (~20 % of a million-row load). Empty cells (only those) become NA here, as in
        # `_frame_from_rows`: no pass over a million text cells to find them again.
        frame = _c_parsed(raw, {**dict.fromkeys(header, str), **dict.fromkeys(numeric, "float64")})
    except ValueError:
        try:
            frame = _c_parsed(raw, str)
        except (ValueError, pd.errors.ParserWarning):  # quoting the byte count misread: the csv module names the row
            frame = None
    except pd.errors.ParserWarning:
        frame = None
    if frame is None or len(frame) != len(newlines):  # not one row per line
        with _csv_cell_limit():
            return _frame_from_rows(shown, text, header)
    if padded:  # rare: strip only when some cell has surrounding spaces (a cell of spaces is empty)
        frame = frame.apply(lambda column: _empty_as_na(column.str.strip()) if column.dtype != "float64" else column)
    return frame[expected], np.arange(2, len(frame) + 2), []


def _c_parsed(raw: bytes, dtype) -> pd.DataFrame:
    """The CSV bytes read by pandas' C parser. A row with one field more than the header, which
    the pre-parse scans can miss when stray quotes fool their count, raises ParserWarning: the C
    parser would drop the extra field and warn, not fail, and no cell may be lost unreported."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        return pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=dtype, keep_default_na=False,
                           na_values=[""], index_col=False, engine="c")


def _header_row(text: str) -> list[str]:
    """The first record of `text`, as the csv module reads it.

    Read from the first 64 K characters when it ends within them: a StringIO of the whole text
    copies it (0.17 s for a million rows). A record that reaches the end of that prefix may go on
    past it, and is read again from the whole text."""
    prefix = io.StringIO(text[:_HEADER_PREFIX_CHARS], newline="")
    header = next(csv.reader(prefix))
    if prefix.tell() < _HEADER_PREFIX_CHARS or len(text) <= _HEADER_PREFIX_CHARS:
        return header
    return next(csv.reader(io.StringIO(text, newline="")))


_HEADER_PREFIX_CHARS = 64 * 1024


def _shape_problems(raw: bytes, shown: str) -> list[Problem]:
    """Too many lines, or a line too long, found before parsing (vectorised: no loop over lines).

    A line ends at LF, CR or CRLF, as both CSV parsers read it."""
    lines = raw.count(b"\n")
    if b"\r" in raw:  # most files have none: two more passes over the bytes saved
        lines += raw.count(b"\r") - raw.count(b"\r\n")
    if lines > CSV_MAX_ROWS + 1:
        return [Problem(shown, None, None, f"more rows than the limit of {CSV_MAX_ROWS:,}", lines - 1)]
    if len(raw) <= CSV_MAX_LINE_BYTES:
        return []
    buffer = np.frombuffer(raw, dtype=np.uint8)
    ends = buffer == ord("\n")
    if b"\r" in raw:
        ends |= buffer == ord("\r")
    lengths = np.diff(np.flatnonzero(ends), prepend=-1, append=len(buffer)) - 1
    longest = int(lengths.argmax())
    if lengths[longest] <= CSV_MAX_LINE_BYTES:
        return []
    start = int(np.flatnonzero(ends)[longest - 1]) + 1 if longest else 0
    return [Problem(shown, raw.count(b"\n", 0, start) + 1, None,
                    f"line longer than the limit of {size_text(CSV_MAX_LINE_BYTES)}", int(lengths[longest]))]


@contextmanager
def _csv_cell_limit():
    """The csv module's cell limit is process-wide: the kit's applies during its own reads only."""
    previous = csv.field_size_limit(CSV_MAX_FIELD_CHARS)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _end_of_last_line(raw: bytes) -> int:
    """The length of `raw` without its trailing CR and LF bytes (no copy of the file is made)."""
    end = len(raw)
    while end and raw[end - 1] in b"\r\n":
        end -= 1
    return end


def _has_padded_cell(raw: bytes, buffer: np.ndarray) -> bool:
    """True when some cell starts or ends with a space or tab (the cells are then stripped).

    `raw`: the file's bytes; `buffer`: the same bytes after any byte-order mark, as an array."""
    # Substring tests run in C; a regex with line anchors was the slowest step on big files. A
    # byte-order mark cannot take part in a padding (its bytes are not ASCII).
    if b" " not in raw and b"\t" not in raw:
        return False
    if buffer[:1].tobytes() in (b" ", b"\t"):
        return True
    if b'"' not in raw:
        return any(padding in raw for padding in _PADDINGS)
    # Quoted text (notes) holds ", " between words: only padding outside quotes, or just inside
    # a cell's quotes, counts. Found vectorised, since stripping every cell of a million rows
    # costs seconds.
    last = len(buffer) - 1
    boundary = np.zeros(256, dtype=bool)  # what may stand beside a cell's edge
    boundary[[ord(","), ord("\n"), ord("\r")]] = True
    blank = np.zeros(256, dtype=bool)
    blank[[ord(" "), ord("\t")]] = True

    def edge_before(positions: np.ndarray) -> np.ndarray:  # a cell starts right before each position
        return (positions == 0) | boundary[buffer[np.maximum(positions - 1, 0)]]

    def edge_after(positions: np.ndarray) -> np.ndarray:  # a cell ends right after each position
        return (positions == last) | boundary[buffer[np.minimum(positions + 1, last)]]

    quotes = np.flatnonzero(buffer == ord('"'))
    next_blank = blank[buffer[np.minimum(quotes + 1, last)]] & (quotes < last)
    previous_blank = blank[buffer[np.maximum(quotes - 1, 0)]] & (quotes > 0)
    if ((edge_before(quotes) & next_blank) | (edge_after(quotes) & previous_blank)).any():
        return True  # `" x"` or `"x "`: a quoted cell padded inside its quotes
    # Two comparisons, not a lookup table indexed by every byte (a third of this function's time).
    spaces = np.flatnonzero(buffer == ord(" "))
    if b"\t" in raw:
        spaces = np.concatenate([spaces, np.flatnonzero(buffer == ord("\t"))])
    candidates = spaces[edge_before(spaces) | edge_after(spaces)]
    return bool(_outside_quotes(quotes, candidates).any())


def _outside_quotes(quotes: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Which `positions` of the text lie outside quoted cells: an even number of the `quotes`
    (the positions of every quote character) precede them (a doubled quote inside a cell counts twice)."""
    return (np.searchsorted(quotes, positions) & 1) == 0


def _simple_rectangle(buffer: np.ndarray, newlines: np.ndarray, width: int) -> bool:
    """True when pandas' fast parser maps rows to lines exactly: no blank lines, no newline inside a
    quoted cell, and every line has the header's number of fields. Anything else takes the csv
    module's path, which tracks line numbers through quoted newlines and names each ragged row.

    Vectorised over the bytes (the file may have a million lines): a byte lies inside quotes when
    an odd number of quote characters precede it (a doubled quote inside a cell toggles twice);
    commas there do not separate fields. The caller still checks that the parser gave one row
    per line, so a quote this count misreads costs the slow path, never a wrong line number."""
    commas = np.flatnonzero(buffer == ord(","))
    ends = np.append(newlines, len(buffer))
    per_line = np.diff(np.searchsorted(commas, ends))  # lines 2..n
    quotes = np.flatnonzero(buffer == ord('"'))
    if len(quotes):
        if not _outside_quotes(quotes, newlines).all():
            return False
        # Quotes are few: the commas between the 1st and 2nd quote, the 3rd and 4th... are taken
        # off their line's count (no newline lies inside quotes, so each pair is on one line).
        opening, closing = quotes[::2], np.append(quotes[1::2], len(buffer))[: len(quotes[::2])]
        inside = np.searchsorted(commas, closing) - np.searchsorted(commas, opening)
        line = np.searchsorted(newlines, opening) - 1  # -1: the header line, not in per_line
        keep = line >= 0
        np.subtract.at(per_line, line[keep], inside[keep])
    starts = ends[:-1] + 1
    lengths = ends[1:] - starts
    blank = (lengths == 0) | ((lengths == 1) & (buffer[np.minimum(starts, len(buffer) - 1)] == ord("\r")))
    return bool(np.all(per_line == width - 1) and not blank.any())


def _frame_from_rows(shown: str, text: str, header: list[str]):
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, lines, problems = [], [], []
    try:
        next(reader)
        line_start = reader.line_num + 1
        for row in reader:
            if row and any(cell != "" for cell in row):
                if len(row) != len(header):
                    problems.append(Problem(shown, line_start, None,
                                            f"has {len(row)} fields, the header has {len(header)}"))
                    if len(problems) >= MAX_PROBLEMS_PER_TABLE:
                        problems.append(_stopped(shown))
                        break
                else:
                    rows.append(row)
                    lines.append(line_start)
            line_start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(shown, reader.line_num, None, f"not valid CSV ({exc})"))
    if problems:
        return None, np.array([]), problems
    stripped = [[cell.strip() or None for cell in row] for row in rows]  # empty: NA
    frame = pd.DataFrame(stripped, columns=header, dtype=str) if rows else pd.DataFrame(columns=header, dtype=str)
    return frame, np.array(lines, dtype=int), []


def _empty_as_na(text: pd.Series) -> pd.Series:
    return text.mask(text == "")


def _stopped(shown: str) -> Problem:
    return Problem(shown, None, None, f"stopped listing problems at the limit of {MAX_PROBLEMS_PER_TABLE:,}")


def _header_problems(shown: str, header: list[str], expected: list[str]) -> list[Problem]:
    problems = []
    seen = set()
    for name in header:
        if name in seen:
            problems.append(Problem(shown, 1, name, "column appears twice in the header"))
        seen.add(name)
        if name not in expected:
            problems.append(Problem(shown, 1, name, "column is not in the schema"))
    for name in expected:
        if name not in header:
            problems.append(Problem(shown, 1, name, "column required by the schema is missing"))
    return problems


# -- types -----------------------------------------------------------------------------------
def _convert_types(table: Table, schema: dict) -> tuple[pd.DataFrame, list[Problem]]:
    """Each column typed by its schema field. The readers give an empty cell as NA (a number
    column may come already parsed, as float64), any other cell as its text."""
    frame = table.frame
    converted: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    for spec in schema["fields"]:
        name, kind = spec["name"], spec.get("type", "string")
        text = frame[name]
        typed, bad = _CONVERTERS[kind](text)
        converted[name] = typed
        failing = bad[bad].index[:MAX_PROBLEMS_PER_TABLE]
        problems += _problems_at(table, failing, name, _TYPE_RULES[kind], list(text.loc[failing]))
    # Not consolidated into one block per dtype: that copy of every column costs more than it saves.
    return pd.DataFrame(converted, index=frame.index, copy=False), problems


def _to_string(text: pd.Series):
    return text, pd.Series(False, index=text.index)


def _to_number(text: pd.Series):
    values = text if text.dtype == "float64" else pd.to_numeric(text, errors="coerce").astype("float64")
    bad = (values.isna() & text.notna()) | np.isinf(values)
    return values.mask(bad), bad


def _to_integer(text: pd.Series):
    values, bad = _to_number(text)
    fractional = values.notna() & (values != values.round())
    too_big = values.abs() > 2**53
    bad = bad | fractional | too_big
    return values.mask(bad).astype("Int64"), bad


def _to_date(text: pd.Series):
    values = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    # The kit's tables use nanosecond timestamps (years 1678-2261); a date outside that span is
    # rejected like any other unreadable date.
    in_span = values.between(pd.Timestamp("1678-01-01"), pd.Timestamp("2261-12-31"))
    bad = ~in_span & text.notna()
    return values.where(in_span).astype("datetime64[ns]"), bad


def _to_boolean(text: pd.Series):
    lowered = text.str.lower()
    values = lowered.map({"true": True, "false": False}).astype("boolean")
    bad = values.isna() & text.notna()
    return values, bad


_CONVERTERS = {"string": _to_string, "number": _to_number, "integer": _to_integer,
               "date": _to_date, "boolean": _to_boolean}
_TYPE_RULES = {
    "string": "must be text",
    "number": "must be a finite number (e.g. 1234.5)",
    "integer": "must be a whole number",
    "date": "must be a date written YYYY-MM-DD, between 1678 and 2261",
    "boolean": "must be true or false",
}


# -- dates ------------------------------------------------------------------------------------
# Dates that record when something was observed, published or read cannot lie ahead of today;
# a field describing a planned or projected date opts out with `"future": true`.
def _check_not_in_future(table: Table, schema: dict) -> list[Problem]:
    today = pd.Timestamp.today().normalize()
    problems = []
    for spec in schema["fields"]:
        if spec.get("type") != "date" or spec.get("future", False):
            continue
        values = table.frame[spec["name"]]
        failing = values.index[(values > today).to_numpy()][:MAX_PROBLEMS_PER_TABLE]
        problems += _problems_at(table, failing, spec["name"], f"must not be in the future (today is "
                                 f"{today:%Y-%m-%d})", [_plain(v) for v in values.loc[failing]])
    return problems


# -- constraints (pandera) -------------------------------------------------------------------
# pandera lists at most this many failing rows per check (it sorts them all: slow by the million).
_LISTED: dict[str, Any] = {"n_failure_cases": MAX_PROBLEMS_PER_TABLE}


def _constraint_checks(spec: dict) -> list[pa.Check]:
    import pandera.pandas as pa

    constraints = spec.get("constraints", {})
    kind = spec.get("type", "string")
    checks = []
    if "minimum" in constraints:
        bound = _bound(constraints["minimum"], kind)
        checks.append(pa.Check.ge(bound, error=f"minimum {constraints['minimum']}", **_LISTED))
    if "maximum" in constraints:
        bound = _bound(constraints["maximum"], kind)
        checks.append(pa.Check.le(bound, error=f"maximum {constraints['maximum']}", **_LISTED))
    if "enum" in constraints:
        allowed = constraints["enum"]
        checks.append(pa.Check.isin(allowed, error=f"must be one of: {', '.join(map(str, allowed))}",
                                    **_LISTED))
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        # Table Schema patterns match the whole value; pandera's str_matches anchors only the start.
        checks.append(pa.Check.str_matches(rf"(?:{pattern})\Z", error=f"must match the pattern {pattern}",
                                          **_LISTED))
    if "minLength" in constraints:
        checks.append(pa.Check.str_length(min_value=constraints["minLength"],
                                          error=f"at least {constraints['minLength']} characters", **_LISTED))
    if "maxLength" in constraints:
        checks.append(pa.Check.str_length(max_value=constraints["maxLength"],
                                          error=f"at most {constraints['maxLength']} characters", **_LISTED))
    return checks


def _bound(value: Any, kind: str):
    return pd.Timestamp(value) if kind == "date" else value


def _pandera_schema(schema: dict) -> pa.DataFrameSchema:
    import pandera.pandas as pa

    columns = {}
    for spec in schema["fields"]:
        checks = _constraint_checks(spec)
        if checks:  # a column with no value check costs pandera time for nothing
            columns[spec["name"]] = pa.Column(checks=checks, nullable=True, required=True)
    return pa.DataFrameSchema(columns, coerce=False)


def _check_constraints(table: Table, schema: dict) -> list[Problem]:
    from pandera.errors import SchemaErrors

    if table.frame.empty:
        return []
    problems = _presence_and_uniqueness(table, schema)
    # Text columns with a pattern are checked as categoricals: the regular expression then runs
    # once per distinct value rather than once per row (ids repeat; a big file has few distinct
    # ones). Not those with only an enum: `isin` is one hash look-up per row, cheaper than the
    # conversion (~40 ms a column at 1M rows).
    checked = table.frame.copy(deep=False)
    for spec in schema["fields"]:
        if spec.get("type", "string") == "string" and "pattern" in spec.get("constraints", {}):
            checked[spec["name"]] = checked[spec["name"]].astype("category")
    try:
        _pandera_schema(schema).validate(checked, lazy=True)
    except SchemaErrors as exc:
        problems += _problems_from_pandera(table, exc.failure_cases)
    return problems


def _presence_and_uniqueness(table: Table, schema: dict) -> list[Problem]:
    """`required`, `unique` and the primary key, found vectorised and listed up to the problem limit.

    Not left to pandera: it reports every failing row and sorts them, which for a file of a
    million empty or identical rows takes tens of seconds."""
    frame, problems = table.frame, []

    def first(failing: pd.Series) -> pd.Index:
        return frame.index[failing.to_numpy()][:MAX_PROBLEMS_PER_TABLE]

    for spec in schema["fields"]:
        name, constraints = spec["name"], spec.get("constraints", {})
        if constraints.get("required", False):
            problems += _problems_at(table, first(frame[name].isna()), name, "required: must not be empty")
        if constraints.get("unique", False):
            failing = first(frame[name].duplicated(keep=False))
            problems += _problems_at(table, failing, name, "must be unique (value repeated)",
                                     [_plain(v) for v in frame.loc[failing, name]])
    if schema.get("primaryKey"):
        key = _as_list(schema["primaryKey"])
        failing = first(frame.duplicated(subset=key, keep=False))
        problems += _problems_at(table, failing, ",".join(key), f"primary key ({','.join(key)}) repeated",
                                 [[_plain(v) for v in row] for row in frame.loc[failing, key].itertuples(index=False)])
    return problems


def _problems_from_pandera(table: Table, failures: pd.DataFrame) -> list[Problem]:
    failures = failures[failures["index"].notna()].astype({"index": "int64"})  # whole-table checks have no row
    problems = []
    for (column, check), group in failures.groupby(["column", "check"], sort=False):
        column = None if column in ("", table.frame.__class__.__name__) else str(column)
        values = (table.frame.loc[group["index"], column] if column in table.frame else group["failure_case"])
        problems += _problems_at(table, group["index"], column, str(check), [_plain(v) for v in values])
    return problems


def _plain(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _in_file_order(problems: list[Problem], schema: dict) -> list[Problem]:
    """Sorted by file, line and schema column order; one problem per cell (the first found)."""
    column_order = {f["name"]: i for i, f in enumerate(schema["fields"])}
    seen, unique = set(), []
    for problem in problems:
        marker = (problem.file, problem.row, problem.column)
        if marker not in seen:
            seen.add(marker)
            unique.append(problem)
    ordered = sorted(unique, key=lambda p: (p.file, p.row or 0,
                                            column_order.get((p.column or "").split(",")[0], -1)))
    if len(ordered) > MAX_PROBLEMS_PER_TABLE:  # each check stopped at the limit; together they may pass it
        return [*ordered[:MAX_PROBLEMS_PER_TABLE], _stopped(ordered[0].file)]
    return ordered
