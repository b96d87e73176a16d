"""Live explorers in JupyterLab: input-to-redraw time and bytes per update, against a floor.

Starts JupyterLab on a free local port (a copy of the notebooks, outside requests aborted), opens
each notebook in headless Chromium, runs it, then moves every control of its explorer `--repeat`
times. For each move it times, in the page's own clock, the input event (key, change or click)
to the first newly drawn plotly SVG in the explorer, and counts the bytes the kernel sent over
the websocket until then. The floor is measured in the same run: a bare Output that redraws an
empty plotly figure on a slider, driven the same way.

Targets (issue 26): median <= 120 ms and worst <= 250 ms in every notebook (on a machine where the
floor itself is slower than 20 / 150 ms, the floor + 100 ms), and <= 100 KB per update for the
territory map.

With `--breakdown` it also splits each update at the websocket frame that carried it (the largest
one before the redraw): input to that frame (kernel, server and wire) and that frame to the drawn
chart (the front end: widget state, output area, plotly), each notebook's median of each.

    python benchmarks/live_explorers.py [--repeat 3] [--notebooks 01_territory 04_scenarios] [--breakdown]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

import nbformat
from explorer_updates import NOTEBOOKS  # the notebooks with an explorer, listed once

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests"))  # the Lab and page drivers the browser test uses

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from browser import launch  # noqa: E402
from lab import LabServer, close_notebook, open_notebook, run_all  # noqa: E402
from live_page import mark_explorers, move_control  # noqa: E402

TARGET_MEDIAN_MS, TARGET_WORST_MS, FLOOR_MARGIN_MS = 120, 250, 100
MAP_TARGET_BYTES = 100_000
REDRAW_TIMEOUT_MS = 30_000
MAP_NOTEBOOK = "01_territory.ipynb"
FLOOR_NOTEBOOK = "00_floor_empty_figure.ipynb"
FLOOR_CELLS = [
    "from analysis_helpers import setup_notebook; setup_notebook()",
    "import ipywidgets as widgets\nimport plotly.graph_objects as go\n"
    "from analysis_helpers.widgets import Redraw, render_into\n"
    "slider = widgets.FloatSlider(description='Floor', continuous_update=False)\n"
    "output = widgets.Output()\n"
    # The slider's value in the title: an Output sent the same figure twice would not redraw.
    "redraw = Redraw(lambda: render_into(output, go.Figure(layout={'title': f'{slider.value:g}'})))\n"
    "redraw.observe(slider)\nredraw()\nwidgets.VBox([slider, output])",
]

# Record, in the page's clock, the input event and the first plotly SVG drawn afresh after it.
ARM_JS = """(r) => {
    const root = document.querySelector(`[data-kit-explorer="${r}"]`);
    const old = new Set(root.querySelectorAll('.js-plotly-plot'));
    const mark = window.__kitMark = {input: null, drawn: null};
    const onInput = () => { if (mark.input === null) mark.input = performance.now(); };
    for (const kind of ['keydown', 'change', 'click', 'mousedown']) {
        document.addEventListener(kind, onInput, {capture: true, once: true});
    }
    const observer = new MutationObserver(() => {
        if (mark.input === null) return;
        const fresh = [...root.querySelectorAll('.js-plotly-plot')].find(el => !old.has(el) && el.querySelector('.main-svg'));
        if (fresh) { mark.drawn = performance.now(); observer.disconnect(); }
    });
    observer.observe(root, {childList: true, subtree: true});
}"""


# With --breakdown: every websocket frame the page receives, (time in the page's clock, size).
FRAME_TIMES_JS = """(() => {
    const Native = window.WebSocket;
    window.__kitFrames = [];
    window.WebSocket = function (...args) {
        const socket = new Native(...args);
        socket.addEventListener('message', (event) => {
            const data = event.data;
            const size = typeof data === 'string' ? data.length : data.byteLength || data.size || 0;
            window.__kitFrames.push([performance.now(), size]);
        });
        return socket;
    };
    window.WebSocket.prototype = Native.prototype;
    Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();"""


def split_at_reply(mark: dict, frames: list[list[float]]) -> tuple[float, float]:
    """(input to the update's frame, that frame to the drawn chart) in ms; the update's frame is the
    largest one received between the input and the redraw."""
    during = [frame for frame in frames if mark["input"] <= frame[0] <= mark["drawn"]]
    if not during:
        return float("nan"), float("nan")
    reply = max(during, key=lambda frame: frame[1])[0]
    return reply - mark["input"], mark["drawn"] - reply


def floor_notebook(folder: Path) -> Path:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in FLOOR_CELLS])
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    path = folder / FLOOR_NOTEBOOK
    nbformat.write(notebook, path)
    return path


def measure_notebook(browser, lab: LabServer, name: str, repeat: int,
                     breakdown: bool = False) -> list[tuple[str, float, int, float, float]]:
    """(control, milliseconds, bytes, ms to the reply, ms reply to drawn) for every move of every
    control of the notebook's explorers (the last two NaN without `breakdown`)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    if breakdown:
        page.add_init_script(FRAME_TIMES_JS)
    page.route("**/*", lambda route: route.continue_() if lab.allows(route.request.url) else route.abort())
    received = [0]
    page.on("websocket", lambda socket: socket.on(
        "framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload))))
    moves = []
    try:
        open_notebook(page, lab, name)
        if not run_all(page):
            raise RuntimeError(f"{name}: a cell failed")
        page.wait_for_timeout(1500)
        for explorer, controls in enumerate(mark_explorers(page)):
            for number, control in enumerate(controls):
                for _ in range(repeat):
                    page.evaluate(ARM_JS, explorer)
                    if breakdown:
                        page.evaluate("() => { window.__kitFrames = []; }")
                    received[0] = 0
                    if not move_control(page, explorer, number, control["kind"]):
                        break
                    try:
                        page.wait_for_function("() => window.__kitMark.drawn !== null", timeout=REDRAW_TIMEOUT_MS)
                    except PlaywrightTimeout:
                        print(f"  {name}: no chart redrawn {REDRAW_TIMEOUT_MS / 1000:.0f} s after moving "
                              f"{control['kind']} {control['label']!r}", file=sys.stderr)
                        break
                    page.wait_for_timeout(100)  # the rest of the update's frames (tables, numbers)
                    mark = page.evaluate("() => window.__kitMark")
                    parts = (split_at_reply(mark, page.evaluate("() => window.__kitFrames")) if breakdown
                             else (float("nan"), float("nan")))
                    moves.append((control["label"] or control["kind"], mark["drawn"] - mark["input"], received[0],
                                  *parts))
    finally:
        close_notebook(page)
        page.close()
    return moves


def breakdown_text(moves: list[tuple[str, float, int, float, float]]) -> str:
    """The medians of the two parts of the moves (see `split_at_reply`)."""
    to_reply = statistics.median(move[3] for move in moves)
    drawing = statistics.median(move[4] for move in moves)
    return f"; to the reply {to_reply:.0f} ms, reply to drawn {drawing:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="moves per control")
    parser.add_argument("--notebooks", nargs="*", default=None,
                        help="notebook names (default: every notebook with an explorer)")
    parser.add_argument("--breakdown", action="store_true",
                        help="also split each update into input-to-reply and reply-to-drawn")
    options = parser.parse_args()
    chosen = options.notebooks or NOTEBOOKS
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        paths = [floor_notebook(workdir), *(REPO_ROOT / "notebooks" / f"{name.removesuffix('.ipynb')}.ipynb"
                                             for name in chosen)]
        results = {}
        with LabServer(paths, workdir) as lab, sync_playwright() as playwright:
            browser = launch(playwright)
            for path in paths:
                results[path.name] = measure_notebook(browser, lab, path.name, options.repeat, options.breakdown)
            browser.close()

    floor_moves = results.pop(FLOOR_NOTEBOOK)
    floor_times = [move[1] for move in floor_moves]
    floor_median, floor_worst = statistics.median(floor_times), max(floor_times)
    target_median = max(TARGET_MEDIAN_MS, floor_median + FLOOR_MARGIN_MS)
    target_worst = max(TARGET_WORST_MS, floor_worst + FLOOR_MARGIN_MS)
    print(f"Live explorers in JupyterLab (headless Chromium), {options.repeat} moves per control; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  floor (bare Output, empty figure): median {floor_median:6.0f} ms, worst {floor_worst:6.0f} ms"
          + (breakdown_text(floor_moves) if options.breakdown else ""))
    print(f"  targets: median <= {target_median:.0f} ms, worst <= {target_worst:.0f} ms, "
          f"map <= {MAP_TARGET_BYTES // 1000} KB per update")
    print(f"  {'notebook':22s} {'median':>8s} {'worst':>8s} {'KB/update':>10s}  verdict  (slowest control)")
    for name, moves in results.items():
        times = [move[1] for move in moves]
        sizes = [move[2] for move in moves]
        median, worst, kilobytes = statistics.median(times), max(times), statistics.median(sizes) / 1000
        slowest = max(moves, key=lambda move: move[1])[0]
        over = [label for label, ok in (("median", median <= target_median), ("worst", worst <= target_worst),
                                        ("bytes", name != MAP_NOTEBOOK or kilobytes * 1000 <= MAP_TARGET_BYTES))
                if not ok]
        verdict = "ok" if not over else "OVER: " + ", ".join(over)
        print(f"  {name:22s} {median:6.0f}ms {worst:6.0f}ms {kilobytes:9.1f}  {verdict}  ({slowest})"
              + (breakdown_text(moves) if options.breakdown else ""))


if __name__ == "__main__":
    main()
