"""What the HTTP server hands over, made safe for werkzeug before the app sees it.

An HTTP server passes the request target's bytes through as they came (PEP 3333: decoded as
latin-1). A raw, unencoded non-ASCII byte in the query string (``GET /sparql?\\x80``) makes
werkzeug's ``request.args`` raise UnicodeDecodeError, i.e. a 500 for a client's typo or an
attacker's probe. Percent-encoding such bytes (what a browser does before sending) keeps every
valid UTF-8 query string meaning the same and leaves invalid bytes percent-encoded, which
werkzeug reads without failing (and the /sparql view reports as a bad query).

A Host header that is not a host name or address (``Host: "``) would make the endpoint's own
URL, the base IRI of every query, an invalid IRI: it gets 400 in the one error shape
(RFC 9112 section 3.2: a server must answer an invalid Host with 400)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, request

from .errors import error_response

#: A Host header value: a registered name or IPv4 address, or an IPv6 literal, and a port.
_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~-]+)(:[0-9]{1,5})?")
#: Bytes that must not appear raw in a query string (non-ASCII, controls, space, DEL).
_UNSAFE = re.compile(r"[^\x21-\x7e]")


def _percent(match: re.Match[str]) -> str:
    return "%%%02X" % ord(match.group())


def safe_query_string(value: str) -> str:
    """QUERY_STRING (latin-1 text of the raw bytes) with unsafe bytes percent-encoded."""
    return _UNSAFE.sub(_percent, value)


class InputGuard:
    """WSGI middleware in front of the Flask app (see the module docstring)."""

    def __init__(self, app: Callable[..., Iterable[bytes]]):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        query = environ.get("QUERY_STRING")
        if query and _UNSAFE.search(query):
            environ["QUERY_STRING"] = safe_query_string(query)
        return self.app(environ, start_response)


def check_host() -> Response | None:
    """before_request: 400 for a Host header that is no host (an empty one means "none")."""
    host = request.environ.get("HTTP_HOST")
    if host and not _HOST.fullmatch(host):
        return error_response(400, "Bad Request", f"The Host header {host[:200]!r} is not a host name or address.")
    return None


def install_guard(app: Flask) -> None:
    """Percent-encode raw bytes of the query string and refuse a malformed Host, for every route."""
    app.before_request(check_host)
    app.wsgi_app = InputGuard(app.wsgi_app)  # type: ignore[method-assign]
