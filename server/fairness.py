"""Per-client limits on the query workers, so one client cannot stall the endpoint for everyone.

Without them, a client sending as many heavy queries as there are workers holds all of them
until the timeout, and every other request waits. `ClientLimiter` wraps the evaluator's `run`
(the seam of docs/architecture.md): a client (its IP address, REMOTE_ADDR) may run at most
`running` queries at once (default: one worker fewer than the pool, at least one) and have at
most `waiting` more waiting for its turn, each for at most `wait_seconds`. Beyond that the
request gets `503 Too Many Queries` with Retry-After at once, so a flood also cannot occupy
the HTTP threads others need. Behind a reverse proxy every client has the proxy's address;
the limits then apply to all of them together."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .evaluator import Outcome, cancelled_outcome

#: How often a waiting request looks at its cancel event (client gone).
POLL_SECONDS = 0.05


def busy_outcome(client: str, detail: str) -> Outcome:
    """503 Too Many Queries, with Retry-After."""
    return Outcome(503, title="Too Many Queries", detail=f"{detail} Retry later, or wait for your other queries.",
                   extra={"client": client}, headers={"Retry-After": "2"})


@dataclass
class _Client:
    running: int = 0
    waiting: int = 0


class ClientLimiter:
    """Counts running and waiting queries per client; thread-safe."""

    def __init__(self, running: int, waiting: int, wait_seconds: float):
        self.running, self.waiting, self.wait_seconds = max(running, 1), max(waiting, 0), wait_seconds
        self._clients: dict[str, _Client] = {}
        self._cond = threading.Condition()
        self._waiters = 0  # requests waiting in run() for a slot: only they need a notify
        self.refused = 0

    def run(self, client: str, cancel: threading.Event | None, call: Callable[[], Outcome]) -> Outcome:
        """`call()` once `client` has a free slot, else the reason it got none."""
        with self._cond:
            state = self._clients.setdefault(client, _Client())
            if state.running >= self.running:
                if state.waiting >= self.waiting:
                    self.refused += 1
                    return busy_outcome(client, f"This client already runs {state.running} queries and has {state.waiting} "
                                                f"waiting, the most one client may (the other query workers stay free for others).")
                state.waiting += 1
                self._waiters += 1
                deadline = time.monotonic() + self.wait_seconds
                try:
                    while state.running >= self.running:
                        remaining = deadline - time.monotonic()
                        if remaining <= 0:
                            self.refused += 1
                            return busy_outcome(client, f"This client's other queries kept its {self.running} query "
                                                        f"slot(s) busy for {self.wait_seconds:g} s.")
                        if cancel is not None and cancel.is_set():
                            return cancelled_outcome()
                        self._cond.wait(min(remaining, POLL_SECONDS))
                finally:
                    state.waiting -= 1
                    self._waiters -= 1
            state.running += 1
        try:
            return call()
        finally:
            self.leave(client)

    def try_enter(self, client: str) -> bool:
        """Take one of `client`'s slots if it is free now, never waiting (the RSGI path, which must
        not block its event loop: when this says False it runs the query through `run` in a thread)."""
        with self._cond:
            state = self._clients.setdefault(client, _Client())
            if state.running >= self.running or state.waiting:
                if state.running == 0 and state.waiting == 0:
                    self._clients.pop(client, None)
                return False
            state.running += 1
            return True

    def leave(self, client: str) -> None:
        """Give back a slot `run` or `try_enter` took."""
        with self._cond:
            state = self._clients[client]
            state.running -= 1
            if state.running == 0 and state.waiting == 0:
                self._clients.pop(client, None)
            if self._waiters:
                self._cond.notify_all()

    def status(self) -> dict[str, int]:
        with self._cond:
            return {"clients": len(self._clients), "per_client_running": self.running,
                    "per_client_waiting": self.waiting, "refused": self.refused}
