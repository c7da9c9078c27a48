"""Server settings: one table of names, defaults and meanings, shared by `create_app` and `eccp-kg serve`.

Flask config keys are the single source; `eccp-kg serve` options map onto them and
docs/endpoint.md documents them."""
from __future__ import annotations

from typing import Any

#: Flask config key -> default. Documented in docs/endpoint.md ("Options and defaults").
DEFAULTS: dict[str, Any] = {
    "STORE_DIR": "build/store",  # the store `eccp-kg build` writes, opened read-only
    "DATA_FILES": [],  # RDF files served from memory instead of STORE_DIR (--data)
    "QUERY_TIMEOUT": 30.0,  # seconds per user query before 503 (--timeout)
    "MAX_ROWS": 100_000,  # result rows (or triples) per user query before 400 Result Too Large (--max-rows)
    "MAX_RESULT_BYTES": 128 * 1024 * 1024,  # serialised result size that stops a query (--max-result-bytes)
    "MAX_REQUEST_BYTES": 1_000_000,  # request body / query string cap (--max-request-bytes)
    "QUERY_WORKERS": 2,  # worker processes evaluating user queries (--workers)
    "WORKER_MEMORY": 1024 * 1024 * 1024,  # heap bytes per worker, 0 = unlimited (--worker-memory)
    "CORS_ORIGINS": ["*"],  # Access-Control-Allow-Origin values (--cors-origin); [] disables CORS
    "SERVICE_ALLOWLIST": [],  # SERVICE endpoints user queries may call (--service-allowlist)
    "BASE_IRI": None,  # base IRI of minted resources (--base-iri, else ECCP_KG_BASE_IRI)
    "CACHE_BYTES": 64 * 1024 * 1024,  # bytes of serialised results kept in the LRU cache (--cache-bytes)
    "CACHE_MAX_AGE": 300,  # Cache-Control max-age (seconds) on query results (--max-age)
    "IN_PROCESS": False,  # evaluate user queries in the server process (no timeout kill): tests only
}


def setting(config: Any, key: str) -> Any:
    """A config value with the documented default."""
    return config.get(key, DEFAULTS[key])
