"""Cross-origin access (CORS) for every route: by default any origin may GET/POST, without credentials.

Browser apps on other sites (YASGUI instances, notebooks) must be able to query the endpoint;
credentials are never allowed because the endpoint has no user state to protect."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request

ALLOW_METHODS = "GET, POST, OPTIONS"
ALLOW_HEADERS = "Accept, Content-Type, If-None-Match, Cache-Control"
EXPOSE_HEADERS = "ETag, Content-Type, Vary"


def configured_origins(config: Mapping[str, Any]) -> list[str]:
    """The CORS_ORIGINS setting, cleaned (empty list = CORS off)."""
    return [o.strip() for o in config.get("CORS_ORIGINS") or [] if o.strip()]


def allowed_origin(origin: str | None, configured: list[str]) -> str | None:
    """The Access-Control-Allow-Origin value for a request Origin, or None (no CORS headers)."""
    if not configured:
        return None
    if "*" in configured:
        return "*"
    if not origin:
        return None
    return origin if origin in configured else None


def cors_headers(origin: str | None, configured: list[str], method: str) -> tuple[list[tuple[str, str]], bool]:
    """The CORS headers of a response, and whether `Vary` must name Origin."""
    value = allowed_origin(origin, configured)
    if value is None:
        return [], bool(configured) and "*" not in configured
    headers = [("Access-Control-Allow-Origin", value), ("Access-Control-Expose-Headers", EXPOSE_HEADERS)]
    if method == "OPTIONS":
        headers += [
            ("Access-Control-Allow-Methods", ALLOW_METHODS),
            ("Access-Control-Allow-Headers", ALLOW_HEADERS),
            ("Access-Control-Max-Age", "86400"),
        ]
    return headers, value != "*"


def install_cors(app: Flask) -> None:
    """Add CORS headers to every response, and answer preflights (Flask answers OPTIONS itself)."""
    configured = configured_origins(app.config)

    @app.after_request
    def _cors(resp: Response) -> Response:
        headers, vary_origin = cors_headers(request.headers.get("Origin"), configured, request.method)
        if vary_origin:
            resp.vary.add("Origin")
        for key, value in headers:
            resp.headers[key] = value
        return resp
