"""The W3C SPARQL 1.1 Protocol and Service Description test suites, driven from their manifests.

Files: tests/fixtures/w3c/ (copied from the W3C rdf-tests suite, licence note there). The
endpoint is read-only by design, so the suite's *update* tests are run with the opposite
expectation: every update request must be refused with a 4xx and change nothing.

Every manifest runs twice: through Flask's test client (fast, in-process) and against the real
`eccp-kg serve` over HTTP on a free 127.0.0.1 port (the HTTP server, its workers and its
parsing of methods, headers and bodies included)."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import requests

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

from eccp_kg.graph.namespaces import PREFIXES
from eccp_kg.server.app import create_app

W3C = Path(__file__).parent / "fixtures" / "w3c"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace(PREFIXES["sd"])


def _manifest(folder: str) -> tuple[Graph, list[URIRef]]:
    g = Graph()
    path = W3C / folder / "manifest.ttl"
    g.parse(path, format="turtle", publicID=path.resolve().as_uri())
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    return g, list(Collection(g, g.value(manifest, MF.entries)))


PROTOCOL, PROTOCOL_TESTS = _manifest("protocol")


def _requests(test: URIRef) -> list:
    action = PROTOCOL.value(test, MF.action)
    return list(Collection(PROTOCOL, PROTOCOL.value(action, HT.requests)))


def _store() -> ox.Store:
    """data1..3.nt, each in the named graph the suite labels it with."""
    store = ox.Store()
    for n in (1, 2, 3):
        name = ox.NamedNode(f"http://kasei.us/2009/09/sparql/data/data{n}.rdf")
        store.load((W3C / "protocol" / f"data{n}.nt").read_bytes(), format=ox.RdfFormat.N_TRIPLES, to_graph=name)
    return store


_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


class InProcess:
    """Flask's test client over a fresh store (in-process user queries)."""

    def __init__(self) -> None:
        self.store = _store()
        self.client = create_app({"TESTING": True, "IN_PROCESS": True}, store=self.store).test_client()
        self.endpoint = "http://localhost/sparql"

    def open(self, url: str, method: str, data: bytes | None, headers: dict, content_type: str | None):
        return self.client.open(url, method=method, data=data, headers=headers, content_type=content_type)

    def size(self) -> int:
        return len(self.store)


class HttpResponse:
    """The parts of a Flask test response the checks read, from a real HTTP response."""

    def __init__(self, resp: requests.Response) -> None:
        self.status_code = resp.status_code
        self.mimetype = resp.headers.get("Content-Type", "").split(";")[0].strip()
        self.data = resp.content
        self.get_json = resp.json


class OverHttp:
    """The real server (`eccp-kg serve --data` of the suite's data) spoken to over HTTP."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.endpoint = base_url + "/sparql"

    def open(self, url: str, method: str, data: bytes | None, headers: dict, content_type: str | None):
        if content_type:
            headers = {**headers, "Content-Type": content_type}
        return HttpResponse(requests.request(method, self.base_url + url, data=data, headers=headers, timeout=60))

    def size(self) -> int:
        resp = requests.post(self.endpoint, data={"query": _COUNT}, headers={"Accept": "application/sparql-results+json"}, timeout=60)
        return int(resp.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory, start_server) -> Iterator[OverHttp]:
    """`eccp-kg serve` over data1..3 in their named graphs (one TriG file), on a free port."""
    folder = tmp_path_factory.mktemp("w3c-live")
    trig = folder / "w3c.trig"
    _store().dump(str(trig), format=ox.RdfFormat.TRIG)
    server = start_server(["--data", str(trig), "--workers", "1"], folder)
    try:
        yield OverHttp(server.url)
    finally:
        server.stop()


@pytest.fixture(params=["in-process", "http"])
def w3c_client(request):
    """Each manifest entry against both: the in-process app and the live server."""
    return InProcess() if request.param == "in-process" else request.getfixturevalue("w3c_server")


def _send(client, req):
    method = str(PROTOCOL.value(req, HT.methodName))
    path = str(PROTOCOL.value(req, HT.absolutePath))
    assert path.startswith("/sparql/")
    path, _, query_string = path.partition("?")
    headers = {}
    header_list = PROTOCOL.value(req, HT.headers)
    if header_list is not None:
        for h in Collection(PROTOCOL, header_list):
            headers[str(PROTOCOL.value(h, HT.fieldName))] = str(PROTOCOL.value(h, HT.fieldValue))
    body = PROTOCOL.value(req, HT.body)
    data = None
    if body is not None:
        encoding = str(PROTOCOL.value(body, CNT.characterEncoding) or "UTF-8")
        data = str(PROTOCOL.value(body, CNT.chars)).encode(encoding)
    content_type = headers.pop("content-type", None)
    url = "/sparql" + ("?" + query_string if query_string else "")
    return client.open(url, method=method, data=data, headers=headers, content_type=content_type)


def _status_ok(status: int, expected: set[URIRef]) -> bool:
    return any(str(e).endswith(f"StatusCode{status // 100}xx") for e in expected)


def _check_format(resp, expected: str) -> None:
    media = resp.mimetype
    if expected == "boolean" or expected == "tabular":
        assert media in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values")
    elif expected == "RDF":
        assert media in ("text/turtle", "application/rdf+xml", "application/n-triples")
        fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/n-triples": ox.RdfFormat.N_TRIPLES}[media]
        list(ox.parse(resp.data, format=fmt))  # parses
    else:  # pragma: no cover - the manifest has only these three
        raise AssertionError(f"unknown expected format {expected}")


def _boolean(resp) -> bool:
    if resp.mimetype == "application/sparql-results+json":
        return json.loads(resp.data)["boolean"]
    root = ET.fromstring(resp.data)
    return root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


@pytest.mark.parametrize("test", PROTOCOL_TESTS, ids=[str(t).rsplit("#", 1)[1] for t in PROTOCOL_TESTS])
def test_w3c_protocol(w3c_client, test):
    client = w3c_client
    name = str(test).rsplit("#", 1)[1]
    before = client.size()
    reqs = _requests(test)
    if name.startswith("update_") or name.startswith("bad_update"):
        # read-only endpoint: the update request (the first) is refused, nothing changes
        resp = _send(client, reqs[0])
        assert 400 <= resp.status_code < 500, (name, resp.status_code, resp.data)
        assert "error" in resp.get_json()
        assert client.size() == before
        return
    for req in reqs:
        resp = _send(client, req)
        expect = PROTOCOL.value(req, HT.resp)
        statuses = set(PROTOCOL.objects(expect, MF.expectedStatus))
        assert _status_ok(resp.status_code, statuses), (name, resp.status_code, resp.data[:300])
        fmt = PROTOCOL.value(expect, MF.expectedFormat)
        if fmt is not None:
            _check_format(resp, str(fmt))
        boolean = PROTOCOL.value(expect, MF.expectedBoolean)
        if boolean is not None:
            assert _boolean(resp) is boolean.toPython(), name
    assert client.size() == before


def test_suite_is_complete():
    assert len(PROTOCOL_TESTS) == 34  # every entry of the manifest is run above


# --- service description ------------------------------------------------------------------------
SD_MANIFEST, SD_TESTS = _manifest("service-description")


def _description(client, accept: str | None) -> tuple[object, Graph]:
    resp = client.open("/sparql", "GET", None, {"Accept": accept} if accept else {}, None)
    g = Graph()
    if resp.status_code == 200:
        fmt = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/n-triples": "nt", "application/ld+json": "json-ld"}[resp.mimetype]
        g.parse(data=resp.data, format=fmt)
    return resp, g


@pytest.mark.parametrize("test", SD_TESTS, ids=[str(t).rsplit("#", 1)[1] for t in SD_TESTS])
@pytest.mark.parametrize("accept", [None, "text/turtle", "application/rdf+xml", "application/ld+json", "application/n-triples"])
def test_w3c_service_description(w3c_client, test, accept):
    client = w3c_client
    name = str(test).rsplit("#", 1)[1]
    resp, g = _description(client, accept)
    assert resp.status_code == 200
    services = list(g.subjects(RDF.type, SD.Service))
    if name == "returns-rdf":
        assert len(g) > 0 and services
    elif name == "has-endpoint-triple":
        assert (services[0], SD.endpoint, URIRef(client.endpoint)) in g
    elif name == "conforms-to-schema":
        for svc in services:
            assert g.value(svc, SD.endpoint) is not None
            langs = set(g.objects(svc, SD.supportedLanguage))
            assert langs and langs <= {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
            for fmt in g.objects(svc, SD.resultFormat):
                assert isinstance(fmt, URIRef)
            ds = g.value(svc, SD.defaultDataset)
            assert (ds, RDF.type, SD.Dataset) in g
            assert g.value(ds, SD.defaultGraph) is not None
            names = set()
            for ng in g.objects(ds, SD.namedGraph):
                assert (ng, RDF.type, SD.NamedGraph) in g
                assert isinstance(g.value(ng, SD.name), URIRef)
                names.add(str(g.value(ng, SD.name)))
                graph = g.value(ng, SD.graph)
                assert (graph, RDF.type, SD.Graph) in g
                assert int(g.value(graph, URIRef(PREFIXES["void"] + "triples"))) == 1
            assert names == {f"http://kasei.us/2009/09/sparql/data/data{n}.rdf" for n in (1, 2, 3)}
    else:  # pragma: no cover
        raise AssertionError(f"unknown service description test {name}")


def test_sd_labels_are_read():
    assert {str(SD_MANIFEST.value(t, MF.name)) for t in SD_TESTS} == {
        "GET on endpoint returns RDF",
        "Service description contains a matching sd:endpoint triple",
        "Service description conforms to schema",
    }
