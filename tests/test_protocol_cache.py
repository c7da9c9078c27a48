"""Caching at /sparql, in-process: ETags and 304, the bounded result cache (server/cache.py), which repeats
headers and body and never keeps an error."""
from __future__ import annotations

from tests.sparql_requests import B, LABELS, make_client


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
