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
# # Actor stances: who wants what, and what a deal would look like
#
# This notebook maps where 21 states, blocs and organisations stand on seven issues of a
# settlement, how those stances have moved, and what three established spatial-bargaining
# models predict as outcomes when the stances are weighed by each actor's capability and by how
# much it cares (salience).
#
# **Reading the numbers.** Every issue runs from **0 = Ukraine's maximal demand** to
# **100 = Russia's maximal demand**; the words behind 0, 50 and 100 are in the `issues` table.
# Each position is a coder's judgement of a cited statement, made with the rules of
# `data/stances/CODEBOOK.md`, and carries an uncertainty set by the coder's confidence. Blank
# cells mean no citable statement was found; they are left out, not guessed. Capability is a
# relative score (United States = 100), derived from military spending where a SIPRI figure is
# in the sources and otherwise a coded anchor with a larger uncertainty.
#
# The models are tools for asking "what if", not forecasts: they know only the coded positions,
# saliences and capabilities.

# %% tags=["parameters"]
as_of = None  # date the stances describe (YYYY-MM-DD); None means the latest coded statement
draws = 2000  # Monte Carlo draws for the 80% input-noise bands
expected_utility_draws = 200  # the expected-utility model is costlier; it uses this many of the draws
seed = 1  # random seed: same seed, same intervals
explorer_actor = "usa"  # actor the live explorer starts on
explorer_issue = "territory"  # issue the live explorer starts on

# %%
from IPython.display import display

import analysis_helpers as ah
from analysis_helpers import stances as actor_stances
from analysis_helpers.stances import WhatIf, latest_stances, party_gap, predict_outcomes, stances_wide, what_if_outcomes
from analysis_helpers.widgets import show
from analysis_helpers.widgets.stances import what_if_explorer

as_of = ah.resolve_as_of(as_of, datasets=["stances"])
stances = ah.load("stances", as_of=as_of)
actors, issues, sources = ah.load("actors"), ah.load("issues"), ah.load("sources")
latest = latest_stances(stances)
wide = stances_wide(stances)
print(f"{len(latest)} stances of {latest['actor_id'].nunique()} actors on {latest['issue_id'].nunique()} issues, "
      f"as of {as_of:%Y-%m-%d}")

# %% [markdown]
# ## Where each actor stands
#
# Hover over a cell for the statement coded, its date and its source.

# %%
actor_stances.position_heatmap(latest, actors, issues, as_of, sources=sources)

# %% [markdown]
# Position against capability, one issue at a time (pick it in the menu); a bubble's size is the
# actor's salience on the issue.

# %%
actor_stances.issue_bubbles(latest, actors, issues, as_of, sources=sources)

# %% [markdown]
# ## How stances have moved
#
# Actors with more than one dated statement on an issue; each step is a new statement
# (error bars: the stated uncertainty).

# %%
actor_stances.stance_changes(stances, actors, issues, as_of, sources=sources)

# %% [markdown]
# ## What the models predict
#
# * **Weighted median**: the position of the median voter when each actor weighs
#   capability x salience; no other position beats it in a weighted pairwise vote.
# * **Compromise**: the weighted mean of positions, with the same weights.
# * **Expected utility** (Bueno de Mesquita): actors challenge one another over ten rounds,
#   weighing win probabilities, risk attitudes and the salience with which the other side
#   resists; the outcome is the weighted median after the last round. The implementation
#   reproduces, round by round, the published replication of Scholz, Calbert & Smith (2011)
#   (see `tests/test_bargaining.py`).
#
# Each model is rerun on perturbed inputs (positions and saliences within their stated
# uncertainty, capabilities within theirs): markers show the median outcome, bars the 80%
# input-noise band (the coded uncertainty passed through the model: not a calibrated predictive
# interval; notebook 07 measures how rarely such bands held later positions). The grey band is
# the range of positions a deal must bridge; the coloured lines are Ukraine's and Russia's 80%
# input-noise bands of their positions, with the gap marked where they do not overlap.

# %%
outcomes = predict_outcomes(wide, actors, draws=draws, seed=seed, expected_utility_draws=expected_utility_draws)
gaps = party_gap(wide)
actor_stances.outcome_intervals(outcomes, gaps, issues, as_of, cited=latest["source_id"], sources=sources)

# %%
display(ah.formatted_table(outcomes.pivot(index="issue_id", columns="model", values=["median", "low", "high"]),
                           formats=dict.fromkeys(("median", "low", "high"), "{:.0f}")))
display(ah.formatted_table(gaps.set_index("issue_id")[["ukraine_position", "russia_position", "gap", "overlap"]],
                           formats=dict.fromkeys(("ukraine_position", "russia_position", "gap"), "{:.1f}")))

# %% [markdown]
# ## What if?
#
# In the live notebook, move one actor's position, salience or capability and the point
# predictions (without Monte Carlo) update at once; hollow grey markers keep the baseline. An
# exported report shows the explorer's starting state, and below it a menu of preset what-ifs
# that stays interactive offline.

# %%
baseline = predict_outcomes(wide, actors, draws=0)
explorer = what_if_explorer(wide, actors, issues, as_of, actor_id=explorer_actor, issue_id=explorer_issue,
                            cited=latest["source_id"], sources=sources)
show(explorer, actor_stances.what_if_explorer_report(baseline, issues, as_of, cited=latest["source_id"],
                                                     sources=sources))

# %%
presets = [
    WhatIf("Baseline: coded stances"),
    WhatIf("United States back to its July 2024 stances (2025 positions dropped)", "usa", position_from="2024-07-10"),
    WhatIf("United States disengages (salience 20 on its issues)", "usa", salience=20),
    WhatIf("China weighs in (capability x1.5, salience 90)", "china", capability_factor=1.5, salience=90),
    WhatIf("EU capability doubled", "eu", capability_factor=2.0),
    WhatIf("Russia concedes 20 points on every issue", "russia", position_shift=-20),
]
actor_stances.what_if_presets(what_if_outcomes(wide, actors, presets, stances, draws=0), issues, as_of,
                              cited=latest["source_id"], sources=sources)
