"""Property-based: whatever bytes a researcher's CSV holds, the kit answers with its own error."""

from __future__ import annotations

import string
import warnings

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import analysis_helpers as ah
from conftest import GOOD_OBSERVATIONS

COLUMNS = ["region_id", "date", "occupied_km2", "count", "basis", "source_id"]
CELL = st.one_of(
    st.sampled_from(["UA", "UA-14", "2024-01-01", "2024-02-30", "100.5", "-1", "1e308", "1e999", "NaN", "inf",
                     "-inf", "", " ", "ISW", "DeepState", "core-a", "core-x", '"', '""', "\t", "2999-01-01",
                     "<script>alert(1)</script>", "9" * 40]),
    st.text(alphabet=string.printable + "Київ\u00a0\ufeff", max_size=12),
)
ROW = st.lists(CELL, min_size=0, max_size=8)
SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def csv_line(cells, separator=","):
    return separator.join(cells)


def assert_kit_outcome(package):
    """Either a typed DataFrame or DataValidationError; never another exception, and never a
    parser warning (pandas warns when it drops cells it could not place)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = ah.load("observations", package)
    except ah.DataValidationError as error:
        assert error.problems and all(p.file and p.rule for p in error.problems)
    else:
        assert list(frame.columns) == COLUMNS
        assert pd.api.types.is_datetime64_any_dtype(frame["date"])
    for problem in ah.validate(package):
        assert isinstance(problem, ah.Problem)


@SETTINGS
@given(header=st.one_of(st.just(COLUMNS), st.permutations(COLUMNS), ROW), rows=st.lists(ROW, max_size=6),
       newline=st.sampled_from(["\n", "\r\n"]), bom=st.booleans())
# Stray quotes that fooled the pre-parse field count; the C parser dropped three cells (found by a fuzz run).
@example(header=COLUMNS, rows=[["UA", "2024-01-01", "3", "1", '""",",ISW",,,']], newline="\n", bom=False)
def test_any_grid_of_cells_gives_a_clear_outcome(tiny_package, header, rows, newline, bom):
    text = newline.join(csv_line(r) for r in [header, *rows]) + newline
    (tiny_package / "observations.csv").write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    assert_kit_outcome(tiny_package)


@SETTINGS
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_give_a_clear_outcome(tiny_package, data):
    (tiny_package / "observations.csv").write_bytes(data)
    assert_kit_outcome(tiny_package)


@SETTINGS
@given(prefix=st.binary(max_size=40), position=st.integers(min_value=0, max_value=len(GOOD_OBSERVATIONS)))
def test_corrupted_valid_file_gives_a_clear_outcome(tiny_package, prefix, position):
    good = GOOD_OBSERVATIONS.encode()
    (tiny_package / "observations.csv").write_bytes(good[:position] + prefix + good[position:])
    assert_kit_outcome(tiny_package)


@SETTINGS
@given(text=st.text(max_size=200))
def test_broken_descriptor_gives_a_clear_outcome(tiny_package, text):
    (tiny_package / "datapackage.json").write_text(text)
    assert_kit_outcome(tiny_package)


@SETTINGS
@given(value=st.floats(allow_nan=True, allow_infinity=True) | st.integers(min_value=-10**30, max_value=10**30))
def test_huge_and_special_numbers(tiny_package, value):
    (tiny_package / "observations.csv").write_text(
        "region_id,date,occupied_km2,count,basis,source_id\n"
        f"UA,2024-01-01,{value},{value},ISW,core-a\n")
    assert_kit_outcome(tiny_package)
