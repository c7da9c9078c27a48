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
from tests.competency import EMPTY_WITH_ONE_EDITION

COMPETENCY = sorted(QUERIES.glob("*.rq"))


@pytest.fixture(scope="module")
def built_store(served_build):
    """The store the session's one server (conftest `built_server`) serves."""
    return served_build / "store"


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
    if path.stem in EMPTY_WITH_ONE_EDITION:  # what changed between editions: nothing, with one edition
        assert r.json()["results"]["bindings"] == []
    else:
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


def test_factsheet_text_is_downloadable_and_linked_from_the_factsheet_page(built_server):
    """A reader checks a source locator against the document: the factsheet's page links its text,
    served byte for byte as the repository holds it, and every locator's place is in that text."""
    import tomllib

    edition = Path(__file__).resolve().parents[1] / "data" / "it" / "2023"
    source = edition / tomllib.loads((edition / "factsheet.toml").read_text(encoding="utf-8"))["source_file"]
    page = requests.get(built_server + "/id/factsheet/it/2023", headers={"Accept": "text/html"}, timeout=60)
    assert page.status_code == 200
    assert 'href="/download/factsheet-it-2023.md"' in page.text
    assert 'href="/download/factsheet-it-2023.md"' in requests.get(built_server + "/download/", timeout=60).text
    r = requests.get(built_server + "/download/factsheet-it-2023.md", timeout=60)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/markdown")
    assert r.content == source.read_bytes()
    rows = requests.post(built_server + "/sparql", timeout=60, headers={"Accept": "application/sparql-results+json"}, data={
        "query": "SELECT DISTINCT ?l WHERE { ?s <https://w3id.org/eccp-kg/ontology#sourceLocator> ?l }"}).json()
    locators = {b["l"]["value"] for b in rows["results"]["bindings"]}
    assert len(locators) > 50
    text = r.content.decode("utf-8")
    for locator in locators:  # "Table 3, BUDGET, ...", "Section 2.3, ...", "Footnote 3": the place is printed
        place = locator.split(",")[0].removesuffix(" caption")
        kind, _, number = place.partition(" ")
        if kind in ("Table", "Figure"):
            assert f"{place}:" in text or f"{place} " in text, locator
        elif kind == "Section":
            assert f"# {number}" in text or f"{number} " in text, locator
        elif kind == "Footnote":
            assert f"<sup>{number}</sup>" in text, locator
