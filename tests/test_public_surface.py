"""One public surface: notebooks import only `analysis_helpers`, its topic front modules and `widgets`;
every topic has a front module; the package ships `py.typed`; reports show tables only through
`formatted_table`."""

from __future__ import annotations

import ast
import importlib

import pandas as pd
import pytest

import analysis_helpers
from conftest import REPO_ROOT, REPORTS_GROUP

PACKAGE_DIR = REPO_ROOT / "src" / "analysis_helpers"
NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9]*.py"))
# Every topic of the layers (one module per topic in analysis/ and figures/) has a front module at the
# package top. Shared by several topics, and so no topic: the bargaining models (reached through
# `stances` and `scenarios`), the dated capability rule (through `stances` and `model_checks`), the
# scores of forecasts and model checks, and the figures' look.
SHARED_MODULES = {"__init__", "bargaining", "capabilities", "scoring", "theme"}
FRONT_MODULES = sorted({path.stem for layer in ("analysis", "figures") for path in (PACKAGE_DIR / layer).glob("*.py")}
                       - SHARED_MODULES)
WIDGET_MODULES = sorted(path.stem for path in (PACKAGE_DIR / "widgets").glob("*.py") if path.stem != "__init__")


def public_module(module: str) -> bool:
    """`analysis_helpers`, a front module, `analysis_helpers.widgets` or one of its topic modules."""
    parts = module.split(".")
    if parts[0] != "analysis_helpers":
        return True  # not the kit's: pandas, IPython.display
    rest = parts[1:]
    return (not rest or (len(rest) == 1 and rest[0] in FRONT_MODULES) or rest == ["widgets"]
            or (len(rest) == 2 and rest[0] == "widgets" and rest[1] in WIDGET_MODULES))


def kit_imports(path) -> list[tuple[int, str]]:
    """(line, what) for every import of the kit in a notebook script: modules, and the names taken from
    `analysis_helpers` itself (`from analysis_helpers import x`)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.lineno, node.module))
            if node.module == "analysis_helpers":
                found += [(node.lineno, f"analysis_helpers.{alias.name}") for alias in node.names
                          if alias.name not in analysis_helpers.__all__]
    return [(line, name) for line, name in found if name.split(".")[0] == "analysis_helpers"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_import_only_the_public_surface(path):
    internal = [f"line {line}: {name}" for line, name in kit_imports(path) if not public_module(name)]
    assert not internal, f"{path.name} reaches past the public surface: {internal}"


def test_the_surface_check_catches_internal_imports(tmp_path):
    notebook = tmp_path / "99_probe.py"
    notebook.write_text("import analysis_helpers as ah\nfrom analysis_helpers import territory, conventions\n"
                        "from analysis_helpers.figures import theme\nfrom analysis_helpers.widgets import show\n")
    refused = [name for _, name in kit_imports(notebook) if not public_module(name)]
    assert refused == ["analysis_helpers.conventions", "analysis_helpers.figures"]


@pytest.mark.parametrize("topic", FRONT_MODULES)
def test_every_topic_has_a_front_module_whose_exports_resolve(topic):
    module = importlib.import_module(f"analysis_helpers.{topic}")
    assert module.__doc__, f"analysis_helpers.{topic} has no docstring"
    assert module.__all__, f"analysis_helpers.{topic} declares no __all__"
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert not missing, f"analysis_helpers.{topic} exports names it does not define: {missing}"


def test_topic_list_covers_the_layers():
    assert {"territory", "reconstruction", "stances", "briefing", "proposals", "scenarios", "catalogue", "model_checks",
            "sensitivity"} <= set(FRONT_MODULES)


def test_package_ships_py_typed():
    # The wheel carries every file of the package folder (pyproject: packages = ["src/analysis_helpers"]);
    # tests/test_installed_package.py checks that the built wheel holds it.
    assert (PACKAGE_DIR / "py.typed").is_file()


@pytest.mark.notebooks
@REPORTS_GROUP
def test_reports_show_tables_only_through_formatted_table(built_reports):
    # pandas writes a bare DataFrame as <table class="dataframe">; formatted_table's Styler does not.
    report_dir, _ = built_reports
    pages = sorted(report_dir.rglob("*.html"))
    assert pages
    bare = [page.name for page in pages if 'class="dataframe"' in page.read_text()]
    assert not bare, f"reports showing a bare DataFrame (use analysis_helpers.formatted_table): {bare}"


# What the front modules took over from the notebooks.

def test_regional_date_is_the_latest_full_map_on_or_before_as_of():
    from analysis_helpers import territory

    regions = pd.DataFrame({"region_id": ["UA-01", "UA-02"], "name": ["A", "B"]})
    control = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01", "2024-03-01",
                                                    "2024-03-01"]),
                            "region_id": ["UA-01", "UA-02", "UA-01", "UA-01", "UA-02"]})
    assert territory.regional_date(control, regions, "2024-02-20") == pd.Timestamp("2024-01-01")
    assert territory.regional_date(control, regions, "2024-03-01") == pd.Timestamp("2024-03-01")
    with pytest.raises(ValueError, match="no date on or before 2023-12-31"):
        territory.regional_date(control, regions, "2023-12-31")
    named = territory.with_region_names(pd.DataFrame({"region_id": ["UA-02", "UA"]}), regions)
    assert list(named["name"]) == ["B", "Ukraine"]


def test_method_note_quotes_a_section_of_the_schema_notes():
    from analysis_helpers import territory

    assert "5 km band" in territory.method_note("MEASURE")
    with pytest.raises(KeyError, match="they have: ONE BASIS, ONE MEASURE, MEASURE"):
        territory.method_note("METHOD")


def test_proposal_tables_are_wide_and_in_date_order():
    from analysis_helpers import proposals

    texts = pd.DataFrame({"proposal_id": ["late", "early"], "date": pd.to_datetime(["2025-01-01", "2022-01-01"])})
    table = pd.DataFrame({"proposal_id": ["late", "late", "early", "late"],
                          "metric": ["area_km2:russian", "share_of_ukraine:russian", "area_km2:russian",
                                     "beyond_interval:compromise:territory"],
                          "value": [10.0, 0.5, 5.0, 12.0]})
    sides = proposals.side_metrics(table, texts)
    assert list(sides.index) == ["early", "late"]
    assert list(sides.columns) == ["russian_side_area_km2", "russian_side_share"]
    assert proposals.beyond_interval_table(table, texts).loc["late", "territory"] == 12.0
    matrix = pd.DataFrame({"proposal_id": ["late", "late", "early"], "state": ["silent", "coded", "not reported"]})
    counts = proposals.open_counts(matrix, texts)
    assert counts.loc["early"].to_dict() == {"not reported": 1, "silent": 0}
    assert counts.loc["late"].to_dict() == {"not reported": 0, "silent": 1}


def test_front_modules_load_what_was_known_on_the_date():
    import analysis_helpers as ah
    from analysis_helpers import reconstruction, stances, territory
    from analysis_helpers.analysis import reconstruction as reconstruction_analysis
    from analysis_helpers.analysis import stances as stance_analysis
    from analysis_helpers.analysis.capabilities import with_capabilities

    day = pd.Timestamp("2025-05-15")
    held = territory.control_by_region(day)
    assert held["date"].nunique() == 1 and held["date"].iloc[0] <= day
    assert "Ukraine" in set(held["name"]) and held["name"].notna().all()
    published = ah.load("reconstruction_assessments")
    known = published[published["published"] <= day]
    pd.testing.assert_frame_equal(reconstruction.needs(["2026-12-31"], as_of=day),
                                  reconstruction_analysis.needs_at(known, ["2026-12-31"]))
    wide = stance_analysis.stances_wide(ah.load("stances"), day)
    actors_then = with_capabilities(ah.load("actors"), stances.capabilities(day))  # capabilities known on the day
    pd.testing.assert_frame_equal(stances.outcomes(day, draws=0),
                                  stance_analysis.predict_outcomes(wide, actors_then, draws=0, seed=1))
