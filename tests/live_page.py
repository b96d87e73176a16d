"""What a researcher does to a live notebook or dashboard page, and what the page looks like after.

Used by `test_live_notebooks.py` and `benchmarks/live_explorers.py` on pages served by JupyterLab
or Voilà: the state of every plotly chart, clicks on legends and in-chart controls, and every
explorer's controls moved one step with a wait until the explorer's output changes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

# Every chart on the page: drawn (an SVG, a height) and its title shown (title text laid out).
CHARTS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map((el, index) => {
    const box = el.getBoundingClientRect();
    const title = (el.layout && el.layout.title && (el.layout.title.text || el.layout.title)) || '';
    const shown = el.querySelector('.gtitle');
    let width = 0;
    try { width = shown ? shown.getBBox().width : 0; } catch (e) { width = 0; }
    return {index, height: box.height, drawn: !!el.querySelector('.main-svg') && box.height > 10,
            title: typeof title === 'string' ? title : '', title_shown: !title || (width > 0 && !!shown.textContent),
            title_text: shown ? shown.textContent : '',
            legend: el.querySelectorAll('.legend .traces').length,
            sliders: el.querySelectorAll('.slider-container').length,
            menus: el.querySelectorAll('.updatemenu-header-group').length
                   + el.querySelectorAll('.updatemenu-container .updatemenu-button').length,
            in_explorer: !!el.closest('.widget-output')};
})"""

# Mark every explorer (outermost widget box in an output) and its controls, so Playwright can
# address them; return, per explorer, the kinds of its controls.
MARK_EXPLORERS_JS = """() => {
    const roots = [...document.querySelectorAll('.jp-OutputArea-output .widget-box, #rendered_cells .widget-box')]
        .filter(el => !el.parentElement.closest('.widget-box'));
    const kinds = [['slider', '.widget-slider'], ['select-multiple', '.widget-select-multiple'],
                   ['dropdown', '.widget-dropdown'], ['checkbox', '.widget-checkbox'],
                   ['datepicker', '.widget-datepicker'], ['button', 'button.widget-button']];
    return roots.map((root, r) => {
        root.dataset.kitExplorer = r;
        const controls = [...root.querySelectorAll(kinds.map(k => k[1]).join(','))]
            .filter(el => !el.closest('.widget-output'));
        return controls.map((el, c) => {
            el.dataset.kitControl = c;
            const kind = kinds.find(k => el.matches(k[1]))[0];
            const label = (el.querySelector('.widget-label') || el).textContent.trim().slice(0, 60);
            return {kind, label};
        });
    });
}"""

# What an explorer shows, as data: its charts' traces and titles, its tables and number rows.
FINGERPRINT_JS = """(r) => {
    const root = document.querySelector(`[data-kit-explorer="${r}"]`);
    const parts = [...root.querySelectorAll('.js-plotly-plot')].map(el =>
        JSON.stringify([el.data, el.layout && el.layout.title]));
    root.querySelectorAll('.widget-output, .widget-html').forEach(el => {
        if (!el.querySelector('.js-plotly-plot')) parts.push(el.innerText);
        else el.querySelectorAll('table, pre').forEach(t => parts.push(t.innerText));
    });
    return parts.join('\\n');
}"""

# Resolves once the page's DOM has not changed for `quiet` ms (or after `limit` ms at most): what
# "the redraw is over" looks like from outside, without guessing a fixed sleep.
QUIET_JS = """([quiet, limit]) => new Promise(resolve => {
    let timer;
    const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, quiet); });
    const cap = setTimeout(done, limit);
    function done() { observer.disconnect(); clearTimeout(timer); clearTimeout(cap); resolve(true); }
    observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
    timer = setTimeout(done, quiet);
})"""

# True once every plotly chart on the page has drawn its SVG.
ALL_DRAWN_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].every(el => !!el.querySelector('.main-svg'))"""

DISABLED_JS = """(el) => !!(el.matches('[disabled]') || el.querySelector('[disabled], .noUi-target[disabled]')
                     || el.classList.contains('mod-disabled'))"""


@dataclass
class ControlMove:
    """One control moved: whether the explorer's output changed, and after how long."""

    explorer: int
    label: str
    kind: str
    changed: bool
    seconds: float


def settle(page, quiet_ms: int = 150, limit_ms: int = 10_000) -> None:
    """Wait until the page has stopped changing (see QUIET_JS)."""
    page.evaluate(QUIET_JS, [quiet_ms, limit_ms])


def wait_until_drawn(page, timeout_ms: int = 60_000) -> None:
    """Wait until every plotly chart on the page has drawn, then until the page is quiet."""
    page.wait_for_function(ALL_DRAWN_JS, timeout=timeout_ms, polling=100)
    settle(page)


def charts(page) -> list[dict]:
    return page.evaluate(CHARTS_JS)


def chart_problems(page, when: str) -> list[str]:
    """Charts that lost their drawing or whose title is not shown."""
    found = []
    for chart in charts(page):
        if not chart["drawn"]:
            found.append(f"{when}: chart {chart['index']} ({chart['title'][:60]!r}) not drawn "
                         f"(height {chart['height']:.0f} px)")
        elif not chart["title_shown"]:
            found.append(f"{when}: chart {chart['index']} title not shown: {chart['title'][:80]!r}")
    return found


def click_legend(page, index: int) -> None:
    chart = page.locator(".js-plotly-plot").nth(index)
    chart.scroll_into_view_if_needed()
    chart.locator(".legend .traces .legendtoggle").first.click(force=True)
    settle(page)


def move_chart_sliders(page, index: int) -> None:
    """Click each in-chart slider's rail at a third of its length (another step than the active one)."""
    chart = page.locator(".js-plotly-plot").nth(index)
    rails = chart.locator(".slider-container .slider-rail-touch-rect")
    for number in range(rails.count()):
        rail = rails.nth(number)
        box = rail.bounding_box()
        if box:
            rail.click(position={"x": box["width"] / 3, "y": box["height"] / 2}, force=True)
            settle(page)


def use_chart_menus(page, index: int) -> None:
    """Open each in-chart dropdown and pick its second entry; click the second of each button row."""
    chart = page.locator(".js-plotly-plot").nth(index)
    headers = chart.locator(".updatemenu-header-group")
    for number in range(headers.count()):
        headers.nth(number).click(force=True)
        settle(page)
        entries = chart.locator(".updatemenu-dropdown-button-group .updatemenu-button")
        if entries.count() > 1:
            entries.nth(1).click(force=True)
            settle(page)
    rows = chart.locator(".updatemenu-container").filter(has_not=chart.locator(".updatemenu-header-group"))
    for number in range(rows.count()):
        buttons = rows.nth(number).locator(".updatemenu-button")
        if buttons.count() > 1:
            buttons.nth(1).click(force=True)
            settle(page)


def mark_explorers(page) -> list[list[dict]]:
    return page.evaluate(MARK_EXPLORERS_JS)


def fingerprint(page, explorer: int) -> str:
    return page.evaluate(FINGERPRINT_JS, explorer)


def move_control(page, explorer: int, control: int, kind: str) -> bool:
    """Move one control one step, as a user would; False when it is disabled (nothing to move)."""
    element = page.locator(f'[data-kit-explorer="{explorer}"] [data-kit-control="{control}"]')
    element.scroll_into_view_if_needed()
    if element.evaluate(DISABLED_JS):
        return False
    if kind == "slider":
        handle = element.locator(".noUi-handle").first
        now, top = handle.get_attribute("aria-valuenow"), handle.get_attribute("aria-valuemax")
        handle.focus()
        page.keyboard.press("ArrowLeft" if now is not None and top is not None and float(now) >= float(top)
                            else "ArrowRight")
    elif kind == "dropdown":
        select = element.locator("select")
        options = select.locator("option").count()
        current = select.evaluate("s => s.selectedIndex")
        select.select_option(index=(current + 1) % options)
    elif kind == "select-multiple":
        select = element.locator("select")
        values = select.evaluate("s => [...s.options].map(o => o.value)")
        chosen = select.evaluate("s => [...s.selectedOptions].map(o => o.value)")
        select.select_option(value=[values[1]] if chosen == [values[0]] else [values[0]])
    elif kind == "checkbox":
        element.locator("input").click()
    elif kind == "datepicker":
        field = element.locator("input")
        current = field.input_value() or "2026-12-31"
        field.fill(f"{int(current[:4]) + 1}{current[4:]}")
        field.press("Enter")
        field.blur()
    elif kind == "button":
        element.click()
    return True


def drive_explorers(page, timeout_s: float = 90) -> list[ControlMove]:
    """Move every control of every explorer on the page once, waiting for each to redraw."""
    moves = []
    for explorer, controls in enumerate(mark_explorers(page)):
        for number, control in enumerate(controls):
            before = fingerprint(page, explorer)
            started = time.monotonic()
            if not move_control(page, explorer, number, control["kind"]):
                continue
            try:
                page.wait_for_function(f"(before) => ({FINGERPRINT_JS})({explorer}) !== before", arg=before,
                                       timeout=timeout_s * 1000, polling=50)
                changed = True
            except Exception:  # Playwright's TimeoutError: the output never changed
                changed = False
            moves.append(ControlMove(explorer, control["label"], control["kind"], changed,
                                     time.monotonic() - started))
    return moves
