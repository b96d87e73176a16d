"""Figures and tables describing the data package itself."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from ..conventions import AsOf
from .theme import add_caption


def coverage_chart(summary: pd.DataFrame, as_of: AsOf, *, sources: pd.DataFrame) -> go.Figure:
    """Horizontal bars from each dataset's first to last date, titled with the span and the least
    current dataset (citing every source: each bar summarises all the rows of a dataset)."""
    dated = summary.dropna(subset=["first_date", "last_date"]).sort_values("first_date", ascending=False)
    fig = go.Figure(go.Bar(
        y=dated["dataset"], x=(dated["last_date"] - dated["first_date"]).dt.days * 86_400_000,
        base=dated["first_date"], orientation="h", marker_color="#0072B2",
        customdata=dated[["rows", "sources"]].to_numpy(),
        hovertemplate="%{y}: %{base|%Y-%m-%d} to %{x|%Y-%m-%d}<br>%{customdata[0]} rows, "
                      "%{customdata[1]} sources<extra></extra>",
    ))
    current = summary.dropna(subset=["as_of"]).sort_values("as_of")
    title = (f"{len(summary)} datasets, observations from {dated['first_date'].min():%b %Y} to "
             f"{dated['last_date'].max():%d %b %Y}; least current: {current['dataset'].iloc[0]} "
             f"(as of {current['as_of'].iloc[0]:%d %b %Y})" if len(current) and len(dated)
             else "Time span covered by each dataset")
    fig.update_layout(title=title, xaxis_title="Date (first to last observation)",
                      yaxis_title="Dataset", xaxis_type="date", height=460)
    return add_caption(fig, sources["source_id"], sources, as_of,
                       note="Computed from the kit's data package (data/datapackage.json).")


def sources_table_html(sources: pd.DataFrame) -> str:
    """The sources table as HTML, every text escaped, each title linked to its URL; a title not
    read on the page (`title_read` false) is marked as the kit's description."""
    rows = []
    for source in sources.sort_values(["publisher", "published"]).itertuples(index=False):
        url = html.escape(str(source.url), quote=True)
        described = "" if getattr(source, "title_read", True) else " <em>(description: headline not read)</em>"
        rows.append(
            f"<tr><td>{html.escape(str(source.source_id))}</td><td>{html.escape(str(source.publisher))}</td>"
            f'<td><a href="{url}" rel="noopener noreferrer">{html.escape(str(source.title))}</a>{described}</td>'
            f"<td>{source.published:%Y-%m-%d}</td></tr>")
    return ("<table><thead><tr><th>id</th><th>Publisher</th><th>Title</th><th>Published</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
