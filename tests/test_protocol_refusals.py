"""What /sparql refuses, in-process: protocol errors, updates (read-only), SERVICE outside the allowlist,
local dataset IRIs, absurdly deep queries; each with its status and a detail that names the cause."""
from __future__ import annotations

import pytest

from tests.sparql_requests import ALL, B, CONSTRUCT, COUNT, count, make_client


# --- protocol errors ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, status, fragment",
    [
        ({"method": "POST", "data": {}}, 400, "No query"),
        ({"method": "POST", "data": {"query": "  "}}, 400, "No query"),
        ({"method": "GET", "query_string": {"query": ""}}, 400, "empty"),
        ({"method": "GET", "query_string": [("query", ALL), ("query", ALL)]}, 400, "more than one query"),
        ({"method": "POST", "data": ALL, "content_type": "application/sparql-query", "query_string": {"query": ALL}}, 400, "send exactly one"),
        ({"method": "GET", "query_string": {"query": ALL, "update": "CLEAR ALL"}}, 400, "not both"),
        ({"method": "POST", "data": {"query": ALL, "update": "CLEAR ALL"}}, 400, "not both"),
        ({"method": "GET", "query_string": [("query", ALL), ("format", "csv"), ("format", "json")]}, 400, "format"),
        ({"method": "GET", "query_string": {"query": ALL, "format": "yaml"}}, 400, "unknown format 'yaml'"),
        ({"method": "POST", "data": "x", "content_type": "text/plain"}, 415, "got text/plain"),
        ({"method": "POST", "data": b"x"}, 415, "got none"),
        ({"method": "POST", "data": b"\xff\xfe", "content_type": "application/sparql-query"}, 400, "not valid UTF-8"),
    ],
)
def test_protocol_errors(client, kwargs, status, fragment):
    r = client.open("/sparql", **kwargs)
    assert r.status_code == status
    assert fragment in r.get_json()["error"]["detail"]


@pytest.mark.parametrize("accept", [None, "application/sparql-results+json", "text/turtle", "text/html", "image/png", "*/*"])
@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "GET", "query_string": {"default-graph-uri": "http://example.org/g"}},
        {"method": "GET", "query_string": {"named-graph-uri": "http://example.org/g", "format": "json"}},
        {"method": "POST", "data": {"default-graph-uri": "http://example.org/g"}},
        {"method": "POST", "query_string": {"named-graph-uri": "http://example.org/g"}},
    ],
)
def test_dataset_parameters_without_a_query_are_a_malformed_query(client, kwargs, accept):
    """SPARQL 1.1 Protocol 2.1.4: 400 whatever the Accept header (it was a 406 for the results types)."""
    headers = {"Accept": accept} if accept else {}
    r = client.open("/sparql", headers=headers, **kwargs)
    assert r.status_code == 400
    assert r.mimetype in ("application/json", "text/html")
    text = r.get_data(as_text=True)
    assert "no query" in text and "graph-uri" in text
    assert r.headers["Cache-Control"] == "no-store"


def test_service_description_still_answers_without_parameters(client):
    assert client.get("/sparql", headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/sparql", query_string={"format": "ntriples"}).status_code == 200


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(client, method):
    r = client.open("/sparql", method=method)
    assert r.status_code == 405
    assert set(r.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert r.get_json()["error"]["status"] == 405


def test_syntax_error_gives_line_and_column(client):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s ?p\n}"})
    assert r.status_code == 400
    err = r.get_json()["error"]
    assert err["line"] == 3  # the error is on the last line; the column is pyoxigraph's
    assert err["detail"].startswith(f"Line {err['line']}, column {err['column']}")
    assert f"{err['line']}:{err['column']}" in err["parser_message"]


def test_not_acceptable(client):
    r = client.get("/sparql", query_string={"query": ALL}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.get_json()["error"]["available"]
    r = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "csv"})
    assert r.status_code == 406 and "CONSTRUCT" in r.get_json()["error"]["detail"]
    r = client.get("/sparql", query_string={"query": ALL}, headers={"Accept": "text/turtle"})
    assert r.status_code == 406 and "SELECT" in r.get_json()["error"]["detail"]


# --- read-only ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "GET", "query_string": {"update": f"INSERT DATA {{ <{B}x> <{B}p> 1 }}"}},
        {"method": "POST", "data": {"update": f"INSERT DATA {{ <{B}x> <{B}p> 1 }}"}},
        {"method": "POST", "data": f"INSERT DATA {{ <{B}x> <{B}p> 1 }}", "content_type": "application/sparql-update"},
        {"method": "GET", "query_string": {"query": f"INSERT DATA {{ <{B}x> <{B}p> 1 }}"}},
        {"method": "POST", "data": {"query": "CLEAR ALL"}},
        {"method": "POST", "data": {"query": "DROP GRAPH <https://w3id.org/eccp-kg/graph/meta>"}},
    ],
)
def test_updates_are_refused_and_change_nothing(client, app, kwargs):
    before = len(app.extensions["eccp_kg"])
    r = client.open("/sparql", **kwargs)
    assert r.status_code == 403
    assert "read-only" in r.get_json()["error"]["detail"]
    assert len(app.extensions["eccp_kg"]) == before == 21


# --- SERVICE and dataset IRIs ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "query, fragment",
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE <http://example.org/sparql> is not on"),
        ("PREFIX ex: <http://example.org/> SELECT * WHERE { SERVICE SILENT ex:sparql { ?s ?p ?o } }", "<http://example.org/sparql>"),
        ("BASE <http://example.org/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }", "<http://example.org/sparql>"),
        ("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/e> { ?s ?p ?o } } }", "<http://example.org/e>"),
        ("SELECT * WHERE { { SELECT ?s WHERE { OPTIONAL { SERVICE <http://example.org/n> { ?s ?p ?o } } } } }", "<http://example.org/n>"),
        ("select * where { service <http://example.org/l> { ?s ?p ?o } }", "<http://example.org/l>"),
        ("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }", "variable"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://example.org/c> { ?s ?p ?o } }", "<http://example.org/c>"),
        ("ASK { SERVICE <http://example.org/a> { ?s ?p ?o } }", "<http://example.org/a>"),
    ],
)
def test_service_outside_allowlist_is_refused(client, query, fragment):
    r = client.get("/sparql", query_string={"query": query})
    assert r.status_code == 403
    assert fragment in r.get_json()["error"]["detail"]


def test_allowlisted_service_is_attempted_and_failure_is_not_200(fixture_store):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/sparql"
    c = make_client(fixture_store, SERVICE_ALLOWLIST=[url])
    r = c.get("/sparql", query_string={"query": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"})
    assert r.status_code == 500
    assert r.get_json()["error"]["title"] == "Query Evaluation Error"
    other = c.get("/sparql", query_string={"query": "SELECT * WHERE { SERVICE <http://example.org/x> { ?s ?p ?o } }"})
    assert other.status_code == 403 and url in other.get_json()["error"]["detail"]


def test_service_check_cannot_parse_is_400(client):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { SERVICE <http://example.org/x> { ?s ?p } }"})
    assert r.status_code == 400
    assert "SERVICE or FROM" in r.get_json()["error"]["detail"]


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"}, "FROM <file:///etc/passwd>"),
        ({"query": "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }"}, "FROM NAMED <file:///etc/passwd>"),
        ({"query": "BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }"}, "<file:///etc/passwd>"),
        ({"query": ALL, "default-graph-uri": "file:///etc/passwd"}, "default-graph-uri <file:///etc/passwd>"),
        ({"query": ALL, "named-graph-uri": "urn:x-local:thing"}, "named-graph-uri <urn:x-local:thing>"),
        ({"query": ALL, "default-graph-uri": "relative/path"}, "<relative/path>"),
    ],
)
def test_local_dataset_iris_are_refused(client, params, fragment):
    r = client.get("/sparql", query_string=params)
    assert r.status_code == 400
    assert fragment in r.get_json()["error"]["detail"]


def test_dataset_from_protocol_and_from_clause(client):
    meta = B + "graph/meta"
    assert count(client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": meta})) == 2
    assert count(client.get("/sparql", query_string=[("query", COUNT), ("default-graph-uri", meta), ("default-graph-uri", B + "graph/codelists")])) == 13
    assert count(client.get("/sparql", query_string={"query": f"SELECT (COUNT(*) AS ?n) FROM <{meta}> WHERE {{ ?s ?p ?o }}"})) == 2
    # the protocol's dataset overrides FROM
    q = f"SELECT (COUNT(*) AS ?n) FROM <{meta}> WHERE {{ ?s ?p ?o }}"
    assert count(client.get("/sparql", query_string={"query": q, "default-graph-uri": B + "graph/codelists"})) == 11
    # named graphs only: the default graph is empty, GRAPH sees just those
    assert count(client.get("/sparql", query_string={"query": COUNT, "named-graph-uri": meta})) == 0
    g = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(client.get("/sparql", query_string={"query": g, "named-graph-uri": meta})) == 2
    # an http(s) graph the store lacks is simply empty (nothing is fetched)
    assert count(client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": "http://example.org/none"})) == 0


def test_from_word_in_a_literal_does_not_disturb(client):
    q = 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(?o != "from service") }'
    assert count(client.get("/sparql", query_string={"query": q})) == 21


def test_algebra_walk_refuses_absurd_depth():
    from rdflib.plugins.sparql.parserutils import CompValue

    from eccp_kg.server.safety import QueryRefused, _walk

    node = CompValue("Leaf")
    for _ in range(600):
        node = CompValue("Group", p=node)
    with pytest.raises(QueryRefused, match="deeper than 500"):
        _walk(node, [])
