"""`eccp-kg serve`: the SPARQL endpoint and UI over the built store (or RDF files), with waitress
(in one process, or in several sharing the listening socket: --http-processes).

Options map one-to-one onto the server settings in eccp_kg.server.config (documented in
docs/endpoint.md)."""
from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
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
    p.add_argument("--threads", type=_positive_int, default=16, help="waitress threads handling HTTP requests (per HTTP process); default: 16")
    p.add_argument(
        "--http-processes",
        type=_positive_int,
        default=1,
        help="server processes sharing the listening socket, each with its own --workers query workers, "
        "--threads threads and --cache-bytes cache (more throughput on several cores); default: 1",
    )
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
    """Serve until SIGTERM/SIGINT: in this process, or in --http-processes forked ones."""
    if args.base_iri:
        os.environ["ECCP_KG_BASE_IRI"] = args.base_iri
    # server-side failures are logged with the request id their error response carries
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    port = args.port if args.port is not None else int(os.environ.get("PORT", "8000"))
    if args.http_processes > 1:
        return _serve_processes(args, port)
    return _serve(args, port)


def _serve(args: argparse.Namespace, port: int, sock: socket.socket | None = None) -> int:
    """Open the data, start the query workers, then serve with waitress until SIGTERM/SIGINT
    (on `sock`, a listening socket shared with other server processes, when given)."""
    import waitress

    from eccp_kg.server.app import create_app
    from eccp_kg.server.dataset import DataError

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
    where = f"process {os.getpid()}, " if sock is not None else ""
    print(f"eccp-kg serve: {source} on http://{args.host}:{port}/ (SPARQL at /sparql, {where}{args.workers} query workers, "
          f"timeout {args.timeout:g} s)", file=sys.stderr, flush=True)
    # SIGTERM (docker, bench harness) must stop the workers too: turn it into SystemExit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    listen: dict = {"sockets": [sock]} if sock is not None else {"host": args.host, "port": port}
    try:
        waitress.serve(
            app,
            **listen,
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


def _serve_processes(args: argparse.Namespace, port: int) -> int:
    """Pre-fork: bind once, fork `--http-processes` servers that accept on the same socket.

    One Python process answers HTTP on about one core (the GIL), so a second process lets a
    multi-core machine answer more requests. Each child opens the store and starts its own
    worker pool after the fork (nothing with threads, RocksDB handles or worker pipes exists
    before it). The parent only supervises: SIGTERM/SIGINT are passed on to the children; when
    one child exits on its own, the others are stopped too and the parent exits with its status
    (a supervisor restarts the whole server; it never runs short-handed unnoticed)."""
    family = socket.getaddrinfo(args.host, port, type=socket.SOCK_STREAM)[0][0]
    try:
        sock = socket.create_server((args.host, port), family=family, backlog=1024)
    except OSError as exc:
        return fail("serve", f"cannot listen on {args.host}:{port}: {exc}")
    port = sock.getsockname()[1]  # the port chosen when asked for 0
    children: list[int] = []
    # no signal may slip in while children are forked: the parent's handler is not set yet,
    # and a child must not run it (it would stop its siblings); pending ones arrive below
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    for _ in range(args.http_processes):
        pid = os.fork()
        if pid == 0:  # child: serve, then leave without running the parent's cleanup
            code = 1
            try:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
                code = _serve(args, port, sock)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 0
            except KeyboardInterrupt:
                code = 0
            finally:
                sys.stderr.flush()
                os._exit(code)
        children.append(pid)
    sock.close()  # the children hold it
    print(f"eccp-kg serve: {args.http_processes} HTTP processes ({', '.join(map(str, children))}) on "
          f"http://{args.host}:{port}/", file=sys.stderr, flush=True)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            try:
                os.kill(child, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    status = 0
    while children:
        try:
            pid, raw = os.wait()
        except ChildProcessError:
            break
        if pid not in children:
            continue
        children.remove(pid)
        code = os.waitstatus_to_exitcode(raw)
        if not stopping:
            print(f"eccp-kg serve: HTTP process {pid} exited with status {code}; stopping the others",
                  file=sys.stderr, flush=True)
            status = code if code > 0 else 1
            stop()
    return status
