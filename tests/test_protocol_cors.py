"""CORS at /sparql, in-process: any origin without credentials by default, or only the configured ones."""
from __future__ import annotations

from tests.sparql_requests import ASK_ANY, make_client


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


def test_cors_configured_origins(fixture_store):
    c = make_client(fixture_store, CORS_ORIGINS=["https://ok.example"])
    r = c.get("/sparql", query_string={"query": ASK_ANY}, headers={"Origin": "https://ok.example"})
    assert r.headers["Access-Control-Allow-Origin"] == "https://ok.example" and "Origin" in r.headers["Vary"]
    r = c.get("/sparql", query_string={"query": ASK_ANY}, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in r.headers
    off = make_client(fixture_store, CORS_ORIGINS=[])
    assert "Access-Control-Allow-Origin" not in off.get("/sparql", query_string={"query": ASK_ANY}, headers={"Origin": "https://ok.example"}).headers
