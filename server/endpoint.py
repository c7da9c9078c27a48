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
from .evaluator import Evaluator, InProcessEvaluator, Job, Outcome
from .pool import WorkerPool, source_for


class Endpoint:
    """Runs user queries for the protocol views with the configured limits."""

    def __init__(self, dataset: Dataset, config: Any):
        self.dataset = dataset
        self.timeout = float(setting(config, "QUERY_TIMEOUT"))
        self.max_rows = int(setting(config, "MAX_ROWS"))
        self.max_result_bytes = int(setting(config, "MAX_RESULT_BYTES"))
        self.max_request_bytes = int(setting(config, "MAX_REQUEST_BYTES"))
        self.workers = int(setting(config, "QUERY_WORKERS"))
        self.worker_memory = int(setting(config, "WORKER_MEMORY"))
        self.service_allowlist = tuple(s for s in setting(config, "SERVICE_ALLOWLIST") or [] if s)
        self.cache_max_age = int(setting(config, "CACHE_MAX_AGE"))
        self.cache = ResultCache(int(setting(config, "CACHE_BYTES")))
        self._in_process = bool(setting(config, "IN_PROCESS"))
        self._data_files = list(setting(config, "DATA_FILES") or [])
        self.evaluator: Evaluator | None = None  # started lazily by start()
        self._lock = threading.Lock()
        self._graphs: frozenset[str] | None = None

    @property
    def known_graphs(self) -> frozenset[str]:
        """Named graphs of the store (cached: the store is read-only while served)."""
        if self._graphs is None:
            self._graphs = frozenset(self.dataset.named_graphs())
        return self._graphs

    def start(self) -> Evaluator:
        """The evaluator, started on first use (worker processes unless IN_PROCESS)."""
        if self.evaluator is None:
            with self._lock:
                if self.evaluator is None:
                    if self._in_process:
                        self.evaluator = InProcessEvaluator(self.dataset.store)
                    else:
                        source = source_for(self.dataset.store, self.dataset.store_dir, self._data_files)
                        self.evaluator = WorkerPool(source, size=self.workers, memory_limit=self.worker_memory)
                        # stop the workers when this app goes away (tests build many apps) or at exit
                        weakref.finalize(self, self.evaluator.close)
        return self.evaluator

    def run(self, job: Job, cancel: threading.Event | None = None) -> Outcome:
        """Evaluate a job within the timeout (an Outcome always: 503 past the timeout)."""
        return self.start().run(job, self.timeout, cancel)

    def status(self) -> dict[str, Any]:
        """The evaluator's state for /health (the configured size before the first query)."""
        if self.evaluator is None:
            return {"workers": self.workers, "idle_workers": 0, "replaced_workers": 0, "worker_pids": [],
                    "store_changed": None}
        return self.evaluator.status()

    def close(self) -> None:
        """Stop the worker processes."""
        if self.evaluator is not None:
            self.evaluator.close()
