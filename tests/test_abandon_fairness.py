"""Abandoned queries and fairness against the REAL server (issue 11, parts 1 and 2).

Clients are told apart by their address: all traffic goes to 127.0.0.1, from source addresses
127.0.0.2, 127.0.0.3 ... (the whole of 127/8 is the loopback on Linux). The latency figures
are the issue's own acceptance bounds (a small query under 1 s after two abandoned heavy ones;
p50 < 100 ms and p99 < 500 ms for a second client while a first one floods), unchanged.

They are measured by the server (its `Server-Timing: app;dur=` header: from the request reaching
the app to its answer being ready, waits for a thread and a query worker included), because
that is what the issue bounds: how long the endpoint makes a client wait while others flood or
abandon queries. The test process's own view adds its scheduling on a machine that may be
running other suites (measured at a load average of 13-15 on 2 cores: second client p99 25 ms
in the server, 65 ms at the client; the small query after the abandoned ones 32-40 ms in the
server, 50-153 ms at the client); it is reported with each failure and held to a hang bound. Each measurement is
preceded by a warm-up of the same small queries (first-use costs of the query checks)."""
from __future__ import annotations

import http.client
import json
import socket
import statistics
import threading
import time
import urllib.parse

import pytest
import requests

pytestmark = pytest.mark.slow

#: A cross join of the whole graph with itself three times: runs until it is stopped.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def server(start_server, served_build, tmp_path_factory):
    srv = start_server(["--store", str(served_build / "store"), "--workers", "2", "--timeout", "30",
                        "--http-processes", "1", "--threads", "16", "--queue-timeout", "5"],
                       tmp_path_factory.mktemp("fair"))
    try:
        yield srv
    finally:
        srv.stop()


def health(server) -> dict:
    return requests.get(server.url + "/health", timeout=30).json()


def get(server, query: str, source: str, timeout: float = 60, open_conns: list | None = None) -> tuple[int, dict, bytes, float]:
    """GET /sparql?query= from `source` (an address of 127/8): status, headers, body, seconds.
    The connection is put in `open_conns` while it is open (so another thread can drop it)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout, source_address=(source, 0))
    if open_conns is not None:
        open_conns.append(conn)
    started = time.monotonic()
    try:
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}),
                     headers={"Accept": "application/sparql-results+json"})
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, resp.headers, body, time.monotonic() - started  # headers: case-insensitive
    finally:
        conn.close()
        if open_conns is not None:
            open_conns.remove(conn)


def server_seconds(headers) -> float:
    """The server's own time for a request (Server-Timing: app;dur=MS, server/rsgi.py)."""
    timing = headers.get("Server-Timing") or ""
    assert timing.startswith("app;dur="), f"no Server-Timing in {dict(headers)}"
    return float(timing.removeprefix("app;dur=").split(",")[0]) / 1000


#: A client-side view longer than this is a hang, whatever the machine's load.
HANG_SECONDS = 10.0


def warm_up(server, source: str) -> None:
    for i in range(5):
        status, _, _, _ = get(server, f'ASK {{ ?s ?p "{i}-warm-up" }}', source)
        assert status == 200


def send_and_drop_later(server, query: str, source: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10, source_address=(source, 0))
    sock.sendall(f"GET /sparql?{urllib.parse.urlencode({'query': query})} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    return sock


def eventually(condition, what: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_abandoned_queries_are_cancelled_and_a_small_query_answers_at_once(server):
    warm_up(server, "127.0.0.4")
    before = health(server)["replaced_workers"]
    socks = [send_and_drop_later(server, HEAVY, "127.0.0.2"), send_and_drop_later(server, HEAVY, "127.0.0.3")]
    eventually(lambda: health(server)["idle_workers"] == 0, "both heavy queries are running")
    time.sleep(1.0)
    for sock in socks:  # the clients give up
        sock.close()
    status, headers, body, seconds = get(server, "ASK { ?s a ?type }", "127.0.0.4")
    assert status == 200 and json.loads(body)["boolean"] is True
    took = server_seconds(headers)  # a worker had to be freed by cancelling: else it waits ~30 s
    assert took < 1.0, f"the small query took {took:.2f} s in the server ({seconds:.2f} s seen by the client)"
    assert seconds < HANG_SECONDS
    # both workers were killed (cancelled, not finished) and are replaced
    eventually(lambda: health(server)["replaced_workers"] >= before + 2, "both abandoned queries' workers replaced")
    eventually(lambda: health(server)["idle_workers"] == 2, "the pool is whole again")


def test_one_client_cannot_hold_every_worker_and_others_stay_fast(server):
    stop = threading.Event()
    flood: list[int] = []
    refusals: list[dict] = []
    conns: list = []

    def flooder() -> None:
        while not stop.is_set():
            try:
                status, headers, body, _ = get(server, HEAVY, "127.0.0.5", timeout=60, open_conns=conns)
            except (OSError, http.client.HTTPException):
                continue  # dropped by the test at the end
            flood.append(status)
            if status == 503:
                refusals.append({"retry_after": headers.get("Retry-After"), **json.loads(body)["error"]})
                time.sleep(0.2)

    threads = [threading.Thread(target=flooder, daemon=True) for _ in range(8)]
    for t in threads:
        t.start()
    try:
        eventually(lambda: health(server)["idle_workers"] <= 1, "the flood holds a worker")
        time.sleep(0.5)
        assert health(server)["idle_workers"] == 1  # one client never holds the last worker
        warm_up(server, "127.0.0.6")
        latencies, seen, errors = [], [], []
        for i in range(120):
            status, headers, body, seconds = get(server, f'ASK {{ ?s ?p "{i}-fair" }}', "127.0.0.6")
            if status == 200:
                latencies.append(server_seconds(headers))
                seen.append(seconds)
            else:
                errors.append((status, body[:200]))
        assert errors == []
        p50, p99 = statistics.median(latencies), statistics.quantiles(latencies, n=100)[98]
        c50, c99 = statistics.median(seen), statistics.quantiles(seen, n=100)[98]
        assert p50 < 0.100 and p99 < 0.500, (f"server: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms "
                                              f"(client: p50 {c50 * 1000:.0f} ms, p99 {c99 * 1000:.0f} ms)")
        assert max(seen) < HANG_SECONDS
    finally:
        stop.set()
        for conn in list(conns):  # the flooder gives up: its queries are cancelled
            if conn.sock is not None:
                conn.sock.shutdown(socket.SHUT_RDWR)
        for t in threads:
            t.join(60)
    # the flood's extra queries were refused quickly and clearly, never left waiting unbounded
    assert refusals and all(r["status"] == 503 and r["code"] == "too_many_queries" and r["retry_after"] for r in refusals)
    assert all(status in (200, 503) for status in flood)
    eventually(lambda: health(server)["idle_workers"] == 2, "the flood's workers are stopped and replaced")


def test_the_refusal_is_bounded_in_time(server):
    """A client over its share waits at most --queue-timeout (5 s here), then 503 with Retry-After."""
    sock = send_and_drop_later(server, HEAVY, "127.0.0.7")
    try:
        eventually(lambda: health(server)["idle_workers"] <= 1, "the heavy query runs")
        status, headers, body, seconds = get(server, HEAVY, "127.0.0.7")
        assert status == 503 and headers.get("Retry-After")
        assert json.loads(body)["error"]["code"] == "too_many_queries"
        assert 4.0 < seconds < 15.0
    finally:
        sock.close()
    eventually(lambda: health(server)["idle_workers"] == 2, "the dropped query's worker is replaced")
