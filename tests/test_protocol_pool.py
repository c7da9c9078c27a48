"""The worker pool behind /sparql: jobs, timeouts that kill and replace a worker, cancellation,
clean shutdown. Every wait here is bounded (`eventually`)."""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

import pyoxigraph as ox
import pytest

from eccp_kg.server.evaluator import Job, run_job
from eccp_kg.server.pool import StoreSource, WorkerPool, source_for

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(9)) + " }"
#: How long a slow job holds the only worker while another request waits for one (its timeout): long
#: beside the other request's 0.2 s wait, short enough that the test does not sit it out for long.
HOLD = 2.0


def job(query: str, fmt: str = "json", max_rows: int = 1000) -> Job:
    return Job(query, results_format=fmt, max_rows=max_rows, base_iri="http://localhost/sparql")


def eventually(condition: Callable[[], bool], what: str, seconds: float = 60.0) -> None:
    """Wait until `condition()` holds, failing the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {seconds:g} s")
        time.sleep(0.05)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purpose
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture()
def pool(fixture_store, fixture_data_files):
    p = WorkerPool(source_for(fixture_store, None, [str(f) for f in fixture_data_files]), size=2)
    yield p
    p.close()


def test_pool_answers_like_run_job(pool, fixture_store):
    q = job("SELECT ?s WHERE { ?s a ?c } ORDER BY ?s")
    assert pool.run(q, 30) == run_job(fixture_store, q)
    assert pool.idle == 2


def test_timeout_kills_and_replaces_the_worker(pool):
    before = set(pool.pids())
    out = pool.run(job(SLOW), 0.5)
    assert out.status == 503 and out.title == "Query Timeout" and "did not finish within 0.5 s" in out.detail
    assert out.extra == {"timeout": 0.5} and out.headers["Retry-After"]
    gone = before - set(pool.pids())
    assert len(gone) == 1 and not alive(gone.pop())  # the busy worker was killed
    eventually(lambda: pool.replacements == 1, "the killed worker is replaced")
    assert pool.run(job("ASK { ?s ?p ?o }"), 30).body == b'{"head":{},"boolean":true}'
    assert pool.idle == 2


def test_errors_come_back_as_outcomes(pool):
    out = pool.run(job("SELECT * WHERE { ?s ?p }"), 30)
    assert out.status == 400 and out.extra["line"] == 1
    out = pool.run(job("SELECT * WHERE { ?s ?p ?o }", max_rows=3), 30)
    assert out.status == 400 and out.title == "Result Too Large"


def test_close_stops_every_worker(fixture_store):
    p = WorkerPool(source_for(fixture_store, None, []), size=2)  # N-Quads copy of an in-memory store
    assert p.run(job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "csv"), 30).body == b"n\r\n21\r\n"
    pids = p.pids()
    p.close()
    assert pids and not any(alive(pid) for pid in pids)


def test_bad_source_fails_clearly(tmp_path):
    with pytest.raises(RuntimeError, match="could not open the data: .*nothing.ttl: no such file"):
        WorkerPool(StoreSource(data_files=(str(tmp_path / "nothing.ttl"),)), size=1)


def test_a_worker_that_dies_mid_query_is_a_500_and_is_replaced(pool):
    import signal

    idle_before = set(pool.pids())
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("out", pool.run(job(SLOW), 120)))
    t.start()
    eventually(lambda: len(pool.pids()) == 1, "the slow job takes one worker")
    busy = (idle_before - set(pool.pids())).pop()
    os.kill(busy, signal.SIGKILL)
    t.join(60)
    assert not t.is_alive()
    out = result["out"]
    assert out.status == 500 and out.title == "Query Worker Failed"
    eventually(lambda: pool.replacements == 1 and pool.idle == 2, "the dead worker is replaced")
    assert busy not in pool.pids()


def test_cancel_stops_the_running_query_and_replaces_its_worker(pool):
    idle_before = set(pool.pids())
    cancel = threading.Event()
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("out", pool.run(job(SLOW), 120, cancel)))
    t.start()
    eventually(lambda: len(pool.pids()) == 1, "the slow job takes one worker")
    busy = (idle_before - set(pool.pids())).pop()
    cancel.set()
    t.join(30)
    assert not t.is_alive(), "cancel must end the wait long before the 120 s timeout"
    assert result["out"].status == 499 and result["out"].title == "Query Cancelled"
    eventually(lambda: not alive(busy), "the cancelled query's worker is killed")
    eventually(lambda: pool.replacements == 1 and pool.idle == 2, "the cancelled worker is replaced")


def test_cancel_while_waiting_for_a_worker(fixture_store):
    p = WorkerPool(source_for(fixture_store, None, []), size=1)
    try:
        busy = threading.Thread(target=p.run, args=(job(SLOW), HOLD))
        busy.start()
        eventually(lambda: p.idle == 0, "the slow job takes the only worker")
        cancel = threading.Event()
        cancel.set()
        out = p.run(job("ASK {}"), 30, cancel)
        assert out.status == 499 and p.replacements == 0  # nothing ran, nothing was killed
        busy.join(60)
        assert not busy.is_alive()
    finally:
        p.close()


def test_a_query_over_the_memory_limit_is_503_and_the_worker_replaced(fixture_store):
    p = WorkerPool(source_for(fixture_store, None, []), size=1, memory_limit=300 * 1024 * 1024)
    try:
        # ORDER BY over a 21^5 cross product materialises everything before the first row
        huge = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o } ORDER BY ?a ?o"
        out = p.run(job(huge, max_rows=10**9), 120)
        assert out.status == 503 and out.title == "Query Too Expensive" and "300 MiB" in out.detail
        eventually(lambda: p.replacements == 1, "the aborted worker is replaced")
        assert p.run(job("ASK { ?s ?p ?o }"), 60).status == 200
    finally:
        p.close()


def test_no_free_worker_within_the_timeout(fixture_store):
    p = WorkerPool(source_for(fixture_store, None, []), size=1)
    try:
        result = {}
        t = threading.Thread(target=lambda: result.setdefault("out", p.run(job(SLOW), HOLD)))
        t.start()
        eventually(lambda: p.idle == 0, "the slow job takes the only worker")
        out = p.run(job("ASK {}"), 0.2)
        assert out.status == 503 and "no query worker became free within 0.2 s" in out.detail
        t.join(60)
        assert not t.is_alive()
        assert result["out"].status == 503 and f"did not finish within {HOLD:g} s" in result["out"].detail
    finally:
        p.close()


def test_workers_never_open_a_rebuilt_store(tmp_path, fixture_store):
    """A replacement worker must not serve another build than the one the server opened."""
    from eccp_kg.server.pool import store_identity

    store_dir = tmp_path / "store"
    disk = ox.Store(str(store_dir))
    disk.extend(fixture_store)
    disk.flush()
    del disk
    source = source_for(fixture_store, store_dir, [])
    assert source.identity and source.identity == store_identity(store_dir)
    p = WorkerPool(source, size=1, spares=0)  # no spare opened before the change
    try:
        assert p.run(job("ASK { ?s ?p ?o }"), 60).status == 200
        (store_dir / "IDENTITY").write_text("another-database\n", encoding="utf-8")  # as a rebuild would
        assert p.run(job(SLOW), 0.5).status == 503  # kills the only worker; its replacement sees the change
        eventually(lambda: p.broken is not None, "the replacement refuses the rebuilt store")
        assert "changed since the server started" in p.broken
        out = p.run(job("ASK { ?s ?p ?o }"), 60)
        assert out.status == 503 and out.title == "Store Changed" and "restart eccp-kg serve" in out.detail
        assert p.replacements == 0
    finally:
        p.close()


def test_a_spare_takes_a_killed_workers_place_at_once(fixture_store):
    p = WorkerPool(source_for(fixture_store, None, []), size=1, spares=1)
    try:
        assert p.status()["spare_workers"] == 1
        assert p.run(job(SLOW), 0.5).status == 503  # kills the only worker
        assert p.idle == 1 and p.status()["spare_workers"] == 0  # the spare is in its place already
        assert p.run(job("ASK { ?s ?p ?o }"), 60).status == 200
        eventually(lambda: p.status()["spare_workers"] == 1, "a new spare is started behind it")
        assert p.replacements == 1
    finally:
        p.close()


def test_a_small_store_is_served_from_memory_a_larger_one_from_disk_with_the_same_answers(tmp_path, fixture_store,
                                                                                        monkeypatch):
    from eccp_kg.server import pool as pool_mod

    store_dir = tmp_path / "store"
    disk = ox.Store(str(store_dir))
    disk.extend(fixture_store)
    disk.flush()
    del disk
    opened = ox.Store.read_only(str(store_dir))
    quads = len(opened)
    assert pool_mod.fits_in_memory(opened, quads) and not pool_mod.fits_in_memory(opened, quads - 1)
    small = source_for(opened, store_dir, [])
    monkeypatch.setattr(pool_mod, "MEMORY_QUADS", quads - 1)
    large = source_for(opened, store_dir, [])
    assert small.in_memory and not large.in_memory
    query = job("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o", fmt="tsv", max_rows=100_000)
    answers = []
    for source in (small, large):
        p = WorkerPool(source, size=1, spares=0)
        try:
            out = p.run(query, 60)
            assert out.status == 200, out.detail
            answers.append(out.body)
        finally:
            p.close()
    assert answers[0] == answers[1] and answers[0].count(b"\n") == quads + 1  # header line + one per quad


def test_the_workers_option_states_the_memory_threshold_the_pool_uses():
    from eccp_kg.server.config import SERVE_OPTIONS
    from eccp_kg.server.pool import MEMORY_QUADS

    meaning = next(o.meaning for o in SERVE_OPTIONS if o.flag == "--workers")
    assert f"at most {MEMORY_QUADS:,} quads" in meaning
