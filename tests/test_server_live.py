"""The real server (`eccp-kg serve` subprocess, waitress, worker processes) over HTTP."""
from __future__ import annotations

import socket
import threading

import pytest
import requests

# 21 triples to the 9th power: far beyond any timeout, on any machine.
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(9)) + " }"
QUICK = "SELECT ?s WHERE { ?s a <http://www.w3.org/2004/02/skos/core#Concept> } ORDER BY ?s"


def test_query_over_http(live_server):
    r = requests.get(live_server + "/sparql", params={"query": QUICK}, timeout=30)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/sparql-results+json")
    assert [b["s"]["value"] for b in r.json()["results"]["bindings"]] == [
        "https://w3id.org/eccp-kg/id/ecosystem/alpha",
        "https://w3id.org/eccp-kg/id/ecosystem/gamma",
    ]
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    posted = requests.post(live_server + "/sparql", data=QUICK.encode(), headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"}, timeout=30)
    assert posted.status_code == 200 and posted.text.splitlines()[0] == "s"


def test_etag_round_trip(live_server):
    q = {"query": QUICK + " LIMIT 1"}
    first = requests.get(live_server + "/sparql", params=q, timeout=30)
    again = requests.get(live_server + "/sparql", params=q, headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
    assert again.status_code == 304 and again.content == b""


def test_timeout_is_503_while_others_are_served(live_server):
    """The slow query blocks one worker; a quick query still answers while it runs; the slow one
    gets 503 before any result byte; the killed worker is replaced (the pool is whole again)."""
    before = requests.get(live_server + "/health", timeout=30).json()
    slow: dict = {}
    started = threading.Event()

    def run_slow():
        started.set()
        slow["resp"] = requests.post(live_server + "/sparql", data={"query": PATHOLOGICAL}, timeout=120)

    t = threading.Thread(target=run_slow)
    t.start()
    assert started.wait(30)
    quick_answers = []
    # quick queries (distinct so the cache cannot answer them) are answered while the slow one runs
    for i in range(3):
        r = requests.get(live_server + "/sparql", params={"query": QUICK + f" LIMIT {i + 1}"}, timeout=30)
        quick_answers.append((r.status_code, t.is_alive()))
    t.join(150)  # the request itself times out after 120 s
    assert not t.is_alive()
    assert all(code == 200 for code, _ in quick_answers)
    assert quick_answers[0][1], "the first quick query must finish while the slow one is still running"
    resp = slow["resp"]
    assert resp.status_code == 503
    err = resp.json()["error"]
    assert err["title"] == "Query Timeout" and "3 s" in err["detail"]
    assert resp.headers["Retry-After"]
    # the pool recovers: poll /health until the replacement worker is ready
    for _ in range(600):
        health = requests.get(live_server + "/health", timeout=30).json()
        if health["replaced_workers"] > before["replaced_workers"] and health["idle_workers"] == health["workers"]:
            break
        threading.Event().wait(0.1)
    assert health["idle_workers"] == health["workers"] == 2
    assert health["replaced_workers"] == before["replaced_workers"] + 1
    assert requests.get(live_server + "/sparql", params={"query": QUICK + " LIMIT 7"}, timeout=30).status_code == 200


def test_service_makes_no_outgoing_request(live_server):
    """A SERVICE to a listening local socket is refused before evaluation: nobody connects."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.setblocking(False)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        r = requests.get(live_server + "/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"}, timeout=30)
        assert r.status_code == 403 and "No request was made" in r.json()["error"]["detail"]
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_caps_over_http(live_server):
    r = requests.get(live_server + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=30)
    assert r.status_code == 400 and r.json()["error"]["limit"] == 15
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30000
    r = requests.post(live_server + "/sparql", data=big.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert r.status_code == 413 and "at most 20000" in r.json()["error"]["detail"]


def test_update_refused_over_http(live_server):
    r = requests.post(live_server + "/sparql", data="CLEAR ALL", headers={"Content-Type": "application/sparql-update"}, timeout=30)
    assert r.status_code == 403
    count = requests.get(live_server + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}, timeout=30)
    assert count.json()["results"]["bindings"][0]["n"]["value"] == "21"


def test_method_not_allowed_and_preflight(live_server):
    r = requests.delete(live_server + "/sparql", timeout=30)
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
    pre = requests.options(live_server + "/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}, timeout=30)
    assert pre.status_code == 200 and pre.headers["Access-Control-Allow-Origin"] == "*"


def test_service_description_over_http(live_server):
    r = requests.get(live_server + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert r.status_code == 200 and "sd:Service" in r.text and live_server + "/sparql" in r.text


def test_serve_reports_bad_data_file(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    script = Path(sys.executable).with_name("eccp-kg")
    out = subprocess.run([str(script), "serve", "--data", str(bad), "--port", "1"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    assert "bad.ttl" in out.stderr and "syntax error" in out.stderr
    missing = subprocess.run([str(script), "serve", "--store", str(tmp_path / "nostore"), "--port", "1"], capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and "no store directory" in missing.stderr
    unknown = subprocess.run([str(script), "serve", "--data", str(tmp_path / "x.yaml"), "--port", "1"], capture_output=True, text=True, timeout=120)
    assert unknown.returncode == 1 and "unknown RDF file suffix" in unknown.stderr


# --- errors and large results over the real server ------------------------------------------
def test_query_errors_have_the_one_shape(live_server):
    """Errors of evaluated GET queries have the one error shape, are never cached, carry CORS."""
    r = requests.get(live_server + "/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}, headers={"Accept": "text/plain"}, timeout=30)
    assert r.status_code == 400 and r.headers["Content-Type"].startswith("text/plain")
    assert r.text.startswith("400 Query Syntax Error") and r.headers["Cache-Control"] == "no-store"
    assert "X-Cache" not in r.headers and r.headers["Access-Control-Allow-Origin"] == "*"
    refused = requests.get(live_server + "/sparql", params={"query": "SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }"}, timeout=30)
    assert refused.status_code == 403 and refused.json()["error"]["title"] == "SERVICE Not Allowed"


def test_get_timeout_stops_the_query_once(live_server):
    """A GET past the timeout gets 503 (in the error shape) and costs exactly one worker:
    the query is evaluated once, not retried."""
    before = requests.get(live_server + "/health", timeout=30).json()
    r = requests.get(live_server + "/sparql", params={"query": PATHOLOGICAL + " # get"}, timeout=120)
    assert r.status_code == 503 and r.json()["error"]["title"] == "Query Timeout" and r.headers["Retry-After"]
    for _ in range(600):
        health = requests.get(live_server + "/health", timeout=30).json()
        # whole again: a spare took the killed worker's place at once, and its own successor started
        if health["idle_workers"] == health["workers"] and health["spare_workers"] == before["spare_workers"]:
            break
        threading.Event().wait(0.1)
    assert health["replaced_workers"] == before["replaced_workers"] + 1


def test_large_result_crosses_the_worker_pipe_intact(live_server):
    """A result of several MiB (many pipe reads between worker and server) arrives whole."""
    doublings = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(15))
    query = f'SELECT ?v15 WHERE {{ BIND("0123456789abcdef" AS ?v0) {doublings} }}'
    r = requests.get(live_server + "/sparql", params={"query": query}, headers={"Accept": "text/tab-separated-values"}, timeout=60)
    assert r.status_code == 200
    header, value = r.text.rstrip("\n").split("\n")
    assert header == "?v15" and value == '"' + "0123456789abcdef" * 2**15 + '"'
