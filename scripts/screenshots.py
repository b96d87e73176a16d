"""Screenshot each built report for the README: `python scripts/screenshots.py [reports/]`.

Opens every `reports/NN_*.html` in Debian's headless Chromium with the network cut (as the
browser tests do) and saves the top of the page to `docs/screenshots/NN_name.png`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests"))

from browser import launch, visit_offline  # noqa: E402  (shared with the browser tests)


def main(report_dir: Path) -> int:
    target = REPO_ROOT / "docs" / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    reports = sorted(report_dir.glob("[0-9]*.html"))
    if not reports:
        print(f"no reports in {report_dir}: run make report first", file=sys.stderr)
        return 1
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for report in reports:
            visit = visit_offline(browser, report, screenshot=target / f"{report.stem}.png", scroll_to_chart=True)
            print(f"{report.name}: {visit.drawn_charts} charts drawn -> docs/screenshots/{report.stem}.png")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO_ROOT / "reports"))
