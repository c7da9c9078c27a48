"""The user-query service behind /sparql: settings, evaluator (worker pool), result cache.

One object per app (``app.extensions["eccp_kg.endpoint"]``) so views stay thin and the
worker pool is started once, lazily (apps that never see a user query never spawn
processes; `eccp-kg serve` starts it before accepting requests)."""
from __future__ import annotations

import threading
import weakref
from typing import Any

from .cache import ResultCache
from .config import setting
from eccp_kg.graph.dataset import Dataset
from .fairness import ClientLimiter
from .evaluator import Evaluator, InProcessEvaluator, Job, Outcome
from .pool import WorkerPool, source_for, store_identity
from .reload import Generation, Generations, Watcher, pinned


class Endpoint:
    """Runs user queries for the protocol views with the configured limits, on the build of the
    request's generation (server/reload.py: a rebuilt store is picked up without a restart)."""

    def __init__(self, dataset: Dataset, config: Any):
        self.timeout = float(setting(config, "QUERY_TIMEOUT"))
        self.max_rows = int(setting(config, "MAX_ROWS"))
        self.max_result_bytes = int(setting(config, "MAX_RESULT_BYTES"))
        self.max_request_bytes = int(setting(config, "MAX_REQUEST_BYTES"))
        self.workers = int(setting(config, "QUERY_WORKERS"))
        self.worker_memory = int(setting(config, "WORKER_MEMORY"))
        self.service_allowlist = tuple(s for s in setting(config, "SERVICE_ALLOWLIST") or [] if s)
        self.cache_max_age = int(setting(config, "CACHE_MAX_AGE"))
        self.cache = ResultCache(int(setting(config, "CACHE_BYTES")))
        self.reload_interval = float(setting(config, "RELOAD_INTERVAL"))
        self.spare_workers = int(setting(config, "SPARE_WORKERS"))
        per_client = int(setting(config, "CLIENT_WORKERS")) or max(self.workers - 1, 1)
        self.limiter = ClientLimiter(per_client, int(setting(config, "CLIENT_QUEUE")), float(setting(config, "QUEUE_TIMEOUT")))
        self._store_path = setting(config, "STORE_DIR") if dataset.store_dir is not None else None
        self._in_process = bool(setting(config, "IN_PROCESS"))
        self._data_files = list(setting(config, "DATA_FILES") or [])
        self.generations = Generations(Generation(dataset, identity=store_identity(dataset.store_dir)
                                                  if dataset.store_dir is not None else None))
        self.watcher: Watcher | None = None
        self._lock = threading.Lock()
        # stop every generation's workers when this app goes away (tests build many apps) or at exit
        weakref.finalize(self, self.generations.close)

    @property
    def dataset(self) -> Dataset:
        """The dataset of the request's generation."""
        return pinned(self.generations).dataset

    @property
    def evaluator(self) -> Evaluator | None:
        """The evaluator of the request's generation (None before start())."""
        return pinned(self.generations).evaluator

    @property
    def known_graphs(self) -> frozenset[str]:
        """Named graphs of the request's build."""
        return pinned(self.generations).known_graphs

    def make_evaluator(self, dataset: Dataset) -> Evaluator:
        """A started evaluator for a dataset (worker processes unless IN_PROCESS; a remote backend's own)."""
        factory = getattr(dataset, "evaluator_factory", None)  # server/backends/remote.py
        if factory is not None:
            return factory()
        if self._in_process:
            return InProcessEvaluator(dataset.store)
        source = source_for(dataset.store, dataset.store_dir, self._data_files)
        return WorkerPool(source, size=self.workers, memory_limit=self.worker_memory, spares=self.spare_workers)

    def start(self) -> Evaluator:
        """The current evaluator, started on first use; also starts watching the store path
        for new builds (a store directory and --reload-interval > 0)."""
        generation = self.generations.current
        if generation.evaluator is None:
            with self._lock:
                if generation.evaluator is None:
                    generation.evaluator = self.make_evaluator(generation.dataset)
                    if self._store_path is not None and self.reload_interval > 0 and self.watcher is None:
                        self.watcher = Watcher(self, self._store_path, self.reload_interval)
        return generation.evaluator

    def follow_build(self) -> None:
        """Before a request is pinned: switch to the build the store path names now, if it is
        another one (server/reload.py, `Watcher.follow`); nothing when no store is watched."""
        watcher = self.watcher
        if watcher is not None:
            watcher.follow(self)

    def run(self, job: Job, cancel: threading.Event | None = None, client: str | None = None) -> Outcome:
        """Evaluate a job within the timeout (an Outcome always: 503 past the timeout) on the
        request's build; a `client` gets at most its share of the workers (server/fairness.py).
        A set `cancel` event (the client disconnected) stops the query and its worker."""
        generation = pinned(self.generations)
        if generation.evaluator is None:
            self.start()
            generation = pinned(self.generations)
        evaluator = generation.evaluator
        if client is None:
            return evaluator.run(job, self.timeout, cancel)
        return self.limiter.run(client, cancel, lambda: evaluator.run(job, self.timeout, cancel))

    def status(self) -> dict[str, Any]:
        """The evaluator's state for /health (the configured size before the first query)."""
        generation = self.generations.current
        if generation.evaluator is None:
            state = {"workers": self.workers, "idle_workers": 0, "replaced_workers": 0, "worker_pids": [],
                     "store_changed": None}
        else:
            state = generation.evaluator.status()
        state["fairness"] = self.limiter.status()
        state["generation"] = generation.number
        state["reloads"] = self.generations.switches
        return state

    def close(self) -> None:
        """Stop watching and stop the worker processes of every generation."""
        if self.watcher is not None:
            self.watcher.stop()
        self.generations.close()
