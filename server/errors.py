"""The one shape of every HTTP error the server sends.

Clients (YASGUI, SPARQLWrapper, scripts, browsers) must be able to read an error the same
way whichever blueprint raised it, so every error body is built here:

* JSON by default: ``{"error": {"status": 400, "title": "...", "detail": "...", ...}}``
* a small, escaped HTML page when the client prefers ``text/html`` (browsers),
* ``text/plain`` when the client asks for it (curl users, SPARQL clients that show the body).
"""
from __future__ import annotations

import html
import json
from typing import Any

from flask import Flask, Response, has_request_context, request
from werkzeug.exceptions import HTTPException

#: Media types an error body can take, in order of preference when the client does not care.
ERROR_TYPES = ("application/json", "text/html", "text/plain")


class Problem(Exception):
    """An HTTP error a plain function raises for its view to send with `error_response`:
    status, a short title and a detail that says what was wrong and what is expected."""

    def __init__(self, status: int, title: str, detail: str):
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


def _error_media_type() -> str:
    """The error body's media type the current request prefers (JSON outside a request)."""
    if not has_request_context():
        return "application/json"
    accept = request.accept_mimetypes
    if not accept or not accept.provided:
        return "application/json"
    best = accept.best_match(ERROR_TYPES)
    if best:
        return best
    # A client that accepts none of the three (e.g. Accept: text/turtle) still gets an
    # error it can read; JSON is the documented default.
    return "application/json"


def error_body(status: int, title: str, detail: str, media_type: str, **extra: Any) -> str:
    """Render an error in one media type (pure: used by error_response and by tests)."""
    payload: dict[str, Any] = {"status": status, "title": title, "detail": detail}
    payload.update({k: v for k, v in extra.items() if v is not None})
    if media_type == "text/html":
        rows = "".join(
            f"<dt>{html.escape(str(k))}</dt><dd>{html.escape(str(v))}</dd>"
            for k, v in payload.items()
            if k not in ("status", "title", "detail")
        )
        return (
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{status} {html.escape(title)}</title></head><body>"
            f"<h1>{status} {html.escape(title)}</h1><pre class=\"error-detail\">{html.escape(detail)}</pre>"
            + (f"<dl>{rows}</dl>" if rows else "")
            + "<p><a href=\"/\">Back to the query page</a></p></body></html>\n"
        )
    if media_type == "text/plain":
        lines = [f"{status} {title}", detail]
        lines += [f"{k}: {v}" for k, v in payload.items() if k not in ("status", "title", "detail")]
        return "\n".join(lines) + "\n"
    return json.dumps({"error": payload}, ensure_ascii=False, default=str) + "\n"


def error_response(status: int, title: str, detail: str, **extra: Any) -> Response:
    """The HTTP error response for the current request, negotiated on Accept.

    `extra` items (e.g. ``line=3, column=7``, ``allowed=[...]``) are added to the body. A
    keyword ``headers`` (dict) is not put in the body but sent as response headers (e.g. Allow)."""
    headers = extra.pop("headers", None) or {}
    media_type = _error_media_type()
    body = error_body(status, title, detail, media_type, **extra)
    resp = Response(body, status=status, mimetype=media_type)
    resp.headers["Cache-Control"] = "no-store"
    resp.vary.add("Accept")
    for key, value in headers.items():
        resp.headers[key] = value
    return resp


def _handle_http_exception(exc: HTTPException) -> Response:
    """Turn werkzeug's 404/405/413/... into the project's error shape, keeping their headers."""
    status = exc.code or 500
    headers = {k: v for k, v in exc.get_headers() if k.lower() not in ("content-type", "content-length")}
    detail = exc.description or exc.name
    if status == 404 and has_request_context():
        detail = f"No resource at {request.path}."
    elif status == 405 and has_request_context():
        allow = headers.get("Allow", "")
        detail = f"{request.method} is not allowed on {request.path}; allowed: {allow}."
    return error_response(status, exc.name, detail, headers=headers)


def _handle_unexpected(exc: Exception) -> Response:
    """Any uncaught exception: a 500 in the same shape, never a traceback to the client."""
    if isinstance(exc, HTTPException):
        return _handle_http_exception(exc)
    import logging

    logging.getLogger("eccp_kg.server").exception("unhandled error")
    return error_response(500, "Internal Server Error", f"The server failed: {type(exc).__name__}.")


def register_error_handlers(app: Flask) -> None:
    """Make every blueprint's errors (and Flask's own 404/405/413...) use `error_response`."""
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)
