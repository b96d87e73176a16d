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
# # Model checks: are the models any good, and which assumptions matter?
#
# The kit's bargaining models reproduce a published textbook run and its scenarios give 80%
# bands (assumption ranges and input-noise bands, not calibrated predictive intervals); this
# notebook tests both against what happened in this war, and shows which
# assumptions of a scenario file drive its results.
#
# 1. **Bargaining models against later texts.** The stances are frozen as they stood at past
#    dates; the weighted median, compromise and expected-utility models predict a position per
#    issue, which is scored against the positions of the settlement texts that followed, next to a
#    naive baseline (the midpoint of Ukraine's and Russia's positions).
# 2. **Front-line pace.** The scenario engine's front assumption (a factor times the trailing
#    twelve-month pace, with its 80% assumption range), set at past dates from the data then available,
#    against the area that changed hands 3, 6 and 12 months later.
# 3. **Sensitivity.** Every ranged input of a scenario file varied over its range (SALib Morris
#    or Sobol); a tornado chart per output.

# %% tags=["parameters"]
as_of = None  # date the sensitivity baseline describes (YYYY-MM-DD); None means the latest observation in the data
freezes = ["2022-03-15", "2022-12-31", "2025-05-15", "2025-11-15", "2026-01-15"]  # dates the stances are frozen at
horizon_months = 12  # a later text counts if dated within this many months after the freeze
draws = 500  # Monte Carlo draws for the models' 80% input-noise bands
seed = 0  # random seed: same seed, same intervals and same sensitivity design
pace_scenario = "baseline"  # scenario whose front assumption (factor, window) is backtested
sensitivity_scenario = "baseline"  # scenario whose ranged inputs are varied
method = "morris"  # "morris" (screening, cheap) or "sobol" (variance shares; a power of two of samples)
samples = 10  # Morris trajectories or Sobol base samples (1024 for a report-grade Sobol run)
workers = None  # local processes for the sensitivity runs (None: every core)
progress = False  # True shows a progress bar while the sensitivity runs

# %%
from IPython.display import Markdown, display

import analysis_helpers as ah
from analysis_helpers import model_checks, sensitivity

as_of = ah.resolve_as_of(as_of)
sources = ah.load("sources")
pairs, scores, targets_from = model_checks.position_check(freezes, horizon_months=horizon_months, draws=draws,
                                                          seed=seed)
display(Markdown(f"Realised positions: **{targets_from}**; horizon {horizon_months} months after each freeze."))

# %% [markdown]
# ## 1. Bargaining models against later texts
#
# **Method.** At each freeze date the models run on the stances coded up to that date (actors
# who had not yet stated a stance are left out) and predict a position per issue on the 0–100
# scale, with an 80% input-noise band (Monte Carlo over the coded uncertainty). Every realised position on
# that issue dated within the horizon is one comparison; all models are scored on the same
# comparisons. **MAE**: mean absolute error in points; **coverage**: share of realised positions
# inside the 80% band (a calibrated predictive interval would hold about 80%). A model is useful only where it
# beats the naive baseline; where it does not, the table says so.
#
# **Limits.** Tens of comparisons, not hundreds, and those at one freeze date are not independent;
# capabilities are today's (the actors table is not dated); no stances are coded before October
# 2022, so the spring-2022 freeze cannot be scored; the texts' positions are this kit's codings.

# %%
display(model_checks.position_scores_chart(scores, pairs, sources, as_of))
display(ah.formatted_table(scores.drop(columns="model").set_index("label"),
                           formats={"mae": "{:.1f}", "coverage_80": "{:.0%}"}))
display(ah.formatted_table(model_checks.freeze_counts(pairs, freezes)))

# %% [markdown]
# ## 2. Front-line pace
#
# **Method.** Every quarter from the first date with a year of map history, the scenario's front
# factor (value and range) times the national change of Russian-held area per month over the
# trailing window, using only map observations dated on or before the freeze; its 80% assumption range
# is the 10th–90th percentile of the triangular factor the engine draws. Compared with the change
# 3, 6 and 12 months later. **Limits.** The series is scored as it stands today (later map
# corrections count as known); it is one DeepState series, monthly from April 2022; and quarters
# overlap at the longer horizons. Notebook 08 replaces this rule with a calibrated front model
# (measured coverage beside every interval).

# %%
pace, pace_scores, pace_sources = model_checks.pace_check(pace_scenario)
display(model_checks.pace_chart(pace, pace_sources, sources, as_of, horizon_months=6))
display(ah.formatted_table(pace_scores, formats={"mae_km2": "{:,.0f}", "coverage_80": "{:.0%}"}))

# %% [markdown]
# ## 3. Which inputs drive the results
#
# Each ranged input of the scenario file ({value, low, high}) is varied uniformly over its range;
# one evaluation is the engine's central run with those inputs. Morris μ* is the mean absolute
# effect of an input in the output's unit, σ its spread (non-linearity, interaction); Sobol S1 and
# ST are the shares of the output's variance due to the input alone and with its interactions,
# with 95% bootstrap intervals. Actor, mediation and funding assumptions are fixed numbers in the
# scenario files, so the predicted positions do not vary here (their indices are 0). Runs fan out
# over the local cores; `sensitivity.analyse(..., scheduler="tcp://...")` runs them on a Dask
# cluster, and `python -m analysis_helpers sensitivity` writes the table to CSV.

# %%
table = sensitivity.analyse(sensitivity_scenario, method=method, samples=samples, seed=seed, workers=workers,
                            progress=progress, as_of=as_of)
for output in [name for name in dict.fromkeys(table["output"]) if not name.startswith("settlement:")]:
    display(model_checks.tornado(table, output, sources, as_of))
positions = [name for name in dict.fromkeys(table["output"]) if name.startswith("settlement:")]
unmoved = [name for name in positions if (table.loc[table["output"] == name, "value"] == 0).all()]
display(Markdown(f"{len(unmoved)} of {len(positions)} predicted positions are moved by no ranged input of "
                 f"**{sensitivity_scenario}**: {', '.join(sensitivity.output_label(n) for n in unmoved)}."))
display(model_checks.tornado(table, positions[0], sources, as_of))
ah.formatted_table(table.pivot_table(index=["output", "input"], columns="index", values="value"))
