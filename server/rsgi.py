"""The Flask (WSGI) app served over granian's RSGI interface, so a query can notice its client left.

WSGI has no way to tell an application that the client went away: granian's WSGI interface
(like waitress and gunicorn) only finds out when it writes the response, which for a query is
after the whole evaluation. Measured: a client that gave up after 1 s kept its query worker
busy until the 30 s timeout. RSGI, granian's native interface, has
``await protocol.client_disconnect()``; this bridge runs the WSGI app in a thread pool and
awaits the app and the disconnect together. When the client goes first, the request's cancel
event (``environ[CANCEL]``) is set; the /sparql view hands it to the evaluator, which kills
the worker running the query (within `pool.CANCEL_POLL_SECONDS`) and starts a replacement.

Everything else is plain WSGI (PEP 3333): the environ is built from the RSGI scope, the body
is read (bounded by the app's request cap: more is not read and the app answers 413), and the
app's response is sent whole or streamed."""
from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from typing import Any

#: environ key of the request's cancel event (a threading.Event, set when the client disconnects).
CANCEL = "eccp_kg.cancel"


def _environ(scope: Any, body: bytes, cancel: threading.Event) -> dict[str, Any]:
    """The PEP 3333 environ of an RSGI HTTP scope."""
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
        "wsgi.input": BytesIO(body),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        CANCEL: cancel,
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


class RSGIBridge:
    """An RSGI application (``__rsgi__``) serving a WSGI app, with client-disconnect cancellation."""

    def __init__(self, app: Callable[..., Iterable[bytes]], threads: int, max_body: int):
        self.app = app
        self.max_body = max_body
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="eccp-kg-http")

    async def _body(self, protocol: Any) -> bytes:
        """The request body, at most max_body + 1 bytes of it (the app answers 413 beyond)."""
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
        cancel = threading.Event()
        environ = _environ(scope, await self._body(protocol), cancel)
        loop = asyncio.get_running_loop()
        answer = loop.run_in_executor(self.executor, _run, self.app, environ)
        gone = asyncio.ensure_future(protocol.client_disconnect())
        try:
            done, _ = await asyncio.wait({answer, gone}, return_when=asyncio.FIRST_COMPLETED)
            if gone in done:
                cancel.set()  # the query (if any) is stopped; the app still finishes its response
            status, headers, body = await answer
        finally:
            gone.cancel()
        try:
            protocol.response_bytes(status, headers, body)
        except RuntimeError:  # RSGIProtocolClosed: the client is gone, nobody to answer
            pass

    def __rsgi_init__(self, loop: Any) -> None:
        pass

    def __rsgi_del__(self, loop: Any) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
