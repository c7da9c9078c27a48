"""Crash safety and rebuilds under a running server (issue 11, part 7).

One real `eccp-kg serve` runs on a build folder for the whole test while reader threads query
it without pause. `eccp-kg build` into that folder is killed with SIGKILL at ten or more points
(some at random times, most at random moments inside the stages that write: store, dumps,
publish); after each kill the folder still holds a complete build that agrees with itself and the
server still answers from a complete build. Then builds run to the end, the server switches to
each new build without a restart, and no reader ever sees an error or a mix of two builds:
every answer carries one build's id and that same build's triple count."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from eccp_kg.graph.sources import default_data_dir

pytestmark = pytest.mark.slow

ECCP_KG = str(Path(sys.executable).with_name("eccp-kg"))
META = "https://w3id.org/eccp-kg/graph/meta"
MARK = "(rebuilt edition)"
#: One answer, three facts that must come from the same build: its id, its size and whether a
#: label of the second data set is there.
PROBE = f"""SELECT ?version ?n ?marked WHERE {{
  {{ SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} }}
  {{ SELECT (COUNT(?l) AS ?marked) WHERE {{ GRAPH ?g {{ ?s ?p ?l FILTER(isLiteral(?l) && CONTAINS(STR(?l), "{MARK}")) }} }} }}
  GRAPH <{META}> {{ ?d <http://www.w3.org/2002/07/owl#versionInfo> ?version }}
}}"""
KILLS = 10
BUILD_SECONDS = 180  # any one build; a build that takes longer fails the test instead of hanging it


def probe_store(store_dir: Path) -> tuple[str, int, int]:
    store = ox.Store.read_only(str(store_dir))
    (row,) = list(store.query(PROBE))
    return row["version"].value, int(row["n"].value), int(row["marked"].value)


def answer(row: dict) -> tuple[str, int, int]:
    return row["version"]["value"], int(row["n"]["value"]), int(row["marked"]["value"])


def probe_server(server) -> tuple[str, int, int]:
    resp = requests.get(server.sparql, params={"query": PROBE}, timeout=30)
    assert resp.status_code == 200, resp.text
    (row,) = resp.json()["results"]["bindings"]
    return answer(row)


def folder_state(out: Path) -> tuple[str, int, int]:
    """The live build of a folder, checked to agree with itself: store, build-info.json, dumps."""
    version, n, marked = probe_store(out / "store")
    info = json.loads((out / "build-info.json").read_text(encoding="utf-8"))
    assert info["build_id"] == version, "build-info.json and the store are from different builds"
    assert info["triples"] == n
    for dump in info["dumps"]:
        assert (out / "dumps" / dump["file"]).stat().st_size == dump["byte_size"]
    return version, n, marked


@pytest.fixture(scope="module")
def datas(tmp_path_factory) -> dict[str, Path]:
    """Two source folders that build different graphs of the same size: the shipped data, and a
    copy with one agglomeration label changed."""
    root = tmp_path_factory.mktemp("rebuild-data")
    other = root / "data"
    shutil.copytree(default_data_dir(), other, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    table = other / "it" / "2023" / "sectoral_agglomerations.csv"
    text = table.read_text(encoding="utf-8")
    assert "Households as employers act." in text
    table.write_text(text.replace("Households as employers act.", f"Households as employers {MARK}", 1), encoding="utf-8")
    return {"a": Path(default_data_dir()), "b": other}


def start_build(out: Path, data: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen([ECCP_KG, "build", "--out", str(out), "--data", str(data)],
                            stdout=log.open("wb"), stderr=subprocess.STDOUT)


def build(out: Path, data: Path, log: Path) -> None:
    proc = start_build(out, data, log)
    try:
        assert proc.wait(BUILD_SECONDS) == 0, log.read_text(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def wait_for_line(log: Path, marker: str, proc: subprocess.Popen) -> bool:
    """Wait until the build's output has `marker` (True) or the build ended (False)."""
    deadline = time.monotonic() + BUILD_SECONDS
    while time.monotonic() < deadline:
        if marker in log.read_text(errors="replace"):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.02)
    raise AssertionError(f"the build never reached {marker!r}")


class Readers:
    """Threads querying the server without pause; they record every answer or error."""

    def __init__(self, server, count: int = 3):
        self.server, self.answers, self.errors = server, [], []
        self._stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(count)]
        for t in self.threads:
            t.start()

    def _run(self) -> None:
        session = requests.Session()
        while not self._stop.is_set():
            try:
                resp = session.get(self.server.sparql, params={"query": PROBE}, timeout=30)
                if resp.status_code != 200:
                    self.errors.append(f"{resp.status_code}: {resp.text[:200]}")
                    continue
                (row,) = resp.json()["results"]["bindings"]
                self.answers.append(answer(row))
                page = session.get(self.server.url + "/dataset", headers={"Accept": "text/html"}, timeout=30)
                if page.status_code != 200:
                    self.errors.append(f"/dataset {page.status_code}: {page.text[:200]}")
            except requests.RequestException as exc:
                self.errors.append(repr(exc))
            time.sleep(0.01)

    def stop(self) -> None:
        self._stop.set()
        for t in self.threads:
            t.join(60)


def test_kill_9_anywhere_then_rebuilds_switch_a_running_server_atomically(tmp_path, datas, start_server):
    out = tmp_path / "build"
    started = time.monotonic()
    build(out, datas["a"], tmp_path / "build-a.log")
    seconds = time.monotonic() - started  # random kill times fall inside a build as long as this one
    a = folder_state(out)
    server = start_server(["--store", str(out / "store"), "--workers", "2", "--timeout", "20",
                           "--http-processes", "1", "--reload-interval", "0.2"], tmp_path)
    readers = Readers(server)
    rng = random.Random(11)
    try:
        assert probe_server(server) == a
        # 1. kill -9 at random points: a few at random times, the rest inside the writing stages
        stages = {"SHACL validation ...": 0.3, "] store ...": 0.2, "] dumps ...": 0.02}  # marker: kill within (s)
        triggers = [None, None, None] + list(stages) * 3
        kills = 0
        for i in range(KILLS * 3):  # bounded: a kill that came too late (the build ended) is retried
            if kills >= KILLS:
                break
            trigger = triggers[i % len(triggers)]
            log = tmp_path / f"killed-{i}.log"
            proc = start_build(out, datas["b"], log)
            try:
                if trigger is None:
                    time.sleep(rng.uniform(0.05, max(0.1, 0.8 * seconds)))
                elif not wait_for_line(log, trigger, proc):
                    continue
                else:
                    time.sleep(rng.uniform(0.0, stages[trigger]))
                if proc.poll() is None:
                    os.kill(proc.pid, signal.SIGKILL)
                    kills += 1
            finally:
                proc.wait(30)
            live = folder_state(out)  # complete and self-consistent after every kill
            assert live == a or live[2] > 0, live  # the old build, or the complete new one
            assert probe_server(server) in (a, live)
        assert kills >= KILLS
        # 2. the next build succeeds, and the running server serves it without a restart
        build(out, datas["b"], tmp_path / "build-b.log")
        b = folder_state(out)
        assert b != a and b[2] > 0 and a[2] == 0
        deadline = time.monotonic() + 30
        while probe_server(server) != b:
            assert time.monotonic() < deadline, "the server did not pick up the new build"
            time.sleep(0.1)
        # 3. and back, while the readers keep reading
        seen = len(readers.answers)
        build(out, datas["a"], tmp_path / "build-a2.log")
        deadline = time.monotonic() + 30
        while probe_server(server) != a:
            assert time.monotonic() < deadline, "the server did not pick up the rebuild"
            time.sleep(0.1)
        time.sleep(1.0)
    finally:
        readers.stop()
        health = requests.get(server.url + "/health", timeout=30).json()
        server.stop()
    assert readers.errors == [], readers.errors[:5]
    assert set(readers.answers) <= {a, b}, set(readers.answers) - {a, b}  # never a mix of two builds
    assert {a, b} <= set(readers.answers[seen:]) | {b}  # the readers were reading across the switch
    assert a in readers.answers[seen:]
    assert health["status"] == "ok" and health["store_changed"] is None and health["reloads"] >= 2
    assert len(list((out / ".builds").iterdir())) <= 2  # the killed builds' leftovers are gone
