"""Errors that name where bad input is and what was expected there."""
from __future__ import annotations

from pathlib import Path


class SourceError(ValueError):
    """A source table cell (or file) that does not have the declared form.

    The message always names file, line, column and the expected form, e.g.
    ``data/it/2023/regions.csv:7: column 'nuts_code': expected a NUTS-2 code like ITC4, got 'IT-C4'``."""

    def __init__(self, file: str | Path, line: int | None, column: str | None, expected: str, got: object = None):
        self.file, self.line, self.column, self.expected, self.got = str(file), line, column, expected, got
        where = self.file + (f":{line}" if line is not None else "")
        col = f" column '{column}':" if column else ""
        tail = f", got {got!r}" if got is not None else ""
        super().__init__(f"{where}:{col} expected {expected}{tail}")

    def __reduce__(self):
        """Pickled with its parts, so it crosses from a loader process (eccp_kg.pipeline) whole."""
        return (type(self), (self.file, self.line, self.column, self.expected, self.got))
