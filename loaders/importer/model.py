"""What an import produces: rows per table (as CSV cell strings) plus the factsheet.toml fields."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Output:
    """Rows by table name, in the order they were found, and the factsheet.toml fields."""

    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    factsheet: dict[str, Any] = field(default_factory=dict)

    def add(self, table: str, **cells: object) -> None:
        """Append one row; None becomes an empty cell, booleans 'true'/'false', numbers their digits."""
        row = {}
        for name, value in cells.items():
            if value is None:
                row[name] = ""
            elif isinstance(value, bool):
                row[name] = "true" if value else "false"
            else:
                row[name] = str(value)
        self.tables.setdefault(table, []).append(row)

    def rows(self, table: str) -> list[dict[str, str]]:
        """The rows of one table so far."""
        return self.tables.get(table, [])
