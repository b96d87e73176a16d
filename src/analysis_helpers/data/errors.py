"""The kit's own error for bad input: every problem, each naming file, row, column and rule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# A message longer than this many problem lines is cut; the full list stays on `.problems`.
_MAX_LINES_IN_MESSAGE = 200


@dataclass(frozen=True)
class Problem:
    """One broken rule. `row` is the line number in the file (header = 1); None for the whole file."""

    file: str
    row: int | None
    column: str | None
    rule: str
    value: object = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        text = f"{', '.join(where)}: {self.rule}"
        if self.value is not None:
            text += f" (value: {_short(self.value)})"
        return text


def _short(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class DataValidationError(ValueError):
    """Raised when a data file breaks its schema or a cross-file rule.

    `.problems` holds every problem found, in file order.
    """

    def __init__(self, problems: Iterable[Problem], context: str = "data validation failed"):
        self.problems = list(problems)
        lines = [str(p) for p in self.problems[:_MAX_LINES_IN_MESSAGE]]
        if len(self.problems) > _MAX_LINES_IN_MESSAGE:
            lines.append(f"... and {len(self.problems) - _MAX_LINES_IN_MESSAGE} more problems")
        count = len(self.problems)
        header = f"{context}: {count} problem{'s' if count != 1 else ''}"
        super().__init__("\n".join([header, *("  " + line for line in lines)]))
