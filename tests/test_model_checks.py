"""Backtests: the bargaining models against later texts, the front-pace assumption against the maps."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from analysis_helpers import DataValidationError, load, model_checks
from analysis_helpers.analysis import model_checks as checks
from analysis_helpers.analysis import sensitivity as sensitivity_core
from analysis_helpers.figures import model_checks as check_figures


def stance(actor, issue, as_of, position, salience=80, uncertainty=5, source="stance-x"):
    return {"actor_id": actor, "issue_id": issue, "as_of": pd.Timestamp(as_of), "position": position,
            "salience": salience, "confidence": "high", "uncertainty": uncertainty, "evidence": "e",
            "source_id": source}


ACTORS = pd.DataFrame({"actor_id": ["ukraine", "russia", "usa"], "capability": [25, 39, 100],
                       "capability_sd": [3, 4, 10]})
STANCES = pd.DataFrame([
    stance("ukraine", "territory", "2024-01-01", 10), stance("russia", "territory", "2024-01-01", 90),
    stance("usa", "territory", "2024-01-01", 50),
    stance("ukraine", "sanctions_relief", "2024-01-01", 0), stance("russia", "sanctions_relief", "2024-01-01", 100),
    stance("ukraine", "territory", "2025-01-01", 40),  # after the freeze: not known to it
])


PROPOSALS = pd.DataFrame({"proposal_id": ["ua-text", "us-text", "old", "joint"],
                          "author": ["ukraine", "usa", "russia", "ukraine;russia"],
                          "status": ["published", "draft", "published", "signed"],
                          "date": pd.to_datetime(["2024-09-01", "2025-03-01", "2023-01-01", "2024-10-01"])})
PROVISIONS = pd.DataFrame({"proposal_id": ["ua-text", "ua-text", "us-text", "old", "joint"],
                           "issue_id": ["territory", "sanctions_relief", "territory", "territory", "territory"],
                           "position": [20.0, np.nan, 45.0, 0.0, 50.0], "silent": [False, True, False, False, False],
                           "source_id": ["prop-a", "prop-a", "prop-b", "prop-old", "prop-j"]})


def test_target_sets_are_separate_estimands_and_an_unknown_one_is_refused():
    party = checks.targets("party", PROPOSALS, PROVISIONS, STANCES)
    assert "ua-text" in set(party["target"]) and "us-text" not in set(party["target"])
    assert party["target"].str.contains("stance").any()  # a party's own later stances are party targets
    mediated = checks.targets("mediated", PROPOSALS, PROVISIONS, STANCES)
    assert list(mediated["target"]) == ["us-text"]
    assert list(checks.targets("accepted", PROPOSALS, PROVISIONS, STANCES)["target"]) == ["joint"]
    with pytest.raises(ValueError, match=r"unknown target set 'texts'.*party"):
        checks.targets("texts", PROPOSALS, PROVISIONS, STANCES)


def test_each_pair_is_scored_once_from_the_latest_freeze_before_it():
    table = checks.targets("mediated", PROPOSALS, PROVISIONS, STANCES)
    freezes = checks.assign_freezes(table, ["2024-06-01", "2024-12-01", "2025-03-01"])
    assert freezes.iloc[0] == pd.Timestamp("2024-12-01")  # 2025-03-01 is not strictly before the text


def test_backtest_scores_every_model_and_the_set_s_baselines_on_the_same_pairs():
    table = checks.targets("mediated", PROPOSALS, PROVISIONS, STANCES)
    known = {pd.Timestamp("2024-06-01"): STANCES[STANCES["as_of"] <= "2024-06-01"]}
    pairs = checks.position_backtest("mediated", table, known, ACTORS, ["2024-06-01"], draws=40,
                                     expected_utility_draws=10)
    assert set(pairs["model"]) == {*checks.MODELS, "midpoint", "mediator"}
    assert (pairs["target_set"] == "mediated").all() and (pairs["target"] == "us-text").all()
    midpoint = pairs.set_index("model").loc["midpoint"]
    assert midpoint["predicted"] == 50 and midpoint["abs_error"] == 5
    assert pairs.set_index("model").loc["mediator", "predicted"] == 50  # the US's own position
    assert not pairs["calibrated"].any()  # no earlier errors yet: input-noise bands, said so
    assert (pairs["low_95"] <= pairs["low_80"]).all() and (pairs["low_80"] <= pairs["low_50"]).all()
    scores = checks.position_scores(pairs)
    assert set(scores["target_set"]) == {"mediated"} and scores["pairs"].eq(1).all()
    with pytest.raises(ValueError, match="at least 20 draws"):
        checks.position_backtest("mediated", table, known, ACTORS, ["2024-06-01"], draws=5)


def test_nash_bargaining_stays_between_the_parties_and_follows_power():
    # Ukraine at 10, Russia at 90, no third party: the outcome is the power-weighted point.
    outcome = checks.nash_bargaining([10.0, 90.0], [25.0, 75.0], [1.0, 1.0], (0, 1))
    assert outcome == pytest.approx(0.25 * 10 + 0.75 * 90)
    # A third party at 0 pulls both reservation points, but never beyond Ukraine's position.
    pulled = checks.nash_bargaining([10.0, 90.0, 0.0], [25.0, 75.0, 1000.0], [1.0, 1.0, 1.0], (0, 1))
    assert 10 <= pulled < outcome
    stronger = checks.nash_bargaining([10.0, 90.0], [25.0, 75.0], [1.0, 1.0], (0, 1), momentum=1.5)
    assert stronger > outcome


def test_lambda_is_pooled_towards_the_common_value_and_kept_in_0_1():
    resolved = pd.DataFrame({"issue_id": ["a", "a", "b"], "author_position": [0.0, 0.0, 0.0],
                             "compromise": [50.0, 50.0, 50.0], "realised": [25.0, 25.0, 50.0]})
    fitted = checks.fit_lambda(resolved)
    assert fitted["*"] == pytest.approx((2 * 50 * 25 + 50 * 50) / (3 * 50 ** 2))
    assert fitted["a"] < fitted["*"] < fitted["b"] <= 1  # shrunk, not equal to the issue's own estimate
    assert checks.fit_lambda(resolved.iloc[:0]) == {"*": 0.0}


def test_skill_calls_a_model_predictive_only_when_its_interval_excludes_zero():
    rows = []
    for i in range(12):
        for model, crps in (("compromise", 5.0 + (i % 3)), ("midpoint", 10.0 + (i % 3)), ("nash", 10.0 + (i % 2))):
            rows.append({"target_set": "mediated", "freeze": pd.Timestamp("2024-01-01") + pd.DateOffset(months=i),
                         "issue_id": "territory", "target": f"t{i}", "model": model, "crps": crps})
    skill = checks.skill_table(pd.DataFrame(rows)).set_index("model")
    assert skill.loc["compromise", "verdict"] == "predictive" and skill.loc["compromise", "high"] < 0
    assert skill.loc["nash", "verdict"].startswith("descriptive")
    assert "beats_baseline" not in skill.columns


def test_pace_interval_is_the_engines_triangular_80_percent_on_past_data_only():
    dates = pd.date_range("2023-01-01", periods=25, freq="MS")
    area = 1000.0 + 100.0 * np.arange(25)  # 100 km² a month, steadily
    control = pd.DataFrame({"region_id": "UA", "date": dates, "occupied_km2": area, "source_id": "terr-x"})
    pace = checks.pace_backtest(control, (1.0, 0.5, 1.5), ["2024-01-01", "2024-06-01", "2022-06-01"],
                                horizons=(3, 6, 12))
    assert set(pace["freeze"]) == {pd.Timestamp("2024-01-01"), pd.Timestamp("2024-06-01")}  # no history before 2023
    row = pace[(pace["freeze"] == "2024-01-01") & (pace["horizon_months"] == 6)].iloc[0]
    assert row["rate_km2_per_month"] == 100 and row["predicted_km2"] == 600 and row["realised_km2"] == 600
    expected_low = 0.5 + np.sqrt(0.1 * 1.0 * 0.5)  # 10th percentile of triangular(0.5, 1, 1.5)
    assert row["low_km2"] == pytest.approx(expected_low * 600) and bool(row["covered"])
    assert pace[pace["freeze"] == "2024-06-01"]["horizon_months"].max() == 6  # 12 months runs past the data
    scores = checks.pace_scores(pace)
    assert scores["coverage_80"].eq(1.0).all()


def test_checks_on_the_kit_data_and_their_figures():
    check = model_checks.position_check("mediated", draws=30, expected_utility_draws=5)
    assert check.target_set == "mediated" and (check.scores["target_set"] == "mediated").all()
    assert check.scores["pairs"].nunique() <= 2 and len(check.pairs) > 0
    assert check.pairs.groupby(["target", "issue_id", "model"]).size().eq(1).all()  # each pair scored once
    with pytest.raises(DataValidationError, match="no target of the set 'accepted'"):
        model_checks.position_check("accepted")
    with pytest.raises(DataValidationError, match="before the first freeze"):
        model_checks.position_check("party", until="2020-01-01")
    with pytest.raises(ValueError, match="unknown target set"):
        model_checks.position_check("texts")
    pace, pace_scores, cited = model_checks.pace_check("baseline")
    assert set(pace_scores["horizon_months"]) == {3, 6, 12} and cited
    as_of = pd.Timestamp("2026-01-01")
    sources = load("sources")
    figure = check_figures.skill_chart(check.skill, check.pairs, sources, as_of)
    assert "Mediated targets" in figure.layout.title.text
    assert "Source:" in figure.layout.annotations[-1].text
    assert "80% interval held" in check_figures.pace_chart(pace, cited, sources, as_of).layout.title.text


def test_freeze_schedule_is_the_written_rule_and_freezes_read_only_rows_known_then(tmp_path):
    schedule = model_checks.freeze_schedule()
    assert schedule[0] == pd.Timestamp("2022-10-12")
    assert all((b - a).days in range(89, 93) for a, b in itertools.pairwise(schedule))
    stances = load("stances")
    # The first date with two coded actors on one issue, as the rule says.
    firsts = stances.groupby(["issue_id", "actor_id"])["as_of"].min().groupby("issue_id").nsmallest(2)
    assert firsts.groupby(level=0).max().min() == schedule[0]
    for freeze in schedule:
        known = load("stances", as_of=freeze)
        assert (known["as_of"] <= freeze).all()
        if "published_on" in known.columns:  # the publication date, once the table has it
            assert (known["published_on"].isna() | (known["published_on"] <= freeze)).all()


def test_tornado_puts_the_strongest_input_on_top():
    inputs = pd.DataFrame({"input": ["a", "b"], "value": [1.0, 1.0], "low": [0.0, 0.0], "high": [2.0, 2.0],
                           "source_id": ["", "terr-deepstate-archive"]})
    table = pd.DataFrame({
        "output": "occupied_km2", "input": ["a", "b", "a", "b"], "method": "morris",
        "index": ["mu_star", "mu_star", "sigma", "sigma"], "value": [1.0, 5.0, 0.1, 0.2],
        "conf": [0.1, 0.5, np.nan, np.nan],
        "low": 0.0, "high": 0.0, "resolved": True, "unit": "km2", "note": "", "source_id": list(inputs["source_id"]) * 2})
    sources = load("sources")
    figure = check_figures.tornado(table, "occupied_km2", sources, "2026-01-01")
    assert figure.layout.title.text == "Russian-held area: driven most by b"
    assert list(figure.data[0].y) == ["a", "b"]  # plotted bottom-up: b on top
    assert sensitivity_core.tornado_order(table, "occupied_km2")["input"].tolist() == ["b", "a"]
    with pytest.raises(ValueError, match="no rows"):
        check_figures.tornado(table, "needs_usd_bn", sources, "2026-01-01")


def test_tornado_draws_no_bar_and_claims_no_driver_where_an_index_is_not_resolved():
    table = pd.DataFrame({
        "output": "occupied_km2", "input": ["a", "b", "a", "b"], "method": "sobol",
        "index": ["S1", "S1", "ST", "ST"], "value": [0.9, -0.1, 0.5, 0.3], "conf": [0.3, 0.2, 0.2, 0.1],
        "low": 0.0, "high": 0.0, "resolved": [False, False, False, False], "unit": "share of variance", "note": "",
        "source_id": "terr-deepstate-archive"})
    figure = check_figures.tornado(table, "occupied_km2", load("sources"), "2026-01-01")
    assert figure.layout.title.text == "Russian-held area: no index resolved at this sample size"
    assert list(figure.data[0].x) == [0.0, 0.0] and set(figure.data[0].text) == {"not resolved"}
