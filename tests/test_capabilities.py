"""Dated capabilities: the sqrt rule, the latest release known at a freeze, and no leak from later releases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis_helpers import load, model_checks
from analysis_helpers.analysis.capabilities import capabilities_at, with_capabilities
from conftest import append_line, load_problems

ACTORS = pd.DataFrame({"actor_id": ["usa", "russia", "eu"], "capability": [100.0, 39.0, 45.0],
                       "capability_sd": [10.0, 4.0, 14.0], "capability_basis": ["a", "b", "coded anchor"],
                       "source_id": ["s", "s", "s"]})


def _rows(*rows):
    return pd.DataFrame(rows, columns=["actor_id", "year", "indicator", "value", "published_on", "source_id"]).assign(
        published_on=lambda f: pd.to_datetime(f["published_on"]))


def test_capability_is_sqrt_of_spending_over_the_us_of_the_same_year_and_anchors_stay_undated():
    known = _rows(("usa", 2021, "military_expenditure", 800.0, "2022-04-25", "x"),
                  ("russia", 2021, "military_expenditure", 72.0, "2022-04-25", "x"),
                  ("russia", 2021, "military_burden", 0.04, "2022-04-25", "x"),
                  ("usa", 2022, "military_expenditure", 900.0, "2023-04-24", "y"))
    table = capabilities_at(ACTORS, known).set_index("actor_id")
    # Russia's latest year with both figures is 2021: the US figure of 2022 is not mixed in.
    assert table.loc["russia", "capability"] == pytest.approx(100 * np.sqrt(72 / 800))
    assert table.loc["russia", "capability_sd"] == pytest.approx(0.1 * table.loc["russia", "capability"])
    assert table.loc["russia", "year"] == 2021 and table.loc["russia", "dated"]
    assert table.loc["usa", "capability"] == 100
    assert not table.loc["eu", "dated"] and table.loc["eu", "capability"] == 45
    assert table.loc["eu", "capability_basis"].startswith("undated")
    replaced = with_capabilities(ACTORS, table.reset_index()).set_index("actor_id")
    assert replaced.loc["russia", "capability"] == pytest.approx(30.0)
    assert list(replaced.columns) == list(ACTORS.set_index("actor_id").columns)


def test_a_revised_figure_counts_only_once_released():
    first = _rows(("usa", 2021, "military_expenditure", 800.0, "2022-04-25", "x"),
                  ("russia", 2021, "military_expenditure", 72.0, "2022-04-25", "x"))
    revision = _rows(("russia", 2021, "military_expenditure", 200.0, "2023-04-24", "y"))
    before = capabilities_at(ACTORS, first).set_index("actor_id")
    after = capabilities_at(ACTORS, pd.concat([first, revision])).set_index("actor_id")
    assert before.loc["russia", "capability"] == pytest.approx(30.0)
    assert after.loc["russia", "capability"] == pytest.approx(50.0)


def test_no_freeze_reads_a_capability_row_published_after_it():
    freezes = model_checks.freeze_schedule()
    table = model_checks.capabilities_at_freezes(freezes)
    dated = table[table["dated"]]
    assert (dated["published_on"] <= dated["freeze"]).all()
    every_row = load("capabilities")
    for freeze, rows in dated.groupby("freeze"):
        released = every_row[every_row["published_on"] <= freeze]
        # Each dated actor uses the latest year released by the freeze, never a later one.
        for row in rows.itertuples():
            own = released[(released["actor_id"] == row.actor_id) & (released["indicator"] == "military_expenditure")]
            assert row.year == own["year"].max()
    first = dated[dated["freeze"] == freezes[0]].set_index("actor_id")
    # The first freeze (October 2022) knows only the April 2022 release: Ukraine's pre-war 2021 spending.
    assert first.loc["ukraine", "year"] == 2021


def test_a_row_released_after_a_freeze_changes_nothing_at_that_freeze(data_copy):
    freezes = [pd.Timestamp("2024-01-12"), pd.Timestamp("2026-10-12")]
    before = model_checks.capabilities_at_freezes(freezes, data_copy).set_index(["freeze", "actor_id"])
    append_line(data_copy, "stances/capabilities.csv",
                "russia,2025,military_expenditure,990,2026-05-01,stance-sipri-milex-2024")
    append_line(data_copy, "stances/capabilities.csv",
                "usa,2025,military_expenditure,1000,2026-05-01,stance-sipri-milex-2024")
    after = model_checks.capabilities_at_freezes(freezes, data_copy).set_index(["freeze", "actor_id"])
    early, late = (freezes[0], "russia"), (freezes[1], "russia")
    assert after.loc[early, "capability"] == before.loc[early, "capability"]
    assert after.loc[late, "capability"] == pytest.approx(100 * np.sqrt(990 / 1000))


def test_position_check_uses_and_reports_the_capabilities_known_at_each_freeze():
    check = model_checks.position_check("mediated", draws=20, expected_utility_draws=2, until="2025-06-30")
    assert set(check.capabilities["freeze"]) == set(check.freezes)
    dated = check.capabilities[check.capabilities["dated"]]
    assert (dated["published_on"] <= dated["freeze"]).all()
    assert dated["actor_id"].isin(["ukraine", "russia", "usa"]).sum() == 3 * len(check.freezes)
    today = model_checks.position_check("mediated", draws=20, expected_utility_draws=2, until="2025-06-30",
                                        dated_capabilities=False)
    assert not today.capabilities["dated"].any()
    assert list(today.capabilities.columns) == list(check.capabilities.columns)


def test_a_capability_row_with_an_unknown_actor_or_indicator_is_refused(data_copy):
    append_line(data_copy, "stances/capabilities.csv", "atlantis,2024,military_expenditure,5,2025-04-28,stance-sipri-milex-2024")
    append_line(data_copy, "stances/capabilities.csv", "russia,2024,tanks,5,2025-04-28,stance-sipri-milex-2024")
    problems = "\n".join(load_problems(data_copy, "capabilities"))
    assert "atlantis" in problems and "tanks" in problems
