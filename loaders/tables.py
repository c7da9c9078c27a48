"""Schema-driven reading of the source tables: every cell is checked before any triple is made.

The schemas live once, in data/schemas.toml (one `[tables.NAME]` per CSV, plus `[factsheet]`
for factsheet.toml). A file that does not match its schema raises
`eccp_kg.graph.errors.SourceError` naming file, line, column and the expected form, on the
first bad cell, so a bad row stops the build before anything is written."""
from __future__ import annotations

import csv
import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator, Mapping

from ..graph.errors import SourceError

#: The code forms a column may declare, as a regular expression and the wording of the error.
CODE_FORMS: dict[str, tuple[re.Pattern[str], str]] = {
    "nuts2": (re.compile(r"[A-Z]{2}[A-Z0-9]{2}"), "a NUTS-2 code like ITC4"),
    "nuts": (re.compile(r"[A-Z]{2}[A-Z0-9]{1,3}"), "a NUTS code of level 0-3 like IT, ITC or ITC4"),
    "iso_alpha3": (re.compile(r"[A-Z]{3}"), "an ISO 3166-1 alpha-3 code like ITA"),
    "wikidata_qid": (re.compile(r"Q[1-9][0-9]*"), "a Wikidata item id like Q38"),
    "nace_division": (re.compile(r"[A-U][0-9]{2}"), "a NACE division like C14 (section letter + two digits)"),
    "country_code": (re.compile(r"[A-Z]{2}"), "a two-letter country code as printed, like EL"),
    "slug": (re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*"), "a slug like agri-food (lower-case ASCII words joined by '-')"),
    "url": (re.compile(r"https?://\S+"), "an http(s) URL"),
    "year": (re.compile(r"[0-9]{4}"), "a four-digit year like 2023"),
}
TYPES = {"string", "text", "integer", "decimal", "date", "boolean", "enum", *CODE_FORMS}


@dataclass(frozen=True)
class Column:
    """One declared column: its type, whether it may be empty and its bounds or allowed values."""

    name: str
    type: str
    required: bool = False
    values: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    description: str = ""


@dataclass(frozen=True)
class TableSchema:
    """One source table as declared in data/schemas.toml."""

    name: str
    file: str
    scope: str  # "edition" (data/{cc}/{edition}/) | "codelist" (data/codelists/) | "links" (data/links/)
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    title: str = ""

    @property
    def header(self) -> list[str]:
        """The column names in file order: what the CSV header must be."""
        return [c.name for c in self.columns]


@dataclass(frozen=True)
class Schemas:
    """All table schemas and the factsheet.toml field schema, read from one schemas.toml."""

    path: Path
    tables: Mapping[str, TableSchema]
    factsheet: tuple[Column, ...]

    def scoped(self, scope: str) -> list[TableSchema]:
        """The tables of one scope: "edition" (per factsheet folder) or "codelist" (shared)."""
        return [t for t in self.tables.values() if t.scope == scope]


class Row(dict):
    """A checked CSV row: typed values by column name (None for an empty cell), plus where it is."""

    def __init__(self, values: Mapping[str, Any], file: str, line: int):
        super().__init__(values)
        self.file, self.line = file, line

    def error(self, column: str, expected: str, got: object = None) -> SourceError:
        """A SourceError pointing at one cell of this row (for checks a loader makes later)."""
        return SourceError(self.file, self.line, column, expected, got)


def _column(name: str, spec: Mapping[str, Any], where: str) -> Column:
    kind = spec.get("type")
    if kind not in TYPES:
        raise SourceError(where, None, name, f"a column type among {sorted(TYPES)}", kind)
    if kind == "enum" and not spec.get("values"):
        raise SourceError(where, None, name, "enum columns to list their values", spec)
    return Column(name, kind, bool(spec.get("required", False)), tuple(spec.get("values", ())),
                  spec.get("min"), spec.get("max"), spec.get("description", ""))


def load_schemas(path: Path) -> Schemas:
    """Read data/schemas.toml into `Schemas`; a malformed schema is a SourceError too."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SourceError(path, None, None, "a readable TOML file of table schemas", str(exc)) from exc
    tables: dict[str, TableSchema] = {}
    for name, spec in doc.get("tables", {}).items():
        where = f"{path} [tables.{name}]"
        cols = tuple(_column(c, s, where) for c, s in spec.get("columns", {}).items())
        key = tuple(spec.get("key", ()))
        for k in key:
            if k not in {c.name for c in cols}:
                raise SourceError(where, None, k, "every key column to be a declared column", k)
        tables[name] = TableSchema(name, spec["file"], spec.get("scope", "edition"), cols, key, spec.get("title", ""))
    fields = tuple(_column(c, s, f"{path} [factsheet]") for c, s in doc.get("factsheet", {}).get("fields", {}).items())
    return Schemas(path, tables, fields)


def _number(text: str, col: Column, integer: bool, file: str, line: int) -> int | Decimal:
    try:
        if integer:
            if not re.fullmatch(r"-?[0-9]+", text):
                raise ValueError
            value: int | Decimal = int(text)
        else:
            if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
                raise ValueError
            value = Decimal(text)
    except (ValueError, InvalidOperation):
        raise SourceError(file, line, col.name, "an integer" if integer else "a decimal number like 8 or 8.5", text) from None
    if col.min is not None and value < col.min or col.max is not None and value > col.max:
        bounds = f"{'' if col.min is None else col.min}..{'' if col.max is None else col.max}"
        raise SourceError(file, line, col.name, f"a number in {bounds}", text)
    return value


def check_cell(text: str, col: Column, file: str, line: int) -> Any:
    """Check one cell against its column and return its typed value (None when empty and allowed)."""
    if text == "":
        if col.required:
            raise SourceError(file, line, col.name, f"a value ({col.type}); the column is required", text)
        return None
    kind = col.type
    if kind in ("integer", "decimal"):
        return _number(text, col, kind == "integer", file, line)
    if kind == "date":
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
                raise ValueError
            return dt.date.fromisoformat(text)
        except ValueError:
            raise SourceError(file, line, col.name, "a date yyyy-mm-dd", text) from None
    if kind == "boolean":
        if text not in ("true", "false"):
            raise SourceError(file, line, col.name, "true or false", text)
        return text == "true"
    if kind == "enum":
        if text not in col.values:
            raise SourceError(file, line, col.name, "one of " + ", ".join(repr(v) for v in col.values), text)
        return text
    if kind in CODE_FORMS:
        pattern, wording = CODE_FORMS[kind]
        if not pattern.fullmatch(text):
            raise SourceError(file, line, col.name, wording, text)
        return int(text) if kind == "year" else text
    if kind == "string" and ("\n" in text or "\r" in text):
        raise SourceError(file, line, col.name, "a single-line string (use type text for paragraphs)", text)
    return text


def _records(path: Path, file: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the line each starts on (a quoted cell may span lines)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        start = 1
        try:
            for record in reader:
                yield start, record
                start = reader.line_num + 1
        except csv.Error as exc:
            raise SourceError(file, reader.line_num, None, "well-formed CSV (RFC 4180 quoting)", str(exc)) from exc


def read_table(path: Path, schema: TableSchema, display: str | None = None) -> list[Row]:
    """Read and check one CSV against its schema: header, every cell, and key uniqueness.

    `display` is the file name used in errors (e.g. relative to the data folder)."""
    file = display or str(path)
    if not path.is_file():
        raise SourceError(file, None, None, f"the file of table '{schema.name}' declared in schemas.toml")
    rows: list[Row] = []
    seen: dict[tuple, int] = {}
    records = _records(path, file)
    first = next(records, None)
    if first is None:
        raise SourceError(file, 1, None, "a header line: " + ",".join(schema.header), "an empty file")
    header = first[1]
    if header != schema.header:
        for i, name in enumerate(schema.header):
            if i >= len(header) or header[i] != name:
                got = header[i] if i < len(header) else "end of header"
                if name not in header:
                    expected = f"column '{name}' at position {i + 1} of the header (it is missing)"
                else:
                    expected = f"column '{name}' at position {i + 1} of the header"
                raise SourceError(file, 1, name, expected, got)
        extra = header[len(schema.header)]
        raise SourceError(file, 1, extra, "no columns beyond " + ",".join(schema.header), extra)
    for line, record in records:
        if record == [] or record == [""] * len(record) and len(record) <= 1:
            continue  # blank line
        if len(record) != len(schema.columns):
            raise SourceError(file, line, None, f"{len(schema.columns)} cells like the header", f"{len(record)} cells")
        values = {col.name: check_cell(cell, col, file, line) for col, cell in zip(schema.columns, record)}
        if schema.key:
            key = tuple(values[k] for k in schema.key)
            if key in seen:
                raise SourceError(file, line, ",".join(schema.key),
                                  f"a unique key ({', '.join(schema.key)}); already on line {seen[key]}", key)
            seen[key] = line
        rows.append(Row(values, file, line))
    return rows


def read_toml_fields(path: Path, fields: tuple[Column, ...], display: str | None = None) -> dict[str, Any]:
    """Read a factsheet.toml and check each declared field like a CSV cell (line = the key's line)."""
    file = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SourceError(file, None, None, "a readable TOML file", str(exc)) from exc
    lines = text.splitlines()

    def line_of(key: str) -> int | None:
        """The line a key is set on, so errors point at it."""
        for number, content in enumerate(lines, 1):
            if re.match(rf"\s*{re.escape(key)}\s*=", content):
                return number
        return None

    declared = {c.name for c in fields}
    for key in doc:
        if key not in declared:
            raise SourceError(file, line_of(key), key, "only the fields declared in schemas.toml [factsheet]", key)
    out: dict[str, Any] = {}
    for col in fields:
        raw = doc.get(col.name)
        if isinstance(raw, bool):
            cell = "true" if raw else "false"
        elif isinstance(raw, (dt.date, int, float)):
            cell = raw.isoformat() if isinstance(raw, dt.date) else str(raw)
        else:
            cell = "" if raw is None else str(raw)
        out[col.name] = check_cell(cell, col, file, line_of(col.name) or 1)
    return out


@dataclass(frozen=True)
class Tables:
    """The checked rows of every table of one folder, by table name."""

    rows: Mapping[str, list[Row]] = field(default_factory=dict)

    def get(self, name: str) -> list[Row]:
        """The rows of a table, or none when its file is absent."""
        return self.rows.get(name, [])


def read_folder(folder: Path, schemas: list[TableSchema], root: Path | None = None) -> Tables:
    """Read every table of `schemas` from `folder`; names in errors are relative to `root`.

    Every declared table must be there (a factsheet without, say, a regional policy has the file
    with its header only): a missing file is a SourceError, never a silently smaller graph."""
    rows: dict[str, list[Row]] = {}
    for schema in schemas:
        path = folder / schema.file
        display = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
        rows[schema.name] = read_table(path, schema, display)
    return Tables(rows)
