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
# # Territory: who holds how much of Ukraine, what Russia claims, and what a line would mean
#
# This notebook tracks the area of Ukraine under Russian control since the eve of the full-scale
# invasion, region by region where the maps allow it, sets it against the four regions Russia
# declared annexed in 2022 (and Crimea and Sevastopol in 2014), and measures what each line
# discussed in negotiations would leave on either side, in area and in pre-war population.
#
# **Data.** `regions` (official areas and pre-war population of the 27 first-level units),
# `territory_control` (Russian-held km² by date, nationally and per region, with low/high bounds
# where maps disagree), `annexation_claims`, `sites`, the outlines in `data/geo/` (Natural Earth,
# simplified), and the `events` dataset for the negotiation markers. Every row names its source.
#
# **How area is measured.** Per-region figures since July 2024 intersect DeepStateMap's occupied
# polygon (archived by cyterat/deepstate-map-data) with the region outlines on an equal-area
# projection; the region's *share* is then applied to its *official* area, because simplified
# outlines misstate areas while shares survive simplification. National figures before July 2024
# are read off the liveuamap daily series (conflict-investigations/liveuamap-analysis).

# %%
import pandas as pd
from IPython.display import display

import analysis_helpers as ah
from analysis_helpers.analysis import territory as terr
from analysis_helpers.conventions import NATIONAL_ID, cited_by
from analysis_helpers.data.geo import load_boundaries
from analysis_helpers.figures import territory as figs
from analysis_helpers.widgets import show
from analysis_helpers.widgets.territory import full_coverage_dates, lines_explorer

# %% tags=["parameters"]
as_of = None  # last date to show; None means the latest date in territory_control
compare_from = "2025-05-15"  # start of the "change since" table (default: the Istanbul talks)
method = "step"  # "step" (last map on or before a date) or "linear" (between maps)
user_line = {"UA-14": 1.0, "UA-09": 1.0, "UA-43": 1.0, "UA-40": 1.0}  # shares (0-1) on Russia's side; others 0

# %%
sources = ah.load("sources")
regions = ah.load("regions")
control_all = ah.load("territory_control")
as_of = ah.resolve_as_of(as_of, datasets=["territory_control"])
control = control_all[control_all["date"] <= as_of]
claims = ah.load("annexation_claims")
sites = ah.load("sites")
boundaries = load_boundaries(list(regions["region_id"]))
events = ah.load("events") if "events" in ah.datasets() else None
# Per-region figures exist on the eve of the invasion and monthly from July 2024: the regional
# tables below use the latest such map on or before `as_of`, and say which.
regional_date = max(d for d in full_coverage_dates(control, regions) if d <= as_of)
print(f"Per-region control below: map of {regional_date:%d %b %Y}; national figures to {as_of:%d %b %Y}.")
# What the claims and lines below rest on: the claims, the maps of both dates, the regions' areas and populations.
claim_sources = cited_by(claims, control[control["date"] == regional_date], regions)
line_sources = cited_by(claims, control[control["date"].isin([terr.EVE_OF_INVASION, regional_date])], regions)

# %% [markdown]
# ## Control by region on the map
#
# Move the slider to see each monthly DeepState map since July 2024 (and the eve of the invasion,
# 23 February 2022). Hover over a region for its share and area; dots are key places, coloured
# by who held them on the date in their hover text; the star is the Zaporizhzhia nuclear plant.

# %%
figs.control_map(control, regions, boundaries, sites, sources=sources)

# %% [markdown]
# ## Occupied area over time, with the negotiations
#
# The national line switches from liveuamap to DeepState in July 2024; the shaded band spans the
# figures of the different maps where both exist. Diamonds mark talks, summits and agreements
# from the `events` dataset.

# %%
figs.control_timeseries(control, regions, events, sources=sources)

# %% [markdown]
# Key dates (national totals; low/high come from other maps where they exist):

# %%
key_dates = ["2022-02-23", "2022-03-28", "2022-11-12", "2023-12-31", "2024-12-31", "2025-05-15",
             f"{as_of:%Y-%m-%d}"]
national = control[control["region_id"] == NATIONAL_ID].set_index("date")
key = national.loc[national.index.isin(pd.to_datetime(key_dates)),
                   ["occupied_km2", "occupied_km2_low", "occupied_km2_high", "basis", "method", "note"]]
key["share_of_ukraine_pct"] = 100 * key["occupied_km2"] / float(regions["area_km2"].sum())
display(key.style.format({"occupied_km2": "{:,.0f}", "occupied_km2_low": "{:,.0f}", "occupied_km2_high": "{:,.0f}",
                          "share_of_ukraine_pct": "{:.1f}%"}, na_rep="").format_index("{:%d %b %Y}"))

# %% [markdown]
# ### Change since a date, and gains per year
#
# Change per region between `compare_from` and the regional map date (method set by `method`:
# *step* takes the last map on or before each date; *linear* interpolates between maps).

# %%
change = terr.change_between(control[control["basis"] == "DeepState"], compare_from, regional_date, method)
change = change.merge(regions[["region_id", "name"]], on="region_id", how="left").fillna({"name": "Ukraine"})
display(change[change["change_km2"].abs() >= 1].sort_values("change_km2", ascending=False)
        .set_index("name").style.format("{:,.0f}", subset=["start_km2", "end_km2", "change_km2"]))

# %%
display(terr.gains_per_year(control).set_index("year").style.format(
    {"start_km2": "{:,.0f}", "end_km2": "{:,.0f}", "gain_km2": "{:+,.0f}", "from": "{:%d %b %Y}", "to": "{:%d %b %Y}"}))

# %% [markdown]
# ### Our per-region shares against DeepState's own figures
#
# DeepState published per-oblast shares for 1 January 2026. The table sets the kit's shares for
# the same map against them. Differences come from the outlines: Natural Earth's simplified state
# border and coasts are not DeepState's, so thin strips along the Russian border (Sumy, Kharkiv)
# fall on the "not occupied" side, while river and reservoir banks (Kherson, Zaporizhzhia) tip the
# other way. Nationally the kit is within about 1% of DeepState's total.

# %%
check_date = "2026-01-01"
if pd.Timestamp(check_date) <= as_of:
    check = terr.compare_with_bounds(control, regions, check_date, "terr-deepstate-2025-review")
    check = check.merge(regions[["region_id", "name"]], on="region_id", how="left").fillna({"name": "Ukraine"})
    display(check.set_index("name").drop(columns="region_id").style.format(
        {"kit_km2": "{:,.0f}", "other_km2": "{:,.0f}", "kit_share": "{:.2%}", "other_share": "{:.2%}",
         "difference_share": "{:+.2%}"}))

# %% [markdown]
# ## Claimed versus controlled
#
# Russia claims the whole of each region below within its Ukrainian administrative borders.
# What it holds on the regional map date is the DeepState figure; the rest is claimed but held by
# Ukraine.

# %%
claimed = terr.claimed_vs_controlled(claims, regions, control, regional_date)
display(claimed.set_index("name").drop(columns="region_id").style.format(
    {"claimed_since": "{:%d %b %Y}", "claimed_km2": "{:,.0f}", "occupied_km2": "{:,.0f}", "share": "{:.1%}",
     "not_held_km2": "{:,.0f}", "observed": "{:%d %b %Y}"}))

# %%
figs.claimed_vs_controlled_figure(claimed, claim_sources, regional_date, sources=sources)

# %% [markdown]
# ## Lines: what each would leave on either side
#
# * **1991 borders**: Ukraine whole. **Line of 23 Feb 2022**: Crimea, Sevastopol and the parts of
#   Donetsk and Luhansk held since 2014. **Line of contact**: control on the regional map date.
# * **Russia's claimed borders**: the six claimed units whole, plus what Russia holds elsewhere.
# * **User-defined line**: the `user_line` parameter (share of each region on Russia's side).
#
# Population is the pre-war estimate (1 Jan 2022; Crimea and Sevastopol 1 Jan 2014), spread
# evenly over each region's area: a rough guide, since cities sit unevenly on either side.

# %%
lines = terr.named_lines(control, claims, regions, regional_date, custom=user_line)
comparison = terr.compare_lines(lines, regions)
display(comparison.set_index("line").style.format(
    {"russian_side_km2": "{:,.0f}", "ukrainian_side_km2": "{:,.0f}", "russian_side_share": "{:.1%}",
     "russian_side_population": "{:,.0f}", "ukrainian_side_population": "{:,.0f}"}))

# %%
figs.lines_figure(comparison, regional_date, line_sources, sources=sources)

# %%
figs.lines_map(lines, regions, boundaries, sites, regional_date, line_sources, sources=sources)

# %% [markdown]
# ## Explorer
#
# In a live notebook: pick a date and a line, or set the share of each region on Russia's side
# (start from the line of contact with the button), and the map and the comparison update. The
# exported report shows the menu-driven map above instead.

# %%
show(lines_explorer(control, regions, boundaries, claims, sites, line_sources, regional_date, sources=sources),
     figs.lines_map(lines, regions, boundaries, sites, regional_date, line_sources, sources=sources))

# %% [markdown]
# ## What is not here
#
# * Per-region figures between March 2022 and July 2024: no consistent per-region series was found
#   (only scattered published percentages), so the map starts in July 2024 apart from the eve of
#   the invasion. National totals cover the whole period.
# * The Donetsk/Luhansk split on 23 February 2022 is an estimate: the liveuamap national total
#   less Crimea and Sevastopol, shared by area, with "about a third of each" (AFP) as the upper bound.
# * Sites' controllers are read off one DeepState map (its date is in the hover text); a town on
#   the line may be contested.
