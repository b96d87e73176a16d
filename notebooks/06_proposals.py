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
# # Peace proposals side by side: what each text says, where its line runs, what it costs whom
#
# Since 2022 the war has produced a string of settlement texts: the Istanbul communiqué and draft
# treaty of spring 2022, Ukraine's peace formula, China's position paper, the Bürgenstock
# communiqué, Putin's conditions of June 2024, the US "final offer" and the Ukrainian-European
# reply of April 2025, the memoranda exchanged in Istanbul in June 2025, the European-Ukrainian
# 12-point proposal of October 2025, the US 28-point draft and its Geneva revision, the European
# counter-proposal, the Berlin statement and the 20-point framework of December 2025 and the
# France-UK-Ukraine declaration of intent of January 2026, with the China-Brazil points (May 2024)
# and the US-Ukraine Jeddah statement (March 2025). This notebook sets them on the kit's seven
# issue scales, draws the line each implies, prices it in area, people and (where the data allow)
# reconstruction needs, and measures how far each actor stood from each text on the day it appeared.
#
# **Data.** `proposals` (one row per text: author, date, status, how it is known),
# `proposal_provisions` (what each text says on each issue, coded 0-100 by `CODEBOOK.md`
# section 11, or marked silent), `proposal_lines` (the line per region: whole region, explicit
# shares, or *line of contact on a date*, which is read from `territory_control` and never typed
# in), with `regions`, `stances`, `actors` and the reconstruction tables. Every row names its
# source; texts known only through reports say so (`text_access`). Recurring formulas carry one
# fixed value each (CODEBOOK 11.8), and a text counts as known from the day its content was first
# reported (`published_on`), which `as_of` respects.

# %%
import analysis_helpers as ah
from analysis_helpers import proposals
from analysis_helpers.stances import latest_stances
from analysis_helpers.widgets import show
from analysis_helpers.widgets.proposals import comparator_figures, comparator_static, proposal_comparator

# %% tags=["parameters"]
as_of = None  # texts known on this day (presented and reported); None means every text in the data
text_a = "us-28-point"  # the comparator's first text (a proposal_id)
text_b = "us-ua-20-point"  # the comparator's second text
draws = 500  # Monte Carlo draws for the bargaining models' 80% intervals

# %%
as_of = ah.resolve_as_of(as_of, datasets=["proposals"])
texts = proposals.list_proposals(as_of)
provisions = ah.load("proposal_provisions", as_of=as_of)
regions, issues, actors = ah.load("regions"), ah.load("issues"), ah.load("actors")
stances, sources = ah.load("stances", as_of=as_of), ah.load("sources")
text_a, text_b = proposals.comparator_pair(texts, text_a, text_b)  # the parameters' texts, if known on as_of
first_text = ah.first_known("proposals", after=as_of)  # the next text, for charts with none yet
resolved = proposals.resolved_lines(as_of)
sides = proposals.sides(resolved, regions)
regional_costs = ah.load("reconstruction_regions", as_of=as_of)
costs = proposals.costs_by_side(resolved, regional_costs, ah.load("reconstruction_assessments", as_of=as_of))
distances = proposals.actor_distances(provisions, texts, stances)
boundaries = proposals.boundaries()
# What each chart cites: the rows it is drawn from.
side_cited = ah.cited_by(resolved, regions,
                         regional_costs[regional_costs["assessment_id"].isin(costs["assessment_id"])])
stance_cited = ah.cited_by(*[latest_stances(stances, d) for d in texts["date"].unique()])
ah.formatted_table(texts.set_index("proposal_id")[["date", "published_on", "title", "author", "status", "text_access"]],
                   empty=proposals.no_text_message(first_text))

# %% [markdown]
# ## What each text says on each issue
#
# One row per text in date order, one column per issue. Colour is the coded position (0 =
# Ukraine's maximal demand, 100 = Russia's); hover for the provision, paraphrased, and its source.
# *silent*: the text says nothing on the issue; *n/r*: no stored report says what it provides (not
# the same thing). Read down a column to see the texts drift.

# %%
matrix = proposals.position_matrix(as_of)
proposals.position_matrix_figure(matrix, sources, as_of, next_known=first_text)

# %% [markdown]
# ## Where each line runs, and what lies on each side
#
# Pick a text in the menu: each region is coloured by the share no longer on Ukraine's side
# (Russia's side, de facto included, plus any buffer zone). A *line of contact* is the territory
# map of the text's date, so a text that freezes the front is priced on the front as it stood
# when it was written. Texts that say nothing on territory (China's paper, the Paris declaration)
# or whose line was not reported (the Geneva framework) draw no line.

# %%
proposals.lines_map(resolved, sides, texts, regions, boundaries, as_of, sources=sources, next_known=first_text)

# %%
proposals.sides_figure(sides, costs, texts, as_of, cited=side_cited, sources=sources, next_known=first_text)

# %% [markdown]
# **Needs and damage by side.** The kit prices a line in reconstruction needs only where an
# assessment publishes regional figures (`reconstruction_regions`); it splits them by area share
# within each region and reports what fraction of the assessment's national total the regional
# rows cover. The rest is assigned to neither side rather than guessed.

# %%
for measure, rows in costs.groupby("measure"):
    print(f"{measure}: {rows['assessment_id'].iloc[0]} publishes regional figures covering "
          f"{rows['assigned_share'].iloc[0]:.1%} of its national total; only that part is split by side.")
if costs.empty:
    print("No assessment in the data publishes regional figures: no needs or damage are assigned to a side.")

table = proposals.compare_table(texts, provisions, resolved, regions, costs, distances,
                                proposals.model_intervals(provisions, texts, stances, actors, draws=draws))
ah.formatted_table(proposals.side_metrics(table, texts), empty=proposals.no_text_message(first_text))

# %% [markdown]
# **People where they live.** Each line's pre-war population (Ukrstat's estimates of 1 January
# 2021; Crimea and Sevastopol 2014) puts every town and city of GeoNames (`settlements`) on the side
# the territory map of the line's date puts it (`settlement_control`), or with its region where a
# text takes the region whole, and spreads only the rest of each region by area. Spreading everyone
# evenly, as the kit did before, counted half of Zaporizhzhia and Kherson cities on Russia's side
# and left out the cities of the Donbas held since 2014. Below, the published figures the count can
# be checked against, with the gap: only Luhansk's is of pre-war residents, like the kit's; the
# others count the people still living there, after flight and deaths.

# %%
from analysis_helpers import population

ah.formatted_table(population.published_check(as_of).set_index("estimate_id"))

# %% [markdown]
# ## Who would have to move most
#
# For each text and actor: how far the actor's stance on the text's date lies from the text,
# averaged over the issues both code and weighted by how much the actor cares (salience). Blank:
# the actor had no coded stance on any issue the text codes at that date.

# %%
proposals.distance_figure(distances, texts, actors, as_of, cited=stance_cited, sources=sources,
                          next_known=first_text)

# %% [markdown]
# **Against the bargaining models.** For each text and issue, where the text lies relative to the
# 80 % interval of the compromise model run on the stances of the text's date: 0 inside the
# interval, positive beyond it toward Russia's demand, negative toward Ukraine's.

# %%
ah.formatted_table(proposals.beyond_interval_table(table, texts, model="compromise").round(0),
                   empty=proposals.no_text_message(first_text))

# %% [markdown]
# ## Compare two texts
#
# Pick text A and text B: the first chart shows each issue's position under both (hover for the
# provisions), the map what moved region by region. In the exported report the two charts show the
# pair set in the parameters cell; the menu map above is the report's way to page through lines.

# %%
show(proposal_comparator(texts, provisions, resolved, issues, regions, boundaries, as_of, sources=sources,
                         a=text_a, b=text_b, next_known=first_text),
     comparator_static(comparator_figures(text_a, text_b, texts, provisions, resolved, issues, regions, boundaries,
                                          as_of, sources=sources, next_known=first_text)))

# %%
ah.formatted_table(proposals.diff(text_a, text_b, as_of=as_of).drop(columns=["detail_a", "detail_b"]))

# %% [markdown]
# ## What the texts leave open
#
# The count of issues each text is silent on, or that no report covers. Texts that stop short
# of a settlement (the Bürgenstock communiqué, the Paris declaration of intent) are silent by design; the
# reported drafts of late 2025 are open where the parties still disagreed (Donetsk, the nuclear
# plant) or where only fragments were reported.

# %%
ah.formatted_table(proposals.open_counts(matrix, texts), empty=proposals.no_text_message(first_text))

# %% [markdown]
# ## Beside every peace agreement since 1990
#
# The PA-X database (PeaceRep, v10) codes 2,257 agreements from 1990 to 2025 on some 225
# provision categories. Four of the kit's issues map directly onto one category each
# (`pax_crosswalk`, with the reason for each mapping; the nuclear plant and sanctions have no PA-X
# counterpart, amnesty and peacekeeping only partial ones). A text carries the provision when it
# codes the issue, lacks it when it is silent; texts whose reports do not say are left out. The
# past agreements' shares are base rates (`pax_profile`), not matched comparisons. SsrGua is PA-X's
# broad security category, so its share overstates past agreements with third-state guarantees.

# %%
presence = proposals.pax_presence(provisions, texts, ah.load("pax_crosswalk"))
pax_profile = ah.load("pax_profile")
beside = proposals.beside_past_agreements(presence, pax_profile)
proposals.past_agreements_figure(beside, as_of, cited=ah.cited_by(pax_profile, provisions), sources=sources,
                                 next_known=first_text)

# %%
ah.formatted_table(beside.set_index("pax_category"), empty=proposals.no_text_message(first_text))

# %% [markdown]
# Each text in PA-X's own 0-3 coding, derived from the kit's cells by CODEBOOK section 11.11 (0 silent,
# 1 a general commitment, 2 a term, 3 a term with its specifics; a dash where no report says). The
# same table in PA-X's column layout, with a note on what it leaves out, is written by
# `python -m analysis_helpers pax-export FILE.csv`.

# %%
pax_coded = proposals.pax_layout(proposals.pax_coding(as_of), texts)
ah.formatted_table(pax_coded.drop(columns=["Agt"]).set_index("proposal_id"),
                   empty=proposals.no_text_message(first_text))

# %% [markdown]
# ### How long agreements with each provision held
#
# The UCDP Peace Agreement Dataset (v22.1) records for 374 agreements of 1975-2021 whether and when each
# ended. For each provision the kit's issues map to (`pax_crosswalk`, scheme `ucdp`), the chart sets the
# share of agreements with it still in force five years after signature beside those without it, and
# names how many of the drafts of 2025-26 carry it (by the rules of CODEBOOK section 11.11). The
# gaps are a few points, rest on a few dozen conflicts (agreements of one conflict end together), and
# provisions are not assigned at random: read them as a description of past agreements, not as the
# effect of a clause. The table gives the
# counts, the shares after one, two and five years, and the same split for agreements of territorial
# conflicts; the interstate sample (32 agreements in 11 conflicts) is in `agreement_durability`.

# %%
durability = ah.load("agreement_durability", as_of=as_of)
held = proposals.durability_beside_drafts(as_of, since="2025-01-01")
proposals.durability_figure(held, as_of, cited=ah.cited_by(durability, provisions), sources=sources)

# %%
ah.formatted_table(held.set_index(["sample", "provision"]))

# %% [markdown]
# ## Limits of one number per issue
#
# * **A text is more than its seven numbers.** Timing, sequencing, verification, who guarantees
#   what and what happens on violation are folded into a position or left out; two texts at 50 on
#   security guarantees can differ in everything that makes a guarantee credible.
# * **Bracketed and disputed drafts** are coded between their options (the 20-point framework on
#   Donetsk and the nuclear plant), which can make a text look like a compromise it was not yet.
# * **Reported texts** (the Istanbul communiqué, the Geneva framework, the 20-point framework) are
#   coded from what reporters wrote; conflicting copies (the European counter-proposal on the
#   nuclear plant) are named in the provision.
# * **Lines are per region.** A line frozen on the front is exact to the territory map of its date;
#   pre-war population counts towns and cities on the side that map puts them and spreads only the
#   rest of a region by area (see below), and a buffer zone's people are counted apart from both
#   sides. The spring 2022 texts left the Donbas boundary to a meeting of the
#   presidents; it is drawn as the least Russia would have kept (the pre-invasion line).
# * **Distances** compare a text with stances coded from statements; an actor's stance is its
#   latest coded statement, which may predate the text by months.
