"""The worker processes that run user queries, so a query past its timeout can be killed.

pyoxigraph cannot cancel a running query, so each worker process holds its own read-only
handle on the store. The server thread sends a `Job`, waits at most the timeout for the
serialised bytes, and on timeout kills that worker, starts a replacement in the background
and answers 503 before any result byte is sent. Other requests keep using the other
workers meanwhile."""
from __future__ import annotations

import logging
import marshal
import math
import os
import pickle
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from .evaluator import Job, Outcome

log = logging.getLogger("eccp_kg.server.pool")


class StoreChanged(RuntimeError):
    """The store directory holds another database than the one the server opened."""


def store_identity(store_dir: str | Path) -> str | None:
    """The RocksDB IDENTITY of a store directory (unique per database), None if absent."""
    try:
        return (Path(store_dir) / "IDENTITY").read_text(encoding="utf-8").strip()
    except OSError:
        return None


# Where a worker gets its data from.
@dataclass(frozen=True)
class StoreSource:
    """How a worker process opens the served data: a store directory (read-only), data files,
    or an N-Quads dump of an in-memory store."""

    store_dir: str | None = None
    data_files: tuple[str, ...] = ()
    nquads: bytes | None = None
    identity: str | None = None  # RocksDB IDENTITY of the store the server opened

    def open(self) -> ox.Store:
        """Open the data in the worker (read-only for a store directory)."""
        if self.store_dir is not None:
            if self.identity is not None and store_identity(self.store_dir) != self.identity:
                raise StoreChanged(
                    f"the store at {self.store_dir} changed since the server started (rebuilt?); "
                    "restart eccp-kg serve to serve the new build"
                )
            return ox.Store.read_only(self.store_dir)
        if self.data_files:
            from .dataset import load_data_files

            return load_data_files(self.data_files)
        store = ox.Store()
        if self.nquads:
            store.load(self.nquads, format=ox.RdfFormat.N_QUADS)
        return store


def source_for(store: ox.Store, store_dir: Path | None, data_files: list[str] | tuple[str, ...]) -> StoreSource:
    """The cheapest way for workers to get the same data the server process serves."""
    if store_dir is not None:  # workers must open this very database, not a later rebuild
        return StoreSource(store_dir=str(store_dir), identity=store_identity(store_dir))
    if data_files:
        return StoreSource(data_files=tuple(str(f) for f in data_files))
    return StoreSource(nquads=store.dump(format=ox.RdfFormat.N_QUADS))


# The wire format between the server and its workers. Jobs and outcomes are flat records of
# str/bytes/int/tuple/frozenset/dict values, so marshal (a few us) encodes them instead of
# pickling dataclass objects; an outcome whose extra fields marshal cannot take falls back to
# pickle. Both ends are this package, so the format needs no versioning.
_MARSHAL, _PICKLE = b"M", b"P"
_READ_SIZE = 1 << 16  # one read takes a whole small answer (pipe buffers hold 64 KiB)


def encode_job(job: Job) -> bytes:
    """A job as bytes for Connection.send_bytes (fields in declaration order)."""
    return marshal.dumps(tuple(job.__dict__.values()))


def decode_job(data: bytes) -> Job:
    """The job `encode_job` encoded."""
    return Job(*marshal.loads(data))


def encode_outcome(outcome: Outcome) -> bytes:
    """An outcome as bytes (marshal, or pickle when an extra field needs it)."""
    try:
        return _MARSHAL + marshal.dumps(tuple(outcome.__dict__.values()))
    except ValueError:
        return _PICKLE + pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)


def decode_outcome(data: bytes) -> Outcome:
    """The outcome `encode_outcome` encoded."""
    if data[:1] == _MARSHAL:
        return Outcome(*marshal.loads(memoryview(data)[1:]))
    return pickle.loads(memoryview(data)[1:])


def read_message(fd: int) -> bytes:
    """The next message on a pipe, in as few reads as possible (usually one).

    Same framing as Connection.send_bytes (4-byte big-endian length, or -1 and an 8-byte
    one). Both ends keep at most one message in flight, so reading ahead cannot take part of
    the next. EOFError when the other end has gone."""
    buf = _fill(fd, b"", 4)
    size, header = struct.unpack("!i", buf[:4])[0], 4
    if size == -1:
        buf = _fill(fd, buf, 12)
        size, header = struct.unpack("!Q", buf[4:12])[0], 12
    return _fill(fd, buf, header + size)[header:]


def _fill(fd: int, buf: bytes, n: int) -> bytes:
    """`buf` extended from `fd` to at least `n` bytes (reads of 64 KiB to 1 MiB); EOFError at EOF."""
    parts, got = [buf], len(buf)
    while got < n:
        chunk = os.read(fd, min(max(n - got, _READ_SIZE), 1 << 20))
        if not chunk:
            raise EOFError("the query worker closed its pipe")
        parts.append(chunk)
        got += len(chunk)
    return parts[0] if len(parts) == 1 else b"".join(parts)


class QueryTimeout(Exception):
    """The query ran past the timeout (its worker was killed) or no worker became free in time."""


class _Worker:
    """One worker process (`python -m eccp_kg.server.worker`) and the two pipes to it.

    A plain subprocess, not multiprocessing: spawn would re-import the parent's __main__
    (a console script, gunicorn, a notebook ...), and fork is unsafe in a threaded server."""

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

    def wait_answer(self, timeout: float) -> bool:
        """Whether the worker's answer (or its end: the pipe closes) arrived within `timeout` s."""
        return bool(self._poller.poll(max(math.ceil(timeout * 1000), 0)))

    def read_answer(self) -> bytes:
        """The worker's next message (EOFError when the worker has gone)."""
        return read_message(self.conn.fileno())

    def wait_ready(self, timeout: float) -> None:
        """Wait until the worker has opened the data; RuntimeError with its reason otherwise."""
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError("query worker did not start in time")
        try:
            status, message = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise RuntimeError("query worker exited while starting") from None
        if status != "ready":
            self.kill()
            raise RuntimeError(f"query worker could not open the data: {message}")

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


class WorkerPool:
    """A fixed number of worker processes; a worker killed on timeout is replaced in the background."""

    def __init__(self, source: StoreSource, size: int = 2, start_timeout: float = 120.0, memory_limit: int = 0):
        """`memory_limit`: bytes of heap per worker (RLIMIT_DATA), 0 = unlimited; a query that
        needs more makes its worker abort, which the client sees as 503 Query Too Expensive."""
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
        self._all: set[_Worker] = set()  # every live worker, busy or idle (for close())
        workers = [_Worker(source, memory_limit) for _ in range(size)]
        self._all.update(workers)
        try:
            for worker in workers:
                worker.wait_ready(start_timeout)
                self._release(worker)
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

    def _replace(self) -> None:
        """Start one worker to take a killed one's place (runs in a background thread)."""
        while not self._closed:
            worker = None
            try:
                worker = _Worker(self._source, self.memory_limit)
                with self._lock:
                    self._all.add(worker)
                worker.wait_ready(self._start_timeout)
            except Exception as exc:
                if worker is not None:
                    with self._lock:
                        self._all.discard(worker)
                if StoreChanged.__name__ in str(exc):  # permanent: never serve a mix of builds
                    self.broken = str(exc)
                    log.error("query worker not replaced: %s", exc)
                    return
                log.exception("could not start a replacement query worker; retrying")
                time.sleep(1.0)
                continue
            if self._closed:
                worker.kill()
                return
            with self._lock:
                self.replacements += 1
            self._release(worker)
            return

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()
        threading.Thread(target=self._replace, name="eccp-kg-worker-replacement", daemon=True).start()

    def run(self, job: Job, timeout: float) -> Outcome:
        """Run a job on a free worker within `timeout` seconds (waiting for a worker included)."""
        deadline = time.monotonic() + timeout
        if self.broken is not None and not self._all:
            return Outcome(503, title="Store Changed", detail=f"No query worker is left: {self.broken}.")
        try:
            worker = self._idle.get(timeout=timeout)
            self._idle_set.discard(worker)
        except queue.Empty:
            raise QueryTimeout(f"no query worker became free within {timeout:g} s (all are busy)") from None
        try:
            worker.send(job)
            remaining = max(deadline - time.monotonic(), 0.0)
            if not worker.wait_answer(remaining):
                self._discard(worker)
                raise QueryTimeout(f"the query did not finish within {timeout:g} s and was stopped")
            outcome = decode_outcome(worker.read_answer())
        except (EOFError, OSError, BrokenPipeError):
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
