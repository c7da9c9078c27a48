"""The RSGI bridge hands a request's cancel event to the app as a context variable, not through
the WSGI environ (issue 9 part 2: nothing passes through environ), and sets it when the client
disconnects while the app is still answering.

The bridge is driven in-process by a stand-in for granian's RSGI protocol object (the calls
server/rsgi.py makes: `client_disconnect()`, `response_bytes()`); tests/test_abandon_fairness.py
checks the same path end to end on the real server, where an abandoned query's worker is killed."""
from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace

from eccp_kg.server import rsgi

#: A bounded wait for what must happen at once (the test fails instead of hanging).
WAIT_SECONDS = 10.0


class Protocol:
    """What granian passes as `protocol` for a request without a body."""

    def __init__(self, disconnect_after: float | None):
        self.disconnect_after = disconnect_after  # None: the client stays
        self.watched = 0
        self.response: tuple | None = None

    async def client_disconnect(self) -> None:
        self.watched += 1
        if self.disconnect_after is None:
            await asyncio.Event().wait()  # never (cancelled by the bridge when the answer is ready)
        await asyncio.sleep(self.disconnect_after)

    def response_bytes(self, status: int, headers: list, body: bytes) -> None:
        self.response = (status, headers, body)


def scope() -> SimpleNamespace:
    return SimpleNamespace(proto="http", method="GET", path="/sparql", query_string="query=ASK%7B%7D",
                           server="127.0.0.1:8000", client="127.0.0.1:50000", http_version="1.1",
                           scheme="http", headers={"host": "127.0.0.1:8000"})


def serve(app, protocol: Protocol) -> tuple:
    bridge = rsgi.RSGIBridge(app, threads=2, max_body=1024)
    try:
        # A thread of its own: a test process may already run an event loop (the shared Playwright driver).
        worker = threading.Thread(target=asyncio.run,
                                  args=(asyncio.wait_for(bridge.__rsgi__(scope(), protocol), WAIT_SECONDS),))
        worker.start()
        worker.join(WAIT_SECONDS + 5)
        assert not worker.is_alive(), "the bridge did not finish"
    finally:
        bridge.__rsgi_del__(None)
    assert protocol.response is not None, "the bridge sent no response"
    return protocol.response


def test_the_app_gets_the_cancel_event_from_a_context_variable_not_the_environ():
    seen = {}

    def app(environ, start_response):
        seen["cancel"] = rsgi.request_cancel()
        seen["environ"] = dict(environ)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    status, _, body = serve(app, Protocol(disconnect_after=None))
    assert (status, body) == (200, b"ok")
    assert isinstance(seen["cancel"], threading.Event) and not seen["cancel"].is_set()
    extra = {key for key in seen["environ"]
             if not (key.isupper() or key.startswith("wsgi."))}  # PEP 3333: CGI variables and wsgi.*
    assert extra == set(), f"environ keys beyond PEP 3333: {extra}"
    assert not any(isinstance(value, threading.Event) for value in seen["environ"].values())
    assert rsgi.request_cancel() is None  # outside a request served by the bridge


def test_a_client_that_disconnects_sets_the_event_the_app_waits_on():
    seen = {}

    def app(environ, start_response):
        cancel = rsgi.request_cancel()
        seen["set"] = cancel.wait(WAIT_SECONDS)  # what the worker pool does, in 50 ms polls
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"stopped" if seen["set"] else b"finished"]

    protocol = Protocol(disconnect_after=0.05)
    status, headers, body = serve(app, protocol)
    assert seen["set"] is True and body == b"stopped"
    assert protocol.watched == 1
    assert any(name == "Server-Timing" and value.startswith("app;dur=") for name, value in headers)


def test_the_disconnect_is_watched_only_once_a_request_runs_past_watch_after(monkeypatch):
    """The watching task (a cost per request) is made only for requests still running after
    WATCH_AFTER seconds: with it at a minute, an answer never watches; the test above shows a
    request that runs past it does."""
    monkeypatch.setattr(rsgi, "WATCH_AFTER", 60.0)

    def quick(environ, start_response):
        start_response("200 OK", [])
        return [b""]

    protocol = Protocol(disconnect_after=0.0)
    status, _, _ = serve(quick, protocol)
    assert status == 200 and protocol.watched == 0
