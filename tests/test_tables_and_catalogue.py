"""Tables for reading (`formatted_table`) and the catalogue's freshness and primary-source shares."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analysis_helpers import formatted_table
from analysis_helpers.analysis.catalogue import dataset_freshness, dataset_summary, stale_datasets


def cells(styler) -> list[list[str]]:
    """The displayed text of every body cell, row by row."""
    import re

    html = styler.to_html()
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows if "<td" in row]


def test_missing_values_ids_dates_and_numbers_read_as_such():
    frame = pd.DataFrame({
        "name": ["Kherson", "Donetsk"],
        "path": [np.nan, 4.0],
        "occupied_km2": [12_345.678, np.nan],
        "year": [2024, 2025],
        "observed": pd.to_datetime(["2025-05-15", None]),
    })
    assert cells(formatted_table(frame)) == [
        ["Kherson", "—", "12,346", "2024", "15 May 2025"],
        ["Donetsk", "4", "—", "2025", "—"],
    ]


def test_headers_carry_units_and_row_numbers_are_hidden():
    frame = pd.DataFrame({"occupied_km2": [1.0], "russian_side_pct": [12.5], "primary_share": [0.25],
                          "amount_usd_bn": [3.0], "share": [0.5], "occupied_km2_low": [1.0]})
    html = formatted_table(frame).to_html()
    assert cells(formatted_table(frame))[0][4] == "50.0"
    for header in ("Occupied (km²)", "Russian side (%)", "Primary share (%)", "Amount (USD bn)", "Share (%)",
                   "Occupied, low (km²)"):
        assert f">{header}</th>" in html
    assert "row_heading" not in html, "the 0..n index must not be shown"
    assert cells(formatted_table(frame))[0][2] == "25.0", "a 0-1 share is shown in percent"


def test_a_meaningful_index_becomes_the_first_column():
    frame = pd.DataFrame({"area_km2": [603_628.0]}, index=pd.Index(["Ukraine"], name="region"))
    html = formatted_table(frame).to_html()
    assert ">Region</th>" in html and cells(formatted_table(frame)) == [["Ukraine", "603,628"]]


def test_text_is_escaped_and_left_aligned():
    styler = formatted_table(pd.DataFrame({"title": ["<script>x</script>"], "value": [1.5]}))
    html = styler.to_html()
    assert "<script>x" not in html and "&lt;script&gt;x" in html
    assert ".col0 {\n  text-align: left;" in html and ".col1 {\n  text-align: right;" in html


def test_given_formats_and_labels_win():
    styler = formatted_table(pd.DataFrame({"gain_km2": [120.0, -5.0]}), formats={"gain_km2": "{:+,.0f}"},
                             labels={"gain_km2": "Gain in the year (km²)"})
    assert cells(styler) == [["+120"], ["-5"]] and "Gain in the year (km²)" in styler.to_html()


def tables() -> dict[str, pd.DataFrame]:
    sources = pd.DataFrame({"source_id": ["a", "b", "c"], "source_type": ["official", "outlet", "wire"],
                            "relays": ["", "Reuters", ""], "published": pd.to_datetime(["2024-01-01"] * 3)})
    series = pd.DataFrame({"date": pd.to_datetime(["2025-01-01", "2025-03-01"]), "source_id": ["a", "b"]})
    lookup = pd.DataFrame({"population_as_of": pd.to_datetime(["2022-01-01"]), "source_id": ["c"]})
    return {"sources": sources, "series": series, "lookup": lookup, "issues": pd.DataFrame({"issue_id": ["x"]})}



def test_an_empty_table_says_why_and_a_full_one_has_no_such_caption():
    empty = pd.DataFrame({"wave_id": pd.Series(dtype=str)})
    assert "<caption>No wave yet &amp; none soon</caption>" in formatted_table(empty, empty="No wave yet & none soon").to_html()
    full = pd.DataFrame({"wave_id": ["w1"]})
    assert "<caption>" not in formatted_table(full, empty="No wave yet").to_html()

def test_freshness_ages_are_counted_from_the_given_day_oldest_first():
    fresh = dataset_freshness(tables(), dt.date(2025, 3, 11))
    assert list(fresh["dataset"]) == ["lookup", "sources", "series", "issues"]
    ages = dict(zip(fresh["dataset"], fresh["age_days"], strict=True))
    assert ages["series"] == 10 and ages["lookup"] == (pd.Timestamp("2025-03-11") - pd.Timestamp("2022-01-01")).days
    assert pd.isna(ages["issues"]), "a table without dates has no age"
    assert list(stale_datasets(fresh, 30)["dataset"]) == ["lookup", "sources"]


def test_summary_gives_the_share_of_rows_on_official_or_wire_sources():
    summary = dataset_summary(tables(), today=dt.date(2025, 3, 11)).set_index("dataset")
    assert summary.loc["series", "primary_share"] == 0.5
    assert summary.loc["series", "relayed_share"] == 0.5  # b: an outlet's copy of a Reuters story
    assert summary.loc["lookup", "relayed_share"] == 0.0
    assert summary.loc["lookup", "primary_share"] == 1.0
    assert pd.isna(summary.loc["issues", "primary_share"])
    assert summary.loc["series", "age_days"] == 10


def test_true_and_false_read_as_yes_and_no_even_with_gaps():
    frame = pd.DataFrame({"beats_baseline": [True, None, False]}, dtype="object")
    assert cells(formatted_table(frame)) == [["yes"], ["—"], ["no"]]


def test_sources_table_marks_a_title_not_read_on_the_page():
    from analysis_helpers.figures.catalogue import sources_table_html

    sources = pd.DataFrame({"source_id": ["a", "b"], "publisher": ["P", "Q"], "title": ["Read", "Described"],
                            "title_read": [True, False], "url": ["https://example.org/a", "https://example.org/b"],
                            "published": pd.to_datetime(["2024-01-01", "2024-01-02"])})
    page = sources_table_html(sources)
    assert page.count("headline not read") == 1 and page.index("Described") < page.index("headline not read")
