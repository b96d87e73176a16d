"""The kernel's side of every live explorer update, timed in a plain Python process.

Runs each notebook's code (its `.py` twin) in this process, keeping the explorers it shows, then
moves every control of each explorer `--repeat` times the way the browser test does (slider one
step, next menu entry, other selection, checkbox, date a year on, button) and times the callback:
the analysis, the figure and the Output's new contents, ready to send. No front end, no websocket,
no other kernel: the number a change to the Python side moves, where the browser benchmark
(`live_explorers.py`) adds the front end's drawing and the shared machine's noise.

    .venv/bin/python benchmarks/explorer_updates.py [--repeat 5] [--notebooks 01_territory ...]
    .venv/bin/python benchmarks/explorer_updates.py --profile 04_scenarios   # cProfile of its moves
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import os
import pstats
import statistics
import time
from pathlib import Path

import IPython.display
import ipywidgets as widgets
import jupytext

import analysis_helpers.widgets

REPO_ROOT = Path(__file__).resolve().parents[1]
#: Every notebook that shows an explorer (live_explorers.py measures the same list).
NOTEBOOKS = ["01_territory", "02_reconstruction", "03_actor_stances", "04_scenarios", "05_briefing",
             "06_proposals", "09_public_opinion"]
CONTROL_KINDS = (widgets.SelectionSlider, widgets.FloatSlider, widgets.IntSlider, widgets.Dropdown,
                 widgets.SelectMultiple, widgets.Checkbox, widgets.DatePicker, widgets.Button)


def explorers_of(notebook: str) -> list[widgets.Widget]:
    """Run the notebook's code here and return the widgets it showed."""
    shown: list[widgets.Widget] = []
    real_show, real_display = analysis_helpers.widgets.show, IPython.display.display
    analysis_helpers.widgets.show = lambda widget, static=None: shown.append(widget)
    IPython.display.display = lambda *items, **options: None  # tables and notes: nothing to time here
    try:
        cells = jupytext.read(REPO_ROOT / "notebooks" / f"{notebook}.py").cells
        namespace: dict = {"__name__": "__main__"}
        for cell in cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, f"{notebook}.py", "exec"), namespace)
    finally:
        analysis_helpers.widgets.show, IPython.display.display = real_show, real_display
    return shown


def controls_of(widget: widgets.Widget) -> list[widgets.Widget]:
    """The explorer's controls in page order, outside its Output (as the browser test finds them)."""
    if isinstance(widget, widgets.Output):
        return []
    found = [widget] if isinstance(widget, CONTROL_KINDS) else []
    for child in getattr(widget, "children", ()):
        found += controls_of(child)
    return found


def option_values(control: widgets.Widget) -> list:
    return [option[1] if isinstance(option, tuple) else option for option in control.options]


def move(control: widgets.Widget) -> bool:
    """One user's move of `control`; False when it is disabled."""
    if getattr(control, "disabled", False):
        return False
    if isinstance(control, widgets.Button):
        control.click()
    elif isinstance(control, widgets.Checkbox):
        control.value = not control.value
    elif isinstance(control, widgets.DatePicker):
        day = control.value or datetime.date(2026, 12, 31)
        control.value = day.replace(year=day.year + 1)
    elif isinstance(control, widgets.SelectMultiple):
        values = option_values(control)
        control.value = (values[1],) if tuple(control.value) == (values[0],) else (values[0],)
    elif isinstance(control, widgets.SelectionSlider):  # one step right, or left at the end
        values = option_values(control)
        position = values.index(control.value)
        control.value = values[position - 1 if position == len(values) - 1 else position + 1]
    elif isinstance(control, widgets.Dropdown):
        values = option_values(control)
        control.value = values[(values.index(control.value) + 1) % len(values)]
    else:  # a numeric slider: one step right, or left at the top
        step = control.step
        control.value = control.value - step if control.value + step > control.max else control.value + step
    return True


def timed_moves(explorer: widgets.Widget, repeat: int) -> list[tuple[str, float]]:
    """(control, milliseconds of this process's CPU time) for every move of every control of
    `explorer`: CPU time, because on a shared machine the wall clock mostly measures the others."""
    moves = []
    for control in controls_of(explorer):
        label = control.description or type(control).__name__
        for _ in range(repeat):
            start = time.process_time()
            if not move(control):
                break
            moves.append((label, 1000 * (time.process_time() - start)))
    return moves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="moves per control")
    parser.add_argument("--notebooks", nargs="*", default=NOTEBOOKS)
    parser.add_argument("--profile", metavar="NOTEBOOK", help="print a cProfile of this notebook's moves")
    options = parser.parse_args()
    if options.profile:
        explorers = explorers_of(options.profile)
        profiler = cProfile.Profile()
        profiler.enable()
        for explorer in explorers:
            timed_moves(explorer, options.repeat)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        return
    print(f"Kernel side of each explorer update, {options.repeat} moves per control (CPU milliseconds); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  {'notebook':20s} {'moves':>5s} {'median':>7s} {'worst':>7s}  (slowest control)")
    for notebook in options.notebooks:
        moves = [m for explorer in explorers_of(notebook) for m in timed_moves(explorer, options.repeat)]
        times = [ms for _, ms in moves]
        slowest = max(moves, key=lambda m: m[1])[0]
        print(f"  {notebook:20s} {len(moves):5d} {statistics.median(times):7.1f} {max(times):7.1f}  ({slowest})")


if __name__ == "__main__":
    main()
