"""`eccp-kg export`: serialise a built store, or one named graph of it, to a file or stdout."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eccp_kg.graph.dumps import FORMATS, export
from eccp_kg.graph.store import open_store

from ._common import add_store_option, fail


def register(sub: argparse._SubParsersAction) -> None:
    """Add `eccp-kg export` and its options (each --help line states its default)."""
    p = sub.add_parser(
        "export",
        help="write a built store (or one named graph) as Turtle, N-Triples, N-Quads, TriG or JSON-LD",
        description="Serialise the store that `eccp-kg build` wrote. Triple formats (turtle, ntriples) get the "
        "union of all named graphs, each triple once; quad formats (nquads, trig, jsonld) keep the graphs. "
        "Output is sorted, so the same store gives the same bytes.",
    )
    add_store_option(p, "store folder")
    p.add_argument("--format", choices=list(FORMATS), default="turtle", help="serialisation; default: turtle")
    p.add_argument("--graph", metavar="IRI", default=None, help="export only this named graph; default: all graphs")
    p.add_argument("--out", metavar="FILE", default="-", help="output file, '-' for stdout; default: -")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Serialise the store; a missing store or unknown graph prints why and returns 1."""
    try:
        store = open_store(args.store, read_only=True)
    except (FileNotFoundError, OSError) as exc:
        return fail("export", f"--store: {exc}")
    try:
        if args.out == "-":
            data = export(store, args.format, None, args.graph)
            sys.stdout.buffer.write(data or b"")
            sys.stdout.buffer.flush()
        else:
            out = Path(args.out)
            out.parent.mkdir(parents=True, exist_ok=True)
            export(store, args.format, out, args.graph)
    except (LookupError, ValueError) as exc:
        return fail("export", str(exc))
    return 0
