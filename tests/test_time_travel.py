"""The time machine: at a past `as_of` the kit uses only what was known on that day.

The scenario engine is run at several past dates and every row it reads, and every source it
cites, is checked against the date; then every notebook is executed at two past dates chosen to
hit the edges (`@pytest.mark.notebooks`).
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest

import analysis_helpers as ah
from analysis_helpers import proposals, scenarios
from analysis_helpers.analysis import scenarios as engine
from analysis_helpers.data import first_known, known_since, package
from analysis_helpers.memo import Memo
from analysis_helpers.publish.report import Job, NotebookFailed, execute, parameter_defaults
from conftest import REPO_ROOT, notebooks

# A month into the war (no RDNA, no settlement text, two coded stances), between RDNA2 and RDNA3,
# a date when funding rows converted at a later rate were known, and the eve of the Istanbul talks
# (the README's example: before RDNA5 and the 2025-26 decisions).
PAST = ("2022-03-24", "2023-06-01", "2024-12-31", "2025-05-15")
# The dates the notebooks are executed at: the earliest edge, and a date between two assessments.
NOTEBOOK_DATES = ("2022-03-24", "2023-06-01")
# Date fields that are not about when a row was known: planned ends of programmes ("future")
# and the date of the exchange rate a conversion used.
NOT_KNOWLEDGE_DATES = {"funding_sources": {"fx_date", "ends"}}


def _date_columns(name: str, frame: pd.DataFrame) -> list[str]:
    fields = package().schema(name)["fields"]
    return [f["name"] for f in fields if f["type"] == "date" and not f.get("future")
            and f["name"] not in NOT_KNOWLEDGE_DATES.get(name, set()) and f["name"] in frame]


@pytest.fixture(scope="module", params=PAST)
def read_by_engine(request):
    """The tables the engine read at a past date (captured on their way into prepare_baseline),
    its baseline and the results of every scenario it can run."""
    day = pd.Timestamp(request.param)
    captured = {}
    original = engine.prepare_baseline

    def capture(tables, as_of):
        captured.update(tables)
        return original(tables, as_of)

    with pytest.MonkeyPatch.context() as patch:  # a memo of its own, so that the engine reads afresh
        patch.setattr(engine, "prepare_baseline", capture)
        patch.setattr(scenarios, "_baselines", Memo(size=2))
        baseline = scenarios.baseline_for(day)
        results = scenarios.run_all(draws=0, as_of=day)  # point results: what the test reads
    return day, captured, baseline, results


def test_engine_reads_no_row_dated_after_as_of(read_by_engine):
    day, tables, _, _ = read_by_engine
    assert set(tables) == set(engine.TABLES)
    for name, frame in tables.items():
        for column in _date_columns(name, frame):
            late = frame[frame[column] > day]
            assert late.empty, f"{name}.{column}: {len(late)} rows dated after {day.date()}"
        since = known_since(package(), name, frame)
        assert not (since > day).any(), f"{name}: rows not yet known on {day.date()}"


def test_engine_reads_every_row_known_on_as_of(read_by_engine):
    """Not only nothing later: nothing known is left out either."""
    day, tables, _, _ = read_by_engine
    for name, frame in tables.items():
        assert len(frame) == len(ah.load(name, as_of=day)), name


def test_engine_cites_no_source_published_after_as_of(read_by_engine):
    """`Baseline.cited` (what every scenario caption cites) names sources published by `as_of`,
    with two stated exceptions: an archive of records that existed then (DeepState's maps, kept
    by later GitHub archives: its `relays`), and the source of an exchange rate dated after the
    row it converts (`funding_sources.fx_date`; the amount was known, the kit's conversion is later)."""
    day, tables, baseline, _ = read_by_engine
    sources = ah.load("sources").set_index("source_id")
    later = sources.loc[list(baseline.cited)].query("published > @day")
    archives = set(later.index[later["relays"].str.contains("DeepStateMap", na=False)])
    assert archives <= set(tables["territory_control"]["source_id"])
    funding = tables["funding_sources"]
    later_rates = set(funding.loc[funding["fx_date"] > day, "fx_source_id"])
    assert set(later.index) <= archives | later_rates, sorted(set(later.index) - archives - later_rates)


def test_engine_results_at_a_past_date_are_those_of_the_rows_known_then(read_by_engine):
    day, _, baseline, results = read_by_engine
    assessments = ah.load("reconstruction_assessments", as_of=day)
    needs = results.loc[results["metric"] == "needs_usd_bn", "value"]
    rdnas = assessments[(assessments["kind"] == "rdna") & assessments["needs_usd_bn"].notna()]
    if len(rdnas) < 2:  # no trend yet: the engine says "not estimated" (NaN), it does not borrow a later RDNA
        assert needs.isna().all()
    else:
        assert np.isfinite(needs).all() and (needs >= rdnas["needs_usd_bn"].iloc[-1] - 1e-9).all()
    assert baseline.as_of == day


def test_a_text_not_known_yet_is_refused_with_its_reason():
    day = first_known("proposals", where=lambda f: f["proposal_id"] == "us-28-point") - pd.Timedelta(days=1)
    reasons = scenarios.runnable_scenarios(day)
    assert "us-28-point" in reasons["us_28_point_terms"] and not reasons["baseline"]
    with pytest.raises(ValueError, match="not known on"):
        scenarios.run_scenario("us_28_point_terms", draws=0, as_of=day)
    assert "us_28_point_terms" not in set(scenarios.run_all(draws=0, as_of=day)["scenario"])


def test_first_known_dates_come_from_the_data():
    first = first_known("proposals")
    day_before = first - pd.Timedelta(days=1)
    assert ah.load("proposals", as_of=day_before).empty and not ah.load("proposals", as_of=first).empty
    assert first_known("proposal_provisions") == first  # a child table is known with its parent
    assert first_known("proposals", after=day_before) == first
    rdna = ah.load("reconstruction_assessments").query("kind == 'rdna'")
    assert first_known("reconstruction_assessments", where=lambda f: f["kind"] == "rdna") == rdna["published"].min()
    assert first_known("reconstruction_assessments", where=lambda f: f["kind"] == "rdna",
                       after=rdna["published"].min()) == rdna["published"].nsmallest(2).iloc[-1]
    assert pd.isna(first_known("regions"))


@pytest.mark.parametrize("day", PAST)
def test_proposals_facade_reads_the_past_through_load(day):
    texts = proposals.list_proposals(day)
    assert (texts["date"] <= pd.Timestamp(day)).all()
    assert set(proposals.position_matrix(day)["proposal_id"]) <= set(texts["proposal_id"])
    assert set(proposals.resolved_lines(day)["proposal_id"]) <= set(texts["proposal_id"])


def test_sensitivity_varies_only_what_the_engine_can_estimate_at_as_of():
    from analysis_helpers import sensitivity

    _, baseline, _, _, outputs, _, _ = sensitivity.plan("baseline", method="morris", samples=4, as_of=PAST[0])
    assert "needs_usd_bn" not in outputs and "funding_gap_usd_bn" not in outputs  # no RDNA yet
    issues = [output.split(":", 1)[1] for output in outputs if output.startswith("settlement:")]
    assert issues and set(issues) <= set(baseline.stances_wide.index)


def test_sensitivity_says_what_it_could_not_estimate_yet():
    from analysis_helpers import model_checks, sensitivity

    table = sensitivity.analyse("baseline", ["settlement:territory"], method="morris", samples=4, workers=1,
                                as_of=PAST[0])
    assert table.empty and table.attrs["not_estimated"] == ["settlement:territory"]
    figure = model_checks.tornado(table, "settlement:territory", ah.load("sources"), PAST[0])
    assert "not estimated at this date" in figure.layout.title.text
    with pytest.raises(ValueError, match="unknown output"):  # a typo is still refused
        sensitivity.analyse("baseline", ["settlement:territori"], method="morris", samples=4, as_of=PAST[0])


# ---------------------------------------------------------------------------------------------
# Every notebook at past dates (execution only; the report tests check the pages at the default date)

# Smaller Monte Carlo runs than a report's: the code path is the same, the kernels' time is not.
CHEAP = {"draws": 50}
# The second date runs only the notebooks whose code path between two assessments differs from both
# the first date and the default one: one RDNA known then two (02), needs estimable and a text-based
# scenario not yet runnable (04), a few texts without lines (06), poll waves known but too few for a
# trend and no polled text (09). The others take the same path as at the first or the default date.
BETWEEN_ASSESSMENTS = ("02_reconstruction", "04_scenarios", "06_proposals", "09_public_opinion")
# 07 (the slowest notebook) depends on as_of through the sensitivity's outputs, checked without a
# kernel above (`make sweep` executes it at every quarter).
NOT_EXECUTED = ("07_model_checks",)


def _runs() -> list[tuple]:
    first, between = NOTEBOOK_DATES
    runs = [(notebook, first) for notebook in notebooks() if notebook.stem not in NOT_EXECUTED]
    runs += [(notebook, between) for notebook in notebooks() if notebook.stem in BETWEEN_ASSESSMENTS]
    return runs


def _execute(notebook, day) -> str:
    """'' when the notebook ran cleanly at `day` (no error, nothing on stderr), else the error."""
    parameters = {"as_of": day, **{k: v for k, v in CHEAP.items() if k in parameter_defaults(notebook)}}
    try:
        execute(Job(notebook, notebook.with_suffix(".html"), parameters))
    except NotebookFailed as exc:
        return str(exc)
    return ""


@pytest.mark.notebooks
def test_every_notebook_runs_cleanly_at_past_dates(offline_kernels):
    runs = _runs()
    with ProcessPoolExecutor(max_workers=2) as pool:
        errors = list(pool.map(_execute, *zip(*runs, strict=True)))
    failed = [f"as_of={day}: {error}" for (_, day), error in zip(runs, errors, strict=True) if error]
    assert not failed, "\n".join(failed)


def test_landing_page_and_report_header_state_the_as_of_in_force():
    from analysis_helpers.publish.report_page import Freshness, as_of_in_force, index_page

    past = as_of_in_force({"as_of": "2023-06-01"}, "2026-08-22")
    assert "2023-06-01" in past and "later rows are left out" in past
    assert "latest data (2026-08-22)" in as_of_in_force({}, "2026-08-22")
    page = index_page({}, Freshness(pd.DataFrame(columns=["dataset", "as_of", "age_days"]), "2026-08-22"),
                      {"as_of": "2023-06-01"}, "abc")
    assert past in page
    header = (REPO_ROOT / "src/analysis_helpers/templates/kit_offline/index.html.j2").read_text()
    assert "resources.kit.as_of" in header
