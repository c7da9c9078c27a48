"""`eccp-kg serve`: the SPARQL endpoint and UI over the built store (or RDF files), with waitress.

Options map one-to-one onto the server settings in eccp_kg.server.config (documented in
docs/endpoint.md)."""
from __future__ import annotations

import argparse
import os
import signal
import sys

from eccp_kg.graph.namespaces import DEFAULT_BASE_IRI

from ._common import fail


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text}")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    """Add `eccp-kg serve` and its options (defaults from eccp_kg.server.config)."""
    from eccp_kg.server.config import DEFAULTS

    p = sub.add_parser(
        "serve",
        help="serve the SPARQL endpoint (/sparql) and the query UI (/) with waitress",
        description="Serve the built graph (opened read-only) or RDF files over the SPARQL 1.1 Protocol at "
        "/sparql, with the query UI at /. User queries run in worker processes with a timeout; results are "
        "cached. See docs/endpoint.md.",
    )
    p.add_argument("--store", metavar="DIR", default=DEFAULTS["STORE_DIR"], help="the store `eccp-kg build` wrote; default: build/store")
    p.add_argument(
        "--data",
        metavar="FILE",
        nargs="+",
        default=None,
        help="serve these RDF files from memory instead of --store (Turtle .ttl, N-Triples .nt, N-Quads .nq, "
        "TriG .trig, RDF/XML .rdf/.owl/.xml, JSON-LD .jsonld/.json; chosen by suffix)",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind; default: 127.0.0.1")
    p.add_argument("--port", type=int, default=None, help="TCP port; default: $PORT, else 8000")
    p.add_argument("--workers", type=_positive_int, default=DEFAULTS["QUERY_WORKERS"], help="worker processes evaluating user queries; default: 2")
    p.add_argument("--worker-memory", type=int, default=DEFAULTS["WORKER_MEMORY"], help="heap bytes a query worker may use before the query is stopped with 503 (0 = unlimited); default: 1073741824 (1 GiB)")
    p.add_argument("--threads", type=_positive_int, default=16, help="waitress threads handling HTTP requests; default: 16")
    p.add_argument("--timeout", type=_positive_float, default=DEFAULTS["QUERY_TIMEOUT"], help="seconds a user query may run before 503; default: 30")
    p.add_argument("--max-rows", type=_positive_int, default=DEFAULTS["MAX_ROWS"], help="result rows (or triples) per query; default: 100000")
    p.add_argument("--max-result-bytes", type=_positive_int, default=DEFAULTS["MAX_RESULT_BYTES"], help="serialised result size at which a query is stopped (bounds worker memory); default: 134217728 (128 MiB)")
    p.add_argument("--max-request-bytes", type=_positive_int, default=DEFAULTS["MAX_REQUEST_BYTES"], help="largest request body or query string; default: 1000000")
    p.add_argument("--cache-bytes", type=int, default=DEFAULTS["CACHE_BYTES"], help="bytes of serialised results kept for repeated queries (0 disables); default: 67108864")
    p.add_argument("--max-age", type=int, default=DEFAULTS["CACHE_MAX_AGE"], help="Cache-Control max-age of results in seconds; default: 300")
    p.add_argument(
        "--cors-origin",
        metavar="ORIGIN",
        nargs="*",
        default=None,
        help="origins allowed to call the endpoint from browsers ('*' = any, no value = CORS off); default: *",
    )
    p.add_argument(
        "--service-allowlist",
        metavar="URL",
        nargs="*",
        default=[],
        help="SPARQL endpoints user queries may call with SERVICE; default: none (federation off)",
    )
    p.add_argument("--base-iri", metavar="IRI", default=None, help=f"base IRI of minted resources; default: $ECCP_KG_BASE_IRI, else {DEFAULT_BASE_IRI}")
    p.set_defaults(func=run)


def config_from_args(args: argparse.Namespace) -> dict:
    """Flask settings for the parsed options (see eccp_kg.server.config.DEFAULTS)."""
    config = {
        "STORE_DIR": args.store,
        "DATA_FILES": list(args.data or []),
        "QUERY_TIMEOUT": args.timeout,
        "MAX_ROWS": args.max_rows,
        "MAX_RESULT_BYTES": args.max_result_bytes,
        "MAX_REQUEST_BYTES": args.max_request_bytes,
        "QUERY_WORKERS": args.workers,
        "WORKER_MEMORY": max(args.worker_memory, 0),
        "CACHE_BYTES": max(args.cache_bytes, 0),
        "CACHE_MAX_AGE": max(args.max_age, 0),
        "CORS_ORIGINS": ["*"] if args.cors_origin is None else list(args.cors_origin),
        "SERVICE_ALLOWLIST": list(args.service_allowlist or []),
        "BASE_IRI": args.base_iri,
    }
    return config


def run(args: argparse.Namespace) -> int:
    """Open the data, start the query workers, then serve with waitress until SIGTERM/SIGINT."""
    import waitress

    from eccp_kg.server.app import create_app
    from eccp_kg.server.dataset import DataError

    if args.base_iri:
        os.environ["ECCP_KG_BASE_IRI"] = args.base_iri
    port = args.port if args.port is not None else int(os.environ.get("PORT", "8000"))
    try:
        app = create_app(config_from_args(args))
    except DataError as exc:
        return fail("serve", str(exc))
    endpoint = app.extensions["eccp_kg.endpoint"]
    try:
        endpoint.start()  # start the worker pool before accepting requests
    except RuntimeError as exc:
        return fail("serve", str(exc))
    source = ", ".join(args.data) if args.data else args.store
    print(f"eccp-kg serve: {source} on http://{args.host}:{port}/ (SPARQL at /sparql, {args.workers} query workers, "
          f"timeout {args.timeout:g} s)", file=sys.stderr, flush=True)
    # SIGTERM (docker, bench harness) must stop the workers too: turn it into SystemExit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        waitress.serve(
            app,
            host=args.host,
            port=port,
            threads=args.threads,
            # waitress' own limits sit above ours so clients get our clear 413/414 messages
            max_request_body_size=args.max_request_bytes * 2 + 65536,
            max_request_header_size=args.max_request_bytes * 2 + 65536,
            ident="eccp-kg",
            _quiet=True,
        )
    finally:
        endpoint.close()
    return 0
