"""SPARQL 1.1 Protocol details at /sparql, in-process (app.test_client(), fixture dataset): the ways to
send a query, result formats, the service description. What /sparql refuses: test_protocol_refusals.py;
caps: test_protocol_caps.py; caching: test_protocol_cache.py; CORS: test_protocol_cors.py."""
from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from eccp_kg.graph.namespaces import PREFIXES
from tests.sparql_requests import ASK_ANY, B, CONSTRUCT, COUNT, LABELS, bindings, count


# --- the three ways to send a query ------------------------------------------------------------
def test_get_post_form_and_post_body_agree(client):
    via_get = bindings(client.get("/sparql", query_string={"query": LABELS}))
    via_form = bindings(client.post("/sparql", data={"query": LABELS}))
    via_body = bindings(client.post("/sparql", data=LABELS.encode(), content_type="application/sparql-query"))
    assert via_get == via_form == via_body
    assert {"type": "literal", "value": "Alfa e Beta", "xml:lang": "it"} in [b["l"] for b in via_get]


def test_union_default_graph_counts_every_graph(client, app):
    total = sum(app.extensions["eccp_kg"].graph_triple_counts().values())
    assert count(client.get("/sparql", query_string={"query": COUNT})) == total == 21


def test_non_ascii_survives_every_route(client):
    q = 'SELECT ?t WHERE { ?f <http://purl.org/dc/terms/title> ?t FILTER(CONTAINS(?t, "città")) }'
    assert bindings(client.post("/sparql", data=q.encode("utf-8"), content_type="application/sparql-query; charset=utf-8"))[0]["t"]["value"] == "Test factsheet (città, ünïcode)"
    assert bindings(client.get("/sparql", query_string={"query": q}))[0]["t"]["value"].endswith("ünïcode)")


# --- result formats -----------------------------------------------------------------------------
def test_select_as_xml(client):
    r = client.get("/sparql", query_string={"query": LABELS}, headers={"Accept": "application/sparql-results+xml"})
    assert r.headers["Content-Type"].startswith("application/sparql-results+xml")
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert len(ET.fromstring(r.data).findall(".//r:result", ns)) == 4


def test_select_as_csv_and_tsv(client):
    r = client.get("/sparql", query_string={"query": LABELS}, headers={"Accept": "text/csv"})
    assert r.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert rows[0] == ["c", "l"] and len(rows) == 5
    assert any(row[1] == 'Gamma "quoted"\nsecond line' for row in rows)
    r = client.get("/sparql", query_string={"query": LABELS, "format": "tsv"})
    assert r.mimetype == "text/tab-separated-values"
    lines = r.get_data(as_text=True).splitlines()
    assert lines[0] == "?c\t?l" and len(lines) == 5


def test_ask(client):
    r = client.get("/sparql", query_string={"query": "ASK { ?s ?p 42 }"})
    assert r.get_json(force=True)["boolean"] is True
    r = client.get("/sparql", query_string={"query": "ASK { ?s ?p 43 }", "format": "xml"})
    assert b"<boolean>false</boolean>" in r.data


@pytest.mark.parametrize(
    "accept, media_type, syntax",
    [
        ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/n-quads", "application/n-quads", ox.RdfFormat.N_QUADS),
        ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ],
)
def test_construct_formats_round_trip(client, accept, media_type, syntax):
    r = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == media_type
    assert "Accept" in r.headers["Vary"]
    triples = {str(q.triple) for q in ox.parse(r.data, format=syntax)}
    assert len(triples) == 4
    assert any('"Alpha & Beta"@en' in t for t in triples)


def test_turtle_uses_project_prefixes(client):
    text = client.get("/sparql", query_string={"query": CONSTRUCT}).get_data(as_text=True)
    assert f"@prefix skos: <{PREFIXES['skos']}> ." in text
    assert "skos:prefLabel" in text


def test_describe(client):
    r = client.get("/sparql", query_string={"query": f"DESCRIBE <{B}id/ecosystem/alpha>", "format": "ntriples"})
    assert r.status_code == 200
    assert r.data.count(b"\n") >= 5


# --- service description ------------------------------------------------------------------------------
def test_service_description_turtle(client, app):
    r = client.get("/sparql")
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    store = ox.Store()
    store.load(r.data, format=ox.RdfFormat.TURTLE)
    sd = PREFIXES["sd"]
    rows = {(str(row["name"].value), int(row["n"].value)) for row in store.query(
        f"""SELECT ?name ?n WHERE {{ ?svc a <{sd}Service> ; <{sd}defaultDataset> ?ds .
            ?ds <{sd}namedGraph> ?ng . ?ng <{sd}name> ?name ; <{sd}graph> ?g . ?g <{PREFIXES['void']}triples> ?n }}""")}
    assert rows == {(B + "graph/codelists", 11), (B + "graph/it/2023", 8), (B + "graph/meta", 2)}
    assert ox.QueryResultsFormat.CSV.iri.encode() in r.data or b"SPARQL_Results_CSV" in r.data
    assert bool(store.query(f"ASK {{ ?s <{sd}supportedLanguage> <{sd}SPARQL11Query> ; <{sd}endpoint> <http://localhost/sparql> }}"))
    assert not bool(store.query(f"ASK {{ ?s <{sd}feature> <{sd}BasicFederatedQuery> }}"))


def test_service_description_negotiated(client):
    browser = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.status_code == 303 and browser.headers["Location"].endswith("/")
    r = client.get("/sparql", headers={"Accept": "application/rdf+xml"})
    assert r.mimetype == "application/rdf+xml"
    r = client.get("/sparql", query_string={"format": "ntriples"})
    assert r.mimetype == "application/n-triples" and b"sparql-service-description#Service" in r.data
    assert client.get("/sparql", query_string={"format": "csv"}).status_code == 406
    assert client.get("/sparql", headers={"Accept": "image/png"}).status_code == 406
    etag = client.get("/sparql").headers["ETag"]
    assert client.get("/sparql", headers={"If-None-Match": etag}).status_code == 304


def test_health(client):
    client.get("/sparql", query_string={"query": ASK_ANY})
    body = client.get("/health").get_json()
    assert body["status"] == "ok" and body["build_id"].startswith("sha256-")


def test_relative_iris_resolve_against_the_endpoint(client):
    r = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { BIND(<thing> AS ?x) }"})
    assert bindings(r)[0]["x"]["value"] == "http://localhost/thing"


def test_sparql_query_body_must_be_utf8(client):
    r = client.post("/sparql", data="ASK {}".encode("utf-16"), content_type="application/sparql-query; charset=UTF-16")
    assert r.status_code == 415 and "must be UTF-8" in r.get_json()["error"]["detail"]


def test_service_description_unknown_format(client):
    r = client.get("/sparql", query_string={"format": "yaml"})
    assert r.status_code == 400 and "unknown format 'yaml'" in r.get_json()["error"]["detail"]
