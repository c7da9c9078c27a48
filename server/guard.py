"""What the HTTP server hands over, made safe for werkzeug before the app sees it.

* An HTTP server passes the request target's bytes through as they came (PEP 3333: decoded as
  latin-1). A raw, unencoded non-ASCII byte in the query string (``GET /sparql?\\x80``) makes
  werkzeug's ``request.args`` raise UnicodeDecodeError, i.e. a 500 for a client's typo or an
  attacker's probe. Percent-encoding such bytes (what a browser does before sending) keeps
  every valid UTF-8 query string meaning the same and leaves invalid bytes percent-encoded,
  which werkzeug reads without failing (and the /sparql view reports as a bad query).
* A body without Content-Length (``Transfer-Encoding: chunked``) has no size to check up
  front, and werkzeug reads it whole: a 2.6 MB chunked query passed a 20 kB cap. At most
  MAX_REQUEST_BYTES + 1 bytes of it are read here; more is `413`, less becomes an ordinary
  body with a Content-Length.
* Request headers are bounded too (MAX_HEADER_BYTES, `431`): the HTTP server's own buffer is
  sized for the largest allowed query, which is far more than any honest header block.
* A Host header that is not a host name or address (``Host: "``) would make the endpoint's
  own URL, the base IRI of every query, an invalid IRI: `400` (RFC 9112 section 3.2).

Every refusal is made in the app (a before_request hook), so it has the one error shape."""
from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import RequestTimeout

from .errors import error_response

#: Largest block of request headers (names and values, bytes) the app accepts: `431` above.
MAX_HEADER_BYTES = 32 * 1024
#: A Host header value: a registered name or IPv4 address, or an IPv6 literal, and a port.
_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~-]+)(:[0-9]{1,5})?")
#: Bytes that must not appear raw in a query string (non-ASCII, controls, space, DEL).
_UNSAFE = re.compile(r"[^\x21-\x7e]")
#: environ key: why the guard refused the request ("body", "late body" or "headers"), for the hook to answer.
REFUSED = "eccp_kg.guard"
#: environ key: what the HTTP server said of a body that did not arrive in time (`408`).
LATE = "eccp_kg.guard.late"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _percent(match: re.Match[str]) -> str:
    return "%%%02X" % ord(match.group())


def safe_query_string(value: str) -> str:
    """QUERY_STRING (latin-1 text of the raw bytes) with unsafe bytes percent-encoded."""
    return _UNSAFE.sub(_percent, value)


def header_bytes(environ: dict[str, Any]) -> int:
    """Bytes of the request's header block as the app sees it (names and values)."""
    size = 0
    for key, value in environ.items():
        if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            size += len(key) + len(value) if isinstance(value, str) else 0
    return size


class InputGuard:
    """WSGI middleware in front of the Flask app (see the module docstring)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], max_body: int):
        self.app = app
        self.max_body = max_body

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        query = environ.get("QUERY_STRING")
        if query and _UNSAFE.search(query):
            environ["QUERY_STRING"] = safe_query_string(query)
        if header_bytes(environ) > MAX_HEADER_BYTES:
            environ[REFUSED] = "headers"
        elif environ.get("REQUEST_METHOD") in _BODY_METHODS and not environ.get("CONTENT_LENGTH"):
            self._bound_body(environ)
        return self.app(environ, start_response)

    def _bound_body(self, environ: dict[str, Any]) -> None:
        """Read a body of unknown length up to the cap; what fits gets a Content-Length."""
        stream = environ.get("wsgi.input")
        if stream is None:
            return
        data = b""
        try:
            while len(data) <= self.max_body:
                chunk = stream.read(self.max_body + 1 - len(data))
                if not chunk:
                    break
                data += chunk
        except RequestTimeout as exc:  # the HTTP server gave up waiting for the body (server/rsgi.py)
            environ[REFUSED] = "late body"
            environ[LATE] = exc.description
            return
        if len(data) > self.max_body:
            environ[REFUSED] = "body"
            data = b""
        environ["wsgi.input"] = io.BytesIO(data)
        environ["CONTENT_LENGTH"] = str(len(data))
        environ.pop("HTTP_TRANSFER_ENCODING", None)


def untouched(environ: dict[str, Any]) -> bool:
    """Whether the guard and `check_request` would let a request without a body through as it
    is (no raw byte to encode, headers within the bound, a good Host): the RSGI path
    (server/rsgi_sparql.py) answers only those, and leaves the others to the app."""
    query = environ.get("QUERY_STRING")
    host = environ.get("HTTP_HOST")
    return (not (query and _UNSAFE.search(query)) and header_bytes(environ) <= MAX_HEADER_BYTES
            and not (host and not _HOST.fullmatch(host)))


def check_request() -> Response | None:
    """before_request: the guard's refusals and a malformed Host, in the one error shape."""
    refused = request.environ.get(REFUSED)
    if refused == "headers":
        return error_response(431, "Request Header Fields Too Large",
                              f"The request headers have more than {MAX_HEADER_BYTES} bytes.")
    if refused == "late body":
        return error_response(408, "Request Timeout", request.environ[LATE])
    if refused == "body":
        cap = current_app.config["MAX_REQUEST_BYTES"]
        return error_response(413, "Request Too Large", f"The request body has more than {cap} bytes; this endpoint accepts at most {cap}.")
    host = request.environ.get("HTTP_HOST")
    if host and not _HOST.fullmatch(host):
        return error_response(400, "Bad Request", f"The Host header {host[:200]!r} is not a host name or address.")
    return None


def install_guard(app: Flask) -> None:
    """Bound bodies and headers, percent-encode raw query-string bytes, refuse a malformed Host."""
    app.before_request(check_request)
    app.wsgi_app = InputGuard(app.wsgi_app, int(app.config["MAX_REQUEST_BYTES"]))  # type: ignore[method-assign]
