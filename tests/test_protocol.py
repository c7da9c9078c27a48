"""SPARQL 1.1 Protocol details at /sparql, in-process (app.test_client(), fixture dataset)."""
from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from eccp_kg.graph.namespaces import PREFIXES
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


# --- caps -----------------------------------------------------------------------------------------------
def test_row_cap(fixture_store):
    c = make_client(fixture_store, MAX_ROWS=5)
    r = c.get("/sparql", query_string={"query": ALL})
    assert r.status_code == 400
    err = r.get_json()["error"]
    assert err["title"] == "Result Too Large" and err["limit"] == 5 and "more than 5 rows" in err["detail"]
    assert c.get("/sparql", query_string={"query": ALL + " LIMIT 5"}).status_code == 200
    r = c.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert r.status_code == 400 and "triples" in r.get_json()["error"]["detail"]
    assert c.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5"}).status_code == 200


def test_request_size_cap(fixture_store):
    c = make_client(fixture_store, MAX_REQUEST_BYTES=2000)
    long_query = ALL + " #" + "x" * 2500
    r = c.get("/sparql", query_string={"query": long_query})
    assert r.status_code == 414 and "at most 2000" in r.get_json()["error"]["detail"]
    r = c.post("/sparql", data=long_query, content_type="application/sparql-query")
    assert r.status_code == 413 and "at most 2000" in r.get_json()["error"]["detail"]
    assert c.post("/sparql", data=ALL, content_type="application/sparql-query").status_code == 200


# --- caching ------------------------------------------------------------------------------------------
def test_etag_304_and_cache(client, app):
    r1 = client.get("/sparql", query_string={"query": LABELS})
    etag = r1.headers["ETag"]
    assert r1.headers["X-Cache"] == "miss" and "max-age" in r1.headers["Cache-Control"]
    r2 = client.get("/sparql", query_string={"query": LABELS})
    assert r2.headers["X-Cache"] == "hit" and r2.headers["ETag"] == etag and r2.data == r1.data
    r3 = client.get("/sparql", query_string={"query": LABELS}, headers={"If-None-Match": etag})
    assert r3.status_code == 304 and r3.data == b"" and r3.headers["ETag"] == etag
    assert client.get("/sparql", query_string={"query": LABELS}, headers={"If-None-Match": "W/" + etag}).status_code == 304
    assert client.get("/sparql", query_string={"query": LABELS}, headers={"If-None-Match": '"other"'}).status_code == 200
    csv_resp = client.get("/sparql", query_string={"query": LABELS}, headers={"Accept": "text/csv"})
    assert csv_resp.headers["ETag"] != etag
    other_dataset = client.get("/sparql", query_string={"query": LABELS, "default-graph-uri": B + "graph/meta"})
    assert other_dataset.headers["ETag"] != etag


def test_errors_are_not_cached(client):
    bad = {"query": "SELECT * WHERE { ?s ?p }"}
    r = client.get("/sparql", query_string=bad)
    assert r.status_code == 400 and "ETag" not in r.headers and r.headers["Cache-Control"] == "no-store"


def test_result_cache_is_bounded():
    from eccp_kg.server.cache import CachedResult, ResultCache

    cache = ResultCache(400)
    for i in range(10):
        cache.put(i, CachedResult(b"x" * 90, "text/plain"))
    assert cache.size_bytes <= 400 and len(cache) == 4
    assert cache.get(0) is None and cache.get(9) is not None
    cache.put("big", CachedResult(b"x" * 101, "text/plain"))  # over a quarter of the budget
    assert cache.get("big") is None


# --- CORS ---------------------------------------------------------------------------------------------
def test_cors_default_any_origin_without_credentials(client):
    r = client.get("/sparql", query_string={"query": ASK_ANY}, headers={"Origin": "https://example.org"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers
    pre = client.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "content-type" in pre.headers["Access-Control-Allow-Headers"].lower()  # header names are case-insensitive
    assert pre.headers["Access-Control-Max-Age"] == "86400"
    odd = client.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET",
                                             "Access-Control-Request-Headers": "x-secret-token"})
    assert "x-secret-token" not in odd.headers.get("Access-Control-Allow-Headers", "").lower()  # only the listed ones


ASK_ANY = "ASK { ?s ?p ?o }"


def test_cors_configured_origins(fixture_store):
    c = make_client(fixture_store, CORS_ORIGINS=["https://ok.example"])
    r = c.get("/sparql", query_string={"query": ASK_ANY}, headers={"Origin": "https://ok.example"})
    assert r.headers["Access-Control-Allow-Origin"] == "https://ok.example" and "Origin" in r.headers["Vary"]
    r = c.get("/sparql", query_string={"query": ASK_ANY}, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in r.headers
    off = make_client(fixture_store, CORS_ORIGINS=[])
    assert "Access-Control-Allow-Origin" not in off.get("/sparql", query_string={"query": ASK_ANY}, headers={"Origin": "https://ok.example"}).headers


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


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_row_cap_in_every_result_format(fixture_store, fmt):
    c = make_client(fixture_store, MAX_ROWS=4)
    assert c.get("/sparql", query_string={"query": LABELS, "format": fmt}).status_code == 200  # exactly 4 rows
    r = c.get("/sparql", query_string={"query": ALL + " LIMIT 5", "format": fmt})
    assert r.status_code == 400 and r.get_json()["error"]["limit"] == 4


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "nquads", "rdfxml", "jsonld"])
def test_triple_cap_in_every_graph_format(fixture_store, fmt):
    c = make_client(fixture_store, MAX_ROWS=4)
    assert c.get("/sparql", query_string={"query": CONSTRUCT, "format": fmt}).status_code == 200  # exactly 4 triples
    r = c.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5", "format": fmt})
    assert r.status_code == 400 and "more than 4 triples" in r.get_json()["error"]["detail"]


# --- result cache (server/cache.py) -------------------------------------------------------------
def test_cache_repeats_headers_and_body(client, app):
    first = client.get("/sparql", query_string={"query": LABELS}, headers={"Origin": "https://a.example"})
    second = client.get("/sparql", query_string={"query": LABELS}, headers={"Origin": "https://a.example"})
    assert first.data == second.data and second.headers["X-Cache"] == "hit"
    same = lambda r: {k: v for k, v in r.headers.items() if k != "X-Cache"}  # noqa: E731
    assert same(first) == same(second)
    csv_first = client.get("/sparql", query_string={"query": LABELS}, headers={"Accept": "text/csv"})
    assert csv_first.mimetype == "text/csv" and csv_first.headers["X-Cache"] == "miss"  # Accept is part of the identity


def test_cache_never_keeps_errors(client):
    bad = {"query": "SELECT * WHERE { ?s ?p }"}
    assert client.get("/sparql", query_string=bad).status_code == 400
    again = client.get("/sparql", query_string=bad)
    assert again.status_code == 400 and "X-Cache" not in again.headers


def test_cache_with_conditional_and_head(client):
    etag = client.get("/sparql", query_string={"query": LABELS}).headers["ETag"]
    client.get("/sparql", query_string={"query": LABELS})
    assert client.get("/sparql", query_string={"query": LABELS}, headers={"If-None-Match": etag}).status_code == 304
    head = client.head("/sparql", query_string={"query": LABELS})
    assert head.status_code == 200 and head.data == b""


def test_cache_off_without_cache_bytes(fixture_store):
    c = make_client(fixture_store, CACHE_BYTES=0)
    c.get("/sparql", query_string={"query": LABELS})
    assert c.get("/sparql", query_string={"query": LABELS}).headers["X-Cache"] == "miss"


@pytest.mark.parametrize("query", [ALL, "CONSTRUCT WHERE { ?s ?p ?o }"])
def test_result_byte_bound_stops_serialisation(fixture_store, query):
    c = make_client(fixture_store, MAX_RESULT_BYTES=600)
    r = c.get("/sparql", query_string={"query": query})
    assert r.status_code == 400
    err = r.get_json()["error"]
    assert err["title"] == "Result Too Large" and err["limit_bytes"] == 600 and "600 bytes" in err["detail"]
    assert c.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def test_service_description_unknown_format(client):
    r = client.get("/sparql", query_string={"format": "yaml"})
    assert r.status_code == 400 and "unknown format 'yaml'" in r.get_json()["error"]["detail"]


def test_algebra_walk_refuses_absurd_depth():
    from rdflib.plugins.sparql.parserutils import CompValue

    from eccp_kg.server.safety import QueryRefused, _walk

    node = CompValue("Leaf")
    for _ in range(600):
        node = CompValue("Group", p=node)
    with pytest.raises(QueryRefused, match="deeper than 500"):
        _walk(node, [])
