"""A remote backend drops the HTTP request of a query nobody waits for, keeps its connections alive,
and follows a pushed build's graph list (issue 10 part 1), against the real Oxigraph server.

The build is pushed (`eccp-kg push`) into `oxigraph serve` on a free 127.0.0.1 port (bench/servers.py).
Whether a request to the engine is still open is read from the kernel: the TCP connections of a
process group to the engine's port in state ESTABLISHED (/proc/PID/net/tcp and the fds of each
process), so the test sees the connection itself close, not a flag of ours."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
import requests

from bench import servers
from eccp_kg.server.app import create_app
from eccp_kg.server.backends import remote
from eccp_kg.server.evaluator import Job

pytestmark = pytest.mark.slow

#: A cross join of the whole graph with itself twice: the engine needs minutes for it.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
JSON = "application/sparql-results+json"
EXTRA = "urn:eccp-kg:test:extra-graph"  # not http(s): FROM may name it only once the build lists it


@pytest.fixture(scope="module")
def engine(served_build: Path):
    with servers.oxigraph_store() as engine:
        pushed = subprocess.run([servers.venv_tool("eccp-kg"), "push", servers.gsp_url(engine), "--store",
                                 str(served_build / "store"), "--quiet"], capture_output=True, text=True, timeout=300)
        assert pushed.returncode == 0, pushed.stderr
        yield engine


def engine_port(engine) -> int:
    return int(urllib.parse.urlsplit(engine.endpoint).port)


def established_to(port: int, pids: list[int]) -> set[int]:
    """Local ports of the ESTABLISHED TCP connections the processes `pids` hold to 127.0.0.1:`port`."""
    found: set[int] = set()
    for pid in pids:
        inodes = set()
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    if m := re.fullmatch(r"socket:\[(\d+)\]", os.readlink(f"/proc/{pid}/fd/{fd}")):
                        inodes.add(m.group(1))
                except OSError:  # closed meanwhile (listdir's own fd, for one)
                    pass
            lines = Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]
        except OSError:  # the process ended meanwhile
            continue
        for line in lines:
            fields = line.split()
            local, peer, state, inode = fields[1], fields[2], fields[3], fields[9]
            if state == "01" and inode in inodes and int(peer.split(":")[1], 16) == port:
                found.add(int(local.split(":")[1], 16))
    return found


def group_pids(pgid: int) -> list[int]:
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.getpgid(int(name)) == pgid:
                    pids.append(int(name))
            except OSError:
                pass
    return pids


def heavy_job() -> Job:
    return Job(query=HEAVY, results_format="json")


def test_a_cancelled_remote_query_drops_its_request_within_a_second(engine):
    dataset = remote.RemoteDataset(engine.endpoint)
    evaluator = dataset.evaluator_factory()
    port, me = engine_port(engine), [os.getpid()]
    cancel = threading.Event()
    outcome: list = []
    runner = threading.Thread(target=lambda: outcome.append(evaluator.run(heavy_job(), 120.0, cancel)), daemon=True)
    runner.start()
    deadline = time.monotonic() + 30
    while not established_to(port, me):  # the request is on its way
        assert time.monotonic() < deadline, "the heavy query never reached the engine"
        time.sleep(0.05)
    time.sleep(0.5)
    assert runner.is_alive(), f"the heavy query ended by itself: {outcome}"
    cancelled_at = time.monotonic()
    cancel.set()
    runner.join(5)
    assert not runner.is_alive(), "run() did not return after cancel"
    assert time.monotonic() - cancelled_at < 1.0
    assert (outcome[0].status, outcome[0].title) == (499, "Query Cancelled")
    assert established_to(port, me) == set(), "the connection to the engine is still open"
    # the next query opens a new connection (the dropped one is never reused) and answers
    answer = evaluator.run(Job(query="ASK { ?s ?p ?o }", results_format="json"), 30.0)
    assert answer.status == 200 and b"true" in answer.body
    dataset.engine.client.close()


def test_a_remote_query_past_its_timeout_drops_its_request(engine):
    dataset = remote.RemoteDataset(engine.endpoint)
    evaluator = dataset.evaluator_factory()
    started = time.monotonic()
    outcome = evaluator.run(heavy_job(), 0.5)
    assert outcome.status == 503 and outcome.title == "Query Timeout"
    assert time.monotonic() - started < 2.0
    assert established_to(engine_port(engine), [os.getpid()]) == set()
    dataset.engine.client.close()


def test_remote_queries_share_one_kept_alive_connection(engine):
    dataset = remote.RemoteDataset(engine.endpoint)
    evaluator = dataset.evaluator_factory()
    for n in range(20):
        answer = evaluator.run(Job(query=f"ASK {{ ?s ?p ?o }} # {n}", results_format="json"), 30.0)
        assert answer.status == 200
        dataset.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1")
    assert dataset.engine.client.opened == 1, "a new connection per query instead of one kept alive"
    assert len(established_to(engine_port(engine), [os.getpid()])) == 1
    dataset.engine.client.close()


def test_an_abandoned_client_drops_the_servers_request_to_the_engine(engine, start_server, tmp_path):
    server = start_server(["--backend", engine.endpoint, "--timeout", "120"], tmp_path)
    try:
        port, pids = engine_port(engine), group_pids(server.process.pid)
        client = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        client.sendall(f"GET /sparql?{urllib.parse.urlencode({'query': HEAVY})} HTTP/1.1\r\n"
                       f"Host: 127.0.0.1\r\nAccept: {JSON}\r\n\r\n".encode())
        time.sleep(1.0)  # the server has sent the query to the engine (it runs for minutes)
        open_before = established_to(port, pids)
        assert open_before, "the server holds no connection to the engine while the query runs"
        dropped_at = time.monotonic()
        client.close()  # the client gives up
        while established_to(port, pids) >= open_before:
            assert time.monotonic() - dropped_at < 1.0, "the request to the engine outlived its client by 1 s"
            time.sleep(0.02)
        # the server answers the next client at once, on a new connection
        answer = requests.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": JSON}, timeout=30)
        assert answer.status_code == 200 and answer.json()["boolean"] is True
    finally:
        server.stop()


def test_the_from_allowed_graphs_follow_a_pushed_build(engine, monkeypatch):
    """FROM may name a non-http graph only if the build lists it: the list is read again when the
    remote build id changes (another build pushed), not once per process."""
    monkeypatch.setattr(remote, "BUILD_ID_SECONDS", 0.0)
    client = create_app({"TESTING": True, "BACKEND": engine.endpoint, "IN_PROCESS": True}).test_client()
    query = f"SELECT ?o FROM <{EXTRA}> WHERE {{ ?s ?p ?o }}"
    refused = client.get("/sparql", query_string={"query": query}, headers={"Accept": JSON})
    assert refused.status_code == 400 and refused.json["error"]["title"] == "Dataset IRI Not Allowed"
    meta = remote.RemoteDataset(engine.endpoint).meta_graph
    update = f"""PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX void: <http://rdfs.org/ns/void#>
        INSERT DATA {{ GRAPH <{EXTRA}> {{ <urn:eccp-kg:test:s> <urn:eccp-kg:test:p> "pushed later" }} }} ;
        DELETE {{ GRAPH <{meta}> {{ ?d owl:versionInfo ?v }} }}
        INSERT {{ GRAPH <{meta}> {{ ?d owl:versionInfo "another-build" ; void:subset <{EXTRA}> }} }}
        WHERE {{ GRAPH <{meta}> {{ ?d owl:versionInfo ?v }} }}"""
    done = requests.post(engine.endpoint.removesuffix("/query") + "/update", data={"update": update}, timeout=30)
    assert done.status_code in (200, 204), done.text
    answered = client.get("/sparql", query_string={"query": query}, headers={"Accept": JSON})
    assert answered.status_code == 200, answered.json
    assert [b["o"]["value"] for b in answered.json["results"]["bindings"]] == ["pushed later"]
