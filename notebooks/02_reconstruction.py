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
# # Reconstruction: what the war has destroyed, what rebuilding costs, and who could pay
#
# This notebook follows the estimates of war damage in Ukraine and of the cost of rebuilding,
# shows how they have grown, and sets them against the money that known sources could provide.
# Every figure comes from the kit's data package (`reconstruction_assessments`,
# `reconstruction_sectors`, `funding_sources`), where each row names its source.
#
# **Three different quantities.** The joint Rapid Damage and Needs Assessments (RDNAs) of the
# Government of Ukraine, the World Bank Group, the European Commission and the United Nations
# report three numbers that answer different questions, so they must never be added together:
#
# * **Damage** is what has been physically destroyed or damaged (homes, roads, power plants,
#   machinery), valued at what it would cost to replace it as it was.
# * **Losses** are the economic flows the war has cost: output and income that did not happen,
#   and extra costs such as clearing debris or running services under fire.
# * **Needs** are what recovery and reconstruction will cost over the coming years (ten, in
#   the recent RDNAs): rebuilding to modern and EU standards rather than as before, plus
#   restoring lost services and livelihoods. Needs are therefore neither damage nor damage
#   plus losses.
#
# The Kyiv School of Economics (KSE) publishes a separate running tally of documented damage
# only, and Ukraine's government put a cost on its recovery plan at the Lugano conference in
# July 2022; both are shown beside the RDNAs but never mixed into their trend.

# %% tags=["parameters"]
as_of = None  # use only estimates published, and funding figures dated, by this day (YYYY-MM-DD); None: the latest
settlement_date = "2026-12-31"  # assumed end of the war, for the funding gap
windfall_only = True  # True: the immobilised principal stays frozen; only its windfall profits count
asset_share = 0.5  # share of the immobilised principal mobilised when windfall_only is False
donor_bn_per_year = None  # USD bn a year; None: the Kiel tracker's latest 12 months of non-military aid
donor_years = 10  # years of donor support counted
private_bn = 0.0  # private capital assumed, USD bn

# %%
import pandas as pd

import analysis_helpers as ah
from analysis_helpers import reconstruction as rec
from analysis_helpers.widgets import show
from analysis_helpers.widgets.reconstruction import funding_gap_explorer

as_of = ah.resolve_as_of(as_of, datasets=["reconstruction_assessments", "funding_sources"])
sources = ah.load("sources")
assessments = ah.load("reconstruction_assessments", as_of=as_of)
sectors = ah.load("reconstruction_sectors", as_of=as_of)
funding = ah.load("funding_sources", as_of=as_of)
# When the next estimate and the next joint assessment came, for the notes of charts that have nothing yet.
next_estimate = ah.first_known("reconstruction_assessments", after=as_of)
next_rdna = ah.first_known("reconstruction_assessments", where=lambda f: f["kind"] == rec.TREND_KIND, after=as_of)

# %% [markdown]
# ## Headline estimates over time
#
# Each point is placed at the date an estimate refers to (its as-of date), not the day it was
# released. Damage grew steadily; needs grew faster, because each assessment also prices in
# losses to be recovered and higher standards for what is rebuilt.

# %%
rec.assessments_figure(assessments, sources=sources, as_of=as_of, next_known=next_estimate)

# %% [markdown]
# ## How fast the estimates grew
#
# Growth between consecutive RDNAs, per month of war. The rate is not steady: it depends on how
# intense attacks were (for instance on the power grid) and on changes of method between
# assessments.

# %%
rec.growth_figure(assessments, sources=sources, as_of=as_of, next_known=next_rdna)

# %%
ah.formatted_table(rec.growth_between_assessments(assessments))

# %% [markdown]
# ## Needs and damage by sector
#
# The sources give sector figures only for their largest sectors, so each bar is completed in
# grey by the part of the published total that is not broken out. Sector names differ between
# assessments; the kit maps them to one list and keeps the source's own name (hover a bar).

# %%
rec.sectors_figure(sectors, assessments, "needs_usd_bn", sources=sources, as_of=as_of)

# %%
rec.sectors_figure(sectors, assessments, "damage_usd_bn", sources=sources, as_of=as_of)

# %% [markdown]
# Growth of sector needs between the RDNAs that publish the sector (here RDNA3 and RDNA5, two
# years apart):

# %%
ah.formatted_table(rec.sector_growth(sectors, assessments))

# %% [markdown]
# **Damage by region.** No assessment found so far publishes figures per region (RDNA4 only
# says that the frontline regions of Donetsk, Kharkiv, Luhansk, Zaporizhzhia, Kherson and Kyiv
# account for about 72% of all damage), so the kit has no regional table to map yet; see the
# notes of `reconstruction_regions`.
#
# ## Needs at a settlement date
#
# The RDNAs measure needs at past dates. To estimate needs at a future settlement date, the
# kit extrapolates from the latest RDNA: its needs, plus a growth rate times the months from its
# as-of date to the settlement date. The central rate is the least-squares trend of needs
# against months of war across all RDNAs; the band uses the lowest and highest of the
# alternative rates (that trend and the rate between each pair of consecutive RDNAs). The band
# shows how much the answer depends on which period of the war is taken as typical; it is not a
# statistical confidence interval. Between two RDNAs the kit interpolates; before the first it
# gives no estimate.

# %%
ah.formatted_table(rec.needs_trend(assessments))

# %%
ah.formatted_table(rec.needs_at(assessments, [settlement_date]))

# %% [markdown]
# ## What known sources could cover
#
# The funding table lists Russian central-bank assets immobilised by jurisdiction (in their
# currency and in US dollars, with the exchange rate, its date and its source), committed
# instruments, and donor volumes derived from the Kiel Institute's Ukraine Support Tracker
# (Release 29).

# %%
ah.formatted_table(funding[["item_id", "kind", "holder", "purpose", "amount", "currency", "amount_usd_bn",
                            "fx_rate", "fx_date", "as_of", "part_of"]])

# %% [markdown]
# The gap is needs at the settlement date minus the funding chosen:
#
# * **Immobilised assets.** With *windfall profits only*, the principal stays frozen and its
#   windfall profits are already pledged to repay the G7's ERA loans, which count among the
#   committed instruments; the assets add nothing more. Otherwise the chosen share of the
#   principal is mobilised, after setting aside what the ERA loans still claim on it.
# * **Committed instruments** count when meant for reconstruction, alone or mixed with other
#   purposes; the EU loan for Ukraine's budget and defence in 2026-2027 is left out.
# * **Donor support** is a yearly volume times a number of years (by default the non-military
#   aid of the last twelve months in the Kiel data, for ten years: an upper-end assumption,
#   since most of it is budget support rather than reconstruction).
# * **Private capital** is whatever you assume.

# %%
gap_sources = ah.cited_by(assessments[assessments["kind"] == rec.TREND_KIND], funding)
donor_rate = rec.donor_rate(funding) if donor_bn_per_year is None else donor_bn_per_year
assumptions = {"windfall_only": windfall_only, "asset_share": asset_share, "donor_bn_per_year": donor_rate,
               "donor_years": donor_years, "private_bn": private_bn}
gap = rec.funding_gap(assessments, funding, settlement_date, **assumptions)
ah.formatted_table(gap)

# %% [markdown]
# ### Explore the assumptions
#
# In a live notebook, the controls below redraw the chart. An exported report shows the chart
# for the parameters above instead.

# %%
static_gap = rec.funding_gap_figure(gap, settlement_date, gap_sources, as_of, sources=sources)
show(funding_gap_explorer(assessments, funding, settlement_date=settlement_date, cited=gap_sources,
                          as_of=as_of, sources=sources, **assumptions),
     static_gap)

# %% [markdown]
# ### The same explorer, in any browser
#
# This chart keeps its slider in the exported HTML: pick how much of the immobilised assets is
# mobilised, and read the gap for any settlement date over the next three years (donor and
# private assumptions as in the parameters).

# %%
latest = assessments.loc[assessments["kind"] == rec.TREND_KIND, "period_end"].max()
latest = as_of if pd.isna(latest) else latest  # no RDNA yet: the grid starts at as_of (and shows no gap)
dates = pd.date_range(latest, latest + pd.DateOffset(years=3), freq="QE")
cases = {"windfall profits only": (True, 0.0), "25% of principal": (False, 0.25),
         "50% of principal": (False, 0.5), "all principal": (False, 1.0)}
grid = rec.funding_gap_cases(assessments, funding, dates, cases, donor_bn_per_year=donor_rate,
                             donor_years=donor_years, private_bn=private_bn)
rec.funding_gap_explorer_report(grid, {case: case for case in cases}, gap_sources, as_of, sources=sources)
