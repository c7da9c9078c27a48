"""server/fairness.py's per-client slots, as the view (`run`, waiting) and the event-loop path
(`try_enter` / `leave`, never waiting) take them: the two share one count per client."""
from __future__ import annotations

import threading
import time

from eccp_kg.server.evaluator import Outcome
from eccp_kg.server.fairness import ClientLimiter

WAIT_SECONDS = 10.0


def test_try_enter_takes_a_free_slot_and_never_more_than_the_share():
    limiter = ClientLimiter(running=2, waiting=1, wait_seconds=1.0)
    assert limiter.try_enter("a") and limiter.try_enter("a")
    assert not limiter.try_enter("a")  # its share is taken: the caller must wait elsewhere
    assert limiter.try_enter("b")  # another client has its own share
    assert limiter.status()["clients"] == 2
    limiter.leave("a")
    assert limiter.try_enter("a")
    for client in ("a", "a", "b"):
        limiter.leave(client)
    assert limiter.status()["clients"] == 0  # nothing is kept for a client with nothing running


def test_a_slot_left_on_the_loop_path_lets_a_waiting_run_go_on():
    limiter = ClientLimiter(running=1, waiting=1, wait_seconds=WAIT_SECONDS)
    assert limiter.try_enter("a")
    waiting = threading.Event()
    ran: list[Outcome] = []

    def call() -> Outcome:
        ran.append(Outcome(200))
        return ran[-1]

    def wait_then_run() -> None:
        waiting.set()
        limiter.run("a", None, call)

    thread = threading.Thread(target=wait_then_run)
    thread.start()
    assert waiting.wait(WAIT_SECONDS)
    deadline = time.monotonic() + WAIT_SECONDS
    while limiter._clients["a"].waiting == 0:  # the run is queued behind the loop path's slot
        assert time.monotonic() < deadline and thread.is_alive()
        time.sleep(0.01)
    assert not limiter.try_enter("a")  # a waiter is first in line: the loop path does not overtake it
    assert not ran
    limiter.leave("a")
    thread.join(WAIT_SECONDS)
    assert not thread.is_alive() and len(ran) == 1
    assert limiter.status()["clients"] == 0


def test_a_full_queue_is_refused_at_once():
    limiter = ClientLimiter(running=1, waiting=0, wait_seconds=WAIT_SECONDS)
    assert limiter.try_enter("a")
    outcome = limiter.run("a", None, lambda: Outcome(200))
    assert outcome.status == 503 and outcome.title == "Too Many Queries" and outcome.headers["Retry-After"]
    assert limiter.refused == 1
    limiter.leave("a")
