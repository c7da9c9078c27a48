"""`eccp-kg query`: tables for people, csv/json/turtle for scripts, clear errors with exit code 2."""
from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from eccp_kg.cli import main
from eccp_kg.commands.query import render_table, short

LABELS = "SELECT ?c ?l WHERE { ?c skos:prefLabel ?l } ORDER BY ?c ?l"


@pytest.fixture()
def run(capsysbinary, fixture_data_files):
    def _run(*argv: str) -> tuple[int, str, str]:
        code = main(["query", *argv, "--data", *map(str, fixture_data_files)])
        out, err = capsysbinary.readouterr()
        return code, out.decode("utf-8"), err.decode("utf-8")

    return _run


def test_table_is_aligned_with_prefixes(run):
    code, out, err = run(LABELS)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["c", "l"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[-1] == "(4 rows)"
    body = lines[2:-1]
    col = lines[0].index("l")
    assert all(len(row) >= col and row[col - 2:col] == "  " for row in body)  # second column starts at the same place
    assert body[0].startswith("<https://w3id.org/eccp-kg/id/ecosystem/alpha>")
    assert "Alfa e Beta@it" in out and 'Gamma "quoted"\\nsecond line@en' in out


def test_csv_and_json(run):
    code, out, _ = run(LABELS, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["c", "l"] and len(rows) == 5
    code, out, _ = run(LABELS, "--format", "json")
    assert len(json.loads(out)["results"]["bindings"]) == 4


def test_ask_and_construct(run):
    assert run("ASK { ?s eccp:clusterCount 42 }")[1] == "true\n"
    code, out, _ = run("CONSTRUCT WHERE { ?c skos:notation ?n }", "--format", "turtle")
    assert code == 0 and "skos:notation" in out
    assert len(list(ox.parse(out.encode(), format=ox.RdfFormat.TURTLE))) == 2
    code, out, _ = run("CONSTRUCT WHERE { ?c skos:notation ?n }")
    assert code == 0 and "@prefix skos:" in out


def test_query_from_file(run, tmp_path):
    q = tmp_path / "q.rq"
    q.write_text("# Question: how many triples?\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n", encoding="utf-8")
    code, out, _ = run("--file", str(q))
    assert code == 0 and out.splitlines()[2].strip() == "21"


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["SELECT * WHERE {\n ?s ?p }"], "SPARQL syntax error: Line 2, column "),
        (["SELECT * WHERE {\n ?s a foo:Bar }"], "SPARQL syntax error: Line 2, column 7: the prefix foo: is not declared."),
        (["SELECT * WHERE { ?s ?p ?o }", "--format", "turtle"], "SELECT prints as table"),
        (["CONSTRUCT WHERE { ?s ?p ?o }", "--format", "csv"], "is for SELECT/ASK"),
        (["ASK { ?s ?p ?o }", "--format", "ntriples"], "ASK prints as"),
        ([], "no query"),
        (["ASK {}", "--file", "x.rq"], "not both"),
        (["--file", "does/not/exist.rq"], "does/not/exist.rq: cannot read"),
    ],
)
def test_errors_go_to_stderr_with_exit_2(run, argv, fragment):
    code, out, err = run(*argv)
    assert code == 2 and out == ""
    assert err.startswith("eccp-kg query: error: ") and fragment in err


def test_missing_store_is_exit_1(capsys, tmp_path):
    assert main(["query", "ASK {}", "--store", str(tmp_path / "none")]) == 1
    assert "no store directory" in capsys.readouterr().err


def test_short_and_render_table():
    assert short(ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")) == "skos:prefLabel"
    assert short(ox.NamedNode("http://example.org/x")) == "<http://example.org/x>"
    assert short(ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))) == "42"
    assert short(None) == ""
    assert render_table(["a", "bb"], [["xyz", "1"]]) == "a    bb\n---  --\nxyz  1\n(1 row)\n"
