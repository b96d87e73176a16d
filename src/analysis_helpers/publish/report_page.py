"""What a report page shows around the notebook, and the landing page `reports/index.html`.

* `ReportPagePreprocessor` (registered in the `kit_offline` template's `conf.json`, so a plain
  `jupyter nbconvert --to html` gets it too) gives the template each dataset's as-of date and
  age in days, the kit's citation (BibTeX, from `CITATION.cff`) and whether code starts shown.
* `report_summary` reads an executed notebook for the landing page: the question it answers
  (its first heading), its headline finding (the title of its first chart, which by the kit's
  rule states the finding) and a thumbnail of that chart, drawn as inline SVG at build time.
* `index_page` writes the landing page.

Dates and ages are relative to `build_time()`, which honours SOURCE_DATE_EPOCH so that a
rebuild of the same commit gives the same bytes.
"""

from __future__ import annotations

import base64
import html
import json
import math
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from ..paths import project_root

CITATION_FILE = project_root() / "CITATION.cff"
PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"


def build_time() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)


def data_freshness(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Every dataset's as-of date and age in days at `build_time()` (oldest first, undated last)."""
    from ..analysis.catalogue import dataset_freshness
    from ..data import package

    pkg = package(data_dir)
    tables = {name: pkg.load_valid(name) for name in pkg.names()}
    return dataset_freshness(tables, build_time().date())


@dataclass(frozen=True)
class Freshness:
    """What a page says about the data: each dataset's as-of date and age, and the newest date
    (or why there is none: a data package that does not validate still gets its reports' pages)."""

    table: pd.DataFrame
    newest: str


def current_freshness(data_dir: Path | str | None = None) -> Freshness:
    """`data_freshness` and the latest as-of date; an invalid package gives an empty table and a
    pointer to `validate` instead of an exception."""
    from ..data import DataValidationError, latest_as_of

    try:
        return Freshness(data_freshness(data_dir), _date_text(latest_as_of(data_dir)))
    except DataValidationError as exc:
        return Freshness(pd.DataFrame(columns=["dataset", "as_of", "age_days"]),
                         f"unknown: the data package has {len(exc.problems)} problems "
                         "(python -m analysis_helpers validate)")


def freshness_rows(freshness: pd.DataFrame) -> list[dict]:
    """`data_freshness` as plain rows for a template: dataset, as_of (YYYY-MM-DD or "—"),
    age_days (a number, or "—" for a dataset without dates)."""
    return [{"dataset": row["dataset"], "as_of": "—" if pd.isna(row["as_of"]) else f"{row['as_of']:%Y-%m-%d}",
             "age_days": "—" if pd.isna(row["age_days"]) else int(row["age_days"])}
            for row in freshness.to_dict("records")]


def _date_text(day: pd.Timestamp) -> str:
    return "unknown (no dated rows)" if pd.isna(day) else f"{day:%Y-%m-%d}"


def kit_citation_bibtex(citation_file: Path = CITATION_FILE) -> str:
    """A BibTeX entry for the kit, from its `CITATION.cff` (empty if the file is missing)."""
    import yaml

    if not citation_file.exists():
        return ""
    cff = yaml.safe_load(citation_file.read_text(encoding="utf-8"))
    authors = " and ".join(
        "{" + author["name"] + "}" if "name" in author
        else f"{author.get('family-names', '')}, {author.get('given-names', '')}".strip(", ")
        for author in cff.get("authors", []))
    released = str(cff.get("date-released", ""))
    fields = {
        "title": "{" + cff.get("title", "") + "}",
        "author": authors,
        "year": released[:4],
        "version": str(cff.get("version", "")),
        "url": cff.get("url") or cff.get("repository-code") or "",
        "note": f"Software, released {released}; cite also the original sources of the figures used" if released
        else "",
    }
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields.items() if value)
    return f"@misc{{analysis_kit_{released[:4] or 'nd'},\n{body}\n}}\n"


def as_of_in_force(parameters: dict, newest: str) -> str:
    """What a page says about the date its results describe: the `as_of` parameter when one was
    given (the notebooks then read only the rows known on that day), else the latest data."""
    as_of = parameters.get("as_of")
    if as_of in (None, ""):
        return f"Results as of the latest data ({newest}): no as_of parameter was set."
    return (f"Results as of {as_of} (parameter as_of): only what was known on that day is used; "
            "later rows are left out.")


class ReportPagePreprocessor(Preprocessor):
    """Adds `resources["kit"]` for the `kit_offline` template: freshness, citation, code toggle.

    `--ReportPagePreprocessor.show_code=True` (or `report --code show`) keeps code visible;
    readers can always toggle it on the page.
    """

    show_code = Bool(False, help="Show code cells when the report opens (readers can toggle them).").tag(config=True)

    def preprocess(self, nb, resources):
        """Put `resources["kit"]` in place; the notebook passes through unchanged."""
        freshness = current_freshness()
        rows = freshness_rows(freshness.table)
        dated = [row for row in rows if row["as_of"] != "—"]
        resources["kit"] = {
            "show_code": self.show_code,
            "built": f"{build_time():%Y-%m-%d}",
            "freshness": rows,
            "newest": freshness.newest,
            "as_of": as_of_in_force(nb.metadata.get("papermill", {}).get("parameters", {}), freshness.newest),
            "oldest": dated[0] if dated else None,
            "citation_json": json.dumps({"bibtex": kit_citation_bibtex()}).replace("<", "\\u003c"),
        }
        return nb, resources


# ---------------------------------------------------------------------------------------------
# The landing page


def report_summary(notebook) -> dict:
    """Title (first heading), headline finding (first chart's title) and thumbnail of an executed
    notebook, for the landing page."""
    title = ""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if match:
                title = match.group(1).strip()
                break
    figure = _first_figure(notebook)
    headline = _plain_text((figure or {}).get("layout", {}).get("title", {}).get("text", "")) if figure else ""
    return {"title": title, "headline": headline, "thumbnail": thumbnail_svg(figure) if figure else ""}


def _first_figure(notebook) -> dict | None:
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            figure = output.get("data", {}).get(PLOTLY_MIMETYPE)
            if figure:
                return figure
    return None


def _plain_text(markup: str) -> str:
    """Plotly title markup as plain text (line breaks as spaces, tags dropped, entities read)."""
    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", " ", markup))).strip()


THUMB_W, THUMB_H, THUMB_PAD = 240, 135, 8
_THUMB_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


def thumbnail_svg(figure: dict) -> str:
    """A small SVG preview of a plotly figure's first panel, drawn from its data (no browser).

    Lines, markers and bars of the traces on the first x/y axes are drawn to scale; a heatmap
    as its grid; a map as its points. Anything else draws an empty frame.
    """
    marks: list[str] = []
    traces = [t for t in figure.get("data", []) if t.get("visible", True) is True]
    first_panel = [t for t in traces if t.get("xaxis", "x") == "x" and t.get("yaxis", "y") == "y"]
    heatmaps = [t for t in first_panel if t.get("type") == "heatmap"]
    geo = [t for t in traces if "lon" in t and "lat" in t]
    if heatmaps:
        marks = _heatmap_marks(heatmaps[0])
    elif any(t.get("type", "scatter") in {"scatter", "scattergl", "bar"} for t in first_panel):
        marks = _xy_marks([t for t in first_panel if t.get("type", "scatter") in {"scatter", "scattergl", "bar"}])
    elif geo:
        marks = _xy_marks([{**t, "type": "scatter", "mode": "markers", "x": t["lon"], "y": t["lat"]} for t in geo])
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {THUMB_W} {THUMB_H}" width="{THUMB_W}" '
            f'height="{THUMB_H}" role="img" aria-label="preview of the first chart">'
            f'<rect width="{THUMB_W}" height="{THUMB_H}" fill="#fff" stroke="#ccc"/>{"".join(marks)}</svg>')


def _numbers(values) -> tuple[list[float | None], str]:
    """A plotly data array as numbers: dates as days, categories as positions; and which it was."""
    if isinstance(values, dict) and "bdata" in values:  # plotly's typed-array encoding
        values = np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).tolist()
    values = list(values or []) if isinstance(values, (list, tuple)) else []
    if not values:
        return [], "number"
    if all(isinstance(v, (int, float)) or v is None for v in values):
        return [float(v) if _finite(v) else None for v in values], "number"
    dates = pd.to_datetime(pd.Series(values, dtype="object"), errors="coerce", format="mixed")
    if dates.notna().mean() > 0.8:
        return [None if pd.isna(d) else d.value / 86_400e9 for d in dates], "date"
    positions = {v: i for i, v in enumerate(dict.fromkeys(map(str, values)))}
    return [float(positions[str(v)]) for v in values], "category"


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _pixels(values: list[float], low: float, high: float, reverse: bool = False):
    """A linear map from the range of `values` onto `low`..`high` pixels."""
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    return lambda v: round((high - (v - lo) / (hi - lo) * (high - low)) if reverse
                           else (low + (v - lo) / (hi - lo) * (high - low)), 1)


def _colour(trace: dict, index: int) -> str:
    for holder in ("line", "marker"):
        colour = trace.get(holder, {}).get("color")
        if isinstance(colour, str) and re.fullmatch(r"#[0-9A-Fa-f]{3,8}|rgba?\([0-9., ]+\)", colour):
            return colour
    return _THUMB_COLOURS[index % len(_THUMB_COLOURS)]


def _xy_marks(traces: list[dict]) -> list[str]:
    """Bars (vertical or horizontal), lines and markers, on one shared pair of scales."""
    horizontal = any(t.get("type") == "bar" and t.get("orientation") == "h" for t in traces)
    series = []
    for trace in traces:
        (xs, x_kind), (ys, y_kind) = _numbers(trace.get("x")), _numbers(trace.get("y"))
        position, value, value_kind = (ys, xs, x_kind) if horizontal else (xs, ys, y_kind)
        if not value:
            continue
        position = position or [float(i) for i in range(len(value))]
        start: list[float | None] = [0.0] * len(value)
        if trace.get("type") == "bar" and isinstance(trace.get("base"), (list, dict)):
            start, base_kind = _numbers(trace["base"])
            if base_kind == "date" and value_kind == "number":  # durations in ms on a date axis
                value = [None if v is None else v / 86_400_000 for v in value]
        end = value
        if trace.get("type") == "bar":  # a bar ends at its base plus its length
            end = [None if v is None or s is None else s + v for s, v in zip(start, value, strict=False)]
        series.append((trace, position, start, end))
    if not series:
        return []
    positions = [p for _, ps, _, _ in series for p in ps if p is not None]
    if positions and any(t.get("type") == "bar" for t, *_ in series):  # half a slot beyond the outer bars
        slot = (max(positions) - min(positions)) / max(len(set(positions)) - 1, 1)
        positions += [min(positions) - slot / 2, max(positions) + slot / 2]
    values = [v for t, _, ss, es in series for v in [*es, *(ss if t.get("type") == "bar" else [])] if v is not None]
    if horizontal:
        to_x = _pixels(values, THUMB_PAD, THUMB_W - THUMB_PAD)
        to_y = _pixels(positions, THUMB_PAD, THUMB_H - THUMB_PAD)
        along = (THUMB_H - 2 * THUMB_PAD) / max(len(set(positions)), 1) * 0.7
    else:
        to_x = _pixels(positions, THUMB_PAD, THUMB_W - THUMB_PAD)
        to_y = _pixels(values, THUMB_PAD, THUMB_H - THUMB_PAD, reverse=True)
        along = (THUMB_W - 2 * THUMB_PAD) / max(len(set(positions)), 1) * 0.7
    marks = []
    for index, (trace, position, start, end) in enumerate(series):
        colour = _colour(trace, index)
        rows = [(p, s, e) for p, s, e in zip(position, start, end, strict=False)
                if p is not None and e is not None and s is not None]
        if trace.get("type") == "bar":
            for p, s, e in rows:
                if horizontal:
                    left, right = sorted((to_x(s), to_x(e)))
                    box = (left, round(to_y(p) - along / 2, 1), max(right - left, 0.5), along)
                else:
                    top, bottom = sorted((to_y(s), to_y(e)))
                    box = (round(to_x(p) - along / 2, 1), top, along, max(bottom - top, 0.5))
                marks.append(f'<rect x="{box[0]}" y="{box[1]}" width="{round(box[2], 1)}" height="{round(box[3], 1)}" '
                             f'fill="{colour}"/>')
        elif "lines" in trace.get("mode", "lines") and len(rows) > 1:
            path = " ".join(f"{to_x(p)},{to_y(e)}" for p, _, e in rows)
            marks.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
        else:
            radius = 3.5 if len(rows) < 30 else 1.8  # a few markers must still be seen
            marks += [f'<circle cx="{to_x(p)}" cy="{to_y(e)}" r="{radius}" fill="{colour}"/>' for p, _, e in rows]
    return marks


def _heatmap_marks(trace: dict) -> list[str]:
    z = trace.get("z") or []
    if isinstance(z, dict) and "bdata" in z:  # plotly's typed-array encoding, with its shape
        flat = np.frombuffer(base64.b64decode(z["bdata"]), dtype=np.dtype(z["dtype"]))
        z = flat.reshape([int(n) for n in str(z.get("shape", len(flat))).split(",")]).tolist()
    rows = [list(row) for row in z if isinstance(row, list)]
    if not rows:
        return []
    values = [v for row in rows for v in row if _finite(v)]
    if not values:
        return []
    lo, hi = min(values), max(values)
    cell_w = (THUMB_W - 2 * THUMB_PAD) / max(len(r) for r in rows)
    cell_h = (THUMB_H - 2 * THUMB_PAD) / len(rows)
    marks = []
    for r, row in enumerate(reversed(rows)):  # plotly draws the first row of z at the bottom
        for c, value in enumerate(row):
            if not _finite(value):
                continue
            share = 0.5 if hi == lo else (value - lo) / (hi - lo)
            # PuOr-like: purple (0) through white to orange (1), the kit's diverging scale.
            red, green, blue = ((int(84 + share * 2 * 171), int(39 + share * 2 * 216), int(136 + share * 2 * 119))
                                if share < 0.5 else
                                (int(255 - (share - 0.5) * 2 * 76), int(255 - (share - 0.5) * 2 * 166),
                                 int(255 - (share - 0.5) * 2 * 247)))
            marks.append(f'<rect x="{round(THUMB_PAD + c * cell_w, 1)}" y="{round(THUMB_PAD + r * cell_h, 1)}" '
                         f'width="{round(cell_w, 1)}" height="{round(cell_h, 1)}" fill="rgb({red},{green},{blue})"/>')
    return marks


def index_page(entries: dict[str, dict], freshness: Freshness, parameters: dict, commit: str) -> str:
    """The landing page: each report with what it answers, its headline and a thumbnail; the
    scenario reports; every dataset's as-of date and age; how and when the reports were built.

    `entries` maps a report's path (relative to the report folder) to its manifest entry
    (`report_summary` fields, plus `scenario` and `scenario_title` for per-scenario reports).
    """
    esc = html.escape
    main_cards, scenario_items = [], []
    for path, entry in sorted(entries.items()):
        link = f'<a href="{esc(path)}">{esc(path.removesuffix(".html"))}</a>'
        if entry.get("scenario"):  # same charts as the scenarios report, in another order: the title says it
            scenario_items.append(f"<li>{link}: <strong>{esc(entry.get('scenario_title') or entry['scenario'])}"
                                  f"</strong></li>")
            continue
        headline = (f'<p class="headline">{esc(entry["headline"])}</p>' if entry.get("headline")
                    else '<p class="headline">(no chart)</p>')
        main_cards.append(
            f'<article class="report"><a href="{esc(path)}" class="thumb" aria-hidden="true" tabindex="-1">'
            f'{entry.get("thumbnail", "")}</a><div><h2>{link}</h2>'
            f'<p class="answers">{esc(entry.get("title", ""))}</p>{headline}'
            f'<p class="facts">{_charts(entry.get("figures", 0))}</p></div></article>')
    scenarios = (f'<h2 id="scenarios">Scenario reports</h2><p>The scenarios notebook, rendered once per '
                 f'scenario file with that scenario first.</p><ul>{"".join(scenario_items)}</ul>'
                 if scenario_items else "")
    fresh_rows = "".join(
        f'<tr><td>{esc(row["dataset"])}</td><td>{row["as_of"]}</td><td class="num">{row["age_days"]}</td></tr>'
        for row in freshness_rows(freshness.table))
    as_of_text = esc(freshness.newest)
    params = ", ".join(f"{k}={v}" for k, v in sorted(parameters.items())) or "notebook defaults"
    built = build_time()
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Analysis kit reports</title>
<style>
body{{font-family:Helvetica,Arial,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.45;color:#222}}
article.report{{display:flex;gap:1em;align-items:flex-start;border-top:1px solid #ddd;padding:1em 0}}
article.report h2{{margin:0;font-size:1.15em}} .answers{{margin:.3em 0;color:#444}}
.headline{{margin:.3em 0;font-weight:600}} .facts{{margin:.3em 0;color:#666;font-size:.9em}}
.thumb svg{{display:block}} table{{border-collapse:collapse}} td,th{{padding:.15em .8em;text-align:left}}
td.num,th.num{{text-align:right}} tr:nth-child(even){{background:#f6f6f6}}
@media print{{body{{max-width:none;margin:0}} article.report{{break-inside:avoid}} a{{color:inherit}}}}
</style>
</head><body>
<h1>Russia-Ukraine war and peace talks: analysis kit reports</h1>
<p>Each report is a notebook of the kit, executed on the data below and exported as a page that
works offline. Every chart cites its sources; its "data" and "cite" links give the plotted
values and a citation.</p>
<p class="as-of"><strong>{esc(as_of_in_force(parameters, freshness.newest))}</strong></p>
{"".join(main_cards)}
{scenarios}
<h2 id="freshness">How current the data is</h2>
<p>Each dataset's latest observation, and its age in days on the build date ({built:%Y-%m-%d}).</p>
<table><thead><tr><th>dataset</th><th>as of</th><th class="num">age (days)</th></tr></thead>
<tbody>{fresh_rows}</tbody></table>
<p>Data as of: {as_of_text}<br>
Parameters: {esc(params)}<br>
Git commit: {esc(commit)}<br>
Built: {built:%Y-%m-%d %H:%M UTC}</p>
</body></html>
"""


def _charts(count: int) -> str:
    return f"{count} chart{'' if count == 1 else 's'}"
