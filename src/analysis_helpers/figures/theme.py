"""One look for every chart: the `kit` template, fixed colours per actor and region, captions.

Palettes are colour-blind safe: Okabe & Ito's eight colours for the principal actors, Paul
Tol's "muted" and "light" schemes for the rest, Plotly's OrRd for shares of territory and PuOr
for positions on a 0-100 scale.
"""

from __future__ import annotations

import html
import re
import zlib
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from ..conventions import AsOf, as_timestamp

TEMPLATE_NAME = "kit"
# The trace types the kit draws: the plotly.js bundle that reports embed holds exactly these
# (scripts/build_plotly_bundle.py), and the template keeps only their defaults. A figure with
# another type would not draw in a report: add the type here and rebuild the bundle
# (docs/DEVELOPING.md, "plotly bundle"); tests/test_plotly_bundle.py checks every figure.
TRACE_TYPES = ("scatter", "bar", "heatmap")

OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
TOL_MUTED = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499"]
TOL_LIGHT = ["#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#BBCC33", "#AAAA00"]
EXTENDED = TOL_MUTED + TOL_LIGHT

SEQUENTIAL_SHARE = "OrRd"
DIVERGING_POSITION = "PuOr"

# Principal actors keep the same colour in every chart; others get a stable colour from their id.
ACTOR_COLOURS = {
    "ukraine": "#0072B2", "russia": "#D55E00", "usa": "#000000", "eu": "#56B4E9",
    "china": "#CC79A7", "turkey": "#009E73", "uk": "#E69F00", "un": "#999933",
}
SIDE_COLOURS = {"ukraine": "#0072B2", "russia": "#D55E00"}
# Poll answers: accepting a term, rejecting it, undecided (Okabe-Ito; never the parties' colours).
STANCE_COLOURS = {"accept": "#009E73", "reject": "#CC79A7", "unsure": "#999999"}

_FONT = "Helvetica Neue, Arial, sans-serif"
# Charts with a menu above the plot: where the menu sits and the room the header needs.
MENU_PLACE = {"x": 0.0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"}
# A legend right of the plot, top-aligned (its margin: side_legend_margin).
SIDE_LEGEND = {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1.0, "yanchor": "top"}
HEADER_LAYOUT = {"margin": {"t": 120, "r": 40}, "legend": SIDE_LEGEND}
# Right margin (px) that holds a map's colour bar with its title (automargin widened the maps'
# margins to 154-158 px in Chromium).
COLOUR_BAR_MARGIN = 160


def colour_for(kind: str, ident: str) -> str:
    """The fixed colour of an actor (`kind="actor"`) or region (`kind="region"`) id."""
    if kind == "actor" and ident in ACTOR_COLOURS:
        return ACTOR_COLOURS[ident]
    if kind not in {"actor", "region"}:
        raise ValueError(f"kind must be 'actor' or 'region', not {kind!r}")
    return EXTENDED[zlib.crc32(f"{kind}:{ident}".encode()) % len(EXTENDED)]


def register_template() -> None:
    """Register the `kit` template and make it plotly's default (idempotent)."""
    template = go.layout.Template(pio.templates["plotly_white"])
    # plotly_white sets defaults for ~40 trace types and every figure carries them (~10 KB each):
    # keep those of the types the kit draws.
    template.data = {kind: traces for kind, traces in template.data.to_plotly_json().items() if kind in TRACE_TYPES}
    template.layout.update(
        font={"family": _FONT, "size": 13, "color": "#222"},
        title={"font": {"size": 17}, "x": 0.0, "xanchor": "left"},
        colorway=OKABE_ITO,
        margin={"l": 70, "r": 30, "t": 70, "b": 110},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0.0},
        hoverlabel={"font": {"family": _FONT}},
    )
    pio.templates[TEMPLATE_NAME] = template
    pio.templates.default = TEMPLATE_NAME


# Beyond this many sources a caption names the publishers instead of every title.
MAX_TITLES_IN_CAPTION = 4
MAX_PUBLISHERS_IN_CAPTION = 6


def _cited_rows(cited: Iterable[str], sources: pd.DataFrame) -> tuple[list[str], list[dict]]:
    """(cited ids in order without repeats, the `sources` rows of those found, as dicts).

    Looked up through plain lists rather than `set_index`/`loc`: a caption is written on every
    redraw of a live explorer, and the pandas look-ups were most of its cost."""
    cited = [str(s) for s in dict.fromkeys(cited) if pd.notna(s)]  # keep order, drop repeats
    ids = sources["source_id"].tolist()
    position = {source_id: i for i, source_id in reversed(list(enumerate(ids)))}  # the first row of an id
    found = [s for s in cited if s in position]
    picked = sources.iloc[[position[s] for s in found]]
    columns = {name: picked[name].tolist() for name in ("publisher", "title", "url", "published", "accessed")}
    rows = [{"source_id": s, **{name: values[i] for name, values in columns.items()}} for i, s in enumerate(found)]
    return cited, rows


def source_line(cited: Iterable[str], sources: pd.DataFrame) -> str:
    """"Publisher, Title (year); ..." for the cited source ids, looked up in `sources` and
    escaped for plotly text.

    With many sources (e.g. a timeline citing one per event) the line lists the distinct
    publishers and the number of sources instead; the full list is in the sources table.
    Raises ValueError when nothing is cited and KeyError for an id not in `sources`.
    """
    return _line_of(*_cited_rows(cited, sources))


def _line_of(cited: list[str], rows: list[dict]) -> str:
    if not cited:
        raise ValueError("a figure must cite the sources of the rows it draws: no source id given")
    if len(rows) < len(cited):
        found = {row["source_id"] for row in rows}
        unknown = next(s for s in cited if s not in found)
        raise KeyError(f"unknown source_id {unknown!r} (not in the sources table)")
    if len(rows) <= MAX_TITLES_IN_CAPTION:
        text = "; ".join(f"{r['publisher']}, {r['title']} ({r['published'].year})" for r in rows)
    else:
        publishers = list(dict.fromkeys(r["publisher"] for r in rows))
        named = ", ".join(publishers[:MAX_PUBLISHERS_IN_CAPTION])
        extra = len(publishers) - MAX_PUBLISHERS_IN_CAPTION
        more = f" and {extra} more" if extra > 0 else ""
        text = f"{len(rows)} sources from {named}{more} (listed in the sources table)"
    return html.escape(text, quote=False)


def source_records(cited: Iterable[str], sources: pd.DataFrame) -> list[dict]:
    """The rows of `sources` for the cited ids (id, publisher, title, url, published, accessed),
    as plain JSON values: what a report's "cite" link turns into BibTeX."""
    return _records_of(_cited_rows(cited, sources)[1])


def _records_of(rows: list[dict]) -> list[dict]:
    return [{"source_id": row["source_id"], "publisher": str(row["publisher"]), "title": str(row["title"]),
             "url": str(row["url"]), "published": as_timestamp(row["published"]).date().isoformat(),
             "accessed": "" if pd.isna(row["accessed"]) else as_timestamp(row["accessed"]).date().isoformat()}
            for row in rows]


def add_caption(fig: go.Figure, cited: Iterable[str], sources: pd.DataFrame, as_of: AsOf,
                note: str | None = None) -> go.Figure:
    """Write "Source: ... · As of YYYY-MM-DD" (and an optional note) under the chart, and keep the
    cited sources' records in `layout.meta["sources"]` (for a report's "cite" link).

    The one caption rule of the kit: `cited` are the source ids of the rows the figure draws
    (e.g. `rows["source_id"]`), looked up in the sources table `sources` that the caller
    passes in; figures never load data themselves.
    """
    cited, rows = _cited_rows(cited, sources)  # looked up once for the line and the records
    text = f"Source: {_line_of(cited, rows)} · As of {as_timestamp(as_of).date().isoformat()}"
    if note:
        text = f"{html.escape(note, quote=False)}<br>{text}"
    wrapped = "<br>".join(wrap_text(text, 150))
    fig.add_annotation(text=wrapped, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                       yshift=-60, showarrow=False, align="left", font={"size": 10, "color": "#555"})
    bottom = max(fig.layout.margin.b or 0, caption_margin(wrapped))
    meta = dict(fig.layout.meta) if isinstance(fig.layout.meta, dict) else {}
    fig.update_layout(margin={"b": bottom}, meta={**meta, "sources": _records_of(rows)})
    return fig


def recaption(fig: go.Figure, cited: Iterable[str], sources: pd.DataFrame, as_of: AsOf,
              note: str | None = None) -> go.Figure:
    """Replace the caption of a figure refilled in place for other rows (a live explorer's redraw):
    the old caption (the last annotation: `add_caption` adds it last) goes, and the bottom margin
    is the new caption's, as in a figure built afresh (`add_caption` alone only ever widens it)."""
    fig.layout.annotations = fig.layout.annotations[:-1]
    fig.layout.margin.b = None
    return add_caption(fig, cited, sources, as_of, note=note)


def fit_height(fig: go.Figure, plot_height: int) -> go.Figure:
    """Make the figure tall enough for a plot area of `plot_height` px plus its title and caption."""
    margin = fig.layout.margin
    return fig.update_layout(height=plot_height + (margin.t or 70) + (margin.b or 0))


def caption_margin(wrapped: str) -> int:
    """Bottom margin (px) that leaves room for a caption of `wrapped` text (lines split by <br>)."""
    return 90 + 14 * wrapped.count("<br>")


# Width of a character of axis text in em (DejaVu Sans, the widest of the template's fallbacks met
# here, averages 0.525 over the kit's labels; Arial is narrower).
_CHARACTER_EM = 0.53
_TICK_FONT_PX = 13
# Beside the labels: their padding, and the rotated axis title with its standoff (short labels
# are relatively wider: 10 characters take 73 px).
_AXIS_TITLE_PX = 45
# Beside a side legend's text: its symbol, padding and the gap from the plot (x = 1.02).
_LEGEND_SYMBOL_PX = 66


def label_margin(labels: Iterable[str]) -> int:
    """Left margin (px) for horizontal y tick `labels` and a y-axis title.

    plotly.js widens a margin too narrow for the labels (automargin) only after drawing the chart
    once, then draws it again: a margin wide enough from the start halves the drawing time of a
    live explorer's redraw. The estimate errs wide; automargin still corrects a narrower guess."""
    widest = max((len(str(label)) for label in labels), default=0)
    return round(widest * _CHARACTER_EM * _TICK_FONT_PX) + _AXIS_TITLE_PX


def side_legend_margin(fig: go.Figure) -> int:
    """Right margin (px) for a `SIDE_LEGEND` listing `fig`'s shown trace names (see `label_margin`:
    the same estimate, the same reason)."""
    names = [html.unescape(re.sub(r"<[^>]+>", "", trace.name)) for trace in fig.data
             if trace.name and trace.showlegend is not False and trace.visible is not False]
    widest = max((len(name) for name in names), default=0)
    return round(widest * _CHARACTER_EM * _TICK_FONT_PX) + _LEGEND_SYMBOL_PX


def wrap_text(text: str, width: int) -> list[str]:
    """`text` broken into lines of at most `width` characters at spaces (existing <br> kept)."""
    lines: list[str] = []
    for paragraph in text.split("<br>"):
        line = ""
        for word in paragraph.split(" "):
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def not_yet_figure(title: str, message: str, as_of: AsOf, height: int = 260) -> go.Figure:
    """The chart for a date at which it has nothing to show: `title` states that, `message` says
    what did not exist yet (and when it first did, from the data), over a blank plot area.

    It draws no rows, so it cites none; its note gives the as-of date the caption would give.
    """
    fig = go.Figure(layout={"title": {"text": title}, "height": height, "xaxis": {"visible": False},
                            "yaxis": {"visible": False}, "margin": {"b": 40}})
    fig.add_annotation(text="<br>".join(wrap_text(html.escape(message, quote=False), 90)), xref="paper",
                       yref="paper", x=0.5, y=0.55, showarrow=False, font={"size": 14, "color": "#333"})
    fig.add_annotation(text=f"Nothing to draw as of {as_timestamp(as_of).date().isoformat()}", xref="paper",
                       yref="paper", x=0, y=0, xanchor="left", yanchor="top", yshift=-10, showarrow=False,
                       font={"size": 10, "color": "#555"})
    return fig


def day_text(day) -> str:
    """A date as a reader writes it in a sentence: "29 March 2022" ("no date" when missing)."""
    return "no date" if pd.isna(day) else f"{as_timestamp(day):%-d %B %Y}"
