"""`eccp-kg serve --http-processes N`: granian's worker processes on one listening socket.

Real processes over HTTP: both processes answer, SIGTERM stops every process (server and
query workers) with status 0, and an HTTP process dying stops the whole server (status 1)."""
from __future__ import annotations

import os
import signal
import time

import pytest
import requests

QUERY = "SELECT ?s WHERE { ?s a <http://www.w3.org/2004/02/skos/core#Concept> } ORDER BY ?s"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie no longer runs: it only waits for its parent to collect it
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _processes(url: str, want: int = 2, attempts: int = 2000) -> dict[int, list[int]]:
    """HTTP process id -> its query worker ids, from /health over fresh connections until
    `want` processes have answered (or `attempts` requests were made)."""
    seen: dict[int, list[int]] = {}
    for _ in range(attempts):
        health = requests.get(url + "/health", headers={"Connection": "close"}, timeout=30).json()
        assert health["status"] == "ok"
        seen[health["pid"]] = health["worker_pids"]
        if len(seen) >= want:
            break
    return seen


@pytest.fixture()
def two_processes(start_server, fixture_data_files, tmp_path):
    args = ["--data", *map(str, fixture_data_files), "--http-processes", "2", "--workers", "1", "--timeout", "5"]
    server = start_server(args, tmp_path)
    try:
        yield server
    finally:
        server.stop()


def test_every_process_serves_and_sigterm_stops_all(two_processes):
    server = two_processes
    seen = _processes(server.url)
    assert len(seen) == 2, f"only {sorted(seen)} answered"
    assert server.process.pid not in seen  # the parent only supervises
    for _ in range(6):  # distinct texts: evaluated, not cached
        r = requests.get(server.sparql, params={"query": QUERY + f" # {_}"}, headers={"Connection": "close"}, timeout=30)
        assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 2
    pids = [*seen, *(w for workers in seen.values() for w in workers)]
    assert len(pids) == 4 and all(_alive(p) for p in pids)
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(60) == 0
    assert [p for p in pids if _alive(p)] == []
    assert "2 HTTP processes" in server.output()


def test_a_dying_process_stops_the_server(two_processes):
    server = two_processes
    seen = _processes(server.url)
    assert len(seen) == 2
    victim, other = sorted(seen)
    os.kill(victim, signal.SIGKILL)
    assert server.process.wait(60) == 1
    assert not _alive(other) and [w for w in seen[other] if _alive(w)] == []
    assert "Unexpected exit from worker" in server.output()  # granian says so
    # the killed process's workers see their pipe close and leave on their own
    for _ in range(600):
        if not any(_alive(w) for w in seen[victim]):
            break
        time.sleep(0.1)
    assert [w for w in seen[victim] if _alive(w)] == []
