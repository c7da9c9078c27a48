"""A rebuild under a server with several HTTP processes switches them all at one instant (issue 11,
part 7), and a rebuild under another base IRI is served under that base without a restart.

Each HTTP process of `eccp-kg serve --http-processes 2` has its own generations; every request
looks where the store link points before it is pinned (server/reload.py). Reader threads open a
new connection per request, so their requests land on both processes, and record when each
request started and ended and which build answered. Across two rebuilds: no error, every answer
from one build (its id and its own triple count), and never the old build after the new one: no
request that started after another request had been answered by a newer build gets an older one,
whichever processes answered the two.

The watch interval is set far longer than the test (`--reload-interval 300`): the switches seen
here are made by requests following the link, which is what makes them one instant for all
processes (each process's own watch would switch it at its own tick)."""
from __future__ import annotations

import http.client
import json
import shutil
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
import requests

from eccp_kg.graph.sources import default_data_dir

pytestmark = pytest.mark.slow

ECCP_KG = str(Path(sys.executable).with_name("eccp-kg"))
OTHER_BASE = "https://example.org/rebuilt-kg/"
#: The build id (owl:versionInfo of B graph/meta, whatever B is) and the triple count, in one answer.
PROBE = """SELECT ?version ?n WHERE {
  { SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } }
  GRAPH ?meta { ?d <http://www.w3.org/2002/07/owl#versionInfo> ?version }
  FILTER(STRENDS(STR(?meta), "/graph/meta"))
}"""
PROBE_TARGET = "/sparql?" + urllib.parse.urlencode({"query": PROBE})
BUILD_SECONDS = 180
READERS = 4


def build(out: Path, data: Path, log: Path, *extra: str) -> tuple[str, int]:
    """`eccp-kg build` into `out`; the published build's (id, triple count)."""
    import subprocess

    with log.open("wb") as fh:
        code = subprocess.run([ECCP_KG, "build", "--out", str(out), "--data", str(data), *extra],
                              stdout=fh, stderr=subprocess.STDOUT, timeout=BUILD_SECONDS).returncode
    assert code == 0, log.read_text(errors="replace")
    info = json.loads((out / "build-info.json").read_text(encoding="utf-8"))
    return info["build_id"], info["triples"]


class Readers:
    """Threads sending the probe without pause, each on a new connection; every answer is kept
    as (started, ended, (build id, triples)), every failure as text."""

    def __init__(self, port: int):
        self.port = port
        self.answers: list[tuple[float, float, tuple[str, int]]] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(READERS)]
        for t in self.threads:
            t.start()

    def _run(self) -> None:
        deadline = time.monotonic() + 600  # bounded, whatever happens to the test
        while not self._stop.is_set() and time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            started = time.monotonic()
            try:
                conn.request("GET", PROBE_TARGET, headers={"Accept": "application/sparql-results+json",
                                                           "Connection": "close"})
                resp = conn.getresponse()
                body = resp.read()
                ended = time.monotonic()
                if resp.status != 200:
                    self.errors.append(f"{resp.status}: {body[:200]!r}")
                    continue
                (row,) = json.loads(body)["results"]["bindings"]
                self.answers.append((started, ended, (row["version"]["value"], int(row["n"]["value"]))))
            except (OSError, http.client.HTTPException, ValueError) as exc:
                self.errors.append(repr(exc))
            finally:
                conn.close()
            time.sleep(0.005)  # leave the builds some CPU

    def stop(self) -> None:
        self._stop.set()
        for t in self.threads:
            t.join(60)


def served(port: int) -> tuple[str, int]:
    resp = requests.get(f"http://127.0.0.1:{port}{PROBE_TARGET}", headers={"Connection": "close"}, timeout=30)
    assert resp.status_code == 200, resp.text
    (row,) = resp.json()["results"]["bindings"]
    return row["version"]["value"], int(row["n"]["value"])


def wait_served(port: int, build_: tuple[str, int]) -> None:
    deadline = time.monotonic() + 30
    while served(port) != build_:
        assert time.monotonic() < deadline, f"the server did not pick up build {build_}"
        time.sleep(0.05)


def older_after_newer(answers: list[tuple[float, float, tuple[str, int]]], order: dict[tuple[str, int], int]) -> list:
    """Answers from an older build to requests that started after some request had been
    answered from a newer one."""
    ends = sorted((ended, order[build_]) for _, ended, build_ in answers)
    bad, newest, i = [], -1, 0
    for started, _, build_ in sorted(answers):
        while i < len(ends) and ends[i][0] < started:
            newest = max(newest, ends[i][1])
            i += 1
        if order[build_] < newest:
            bad.append((started, build_))
    return bad


def test_every_http_process_switches_at_the_link_and_a_new_base_iri_is_served(tmp_path, start_server):
    data_b = tmp_path / "data-b"
    shutil.copytree(default_data_dir(), data_b, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    table = data_b / "it" / "2023" / "sectoral_agglomerations.csv"
    text = table.read_text(encoding="utf-8")
    table.write_text(text.replace("Households as employers act.", "Households as employers (rebuilt)", 1), encoding="utf-8")
    out = tmp_path / "build"
    a = build(out, Path(default_data_dir()), tmp_path / "build-a.log")
    server = start_server(["--store", str(out / "store"), "--http-processes", "2", "--workers", "2",
                           "--timeout", "20", "--reload-interval", "300"], tmp_path)
    readers = None
    try:
        # both HTTP processes are up and answering (new connections are spread over them)
        deadline, pids = time.monotonic() + 60, set()
        while len(pids) < 2:
            assert time.monotonic() < deadline, f"only HTTP processes {pids} answered"
            pids.add(requests.get(server.url + "/health", headers={"Connection": "close"}, timeout=30).json()["pid"])
        node = "/id/nuts/ITH4"
        page = requests.get(server.url + node, headers={"Accept": "text/turtle"}, timeout=30)
        assert page.status_code == 200 and "https://w3id.org/eccp-kg/id/nuts/ITH4" in page.text
        readers = Readers(server.port)
        time.sleep(1.0)
        b = build(out, data_b, tmp_path / "build-b.log")
        wait_served(server.port, b)
        time.sleep(1.0)
        c = build(out, Path(default_data_dir()), tmp_path / "build-c.log", "--base-iri", OTHER_BASE)
        wait_served(server.port, c)
        time.sleep(1.0)
        readers.stop()
        # the new base is served without a restart: the same path is the new build's resource
        page = requests.get(server.url + node, headers={"Accept": "text/turtle"}, timeout=30)
        assert page.status_code == 200, page.text[:300]
        assert OTHER_BASE + "id/nuts/ITH4" in page.text and "https://w3id.org/eccp-kg/id/" not in page.text
        html = requests.get(server.url + node, headers={"Accept": "text/html"}, timeout=30)
        assert html.status_code == 200 and OTHER_BASE + "id/nuts/ITH4" in html.text
        health = [requests.get(server.url + "/health", headers={"Connection": "close"}, timeout=30).json()
                  for _ in range(8)]
    finally:
        if readers is not None:
            readers.stop()
        server.stop()
    assert len({a, b, c}) == 3 and a[1] == b[1]  # three builds; a and b differ only in one label
    assert readers.errors == [], readers.errors[:5]
    builds = [answer for _, _, answer in readers.answers]
    assert set(builds) <= {a, b, c}, set(builds) - {a, b, c}  # never a mix of two builds
    assert {a, b, c} <= set(builds), "the readers did not read across both switches"
    bad = older_after_newer(readers.answers, {a: 0, b: 1, c: 2})
    assert bad == [], f"{len(bad)} answers from an older build after a newer one had been served: {bad[:5]}"
    assert all(h["status"] == "ok" and h["reloads"] == 2 for h in health), health
