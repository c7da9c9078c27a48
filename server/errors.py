"""The one shape of every HTTP error the server sends, and the request id that ties it to the log.

Clients (YASGUI, SPARQLWrapper, scripts, browsers) must be able to read an error the same
way whichever blueprint raised it, so every error body is built here. Every error has

* ``status``: the HTTP status,
* ``code``: a short, stable, machine-readable name (``query_timeout``, ``not_found``, ...),
* ``title``: the same for people (``Query Timeout``), ``detail``: what was wrong and what to do,
* ``request_id``: the id the server logged the request under (also the ``X-Request-Id`` header),
* optional extra fields (``line``/``column`` of a syntax error, ``limit``, ``allowed`` ...).

It is sent as JSON by default (``{"error": {...}}``), as an HTML page in the site's layout
when the client prefers ``text/html`` (browsers; template errors/error.html), as ``text/plain``
when asked. docs/endpoint.md ("Errors") documents the shape and the codes."""
from __future__ import annotations

import html
import json
import logging
import re
import secrets
from typing import Any

from flask import Flask, Response, has_request_context, render_template, request
from werkzeug.exceptions import HTTPException

from .problem import Problem  # noqa: F401 - raised by plain functions, sent here

#: Media types an error body can take, in order of preference when the client does not care.
ERROR_TYPES = ("application/json", "text/html", "text/plain")
#: Response header carrying the request id (also accepted from a client or proxy when well formed).
REQUEST_ID_HEADER = "X-Request-Id"
#: WSGI environ key holding the request id once one was needed.
REQUEST_ID_KEY = "eccp_kg.request_id"
#: A client-supplied id is kept only when it is short and cannot forge log lines or headers.
_GOOD_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_FIXED_FIELDS = ("status", "code", "title", "detail")

log = logging.getLogger("eccp_kg.server")


def error_code(title: str) -> str:
    """The short code of an error title: "SERVICE Not Allowed" -> "service_not_allowed"."""
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_") or "error"


def request_id(environ: dict[str, Any] | None = None) -> str:
    """The id of the current request: the client's X-Request-Id when well formed, else a new one.

    Made once per request and kept in the environ, so the log line and the response agree."""
    if environ is None:
        if not has_request_context():
            return secrets.token_hex(8)
        environ = request.environ
    rid = environ.get(REQUEST_ID_KEY)
    if rid is None:
        given = environ.get("HTTP_X_REQUEST_ID", "")
        rid = given if _GOOD_REQUEST_ID.fullmatch(given) else secrets.token_hex(8)
        environ[REQUEST_ID_KEY] = rid
    return rid


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


def error_payload(status: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    """The fields of an error, fixed ones first (pure)."""
    payload: dict[str, Any] = {"status": status, "code": error_code(title), "title": title, "detail": detail}
    payload.update({k: v for k, v in extra.items() if v is not None and k not in _FIXED_FIELDS})
    return payload


def error_body(status: int, title: str, detail: str, media_type: str, **extra: Any) -> str:
    """Render an error in one media type (pure: used by error_response and by tests); the HTML
    here is the bare page used when the site's template cannot be rendered."""
    payload = error_payload(status, title, detail, **extra)
    others = [(k, v) for k, v in payload.items() if k not in _FIXED_FIELDS]
    if media_type == "text/html":
        rows = "".join(f"<dt>{html.escape(str(k))}</dt><dd>{html.escape(str(v))}</dd>" for k, v in others)
        return (
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{status} {html.escape(title)}</title></head><body>"
            f"<h1>{status} {html.escape(title)}</h1><pre class=\"error-detail\">{html.escape(detail)}</pre>"
            + (f"<dl>{rows}</dl>" if rows else "")
            + "<p><a href=\"/\">Back to the query page</a></p></body></html>\n"
        )
    if media_type == "text/plain":
        lines = [f"{status} {title}", detail, f"code: {payload['code']}"]
        lines += [f"{k}: {v}" for k, v in others]
        return "\n".join(lines) + "\n"
    return json.dumps({"error": payload}, ensure_ascii=False, default=str) + "\n"


def _html_page(payload: dict[str, Any]) -> str:
    """The error as a page of the site (errors/error.html, in the layout of every page); the
    bare page of `error_body` when the template cannot be rendered (it must never fail)."""
    try:
        fields = [(k, v) for k, v in payload.items() if k not in _FIXED_FIELDS]
        return render_template("errors/error.html", error=payload, fields=fields)
    except Exception:  # an error page must never raise: fall back to the page without layout
        log.warning("error template failed; sending the bare error page", exc_info=True)
        extra = {k: v for k, v in payload.items() if k not in _FIXED_FIELDS}
        return error_body(payload["status"], payload["title"], payload["detail"], "text/html", **extra)


def error_response(status: int, title: str, detail: str, **extra: Any) -> Response:
    """The HTTP error response for the current request, negotiated on Accept.

    `extra` items (e.g. ``line=3, column=7``, ``allowed=[...]``) are added to the body. A
    keyword ``headers`` (dict) is not put in the body but sent as response headers (e.g. Allow).
    Server-side failures (5xx) are logged with the request id the response carries."""
    headers = extra.pop("headers", None) or {}
    rid = request_id()
    media_type = _error_media_type()
    if media_type == "text/html" and has_request_context():
        body = _html_page(error_payload(status, title, detail, request_id=rid, **extra))
    else:
        body = error_body(status, title, detail, media_type, request_id=rid, **extra)
    resp = Response(body, status=status, mimetype=media_type)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers[REQUEST_ID_HEADER] = rid
    resp.vary.add("Accept")
    for key, value in headers.items():
        resp.headers[key] = value
    if status >= 500:
        where = f"{request.method} {request.path}" if has_request_context() else "-"
        log.warning("request %s: %s -> %d %s: %s", rid, where, status, title, detail)
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
    """Any uncaught exception: logged with its traceback and the request id, and a 500 in the
    same shape that carries the id (never a traceback or internal detail to the client)."""
    if isinstance(exc, HTTPException):
        return _handle_http_exception(exc)
    rid = request_id()
    where = "-"
    if has_request_context():  # the raw query may be any bytes: never fail while reporting a failure
        where = f"{request.method} {request.path}?{request.query_string.decode('utf-8', 'replace')[:2000]!r}"
    log.error("request %s: unhandled error in %s", rid, where, exc_info=exc)
    return error_response(
        500,
        "Internal Server Error",
        f"The server failed ({type(exc).__name__}); it was logged under request id {rid}: quote it when reporting the problem.",
    )


def register_error_handlers(app: Flask) -> None:
    """Make every blueprint's errors (and Flask's own 404/405/413...) use `error_response`."""
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)
