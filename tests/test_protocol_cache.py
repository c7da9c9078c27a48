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
    from eccp_kg.server.cache import CachedResult, ResultCache, footprint

    one = footprint("k0", CachedResult(b"x" * 90, "text/plain"))
    assert one > 90 + 100  # the body's length is not all an entry holds
    cache = ResultCache(4 * one)
    for i in range(10):
        cache.put(f"k{i}", CachedResult(b"x" * 90, "text/plain"))
    assert cache.size_bytes <= 4 * one and len(cache) == 4
    assert cache.get("k0") is None and cache.get("k9") is not None
    cache.put("big", CachedResult(b"x" * (one + 1), "text/plain"))  # over a quarter of the budget
    assert cache.get("big") is None
    assert cache.status() == {"entries": 4, "bytes": 4 * one, "max_bytes": 4 * one, "hits": 1, "misses": 2}


def test_result_cache_counts_what_its_entries_hold_in_memory():
    """The bound is on the memory the entries take (measured with tracemalloc), not their bodies'
    lengths: with query-text keys and bodies of a few kB, counting bodies alone held 1.4x the bound."""
    import tracemalloc

    from eccp_kg.server.cache import CachedResult, ResultCache

    cache = ResultCache(4 * 2**20)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(4000):
            key = ("build", "http://127.0.0.1/sparql", f"SELECT * WHERE {{ ?s ?p ?o }} # {i} " + "x" * 1300, (), (), "json", None)
            cache.put(key, CachedResult(bytes(3000 + i % 2000), "application/sparql-results+json"))
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert cache.size_bytes <= 4 * 2**20
    assert held <= cache.size_bytes * 1.05, (held, cache.size_bytes)  # what it counts is what it holds
    assert held >= cache.size_bytes * 0.8, (held, cache.size_bytes)  # and it does not overcount much


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
