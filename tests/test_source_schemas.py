"""The source tables under data/ against data/schemas.toml: files, headers, keys, required cells, sources.

Why: the loaders are written against schemas.toml; a CSV that drifts from it (a renamed column, a repeated
natural key, a row without its source) must fail here, before a build. csv/tomllib only: the typed
validation with file/line/column errors is the loaders' (eccp_kg.loaders.tables). The checks of what the
tables say against the factsheet text are in test_source_tables.py and the other test_source_*.py.
"""
from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
EDITION = DATA / "it" / "2023"
SCHEMAS = tomllib.loads((DATA / "schemas.toml").read_text(encoding="utf-8"))
TABLES = SCHEMAS["tables"]


def table_path(name: str) -> Path:
    """Where table `name` lives: data/codelists/ for code lists, the Italy 2023 folder otherwise."""
    base = {"codelist": DATA / "codelists", "links": DATA / "links"}.get(TABLES[name]["scope"], EDITION)
    return base / TABLES[name]["file"]


PATTERNS = {"nuts2": r"[A-Z]{2}[A-Z0-9]{2}", "nace_division": r"[A-U][0-9]{2}", "country_code": r"[A-Z]{2}",
            "slug": r"[a-z0-9]+(-[a-z0-9]+)*", "integer": r"-?[0-9]+", "boolean": r"true|false",
            "date": r"\d{4}-\d{2}-\d{2}", "year": r"\d{4}", "decimal": r"-?[0-9]+(\.[0-9]+)?", "url": r"https?://\S+",
            "nuts": r"[A-Z]{2}[A-Z0-9]{1,3}", "iso_alpha3": r"[A-Z]{3}", "wikidata_qid": r"Q[1-9][0-9]*"}


def problems(name: str, path: Path) -> list[str]:
    """What is wrong with `path` as table `name` of schemas.toml: header, keys, required cells, sources, forms.

    A lightweight check with csv only (the loaders do the full typed validation); each message names the
    file, line and column, like the loaders' errors."""
    spec = TABLES[name]
    if not path.exists():
        return [f"{path.name}: missing (declared in schemas.toml)"]
    with open(path, newline="", encoding="utf-8") as fh:
        records = list(csv.reader(fh))
    if not records:
        return [f"{path.name}: empty file, expected a header row"]
    found: list[str] = []
    columns = list(spec["columns"])
    if records[0] != columns:
        return [f"{path.name} line 1: header {records[0]} differs from schemas.toml {columns}"]
    if "source" not in [c for c, s in spec["columns"].items() if s.get("required")]:
        found.append(f"{name}: schemas.toml must declare a required source column")
    if len(records) == 1:
        found.append(f"{path.name}: no rows")
    seen: dict[tuple[str, ...], int] = {}
    for line, record in enumerate(records[1:], start=2):
        if len(record) != len(columns):
            found.append(f"{path.name} line {line}: {len(record)} cells, expected {len(columns)}")
            continue
        row = dict(zip(columns, record))
        key = tuple(row[k] for k in spec["key"])
        if key in seen:
            found.append(f"{path.name} line {line}: key {key} repeats line {seen[key]}")
        seen.setdefault(key, line)
        for col, cspec in spec["columns"].items():
            value = row[col]
            if not value.strip():
                if cspec.get("required"):
                    found.append(f"{path.name} line {line} column {col}: required, empty")
            elif cspec["type"] == "enum" and value not in cspec["values"]:
                found.append(f"{path.name} line {line} column {col}: {value!r}, expected one of {cspec['values']}")
            elif cspec["type"] in PATTERNS and not re.fullmatch(PATTERNS[cspec["type"]], value):
                found.append(f"{path.name} line {line} column {col}: {value!r}, expected a {cspec['type']}")
    return found


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_table_matches_its_schema_with_a_source_on_every_row(name: str) -> None:
    assert problems(name, table_path(name)) == []


@pytest.mark.parametrize("breakage, expected", [
    (lambda lines: [lines[0].replace("name", "nom")] + lines[1:], "line 1: header"),
    (lambda lines: lines + [lines[1]], "repeats line 2"),
    (lambda lines: lines[:1] + [lines[1].split(",")[0] + ",AEC Eurocluster,"] + lines[2:], "column source: required, empty"),
    (lambda lines: lines[:1] + ["x" + lines[1]] + lines[2:], "column position: 'x1', expected a integer"),
    (lambda lines: lines[:1] + [lines[1] + ",extra"] + lines[2:], "line 2: 4 cells, expected 3"),
    (lambda lines: lines[:1], "no rows"),
])
def test_schema_check_reports_a_broken_table(tmp_path: Path, breakage: Callable[[list[str]], list[str]], expected: str) -> None:
    """Every check above can fail: break a copy of a real table one way at a time."""
    spec = TABLES["euroclusters"]
    lines = (EDITION / spec["file"]).read_text(encoding="utf-8").splitlines()
    broken = tmp_path / spec["file"]
    broken.write_text("\n".join(breakage(lines)) + "\n", encoding="utf-8")
    found = problems("euroclusters", broken)
    assert any(expected in f for f in found), found


def test_schema_check_reports_a_bad_enum_and_a_missing_file(tmp_path: Path) -> None:
    spec = TABLES["state_of_play"]
    lines = (EDITION / spec["file"]).read_text(encoding="utf-8").splitlines()
    broken = tmp_path / spec["file"]
    broken.write_text("\n".join([lines[0], lines[1].replace(",true,", ",yes,").replace(",false,", ",yes,")]) + "\n", encoding="utf-8")
    assert any("column selected: 'yes', expected a boolean" in f for f in problems("state_of_play", broken))
    assert problems("state_of_play", tmp_path / "absent.csv") == ["absent.csv: missing (declared in schemas.toml)"]


def test_factsheet_toml_has_every_declared_field_and_nothing_else() -> None:
    doc = tomllib.loads((EDITION / "factsheet.toml").read_text(encoding="utf-8"))
    fields = SCHEMAS["factsheet"]["fields"]
    assert set(doc) <= set(fields), set(doc) - set(fields)
    assert {f for f, s in fields.items() if s.get("required")} <= set(doc)
    assert doc["country_code"] == "IT" and doc["edition"] == EDITION.name and EDITION.parent.name == "it"
    assert doc["source_file"] == "eccp-country-factsheet-italy.md"
    assert doc["data_extraction_date"].isoformat() == "2023-12-21"


def test_the_source_document_is_in_the_edition_folder_as_published() -> None:
    """The factsheet text ships with its tables: pinned by SHA-256 (byte for byte the published text,
    so no editor "fixes" it) and reused under the licence and attribution factsheet.toml states."""
    import hashlib

    doc = tomllib.loads((EDITION / "factsheet.toml").read_text(encoding="utf-8"))
    text = (EDITION / doc["source_file"]).read_bytes()
    assert hashlib.sha256(text).hexdigest() == doc["source_sha256"]
    assert text.decode("utf-8").lstrip().startswith("EUROPEAN CLUSTER")
    assert doc["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "CC BY 4.0" in doc["reuse_terms"] and "attribution" in doc["reuse_terms"]
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert doc["attribution"] in readme and "CC BY 4.0" in readme


def test_no_machine_paths_in_committed_data() -> None:
    """No absolute path of this machine (the folder holding the checkout, home, temp) in the data."""
    import os
    import tempfile

    roots = {str(DATA.resolve().parent.parent) + "/", os.path.expanduser("~") + "/", tempfile.gettempdir() + "/"}
    mine = [DATA / "schemas.toml", DATA / "README.md"] + sorted((DATA / "codelists").glob("*.csv"))
    for path in mine + sorted(p for p in DATA.glob("*/*/*") if p.suffix in (".csv", ".toml")):
        content = path.read_text(encoding="utf-8")
        assert not [root for root in roots if len(root) > 2 and root in content], path
