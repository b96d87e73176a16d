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
# # What this kit holds
#
# This kit gathers sourced data on the Russia–Ukraine war and the talks to end it: who controls
# how much of each region, what rebuilding will cost and who could pay, where each state and
# institution stands on the issues of a settlement, and a timeline of the diplomacy. Every figure
# in it points to a publication in the sources table below and carries the date it describes.
#
# **How to use it**
#
# * Read the reports in `reports/` (built by `make report`), or open the notebooks in JupyterLab
#   (`make lab`) to change parameters and use the explorers.
# * Load any dataset in your own code with `analysis_helpers.load("<name>")`; it is validated
#   against `data/datapackage.json` on the way in.
# * Add an observation by appending a row to the dataset's CSV with a `source_id` from the
#   sources table (add the source first), then run `make validate`.

# %%
from IPython.display import HTML, display

import analysis_helpers as ah
from analysis_helpers.catalogue import (PRIMARY_SOURCE_TYPES, build_time, coverage_chart, dataset_summary,
                                        sources_table_html)

ah.setup_notebook()

# %% tags=["parameters"]
as_of = None  # the date the overview describes; None means the latest date in the data

# %% [markdown]
# ## The datasets
#
# For each dataset: its rows, the dates it covers, the sources it cites, its as-of date (latest
# observation) and that date's age in days when this page was built, and the share of its rows
# that rest on primary evidence: an **official** source (the body's own document, statement or
# dataset) or a **wire** agency on its own site, as set in the `source_type` column of `data/sources/`;
# and the share resting on an outlet's copy of such a text (a wire story republished, named in `relays`).

# %%
as_of = ah.resolve_as_of(as_of)
tables = {name: ah.load(name, as_of=as_of) for name in ah.datasets()}  # what the kit knew on as_of
summary = dataset_summary(tables, today=build_time().date())
ah.formatted_table(summary.set_index("dataset"),
                   labels={"primary_share": f"Rows on {' or '.join(PRIMARY_SOURCE_TYPES)} sources (%)",
                           "relayed_share": "Rows on outlets relaying a wire or official text (%)",
                           "first_date": "First date", "last_date": "Last date", "as_of": "As of",
                           "age_days": "Age (days)"})

# %%
coverage_chart(summary, as_of, sources=ah.load("sources"))  # every source a caption may name

# %% [markdown]
# ## Every source the kit cites
#
# Publisher, title (linked), and publication date. Figures derived from a source (for example
# areas computed from a map snapshot) cite the source they were derived from.

# %%
display(HTML(sources_table_html(tables["sources"])))
