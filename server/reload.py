"""Serving a new build without a restart, atomically per request.

`eccp-kg build` publishes a build by replacing one symlink (graph/layout.py), so the store path
the server was given (``build/store``) names a new, complete folder from one instant to the
next. The server watches that path (`Watcher`, every ``--reload-interval`` seconds). When it
names another store, the server opens it read-only, starts query workers on it and only then
makes it current: a `Generation` is that dataset with its evaluator, and the switch is one
assignment under a lock.

Each request is pinned to the generation that was current when it arrived (`PinGeneration`,
WSGI middleware); every query of that request (the /sparql evaluation, the pages' in-process
queries, the build id in ETags and cache keys) uses it, so a response comes from the old graph
or the new one, never a mix, and nothing fails across the switch. A generation that is no
longer current is closed (its workers stopped) when its last pinned request has finished.
Generations open the store's real folder (``.builds/<id>/store``), never the link, so a
worker replaced later opens the same build as its siblings."""
from __future__ import annotations

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
    _graphs: frozenset[str] | None = field(default=None, repr=False)

    @property
    def known_graphs(self) -> frozenset[str]:
        """Named graphs of this build (computed once: a build never changes)."""
        if self._graphs is None:
            self._graphs = frozenset(self.dataset.named_graphs())
        return self._graphs

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


def pinned(generations: Generations) -> Generation:
    """The generation of the current request (the current one outside a request)."""
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

    def __init__(self, app: Callable[..., Iterable[bytes]], generations: Generations):
        self.app = app
        self.generations = generations

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
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


class Watcher:
    """A daemon thread that switches the endpoint to the build its store path names now.

    Holds the endpoint weakly: when the app goes away, the thread ends."""

    def __init__(self, endpoint: Any, store_path: Path, interval: float):
        self._endpoint = weakref.ref(endpoint)
        self.store_path = Path(store_path)
        self.interval = interval
        self._stop = threading.Event()
        self._failed: tuple[Path, str] | None = None
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

    def check(self, endpoint: Any) -> bool:
        """Switch when the store path names another store; True if it switched."""
        target = real_store_dir(self.store_path)
        identity = store_identity(target)
        current = endpoint.generations.current
        if identity is None or (target == current.dataset.store_dir and identity == current.identity):
            return False  # no store there (yet), or the one being served
        if self._failed == (target, identity):
            return False  # it failed to open: wait for the next build
        try:
            dataset = Dataset(open_store_read_only(target), store_dir=target)
            if store_identity(target) != identity:
                return False  # replaced while opening (an old-layout build): next tick
            generation = Generation(dataset, current.number + 1, identity)
            generation.evaluator = endpoint.make_evaluator(dataset)
        except Exception:
            self._failed = (target, identity)
            raise
        endpoint.generations.switch(generation)
        endpoint.cache.clear()
        log.info("serving build %s from %s (generation %d)", dataset.build_id, target, generation.number)
        return True
