"""The worker processes that run user queries, so a query past its timeout can be killed.

pyoxigraph cannot cancel a running query, so each worker process holds its own read-only
handle on the store (or, for a build of at most MEMORY_QUADS quads, its own copy in memory). The server thread sends a `Job`, waits at most the timeout (or until
the caller's cancel event is set) for the `Outcome`, and otherwise kills that worker, starts
a replacement in the background and returns a 503 (or 499) outcome before any result byte
is sent. Other requests keep using the other workers meanwhile. `WorkerPool` implements the
`evaluator.Evaluator` interface (docs/architecture.md).
Jobs and outcomes cross the pipes as server/messages.py encodes them."""
from __future__ import annotations

import itertools
import logging
import math
import os
import pickle
import queue
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .evaluator import Job, Outcome, cancelled_outcome, timeout_outcome
from .messages import decode_outcome, encode_job

log = logging.getLogger("eccp_kg.server.pool")


class StoreChanged(RuntimeError):
    """The store directory holds another database than the one the server opened."""


def store_identity(store_dir: str | Path) -> str | None:
    """The RocksDB IDENTITY of a store directory (unique per database), None if absent."""
    try:
        return (Path(store_dir) / "IDENTITY").read_text(encoding="utf-8").strip()
    except OSError:
        return None


#: A store directory with at most this many quads is copied into each worker's memory: pyoxigraph
#: answers there about twice as fast as from RocksDB (one process, alternating, a 9136-quad build:
#: uncached lookups 124 -> 55 us, the count by class 1390 -> 780 us), for about 0.1 s more per
#: worker start. Larger stores are read from disk (read-only), so memory stays bounded.
MEMORY_QUADS = 100_000


def fits_in_memory(store: ox.Store, limit: int | None = None) -> bool:
    """Whether the store holds at most `limit` (default MEMORY_QUADS) quads; counts no further than that."""
    limit = MEMORY_QUADS if limit is None else limit
    return sum(1 for _ in itertools.islice(store, limit + 1)) <= limit


# Where a worker gets its data from.
@dataclass(frozen=True)
class StoreSource:
    """How a worker process opens the served data: a store directory (read-only, or copied into
    memory when `in_memory`), data files, or an N-Quads dump of an in-memory store."""

    store_dir: str | None = None
    data_files: tuple[str, ...] = ()
    nquads: bytes | None = None
    identity: str | None = None  # RocksDB IDENTITY of the store the server opened
    in_memory: bool = False  # copy the store directory into memory (small builds: MEMORY_QUADS)

    def open(self) -> ox.Store:
        """Open the data in the worker (read-only for a store directory)."""
        if self.store_dir is not None:
            if self.identity is not None and store_identity(self.store_dir) != self.identity:
                raise StoreChanged(
                    f"the store at {self.store_dir} changed since the server started (rebuilt?); "
                    "restart eccp-kg serve to serve the new build"
                )
            disk = ox.Store.read_only(self.store_dir)
            if not self.in_memory:
                return disk
            store = ox.Store()
            store.bulk_extend(disk)  # quad by quad: blank nodes keep their ids (a parsed dump renames them)
            return store
        if self.data_files:
            from eccp_kg.graph.dataset import load_data_files

            return load_data_files(self.data_files)
        store = ox.Store()
        if self.nquads:
            store.load(self.nquads, format=ox.RdfFormat.N_QUADS)
        return store


def source_for(store: ox.Store, store_dir: Path | None, data_files: list[str] | tuple[str, ...]) -> StoreSource:
    """The cheapest way for workers to get the same data the server process serves."""
    if store_dir is not None:  # workers must open this very database, not a later rebuild
        return StoreSource(store_dir=str(store_dir), identity=store_identity(store_dir),
                           in_memory=fits_in_memory(store))
    if data_files:
        return StoreSource(data_files=tuple(str(f) for f in data_files))
    return StoreSource(nquads=store.dump(format=ox.RdfFormat.N_QUADS))


class _Worker:
    """One worker process (`python -m eccp_kg.server.worker`) and the two pipes to it.

    A plain subprocess, not multiprocessing.Process: spawn would re-import the parent's
    __main__ (a console script, granian's CLI, a notebook ...), and fork is unsafe in a
    threaded server. The pipes are multiprocessing Connections, so the standard library frames
    the messages."""

    def __init__(self, source: StoreSource, memory_limit: int = 0):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "eccp_kg.server.worker", str(to_child_r), str(from_child_w), str(memory_limit)],
                pass_fds=(to_child_r, from_child_w),
                stdin=subprocess.DEVNULL,
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.sender = Connection(to_child_w, readable=False)
        self.conn = Connection(from_child_r, writable=False)
        # one poll object per worker: Connection.poll builds a selector on every call
        self._poller = select.poll()
        self._poller.register(from_child_r, select.POLLIN)
        self.sender.send(source)

    def send(self, job: Job) -> None:
        """Hand the worker a job (it answers on `conn`)."""
        self.sender.send_bytes(encode_job(job))

    def fileno(self) -> int:
        """The descriptor the worker's answer arrives on (readable: answer or end)."""
        return self.conn.fileno()

    def wait_answer(self, timeout: float) -> bool:
        """Whether the worker's answer (or its end: the pipe closes) arrived within `timeout` s."""
        return bool(self._poller.poll(max(math.ceil(timeout * 1000), 0)))

    def read_answer(self) -> Outcome:
        """The worker's outcome (EOFError when the worker has gone)."""
        return decode_outcome(self.conn.recv_bytes())

    def wait_ready(self, timeout: float) -> None:
        """Wait until the worker has opened the data. StoreChanged when the store was rebuilt,
        RuntimeError with the worker's reason otherwise."""
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError("query worker did not start in time")
        try:
            status, error = self.conn.recv()
        except (EOFError, OSError, pickle.UnpicklingError):
            self.kill()
            raise RuntimeError("query worker exited while starting") from None
        if status != "ready":
            self.kill()
            if isinstance(error, StoreChanged):
                raise error
            raise RuntimeError(f"query worker could not open the data: {type(error).__name__}: {error}")

    def exit_code(self) -> int | None:
        """The process's exit status once it has ended (negative = killed by that signal)."""
        try:
            return self.process.wait(5)
        except subprocess.TimeoutExpired:
            return None

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """Stop the process now (it may be in the middle of a query) and close the pipes."""
        try:
            self.process.kill()
            self.process.wait(5)
        finally:
            self.sender.close()
            self.conn.close()


#: How often a wait looks at the caller's cancel event (only when one is given).
CANCEL_POLL_SECONDS = 0.05


class WorkerPool:
    """A fixed number of worker processes; a worker killed on timeout is replaced in the background.

    Idle workers wait in a FIFO queue, so requests get workers in the order they asked."""

    def __init__(self, source: StoreSource, size: int = 2, start_timeout: float = 120.0, memory_limit: int = 0,
                 spares: int = 1):
        """`memory_limit`: bytes of heap per worker (RLIMIT_DATA), 0 = unlimited; a query that
        needs more makes its worker abort, which the client sees as 503 Query Too Expensive.

        `spares`: started workers kept aside; one takes a killed worker's place at once (a
        new process needs 1-2 s to start and open the store), so stopping abandoned or runaway
        queries never leaves the next request waiting for a start."""
        if size < 1:
            raise ValueError("the worker pool needs at least one worker")
        self.size = size
        self._source = source
        # C SimpleQueue: a waiting get costs one lock, not queue.Queue's Python Conditions
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._idle_set: set[_Worker] = set()  # the same workers, listable (pids())
        self._lock = threading.Lock()
        self._closed = False
        self._start_timeout = start_timeout
        self.memory_limit = memory_limit
        self.broken: str | None = None  # why replacements stopped (the store changed)
        self.replacements = 0
        self._all: set[_Worker] = set()  # every live worker, busy, idle or spare (for close())
        self._spares: list[_Worker] = []  # ready, not handed out: they replace killed workers at once
        workers = [_Worker(source, memory_limit) for _ in range(size + max(spares, 0))]
        self._all.update(workers)
        try:
            for n, worker in enumerate(workers):
                worker.wait_ready(start_timeout)
                if n < size:
                    self._release(worker)
                else:
                    self._spares.append(worker)
        except Exception:
            self.close()
            raise

    def _release(self, worker: _Worker) -> None:
        """Make a worker available for the next job."""
        self._idle_set.add(worker)
        self._idle.put(worker)

    @property
    def idle(self) -> int:
        """Workers ready for a job now (== size when the pool is whole and quiet)."""
        return self._idle.qsize()

    def pids(self) -> list[int]:
        """Process ids of idle workers (for tests and the health check)."""
        return [w.pid for w in list(self._idle_set)]

    def status(self) -> dict[str, Any]:
        """The pool's state for /health."""
        return {"workers": self.size, "idle_workers": self.idle, "spare_workers": len(self._spares),
                "replaced_workers": self.replacements, "worker_pids": self.pids(), "store_changed": self.broken}

    def _replace(self, as_spare: bool = False) -> None:
        """Start one worker to take a killed one's place, or a promoted spare's (runs in a
        background thread)."""
        while not self._closed:
            worker = None
            try:
                worker = _Worker(self._source, self.memory_limit)
                with self._lock:
                    self._all.add(worker)
                worker.wait_ready(self._start_timeout)
            except StoreChanged as exc:  # permanent: never serve a mix of builds
                with self._lock:
                    self._all.discard(worker)
                self.broken = str(exc)
                log.error("query worker not replaced: %s", exc)
                return
            except Exception:
                if worker is not None:
                    with self._lock:
                        self._all.discard(worker)
                log.exception("could not start a replacement query worker; retrying")
                time.sleep(1.0)
                continue
            if self._closed:
                worker.kill()
                return
            with self._lock:
                self.replacements += 1
                if as_spare:
                    self._spares.append(worker)
            if not as_spare:
                self._release(worker)
            return

    def _discard(self, worker: _Worker) -> None:
        """Kill a worker; a spare takes its place now, and a new process is started behind it."""
        with self._lock:
            self._all.discard(worker)
            spare = self._spares.pop() if self._spares else None
        if spare is not None:
            self._release(spare)
        worker.kill()
        threading.Thread(target=self._replace, args=(spare is not None,), name="eccp-kg-worker-replacement",
                         daemon=True).start()

    def _take(self, deadline: float, cancel: threading.Event | None) -> _Worker | None:
        """An idle worker, or None when the deadline passed or the caller cancelled."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (cancel is not None and cancel.is_set()):
                return None
            try:
                worker = self._idle.get(timeout=remaining if cancel is None else min(remaining, CANCEL_POLL_SECONDS))
            except queue.Empty:
                continue
            self._idle_set.discard(worker)
            return worker

    def _await(self, worker: _Worker, deadline: float, cancel: threading.Event | None) -> str:
        """Wait for the worker's answer: "answer", "timeout" or "cancelled"."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout"  # settle() looks once more
            if worker.wait_answer(remaining if cancel is None else min(remaining, CANCEL_POLL_SECONDS)):
                return "answer"
            if cancel is not None and cancel.is_set():
                return "cancelled"

    def run(self, job: Job, timeout: float, cancel: threading.Event | None = None) -> Outcome:
        """Evaluate a job on a free worker within `timeout` seconds (waiting for a worker
        included). Setting `cancel` stops the wait and kills the worker running the job."""
        deadline = time.monotonic() + timeout
        if self.broken is not None and not self._all:
            return Outcome(503, title="Store Changed", detail=f"No query worker is left: {self.broken}.")
        worker = self._take(deadline, cancel)
        if worker is None:
            if cancel is not None and cancel.is_set():
                return cancelled_outcome()
            return timeout_outcome(f"no query worker became free within {timeout:g} s (all are busy)", timeout)
        try:
            worker.send(job)
        except OSError:
            return self.settle(worker, "answer", timeout)  # a worker that died idle: reported as its end
        return self.settle(worker, self._await(worker, deadline, cancel), timeout)

    def try_take(self) -> _Worker | None:
        """An idle worker now, or None (never waits: the RSGI path's event loop must not block;
        it sends the job, awaits the answer on `_Worker.fileno` and hands the wait's end to `settle`)."""
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:
            return None
        self._idle_set.discard(worker)
        return worker

    def settle(self, worker: _Worker, waited: str, timeout: float) -> Outcome:
        """The outcome of a job sent to `worker` once the wait ended ("answer", "timeout" or
        "cancelled"): the answer (the worker is idle again), or the worker is killed and replaced."""
        if waited == "timeout" and worker.wait_answer(0):
            waited = "answer"  # it came just as the time ran out
        if waited != "answer":
            self._discard(worker)
            if waited == "cancelled":
                return cancelled_outcome()
            return timeout_outcome(f"it did not finish within {timeout:g} s", timeout)
        try:
            outcome = worker.read_answer()
        except (EOFError, OSError):
            code = worker.exit_code()
            self._discard(worker)
            if code == -signal.SIGABRT and self.memory_limit:
                return Outcome(
                    503,
                    title="Query Too Expensive",
                    detail=f"The query needed more than the {self.memory_limit // (1024 * 1024)} MiB of memory a query "
                    "may use and was stopped; narrow it (LIMIT, more specific patterns, no ORDER BY over huge results).",
                )
            return Outcome(500, title="Query Worker Failed", detail="The worker evaluating the query stopped unexpectedly; it has been replaced.")
        self._release(worker)
        return outcome

    def close(self) -> None:
        """Stop every worker process, idle or busy."""
        self._closed = True
        with self._lock:
            workers, self._all = list(self._all), set()
        for worker in workers:
            try:
                worker.kill()
            except OSError:
                pass
