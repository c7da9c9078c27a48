"""The Flask (WSGI) app served over granian's RSGI interface, so a query can notice its client left.

WSGI has no way to tell an application that the client went away: granian's WSGI interface
(like waitress and gunicorn) only finds out when it writes the response, which for a query is
after the whole evaluation. Measured: a client that gave up after 1 s kept its query worker
busy until the 30 s timeout. RSGI, granian's native interface, has
``await protocol.client_disconnect()``; this bridge runs the WSGI app in a thread pool and
watches the disconnect meanwhile. When the client goes first, the request's cancel
event is set; the /sparql view reads it with `request_cancel()` (a context variable the bridge
sets in the thread that runs the app, not an environ key) and hands it to the evaluator, which
kills the worker running the query (within `pool.CANCEL_POLL_SECONDS`) and starts a replacement.
The disconnect is watched only for requests still running `WATCH_AFTER` seconds after they
reached the bridge: a watch is a task per request, and most answers (cache hits, lookups) are
ready before that.

A `direct` handler is tried first for requests without a body: server/rsgi_sparql.py answers
GET /sparql queries on the event loop itself (no thread hand-off; the query worker's answer
awaited on its pipe) and gives every other request back to the app. Its responses carry a second
Server-Timing metric, ``loop``. `in_thread` runs a call in the bridge's threads with the
disconnect watched, for the app and for that handler's queries that must wait.

Everything else is plain WSGI (PEP 3333): the environ is built from the RSGI scope, the body
is read (bounded by the app's request cap: more is not read and the app answers 413), and the
app's response is sent whole or streamed. Each response carries ``Server-Timing: app;dur=MS``
(W3C Server Timing): the milliseconds from the request (and its body) reaching this bridge to
its response being ready, waits for a thread and a query worker included, so clients and tests
can tell the server's own latency from the network's and their own scheduling.

A body that has not arrived `body_timeout` seconds after the headers (a client that declared
Content-Length 1000 and sent 10 bytes, or a chunked body that never ends) is not waited for
any longer: the app gets a ``wsgi.input`` whose reading raises werkzeug's RequestTimeout, which
it answers `408` in its one error shape. Without this, such a request held its connection open
for ever (no thread, but no answer either)."""
from __future__ import annotations

import asyncio
import contextvars
import queue
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from io import BytesIO, RawIOBase
from typing import Any

from werkzeug.exceptions import RequestTimeout

#: The cancel event of the request the current thread answers (set when its client disconnects);
#: None outside the bridge (Flask's test client, plain WSGI servers).
CANCEL: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar("eccp_kg_cancel", default=None)
#: Seconds after which a request still running starts watching for its client's disconnect.
WATCH_AFTER = 0.01


def request_cancel() -> threading.Event | None:
    """The cancel event of the request being answered in this thread (None when not served by the bridge)."""
    return CANCEL.get()


class LateBody(RawIOBase):
    """The ``wsgi.input`` of a request whose body did not arrive within the body timeout:
    reading it raises RequestTimeout (408), so the app answers in its own error shape."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise RequestTimeout(f"The request body did not arrive within {self.seconds:g} s of its headers: "
                             "send the whole body (as many bytes as Content-Length says) without pausing.")


def _environ(scope: Any, body: bytes | None, late: float = 0.0) -> dict[str, Any]:
    """The PEP 3333 environ of an RSGI HTTP scope; `body` None: it did not arrive within `late` s."""
    host, _, port = (scope.server or "127.0.0.1:80").rpartition(":")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": scope.path.encode("utf-8", "surrogateescape").decode("latin-1"),
        "QUERY_STRING": scope.query_string,
        "SERVER_NAME": host,
        "SERVER_PORT": port,
        "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
        "REMOTE_ADDR": (scope.client or "").rpartition(":")[0] or scope.client or "",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.scheme,
        "wsgi.input": BytesIO(body) if body is not None else LateBody(late),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in scope.headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE" or key == "CONTENT_LENGTH":
            environ[key] = value
        else:
            key = "HTTP_" + key
            environ[key] = f"{environ[key]},{value}" if key in environ else value
    if "CONTENT_LENGTH" not in environ and body:
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


def _run(app: Callable[..., Iterable[bytes]], environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """Call the WSGI app and collect its whole response (in a pool thread)."""
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        started["status"], started["headers"] = status, headers
        return lambda data: None

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return int(started["status"].split(" ", 1)[0]), started["headers"], body


def _settle(future: asyncio.Future, ok: bool, value: Any) -> None:
    """Hand a pool thread's result to its request (on the event loop)."""
    if not future.done():
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)


def watch_disconnect(loop: asyncio.AbstractEventLoop, protocol: Any, gone: Callable[[], None]) -> Callable[[], None]:
    """Call `gone()` if the client disconnects, watching only from `WATCH_AFTER` s on (a watch is a
    task; most answers are ready before); returns the function that stops watching."""
    watching: list[asyncio.Future] = []

    def watch() -> None:
        disconnect = asyncio.ensure_future(protocol.client_disconnect())
        disconnect.add_done_callback(lambda watched: watched.cancelled() or gone())
        watching.append(disconnect)

    timer = loop.call_later(WATCH_AFTER, watch)

    def unwatch() -> None:
        timer.cancel()
        for disconnect in watching:
            disconnect.cancel()

    return unwatch


def _respond(protocol: Any, status: int, headers: list[tuple[str, str]], body: bytes, started: float,
             desc: str = "") -> None:
    """Send a whole response with its Server-Timing; a second metric `loop` (empty `desc` otherwise)
    says it was answered on the event loop (server/rsgi_sparql.py), so tests can tell the paths apart."""
    timing = f"app;dur={(time.perf_counter() - started) * 1000:.1f}" + (f", {desc}" if desc else "")
    try:
        protocol.response_bytes(status, [*headers, ("Server-Timing", timing)], body)
    except RuntimeError:  # RSGIProtocolClosed: the client is gone, nobody to answer
        pass


class RSGIBridge:
    """An RSGI application (``__rsgi__``) serving a WSGI app, with client-disconnect cancellation.

    The app runs in `threads` threads of our own fed by one queue, and each answer comes back to
    the event loop with one `call_soon_threadsafe`: measured on a hello-world app, that answered
    about twice the requests/s of `loop.run_in_executor` plus `asyncio.wait` (BENCHMARKS.md), whose
    concurrent.futures bookkeeping and extra futures cost more than the app itself."""

    def __init__(self, app: Callable[..., Iterable[bytes]], threads: int, max_body: int,
                 body_timeout: float = 30.0, direct: Callable[..., Awaitable[Any]] | None = None):
        """`direct`: an RSGI handler tried first for requests without a body (server/rsgi_sparql.py:
        GET /sparql on the event loop); it gives (status, headers, body), or None for the app to answer."""
        self.app = app
        self.direct = direct
        self.max_body = max_body
        self.body_timeout = body_timeout
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._serve, name=f"eccp-kg-http-{n}", daemon=True)
                         for n in range(max(threads, 1))]
        for thread in self._threads:
            thread.start()

    def _serve(self) -> None:
        """A pool thread: run each queued call until the None that stops it."""
        while True:
            job = self._jobs.get()
            if job is None:
                return
            loop, future, call, cancel = job
            token = CANCEL.set(cancel)
            try:
                value, ok = call(), True
            except BaseException as exc:  # noqa: BLE001 - handed to the request's coroutine
                value, ok = exc, False
            finally:
                CANCEL.reset(token)
            try:
                loop.call_soon_threadsafe(_settle, future, ok, value)
            except RuntimeError:  # the loop has closed (the process is stopping)
                pass

    async def in_thread(self, protocol: Any, call: Callable[[], Any], cancel: threading.Event) -> Any:
        """`call()` in one of the bridge's threads (`request_cancel()` there is `cancel`, set if
        the client disconnects meanwhile); its result, or its exception raised here."""
        loop = asyncio.get_running_loop()
        answer = loop.create_future()
        self._jobs.put((loop, answer, call, cancel))
        unwatch = watch_disconnect(loop, protocol, cancel.set)
        try:
            return await answer
        finally:
            unwatch()

    async def _body(self, protocol: Any) -> bytes | None:
        """The request body, at most max_body + 1 bytes of it (the app answers 413 beyond); None
        when it has not all arrived within body_timeout seconds."""
        try:
            return await asyncio.wait_for(self._read(protocol), self.body_timeout)
        except TimeoutError:
            return None

    async def _read(self, protocol: Any) -> bytes:
        parts, size = [], 0
        async for chunk in protocol:
            parts.append(chunk)
            size += len(chunk)
            if size > self.max_body:
                break
        return b"".join(parts)

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        if scope.proto != "http":
            return
        headers = scope.headers
        started = time.perf_counter()
        if self.direct is not None and "content-length" not in headers and "transfer-encoding" not in headers:
            answered = await self.direct(scope, protocol, self)
            if answered is not None:
                status, response_headers, body = answered
                return _respond(protocol, status, response_headers, body, started, "loop")
        # RFC 9112 6.3: neither Content-Length nor Transfer-Encoding, no body (the common GET)
        body = await self._body(protocol) if "content-length" in headers or "transfer-encoding" in headers else b""
        environ = _environ(scope, body, self.body_timeout)
        started = time.perf_counter()
        status, response_headers, body = await self.in_thread(protocol, partial(_run, self.app, environ), threading.Event())
        _respond(protocol, status, response_headers, body, started)

    def __rsgi_init__(self, loop: Any) -> None:
        pass

    def __rsgi_del__(self, loop: Any) -> None:
        for _ in self._threads:
            self._jobs.put(None)
