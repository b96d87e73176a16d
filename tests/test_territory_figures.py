"""Territory figures built from the shipped data: titled with their finding, captioned with the
sources of the rows they draw, and keeping each mapping source apart."""

from __future__ import annotations

import analysis_helpers as ah
from analysis_helpers.analysis import territory as terr
from analysis_helpers.data.geo import load_boundaries
from analysis_helpers.figures import territory as figs


def _caption(fig) -> str:
    return fig.layout.annotations[-1].text


def test_map_slider_covers_every_month_since_april_2022():
    regions, control = ah.load("regions"), ah.load("territory_control")
    fig = figs.control_map(control, regions, load_boundaries(list(regions["region_id"])), ah.load("sites"),
                           sources=ah.load("sources"))
    labels = [step["label"] for step in fig.layout.sliders[0].steps]
    assert labels[0] == "23 Feb 2022" and labels[1] == "03 Apr 2022"
    assert "Sep 2022" in labels and len(labels) >= 53
    assert "DanielRose2310" in _caption(fig) and "cyterat" in _caption(fig)


def test_monthly_change_bars_have_gains_and_losses_and_events():
    regions, control = ah.load("regions"), ah.load("territory_control")
    change = terr.monthly_net_change(control)
    events = ah.load("events") if "events" in ah.datasets() else None
    fig = figs.monthly_change_figure(change, regions, sorted(set(control["source_id"])), control["date"].max(), events,
                                     sources=ah.load("sources"))
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) >= 5 and fig.layout.barmode == "relative"
    values = [v for t in bars for v in t.y]
    assert min(values) < -1000 and max(values) > 500  # Ukraine's 2022 counter-offensives and Russia's gains
    assert fig.layout.title.text.startswith("Ukraine's biggest month was September 2022")
    assert fig.layout.yaxis.title.text == "Net change of Russian-held area (km²)"


def test_sources_comparison_keeps_each_basis_apart():
    regions, control, comparison = ah.load("regions"), ah.load("territory_control"), ah.load("territory_comparison")
    fig = figs.sources_comparison_figure(control, comparison, regions, control["date"].max(), sources=ah.load("sources"))
    names = {t.name for t in fig.data}
    assert {"DeepState maps (kit's measure)", "liveuamap daily series", "ISW, as charted by War Mapper",
            "The Economist (at least)", "DeepState's published totals"} <= names
    central = next(t for t in fig.data if t.name == "DeepState maps (kit's measure)")
    assert len(central.x) == len(control[control["region_id"] == "UA"])  # nothing spliced in
    caption = _caption(fig)
    assert "7 sources" in caption and "conflict-investigations" in caption and "Mint" in caption
