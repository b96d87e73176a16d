# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %%
from analysis_helpers import setup_notebook; setup_notebook()

# %% [markdown]
# # Would the people accept it? Public opinion on the terms, set against every text
#
# Most recent drafts end in a ratification step, and the 20-point framework puts a territorial
# option to a referendum. Whether a text could pass is partly a question of opinion. This notebook
# gathers what pollsters asked Ukrainians (and, thinly, Russians) about giving up territory,
# recognition, a freeze of the front and concrete peace packages, follows the one question asked
# the same way since May 2022, and sets the latest answers beside each text's provisions.
#
# **Data.** `poll_waves` (one row per survey: pollster, fieldwork, release date, mode, sample,
# who was and was not covered), `poll_questions` (each item's wording), `polls` (one row per
# answer option), `poll_mapping` (which item speaks to which issue and text, with a match quality
# under `data/polls/CODEBOOK.md`). A poll is known from its release date. Only waves whose
# dates and sample size the stored reporting gives are in; the schema notes list those left out.

# %%
import analysis_helpers as ah
from analysis_helpers import formatted_table, polls
from analysis_helpers.widgets import show
from analysis_helpers.widgets.polls import acceptability_explorer

# %% tags=["parameters"]
as_of = None  # what was known on this day; None means everything in the data
question = "kiis-concessions"  # the tracking item whose trend is drawn
wave_a = "kiis-2025-02"  # two waves of that item to compare
wave_b = "kiis-2025-12"
text = "us-28-point"  # the explorer's first text (a proposal_id)

# %%
as_of = ah.resolve_as_of(as_of, datasets=["proposals", "territory_control"])
sources = ah.load("sources")
waves = ah.load("poll_waves", as_of=as_of)
next_wave = polls.next_wave(as_of)  # for the tables with no wave yet
shares = polls.shares(as_of)
formatted_table(waves[["wave_id", "pollster", "fieldwork_start", "fieldwork_end", "published", "mode", "sample_size",
                       "excludes", "moe_stated"]].set_index("wave_id"),
                labels={"moe_stated": "Stated margin (share)", "sample_size": "Sample (persons)"},
                empty=polls.no_wave_message(next_wave))

# %% [markdown]
# ## The tracking question: may Ukraine give up some territory for peace?
#
# KIIS has asked the same two-way choice since May 2022. Points are waves (at the middle of
# fieldwork) with their 95 % sampling intervals; lines are a local-level (Kalman) smoother that
# lets the true share drift as a random walk and weighs each poll by its sampling variance, with
# the band it leaves. Below: the share of Ukraine held by Russia; dotted lines: rounds of talks.

# %%
points = {stance: polls.series(question, stance, as_of) for stance in ("accept", "reject")}
trends = {stance: polls.trend(question, stance, as_of) for stance in ("accept", "reject")}
talks, front = polls.context(as_of)
polls.trend_figure(points, trends, talks, front, as_of, sources=sources, next_known=polls.first_trend(question, as_of=as_of))

# %%
print(polls.drift_sentence(trends["accept"]))
wave_a, wave_b = polls.wave_pair(wave_a, wave_b, question, as_of=as_of)  # the parameters' waves, if known on as_of
formatted_table(polls.compare_waves(wave_a, wave_b, question, "accept", as_of).to_frame("value"),
                empty=polls.no_wave_message(next_wave))

# %% [markdown]
# The table tests whether the share ready for concessions changed between the two waves
# (independent samples, design effects included). With the whole-survey sample, a change of about
# four points is already beyond sampling noise; where KIIS split the sample into versions (2025),
# each version's share is about twice as noisy.

# %% [markdown]
# ## Which items speak to which provisions
#
# Each item is matched to the issues and provisions it speaks to, rated `exact`, `close`,
# `partial` or `loose` by the CODEBOOK's rules, with the reason. Only `partial` or better counts
# as a poll *of* a provision below; a `loose` item (the general tracking question) says something
# about the issue, not about a text.

# %%
mapping = polls.mapping(as_of=as_of)
formatted_table(mapping[["question_id", "issue", "title", "match", "reason"]], empty=polls.no_wave_message(next_wave))

# %% [markdown]
# ## Acceptability of each text's terms
#
# For every provision with a matching item: the best match's latest wave, its share accepting
# and rejecting, with intervals. "Majority" means the interval lies wholly beyond one half.

# %%
accepted = polls.acceptability(as_of=as_of)
first_polled = polls.first_polled_term(as_of)  # for the charts with no polled text yet
polls.acceptability_figure(accepted, as_of, sources=sources, next_known=first_polled)

# %%
formatted_table(accepted[["title_short", "issue", "question_id", "match", "wave_id", "published", "accept",
                          "accept_low", "accept_high", "reject", "majority"]],
                labels={"accept": "Accept (share)", "accept_low": "low (share)", "accept_high": "high (share)",
                        "reject": "Reject (share)", "title_short": "Text"},
                empty=polls.nothing_polled_message(first_polled))

# %% [markdown]
# ## Explore one text: which terms have a majority for or against, and how that moved
#
# Pick a text; each line is a poll item matched to one of its provisions, wave by wave. The
# report shows the same chart with a menu of texts.

# %%
history = polls.term_history(as_of=as_of)
titles = history.drop_duplicates("proposal_id").set_index("proposal_id")["title"].to_dict()
show(acceptability_explorer(history, ah.load("proposals", as_of=as_of), as_of, sources=sources, start=text,
                           next_known=first_polled),
     polls.acceptability_explorer_report(history, titles, text, as_of, sources=sources, next_known=first_polled))

# %% [markdown]
# ## A referendum on the territorial terms
#
# The 20-point framework would put its territorial option for held Donetsk to a referendum. The
# closest poll item is KIIS's January 2026 question on withdrawing from the held part of Donbas in
# exchange for US and European guarantees (a `partial` match: the draft's zone is demilitarised or
# a free economic zone, not a handover). Yes among those deciding assumes the undecided abstain;
# its band is sampling noise only; the two assumption columns send all undecided to no or to yes.

# %%
referendum = polls.referendum(as_of=as_of)
formatted_table(referendum[["proposal_id", "question_id", "match", "wave_id", "yes_among_deciding", "yes_low",
                            "yes_high", "p_yes_over_half", "yes_if_undecided_vote_no", "yes_if_undecided_vote_yes"]],
                labels={"yes_among_deciding": "Yes among deciding (share)", "yes_low": "low (share)",
                        "yes_high": "high (share)", "p_yes_over_half": "P(yes > 1/2)",
                        "yes_if_undecided_vote_no": "Undecided vote no (share)",
                        "yes_if_undecided_vote_yes": "Undecided vote yes (share)"})

# %%
for row in referendum.itertuples(index=False):
    print(f"{row.proposal_id}: not in the poll's population: {row.not_covered}.")

# %% [markdown]
# On this item, a referendum held when the poll was taken would not have passed among those it
# reached: even if every undecided respondent voted yes, yes stays below one half. A probability
# of 0 means none of the 4,000 draws reached one half, not that it cannot happen. The people the
# poll did not reach (occupied areas, millions abroad, soldiers) would vote only if the referendum
# law and the practicalities allowed them to, and nothing here says how they would vote.

# %% [markdown]
# ## What polls can and cannot show
#
# * **Wording decides a lot.** KIIS's own experiment (2025) read four versions of the territorial
#   question to random quarters of the sample: the general tracking wording found about 38 %
#   ready, while a transfer of land Ukraine holds found about 15-19 %, and recognition 24 %. A
#   share is an answer to one wording, not a fixed "willingness".
# * **Who was not asked.** Ukrainian phone surveys cover government-controlled territory only:
#   people in occupied areas and those who left after February 2022 are outside, and soldiers at
#   the front are rarely reached. Gallup covers people aged 15 and over and also leaves out the
#   occupied areas.
# * **Wartime answers.** KIIS warns that in wartime a systematic deviation adds to the formal
#   margin (fear, reluctance to answer); its "imagined acquaintance" check in 2022 moved the
#   result by a few points only, but such checks are rare.
# * **Intervals are sampling error only** (input-noise bands). They do not cover the points
#   above, and where a split of the sample is not reported the interval may be too narrow.
# * **Gaps.** The series has waves left out because stored reporting lacks their sample size or
#   dates (listed in the `poll_waves` schema notes); Russian opinion is represented by one Russian
#   Field wave only, and no Rating or Razumkov item was found. Stored reporting stops in January
#   2026.
# * **Opinion is not a veto.** A majority against a term in a poll is not a referendum result; a
#   package with guarantees may be judged differently from its parts, as the plan experiments show.
