"""/sparql predeclares the project's prefixes (as `eccp-kg query`), lists them, and reports syntax
errors as sentences with the position an editor marks (issue 12, part 6). In-process, fixture dataset."""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from eccp_kg.graph.namespaces import PREFIXES
from eccp_kg.graph.sparql_prologue import declared_prefixes, docs_table, remote_text

DOCS = Path(__file__).resolve().parent.parent / "docs" / "endpoint.md"
LABELS_FULL = "SELECT ?c ?l WHERE { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } ORDER BY ?c ?l"
LABELS_PREFIXED = "SELECT ?c ?l WHERE { ?c skos:prefLabel ?l } ORDER BY ?c ?l"


def rows(resp) -> list[dict]:
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json(force=True)["results"]["bindings"]


def error(resp, status: int = 400) -> dict:
    assert resp.status_code == status, resp.get_data(as_text=True)
    return resp.get_json()["error"]


def test_project_prefixes_need_no_declaration(client):
    full = rows(client.get("/sparql", query_string={"query": LABELS_FULL}))
    assert len(full) == 4
    assert rows(client.get("/sparql", query_string={"query": LABELS_PREFIXED})) == full
    assert rows(client.post("/sparql", data=LABELS_PREFIXED.encode(), content_type="application/sparql-query")) == full


def test_a_query_s_own_prefix_wins_over_the_table(client):
    query = "PREFIX skos: <http://example.org/not-skos#>\n" + LABELS_PREFIXED
    assert rows(client.get("/sparql", query_string={"query": query})) == []


def test_service_check_reads_predeclared_prefixes(client):
    """The SERVICE allowlist check resolves a predeclared prefix: refused by its full IRI, not a parse failure."""
    query = "SELECT * WHERE { SERVICE wd:sparql { ?s ?p ?o } }"
    err = error(client.get("/sparql", query_string={"query": query}), 403)
    assert err["title"] == "SERVICE Not Allowed" and f"<{PREFIXES['wd']}sparql>" in err["detail"]


def test_undeclared_prefix_is_a_sentence_naming_it(client):
    query = "SELECT * WHERE {\n  ?s a foo:Bar .\n}"
    err = error(client.get("/sparql", query_string={"query": query}))
    assert err["detail"].startswith("Line 2, column 8: the prefix foo: is not declared.")
    assert (err["line"], err["column"], err["end_column"], err["prefix"]) == (2, 8, 15, "foo")
    assert query.splitlines()[1][err["column"] - 1:err["end_column"] - 1] == "foo:Bar"
    assert "Prefix not found" in err["parser_message"]  # pyoxigraph's own message is kept


def test_a_misspelt_project_prefix_gets_a_suggestion(client):
    err = error(client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s skso:prefLabel ?o }"}))
    assert "the prefix skso: is not declared. Did you mean skos:?" in err["detail"]


def test_a_misspelt_query_form_is_named_where_it_is(client):
    query = "PREFIX ex: <http://example.org/>\nSELEC ?s WHERE { ?s ?p ?o }"
    err = error(client.get("/sparql", query_string={"query": query}))
    assert err["detail"].startswith("Line 2, column 1: SELEC is not a query form;")
    assert (err["line"], err["column"], err["end_column"]) == (2, 1, 6)


def test_other_syntax_errors_read_as_a_sentence_with_the_parser_position(client):
    query = "SELECT * WHERE { ?s ?p ?o }\nLIMIT x"
    err = error(client.get("/sparql", query_string={"query": query}))
    parser = re.search(r"error at (\d+):(\d+)", err["parser_message"])
    assert (err["line"], err["column"]) == (int(parser.group(1)), int(parser.group(2))) == (2, 7)
    assert err["detail"] == "Line 2, column 7 at 'x': expected HAVING, OFFSET, OPTIONAL, VALUES or a name."
    assert "\\u{" not in err["detail"]  # no character classes of the grammar


def test_service_description_lists_every_predeclared_prefix(client):
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    store = ox.Store()
    store.load(r.data, format=ox.RdfFormat.TURTLE)
    listed = {row["p"].value: row["ns"].value for row in store.query(
        "PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT ?p ?ns WHERE { ?svc sh:declare [ sh:prefix ?p ; sh:namespace ?ns ] }")}
    assert listed == PREFIXES


def test_docs_show_the_one_prefix_table():
    text = DOCS.read_text(encoding="utf-8")
    start = text.index("<!-- predeclared prefixes:")
    block = text[text.index("\n", start) + 1:text.index("<!-- end predeclared prefixes -->")].strip()
    assert block == docs_table(), "docs/endpoint.md is stale: paste `python -m eccp_kg.graph.sparql_prologue` into it"
    assert len(block.splitlines()) == len(PREFIXES) + 2


@pytest.mark.parametrize("query, declared", [
    ("SELECT * {}", set()),
    ("# a comment\nPREFIX ex: <http://x/>\n base <http://b/> prefix : <http://y/>\nSELECT * {}", {"ex", ""}),
    ("SELECT * { ?s <urn:PREFIX:x> ?o }", set()),  # only the prologue declares
])
def test_declared_prefixes_come_from_the_prologue(query, declared):
    assert declared_prefixes(query) == declared


def test_remote_text_declares_only_what_the_query_may_need_from_our_table():
    query = "PREFIX skos: <http://x/>\nSELECT * { ?s skos:a eccp:b ; nope:c <http://e/y:z> }"
    sent = remote_text(query)
    first, rest = sent.split("\n", 1)
    assert rest == query  # the user's text unchanged, after one line
    assert first == f"PREFIX eccp: <{PREFIXES['eccp']}>"  # not skos (declared), not nope (not ours)
    assert remote_text("SELECT * { ?s <http://x/y> ?o }") == "SELECT * { ?s <http://x/y> ?o }"
