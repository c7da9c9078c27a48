"""`eccp-kg push`: load a build into a remote store through the SPARQL 1.1 Graph Store Protocol (graph.push)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from eccp_kg.graph.build import BUILD_INFO, make_minter
from eccp_kg.graph.push import DEFAULT_TIMEOUT, GraphStore, PushedGraph, PushError, push_build

from ._common import add_store_option, fail


def register(sub: argparse._SubParsersAction) -> None:
    """Add `eccp-kg push` and its options (each --help line states its default)."""
    p = sub.add_parser(
        "push",
        help="load a build into a remote SPARQL store (Graph Store HTTP Protocol), one named graph at a time",
        description="PUT every named graph of a built store to GSP_URL?graph=IRI (graph names kept), DELETE the "
        "graphs of the previously pushed build that this one lacks, and PUT B graph/meta (with the build id) last. "
        "Pushing the same build twice leaves the same store. Examples: Oxigraph server http://HOST:7878/store, "
        "Virtuoso http://HOST:8890/sparql-graph-crud-auth with --user/--password (digest). "
        "Exit status: 0 pushed, 1 an error (named: graph, URL, the engine's answer).",
    )
    p.add_argument("gsp_url", metavar="GSP_URL", help="the Graph Store HTTP Protocol endpoint of the remote store")
    add_store_option(p, "store folder of the build")
    p.add_argument("--user", default=None, help="user name for HTTP basic or digest auth (as the engine asks); default: none")
    p.add_argument("--password", default=None, help="password for --user; default: none")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds one request may take; default: {DEFAULT_TIMEOUT:.0f}")
    p.add_argument("--quiet", action="store_true", help="print only errors and the final summary line")
    p.set_defaults(func=run)


def _base_iri(store_dir: Path) -> str | None:
    info = store_dir.parent / BUILD_INFO
    if info.is_file():
        return json.loads(info.read_text(encoding="utf-8")).get("base_iri")
    return None


def run(args: argparse.Namespace) -> int:
    """Push; any failed request prints the graph, URL and answer and returns 1."""
    store_dir = Path(args.store)
    try:
        remote = GraphStore(args.gsp_url, args.user, args.password, args.timeout)
    except ValueError as exc:
        return fail("push", str(exc))
    meta = str(make_minter(_base_iri(store_dir)).graph("meta"))

    def report(item: PushedGraph, index: int, total: int) -> None:
        if not args.quiet:
            what = f"{item.triples} triples" if item.action == "PUT" else "old build's graph"
            print(f"[{index}/{total}] {item.action} <{item.graph}> ... {what}, HTTP {item.status} ({item.seconds:.1f}s)",
                  file=sys.stderr, flush=True)

    try:
        done = push_build(store_dir, remote, meta, report)
    except FileNotFoundError as exc:
        return fail("push", f"--store: {exc}")
    except PushError as exc:
        return fail("push", f"{exc}\nthe remote store may now hold part of this build; push again to complete it")
    triples = sum(d.triples for d in done)
    deleted = sum(1 for d in done if d.action == "DELETE")
    print(f"pushed {triples} triples in {len(done) - deleted} graphs to {args.gsp_url}"
          f" ({deleted} old graph(s) deleted, {sum(d.seconds for d in done):.1f}s)")
    return 0
