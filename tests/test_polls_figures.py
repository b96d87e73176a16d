"""Poll figures: titles state the finding, intervals are drawn, captions cite the rows drawn."""

from __future__ import annotations

import analysis_helpers as ah
from analysis_helpers import polls
from analysis_helpers.figures import polls as figs

AS_OF = "2026-08-22"


def caption(fig) -> str:
    return " ".join(a.text for a in fig.layout.annotations if "Source:" in a.text)


def test_trend_figure_marks_talks_and_front_and_cites_polls_events_and_map():
    points = {s: polls.series("kiis-concessions", s, AS_OF) for s in ("accept", "reject")}
    trends = {s: polls.trend("kiis-concessions", s, AS_OF) for s in ("accept", "reject")}
    talks, front = polls.context(AS_OF)
    fig = figs.trend_figure(points, trends, talks, front, AS_OF, sources=ah.load("sources"))
    assert fig.layout.title.text.startswith("Ready to give up some territory: 10 % in May 2022")
    names = [trace.name for trace in fig.data]
    assert "round of talks" in names and any(name.startswith("front") for name in names)
    assert any(trace.error_y and trace.error_y.array is not None for trace in fig.data)
    cited = {record["source_id"] for record in fig.layout.meta["sources"]}
    assert "poll-yahoo-2022-05" in cited and set(talks["source_id"]) <= cited and set(front["source_id"]) <= cited
    assert "input-noise" in caption(fig) and "As of 2026-08-22" in caption(fig)


def test_acceptability_figure_counts_majorities_in_its_title():
    accepted = polls.acceptability(as_of=AS_OF)
    fig = figs.acceptability_figure(accepted, AS_OF, sources=ah.load("sources"))
    rejects = int((accepted["majority"] == "majority rejects").sum())
    assert f"rejects {rejects}" in fig.layout.title.text and f"Of {len(accepted)} provisions" in fig.layout.title.text
    assert len(fig.data[0].y) == accepted["accept"].notna().sum()


def test_explorer_report_menu_switches_texts_and_retitles():
    history = polls.term_history(as_of=AS_OF)
    titles = history.drop_duplicates("proposal_id").set_index("proposal_id")["title"].to_dict()
    fig = figs.acceptability_explorer_report(history, titles, "us-28-point", AS_OF, sources=ah.load("sources"))
    buttons = fig.layout.updatemenus[0].buttons
    assert len(buttons) == len(titles)
    for button in buttons:
        visible = button.args[0]["visible"]
        assert any(visible) and len(visible) == len(fig.data)
    assert fig.layout.title.text.startswith(titles["us-28-point"])
    assert sum(trace.visible for trace in fig.data) == history[history["proposal_id"] == "us-28-point"] \
        .groupby(["issue", "question_id"]).ngroups


def test_terms_title_counts_rejected_accepted_and_undecided_terms_of_the_latest_wave():
    """A wave that reports only the share accepting, below half, is counted as no majority, not as a rejection."""
    history = polls.term_history(as_of=AS_OF)
    rows = history[history["proposal_id"] == "us-28-point"]
    latest = rows.sort_values("published").groupby(["issue", "question_id"]).tail(1)
    title = figs.terms_title(rows, "US plan")
    counts = latest["majority"].str.contains("reject").sum(), latest["majority"].str.contains("accept").sum()
    assert title == (f"US plan: in the latest wave, most respondents reject {counts[0]} of its {len(latest)} "
                     f"polled terms, accept {counts[1]}, and {len(latest) - sum(counts)} have no majority")
