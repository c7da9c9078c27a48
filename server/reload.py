"""Serving a new build without a restart, atomically per request.

`eccp-kg build` publishes a build by replacing one symlink (graph/layout.py), so the store path
the server was given (``build/store``) names a new, complete folder from one instant to the
next. The server watches that path (`Watcher`, every ``--reload-interval`` seconds). When it
names another store, the server opens it read-only, starts query workers on it and only then
makes it current: a `Generation` is that dataset with its evaluator, and the switch is one
assignment under a lock.

With several HTTP processes (``--http-processes``), each has its own generations, so the watch
alone would let each process switch at its own tick: a client whose requests land on two
processes could see the new build and then the old one. So every request also looks where the
store path points now (`Watcher.follow`: one ``stat`` through the links, about a microsecond)
before it is pinned; if that is another build than the current generation's, this request
switches the process first (or waits for the switch already under way). The link's rename is
then the one instant for every process: a request that starts after it is answered from the new
build by whichever process takes it, and no process answers from the old build afterwards.

Each request is pinned to the generation that was current when it arrived (`PinGeneration`,
WSGI middleware); every query of that request (the /sparql evaluation, the pages' in-process
queries, the build id in ETags and cache keys) uses it, so a response comes from the old graph
or the new one, never a mix, and nothing fails across the switch. A generation that is no
longer current is closed (its workers stopped) when its last pinned request has finished.
Generations open the store's real folder (``.builds/<id>/store``), never the link, so a
worker replaced later opens the same build as its siblings."""
from __future__ import annotations

import contextvars
import logging
import os
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import has_request_context, request
from werkzeug.wsgi import ClosingIterator

from eccp_kg.graph.dataset import Dataset, open_store_read_only

from .evaluator import Evaluator
from .pool import store_identity

log = logging.getLogger("eccp_kg.server.reload")

#: WSGI environ key holding the request's Generation.
PINNED = "eccp_kg.generation"


@dataclass(eq=False)
class Generation:
    """One served build: its dataset, the evaluator running user queries on it, and the number of
    requests pinned to it."""

    dataset: Dataset
    number: int = 1
    identity: str | None = None  # the store's RocksDB IDENTITY (None for in-memory data)
    evaluator: Evaluator | None = None
    active: int = 0
    retired: bool = False
    store_key: tuple[int, int] | None = None  # (st_dev, st_ino) of the store's real folder
    _graphs: tuple[str, frozenset[str]] | None = field(default=None, repr=False)

    @property
    def known_graphs(self) -> frozenset[str]:
        """Named graphs of this build, read again only when its build id changes: never for a
        store directory (a new build there is a new generation), after an `eccp-kg push` of another
        build into a remote backend's store (whose id server/backends/remote.py re-reads)."""
        build_id = self.dataset.build_id
        if self._graphs is None or self._graphs[0] != build_id:
            self._graphs = (build_id, frozenset(self.dataset.named_graphs()))
        return self._graphs[1]

    def close(self) -> None:
        if self.evaluator is not None:
            self.evaluator.close()


class Generations:
    """The current generation and the ones still finishing requests."""

    def __init__(self, first: Generation):
        self.current = first
        self.switches = 0
        self._lock = threading.Lock()
        self._retired: set[Generation] = set()

    def acquire(self) -> Generation:
        """Pin a request to the current generation."""
        with self._lock:
            generation = self.current
            generation.active += 1
            return generation

    def release(self, generation: Generation) -> None:
        """A pinned request finished; a retired generation closes with its last request."""
        with self._lock:
            generation.active -= 1
            done = generation.retired and generation.active == 0
            if done:
                self._retired.discard(generation)
        if done:
            generation.close()

    def switch(self, new: Generation) -> None:
        """Make `new` current (its evaluator already started); retire the old one."""
        with self._lock:
            old, self.current = self.current, new
            self.switches += 1
            old.retired = True
            idle = old.active == 0
            if not idle:
                self._retired.add(old)
        if idle:
            old.close()

    def close(self) -> None:
        """Stop every generation's workers."""
        with self._lock:
            every = [self.current, *self._retired]
            self._retired.clear()
        for generation in every:
            generation.close()


#: The generation a request answered on the event loop is pinned to (server/rsgi_sparql.py, no
#: Flask request there); requests through Flask carry theirs in the environ (PinGeneration).
PIN: contextvars.ContextVar[Generation | None] = contextvars.ContextVar("eccp_kg_generation", default=None)


def pinned(generations: Generations) -> Generation:
    """The generation of the current request (the current one outside a request)."""
    generation = PIN.get()
    if generation is not None:
        return generation
    if has_request_context():
        generation = request.environ.get(PINNED)
        if generation is not None:
            return generation
    return generations.current


class LiveDataset:
    """What the pages see as ``app.extensions["eccp_kg"]``: the dataset of the request's
    generation (every attribute and method of graph.dataset.Dataset, delegated)."""

    def __init__(self, generations: Generations):
        self._generations = generations

    def __getattr__(self, name: str) -> Any:
        return getattr(pinned(self._generations).dataset, name)

    def __len__(self) -> int:
        return len(pinned(self._generations).dataset)


class PinGeneration:
    """WSGI middleware: pin each request to the current generation until its response is closed."""

    def __init__(self, app: Callable[..., Iterable[bytes]], generations: Generations,
                 follow: Callable[[], None] | None = None):
        self.app = app
        self.generations = generations
        self.follow = follow  # switches to the build the store path names now, before pinning

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.follow is not None:
            self.follow()
        generation = self.generations.acquire()
        environ[PINNED] = generation
        try:
            result = self.app(environ, start_response)
        except BaseException:
            self.generations.release(generation)
            raise
        return ClosingIterator(result, lambda: self.generations.release(generation))


def real_store_dir(path: str | Path) -> Path:
    """The folder a store path names now (through the build's links)."""
    return Path(os.path.realpath(path))


def folder_key(path: str | Path) -> tuple[int, int] | None:
    """(device, inode) of the folder a path names now, through its links (one stat), None if absent.

    Each build writes a new folder, so the key changes exactly when the link is published; it is
    a few times cheaper than resolving the path (`real_store_dir`), which matters on every request."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class Watcher:
    """A daemon thread that switches the endpoint to the build its store path names now.

    Holds the endpoint weakly: when the app goes away, the thread ends."""

    def __init__(self, endpoint: Any, store_path: Path, interval: float):
        self._endpoint = weakref.ref(endpoint)
        self.store_path = Path(store_path)
        self.interval = interval
        self._stop = threading.Event()
        self._failed: tuple[Path, str] | None = None
        self._failed_key: tuple[int, int] | None = None  # that build's folder: requests do not retry it
        self._switching = threading.Lock()  # one switch at a time: the watch's or a request's
        current = endpoint.generations.current
        if current.store_key is None and current.dataset.store_dir is not None:
            current.store_key = folder_key(current.dataset.store_dir)
        self.thread = threading.Thread(target=self._run, name="eccp-kg-reload", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            endpoint = self._endpoint()
            if endpoint is None:
                return
            try:
                self.check(endpoint)
            except Exception:  # never let the watcher die: the next tick tries again
                log.exception("could not switch to the new build at %s; still serving the old one", self.store_path)
            del endpoint

    def follow(self, endpoint: Any) -> None:
        """On the request path: when the store path names another folder than the current
        generation's, switch now (waiting for a switch already under way), so this request, and
        every later one in any process, is answered from the build the link names. A new build
        that cannot be opened is logged and the old one served, as by the watch."""
        key = folder_key(self.store_path)
        if key is None or key == endpoint.generations.current.store_key or key == self._failed_key:
            return
        try:
            self.check(endpoint)
        except Exception:
            log.exception("could not switch to the new build at %s; still serving the old one", self.store_path)

    def check(self, endpoint: Any) -> bool:
        """Switch when the store path names another store; True if it switched."""
        with self._switching:
            return self._check(endpoint)

    def _check(self, endpoint: Any) -> bool:
        target = real_store_dir(self.store_path)
        identity = store_identity(target)
        current = endpoint.generations.current
        if identity is None:
            return False  # no store there (yet)
        if target == current.dataset.store_dir and identity == current.identity:
            current.store_key = folder_key(target)  # the one being served
            return False
        if self._failed == (target, identity):
            return False  # it failed to open: wait for the next build
        try:
            dataset = Dataset(open_store_read_only(target), store_dir=target)
            if store_identity(target) != identity:
                return False  # replaced while opening (an old-layout build): next tick
            generation = Generation(dataset, current.number + 1, identity, store_key=folder_key(target))
            generation.evaluator = endpoint.make_evaluator(dataset)
        except Exception:
            self._failed, self._failed_key = (target, identity), folder_key(target)
            raise
        endpoint.generations.switch(generation)
        endpoint.cache.clear()
        log.info("serving build %s from %s (generation %d)", dataset.build_id, target, generation.number)
        return True
