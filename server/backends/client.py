"""HTTP to one remote SPARQL engine: kept-alive connections, and requests that stop when told to.

Why not urllib: `urllib.request.urlopen` opens a new TCP connection for every query and cannot be
interrupted from outside, so a query whose client went away ran on until the timeout (issue 10).
Here each request borrows a kept-alive `http.client` connection from a small pool (LIFO, so the
warmest one; a connection the engine closed meanwhile is retried once on a new one, only when
nothing of the answer had arrived), and while it is in flight `Watch` looks at its cancel event
and its deadline every WATCH_SECONDS: when either fires, the socket is shut down, the blocked
read in the request's thread returns at once, the connection is dropped (never reused) and the
request ends with `Stopped`. The engine sees its client close the connection.

No proxy is used (urllib read http_proxy from the environment): the engine is a server of the
deployment, reached directly."""
from __future__ import annotations

import http.client
import select
import socket
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

#: How often in-flight requests are checked for a set cancel event or a passed deadline.
WATCH_SECONDS = 0.05
#: Header lines an answer may have. Virtuoso 7 echoes every default-graph-uri and named-graph-uri of a request
#: as a header line (X-SPARQL-default-graph, X-SPARQL-named-graph): a build of 198 graphs gets ~400 of them,
#: and http.client's limit of 100 made every request answer 502 "got more than 100 headers" at 1M triples.
MAX_HEADERS = 10_000
http.client._MAXHEADERS = max(http.client._MAXHEADERS, MAX_HEADERS)  # a module global: no per-connection knob
#: Idle kept-alive connections kept per engine (more are closed when returned).
MAX_IDLE = 16


class Stopped(Exception):
    """The request was stopped before its answer was read: `reason` is "cancelled" or "timeout"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(eq=False)
class _InFlight:
    conn: http.client.HTTPConnection
    deadline: float
    cancel: threading.Event | None
    stopped: str | None = field(default=None)


class Watch:
    """One thread per engine that stops in-flight requests whose cancel event is set or whose
    deadline passed (it sleeps while nothing is in flight)."""

    def __init__(self) -> None:
        self._active: set[_InFlight] = set()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, conn: http.client.HTTPConnection, deadline: float, cancel: threading.Event | None) -> _InFlight:
        entry = _InFlight(conn, deadline, cancel)
        with self._cond:
            self._active.add(entry)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="eccp-kg-backend-watch", daemon=True)
                self._thread.start()
            self._cond.notify()
        return entry

    def remove(self, entry: _InFlight) -> str | None:
        """Stop watching; why the request was stopped meanwhile (None: it was not)."""
        with self._cond:
            self._active.discard(entry)
            return entry.stopped

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._active:
                    self._cond.wait()
                now = time.monotonic()
                for entry in list(self._active):
                    if entry.cancel is not None and entry.cancel.is_set():
                        self._stop(entry, "cancelled")
                    elif now >= entry.deadline:
                        self._stop(entry, "timeout")
            time.sleep(WATCH_SECONDS)

    def _stop(self, entry: _InFlight, reason: str) -> None:
        """Shut the socket down (the request's thread wakes with an error) and forget the entry."""
        entry.stopped = reason
        self._active.discard(entry)
        sock = entry.conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


@dataclass(frozen=True)
class Answer:
    """An engine's HTTP answer (the body whole, or its first `max_bytes` + 1 bytes)."""

    status: int
    content_type: str
    body: bytes


class EngineClient:
    """POSTs to one URL over pooled kept-alive connections; thread-safe."""

    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        self.url = url
        self._https = parts.scheme == "https"
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or (443 if self._https else 80)
        self._target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self.watch = Watch()
        self.opened = 0  # connections opened so far (kept-alive reuse shows as few)

    def _borrow(self, timeout: float) -> tuple[http.client.HTTPConnection, bool]:
        while True:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                break
            if conn.sock is None or select.select([conn.sock], [], [], 0)[0]:
                # an idle connection with bytes waiting (the engine closed it, or answered more than
                # was asked) would misalign the next answer: drop it
                conn.close()
                continue
            conn.timeout = timeout
            conn.sock.settimeout(timeout)
            return conn, True
        self.opened += 1
        if self._https:
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                self._host, self._port, timeout=timeout, context=ssl.create_default_context())
        else:
            conn = http.client.HTTPConnection(self._host, self._port, timeout=timeout)
        conn.connect()
        # http.client writes the headers and the body in two sends: without TCP_NODELAY, Nagle's
        # algorithm holds the body until the engine ACKs the headers, which it delays (measured, one
        # lookup against the Oxigraph server, 6 alternating rounds of 100: median 57.7 ms with
        # Nagle, 7.7 ms without, at load ~15)
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn, False

    def _give_back(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            if len(self._idle) < MAX_IDLE:
                self._idle.append(conn)
                return
        conn.close()

    def post(self, body: bytes, headers: dict[str, str], timeout: float, max_bytes: int | None = None,
             cancel: threading.Event | None = None) -> Answer:
        """POST `body`; the answer, or `Stopped` (cancel set, or `timeout` s passed), or OSError /
        http.client.HTTPException when the engine cannot be reached or breaks the protocol."""
        deadline = time.monotonic() + timeout
        for attempt in (1, 2):
            try:
                conn, reused = self._borrow(max(deadline - time.monotonic(), 0.001))
            except (TimeoutError, socket.timeout):
                raise Stopped("timeout") from None
            entry = self.watch.add(conn, deadline, cancel)
            received = False
            try:
                conn.request("POST", self._target, body=body, headers=headers)
                response = conn.getresponse()
                received = True
                data = response.read() if max_bytes is None else response.read(max_bytes + 1)
            except (OSError, http.client.HTTPException) as exc:
                stopped = self.watch.remove(entry)
                conn.close()
                if stopped is not None:
                    raise Stopped(stopped) from None
                if isinstance(exc, (TimeoutError, socket.timeout)):
                    raise Stopped("timeout") from None
                if reused and not received and attempt == 1 and isinstance(
                        exc, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)):
                    continue  # the engine closed the idle connection meanwhile: once more on a new one
                raise
            stopped = self.watch.remove(entry)
            if stopped is not None:
                conn.close()
                raise Stopped(stopped)
            # kept alive only after a whole 200: an engine may answer an error before reading all of
            # the request, and take the rest of the body for another request whose answer would follow
            if response.status == 200 and response.isclosed() and not response.will_close:
                self._give_back(conn)
            else:
                conn.close()
            return Answer(response.status, response.headers.get_content_type(), data)
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close the idle connections (requests in flight finish on theirs)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
