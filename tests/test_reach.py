"""No reach beyond the graph (issue 11, part 6): FROM, FROM NAMED, GRAPH, LOAD, SERVICE and the
dataset parameters can neither read local files nor reach a host off the SERVICE allowlist.

Two plain HTTP servers on 127.0.0.1 listen: `allowed` is on the real server's allowlist (the
positive control: a SERVICE call to it does arrive, so the engine really does make requests),
`canary` is not. Every way of naming the canary (and local files) in a query or a protocol
parameter is sent to the real `eccp-kg serve`; the canary must see no request at all."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

ANSWER = b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "remote"}}]}}'


class Canary:
    """An HTTP server on 127.0.0.1 that records every request and answers a SPARQL JSON result."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                canary.requests.append(f"{self.command} {self.path}")
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(ANSWER)))
                self.end_headers()
                self.wfile.write(ANSWER)

            do_GET = do_POST = do_HEAD = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture(scope="module")
def hosts():
    allowed, canary = Canary(), Canary()
    try:
        yield allowed, canary
    finally:
        allowed.close()
        canary.close()


@pytest.fixture(scope="module")
def server(start_server, fixture_data_files, hosts, tmp_path_factory):
    allowed, _ = hosts
    srv = start_server(["--data", *map(str, fixture_data_files), "--workers", "1", "--timeout", "5",
                        "--http-processes", "1", "--service-allowlist", allowed.url],
                       tmp_path_factory.mktemp("reach"))
    try:
        yield srv
    finally:
        srv.stop()


def cases(c: str, allowed: str) -> list[tuple[str, dict]]:
    """(label, request parameters) naming the canary `c` or a local file in every place a query can."""
    host = c.removesuffix("/sparql")
    port = host.rsplit(":", 1)[1]
    escaped = "".join(f"\\u{ord(ch):04X}" for ch in c)
    q = "SELECT * WHERE {{ {} }}"
    out = [
        ("SERVICE", {"query": q.format(f"SERVICE <{c}> {{ ?s ?p ?o }}")}),
        ("SERVICE SILENT", {"query": q.format(f"SERVICE SILENT <{c}> {{ ?s ?p ?o }}")}),
        ("service, lower case", {"query": q.format(f"service <{c}> {{ ?s ?p ?o }}")}),
        ("SERVICE by prefixed name", {"query": f"PREFIX r: <{host}/> " + q.format("SERVICE r:sparql { ?s ?p ?o }")}),
        ("SERVICE relative to BASE", {"query": f"BASE <{c}> " + q.format("SERVICE <> { ?s ?p ?o }")}),
        ("SERVICE network-path reference", {"query": f"BASE <{allowed}> " + q.format(f"SERVICE <//127.0.0.1:{port}/sparql> {{ ?s ?p ?o }}")}),
        ("SERVICE with \\u escapes", {"query": q.format(f"SERVICE <{escaped}> {{ ?s ?p ?o }}")}),
        ("SERVICE upper-case scheme", {"query": q.format(f"SERVICE <{c.replace('http', 'HTTP')}> {{ ?s ?p ?o }}")}),
        ("SERVICE userinfo trick", {"query": q.format(f"SERVICE <{allowed.removesuffix('/sparql')}@127.0.0.1:{port}/sparql> {{ ?s ?p ?o }}")}),
        ("SERVICE variable", {"query": q.format(f"VALUES ?e {{ <{c}> }} SERVICE ?e {{ ?s ?p ?o }}")}),
        ("SERVICE inside an allowed SERVICE", {"query": q.format(f"SERVICE <{allowed}> {{ SERVICE <{c}> {{ ?s ?p ?o }} }}")}),
        ("SERVICE in EXISTS", {"query": q.format(f"?s ?p ?o FILTER EXISTS {{ SERVICE <{c}> {{ ?s ?p ?o }} }}")}),
        ("SERVICE in a sub-query", {"query": q.format(f"{{ SELECT * WHERE {{ SERVICE <{c}> {{ ?s ?p ?o }} }} }}")}),
        ("SERVICE in OPTIONAL", {"query": q.format(f"?s ?p ?o OPTIONAL {{ SERVICE <{c}> {{ ?s ?p ?o }} }}")}),
        ("FROM", {"query": f"SELECT * FROM <{c}> WHERE {{ ?s ?p ?o }}"}),
        ("FROM NAMED", {"query": f"SELECT * FROM NAMED <{c}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"}),
        ("GRAPH", {"query": q.format(f"GRAPH <{c}> {{ ?s ?p ?o }}")}),
        ("CONSTRUCT FROM", {"query": f"CONSTRUCT {{ ?s ?p ?o }} FROM <{c}> WHERE {{ ?s ?p ?o }}"}),
        ("ASK FROM", {"query": f"ASK FROM <{c}> {{ ?s ?p ?o }}"}),
        ("DESCRIBE", {"query": f"DESCRIBE <{c}>"}),
        ("default-graph-uri", {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": c}),
        ("named-graph-uri", {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": c}),
        ("LOAD as an update", {"update": f"LOAD <{c}>"}),
        ("LOAD as query text", {"query": f"LOAD <{c}>"}),
        ("LOAD INTO", {"query": f"LOAD SILENT <{c}> INTO GRAPH <urn:g>"}),
        ("FROM a file", {"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"}),
        ("FROM NAMED a file", {"query": "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }"}),
        ("FROM a relative path", {"query": "SELECT * FROM <../../../../etc/passwd> WHERE { ?s ?p ?o }"}),
        ("GRAPH a file", {"query": q.format("GRAPH <file:///etc/passwd> { ?s ?p ?o }")}),
        ("SERVICE a file", {"query": q.format("SERVICE <file:///etc/passwd> { ?s ?p ?o }")}),
        ("default-graph-uri a file", {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": "file:///etc/passwd"}),
        ("named-graph-uri a file", {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": "file:///etc/passwd"}),
        ("LOAD a file", {"update": "LOAD <file:///etc/passwd>"}),
    ]
    return out


def test_the_allowlisted_host_is_really_called(server, hosts):
    """Positive control: without it, a silent canary could mean SERVICE never makes requests."""
    allowed, _ = hosts
    before = len(allowed.requests)
    resp = requests.get(server.sparql, params={"query": f"SELECT ?x WHERE {{ SERVICE <{allowed.url}> {{ ?s ?p ?x }} }}"},
                        timeout=30)
    assert resp.status_code == 200, resp.text
    assert len(allowed.requests) > before
    assert "remote" in resp.text


def test_nothing_reaches_the_canary_or_a_local_file(server, hosts):
    allowed, canary = hosts
    for label, params in cases(canary.url, allowed.url):
        for method in ("GET", "POST"):
            if method == "GET":
                resp = requests.get(server.sparql, params=params, timeout=30)
            else:
                resp = requests.post(server.sparql, data=params, timeout=30)
            assert resp.status_code < 500, (label, method, resp.status_code, resp.text[:300])
            assert "root:" not in resp.text, (label, method)
            assert "remote" not in resp.text, (label, method)  # no answer came from the canary
            if resp.status_code >= 400:
                err = resp.json()["error"]
                assert err["status"] == resp.status_code and err["code"], label
    assert canary.requests == [], canary.requests


@pytest.mark.parametrize("label", ["SERVICE", "SERVICE variable", "FROM a file", "LOAD as an update"])
def test_refusals_name_the_rule(server, hosts, label):
    allowed, canary = hosts
    params = dict(cases(canary.url, allowed.url))[label]
    resp = requests.get(server.sparql, params=params, timeout=30)
    assert resp.status_code in (400, 403)
    assert resp.json()["error"]["code"] in ("service_not_allowed", "dataset_iri_not_allowed", "update_not_allowed")
