"""Reviewed manual corrections applied after an import: cell by cell, each with its reason.

A corrections file (TOML, `[[cell]]` entries: table, key, column, value, reason) records what a
person decided where the importer, by design, could not: a category printed in a variant the
code list does not hold, a source line the text lacks. Applying one whose cell is absent, or
whose printed value already equals the correction, is an error: a stale correction must go."""
from __future__ import annotations

import tomllib
from pathlib import Path

from ...graph.errors import SourceError
from ..tables import Schemas
from .model import Output
from .report import Review


def apply(path: Path, output: Output, schemas: Schemas, review: Review) -> int:
    """Apply every correction of `path` to `output`; returns how many were applied."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SourceError(path, None, None, "a readable TOML file of [[cell]] corrections", str(exc)) from exc
    applied = 0
    for n, entry in enumerate(doc.get("cell", []), 1):
        where = f"{path.name} [[cell]] {n}"
        for field in ("table", "key", "column", "value", "reason"):
            if field not in entry:
                raise SourceError(where, None, field, "table, key, column, value and reason in every correction")
        schema = schemas.tables.get(entry["table"])
        if schema is None or entry["column"] not in schema.header:
            raise SourceError(where, None, "table", "a table and column declared in schemas.toml",
                              f"{entry['table']}.{entry['column']}")
        key = [str(k) for k in entry["key"]]
        rows = [r for r in output.rows(schema.name) if [r[k] for k in schema.key] == key]
        if not rows:
            raise SourceError(where, None, "key", f"a row of {schema.file} with key {dict(zip(schema.key, key))}",
                              "no such row in the import")
        row = rows[0]
        if row[entry["column"]] == str(entry["value"]):
            raise SourceError(where, None, "value", "a correction that changes the imported cell (stale otherwise)",
                              entry["value"])
        review.add("note", None, f"correction applied to {schema.file} {key} {entry['column']}: "
                   f"{row[entry['column']]!r} -> {entry['value']!r} ({entry['reason']})")
        row[entry["column"]] = str(entry["value"])
        applied += 1
    return applied
