"""One look for every chart: the `kit` template, fixed colours per actor and region, captions.

Palettes are colour-blind safe: Okabe & Ito's eight colours for the principal actors, Paul
Tol's "muted" and "light" schemes for the rest, Plotly's OrRd for shares of territory and PuOr
for positions on a 0-100 scale.
"""

from __future__ import annotations

import html
import zlib
from collections.abc import Iterable
from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from ..data import load

TEMPLATE_NAME = "kit"

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

_FONT = "Helvetica Neue, Arial, sans-serif"


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


def _as_date_text(as_of: object) -> str:
    if isinstance(as_of, (pd.Timestamp, datetime)):
        return as_of.date().isoformat()
    if isinstance(as_of, date):
        return as_of.isoformat()
    return pd.Timestamp(str(as_of)).date().isoformat()


# Beyond this many sources a caption names the publishers instead of every title.
MAX_TITLES_IN_CAPTION = 4
MAX_PUBLISHERS_IN_CAPTION = 8


def source_line(source_ids: Iterable[str]) -> str:
    """"Publisher, Title (year); ..." for the given source ids, escaped for plotly text.

    With many sources (e.g. a timeline citing one per event) the line lists the distinct
    publishers and the number of sources instead; the full list is in the sources table.
    """
    source_ids = list(dict.fromkeys(source_ids))  # keep order, drop repeats
    if not source_ids:
        return "analysis kit data package"
    sources = load("sources").set_index("source_id")
    unknown = [s for s in source_ids if s not in sources.index]
    if unknown:
        raise KeyError(f"unknown source_id {unknown[0]!r} (not in the sources table)")
    rows = sources.loc[source_ids]
    if len(rows) <= MAX_TITLES_IN_CAPTION:
        text = "; ".join(f"{r.publisher}, {r.title} ({r.published.year})" for r in rows.itertuples())
    else:
        publishers = list(dict.fromkeys(rows["publisher"]))
        named = ", ".join(publishers[:MAX_PUBLISHERS_IN_CAPTION])
        more = f" and {len(publishers) - MAX_PUBLISHERS_IN_CAPTION} more" if len(publishers) > MAX_PUBLISHERS_IN_CAPTION else ""
        text = f"{len(rows)} sources from {named}{more} (listed in the sources table)"
    return html.escape(text, quote=False)


def add_caption(fig: go.Figure, source_ids: Iterable[str], as_of: object, note: str | None = None) -> go.Figure:
    """Write "Source: ... · As of YYYY-MM-DD" (and an optional note) under the chart."""
    text = f"Source: {source_line(source_ids)} · As of {_as_date_text(as_of)}"
    if note:
        text = f"{html.escape(note, quote=False)}<br>{text}"
    wrapped = "<br>".join(_wrap(text, 150))
    fig.add_annotation(text=wrapped, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                       yshift=-60, showarrow=False, align="left", font={"size": 10, "color": "#555"})
    bottom = max(fig.layout.margin.b or 0, 90 + 14 * wrapped.count("<br>"))
    fig.update_layout(margin={"b": bottom})
    return fig


def _wrap(text: str, width: int) -> list[str]:
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
