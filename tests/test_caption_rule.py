"""The one caption rule: a figure cites the sources of the rows it draws, from a sources table
it is given; figure builders hold no literal source ids and load no data."""

from __future__ import annotations

import ast
import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis_helpers.conventions import cited_by
from analysis_helpers.figures.theme import add_caption
from conftest import REPO_ROOT, one_source_table

FIGURES_DIR = REPO_ROOT / "src" / "analysis_helpers" / "figures"
SOURCE_ID = re.compile(r"^[a-z]+-[a-z0-9][a-z0-9-]*$")
PREFIXES = ("core-", "terr-", "recon-", "stance-", "event-", "prop-")
SOURCES = one_source_table()


@pytest.mark.parametrize("path", sorted(FIGURES_DIR.glob("*.py")), ids=lambda p: p.name)
def test_no_literal_source_ids_and_no_loading_in_figures(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert not (node.value.startswith(PREFIXES) and SOURCE_ID.match(node.value)), (
                f"{path.name}:{node.lineno} cites {node.value!r} literally: cite the rows drawn")
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.startswith("data"), f"{path.name}:{node.lineno} imports the data layer"


def test_empty_source_list_is_refused():
    with pytest.raises(ValueError, match="must cite"):
        add_caption(go.Figure(), [], SOURCES, "2024-01-02")


def test_unknown_source_is_refused():
    with pytest.raises(KeyError, match="core-b"):
        add_caption(go.Figure(), ["core-b"], SOURCES, "2024-01-02")


def test_caption_names_the_cited_rows():
    fig = add_caption(go.Figure(), ["core-a"], SOURCES, "2024-01-02")
    assert "P, T (2024)" in fig.layout.annotations[0].text and "As of 2024-01-02" in fig.layout.annotations[0].text


def test_cited_by_collects_every_source_column_once():
    rows = pd.DataFrame({"source_id": ["a", "b", "a"], "area_source_id": ["c", None, "c"], "x": [1, 2, 3]})
    assert cited_by(rows, None, pd.DataFrame({"source_id": ["b", "d"]})) == ["a", "b", "c", "d"]
