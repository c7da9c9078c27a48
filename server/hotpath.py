"""The hot path: plain GET /sparql queries answered before Flask runs.

Most load is GET /sparql?query=... with an Accept header. Flask's request context, routing,
header objects and hooks cost several times the work of answering such a request (measured:
~170 us of ~270 us per uncached lookup), so this WSGI middleware answers it directly:

* a GET that repeats an earlier 200 exactly (same query string, Accept, Origin, Host,
  scheme; the graph is immutable while served) gets the same bytes and headers from the
  endpoint's bounded result cache, for a dict access;
* a plain GET (parameters `query` and at most one `format`, nothing else) is negotiated,
  looked up in the result cache and evaluated by the same worker pool, with the same
  functions the Flask view uses (protocol.result_key, protocol.build_job, cache.etag_for,
  cors.cors_headers); a 200 is sent from here.

Everything else goes through the Flask app unchanged: POST, HEAD, conditional requests
(If-None-Match), dataset parameters, updates, oversized requests, unknown formats, 406. Any
non-200 outcome of a query evaluated here (syntax error, refused SERVICE, caps, timeout ...)
is handed to the Flask view in the environ (protocol.PRECOMPUTED), which builds the one error
shape without evaluating the query again."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import werkzeug.urls  # noqa: F401 - registers the "werkzeug.url_quote" codec error handler

from .cache import CachedResult, etag_for
from .cors import cors_headers
from .negotiation import UnknownFormat, negotiate
from .pool import QueryTimeout

if TYPE_CHECKING:
    from .endpoint import Endpoint


@dataclass(frozen=True)
class RawResponse:
    """A complete 200 response: headers as WSGI wants them, and the body."""

    headers: list[tuple[str, str]]
    body: bytes


def request_identity(environ: dict[str, Any]) -> tuple:
    """Everything a GET /sparql response depends on besides the (fixed) data."""
    return (
        "raw",
        environ.get("SCRIPT_NAME", ""),
        environ.get("QUERY_STRING", ""),
        environ.get("HTTP_ACCEPT"),
        environ.get("HTTP_ORIGIN"),
        environ.get("HTTP_HOST"),
        environ.get("wsgi.url_scheme"),
    )


def plain_query(query_string: str) -> tuple[str, str | None] | None:
    """(query, format) of a query string holding one non-blank `query` and at most one
    `format`, parsed as werkzeug parses request.args; None for anything else (the app decides)."""
    try:
        pairs = parse_qsl(query_string.encode("latin1").decode(), keep_blank_values=True, errors="werkzeug.url_quote")
    except UnicodeError:
        return None
    query = fmt = None
    for name, value in pairs:
        if name == "query" and query is None:
            query = value
        elif name == "format" and fmt is None:
            fmt = value
        else:
            return None
    if query is None or not query.strip():
        return None
    return query, fmt


class HotPath:
    """WSGI middleware in front of the Flask app, sharing the endpoint's worker pool and cache."""

    def __init__(self, app: Callable, endpoint: Endpoint, cors_origins: list[str], path: str = "/sparql"):
        self.app = app
        self.endpoint = endpoint
        self.cache = endpoint.cache
        self.cors_origins = cors_origins
        self.path = path
        self.cache_control = f"public, max-age={endpoint.cache_max_age}"

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or environ.get("PATH_INFO") != self.path
            or "HTTP_IF_NONE_MATCH" in environ
        ):
            return self.app(environ, start_response)
        keep = self.cache.max_bytes > 0
        if keep:
            key = request_identity(environ)
            hit = self.cache.get(key)
            if hit is not None:
                start_response("200 OK", hit.headers)
                return [hit.body]
        answer = self._answer(environ)
        if answer is None:
            return self._through_app(environ, start_response, key if keep else None)
        headers, body = answer
        if keep:
            self.cache.put(key, RawResponse([(k, "hit" if k == "X-Cache" else v) for k, v in headers], body))
        start_response("200 OK", headers)
        return [body]

    def _answer(self, environ: dict[str, Any]) -> tuple[list[tuple[str, str]], bytes] | None:
        """Headers and body of a 200 for a plain GET query, or None to let the app answer.

        Mirrors protocol._answer_query step by step; a non-200 outcome is left in the environ
        for the view (protocol.PRECOMPUTED) and None returned."""
        from .protocol import PRECOMPUTED, build_job, endpoint_url, result_key

        endpoint = self.endpoint
        query_string = environ.get("QUERY_STRING", "")
        if len(query_string) > endpoint.max_request_bytes or environ.get("CONTENT_LENGTH") not in (None, "", "0"):
            return None  # 413 / 414 from the app
        plain = plain_query(query_string)
        if plain is None:
            return None
        query, fmt = plain
        try:
            choice = negotiate(environ.get("HTTP_ACCEPT"), fmt)
        except UnknownFormat:
            return None
        if choice.results is None and choice.graph is None:
            return None  # 406 from the app
        url = endpoint_url(environ, self.path)
        key = result_key(endpoint, url, query, (), (), choice)
        etag = etag_for(key)
        cached = endpoint.cache.get(key)
        if cached is not None:
            body, content_type, state = cached.body, cached.content_type, "hit"
        else:
            try:
                outcome: Any = endpoint.run(build_job(endpoint, url, query, (), (), choice))
            except QueryTimeout as exc:
                outcome = exc
            if isinstance(outcome, QueryTimeout) or outcome.status != 200:
                environ[PRECOMPUTED] = outcome
                return None
            fmt_used = choice.for_kind(outcome.kind)
            body, state = outcome.body, "miss"
            content_type = fmt_used.content_type if fmt_used else "application/octet-stream"
            endpoint.cache.put(key, CachedResult(body, content_type))
        extra, vary_origin = cors_headers(environ.get("HTTP_ORIGIN"), self.cors_origins, "GET")
        headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("X-Cache", state),
            ("ETag", etag),
            ("Cache-Control", self.cache_control),
            ("Vary", "Accept, Origin" if vary_origin else "Accept"),
        ]
        headers += extra
        return headers, body

    def _through_app(self, environ: dict[str, Any], start_response: Callable, key: tuple | None) -> Iterable[bytes]:
        """Let the Flask app answer; keep its 200 for repeats when `key` is given."""
        if key is None:
            return self.app(environ, start_response)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, capture)
        if not captured.get("status", "").startswith("200 "):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        headers = [(k, "hit" if k.lower() == "x-cache" else v) for k, v in captured["headers"]]
        self.cache.put(key, RawResponse(headers, body))
        return [body]
