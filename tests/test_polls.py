"""Poll analysis: intervals with design effects, the local-level trend, wave tests, acceptability
of provisions, referendum arithmetic, and the hook in the proposals matrix and compare()."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis_helpers import polls, proposals
from analysis_helpers.analysis import polls as engine


def tiny_shares(accept: list[float], n: int = 1000, deff: float = 1.0) -> pd.DataFrame:
    dates = pd.date_range("2023-01-15", periods=len(accept), freq="90D")
    return pd.DataFrame({"wave_id": [f"w{i}" for i in range(len(accept))], "question_id": "q",
                         "pollster": "KIIS", "date": dates, "published": dates + pd.Timedelta(days=10),
                         "n_effective": float(n), "design_effect_used": deff, "source_id": "poll-x",
                         "wave_source_id": "poll-x", "accept": accept,
                         "accept_low": np.nan, "accept_high": np.nan})


def test_interval_uses_sample_split_and_design_effect():
    rows = polls.answers(as_of="2026-08-22")
    row = rows[(rows["wave_id"] == "kiis-2025-06") & (rows["question_id"] == "kiis-concessions")
               & (rows["stance"] == "accept")].iloc[0]
    n = 2004 / 4
    half = engine.Z * np.sqrt(1.3 * 0.38 * 0.62 / n)
    assert row["n_effective"] == pytest.approx(n)
    assert (row["low"], row["high"]) == pytest.approx((0.38 - half, 0.38 + half))
    assert row["moe_basis"].startswith("computed") and "stated" in row["moe_basis"]  # split: not the stated 2.9 %


def test_stated_margin_is_kept_and_missing_design_effect_is_flagged():
    rows = polls.answers(as_of="2026-08-22").drop_duplicates("wave_id").set_index("wave_id")
    assert rows.loc["kiis-2025-02", "moe"] == pytest.approx(0.029) and rows.loc["kiis-2025-02", "moe_basis"] == "stated"
    assert "1.3 assumed" in rows.loc["kiis-2022-05", "moe_basis"]
    assert rows.loc["kiis-2022-05", "moe"] == pytest.approx(engine.Z * np.sqrt(1.3 * 0.25 / 2000))


def test_series_and_stance_shares_sum_the_options_of_each_stance():
    series = polls.series("kiis-concessions", "accept", as_of="2026-08-22")
    assert series["share"].iloc[0] == pytest.approx(0.10) and series["date"].is_monotonic_increasing
    assert len(series) >= 8
    with pytest.raises(ValueError, match="stance"):
        polls.series("kiis-concessions", "maybe")


def test_trend_is_smooth_with_a_band_that_covers_the_polls():
    trend = polls.trend("kiis-concessions", "accept", as_of="2026-08-22")
    observed = trend[trend["observed"]]
    series = polls.series("kiis-concessions", "accept", as_of="2026-08-22")
    assert len(observed) == len(series)
    assert ((observed["low"] <= observed["level"]) & (observed["level"] <= observed["high"])).all()
    # a smoother, not a line through the points: the band between polls is wider than at them
    between = trend[~trend["observed"]]
    assert (between["high"] - between["low"]).max() > (observed["high"] - observed["low"]).min()
    assert trend["drift_sd_per_month"].iloc[0] > 0


def test_trend_of_a_flat_series_stays_flat_and_needs_three_polls():
    points = engine.series(tiny_shares([0.3, 0.3, 0.3, 0.3]), "q")
    trend = engine.local_level_trend(points)
    assert np.allclose(trend["level"], 0.3, atol=1e-3)
    with pytest.raises(ValueError, match=f"at least {engine.MIN_TREND_POLLS} polls"):
        engine.local_level_trend(points.head(2))


def test_wave_difference_is_tested_with_both_variances():
    shares = tiny_shares([0.30, 0.36], n=1000)
    result = engine.wave_difference(shares, "q", "w0", "w1")
    se = np.sqrt(0.3 * 0.7 / 1000 + 0.36 * 0.64 / 1000)
    assert result["difference"] == pytest.approx(0.06) and result["se"] == pytest.approx(se)
    assert result["p_value"] == pytest.approx(2 * (1 - engine.NormalDist().cdf(0.06 / se)))
    assert result["low"] > 0  # six points on 1,000 each is beyond noise
    with pytest.raises(KeyError, match="w9"):
        engine.wave_difference(shares, "q", "w0", "w9")


def test_real_wave_difference_reports_a_fall_since_february_2025():
    result = polls.compare_waves("kiis-2025-02", "kiis-2025-12", as_of="2026-08-22")
    assert result["difference"] == pytest.approx(-0.06) and result["p_value"] < 0.05


def test_acceptability_picks_best_match_then_latest_wave():
    accepted = polls.acceptability(as_of="2026-08-22").set_index(["proposal_id", "issue_id"])
    row = accepted.loc[("us-28-point", "territory")]
    assert row["question_id"] == "kiis-donbas-guarantees" and row["match"] == "close"
    assert row["accept"] == pytest.approx(0.39) and row["accept_low"] < 0.39 < row["accept_high"]
    assert accepted.loc[("ru-memorandum-2025", "territory"), "majority"] == "majority rejects"
    assert set(accepted["match"]) <= {"exact", "close", "partial"}


def test_acceptability_follows_as_of():
    before = polls.acceptability(as_of="2025-12-01").set_index(["proposal_id", "issue_id"])
    assert ("us-28-point", "territory") in before.index
    assert before.loc[("us-28-point", "territory"), "wave_id"] != "kiis-2026-01"
    assert polls.acceptability(as_of="2022-01-01").empty


def test_referendum_arithmetic_states_the_assumption_range_and_who_was_not_asked():
    table = polls.referendum(as_of="2026-08-22")
    row = table.set_index("proposal_id").loc["us-ua-20-point"]
    assert row["yes_among_deciding"] == pytest.approx(0.39 / 0.93)
    assert row["yes_if_undecided_vote_no"] <= row["yes_among_deciding"] <= row["yes_if_undecided_vote_yes"]
    assert row["yes_low"] < row["yes_among_deciding"] < row["yes_high"]
    assert 0 <= row["p_yes_over_half"] <= 1
    assert "occupied" in row["not_covered"] and "left Ukraine" in row["not_covered"] and "front" in row["not_covered"]
    assert polls.referendum(as_of="2026-08-22", seed=1)["yes_low"].iloc[0] == pytest.approx(row["yes_low"], abs=0.01)


def test_mapping_lists_issue_level_and_provision_matches_with_reasons():
    table = polls.mapping()
    assert table["reason"].str.len().min() > 20
    assert table["proposal_id"].isna().any() and table["proposal_id"].notna().any()
    assert table["match"].iloc[0] == "exact" or table["match"].iloc[0] == "close"


def test_proposals_matrix_and_compare_carry_acceptance():
    matrix = proposals.position_matrix("2026-08-22").set_index(["proposal_id", "issue_id"])
    assert matrix.loc[("us-28-point", "territory"), "acceptance"] == pytest.approx(0.39)
    assert pd.isna(matrix.loc[("ua-peace-formula", "territory"), "acceptance"])
    table = proposals.compare("2026-08-22", draws=20)
    rows = table[(table["proposal_id"] == "us-28-point") & table["metric"].str.startswith("acceptance")]
    assert set(rows["metric"]) >= {"acceptance:territory", "acceptance_low:territory", "acceptance_high:territory"}
    assert (rows["unit"] != "").all()


def test_before_three_waves_there_is_no_trend_and_the_chart_says_when_it_came():
    day = "2022-03-24"
    trend = polls.trend(as_of=day)
    assert trend.empty and list(trend.columns) == polls.TREND_COLUMNS
    third = polls.series().sort_values("published")["published"].iloc[engine.MIN_TREND_POLLS - 1]
    assert polls.first_trend(as_of=day) == third and pd.isna(polls.first_trend(as_of=third))
    assert "No trend yet" in polls.drift_sentence(trend)
    points = {"accept": polls.series(as_of=day)}
    figure = polls.trend_figure(points, {"accept": trend}, *polls.context(day), day,
                                sources=pd.DataFrame(), next_known=third)
    assert not figure.data and figure.layout.title.text.startswith("Too few waves")


def test_the_waves_compared_are_those_known_on_as_of():
    latest = polls.wave_pair("kiis-2025-02", "kiis-2025-12")
    assert latest == ("kiis-2025-02", "kiis-2025-12")
    known = list(polls.series(as_of="2024-06-01")["wave_id"])
    assert polls.wave_pair("kiis-2025-02", "kiis-2025-12", as_of="2024-06-01") == (known[0], known[-1])
    assert polls.wave_pair("kiis-2025-02", "kiis-2025-12", as_of="2022-03-24") == (None, None)
    assert polls.compare_waves(None, None, as_of="2022-03-24").empty


def test_before_any_polled_text_the_charts_say_when_one_came():
    day = "2022-03-24"
    first = polls.first_polled_term(day)
    assert first > pd.Timestamp(day) and polls.acceptability(as_of=day).empty
    assert polls.acceptability(as_of=first).shape[0] > 0 and polls.acceptability(as_of=first - pd.Timedelta(days=1)).empty
    assert polls.referendum(as_of=day).empty and polls.mapping(as_of=day).empty
    figure = polls.acceptability_figure(polls.acceptability(as_of=day), day, sources=pd.DataFrame(), next_known=first)
    report = polls.acceptability_explorer_report(polls.term_history(as_of=day), {}, "us-28-point", day,
                                                 sources=pd.DataFrame(), next_known=first)
    for chart in (figure, report):
        assert not chart.data and chart.layout.title.text.startswith("No text's terms")
