"""The real server over the real build: every competency query answers over HTTP exactly as
pyoxigraph answers it on the same store, the service description counts the build's graphs,
and the build id drives the ETag."""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from eccp_kg.queries import PATH as QUERIES

COMPETENCY = sorted(QUERIES.glob("*.rq"))


@pytest.fixture(scope="module")
def built_server(built_store, tmp_path_factory, start_server):
    server = start_server(["--store", str(built_store), "--workers", "2"], tmp_path_factory.mktemp("built-live"))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def direct(built_store):
    return ox.Store.read_only(str(built_store))


def _rows(results: dict) -> list[tuple]:
    names = results["head"]["vars"]
    return sorted(tuple(json.dumps(b.get(n), sort_keys=True) for n in names) for b in results["results"]["bindings"])


@pytest.mark.parametrize("path", COMPETENCY, ids=[p.stem for p in COMPETENCY])
def test_competency_query_over_http_equals_direct(built_server, direct, path):
    text = path.read_text(encoding="utf-8")
    r = requests.post(built_server + "/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"}, timeout=120)
    assert r.status_code == 200, r.text
    expected = json.loads(direct.query(text, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON))
    assert _rows(r.json()) == _rows(expected)
    assert r.json()["results"]["bindings"], f"{path.name} returns no rows on the real build"


def test_service_description_counts_the_build(built_server, built_store):
    info = json.loads((Path(built_store).parent / "build-info.json").read_text(encoding="utf-8"))
    r = requests.get(built_server + "/sparql", headers={"Accept": "application/n-triples"}, timeout=60)
    store = ox.Store()
    store.load(r.content, format=ox.RdfFormat.N_TRIPLES)
    rows = store.query(
        """SELECT ?name ?n WHERE { ?ng <http://www.w3.org/ns/sparql-service-description#name> ?name ;
             <http://www.w3.org/ns/sparql-service-description#graph> [ <http://rdfs.org/ns/void#triples> ?n ] }""")
    assert {row["name"].value: int(row["n"].value) for row in rows} == info["graphs"]


def test_build_id_and_etag(built_server, built_store):
    info = json.loads((Path(built_store).parent / "build-info.json").read_text(encoding="utf-8"))
    assert requests.get(built_server + "/health", timeout=60).json()["build_id"] == info["build_id"]
    q = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
    first = requests.get(built_server + "/sparql", params=q, timeout=60)
    assert int(first.json()["results"]["bindings"][0]["n"]["value"]) > 0
    assert requests.get(built_server + "/sparql", params=q, headers={"If-None-Match": first.headers["ETag"]}, timeout=60).status_code == 304
