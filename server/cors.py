"""Cross-origin access (CORS) for every route: by default any origin may GET/POST, without credentials.

Browser apps on other sites (YASGUI instances, notebooks) must be able to query the endpoint;
credentials are never allowed because the endpoint has no user state to protect."""
from __future__ import annotations

from flask import Flask, Response, request

ALLOW_METHODS = "GET, POST, OPTIONS"
ALLOW_HEADERS = "Accept, Content-Type, If-None-Match, Cache-Control"
EXPOSE_HEADERS = "ETag, Content-Type, Vary"


def allowed_origin(origin: str | None, configured: list[str]) -> str | None:
    """The Access-Control-Allow-Origin value for a request Origin, or None (no CORS headers)."""
    if not configured:
        return None
    if "*" in configured:
        return "*"
    if not origin:
        return None
    return origin if origin in configured else None


def install_cors(app: Flask) -> None:
    """Add CORS headers to every response, and answer preflights (Flask answers OPTIONS itself)."""
    configured = [o.strip() for o in app.config.get("CORS_ORIGINS") or [] if o.strip()]

    @app.after_request
    def _cors(resp: Response) -> Response:
        value = allowed_origin(request.headers.get("Origin"), configured)
        if value is None:
            if configured and "*" not in configured:
                resp.vary.add("Origin")
            return resp
        resp.headers["Access-Control-Allow-Origin"] = value
        if value != "*":
            resp.vary.add("Origin")
        resp.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
        if request.method == "OPTIONS":
            resp.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
            resp.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
            resp.headers["Access-Control-Max-Age"] = "86400"
        return resp
