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

# %% [markdown]
# # Briefing: the talks timeline, and the source article's claims checked
#
# The kit grew out of an analysis article written when Kyiv challenged Moscow to meet in
# Istanbul in May 2025. Like much commentary written in a hurry, it mixes solid facts with
# dated or mistaken ones. This briefing does three things with the kit's own sourced data:
#
# 1. a **timeline** of the diplomacy and of the war events the talks reacted to, to read every
#    other chart against;
# 2. a **claims check**: each checkable statement of fact in the article, paraphrased, with a
#    verdict and the rows and sources that decide it;
# 3. a short **state of play** computed from the data as of the `as_of` parameter.

# %%
from IPython.display import HTML, display

import analysis_helpers as ah
from analysis_helpers import briefing
from analysis_helpers.briefing import (claims_table_html, front_movement_figure, load_available,
                                       timeline_explorer_report, verdict_figure)
from analysis_helpers.widgets import show
from analysis_helpers.widgets.briefing import timeline_explorer

ah.setup_notebook()

# %% tags=["parameters"]
as_of = None  # the date the timeline and the state of play describe; None means the latest date in the data

# %%
as_of = ah.resolve_as_of(as_of)
sources = ah.load("sources")
tables, left_out = load_available(as_of=as_of)
events, claims = tables["events"], ah.load("claims", as_of=as_of)
article_date = ah.first_known("claims")  # when the article's claims were made (for a date before it)
for name, reason in left_out.items():
    print(f"Not used ({name}): {reason}")

# %% [markdown]
# ## Timeline of the talks and the war
#
# One marker per event, one lane per kind. In the live notebook the explorer below filters by
# kind and by participant; the exported report shows the same chart with a menu (top right)
# and a clickable legend that filter kinds without a running kernel.

# %%
show(timeline_explorer(events, as_of, sources=sources), timeline_explorer_report(events, as_of, sources=sources))

# %% [markdown]
# ## The article's claims, checked
#
# **Which date the claims are judged at.** The article reacts to Zelensky's challenge, posted
# on 11 May 2025, and looks ahead to 15 May as a coming deadline, so it was written between
# those days. Each claim is judged as of **11 May 2025**, the earliest possible day: the date
# most favourable to the article when asking whether a fact had already gone out of date.
#
# **Verdicts** follow the codebook in `data/schemas/claims.json`: *supported*; *outdated* (true
# once, no longer on that date); *partly wrong* (a named detail is wrong); *wrong*; *not
# checkable* (no data or source in the kit settles it). Where a claim is quantitative — the
# war's length, where the front was and how fast it moved, how much of the annexed regions
# Russia held, the latest reconstruction estimate, the frozen assets, who held the nuclear
# plant — the package recomputes the verdict from the datasets, so updating the data updates
# the verdict; a verdict that changes is flagged in the table. Predictions and the article's
# scenarios are not claims of fact and are left out.

# %%
checked = briefing.check_claims(claims, tables)
verdict_figure(checked, as_of, sources=sources, next_known=article_date)

# %%
display(HTML(claims_table_html(checked, sources)))

# %% [markdown]
# ### Did the front barely move?
#
# The article says gains were counted in metres. The national series of Russian-held area
# shows what the front did in the year before the article (C08 above).

# %%
if "territory_control" in tables:
    display(front_movement_figure(tables["territory_control"], claims["claim_date"].max(), as_of,
                                  sources=sources, next_known=article_date))

# %% [markdown]
# ## State of play
#
# Headline facts as of the `as_of` date, each from the dataset row named in *basis*.

# %%
play = briefing.state_of_play(events, tables, as_of)
display(ah.formatted_table(play))
