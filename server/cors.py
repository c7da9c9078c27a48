"""Cross-origin access (CORS) for every route, by flask-cors: by default any origin may GET/POST,
without credentials.

Browser apps on other sites (YASGUI instances, notebooks) must be able to query the endpoint;
credentials are never allowed because the endpoint has no user state to protect. flask-cors
(a maintained Flask extension) answers preflights and echoes a listed origin with
`Vary: Origin`; it cost the same per request as the hand-written hook it replaced (measured
in-process: within the noise of ~60-85 us per Flask request)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response
from flask_cors import CORS
from flask_cors.core import get_cors_headers, get_cors_options
from werkzeug.datastructures import Headers

ALLOW_METHODS = ["GET", "POST", "OPTIONS"]
ALLOW_HEADERS = ["Accept", "Content-Type", "If-None-Match", "Cache-Control"]
EXPOSE_HEADERS = ["ETag", "Content-Type", "Vary"]


def configured_origins(config: Mapping[str, Any]) -> list[str]:
    """The CORS_ORIGINS setting, cleaned (empty list = CORS off)."""
    return [o.strip() for o in config.get("CORS_ORIGINS") or [] if o.strip()]


#: app.extensions key: the app's computed flask-cors options (absent: CORS off), for `cors_headers`.
OPTIONS_KEY = "eccp_kg.cors"


def install_cors(app: Flask) -> None:
    """CORS headers on every response and answered preflights, for the configured origins."""
    origins = configured_origins(app.config)
    if not origins:
        return
    settings = dict(
        origins="*" if "*" in origins else origins,
        send_wildcard=True,  # "*" itself, not the echoed Origin, when any origin may call
        methods=ALLOW_METHODS,
        allow_headers=ALLOW_HEADERS,
        expose_headers=EXPOSE_HEADERS,
        max_age=86400,
        supports_credentials=False,
    )
    CORS(app, **settings)
    app.extensions[OPTIONS_KEY] = (get_cors_options(app, settings), "*" not in origins)
    if "*" not in origins:
        # flask-cors names Origin in Vary only for several origins or a pattern, but with one
        # listed origin the answer varies too (its Allow-Origin, or none): caches must know
        @app.after_request
        def _vary_on_origin(resp: Response) -> Response:
            resp.vary.add("Origin")
            return resp


def cors_headers(app: Flask, request_headers: Headers, method: str) -> list[tuple[str, str]]:
    """The CORS headers flask-cors's after_request hook (and `_vary_on_origin`) add to a response,
    for a response built without Flask (server/rsgi_sparql.py): flask-cors's own function on the
    options `install_cors` gave it, so both paths send the same headers."""
    computed = app.extensions.get(OPTIONS_KEY)
    if computed is None:
        return []
    options, vary_on_origin = computed
    headers = [(name, str(value)) for name, value in get_cors_headers(options, request_headers, method).items()]
    return headers + [("Vary", "Origin")] if vary_on_origin else headers
