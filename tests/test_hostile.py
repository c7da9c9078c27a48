"""Hostile input, in-process (issue 11, part 5): property-based tests (hypothesis) and corpora of
nasty cases against the Flask app over the REAL build.

Whatever arrives (random text or bytes as a query, broken percent-encoding, invalid UTF-8, absurd
nesting, garbage headers, path traversal, SPARQL or HTML smuggled through page parameters and
labels), the server answers with a status below 500, every error in the one documented shape
(server/errors.py), and the data never changes. The same cases over real HTTP against
`eccp-kg serve` are in test_hostile_live.py."""
from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eccp_kg.explore.views import VIEWS
from eccp_kg.server.safety import MAX_NESTING, MAX_OPERATORS, QueryRefused, check_complexity

#: Every status the server may answer a hostile request with (no 5xx but 503 for a timeout).
ALLOWED = {200, 301, 303, 304, 308, 400, 403, 404, 405, 406, 413, 414, 415, 431}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def store_digest(store: ox.Store) -> str:
    """A hash of every quad: equal before and after means nothing changed."""
    digest = hashlib.sha256()
    for line in sorted(str(q) for q in store):
        digest.update(line.encode("utf-8"))
    return digest.hexdigest()


@pytest.fixture(scope="module")
def real_store(built_graph) -> ox.Store:
    """The real graph in memory (a copy of the session's build: tests may not write the build)."""
    store = ox.Store()
    store.load(path=str(built_graph.dumps_dir / "eccp-kg.nq"), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="module")
def hostile_app(real_store):
    from eccp_kg.server.app import create_app

    # not TESTING: an exception must become the error shape (a 500), as in production
    return create_app({"IN_PROCESS": True, "MAX_REQUEST_BYTES": 20000}, store=real_store)


@pytest.fixture(scope="module")
def before(real_store) -> str:
    return store_digest(real_store)


def assert_well_formed(resp, what: object = "") -> None:
    """Below 500, and an error is the documented shape (JSON unless HTML or text was asked)."""
    assert resp.status_code in ALLOWED, (what, resp.status_code, resp.get_data(as_text=True)[:300])
    if resp.status_code < 400:
        return
    assert resp.headers["X-Request-Id"], what
    assert resp.headers["Cache-Control"] == "no-store", what
    if resp.mimetype == "application/json":
        err = json.loads(resp.get_data(as_text=True))["error"]
        assert err["status"] == resp.status_code and err["code"] and err["title"] and err["detail"], what
        assert err["request_id"] == resp.headers["X-Request-Id"], what
    else:
        assert resp.mimetype in ("text/html", "text/plain"), (what, resp.mimetype)
        assert resp.headers["X-Request-Id"] in resp.get_data(as_text=True), what


# --- property-based: anything as a query, a parameter, a path or a header ----------------------
@SETTINGS
@given(query=st.text(max_size=400))
def test_any_text_as_a_query(hostile_app, real_store, before, query):
    client = hostile_app.test_client()
    for resp in (
        client.get("/sparql", query_string={"query": query}),
        client.post("/sparql", data={"query": query}),
        client.post("/sparql", data=query.encode("utf-8", "surrogatepass"), content_type="application/sparql-query"),
    ):
        assert_well_formed(resp, query)
    assert store_digest(real_store) == before


SPARQL_WORDS = ["SELECT", "*", "WHERE", "{", "}", "(", ")", "[", "]", "?s", "?p", "?o", "<urn:x>", ".", ";",
                "UNION", "OPTIONAL", "FILTER", "SERVICE", "FROM", "NAMED", "GRAPH", "LOAD", "INSERT", "DELETE",
                "DATA", "CLEAR", "DROP", "ALL", "ASK", "CONSTRUCT", "DESCRIBE", "COUNT", "GROUP", "BY",
                "ORDER", "LIMIT", "1", '"x"', "'''", '"""', "#", "\n", "&&", "||", "!", "+", "/", "|",
                "<file:///etc/passwd>", "<http://127.0.0.1:9/>", "BIND", "AS", "VALUES", "\\u0053ERVICE"]


@SETTINGS
@given(words=st.lists(st.sampled_from(SPARQL_WORDS), max_size=60))
def test_any_sequence_of_sparql_words(hostile_app, real_store, before, words):
    """Near-SPARQL (keywords, brackets, updates, SERVICE, FROM, local files) in any order."""
    query = " ".join(words)
    resp = hostile_app.test_client().get("/sparql", query_string={"query": query})
    assert_well_formed(resp, query)
    assert store_digest(real_store) == before


@SETTINGS
@given(raw=st.binary(max_size=300))
def test_any_bytes_as_query_string_and_body(hostile_app, real_store, before, raw):
    """Raw bytes: invalid UTF-8, broken percent-escapes, NULs, as the URL's query and as bodies."""
    client = hostile_app.test_client()
    for qs in (raw, b"query=" + raw):  # as a server passes them: the raw bytes, latin-1 decoded (PEP 3333)
        assert_well_formed(client.get("/sparql", environ_overrides={"QUERY_STRING": qs.decode("latin-1")}), raw)
    for ctype in ("application/sparql-query", "application/x-www-form-urlencoded", "application/sparql-update",
                  "text/plain", "application/sparql-query; charset=latin-1"):
        assert_well_formed(client.post("/sparql", data=raw, content_type=ctype), (ctype, raw))
    assert store_digest(real_store) == before


ROUTES = ["/", "/queries", "/queries/", "/id/", "/graph/", "/.well-known/genid/", "/dataset", "/ontology/",
          "/download/", "/explore/", "/static/", "/sparql/", "/health/"]


@SETTINGS
@given(prefix=st.sampled_from(ROUTES), tail=st.text(max_size=80), query=st.text(max_size=80))
def test_any_path_under_every_route(hostile_app, prefix, tail, query):
    client = hostile_app.test_client()
    for accept in ("text/html", "application/json", "text/turtle"):
        # PATH_INFO as a WSGI server passes it: the decoded path's bytes as latin-1 text (PEP 3333)
        path_info = (prefix + tail).encode("utf-8", "surrogatepass").decode("latin-1")
        resp = client.get("/", environ_overrides={"PATH_INFO": path_info}, query_string={"q": query, "programme": query, "sort": query,
                                                        "order": query, "query": query},
                          headers={"Accept": accept})
        assert_well_formed(resp, (prefix + tail, query))


@SETTINGS
@given(
    name=st.sampled_from(["Accept", "Content-Type", "X-Request-Id", "If-None-Match", "Origin", "Accept-Encoding",
                          "Content-Length", "Host", "Range", "Cookie"]),
    value=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=200),
)
def test_any_header_value(hostile_app, name, value):
    client = hostile_app.test_client()
    try:
        resp = client.get("/sparql", query_string={"query": "ASK {}"}, headers={name: value})
    except ValueError:  # werkzeug's client refuses to send some (e.g. a non-numeric Content-Length)
        return
    assert_well_formed(resp, (name, value))
    resp = client.get("/id/country/IT", headers={name: value})
    assert_well_formed(resp, (name, value))


# --- crashers: nesting and operator chains pyoxigraph cannot survive ---------------------------
def crashers() -> dict[str, str]:
    """Queries that crash pyoxigraph (stack overflow, SIGSEGV) when parsed: measured limits in safety.py."""
    n = 10_000
    return {
        "braces": "SELECT * WHERE " + "{" * n + "}" * n,
        "parentheses": "SELECT * WHERE { FILTER(" + "(" * n + "1" + ")" * n + ") }",
        "and chain": "SELECT * WHERE { FILTER(" + " && ".join(["true"] * n) + ") }",
        "plus chain": "SELECT * WHERE { BIND(" + "+".join(["1"] * n) + " AS ?x) }",
        "union chain": "SELECT * WHERE { " + " UNION ".join(["{?s ?p ?o}"] * n) + " }",
        "not chain": "SELECT * WHERE { FILTER(" + "!" * n + "true) }",
        "path chain": "SELECT * WHERE { ?s " + "/".join(["<urn:p>"] * n) + " ?o }",
        "sub-selects": "SELECT * WHERE { " + "{ SELECT * WHERE " * 3000 + "{?s ?p ?o}" + " }" * 3000 + " }",
        "lists": "SELECT * WHERE { ?s ?p " + "(" * 3000 + "1" + ")" * 3000 + " }",
        "blank nodes": "SELECT * WHERE { ?s ?p " + "[ ?p " * 3000 + "1" + " ]" * 3000 + " }",
    }


@pytest.mark.parametrize("name", list(crashers()))
def test_crashing_nesting_is_refused_before_any_parser(name):
    with pytest.raises(QueryRefused) as caught:
        check_complexity(crashers()[name])
    assert caught.value.status == 400 and caught.value.title == "Query Too Complex"


def test_complexity_limits_leave_real_queries_alone():
    from pathlib import Path

    queries = sorted((Path(__file__).resolve().parent.parent / "queries").rglob("*.rq"))
    assert queries
    for path in queries:
        check_complexity(path.read_text(encoding="utf-8"))  # no refusal
    # brackets, operators and keywords inside strings, IRIs and comments do not count
    check_complexity('SELECT * WHERE { ?s ?p "' + "(" * 5000 + '" } # ' + "{" * 5000)
    check_complexity("ASK { ?s <urn:x:" + "a(b)" * 3000 + "> ?o }")
    check_complexity("SELECT * WHERE " + "{" * MAX_NESTING + "}" * MAX_NESTING)
    with pytest.raises(QueryRefused):
        check_complexity("SELECT * WHERE " + "{" * (MAX_NESTING + 1) + "}" * (MAX_NESTING + 1))
    # the shortest text over the nesting cap is refused (a short query is not scanned at all)
    check_complexity("{" * MAX_NESTING)
    with pytest.raises(QueryRefused):
        check_complexity("{" * (MAX_NESTING + 1))
    check_complexity("ASK { FILTER(" + " && ".join(["true"] * (MAX_OPERATORS - 1)) + ") }")  # + { and (
    with pytest.raises(QueryRefused):
        check_complexity("ASK { FILTER(" + " && ".join(["true"] * (MAX_OPERATORS + 1)) + ") }")


# --- path traversal ------------------------------------------------------------------------------
TRAVERSALS = [
    "/download/../build-info.json", "/download/..%2fbuild-info.json", "/download/%2e%2e%2fbuild-info.json",
    "/download/%252e%252e%252fbuild-info.json", "/download/....//build-info.json", "/download/..\\build-info.json",
    "/download/..%5cbuild-info.json", "/download/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/download//etc/passwd",
    "/download/%2fetc%2fpasswd", "/download/store/CURRENT", "/download/.%2e/store/IDENTITY", "/download/.build.lock",
    "/download/%00eccp-kg.ttl", "/download/eccp-kg.ttl%00.png", "/download/eccp-kg.ttl/..",
    "/id/../../etc/passwd", "/id/..%2f..%2f..%2fetc%2fpasswd", "/graph/..%2f..%2fbuild-info.json",
    "/.well-known/genid/..%2f..%2fpyproject.toml", "/static/../../pyproject.toml", "/static/..%2f..%2fapp.py",
    "/static/%2e%2e/%2e%2e/errors.py", "/queries/..%2f..%2fpyproject.toml.rq", "/queries/../app.py",
    "/ontology/..%2f..%2fpyproject.toml", "/explore/..%2f..%2fserver%2fapp.py", "/explore/%2e%2e.json",
]
SECRETS = ("root:x:", "[project]", '"build_id"', "import ", "RocksDB", "def ")


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_reads_nothing(built_graph, path):
    from eccp_kg.server.app import create_app

    app = create_app({"IN_PROCESS": True, "STORE_DIR": str(built_graph.store_path)})
    resp = app.test_client().get(path)
    assert_well_formed(resp, path)
    assert resp.status_code in (400, 404, 308), (path, resp.status_code)
    text = resp.get_data(as_text=True)
    assert not any(secret in text for secret in SECRETS), (path, text[:300])


# --- SPARQL injection through every parameter pages turn into a query ---------------------------
INJECTIONS = [
    '" } UNION { ?s ?p ?o } #', "> } UNION { ?s ?p ?o } #", "x> ?p ?o } ; INSERT DATA { <a> <b> <c> } ; DROP ALL #",
    "\\u003e } UNION { ?s ?p ?o", "%3E%20%7D%20UNION%20%7B%20%3Fs%20%3Fp%20%3Fo", "ESCP\" || true || \"", "*",
    "<script>alert(1)</script>",
]


def injection_targets(payload: str) -> list[tuple[str, dict]]:
    """(path, query parameters) of every page whose parameters or path reach a query."""
    raw, payload = payload, quote(payload, safe="")  # in a path: percent-encoded, as a client sends it
    targets = [
        (f"/id/{payload}", {}), (f"/id/nuts/{payload}", {}), (f"/graph/{payload}", {}),
        (f"/.well-known/genid/{payload}", {}), (f"/ontology/{payload}", {}), (f"/queries/{payload}.rq", {}),
        ("/dataset", {"format": raw}), ("/sparql", {"format": raw}),
    ]
    payload = raw
    for slug in VIEWS:
        for params in ({"programme": payload}, {"sort": payload}, {"sort": "matrix.code", "order": payload}):
            targets.append((f"/explore/{slug}", params))
        targets.append((f"/explore/{slug}.json", {"programme": payload, "query": payload}))
        targets.append((f"/explore/{slug}.csv", {"query": payload}))
    return targets


@pytest.mark.parametrize("payload", INJECTIONS)
def test_sparql_injection_through_page_parameters(hostile_app, real_store, before, payload):
    """Each payload is a value, never SPARQL: a 4xx naming it, or the page as for any unknown value;
    never every triple of the graph, never a change."""
    client = hostile_app.test_client()
    total = len(real_store)
    for path, params in injection_targets(payload):
        resp = client.get(path, query_string=params, headers={"Accept": "text/html"})
        assert_well_formed(resp, (path, params))
        if path.startswith(("/id/", "/graph/", "/.well-known/")):
            assert resp.status_code in (404, 400, 308), (path, resp.status_code)
        body = resp.get_data(as_text=True)
        if resp.mimetype == "text/html":
            assert "<script>alert(1)</script>" not in body, (path, params)
        assert body.count("<tr") < total, (path, params)
    assert store_digest(real_store) == before


# --- HTML and script injection through labels ----------------------------------------------------
PAYLOAD = '</script><script>alert("eccp")</script>"><img src=x onerror=alert(1)>'
RAW_MARKERS = ('<script>alert("eccp")', "<img src=x onerror", "onerror=alert(1)>")


@pytest.fixture(scope="module")
def poisoned_app(built_graph):
    """The real graph with every plain or language-tagged literal (labels, names, notes) extended by
    an HTML/script payload, served in-process."""
    from eccp_kg.server.app import create_app

    store = ox.Store()
    store.load(path=str(built_graph.dumps_dir / "eccp-kg.nq"), format=ox.RdfFormat.N_QUADS)
    string = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
    poisoned = []
    for quad in store:
        o = quad.object
        if isinstance(o, ox.Literal) and (o.language or o.datatype == string):
            o = ox.Literal(o.value + PAYLOAD, language=o.language) if o.language else ox.Literal(o.value + PAYLOAD)
        poisoned.append(ox.Quad(quad.subject, quad.predicate, o, quad.graph_name))
    out = ox.Store()
    out.extend(poisoned)
    app = create_app({"IN_PROCESS": True}, store=out)
    return app, out


def page_paths(store: ox.Store) -> list[str]:
    """Every kind of page that shows labels: resources of each type, graphs, dataset, explorer."""
    from eccp_kg.graph.iris import base_iri

    base = base_iri()
    paths = ["/", "/queries", "/dataset", "/download/", "/explore"] + [f"/explore/{slug}" for slug in VIEWS]
    kinds: dict[str, str] = {}
    for quad in store:
        iri = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else ""
        if iri.startswith(base + "id/"):
            kind = "/".join(iri[len(base):].split("/")[:2])
            kinds.setdefault(kind, "/" + iri[len(base):])
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value.startswith(base + "graph/"):
            kinds.setdefault(quad.graph_name.value, "/" + quad.graph_name.value[len(base):])
    return paths + sorted(kinds.values())


def test_labels_cannot_inject_html_or_script(poisoned_app):
    app, store = poisoned_app
    client = app.test_client()
    paths = page_paths(store)
    assert len(paths) > 15 and any(p.startswith("/id/organisation") for p in paths), paths
    shown = 0
    for path in paths:
        resp = client.get(path, headers={"Accept": "text/html"})
        assert resp.status_code == 200, (path, resp.status_code)
        body = resp.get_data(as_text=True)
        for marker in RAW_MARKERS:
            assert marker not in body, (path, marker)
        shown += body.count("onerror=alert") + body.count("&lt;script&gt;alert")
    assert shown > 0  # the payload is on the pages, escaped (so the test looked at the right text)


def test_labels_in_explorer_exports_stay_data(poisoned_app):
    app, _ = poisoned_app
    client = app.test_client()
    for slug in VIEWS:
        resp = client.get(f"/explore/{slug}.json")
        assert resp.status_code == 200 and resp.mimetype == "application/json"
        json.loads(resp.get_data(as_text=True))  # still valid JSON with the payload inside strings


def test_error_pages_escape_what_the_client_sent(hostile_app):
    client = hostile_app.test_client()
    for path in ("/id/" + PAYLOAD, "/explore/" + PAYLOAD, "/queries/" + PAYLOAD + ".rq"):
        resp = client.get(path, headers={"Accept": "text/html"})
        assert resp.status_code in (400, 404)
        body = resp.get_data(as_text=True)
        assert not any(marker in body for marker in RAW_MARKERS), path
        assert re.search(r"&lt;script&gt;|&lt;img", body), path


# --- bodies without a length, oversized headers (server/guard.py) --------------------------------
def chunked_post(client, body: bytes, content_type: str = "application/sparql-query"):
    """A POST as granian hands a chunked body over: no CONTENT_LENGTH, the input terminated."""
    return client.post("/sparql", input_stream=__import__("io").BytesIO(body),
                       headers={"Content-Type": content_type, "Transfer-Encoding": "chunked"},
                       environ_overrides={"CONTENT_LENGTH": "", "wsgi.input_terminated": True})


def test_a_chunked_body_is_bounded_like_any_other(hostile_app):
    client = hostile_app.test_client()
    ok = chunked_post(client, b"ASK { ?s ?p ?o }")
    assert ok.status_code == 200 and ok.get_json()["boolean"] is True
    form = chunked_post(client, b"query=ASK+%7B%7D", "application/x-www-form-urlencoded")
    assert form.status_code == 200
    big = chunked_post(client, b"ASK {} #" + b"x" * 30000)  # the cap of hostile_app is 20000
    assert big.status_code == 413
    assert_well_formed(big)
    assert "20000" in big.get_json()["error"]["detail"]


def test_oversized_headers_are_431_in_the_error_shape(hostile_app):
    from eccp_kg.server.guard import MAX_HEADER_BYTES

    client = hostile_app.test_client()
    resp = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"X-Padding": "a" * MAX_HEADER_BYTES})
    assert resp.status_code == 431
    assert_well_formed(resp)
    many = {f"X-H{i}": "v" * 400 for i in range(90)}
    assert client.get("/health", headers=many).status_code == 431
    assert client.get("/health", headers={"X-Padding": "a" * 1000}).status_code == 200
