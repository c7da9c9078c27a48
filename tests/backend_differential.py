"""Differential test of the backend seam: the same answers through a remote engine as through the embedded store.

The build is pushed (`eccp-kg push`) into a real engine, the Oxigraph server or Virtuoso 7 (started on a
free 127.0.0.1 port by bench/servers.py); `eccp-kg serve --backend QUERY_URL` serves it, and the run's
one server over the build (conftest `built_server`, `eccp-kg serve --store`) is the embedded side. Every competency query (queries/ and
queries/explore/), every explorer view (HTML and JSON) and the resource pages of the build's
best-described resources must come out the same through all three; results are compared after the
normalisation of tests/test_differential.py (number lexical forms, blank-node labels), pages as
bytes. The limits of the protocol (timeout, read-only rule, SERVICE allowlist, ETags) hold over a
remote backend as over the embedded store.

The tests here take the engine from a module fixture `backend`: tests/test_backends_oxigraph.py and
tests/test_backends_virtuoso.py each name one engine and import these tests, so that the two engines'
modules are two units of work under `--dist loadfile` and run side by side (one module of both was the
longest of the suite); each module adds the tests that concern its engine alone."""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bench import servers
from eccp_kg.queries import PATH as QUERIES
from eccp_kg.explore.views import VIEWS

#: The tests and the fixture a module that runs them against one engine takes (`from tests.backend_differential import *`).
__all__ = ["sites",
           "test_competency_query_same_through_the_backend", "test_explorer_view_same_through_the_backend",
           "test_predeclared_prefixes_through_the_backend", "test_protocol_rules_hold_over_the_backend",
           "test_resource_pages_same_through_the_backend", "test_results_are_the_embedded_bytes_in_every_format",
           "test_union_default_graph_is_the_builds_graphs_on_each_engine"]
QUERY_FILES = sorted(QUERIES.glob("*.rq")) + sorted((QUERIES / "explore").glob("*.rq"))
JSON = "application/sparql-results+json"


def _differential():
    """tests/test_differential.py's normalising comparison (one copy of it)."""
    name = "eccp_differential_helpers"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("test_differential.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def serve(args: list[str], name: str):
    port = servers.free_port()
    cmd = [servers.venv_tool("eccp-kg"), "serve", *args, "--host", "127.0.0.1", "--port", str(port),
           "--http-processes", "1", "--workers", "1"]
    return servers.running(name, cmd, f"http://127.0.0.1:{port}/sparql")


def backend_fixture(engine: str):
    """The module fixture `backend` of a test module that runs these tests against `engine`."""
    @pytest.fixture(scope="module", name="backend")
    def backend() -> str:
        return engine

    return backend


@pytest.fixture(scope="module")
def sites(backend: str, served_build: Path, built_server: str) -> Iterator[dict[str, str]]:
    """Base URLs: 'embedded' (the run's one server over the build: it only reads) and `backend` (ours in
    front of that engine), plus the engine's own endpoint under 'engine:NAME'."""
    with (servers.virtuoso() if backend == "virtuoso" else servers.oxigraph_store()) as engine:
        creds = ["--user", servers.VIRTUOSO_USER[0], "--password", servers.VIRTUOSO_USER[1]] if backend == "virtuoso" else []
        pushed = subprocess.run([servers.venv_tool("eccp-kg"), "push", servers.gsp_url(engine), "--store",
                                 str(served_build / "store"), "--quiet", *creds], capture_output=True, text=True)
        assert pushed.returncode == 0, pushed.stderr
        with serve(["--backend", engine.endpoint], backend) as front:
            yield {"embedded": built_server, backend: front.endpoint.removesuffix("/sparql"),
                   f"engine:{backend}": engine.endpoint}


def post(base: str, query: str, accept: str = JSON) -> requests.Response:
    answer = requests.post(base + "/sparql", data={"query": query}, headers={"Accept": accept}, timeout=120)
    assert answer.status_code == 200, f"{base}: HTTP {answer.status_code}: {answer.text[:800]}"
    return answer


@pytest.mark.parametrize("path", QUERY_FILES, ids=[f"{p.parent.name}/{p.stem}" for p in QUERY_FILES])
def test_competency_query_same_through_the_backend(path: Path, backend: str, sites: dict[str, str]) -> None:
    query = path.read_text(encoding="utf-8")
    helpers = _differential()
    form = helpers.query_form(query)
    if form in ("SelectQuery", "AskQuery"):
        ours, theirs = post(sites["embedded"], query).json(), post(sites[backend], query).json()
        if form == "AskQuery":
            assert ours["boolean"] == theirs["boolean"]
            return
        assert helpers.compare_select(query, ours, theirs) == [], path.name
    else:
        from rdflib import Graph
        from rdflib.compare import isomorphic

        graphs = [Graph().parse(data=post(sites[s], query, "text/turtle").content, format="turtle")
                  for s in ("embedded", backend)]
        assert isomorphic(*graphs), path.name


@pytest.mark.parametrize("slug", list(VIEWS))
def test_explorer_view_same_through_the_backend(slug: str, backend: str, sites: dict[str, str]) -> None:
    for suffix in ("", ".json"):
        ours = requests.get(f"{sites['embedded']}/explore/{slug}{suffix}", timeout=120)
        theirs = requests.get(f"{sites[backend]}/explore/{slug}{suffix}", timeout=120)
        assert ours.status_code == theirs.status_code == 200
        assert theirs.text == ours.text, f"/explore/{slug}{suffix}"


def resource_paths(base: str) -> list[str]:
    """The 25 best-described resources of the build and one of each class, as server paths."""
    query = ("SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), 'https://w3id.org/eccp-kg/id/')) } "
             "GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 25")
    rows = post(base, query).json()["results"]["bindings"]
    typed = ("SELECT (MIN(STR(?s)) AS ?one) WHERE { ?s a ?c FILTER(STRSTARTS(STR(?s), 'https://w3id.org/eccp-kg/id/')) } "
             "GROUP BY ?c")
    ones = post(base, typed).json()["results"]["bindings"]
    iris = sorted({r["s"]["value"] for r in rows} | {r["one"]["value"] for r in ones})
    return [i.removeprefix("https://w3id.org/eccp-kg") for i in iris] + ["/dataset", "/ontology", "/"]


def without_dumps(page: bytes) -> bytes:
    """/dataset lists the dump files beside the served store; a server in front of a remote engine has
    none (docs/deploy.md): the one expected difference, cut out."""
    page = re.sub(rb'<ul><li><a href="/download/.*?</ul>\n?', b"", page, flags=re.S)
    return page.replace(b"<p>No dumps in this build.</p>", b"")


def test_resource_pages_same_through_the_backend(backend: str, sites: dict[str, str]) -> None:
    paths = resource_paths(sites["embedded"])
    assert len(paths) > 30
    different = []
    for path in paths:
        for accept in ("text/html", "text/turtle"):
            ours = requests.get(sites["embedded"] + path, headers={"Accept": accept}, timeout=120)
            theirs = requests.get(sites[backend] + path, headers={"Accept": accept}, timeout=120)
            a, b = without_dumps(ours.content), without_dumps(theirs.content)
            if path == "/ontology" and accept == "text/html":
                # pyLODE's page is not stable across processes, even over one store (its order, anchors and
                # merged entities follow set order, i.e. the hash seed); its Turtle is compared instead
                continue
            if (ours.status_code, a) != (theirs.status_code, b):
                different.append(f"{path} ({accept}): HTTP {ours.status_code}/{theirs.status_code}, "
                                 f"{len(ours.content)}/{len(theirs.content)} bytes")
    assert different == []


def test_union_default_graph_is_the_builds_graphs_on_each_engine(backend: str, sites: dict[str, str]) -> None:
    """Virtuoso's own default graph is every graph it holds (system graphs too); the backend excludes the graphs
    that are not the build's (its pragmas, server/backends/default_graph.py), so the default graph is the build's
    union there as on the embedded store, and GRAPH ?g sees only the build's graphs."""
    for query in ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                  "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"):
        assert post(sites[backend], query, "text/csv").text == post(sites["embedded"], query, "text/csv").text
    # the Oxigraph server (--union-default-graph, only the build) is asked with its own default graph;
    # Virtuoso's holds system graphs too, which are excluded
    health = requests.get(sites[backend] + "/health", timeout=60).json()
    assert health["backend_default_graph"] == ("engine" if backend == "oxigraph" else "engine, other graphs excluded")
    if backend == "virtuoso":  # the engine alone would answer with more: the proof the exclusion matters
        raw = requests.post(sites["engine:virtuoso"], data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                            headers={"Accept": JSON}, timeout=60).json()
        ours = post(sites[backend], "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").json()
        assert int(raw["results"]["bindings"][0]["n"]["value"]) > int(ours["results"]["bindings"][0]["n"]["value"])


def test_results_are_the_embedded_bytes_in_every_format(backend: str, sites: dict[str, str]) -> None:
    """Whether the engine's bytes go on unparsed (the Oxigraph server writes results as pyoxigraph does:
    server/backends/passthrough.py) or are parsed and written again (Virtuoso), a client gets the bytes the
    embedded store gives, in each results format."""
    passed = requests.get(sites[backend] + "/health", timeout=60).json()["backend_passthrough"]
    assert passed == (["csv", "json", "tsv", "xml"] if backend == "oxigraph" else [])
    query = ("SELECT ?c ?l ?n WHERE { ?c a eccp:NutsRegion ; skos:prefLabel ?l OPTIONAL { ?c skos:notation ?n } } "
             "ORDER BY ?c ?l ?n")
    for accept in (JSON, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"):
        ours, theirs = post(sites["embedded"], query, accept), post(sites[backend], query, accept)
        assert theirs.headers["Content-Type"] == ours.headers["Content-Type"]
        assert theirs.content == ours.content and b"ITC4" in ours.content, accept  # the rows, not none
    ask = "ASK { ?c a eccp:NutsRegion }"
    assert post(sites[backend], ask).content == post(sites["embedded"], ask).content


def test_protocol_rules_hold_over_the_backend(backend: str, sites: dict[str, str]) -> None:
    def status(base: str, **params: str) -> tuple[int, str]:
        answer = requests.get(base + "/sparql", params=params, headers={"Accept": JSON}, timeout=60)
        return answer.status_code, answer.json()["error"]["title"] if answer.status_code >= 400 else ""

    for params in ({"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"},  # read-only
                   {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"},  # not allowed
                   {"query": "SELECT * WHERE { ?s ?p"},  # syntax
                   {"query": "SELECT * FROM <urn:nowhere> WHERE { ?s ?p ?o }"}):  # FROM an unknown graph
        assert status(sites[backend], **params) == status(sites["embedded"], **params) != (200, "")
    # ETags and conditional requests, keyed on the build id the remote store holds
    query = {"query": "SELECT ?s WHERE { ?s a <http://www.w3.org/2004/02/skos/core#ConceptScheme> } ORDER BY ?s"}
    first = requests.get(sites[backend] + "/sparql", params=query, headers={"Accept": JSON}, timeout=60)
    assert first.status_code == 200 and first.headers.get("ETag")
    again = requests.get(sites[backend] + "/sparql", params=query,
                         headers={"Accept": JSON, "If-None-Match": first.headers["ETag"]}, timeout=60)
    assert again.status_code == 304
    # row cap: the same 400 as embedded
    many = {"query": "SELECT * WHERE { ?s ?p ?o }"}
    capped = [requests.get(b + "/sparql", params=many, headers={"Accept": JSON}, timeout=120) for b in
              (sites["embedded"], sites[backend])]
    assert [c.status_code for c in capped] == [200, 200]  # 7,800 triples < 100,000 rows
    assert len(capped[0].json()["results"]["bindings"]) == len(capped[1].json()["results"]["bindings"])


def test_predeclared_prefixes_through_the_backend(backend: str, sites: dict[str, str]) -> None:
    """The project's prefixes work undeclared over a remote engine as embedded (a line of PREFIX declarations
    from our table goes first), a query's own declaration still wins, and error positions point into the
    query as sent."""
    query = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
             "SELECT ?c ?l WHERE { ?c a eccp:NutsRegion ; skos:prefLabel ?l } ORDER BY ?c ?l")
    ours, theirs = post(sites["embedded"], query, "text/csv").text, post(sites[backend], query, "text/csv").text
    assert ours == theirs and len(ours.splitlines()) > 1
    bad = "SELECT * WHERE {\n  ?s a foo:Bar }"
    errors = [requests.get(b + "/sparql", params={"query": bad}, headers={"Accept": JSON}, timeout=60).json()["error"]
              for b in (sites["embedded"], sites[backend])]
    assert [(e["line"], e["column"], e["prefix"]) for e in errors] == [(2, 8, "foo")] * 2
