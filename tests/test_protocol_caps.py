"""The caps of /sparql, in-process: rows, triples and result bytes in every format, and the request size."""
from __future__ import annotations

import pytest

from tests.sparql_requests import ALL, CONSTRUCT, LABELS, make_client


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


@pytest.mark.parametrize("query", [ALL, "CONSTRUCT WHERE { ?s ?p ?o }"])
def test_result_byte_bound_stops_serialisation(fixture_store, query):
    c = make_client(fixture_store, MAX_RESULT_BYTES=600)
    r = c.get("/sparql", query_string={"query": query})
    assert r.status_code == 400
    err = r.get_json()["error"]
    assert err["title"] == "Result Too Large" and err["limit_bytes"] == 600 and "600 bytes" in err["detail"]
    assert c.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("rows", [3, 4, 5])
def test_row_cap_is_exact_when_values_look_like_row_boundaries(fmt, rows):
    """JSON and XML rows are counted from the bytes (evaluator._row_bound) unless that count passes the cap;
    values that hold the bytes counted (`},{`, `<result>`) raise the count, and the exact count then decides."""
    import pyoxigraph as ox

    from eccp_kg.server.evaluator import Job, run_job

    tricky = '"},{\\"a\\":{},{<result><result/></result>},{"'
    values = " ".join(f"({n} {tricky})" for n in range(rows))
    query = f"SELECT ?n ?v WHERE {{ VALUES (?n ?v) {{ {values} }} }}"
    outcome = run_job(ox.Store(), Job(query, results_format=fmt, max_rows=4))
    assert outcome.status == (200 if rows <= 4 else 400), outcome.detail
    if rows <= 4:
        assert len(list(ox.parse_query_results(outcome.body, format=ox.QueryResultsFormat.from_media_type(
            "application/sparql-results+" + fmt)))) == rows
