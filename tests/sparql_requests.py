"""Queries and readers shared by the in-process SPARQL protocol tests (test_protocol*.py, fixture dataset)."""
from __future__ import annotations

from eccp_kg.server.app import create_app


B = "https://w3id.org/eccp-kg/"
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LABELS = "SELECT ?c ?l WHERE { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } ORDER BY ?c ?l"
CONSTRUCT = "CONSTRUCT { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } WHERE { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }"


def make_client(fixture_store, **config):
    return create_app({"TESTING": True, "IN_PROCESS": True, **config}, store=fixture_store).test_client()


def bindings(resp) -> list[dict]:
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json(force=True)["results"]["bindings"]


def count(resp) -> int:
    return int(bindings(resp)[0]["n"]["value"])


ASK_ANY = "ASK { ?s ?p ?o }"
