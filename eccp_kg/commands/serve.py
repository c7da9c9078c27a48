"""`eccp-kg serve`: the SPARQL endpoint and UI over the built store (or RDF files), on granian.

granian (a maintained Rust HTTP server, WSGI interface) answers HTTP and runs
`--http-processes` worker processes on one listening socket; each builds the app, opens the
data read-only and starts its own query workers. Why granian: in bench/ the same app answers
several times more requests on it than on waitress or gunicorn (BENCHMARKS.md).

Options map one-to-one onto the server settings in eccp_kg.server.config (documented in
docs/endpoint.md)."""
from __future__ import annotations

import argparse
import logging
import os
import sys

from ._common import fail


#: Seconds an HTTP process may take to stop after SIGTERM before granian kills it.
STOP_SECONDS = 10


def register(sub: argparse._SubParsersAction) -> None:
    """Add `eccp-kg serve`; its options come from the one table in eccp_kg.server.config."""
    from eccp_kg.server.config import add_serve_options

    p = sub.add_parser(
        "serve",
        help="serve the SPARQL endpoint (/sparql) and the query UI (/) on granian",
        description="Serve the built graph (opened read-only) or RDF files over the SPARQL 1.1 Protocol at "
        "/sparql, with the query UI at /. User queries run in worker processes with a timeout; results are "
        "cached. See docs/endpoint.md.",
    )
    add_serve_options(p)
    p.set_defaults(func=run)


def config_from_args(args: argparse.Namespace) -> dict:
    """Flask settings for the parsed options (eccp_kg.server.config.SERVE_OPTIONS)."""
    from eccp_kg.server.config import config_from_args as from_args

    return from_args(args)


def run(args: argparse.Namespace) -> int:
    """Serve on granian until SIGTERM/SIGINT (exit 0); a crashing HTTP process stops the server (exit 1)."""
    from functools import partial

    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    # server-side failures are logged with the request id their error response carries
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    port = args.port if args.port is not None else int(os.environ.get("PORT", "8000"))
    config = config_from_args(args)
    problem = _check_data(config)  # here, so a bad file stops the command with a clear message
    if problem:
        return fail("serve", problem)
    source = f"backend {args.backend}" if args.backend else ", ".join(args.data) if args.data else args.store
    print(f"eccp-kg serve: {source} on http://{args.host}:{port}/ (SPARQL at /sparql; granian, "
          f"{args.http_processes} HTTP processes x {args.threads} threads, {args.workers} query workers each, "
          f"timeout {args.timeout:g} s)", file=sys.stderr, flush=True)
    # granian's own request limit sits above ours so clients get our clear 413/414 messages
    buffer = max(HTTP1Settings.max_buffer_size, args.max_request_bytes * 2 + 65536)
    server = Granian(
        "eccp_kg.server.app:create_app",
        address=args.host,
        port=port,
        # RSGI, not WSGI: only granian's native interface tells the app that a client disconnected
        # (server/rsgi.py runs the WSGI app in --threads threads and cancels abandoned queries)
        interface=Interfaces.RSGI,
        workers=args.http_processes,
        blocking_threads=1,
        websockets=False,
        http1_settings=HTTP1Settings(max_buffer_size=buffer),
        log_level="warning",
        # SIGTERM: an HTTP process that has not stopped (a long query in flight) is killed after this
        workers_kill_timeout=STOP_SECONDS,
    )
    server.serve(target_loader=partial(worker_app, config, args.threads), wrap_loader=False)
    return 0


def _check_data(config: dict) -> str | None:
    """Why the configured data cannot be served (unreadable file, no store), else None.

    Opens it once in the supervising process and lets it go before granian starts its workers."""
    import gc

    from eccp_kg.server.app import create_app
    from eccp_kg.graph.dataset import DataError

    try:
        app = create_app(config)
    except DataError as exc:
        return str(exc)
    del app
    gc.collect()  # close the store before the HTTP processes are forked
    return None


def worker_app(config: dict, threads: int = 8):  # noqa: ANN201 - an RSGI application
    """The app of one HTTP process (run by granian in that process): query workers started
    before it accepts requests, stopped when the process ends; served over RSGI in `threads`
    threads (server/rsgi.py), GET /sparql queries on the event loop (server/rsgi_sparql.py)."""
    import signal
    from multiprocessing import util

    from eccp_kg.server.app import create_app
    from eccp_kg.server.rsgi_sparql import serving

    # Until granian installs its handlers after this returns, the handlers inherited from the
    # supervisor would swallow a SIGTERM (a stop during start-up): let it end the process.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    app = create_app(config)
    endpoint = app.extensions["eccp_kg.endpoint"]
    endpoint.start()
    # granian's workers are multiprocessing processes: their exit runs these finalisers, not atexit
    util.Finalize(None, endpoint.close, exitpriority=10)
    print(f"eccp-kg serve: HTTP process {os.getpid()} ready, query workers {endpoint.status()['worker_pids']}",
          file=sys.stderr, flush=True)
    return serving(app, threads=threads, max_body=int(app.config["MAX_REQUEST_BYTES"]),
                   body_timeout=float(app.config["BODY_TIMEOUT"]))
