"""Loaders, bad files: malformed CSV, a missing or empty table, a wrong factsheet.toml, a factsheet text
outside its edition folder or changed, a bad schema: each stops the load naming the file and what was expected."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from eccp_kg import loaders
from eccp_kg.graph.errors import SourceError
from eccp_kg.graph.iris import Minter
from eccp_kg.loaders.tables import load_schemas, read_table
from tests.loading import BASE, EDITION, edit, raises
from tests.loading import data  # noqa: F401  (fixtures)


def test_malformed_csv_quoting(data: Path) -> None:
    edit(data / "it/2023/euroclusters.csv", 3, "2,AIBC Eurocluster,", '2,"AIBC Eurocluster,')
    err = raises(data)
    assert err.file == EDITION + "euroclusters.csv" and err.line is not None


def test_missing_table_file_is_named(data: Path) -> None:
    (data / "it/2023/semester_challenges.csv").unlink()
    err = raises(data)
    assert (err.file, err.line) == (EDITION + "semester_challenges.csv", None)
    assert "semester_challenges" in err.expected and "schemas.toml" in err.expected


def test_empty_table_file_needs_its_header(data: Path) -> None:
    (data / "it/2023/semester_challenges.csv").write_text("", encoding="utf-8")
    err = raises(data)
    assert (err.file, err.line) == (EDITION + "semester_challenges.csv", 1)
    assert "policy_area,position,text,source" in err.expected


def test_factsheet_toml_folder_must_match_country(data: Path) -> None:
    edit(data / "it/2023/factsheet.toml", 2, '"IT"', '"FR"')
    with pytest.raises(SourceError) as info:
        loaders.discover_editions(data)
    assert (info.value.file, info.value.column) == (EDITION + "factsheet.toml", "country_code")
    assert "'it'" in info.value.expected


def test_factsheet_toml_field_type(data: Path) -> None:
    path = data / "it/2023/factsheet.toml"
    text = path.read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(text.split("\n"), 1) if t.startswith("reference_year"))
    edit(path, line, "reference_year = 2023", 'reference_year = "twenty"')
    with pytest.raises(SourceError) as info:
        loaders.discover_editions(data)
    assert (info.value.line, info.value.column) == (line, "reference_year")


def test_factsheet_toml_undeclared_field(data: Path) -> None:
    path = data / "it/2023/factsheet.toml"
    path.write_text(path.read_text(encoding="utf-8") + 'colour = "blue"\n', encoding="utf-8")
    with pytest.raises(SourceError) as info:
        loaders.discover_editions(data)
    assert info.value.column == "colour" and "declared" in info.value.expected


def _toml_line(path: Path, key: str) -> int:
    return next(i for i, t in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if t.startswith(key + " "))


def test_factsheet_text_must_be_in_the_edition_folder(data: Path) -> None:
    """The build serves the text beside the dumps: a factsheet.toml naming no file there stops it."""
    (data / "it/2023/eccp-country-factsheet-italy.md").unlink()
    with pytest.raises(SourceError) as info:
        loaders.discover_editions(data)
    err = info.value
    line = _toml_line(data / "it/2023/factsheet.toml", "source_file")
    assert (err.file, err.line, err.column, err.got) == (EDITION + "factsheet.toml", line, "source_file", "eccp-country-factsheet-italy.md")
    assert "beside factsheet.toml" in err.expected


@pytest.mark.parametrize("name", ["../2023/eccp-country-factsheet-italy.md", "/abs/eccp-country-factsheet-italy.md", ".hidden.md", "absent.md"])
def test_factsheet_text_outside_the_edition_folder_is_refused(data: Path, name: str) -> None:
    toml = data / "it/2023/factsheet.toml"
    edit(toml, _toml_line(toml, "source_file"), '"eccp-country-factsheet-italy.md"', f'"{name}"')
    with pytest.raises(SourceError) as info:
        loaders.discover_editions(data)
    assert (info.value.column, info.value.got) == ("source_file", name)


def test_a_changed_factsheet_text_is_refused(data: Path) -> None:
    """source_sha256 pins the text as published: one changed byte (a "fix" of a typo) stops the build."""
    text = data / "it/2023/eccp-country-factsheet-italy.md"
    text.write_bytes(text.read_bytes().replace(b"Autonomo us", b"Autonomous", 1))
    with pytest.raises(SourceError) as info:
        loaders.discover_editions(data)
    err = info.value
    assert (err.line, err.column) == (_toml_line(data / "it/2023/factsheet.toml", "source_sha256"), "source_sha256")
    assert "must stay as published" in err.expected and len(err.got) == 64


def test_the_factsheet_carries_its_reuse_licence() -> None:
    (edition,) = [e for e in loaders.discover_editions() if e.country == "IT"]
    graph = loaders.load_edition(edition, Minter(BASE))
    licence = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert list(graph.subjects(URIRef("http://purl.org/dc/terms/license"), licence)) == [URIRef(BASE + "id/factsheet/it/2023")]


def test_multi_line_cell_reports_the_line_the_record_starts_on(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas.toml"
    schemas.write_text(
        '[tables.t]\nfile = "t.csv"\nscope = "edition"\nkey = ["n"]\n'
        '[tables.t.columns]\nn = { type = "integer", required = true }\ntext = { type = "text", required = true }\n',
        encoding="utf-8",
    )
    table = tmp_path / "t.csv"
    table.write_text('n,text\n1,"two\nlines"\nx,ok\n', encoding="utf-8")
    with pytest.raises(SourceError) as info:
        read_table(table, load_schemas(schemas).tables["t"], "t.csv")
    assert (info.value.file, info.value.line, info.value.column) == ("t.csv", 4, "n")


def test_string_column_rejects_newlines(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas.toml"
    schemas.write_text('[tables.t]\nfile = "t.csv"\n[tables.t.columns]\ns = { type = "string" }\n', encoding="utf-8")
    (tmp_path / "t.csv").write_text('s\n"a\nb"\n', encoding="utf-8")
    with pytest.raises(SourceError) as info:
        read_table(tmp_path / "t.csv", load_schemas(schemas).tables["t"])
    assert info.value.column == "s" and "single-line" in info.value.expected


def test_schema_with_unknown_type_is_an_error(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas.toml"
    schemas.write_text('[tables.t]\nfile = "t.csv"\n[tables.t.columns]\ns = { type = "colour" }\n', encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_schemas(schemas)
    assert info.value.column == "s" and "column type" in info.value.expected
