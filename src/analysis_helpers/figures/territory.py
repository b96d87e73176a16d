"""Territory figures: control map with a date slider, occupied-area time series, claims, lines.

Every function returns a captioned `plotly.graph_objects.Figure` whose interactivity (sliders,
dropdowns, frames) is plotly-native, so it keeps working in an exported HTML report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
import shapely
from plotly.colors import sample_colorscale

from ..analysis import territory as terr
from ..analysis.population import REFERENCE_NOTE as PEOPLE_NOTE
from ..analysis.territory import to_equal_area
from ..conventions import NATIONAL_ID, AsOf, as_percent, cited_by
from .theme import (
    COLOUR_BAR_MARGIN,
    OKABE_ITO,
    SEQUENTIAL_SHARE,
    SIDE_COLOURS,
    add_caption,
    colour_for,
    day_text,
    not_yet_figure,
    recaption,
    wrap_text,
)

CONTESTED_COLOUR = "#E69F00"
OTHER_REGIONS = "Other regions"
NEGOTIATION_KINDS = ("talks", "summit", "agreement")
NO_DATA_COLOUR = "#dddddd"
SLIDER_HEIGHT_PX = 90
# A map of Ukraine ~1,300 km wide drawn ~1,000 px wide: 1 px is about 1.3 km.
DISPLAY_TOLERANCE_M = 1000
_SHARE_BAR = {"title": {"text": "Russian-held<br>share (%)"}, "ticksuffix": "%"}


def _outline_xy(geom) -> tuple[list, list]:
    """Projected outline (km, equal-area) as one path per ring, rings separated by None.

    Simplified for display (`DISPLAY_TOLERANCE_M`, under a pixel at the maps' size): the figure
    carries a third of the points, and areas are never measured on these outlines."""
    xs, ys = [], []
    projected = to_equal_area(geom).simplify(DISPLAY_TOLERANCE_M, preserve_topology=True)
    for polygon in getattr(projected, "geoms", [projected]):
        for ring in [polygon.exterior, *polygon.interiors]:
            x, y = ring.xy
            xs += [round(v / 1000, 1) for v in x] + [None]
            ys += [round(v / 1000, 1) for v in y] + [None]
    return xs, ys


def _colours(share: pd.Series) -> list[str]:
    known = [min(max(v, 0), 1) for v in share if not pd.isna(v)]
    sampled = iter(sample_colorscale(SEQUENTIAL_SHARE, known) if known else [])  # one call for all regions
    return [NO_DATA_COLOUR if pd.isna(v) else next(sampled) for v in share]


def _region_traces(boundaries: pd.DataFrame, colours: list[str], texts: list[str]) -> list[go.Scatter]:
    traces = []
    for row, colour, text in zip(boundaries.itertuples(), colours, texts, strict=False):
        x, y = _outline_xy(row.geometry)
        traces.append(go.Scatter(x=x, y=y, fill="toself", fillcolor=colour, mode="lines",
                                 line={"width": 0.7, "color": "white"}, hoveron="fills", text=text,
                                 hoverinfo="text", showlegend=False, name=row.region_id))
    return traces


def _colourbar_trace() -> go.Scatter:
    """An invisible marker carrying the share colour bar (filled shapes have none of their own)."""
    return go.Scatter(x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
                      marker={"colorscale": SEQUENTIAL_SHARE, "cmin": 0, "cmax": 100, "color": [0],
                              "showscale": True, "colorbar": _SHARE_BAR})


def _share_hover(shares: pd.DataFrame) -> list[str]:
    return [f"<b>{r.name}</b><br>{r.share:.1%} Russian-held<br>"
            f"{r.occupied_km2:,.0f} km² on the map (official area {r.area_km2:,.0f} km²)"
            if pd.notna(r.share) else f"<b>{r.name}</b><br>no observation"
            for r in shares.itertuples()]


def _site_trace(sites: pd.DataFrame) -> go.Scatter:
    plant = sites["kind"] == "nuclear-plant"
    xy = [to_equal_area(shapely.Point(lon, lat)) for lon, lat in zip(sites["lon"], sites["lat"], strict=False)]
    return go.Scatter(
        x=[p.x / 1000 for p in xy], y=[p.y / 1000 for p in xy], mode="markers",
        marker={"size": [16 if p else 6 for p in plant], "symbol": ["star" if p else "circle" for p in plant],
                "color": [_SITE_COLOURS.get(c, CONTESTED_COLOUR) for c in sites["controller"]],
                "line": {"width": 1, "color": "white"}},
        text=[f"<b>{s.name}</b><br>{s.why}<br>"
              + (f"contested on {pd.Timestamp(s.as_of):%d %b %Y}" if s.controller == "contested"
                 else f"held by {s.controller} on {pd.Timestamp(s.as_of):%d %b %Y}")
              for s in sites.itertuples()],
        hoverinfo="text", name="Sites, coloured by holder (amber: contested; star: Zaporizhzhia NPP)", showlegend=True)


_SITE_COLOURS = {"Russia": SIDE_COLOURS["russia"], "Ukraine": SIDE_COLOURS["ukraine"]}


def _map_layout(fig: go.Figure) -> go.Figure:
    hidden = {"visible": False, "showgrid": False, "zeroline": False}
    fig.update_xaxes(**hidden)
    fig.update_yaxes(**hidden, scaleanchor="x", scaleratio=1)
    fig.update_layout(height=680, legend={"y": 1.0, "yanchor": "bottom", "x": 0.3}, hovermode="closest",
                      plot_bgcolor="white", margin={"r": COLOUR_BAR_MARGIN})
    return fig


def control_map(control: pd.DataFrame, regions: pd.DataFrame, boundaries: pd.DataFrame,
                sites: pd.DataFrame, dates: Sequence | None = None, *, sources: pd.DataFrame) -> go.Figure:
    """Map of the Russian-held share of each region, one slider step per observation date.

    Regions are filled shapes on the equal-area projection (plain SVG, no base-map download, so
    the map renders offline). `dates` defaults to every date with an observation of all regions.
    The slider restyles only fill colours and hover texts (no frames: nothing auto-plays, and any
    plotly renderer keeps it working), so the outlines are embedded once.
    """
    per_region = control[control["region_id"] != NATIONAL_ID]
    if dates is None:
        counts = per_region.groupby("date")["region_id"].nunique()
        dates = list(counts[counts == len(regions)].index)
    dates = [pd.Timestamp(d) for d in dates]
    order = boundaries[["region_id"]]
    snapshots = {d: order.merge(terr.shares_at(per_region, regions, d), on="region_id", how="left") for d in dates}
    last = dates[-1]
    region_count = len(order)
    fig = go.Figure([*_region_traces(boundaries, _colours(snapshots[last]["share"]), _share_hover(snapshots[last])),
                     _site_trace(sites), _colourbar_trace()])
    steps = []
    for d in dates:
        colours, texts = _colours(snapshots[d]["share"]), _share_hover(snapshots[d])
        steps.append({"label": f"{d:%b %Y}" if d.day == 1 else f"{d:%d %b %Y}", "method": "restyle",
                      "args": [{"fillcolor": colours, "text": texts}, list(range(region_count))]})
    fig.update_layout(sliders=[{"active": len(dates) - 1, "currentvalue": {"prefix": "Map of "},
                                "pad": {"t": 30}, "steps": steps}])
    national = control[(control["region_id"] == NATIONAL_ID) & (control["date"] == last)]
    held = float(national["occupied_km2"].iloc[0]) if not national.empty else float(snapshots[last]["occupied_km2"].sum())
    share = 100 * held / float(regions["area_km2"].sum())
    largest = snapshots[last].nlargest(4, "occupied_km2")["name"]
    top = largest.str.replace(" Oblast", "").str.replace("Autonomous Republic of ", "")
    fig.update_layout(title=f"On {last:%d %b %Y} Russia held {share:.1f}% of Ukraine, almost all in "
                            f"{', '.join(top[:-1])} and {top.iloc[-1]}")
    _map_layout(fig)
    drawn = per_region[per_region["date"].isin(dates)]
    add_caption(fig, cited_by(drawn, regions, boundaries, sites), sources, last,
                note="Share = part of the region's outline covered by DeepState's Russian-held layers (fully held = 100%). "
                     "Slider: the eve of the invasion (the map's pre-2022 layers) and every month since April 2022.")
    return _caption_below_slider(fig)


def _caption_below_slider(fig: go.Figure) -> go.Figure:
    """Move the caption (the last annotation) under the slider, which also lives in the bottom margin."""
    caption = fig.layout.annotations[-1]
    caption.yshift = (caption.yshift or 0) - SLIDER_HEIGHT_PX
    fig.update_layout(margin={"b": fig.layout.margin.b + SLIDER_HEIGHT_PX})
    return fig


def _events_to_mark(events: pd.DataFrame | None, start, end) -> pd.DataFrame:
    if events is None or events.empty:
        return pd.DataFrame(columns=["date", "event", "kind"])
    chosen = events[events["kind"].isin(NEGOTIATION_KINDS) & events["date"].between(start, end)]
    return chosen.sort_values("date")


def control_timeseries(control: pd.DataFrame, regions: pd.DataFrame, events: pd.DataFrame | None = None,
                       top_regions: int = 4, *, sources: pd.DataFrame) -> go.Figure:
    """Russian-held km² over time on the central DeepState series: Ukraine with its low/high band
    (high adds the map's contested layer) and the largest regions, with negotiation events."""
    national = control[control["region_id"] == NATIONAL_ID].sort_values("date")
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=pd.concat([national["date"], national["date"][::-1]]),
                             y=pd.concat([national["occupied_km2_high"], national["occupied_km2_low"][::-1]]),
                             fill="toself", fillcolor="rgba(213,94,0,0.15)", line={"width": 0},
                             hoverinfo="skip", name="Range: plus the map's contested layer"))
    fig.add_trace(go.Scatter(x=national["date"], y=national["occupied_km2"], mode="lines+markers", name="Ukraine",
                             marker={"size": 4}, line={"width": 2, "color": SIDE_COLOURS["russia"]},
                             hovertemplate="%{x|%d %b %Y}: %{y:,.0f} km²<extra>Ukraine</extra>"))
    per_region = control[control["region_id"] != NATIONAL_ID]
    latest = per_region[per_region["date"] == per_region["date"].max()].nlargest(top_regions, "occupied_km2")
    names = regions.set_index("region_id")["name"]
    for region_id in latest["region_id"]:
        part = per_region[per_region["region_id"] == region_id].sort_values("date")
        fig.add_trace(go.Scatter(x=part["date"], y=part["occupied_km2"], mode="lines", name=names[region_id],
                                 line={"color": colour_for("region", region_id), "width": 1.5},
                                 hovertemplate="%{x|%d %b %Y}: %{y:,.0f} km²<extra>" + names[region_id] + "</extra>"))
    marked = _events_to_mark(events, national["date"].min(), national["date"].max())
    _mark_events(fig, marked, national["occupied_km2_high"].max() * 1.08)
    peak = national.loc[national["occupied_km2"].idxmax()]
    end = national.iloc[-1]
    fig.update_layout(
        title=f"On DeepState's maps Russian-held area peaked at {peak['occupied_km2'] / 1000:,.0f}k km² in "
              f"{peak['date']:%B %Y}; it stands at {end['occupied_km2'] / 1000:,.0f}k km² on {end['date']:%d %b %Y}",
        xaxis_title="Date", yaxis_title="Russian-held area (km²)", yaxis_rangemode="tozero", height=600,
        hovermode="closest", margin={"t": 130})
    note = ("One basis (DeepState maps) measured one way. Crimea and the parts of Donbas held before 2022 included; "
            "the first point is the map's pre-2022 line.")
    if not marked.empty:
        note += " Diamonds: talks, summits and agreements from the events dataset (each cites its own source)."
    drawn = per_region[per_region["region_id"].isin(latest["region_id"])]
    return add_caption(fig, cited_by(national, drawn), sources, end["date"], note=note)


def _mark_events(fig: go.Figure, marked: pd.DataFrame, level: float) -> None:
    """Dotted vertical lines and hoverable diamonds (at `level`) for negotiation events."""
    # The shapes add_vline makes, set at once: add_vline costs ~30 ms a line (it re-validates every shape).
    lines = [{"type": "line", "x0": day, "x1": day, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
              "line": {"width": 1, "dash": "dot", "color": "#888"}} for day in marked["date"]]
    fig.update_layout(shapes=[*fig.layout.shapes, *lines])
    if not marked.empty:
        fig.add_trace(go.Scatter(x=marked["date"], y=[level] * len(marked), mode="markers", name="Talks, summits, agreements",
                                 marker={"symbol": "diamond", "size": 9, "color": "#000"},
                                 text=[f"{d:%d %b %Y}: {e}" for d, e in zip(marked["date"], marked["event"], strict=True)],
                                 hoverinfo="text"))


def monthly_change_figure(change: pd.DataFrame, regions: pd.DataFrame, cited: Sequence[str], as_of: AsOf,
                          events: pd.DataFrame | None = None, top_regions: int = 6, *,
                          sources: pd.DataFrame, next_map: AsOf = None) -> go.Figure:
    """Net monthly change of Russian-held km² per region (bars: gains up, losses down), with negotiation events.

    `change` is `analysis.territory.monthly_net_change`; the `top_regions` regions with the largest
    total movement get their own colour, the rest are summed as "Other regions". Without two
    consecutive months of maps (e.g. as of March 2022) a note says so, and when the next map
    came (`next_map`, from the data: `first_known("territory_control", after=as_of)`).
    """
    if change.empty:
        later = f" The next map in the series is of {day_text(next_map)}." if next_map is not None and pd.notna(
            next_map) else ""
        return not_yet_figure("No month-to-month change yet: the map series has no two consecutive months",
                              "Monthly change compares the first maps of two consecutive months; on this date the "
                              f"series has no such pair.{later}", as_of)
    names = regions.set_index("region_id")["name"].str.replace(" Oblast", "").str.replace("Autonomous Republic of ", "")
    movement = change.groupby("region_id")["change_km2"].apply(lambda v: v.abs().sum()).nlargest(top_regions)
    labelled = change.assign(label=change["region_id"].map(lambda r: names[r] if r in movement.index else OTHER_REGIONS))
    table = labelled.groupby(["month", "label"], sort=False)["change_km2"].sum().unstack(fill_value=0.0)
    fig = go.Figure()
    # Stacked neighbours need distinct colours: the colour-blind-safe palette in order, grey for the rest.
    colours = dict(zip([*(names[r] for r in movement.index), OTHER_REGIONS], [*OKABE_ITO[:top_regions], "#bbbbbb"],
                       strict=False))
    for label, colour in colours.items():
        if label not in table.columns:
            continue
        fig.add_trace(go.Bar(x=table.index, y=table[label], name=label, marker_color=colour,
                             hovertemplate="%{x|%b %Y}: %{y:+,.0f} km²<extra>" + label + "</extra>"))
    net = table.sum(axis=1)
    marked = _events_to_mark(events, table.index.min(), table.index.max() + pd.offsets.MonthEnd(1))
    _mark_events(fig, marked, float(table.clip(lower=0).sum(axis=1).max()) * 1.1)
    worst = net.idxmin()
    recent = net[net.index >= net.index.max() - pd.DateOffset(months=11)]
    fig.update_layout(barmode="relative", height=560, xaxis_title="Month", yaxis_title="Net change of Russian-held area (km²)",
                      title=f"Ukraine's biggest month was {worst:%B %Y} ({-net[worst]:,.0f} km² retaken); over the last "
                            f"12 months Russia gained {recent.sum():,.0f} km², {recent.mean():,.0f} km² a month",
                      hovermode="closest", margin={"t": 110})
    return add_caption(fig, cited, sources, as_of,
                       note="Change from each month's first DeepState map to the next month's; above zero = Russian gain.")


def sources_comparison_figure(control: pd.DataFrame, comparison: pd.DataFrame, regions: pd.DataFrame,
                              as_of: AsOf, *, sources: pd.DataFrame) -> go.Figure:
    """Ukraine-wide Russian-held km² as each mapping source has it: the kit's DeepState series (with its
    contested-layer band), liveuamap's daily series, ISW and The Economist's readings and DeepState's own
    published totals. A source that gives only a share of Ukraine is drawn at that share of the official area."""
    national = control[control["region_id"] == NATIONAL_ID].sort_values("date")
    others = comparison[comparison["region_id"] == NATIONAL_ID].sort_values("date").copy()
    share_only = others["occupied_km2"].isna() & others["share"].notna()
    others.loc[share_only, "occupied_km2"] = others.loc[share_only, "share"] * float(regions["area_km2"].sum())
    others.loc[share_only, "note"] = others.loc[share_only, "note"].fillna("") + " (share × official area)"
    others = others[others["occupied_km2"].notna()]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=pd.concat([national["date"], national["date"][::-1]]),
                             y=pd.concat([national["occupied_km2_high"], national["occupied_km2_low"][::-1]]),
                             fill="toself", fillcolor="rgba(213,94,0,0.15)", line={"width": 0}, hoverinfo="skip",
                             name="DeepState, plus contested layer"))
    fig.add_trace(go.Scatter(x=national["date"], y=national["occupied_km2"], mode="lines+markers",
                             name="DeepState maps (kit's measure)",
                             line={"color": SIDE_COLOURS["russia"], "width": 2}, marker={"size": 4},
                             hovertemplate="%{x|%d %b %Y}: %{y:,.0f} km²<extra>DeepState maps</extra>"))
    styles = {("liveuamap", "derived"): ("lines", "liveuamap daily series", "#56B4E9", "circle"),
              ("ISW", "published"): ("markers", "ISW, as charted by War Mapper", "#009E73", "square"),
              ("The Economist", "published"): ("markers", "The Economist (at least)", "#CC79A7", "triangle-up"),
              ("DeepState", "published"): ("markers", "DeepState's published totals", "#000000", "x"),
              ("DeepState", "derived"): ("markers", "DeepState's published totals", "#000000", "x")}
    shown = set()
    for (basis, method), part in others.groupby(["basis", "method"], sort=False):
        mode, name, colour, symbol = styles[(basis, method)]
        fig.add_trace(go.Scatter(x=part["date"], y=part["occupied_km2"], mode=mode, name=name, showlegend=name not in shown,
                                 legendgroup=name, line={"color": colour, "width": 1.5},
                                 marker={"color": colour, "symbol": symbol, "size": 9},
                                 text=part["note"].fillna(""),
                                 hovertemplate="%{x|%d %b %Y}: %{y:,.0f} km²<br>%{text}<extra>" + name + "</extra>"))
        shown.add(name)
    gap = others[others["basis"] == "liveuamap"].set_index("date")["occupied_km2"]
    central = national.set_index("date")["occupied_km2"]
    common = gap.index.intersection(central.index)
    spread = float((gap[common] - central[common]).abs().median()) if len(common) else float("nan")
    fig.update_layout(title=f"The maps agree on the trend, not the level: liveuamap runs a median {spread:,.0f} km² "
                            "off DeepState,<br>and readings of the spring-2022 peak spread widely",
                      xaxis_title="Date", yaxis_title="Russian-held area (km²)", height=580, hovermode="closest",
                      margin={"t": 150})
    return add_caption(fig, cited_by(national, others), sources, as_of,
                       note="Each source keeps its own basis; none is spliced into the kit's central series.")


def claimed_vs_controlled_figure(table: pd.DataFrame, cited: Sequence[str], as_of: AsOf, *,
                                 sources: pd.DataFrame) -> go.Figure:
    """Stacked bars per claimed region: held by Russia, and claimed but held by Ukraine.

    `cited`: the sources of the claims, control and region rows behind `table`
    (`cited_by(claims, control rows, regions)`)."""
    table = table.sort_values("claimed_km2")
    labels = table["name"].str.replace(" Oblast", "")
    fig = go.Figure([
        go.Bar(y=labels, x=table["occupied_km2"], orientation="h", name="Held by Russia",
               marker_color=SIDE_COLOURS["russia"], hovertemplate="%{y}: %{x:,.0f} km² held<extra></extra>"),
        go.Bar(y=labels, x=table["not_held_km2"], orientation="h", name="Claimed, held by Ukraine",
               marker_color=SIDE_COLOURS["ukraine"], hovertemplate="%{y}: %{x:,.0f} km² claimed but not held<extra></extra>"),
    ])
    gap = table["not_held_km2"].sum()
    fig.update_layout(barmode="stack", height=420, xaxis_title="Area (km²)", yaxis_title="Claimed region",
                      title=f"Russia claims {gap:,.0f} km² it does not hold, most of it in "
                            f"{table.nlargest(1, 'not_held_km2')['name'].iloc[0]}")
    return add_caption(fig, cited, sources, as_of, note="Held = the map's share of each region times its official area.")


def lines_figure(comparison: pd.DataFrame, as_of: AsOf, cited: Sequence[str], *, sources: pd.DataFrame) -> go.Figure:
    """Area and pre-war population on Russia's side of each line (two panels of bars)."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, subplot_titles=("Area on Russia's side (% of Ukraine)",
                                                        "Pre-war population on Russia's side (millions)"))
    colour = SIDE_COLOURS["russia"]
    labels = ["<br>".join(wrap_text(name, 14)) for name in comparison["line"]]
    fig.add_trace(go.Bar(x=labels, y=as_percent(comparison["russian_side_share"]), marker_color=colour, showlegend=False,
                         customdata=comparison["line"], hovertemplate="%{customdata}: %{y:.1f}% of Ukraine<extra></extra>"),
                  row=1, col=1)
    fig.add_trace(go.Bar(x=labels, y=comparison["russian_side_population"] / 1e6, marker_color=colour, showlegend=False,
                         customdata=comparison["line"], hovertemplate="%{customdata}: %{y:.2f} million<extra></extra>"),
                  row=1, col=2)
    fig.update_yaxes(title_text="Share of Ukraine's area (%)", row=1, col=1)
    fig.update_yaxes(title_text="Persons (millions)", row=1, col=2)
    fig.update_xaxes(title_text="Line", tickangle=0, tickfont={"size": 11})
    claimed = comparison.set_index("line").loc[terr.LINE_CLAIMED]
    fig.update_layout(height=520, title=f"Russia's claimed borders would put {claimed['russian_side_share']:.0%} of Ukraine and "
                                        f"{claimed['russian_side_population'] / 1e6:.1f} million pre-war residents on its side")
    return add_caption(fig, cited, sources, as_of, note=PEOPLE_NOTE + " A line typed by hand: pro rata to area.")


def _line_values(share: pd.Series, boundaries: pd.DataFrame, names: pd.Series) -> tuple[list, list]:
    ids = list(boundaries["region_id"])
    values = share.reindex(ids).fillna(0.0).round(4)
    return _colours(values), [f"<b>{names[r]}</b><br>{v:.1%} on Russia's side" for r, v in zip(ids, values, strict=False)]


def line_map(name: str, share: pd.Series, regions: pd.DataFrame, boundaries: pd.DataFrame,
             sites: pd.DataFrame, as_of: AsOf, cited: Sequence[str], *, sources: pd.DataFrame) -> go.Figure:
    """Map of one line: each region coloured by the share of it on Russia's side."""
    names = regions.set_index("region_id")["name"]
    fig = go.Figure([*_region_traces(boundaries, *_line_values(share, boundaries, names)),
                     _site_trace(sites), _colourbar_trace()])
    fig.update_layout(title=_line_title(name, share, regions))
    _map_layout(fig)
    return add_caption(fig, cited, sources, as_of)


def _line_title(name: str, share: pd.Series, regions: pd.DataFrame) -> str:
    areas = regions.set_index("region_id")["area_km2"]
    russian = float((share.reindex(areas.index).fillna(0.0) * areas).sum())
    return f"{name}: {russian:,.0f} km² ({russian / float(areas.sum()):.1%} of Ukraine) on Russia's side"


def update_line_map(fig: go.Figure, name: str, share: pd.Series, regions: pd.DataFrame,
                    boundaries: pd.DataFrame, as_of: AsOf, cited: Sequence[str], *,
                    sources: pd.DataFrame) -> go.Figure:
    """Recolour a `line_map` in place for another line (outlines and sites kept: the live explorer
    redraws on every control move, and building the outlines is most of a map's cost)."""
    colours, texts = _line_values(share, boundaries, regions.set_index("region_id")["name"])
    with fig.batch_update():
        for trace, colour, text in zip(fig.data, colours, texts, strict=False):  # region traces come first
            trace.update(fillcolor=colour, text=text)
        fig.layout.title.text = _line_title(name, share, regions)
    return recaption(fig, cited, sources, as_of)


def lines_explorer_report(lines: Mapping[str, pd.Series], regions: pd.DataFrame, boundaries: pd.DataFrame,
                          sites: pd.DataFrame, as_of: AsOf, cited: Sequence[str], *,
                          sources: pd.DataFrame) -> go.Figure:
    """Map of one line at a time; a dropdown switches lines (the plotly-native twin of the explorer)."""
    names = regions.set_index("region_id")["name"]
    # Open on the line of contact: the 1991 line would show an empty map.
    first = next((name for name in lines if name.startswith("Line of contact")), next(iter(lines)))
    fig = line_map(first, lines[first], regions, boundaries, sites, as_of, cited, sources=sources)
    buttons = []
    for name, share in lines.items():
        colours, texts = _line_values(share, boundaries, names)
        buttons.append({"label": name, "method": "restyle",
                        "args": [{"fillcolor": colours, "text": texts}, list(range(len(boundaries)))]})
    fig.update_layout(updatemenus=[{"buttons": buttons, "direction": "down", "x": 0, "xanchor": "left", "y": 1.0,
                                    "yanchor": "bottom", "showactive": True, "active": list(lines).index(first)}],
                      title="Each line, region by region: pick one from the menu (colour = share on Russia's side)")
    return fig
