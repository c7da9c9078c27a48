"""Helpers for the importer tests: run an import of a text, read the written tables, compare folders."""
from __future__ import annotations

import csv
import tomllib
from pathlib import Path

from eccp_kg.loaders.importer import ImportResult, import_factsheet, manual
from eccp_kg.loaders.tables import load_schemas

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
ITALY = DATA / "it" / "2023"
FACTSHEET = ITALY / tomllib.loads((ITALY / "factsheet.toml").read_text(encoding="utf-8"))["source_file"]
CORRECTIONS = ITALY / "import-corrections.toml"
SCHEMAS = load_schemas(DATA / "schemas.toml")
EDITION_TABLES = SCHEMAS.scoped("edition")
MANUAL_TABLES = set(manual().get("tables", {}))
MANUAL_FIELDS = set(manual().get("fields", {}))
MANUAL_COLUMNS = {tuple(name.split(".")) for name in manual().get("columns", {})}  # (table, column)


def run_import(text: str, tmp: Path, country: str = "IT", edition: str = "2023", *,
               corrections: Path | None = None, name: str = FACTSHEET.name) -> ImportResult:
    """Write `text` to a file and import it into tmp/out."""
    src = tmp / name
    src.write_text(text, encoding="utf-8")
    return import_factsheet(src, country, edition, tmp / "out", corrections=corrections)


def tables(folder: Path) -> dict[str, dict[tuple, dict[str, str]]]:
    """Every edition table of a folder: rows by natural key (the key is unique per schema)."""
    out = {}
    for schema in EDITION_TABLES:
        with (folder / schema.file).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == schema.header, f"{schema.file}: header {reader.fieldnames}"
            out[schema.name] = {tuple(r[k] for k in schema.key): r for r in reader}
    return out


def differences(expected: Path, got: Path, skip: set[str] = frozenset(),
                skip_columns: set[tuple[str, str]] = frozenset()) -> list[str]:
    """Row-by-row, cell-by-cell differences between two edition folders (tables in `skip` and
    (table, column) pairs in `skip_columns` left out)."""
    a, b = tables(expected), tables(got)
    diffs = []
    for name in a:
        if name in skip:
            continue
        for key in sorted(set(a[name]) | set(b[name])):
            if key not in b[name]:
                diffs.append(f"{name} {key}: row missing from the import")
            elif key not in a[name]:
                diffs.append(f"{name} {key}: row the transcription does not have")
            else:
                for column, value in a[name][key].items():
                    if (name, column) in skip_columns:
                        continue
                    if b[name][key][column] != value:
                        diffs.append(f"{name} {key} {column}: {value!r} != {b[name][key][column]!r}")
    return diffs


def factsheet_fields(folder: Path) -> dict:
    """factsheet.toml of an edition folder."""
    return tomllib.loads((folder / "factsheet.toml").read_text(encoding="utf-8"))


def fill_by_hand(folder: Path) -> None:
    """What a person does after an import: the factsheet.toml fields manual.toml leaves to them,
    here taken from the Italy edition (they are the repository's reuse terms, not the factsheet's)."""
    italy = (ITALY / "factsheet.toml").read_text(encoding="utf-8").splitlines()
    lines = [ln for ln in italy if ln.split("=", 1)[0].strip() in MANUAL_FIELDS]
    path = folder / "factsheet.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")
