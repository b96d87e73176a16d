"""Notebook set-up (`setup_notebook()`, first cell of every notebook) and the one way a
notebook shows a table (`formatted_table`)."""

from __future__ import annotations

import base64
import html
import itertools
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import plotly.io as pio
from IPython import get_ipython
from IPython.display import HTML, display
from pandas.io.formats.style import Styler

from ..figures.theme import register_template
from .renderer import RENDERER_NAME, OfflineRenderer, plotly_init_html


def setup_notebook() -> None:
    """Call first in every notebook: offline renderer, deterministic ids, the kit's theme.

    The renderer is then `analysis_helpers.publish.renderer.current_renderer()`.
    """
    _without_iri_format_parsers()
    register_template()
    renderer = OfflineRenderer()
    pio.renderers[RENDERER_NAME] = renderer
    pio.renderers.default = RENDERER_NAME
    # Styled tables show text from data as text (a title with markup must not become markup).
    pd.set_option("styler.format.escape", "html")
    _number_styled_tables()
    if get_ipython() is not None:  # outside a kernel (a script, a benchmark) display() would print a repr
        display(HTML(plotly_init_html()))


def _without_iri_format_parsers() -> None:
    """Keep jsonschema from building rfc3987_syntax's IRI parsers in this process.

    plotly's renderers import nbformat, which imports jsonschema, whose format module builds ~38
    lark parsers of rfc3987_syntax (installed with Jupyter) when it is imported: about 60 % of a
    kernel's set-up (~1.7 s of CPU), for the "iri" and "iri-reference" format checks that nothing
    in a notebook's kernel uses. With the module marked absent jsonschema leaves those two formats
    unchecked (a format it cannot check passes, as JSON Schema says); the kit's own schemas check
    only "date" and "regex". Nothing changes once jsonschema is already imported.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def _number_styled_tables() -> None:
    """Give each displayed pandas Styler a sequential id instead of its random one, so that the
    same notebook gives the same HTML."""
    shell = get_ipython()
    if shell is None:
        return
    table_numbers = itertools.count(1)
    formatter = shell.display_formatter.formatters["text/html"]
    formatter.for_type(Styler, lambda styler: styler.set_uuid(f"kit-table-{next(table_numbers)}").to_html())


def csv_download_link(table: pd.DataFrame, filename: str, label: str) -> str:
    """An HTML link that downloads `table` as CSV; the data travel inside the link, so it works in
    an exported offline report as well as in the live notebook."""
    payload = base64.b64encode(table.to_csv(index=False).encode()).decode()
    return (f"<a download='{html.escape(filename)}' href='data:text/csv;base64,{payload}'>"
            f"{html.escape(label)}</a>")


#: Column-name endings that carry a unit, and how a table header writes it.
_UNIT_SUFFIXES = (
    ("_pct_points", "pp"), ("_pct", "%"), ("_share", "%"), ("_km2", "km²"), ("_usd_bn", "USD bn"),
    ("_eur_bn", "EUR bn"), ("_bn", "bn"), ("_days", "days"), ("_months", "months"), ("_years", "years"),
)
#: Abbreviations a header writes in capitals (or with their symbol).
_WORDS = {"usd": "USD", "eur": "EUR", "gbp": "GBP", "fx": "FX", "gdp": "GDP", "km2": "km²", "pct": "%", "eu": "EU",
          "us": "US", "un": "UN", "rdna": "RDNA", "mae": "MAE"}
EMPTY_CELL = "—"
_PLAIN_INTEGER_NAMES = re.compile(r"(^|_)(year|id|path|rank|number)$")  # no thousands separator


def formatted_table(frame: pd.DataFrame, formats: Mapping[Any, str | Callable] | None = None,
                    labels: Mapping[Any, str] | None = None, empty: str | None = None) -> Styler:
    """`frame` styled for reading, as every notebook shows its tables.

    * a meaningful index (not 0..n) becomes the first column; the row numbers are not shown;
    * headers are written out with their unit from the column name (`occupied_km2` ->
      "Occupied (km²)", `_pct` -> "(%)"); `labels` overrides a header;
    * numbers get thousands separators and as many decimals as their size needs; columns of
      whole numbers (ids, counts, a float column holding integers and gaps) show no decimals,
      years and ids no separators; `_share` columns (0-1) are shown in percent;
    * dates read as dates (15 May 2025), missing values as "—", text is left-aligned and
      HTML-escaped. `formats` sets a column's format string or function instead;
    * `empty`: the caption of a table with no row (why there is nothing at this date, and when
      there first was), so that it is an explained empty state, not a bare header.
    """
    formats = dict(formats or {})
    labels = dict(labels or {})
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    shown = frame.copy()
    shown.columns = _map_labels(frame.columns, lambda name: labels.get(name) or _header(name))
    formatters: dict[Any, Any] = {}
    styles: list[Any] = []
    for position, name in enumerate(frame.columns):
        key = name[0] if isinstance(name, tuple) else name
        column = frame.iloc[:, position]
        formatters[shown.columns[position]] = formats.get(key) or _formatter(str(key), column)
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        styles.append({"selector": f".col{position}", "props": f"text-align: {'right' if numeric else 'left'}"})
        if pd.api.types.is_datetime64_any_dtype(column):
            styles.append({"selector": f"td.col{position}", "props": "white-space: nowrap"})
    styler = shown.style.format(formatters, na_rep=EMPTY_CELL, escape="html").hide(axis="index")
    if frame.empty and empty:
        styler = styler.set_caption(html.escape(empty, quote=False))
    return styler.set_table_styles(styles, overwrite=False)


def _map_labels(columns: pd.Index, rename: Callable[[object], str]) -> pd.Index:
    if isinstance(columns, pd.MultiIndex):
        return pd.MultiIndex.from_tuples([tuple(rename(part) for part in label) for label in columns])
    return pd.Index([rename(label) for label in columns])


def _header(name: object) -> str:
    text = str(name)
    if text == "share":
        return "Share (%)"
    for bound in ("_low", "_high"):  # occupied_km2_low -> "Occupied, low (km²)"
        if text.endswith(bound) and text != bound[1:]:
            inner = _header(text[: -len(bound)])
            words, _, unit = inner.partition(" (")
            return f"{words}, {bound[1:]}" + (f" ({unit}" if unit else "")
    unit = ""
    for suffix, written in _UNIT_SUFFIXES:
        if text.endswith(suffix) and text != suffix.lstrip("_"):
            # "primary_share" keeps its noun ("Primary share (%)"); "area_km2" is "Area (km²)".
            text, unit = (text if suffix == "_share" else text[: -len(suffix)]), f" ({written})"
            break
    words = " ".join(_WORDS.get(word, word) for word in text.split("_") if word)
    return f"{words[:1].upper()}{words[1:]}{unit}" if words else str(name)


def _is_share(name: str) -> bool:
    """A 0-1 share by the kit's naming (`share`, `*_share`): shown in percent."""
    return name == "share" or name.endswith("_share")


def _day_text(value: Any) -> str:
    return f"{value.day} {value:%b %Y}"  # 15 May 2025, without a leading zero


def _formatter(name: str, column: pd.Series) -> Callable[[Any], str] | None:
    if pd.api.types.is_datetime64_any_dtype(column):
        return _day_text
    values = column.dropna()
    if pd.api.types.is_bool_dtype(column) or (len(values) and values.map(type).eq(bool).all()):
        return lambda value: "yes" if value else "no"  # also a bool column with gaps (object dtype)
    if not pd.api.types.is_numeric_dtype(column):
        return None
    if _is_share(name):
        return lambda value: f"{100 * value:.1f}"
    whole = values.empty or bool((values == values.round()).all())
    if whole:
        plain = bool(_PLAIN_INTEGER_NAMES.search(name.lower()))
        return (lambda value: f"{value:.0f}") if plain else (lambda value: f"{value:,.0f}")
    largest = float(values.abs().max())
    decimals = 0 if largest >= 100 else 1 if largest >= 10 else 2  # about three significant digits
    return lambda value: f"{value:,.{decimals}f}"
