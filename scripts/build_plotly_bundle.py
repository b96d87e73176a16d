"""Build the plotly.js bundle that reports embed: only the trace types the kit draws.

The full plotly.js (4.8 MB) made every report weigh over 5 MB; the kit draws three trace types
(`analysis_helpers.figures.theme.TRACE_TYPES`). This script builds, from the npm registry, a
bundle of plotly.js's core (which holds scatter and every layout component: axes, legends,
annotations, shapes, sliders, menus, colour bars, error bars) plus the other registered trace
types, the way plotly.js's own partial bundles are made (`lib/core` + `Plotly.register`,
bundled by esbuild with plotly.js's esbuild settings), and writes:

* `src/analysis_helpers/publish/plotly_bundle/plotly-kit.min.js`: the minified bundle, with the
  licence notices of the code it holds at its end;
* `src/analysis_helpers/publish/plotly_bundle/plotly-kit.json`: plotly.js version, trace types,
  esbuild version, size, SHA-256 and licence;
* `src/analysis_helpers/publish/plotly_bundle/LICENSE-plotly.js.txt`: plotly.js's licence text.

Reproducible: `scripts/plotly_bundle/package.json` and its `package-lock.json` pin plotly.js,
esbuild and every dependency (with their registry hashes), installed with `npm ci`; the same
inputs give the same bytes (the SHA-256 in the record). Needs node and npm (build time only:
reports never need node). plotly.js's version must be the one the installed plotly.py embeds
(`tests/test_plotly_bundle.py` checks it), so that figures serialised by plotly.py draw the same.

    .venv/bin/python scripts/build_plotly_bundle.py            # build and write the three files
    .venv/bin/python scripts/build_plotly_bundle.py --check    # rebuild and compare with the committed bundle
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from analysis_helpers.figures.theme import TRACE_TYPES

REPO = Path(__file__).resolve().parents[1]
PINS = REPO / "scripts" / "plotly_bundle"
OUTPUT = REPO / "src" / "analysis_helpers" / "publish" / "plotly_bundle"
BUNDLE_NAME = "plotly-kit.min.js"
RECORD_NAME = "plotly-kit.json"
LICENCE_NAME = "LICENSE-plotly.js.txt"
# plotly.js's own esbuild settings (its esbuild-config.js), minified; no source map.
ESBUILD_OPTIONS = ["--bundle", "--minify", "--format=iife", "--global-name=Plotly", "--define:global=window",
                   "--define:define.amd=false", "--define:process.env.NODE_DEBUG=false", "--target=es2016",
                   "--legal-comments=eof", "--log-level=warning"]


def entry_source(traces: tuple[str, ...]) -> str:
    """The bundle's entry module: plotly.js's core with the kit's other trace types registered."""
    others = [trace for trace in traces if trace != "scatter"]  # scatter is part of plotly.js's core
    registered = ", ".join(f"require('plotly.js/lib/{trace}')" for trace in others)
    return ("'use strict';\n"
            "var Plotly = require('plotly.js/lib/core');\n"
            f"Plotly.register([{registered}]);\n"
            "module.exports = Plotly;\n")


def build(work: Path) -> tuple[bytes, dict, str]:
    """Install the pinned packages into `work`, bundle, and return (bundle, record, licence text)."""
    for name in ("package.json", "package-lock.json"):
        shutil.copy(PINS / name, work / name)
    subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], cwd=work,
                   check=True)
    (work / "entry.js").write_text(entry_source(TRACE_TYPES))
    esbuild = work / "node_modules" / ".bin" / "esbuild"
    subprocess.run([str(esbuild), "entry.js", *ESBUILD_OPTIONS, "--outfile=bundle.js"], cwd=work, check=True)
    plotly_package = json.loads((work / "node_modules" / "plotly.js" / "package.json").read_text())
    esbuild_version = json.loads((work / "node_modules" / "esbuild" / "package.json").read_text())["version"]
    header = (f"/*! plotly.js v{plotly_package['version']} (MIT licence, Copyright Plotly, Inc.), partial bundle "
              f"of the trace types {', '.join(TRACE_TYPES)}, built by scripts/build_plotly_bundle.py */\n")
    bundle = header.encode() + (work / "bundle.js").read_bytes()
    record = {
        "plotly.js": plotly_package["version"],
        "license": plotly_package["license"],
        "trace_types": list(TRACE_TYPES),
        "esbuild": esbuild_version,
        "esbuild_options": ESBUILD_OPTIONS,
        "bytes": len(bundle),
        "sha256": hashlib.sha256(bundle).hexdigest(),
        "source": "npm registry: plotly.js and esbuild as pinned by scripts/plotly_bundle/package-lock.json",
    }
    licence = (work / "node_modules" / "plotly.js" / "LICENSE").read_text()
    return bundle, record, licence


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="rebuild and compare with the committed bundle")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        bundle, record, licence = build(Path(scratch))
    if args.check:
        committed = (OUTPUT / BUNDLE_NAME).read_bytes()
        same = committed == bundle
        print(f"rebuilt {record['bytes']:,} bytes, sha256 {record['sha256']}: "
              f"{'identical to' if same else 'DIFFERENT from'} the committed bundle")
        sys.exit(0 if same else 1)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / BUNDLE_NAME).write_bytes(bundle)
    (OUTPUT / RECORD_NAME).write_text(json.dumps(record, indent=2) + "\n")
    (OUTPUT / LICENCE_NAME).write_text(licence)
    print(f"wrote {OUTPUT / BUNDLE_NAME} ({record['bytes']:,} bytes, plotly.js {record['plotly.js']}, "
          f"traces {', '.join(TRACE_TYPES)}, sha256 {record['sha256']})")


if __name__ == "__main__":
    main()
