"""Runaway queries against the REAL server (issue 11, part 4): each ends by the timeout (503 with a
clear message, before any result byte) or by the row / byte cap (400 Result Too Large naming the
limit); afterwards no worker is stuck, no process leaked, and memory is back to its level."""
from __future__ import annotations

import os
import time

import pytest
import requests

from bench.load import process_tree, rss_bytes

pytestmark = pytest.mark.slow

TEN = " ".join(str(i) for i in range(10))
RUNAWAY = {
    "cross join": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "deep property path": "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:x>|!<urn:x>)* ?b . ?b (<urn:x>|!<urn:x>)* ?c }",
    "huge result": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }",
    "huge CONSTRUCT": "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }",
    "ORDER BY over everything": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY DESC(?c) ?f ?a",
    "10^10 COUNT": "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"VALUES ?v{i} {{ {TEN} }}" for i in range(10)) + " }",
    "long strings": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f BIND(CONCAT(STR(?c), STR(?f), STR(?c)) AS ?x) "
                    "FILTER(STRLEN(?x) > 1000000) }",
}
ENDINGS = {("503", "query_timeout"), ("503", "query_too_expensive"), ("400", "result_too_large")}


@pytest.fixture(scope="module")
def server(start_server, served_build, tmp_path_factory):
    srv = start_server(["--store", str(served_build / "store"), "--workers", "2", "--timeout", "2",
                        "--http-processes", "1", "--max-rows", "5000", "--max-result-bytes", "2000000",
                        "--worker-memory", str(512 * 1024 * 1024)], tmp_path_factory.mktemp("runaway"))
    try:
        yield srv
    finally:
        srv.stop()


def workers_of(server) -> list[int]:
    return [pid for pid, cmd in process_tree(server.process.pid).items() if "eccp_kg.server.worker" in cmd]


def settle(server, seconds: float = 60.0) -> dict:
    """Wait until the pool is whole and quiet again (bounded)."""
    deadline = time.monotonic() + seconds
    while True:
        health = requests.get(server.url + "/health", timeout=30).json()
        if health["idle_workers"] == health["workers"] and health.get("spare_workers", 1) >= 1:
            return health
        assert time.monotonic() < deadline, f"the pool did not settle: {health}"
        time.sleep(0.2)


def test_every_runaway_query_ends_by_timeout_or_cap_and_leaves_nothing_behind(server):
    # warm up: every worker has answered once, the app has served its pages
    for _ in range(6):
        assert requests.get(server.sparql, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                            timeout=30).status_code == 200
    requests.get(server.url + "/dataset", timeout=30)
    settle(server)
    processes_before = len(workers_of(server))
    memory_before = rss_bytes(process_tree(server.process.pid))
    for name, query in RUNAWAY.items():
        started = time.monotonic()
        resp = requests.get(server.sparql, params={"query": query}, timeout=60,
                            headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9"})
        seconds = time.monotonic() - started
        err = resp.json()["error"]  # an error document, not a partial result
        assert (str(resp.status_code), err["code"]) in ENDINGS, (name, resp.status_code, err)
        assert resp.headers["Cache-Control"] == "no-store"
        if resp.status_code == 503:
            assert resp.headers.get("Retry-After") and "stopped" in err["detail"] or "memory" in err["detail"], name
        else:
            assert "limit" in err or "limit_bytes" in err, name
        assert seconds < 30, (name, seconds)
        settle(server)
    health = settle(server)
    assert health["replaced_workers"] >= 1  # some were killed: the test did reach the timeout path
    assert len(workers_of(server)) == processes_before  # no leaked or missing worker process
    memory_after = rss_bytes(process_tree(server.process.pid))
    assert memory_after <= memory_before * 1.10 + 30 * 1024 * 1024, (memory_before, memory_after)
    # and the endpoint still answers normally
    ok = requests.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert ok.status_code == 200 and ok.json()["boolean"] is True
    assert os.path.exists(f"/proc/{server.process.pid}")
