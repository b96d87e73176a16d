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
# # Forecasts: where the front goes, how long wars last, and the kit's track record
#
# Every forward number here is a distribution with its record beside it.
#
# 1. **Front.** Russian-held area, nationally and per region, 1 to 12 months ahead: a local
#    linear trend (statsmodels) fitted only on the months after the last regime break, its
#    intervals calibrated on the errors of earlier forecasts (split conformal), regions reconciled
#    to the national total. The forecast shown is the one the ledger issued at the latest origin.
# 2. **Track record.** Every monthly origin from January 2024 issued a forecast from the data
#    known then; the ledger keeps them unchanged (a hash seals each origin). Coverage, interval
#    score, CRPS and the skill over "no change" are measured on those issued forecasts.
# 3. **Settlement timing.** How long inter-state wars lasted (Correlates of War, 95 wars
#    1816-2007), conditioned on how long this one has lasted; crowd forecasts on the same
#    question where published reporting gives them; what each scenario's timing assumes.

# %% tags=["parameters"]
as_of = None  # date the forecasts describe (YYYY-MM-DD); None means the latest map in the data
horizons = [3, 6, 12, 24, 36]  # months ahead for the settlement-timing table

# %%
from IPython.display import display

import analysis_helpers as ah
from analysis_helpers import forecasts

as_of = ah.resolve_as_of(as_of, datasets=["territory_control", "front_forecasts"])
sources = ah.load("sources")
regions = ah.load("regions")
names = {"UA": "Ukraine (national)", **dict(zip(regions["region_id"], regions["name"], strict=True))}
fan = forecasts.issued_fan(as_of)
history = forecasts.monthly_history(as_of)
scores, pit, cited = forecasts.front_track_record(as_of)
coverage_12 = forecasts.interval_coverage(scores, 12)
# When the first calibrated, and the first scored, forecast came: for the charts with nothing yet.
first_issued, first_scored = forecasts.first_calibrated(as_of), forecasts.first_calibrated(as_of, scored=True)

# %% [markdown]
# ## 1. The front, 1 to 12 months ahead
#
# Choose a region in the menu. The bands are **calibrated predictive intervals**: the legend gives
# how often the national bands of the same width held the outcome in the backtest (12 months
# ahead). Regions only where the front moved in the fitting window are modelled; the others are
# carried at their level.

# %%
# The fan cites the maps its forecasts were issued from and those its track record was scored on.
display(forecasts.fan_chart(fan, history, names, sorted(set(ah.cited_by(fan)) | set(cited)), sources, as_of,
                            coverage=coverage_12,
                            next_known=first_issued))

# %%
moving = fan[fan["moving"] & fan["horizon_months"].isin([1, 3, 6, 12])]
table = moving.assign(region=moving["region_id"].map(names),
                      change_median=moving["q0.5"] - moving["last_km2"],
                      change_low_80=moving["q0.1"] - moving["last_km2"],
                      change_high_80=moving["q0.9"] - moving["last_km2"])
display(ah.formatted_table(table[["region", "horizon_months", "last_km2", "change_median", "change_low_80",
                                  "change_high_80"]].rename(columns={
    "last_km2": "held at origin (km²)", "change_median": "median change (km²)",
    "change_low_80": "80% calibrated predictive interval, low (km²)",
    "change_high_80": "80% calibrated predictive interval, high (km²)"}), empty=forecasts.not_issued_message(first_issued)))

# %% [markdown]
# ## 2. Track record of the issued front forecasts
#
# **Method.** The national forecasts the ledger issued at every monthly origin from January 2024,
# scored against the first map of each target month as the series stands today. **Coverage**:
# share of outcomes inside the issued 50/80/95 % intervals. **Interval score** (α = 0.2): width
# plus a penalty for misses, in km². **CRPS**: the whole distribution's error, in km² (rebuilt
# from the nine issued quantiles). **Skill**: CRPS minus the absolute error of "no change", with a
# block-bootstrap 95 % interval; *predictive* only where that interval lies below zero.
#
# **Limits.** About 30 origins, and forecasts more than a month ahead overlap, so the outcomes at
# 6 and 12 months are far fewer independent ones than the counts suggest; the maps are scored as
# they stand now, not as first published.

# %%
display(ah.formatted_table(scores, empty=forecasts.nothing_resolved_message(first_scored)))

# %%
display(forecasts.reliability_diagram(scores, cited, sources, as_of, next_known=first_scored))

# %%
display(forecasts.pit_histogram(pit, cited, sources, as_of, next_known=first_scored))

# %% [markdown]
# ## 3. How long wars last, and what the scenarios assume
#
# **Base rate.** Of the 95 inter-state wars in the Correlates of War data, the share still going
# after each number of months (Kaplan-Meier, with its 95 % band: an *input-noise band* of the
# sample, not a predictive interval), and a parametric fit. From the months this war has lasted,
# the conditional probability that it ends within the next 3 to 36 months. Few wars in the sample
# lasted as long, which the band and the "at risk" column say.

# %%
rates = ah.load("settlement_base_rates", as_of=as_of)
outlook = forecasts.settlement_probability(as_of, horizons)
crowd = forecasts.crowd_points(as_of)
display(forecasts.survival_chart(rates, outlook, crowd, sorted(set(rates["source_id"]) | set(crowd["source_id"])),
                                        sources, as_of))
display(ah.formatted_table(forecasts.outlook_table(as_of, horizons)))

# %% [markdown]
# **How wars ended** (COW outcomes, shares with 90 % Wilson intervals), and **how peace agreements
# held** (UCDP Peace Agreement Dataset 1975-2021: share ended within 1, 2 and 5 years, Kaplan-Meier
# with 95 % band).

# %%
display(ah.formatted_table(forecasts.endings_table(as_of)))

# %% [markdown]
# **Crowd forecasts beside the kit's.** The platforms asked about a bilateral ceasefire or peace
# agreement in effect; the kit's number is the base rate of a war ending (COW's sense). Only
# forecasts that stored reporting states with their date are listed (RAND Forecasting Initiative,
# Metaculus and Glimt on one shared question). What else was searched and why it is left out
# (Good Judgment Open pages without the day they were read, market prices found only on aggregator
# pages, no dated expert panel) is in the dataset's notes: `ah.describe("binary_forecasts")`.

# %%
display(ah.formatted_table(forecasts.crowd_table(as_of)))

# %% [markdown]
# **Scenario timing as a hazard.** Each scenario file states a central settlement time. Read as a
# change to the base-rate hazard, that time is the median when the hazard is multiplied by the
# factor below; the table then gives the probability of *no* settlement by the scenario's own
# upper bound. Every "at the settlement" number in notebook 04 is conditional on a settlement that
# this table says may not come.

# %%
display(ah.formatted_table(forecasts.scenario_timing(as_of)))

# %% [markdown]
# **Scenario fronts from the calibrated model.** The scenario engine (notebook 04) draws each
# scenario's front from the model's forecast issued at the latest origin: the scenario's front factor
# is a stated shift of the model's median change (factor 1: the model's median path; 0: no expected
# change; each file says why), and the model's calibrated spread comes on top. National
# Russian-held area at each scenario's central settlement time: the model's part alone (median and
# **80 % calibrated predictive interval**, with how often such intervals held the outcome at the
# nearest scored horizon; beyond 12 months the spread is extrapolated and has no measured coverage),
# then the band once the scenario's own **assumption ranges** (settlement time, factor, region
# changes) are drawn too. A scenario that names a text's line has that line, not the front, in
# notebook 04.

# %%
display(ah.formatted_table(forecasts.scenario_fronts(as_of).rename(columns={
    "held_at_as_of_km2": "held at as-of date (km²)", "median_km2": "model median (km²)",
    "low_80_km2": "80% calibrated predictive interval, low (km²)",
    "high_80_km2": "80% calibrated predictive interval, high (km²)",
    "coverage_80": "held past outcomes (share)", "outcomes": "past outcomes scored",
    "with_assumptions_low_km2": "with the scenario's assumption ranges, low (km²)",
    "with_assumptions_high_km2": "with the scenario's assumption ranges, high (km²)"}),
    empty=forecasts.not_issued_message(first_issued)))

# %% [markdown]
# **Yes/no ledger.** Will the war have ended 3, 6 and 12 months after each origin? The kit (the
# base rate conditioned on the months elapsed) against the naive base rate (ignoring them), scored
# on the questions the maps have resolved. Every resolved question so far resolved "no", and they
# share one outcome (the war went on), so these scores say little beyond "lower was better".

# %%
display(ah.formatted_table(forecasts.binary_track_record(as_of)))
