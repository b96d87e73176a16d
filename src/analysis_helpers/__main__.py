"""Command line: `python -m analysis_helpers validate [DATA_DIR]` and `... report [...]`."""

from __future__ import annotations

import sys

USAGE = """usage: python -m analysis_helpers COMMAND [ARGS]

commands:
  validate [DATA_DIR]   check a data folder (default: $ANALYSIS_HELPERS_DATA or the kit's data/);
                        prints every problem, exits 1 if any
  report [...]          execute the notebooks and write HTML reports (see `report --help`)
"""


def validate_command(argv: list[str]) -> int:
    from .data import DataPackage, default_data_dir, validate

    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print("usage: python -m analysis_helpers validate [DATA_DIR]", file=sys.stderr)
        return 2
    data_dir = argv[0] if argv else default_data_dir()
    problems = validate(data_dir)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found in {data_dir}", file=sys.stderr)
        return 1
    names = DataPackage(data_dir).names()
    print(f"{data_dir}: all {len(names)} datasets valid")
    return 0


def main(argv: list[str] | None = None) -> int:
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
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
