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
# This notebook tracks the area of Ukraine under Russian control from the eve of the full-scale
# invasion and every month since April 2022, region by region, sets it against the regions Russia
# declared annexed (Crimea and Sevastopol in 2014, four more in 2022), and measures what each line
# discussed in negotiations would leave on either side, in area and in pre-war population.
#
# **Point of view on borders.** The kit maps Ukraine within its internationally recognised
# borders: the Autonomous Republic of Crimea and the city of Sevastopol are Ukrainian regions held
# by Russia, as UN General Assembly resolution 68/262 (27 March 2014) affirms. Russia's annexation
# claims are data about claims (`annexation_claims`), not borders.
#
# **Data.** `regions` (official areas and pre-war population of the 27 first-level units),
# `territory_control` (the central series: Russian-held km² and share by date, nationally and per
# region, with bounds from the map's own contested layer), `territory_comparison` (other maps and
# the map maker's published figures, each with its own basis), `annexation_claims`, `sites`, the
# outlines in `data/geo/` (Natural Earth, simplified) and the `events` dataset for the negotiation
# markers. Every row names its source.
#
# **One basis, measured one way.** Every central figure rests on DeepStateMap.Live's maps, read
# from two public archives of its exports and measured one way; the spring-2022 peak came before
# the first archived map, so it is shown only by the comparison sources below, never spliced in.
# The method is written once, in the dataset's schema notes
# (`ah.describe("territory_control")["schema"]["notes"]`), and quoted from there below.

# %%
import pandas as pd
from IPython.display import Markdown, display

import analysis_helpers as ah
from analysis_helpers import territory as terr
from analysis_helpers.widgets import show
from analysis_helpers.widgets.territory import lines_explorer

# %% tags=["parameters"]
as_of = None  # last date to show; None means the latest date in territory_control
compare_from = "2025-05-15"  # start of the "change since" table (default: the Istanbul talks)
method = "step"  # "step" (last map on or before a date) or "linear" (between maps)
user_line = {"UA-14": 1.0, "UA-09": 1.0, "UA-43": 1.0, "UA-40": 1.0}  # shares (0-1) on Russia's side; others 0

# %%
as_of = ah.resolve_as_of(as_of, datasets=["territory_control"])
sources = ah.load("sources")
regions = ah.load("regions")
control = ah.load("territory_control", as_of=as_of)
other_maps = ah.load("territory_comparison", as_of=as_of)
claims = ah.load("annexation_claims", as_of=as_of)
sites = ah.load("sites", as_of=as_of)
boundaries = terr.boundaries()
events = ah.load("events", as_of=as_of) if "events" in ah.datasets() else None
regional_date = terr.regional_date(control, regions, as_of)
print(f"Per-region control below: map of {regional_date:%d %b %Y}; figures to {as_of:%d %b %Y}.")
# What the charts below rest on: the maps they draw, the claims, the regions' areas and populations.
map_sources = ah.cited_by(control)
claim_sources = ah.cited_by(claims, control[control["date"] == regional_date], regions)
line_sources = ah.cited_by(claims, control[control["date"].isin([terr.EVE_OF_INVASION, regional_date])], regions)

# %% [markdown]
# ## How the series is measured
#
# Quoted from the schema notes of `territory_control`:

# %%
display(Markdown("\n\n".join(f"**{heading.capitalize()}.** {terr.method_note(heading)}"
                              for heading in ("ONE BASIS, ONE MEASURE", "MEASURE", "BOUNDS"))))

# %% [markdown]
# ## Control by region on the map
#
# Move the slider through every month since April 2022 (and the eve of the invasion, the map's
# pre-2022 line). Hover over a region for its share and area; dots are key places, coloured by who
# held them on the date in their hover text (amber: in the map's contested layer); the star is the
# Zaporizhzhia nuclear plant.

# %%
terr.control_map(control, regions, boundaries, sites, sources=sources)

# %% [markdown]
# ## Occupied area over time, with the negotiations
#
# The shaded band runs from the map's Russian-held layers to those layers plus its contested
# ("unknown status") layer. The later archive keeps no contested layer, so from September 2025 the
# band closes. Diamonds mark talks, summits and agreements from the `events` dataset.

# %%
terr.control_timeseries(control, regions, events, sources=sources)

# %% [markdown]
# ### Month by month, region by region
#
# Net change of the Russian-held area from each month's first map to the next month's: bars above
# zero are Russian gains, below zero Ukrainian ones, stacked by region. Read the first bar (April
# 2022) with care: DeepState's map of 3 April 2022 still marked about 6,100 km² as contested
# ("under question"), against 360 to 1,700 km² on every later map, and drew 8% of Kharkiv oblast
# against 31% a month later, so part of that bar is the map filling in rather than the front moving.

# %%
monthly = terr.monthly_net_change(control)
terr.monthly_change_figure(monthly, regions, map_sources, regional_date, events, sources=sources,
                           next_map=ah.first_known("territory_control", after=as_of))

# %% [markdown]
# ### The mapping sources side by side
#
# Other maps draw the line differently and measure it differently: liveuamap's daily series (as
# computed by conflict-investigations), ISW's maps as charted by War Mapper, The Economist's
# reading of the spring-2022 peak (more than 22% of Ukraine roughly a month into the war: a share,
# drawn at that share of the official area, and a lower bound), and DeepState's own published
# totals. They are kept apart, each on its own basis, rather than spliced into one line. The
# Economist's figure in km² (about 137,000 km² on 28 March 2022, its measurement of ISW's
# polygons) was not found in a text the kit could read, so only the published share is shown.

# %%
terr.sources_comparison_figure(control, other_maps, regions, as_of, sources=sources)

# %% [markdown]
# Key dates (national totals; low = the Russian-held layers, high = plus the contested layer):

# %%
national = control[control["region_id"] == terr.NATIONAL_ID].set_index("date")
key_dates = pd.to_datetime(["2022-02-23", "2022-04-03", "2022-09-01", "2022-12-01", "2024-01-01", "2025-01-01",
                            "2025-05-15", f"{regional_date:%Y-%m-%d}"])
key = national.loc[national.index.isin(key_dates), ["occupied_km2", "occupied_km2_low", "occupied_km2_high", "share", "note"]]
display(ah.formatted_table(key, formats={"share": lambda share: f"{100 * share:.2f}"}))

# %% [markdown]
# ### Does the kit agree with the map maker, and do the two archives agree?
#
# DeepState publishes its own totals and per-oblast shares. The table sets the kit's figures
# against them: totals against the first map on or after the published date (in percent), shares
# against the map of the same date (in percentage points). The schema notes record the agreement
# (and, under "One basis, one measure" above, how the two archives agree where both hold a map):

# %%
display(Markdown(terr.method_note("AGREEMENT WITH THE MAP MAKER")))

# %%
agreement = terr.agreement_with_published(control, other_maps)
agreement = terr.with_region_names(agreement, regions)
display(ah.formatted_table(agreement.set_index(["date", "name"]).drop(columns="region_id"),
                           formats={**dict.fromkeys(("published", "kit"),  # km² rows and 0-1 share rows
                                                    lambda v: f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3f}"),
                                    "difference": "{:+.2f}"}))

# %% [markdown]
# ### Change since a date, and gains per year
#
# Change per region between `compare_from` and the regional map date (method set by `method`:
# *step* takes the last map on or before each date; *linear* interpolates between maps).

# %%
change = terr.change_between(control, compare_from, regional_date, method)
change = terr.with_region_names(change, regions)
display(ah.formatted_table(change[change["change_km2"].abs() >= 1].sort_values("change_km2", ascending=False)
                           .set_index("name"), formats={"change_km2": "{:+,.0f}"}))

# %%
display(ah.formatted_table(terr.gains_per_year(control).set_index("year"), formats={"gain_km2": "{:+,.0f}"}))

# %% [markdown]
# ## Claimed versus controlled
#
# Russia claims the whole of each region below within its Ukrainian administrative borders.
# What it holds on the regional map date is the DeepState figure (the map's area, which counts its
# coastal fringe, so a fully held region can slightly exceed its official area); the rest is
# claimed but held by Ukraine.

# %%
claimed = terr.claimed_vs_controlled(claims, regions, control, regional_date)
display(ah.formatted_table(claimed.set_index("name").drop(columns="region_id")))

# %%
terr.claimed_vs_controlled_figure(claimed, claim_sources, regional_date, sources=sources)

# %% [markdown]
# ## Lines: what each would leave on either side
#
# * **1991 borders**: Ukraine whole. **Line of 23 Feb 2022**: Crimea, Sevastopol and the parts of
#   Donetsk and Luhansk held since 2014. **Line of contact**: control on the regional map date.
# * **Russia's claimed borders**: the six claimed units whole, plus what Russia holds elsewhere.
# * **User-defined line**: the `user_line` parameter (share of each region on Russia's side).
#
# Population is the pre-war estimate (1 Jan 2021; Crimea and Sevastopol 1 Jan 2014). Towns and
# cities (GeoNames, `settlements`) are counted on the side the map of the line's date puts them
# (`settlement_control`) and only the rest of each region is spread by area; a user-defined share
# has no map, so its people are spread by area. The published figures this can be checked against,
# and the gaps, are in `population.published_check()` (notebook 06).

# %%
from analysis_helpers import population

lines = terr.named_lines(control, claims, regions, regional_date, custom=user_line)
comparison = terr.compare_lines(lines, regions, people=population.line_people(lines, regional_date))
display(ah.formatted_table(comparison.set_index("line")))

# %%
terr.lines_figure(comparison, regional_date, line_sources, sources=sources)

# %%
terr.lines_explorer_report(lines, regions, boundaries, sites, regional_date, line_sources, sources=sources)

# %% [markdown]
# ## Explorer
#
# In a live notebook: pick a date and a line, or set the share of each region on Russia's side
# (the sliders start from `user_line`; the button starts them from the line of contact), and the
# map and the comparison update. The exported report shows the menu-driven map above instead.

# %%
show(lines_explorer(control, regions, boundaries, claims, sites, line_sources, regional_date, user_line=user_line,
                    sources=sources, settlements=ah.load("settlements"),
                    settlement_control=ah.load("settlement_control", as_of=as_of)),
     terr.lines_explorer_report(lines, regions, boundaries, sites, regional_date, line_sources, sources=sources))

# %% [markdown]
# ## What is not here
#
# * The spring-2022 peak on DeepState's own maps: the archive starts on 3 April 2022, after the
#   Russian withdrawal from around Kyiv had begun. The comparison chart shows what liveuamap and
#   ISW readings put there; the central series does not borrow them.
# * A contested band after August 2025: the later archive keeps only the Russian-held area.
# * Sites' controllers are read off one DeepState map (its date is in the hover text); key places
#   are towns, not positions.
# * Early maps leave the Syvash undrawn: Crimea's area on the 2022 maps counts the water its held
#   layers enclose, but the map's own area still rises by about 170 km² when DeepState starts
#   drawing it (October 2022): a drawing change, not a gain.
