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

# %% [markdown] tags=["dashboard-top"]
# # Scenarios: four paths after the Istanbul challenge, side by side

# %% [markdown]
# When Kyiv challenged Moscow to meet in Istanbul on 15 May 2025, the analysis this kit grew out
# of sketched four ways things could go: **(1)** proxy talks in Istanbul under Turkish and Qatari
# (perhaps UN) auspices, delivering humanitarian steps and ceasefire mechanisms; **(2)** Ukraine
# gaining leverage through military advances; **(3)** Russian escalation and rejection of talks;
# **(4)** stronger international mediation by the US, the EU, NATO, China, India and Brazil.
#
# Each path is a file in `data/scenarios/` that states its assumptions as changes to a
# **baseline** (the data at `as_of`, with recent trends continuing): months until a settlement,
# the pace of the front, the pace of damage, changes to actors' positions, weights and saliences,
# who mediates, and how reconstruction is funded. The engine then runs the kit's own analyses of
# territory, reconstruction and stances on the changed inputs.
#
# **Read the results as "if these assumptions held", never as forecasts.** Scenario magnitudes
# are the author's assumptions, each with its reasoning in the file (and a source where it rests
# on a published figure or statement). Every 80% band says what it is (`band` in the results):
# an *assumption range* (Monte Carlo over the ranges the files give), an *input-noise band* (the
# coded uncertainty of every stance through the bargaining models) or, for Russian-held area, the
# front model's *calibrated predictive interval* (notebook 08; its coverage is in the chart's
# caption), widened by the scenario's ranges. A scenario's front is a stated shift of that model's
# median path ("pace x 2, because ..."). To add a scenario, copy a file,
# rename it and change the numbers; a broken file is refused with the file, line, key and rule.

# %% tags=["parameters"]
as_of = None  # date the baseline describes (YYYY-MM-DD); None means the latest observation in the data
scenario = "baseline"  # scenario this report puts first (one report per scenario in reports/scenarios/)
draws = 1000  # Monte Carlo draws for the 80% bands
seed = 0  # random seed: same seed, same intervals
results_csv = None  # path to also write every scenario's results to as CSV (None: download link only)

# %%
import pandas as pd
from IPython.display import HTML, Markdown, display

import analysis_helpers as ah
from analysis_helpers import forecasts, scenarios
from analysis_helpers.widgets import show
from analysis_helpers.widgets.scenarios import scenario_explorer

as_of = ah.resolve_as_of(as_of)
baseline = scenarios.baseline_for(as_of)
sources = ah.load("sources")
left_out = scenarios.runnable_scenarios(as_of)  # scenario -> why it cannot run at as_of ("" when it can)
defined = {name: scenarios.load_scenario(name) for name in left_out if not left_out[name]}
if scenario not in left_out:
    raise ValueError(f"unknown scenario {scenario!r}; defined: {', '.join(left_out)}")
for name, reason in left_out.items():
    if reason:
        display(Markdown(f"**{name}** is left out as of {as_of:%d %B %Y}: {reason}."))
scenario = scenario if scenario in defined else "baseline"  # the one this report puts first
titles = pd.DataFrame({"name": list(defined), "title": [s.title for s in defined.values()]})
results = scenarios.run_all(draws=draws, seed=seed, as_of=as_of)
chosen = defined[scenario]
display(Markdown(f"Baseline data as of **{as_of:%d %B %Y}**; {len(defined)} scenarios; "
                 f"this report puts **{chosen.title}** first."))
ah.formatted_table(titles.assign(path=pd.array([s.path for s in defined.values()], dtype="Int64"),
                                  written=pd.to_datetime([s.written for s in defined.values()])),
                   labels={"path": "Path in the article"})

# %% [markdown]
# ## The scenarios side by side
#
# Headline numbers at each scenario's settlement: how long the war lasts, how much of Ukraine
# Russia holds, what reconstruction then needs and how much of that the assumed funding leaves
# uncovered.

# %%
scenarios.headline_grid(results, as_of, titles, cited=baseline.cited, sources=sources,
                        front_note=scenarios.front_band_note(baseline))

# %% [markdown]
# The predicted settlement on each issue (compromise model: the weighted mean of positions,
# weighted by capability and salience). The other two models are in the results table.

# %%
scenarios.settlement_comparison(results, ah.load("issues"), as_of, titles, cited=baseline.cited,
                                sources=sources)

# %% [markdown]
# ## One scenario at a time
#
# Pick a scenario in the chart's menu; hollow grey markers show
# the baseline.

# %%
order = [scenario] + [name for name in defined if name != scenario]
ordered = results.set_index("scenario").loc[order].reset_index()
scenarios.scenario_profile(ordered, ah.load("issues"), as_of,
                           reference=None if scenario == "baseline" else "baseline", scenarios=titles,
                           cited=baseline.cited, sources=sources)

# %% [markdown]
# ### The assumptions of the scenario this report puts first

# %%
display(Markdown(f"**{chosen.title}** (`data/scenarios/{chosen.name}.yaml`, written {chosen.written}). "
                 f"{chosen.narrative}"))
ah.formatted_table(scenarios.assumption_table(chosen))

# %% [markdown]
# ### Its results
#
# `value` is the result of the central assumptions; `low` and `high` bound the 80% band of the kind
# `band` names (a central value that a nonlinear model puts outside the draws' range extends it;
# blank where there is none). `settlement:<issue>` is the compromise model;
# `distance_<party>:<issue>` is how far the party's position lies from that compromise and
# `party_gap:<issue>` how far apart the two parties' 80% input-noise bands of their positions are.

# %%
display(HTML(ah.csv_download_link(results, "scenario_results.csv", "Download every scenario's results (CSV)")))
if results_csv:
    results.to_csv(results_csv, index=False)
ah.formatted_table(results[results["scenario"] == scenario].drop(columns="scenario"),  # one unit per row
                   formats=dict.fromkeys(("value", "low", "high"),
                                         lambda v: f"{v:,.0f}" if abs(v) >= 100 else f"{v:.1f}"))

# %% [markdown]
# ### Will there be a settlement at all?
#
# Every result above is *at the settlement*: conditional on one happening. Read as a change to the
# base rate of how long inter-state wars last (notebook 08), each scenario's central settlement
# time asks the hazard to be multiplied by the factor below; even then, the last column gives the
# probability of **no settlement** by the scenario's own upper bound.

# %%
ah.formatted_table(forecasts.scenario_timing(as_of))

# %% [markdown] tags=["dashboard-top"]
# ## Build your own scenario
#
# Start from any scenario and move its main assumptions: the headline numbers and the
# settlement chart recompute, with their 80% assumption ranges. Settlement timing as a hazard, with the probability of no
# settlement by each scenario's upper bound, is in notebook 08: every "at the settlement" number here is
# conditional on a settlement happening.

# %% tags=["dashboard-top"]
show(scenario_explorer(baseline, defined, ah.load("actors"), ah.load("issues"), as_of, start=scenario,
                       draws=draws, seed=seed, sources=sources, known=results),
     scenarios.scenario_explorer_report(results, ah.load("issues"), as_of, scenario, titles,
                                        cited=baseline.cited, sources=sources))
