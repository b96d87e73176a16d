"""Command line: `python -m analysis_helpers validate [DATA_DIR]`, `... report [...]`, `... sweep [...]`,
`... sensitivity [...]`, `... pax-export FILE.csv [...]`."""

from __future__ import annotations

import sys

#: Exit statuses of `validate`: a schema failure and stale data are told apart.
EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_STALE = 0, 1, 2, 3

USAGE = """usage: python -m analysis_helpers COMMAND [ARGS]

commands:
  validate [--max-age DAYS] [DATA_DIR]
                        check a data folder (default: $ANALYSIS_HELPERS_DATA or the kit's data/);
                        prints every problem; with --max-age, also lists the datasets whose as-of
                        date is more than DAYS days before today (SOURCE_DATE_EPOCH if set).
                        Exit status: 0 valid (and fresh), 1 invalid, 2 usage error,
                        3 valid but some dataset older than --max-age
  report [...]          execute the notebooks and write HTML reports (see `report --help`)
  sweep [...]           the reports at every quarter's end since March 2022 (as_of), listing
                        every failure (see `sweep --help`)
  sensitivity SCENARIO --out FILE.csv [...]
                        which inputs of a scenario drive its results (see `sensitivity --help`)
  pax-export FILE.csv [--as-of DATE] [--overwrite]
                        the settlement texts in PA-X v10's coding and column layout, with
                        FILE.README.txt beside it (CODEBOOK 11.11); never replaces a file
                        unless --overwrite
"""


def validate_command(argv: list[str]) -> int:
    """`validate [--max-age DAYS] [DATA_DIR]`; see USAGE for the exit statuses."""
    import argparse

    from .data import DataPackage, default_data_dir, validate

    parser = argparse.ArgumentParser(prog="python -m analysis_helpers validate", add_help=True)
    parser.add_argument("data_dir", nargs="?", default=None)
    parser.add_argument("--max-age", type=int, default=None, metavar="DAYS")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on a usage error, 0 on --help
        return EXIT_USAGE if exc.code else EXIT_OK
    if args.max_age is not None and args.max_age < 0:
        print("validate: --max-age must be 0 or more days", file=sys.stderr)
        return EXIT_USAGE
    data_dir = args.data_dir or default_data_dir()
    problems = validate(data_dir)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found in {data_dir}", file=sys.stderr)
        return EXIT_INVALID
    names = DataPackage(data_dir).names()
    print(f"{data_dir}: all {len(names)} datasets valid")
    if args.max_age is None:
        return EXIT_OK
    return _report_stale(data_dir, args.max_age)


def _report_stale(data_dir, max_age: int) -> int:
    from .analysis.catalogue import stale_datasets
    from .publish.report_page import build_time, data_freshness

    today = build_time().date()
    stale = stale_datasets(data_freshness(data_dir), max_age)
    for row in stale.itertuples():
        print(f"stale: {row.dataset} as of {row.as_of:%Y-%m-%d}, {row.age_days} days old (more than {max_age})")
    if len(stale):
        print(f"{len(stale)} dataset{'s' if len(stale) != 1 else ''} older than {max_age} days on {today} "
              "(README: Keeping the data current)", file=sys.stderr)
        return EXIT_STALE
    print(f"every dated dataset is at most {max_age} days old on {today}")
    return EXIT_OK


def sensitivity_command(argv: list[str]) -> int:
    """Run `sensitivity.analyse` on a scenario and write the table to CSV (atomically, never over a file)."""
    import argparse
    from pathlib import Path

    from .analysis.sensitivity import METHODS
    from .paths import write_atomically
    from .sensitivity import SCHEDULER_ENV, SchedulerUnreachable, analyse

    parser = argparse.ArgumentParser(
        prog="python -m analysis_helpers sensitivity",
        description="Morris or Sobol sensitivity of a scenario's results to its ranged inputs.")
    parser.add_argument("scenario", help="scenario name in data/scenarios/ or path to a YAML file")
    parser.add_argument("--out", required=True, type=Path,
                        help="CSV file to write (written only when the run succeeds)")
    parser.add_argument("--method", choices=METHODS, default="morris")
    parser.add_argument("--samples", type=int, default=None,
                        help="Morris trajectories (default 20) or Sobol base samples, a power of two (default 256)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--outputs", default=None, help="comma-separated engine metrics (default: the main ones)")
    parser.add_argument("--workers", type=int, default=None, help="local processes (default: every core)")
    parser.add_argument("--scheduler", default=None, help=f"Dask scheduler address (default: ${SCHEDULER_ENV})")
    parser.add_argument("--as-of", default=None, help="baseline date (default: the latest in the data)")
    parser.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    if args.out.exists() and not args.overwrite:
        print(f"{args.out} exists; pass --overwrite to replace it", file=sys.stderr)
        return 2
    try:
        table = analyse(args.scenario, args.outputs.split(",") if args.outputs else None, args.method, args.samples,
                        args.seed, scheduler=args.scheduler, workers=args.workers, progress=True, as_of=args.as_of)
    except (ValueError, SchedulerUnreachable) as exc:  # DataValidationError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 1
    write_atomically(args.out, table.to_csv(index=False))
    print(f"{args.out}: {len(table)} rows ({table.attrs['evaluations']} runs of the engine)")
    return 0


def pax_export_command(argv: list[str]) -> int:
    """`pax-export FILE.csv [--as-of DATE] [--overwrite]`: `proposals.export_pax` from the command line."""
    import argparse
    from pathlib import Path

    from .proposals import export_pax

    parser = argparse.ArgumentParser(prog="python -m analysis_helpers pax-export",
                                     description="The settlement texts in PA-X v10's coding (CODEBOOK 11.11).")
    parser.add_argument("out", type=Path, help="CSV file to write (FILE.README.txt is written beside it)")
    parser.add_argument("--as-of", default=None, help="texts known on this day (default: every text)")
    parser.add_argument("--overwrite", action="store_true", help="replace the files if they exist")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    try:
        written, note = export_pax(args.out, as_of=args.as_of, overwrite=args.overwrite)
    except FileExistsError as exc:
        print(f"pax-export: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:  # DataValidationError is a ValueError
        print(f"pax-export: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"{written}: texts in PA-X coding; {note}: what it holds and leaves out")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Dispatch `python -m analysis_helpers COMMAND`; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in {"-h", "--help"}:
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "validate":
        return validate_command(rest)
    if command == "report":
        from .publish.report import main as report_main

        return report_main(rest)
    if command == "sweep":
        from .publish.report import sweep_main

        return sweep_main(rest)
    if command == "sensitivity":
        return sensitivity_command(rest)
    if command == "pax-export":
        return pax_export_command(rest)
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
