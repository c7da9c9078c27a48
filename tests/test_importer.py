"""`eccp-kg import` on the Italy factsheet: it reproduces data/it/2023 cell by cell (except the
tables loaders/importer/manual.toml leaves to a person, and the reviewed corrections), the
result validates, and bad input fails with an error naming the line."""
from __future__ import annotations

import re
import tomllib

import pytest

from eccp_kg.cli import main
from eccp_kg.pipeline import check_sources
from eccp_kg.graph.errors import SourceError
from tests.importing import (CORRECTIONS, FACTSHEET, ITALY, MANUAL_COLUMNS, MANUAL_FIELDS, MANUAL_TABLES, ROOT, SCHEMAS,
                             differences, factsheet_fields, fill_by_hand, run_import, tables)

TEXT = FACTSHEET.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def italy(tmp_path_factory):
    """The Italy factsheet imported with the reviewed corrections."""
    tmp = tmp_path_factory.mktemp("import")
    return run_import(TEXT, tmp, corrections=CORRECTIONS)


def test_import_reproduces_the_transcription_cell_by_cell(italy):
    assert differences(ITALY, italy.folder, skip=MANUAL_TABLES, skip_columns=MANUAL_COLUMNS) == []
    expected = {k: v for k, v in factsheet_fields(ITALY).items() if k not in MANUAL_FIELDS}
    got = factsheet_fields(italy.folder)
    assert {k: got.get(k) for k in expected} == expected
    assert (italy.folder / FACTSHEET.name).read_bytes() == FACTSHEET.read_bytes()  # the text beside its tables


def test_tables_left_to_a_person_are_written_with_their_header_only_and_reviewed(italy):
    written = tables(italy.folder)
    for name in MANUAL_TABLES:
        assert written[name] == {}, name
        assert f"{name}.csv written with its header only" in italy.report.read_text(encoding="utf-8")
    # every other table of the transcription is filled by the import
    for schema in SCHEMAS.scoped("edition"):
        if schema.name not in MANUAL_TABLES:
            assert written[schema.name], f"{schema.file} is empty after the import"


def test_columns_left_to_a_person_are_written_empty_reviewed_and_filled_in_the_transcription(italy):
    assert MANUAL_COLUMNS  # semester_listed_clusters.cluster
    written, transcribed = tables(italy.folder), tables(ITALY)
    report = italy.report.read_text(encoding="utf-8")
    for table, column in MANUAL_COLUMNS:
        assert written[table] and all(row[column] == "" for row in written[table].values()), (table, column)
        assert any(row[column] for row in transcribed[table].values()), (table, column)  # so skipping it hides something
        assert f"{table}.csv column {column} written empty" in report
    # without the skip, exactly those cells differ
    diffs = differences(ITALY, italy.folder, skip=MANUAL_TABLES)
    assert diffs and all(any(f"{t} " in d and f" {c}: " in d for t, c in MANUAL_COLUMNS) for d in diffs)


def test_every_correction_is_still_needed(tmp_path):
    """Without the corrections, the import differs from the transcription in exactly their cells."""
    result = run_import(TEXT, tmp_path)
    corrections = tomllib.loads(CORRECTIONS.read_text(encoding="utf-8"))["cell"]
    diffs = differences(ITALY, result.folder, skip=MANUAL_TABLES, skip_columns=MANUAL_COLUMNS)
    assert len(diffs) == len(corrections)
    for c in corrections:
        key = tuple(str(k) for k in c["key"])
        assert any(d.startswith(f"{c['table']} {key} {c['column']}:") for d in diffs), c
    report = result.report.read_text(encoding="utf-8")
    assert "'Fostering innovation and strengthening innovation ecosystem' is not in scheme policy-objectives" in report


def test_review_lists_the_page_break_joins_and_the_furniture(italy):
    report = italy.report.read_text(encoding="utf-8")
    joins = re.findall(r"^- line (\d+): Table 3, .* column cell continued from line (\d+)", report, re.M)
    assert joins == [("287", "278"), ("299", "292")]
    assert "## Lines not placed in any table\n\nNone." in report
    assert "Repeated header rows: 258-259, 268-269, 275-276, 285-286, 297-298, 307-308, 318-319." in report


def test_imported_folder_validates_once_the_fields_left_to_a_person_are_filled(italy):
    fill_by_hand(italy.folder)
    _sources, outcome = check_sources(italy.folder.parents[1], None, None)
    assert outcome.ok, outcome.format()


def test_stale_correction_is_an_error(tmp_path):
    stale = tmp_path / "c.toml"
    stale.write_text('[[cell]]\ntable = "policies"\nkey = ["regional-technology-clusters-lombardy"]\n'
                     'column = "nuts_code"\nvalue = "ITC4"\nreason = "already read"\n', encoding="utf-8")
    with pytest.raises(SourceError, match="stale otherwise"):
        run_import(TEXT, tmp_path, corrections=stale)


def test_cli_import_writes_the_folder_and_the_report(tmp_path, capsys):
    code = main(["import", str(FACTSHEET), "--country", "IT", "--edition", "2023", "--out", str(tmp_path / "d"),
                 "--report", str(tmp_path / "review.md")])
    out = capsys.readouterr().out
    assert code == 0
    assert (tmp_path / "d" / "it" / "2023" / "sectoral_agglomerations.csv").is_file()
    assert (tmp_path / "d" / "schemas.toml").is_file() and (tmp_path / "d" / "codelists").is_dir()
    assert (tmp_path / "review.md").read_text(encoding="utf-8").startswith("# Import review: IT 2023")
    assert "Cells and paragraphs joined across a page break: 2" in out


def test_cli_not_a_factsheet_names_the_line(tmp_path, capsys):
    code = main(["import", str(ROOT / "README.md"), "--country", "IT", "--edition", "2023", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1
    assert re.search(r"README\.md:1: expected an ECCP country factsheet", err), err
    assert list(tmp_path.iterdir()) == []


def test_cli_missing_table_names_the_line_and_writes_nothing(tmp_path, capsys):
    src = tmp_path / "no-table-4.md"
    start = TEXT.index("**Table 4: State of Play**")
    end = TEXT.index("Source: ECCP (2023).", start)
    src.write_text(TEXT[:start] + TEXT[end:], encoding="utf-8")
    code = main(["import", str(src), "--country", "IT", "--edition", "2023", "--out", str(tmp_path / "d")])
    err = capsys.readouterr().err
    assert code == 1
    line = TEXT[:TEXT.index("### 4.1 The state of cluster policy")].count("\n") + 1
    assert f"no-table-4.md:{line}: expected Table 4" in err, err
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("option, value, expected", [("--country", "ITA", "two-letter"), ("--edition", "23", "year")])
def test_cli_bad_options(tmp_path, capsys, option, value, expected):
    args = {"--country": "IT", "--edition": "2023", option: value}
    code = main(["import", str(FACTSHEET), "--out", str(tmp_path), *[x for kv in args.items() for x in kv]])
    assert code == 1
    assert expected in capsys.readouterr().err


def test_manual_tables_are_documented():
    doc = (ROOT / "docs" / "adding-a-country.md").read_text(encoding="utf-8")
    for name in MANUAL_TABLES:
        assert f"`{name}.csv`" in doc, name
    for name in MANUAL_FIELDS:
        assert f"`{name}`" in doc, name
    for table, column in MANUAL_COLUMNS:
        assert f"`{table}.csv` column `{column}`" in doc, (table, column)
