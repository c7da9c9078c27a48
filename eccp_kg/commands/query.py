"""`eccp-kg query`: run one SPARQL query on the built store (or RDF files) and print the result.

For people (an aligned table with the project's prefixes) and for scripts (csv, json,
turtle). The query runs in-process on the local store: the caller owns the machine, so
there is no timeout or row cap here (those protect the HTTP endpoint). The project's
prefixes (eccp_kg.graph.namespaces.PREFIXES) are predeclared, so `skos:prefLabel` works
without a PREFIX line."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from eccp_kg.graph.dataset import DataError, load_data_files, open_store_read_only
from eccp_kg.graph.formats import RDF, RESULTS
from eccp_kg.graph.namespaces import PREFIXES
from eccp_kg.graph.sparql_errors import describe_syntax_error
from eccp_kg.graph.sparql_prologue import PREDECLARED

from ._common import add_store_option, fail

FORMATS = ("table", *RESULTS, *RDF)
_RESULT_FORMATS = {name: f.syntax for name, f in RESULTS.items()}
# json and xml mean JSON-LD and RDF/XML for graphs
_GRAPH_FORMATS = {**{name: f.syntax for name, f in RDF.items()}, "json": RDF["jsonld"].syntax, "xml": RDF["rdfxml"].syntax}
_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-.]*$")


def register(sub: argparse._SubParsersAction) -> None:
    """Add `eccp-kg query` and its options."""
    p = sub.add_parser(
        "query",
        help="run a SPARQL query on the built graph and print the result",
        description="Run one SPARQL query on the built store (default graph = union of all graphs; the "
        "project's prefixes are predeclared). Prints an aligned table by default. Exit status: 0 ok, "
        "2 bad query or bad option (message on stderr; a syntax error as 'Line L, column C: ...'), 1 no store.",
    )
    p.add_argument("query", nargs="?", help="the SPARQL query text (or use --file)")
    p.add_argument("--file", metavar="Q.rq", help="read the query from this file ('-' = stdin)")
    add_store_option(p, "the store `eccp-kg build` wrote")
    p.add_argument("--data", metavar="FILE", nargs="+", default=None, help="query these RDF files (loaded in memory) instead of --store")
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help=f"table (aligned, for people; CONSTRUCT/DESCRIBE print Turtle), {', '.join(RESULTS)} for SELECT/ASK; "
        f"{', '.join(RDF)} (json, xml = JSON-LD, RDF/XML) for CONSTRUCT/DESCRIBE; default: table",
    )
    p.set_defaults(func=run)


def short(term: Any) -> str:
    """A term as a person reads it: prefixed name if a project prefix fits, literal values bare."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, ns in PREFIXES.items():
            if term.value.startswith(ns) and _LOCAL.match(term.value[len(ns):] or "_"):
                return f"{prefix}:{term.value[len(ns):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        text = term.value.replace("\n", "\\n").replace("\t", "\\t")
        return f"{text}@{term.language}" if term.language else text
    return str(term)


def render_table(variables: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell, a rule under the header, and a row count."""
    widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(variables)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [line(variables), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _read_query(args: argparse.Namespace) -> str:
    if args.file and args.query:
        raise ValueError("give the query as an argument or with --file, not both")
    if args.file:
        if args.file == "-":
            return sys.stdin.read()
        path = Path(args.file)
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: cannot read the query: {exc}") from exc
    if not args.query:
        raise ValueError("no query: give it as an argument or with --file Q.rq")
    return args.query


def _open(args: argparse.Namespace) -> ox.Store:
    return load_data_files(args.data) if args.data else open_store_read_only(args.store)


def execute(store: ox.Store, query: str, fmt: str) -> bytes:
    """The printed bytes of a query result in `fmt` (raises SyntaxError, ValueError)."""
    result = store.query(query, use_default_graph_as_union=True, prefixes=PREDECLARED)
    if isinstance(result, ox.QueryBoolean):
        if fmt == "table":
            return (b"true" if bool(result) else b"false") + b"\n"
        if fmt not in _RESULT_FORMATS:
            raise ValueError(f"--format {fmt} is for CONSTRUCT/DESCRIBE; ASK prints as table, csv, tsv, json or xml")
        return result.serialize(format=_RESULT_FORMATS[fmt])
    if isinstance(result, ox.QuerySolutions):
        if fmt == "table":
            names = [v.value for v in result.variables]
            rows = [[short(sol[n]) for n in names] for sol in result]
            return render_table(names, rows).encode("utf-8")
        if fmt not in _RESULT_FORMATS:
            raise ValueError(f"--format {fmt} is for CONSTRUCT/DESCRIBE; SELECT prints as table, csv, tsv, json or xml")
        return result.serialize(format=_RESULT_FORMATS[fmt])
    target = "turtle" if fmt == "table" else fmt
    if target not in _GRAPH_FORMATS:
        raise ValueError(f"--format {fmt} is for SELECT/ASK; CONSTRUCT/DESCRIBE print as table (Turtle), {', '.join(RDF)}")
    return ox.serialize(list(result), format=_GRAPH_FORMATS[target], prefixes=PREFIXES if target in ("turtle", "trig", "rdfxml") else None)


def run(args: argparse.Namespace) -> int:
    """Run the query and print it; exit 2 for a bad query or option, 1 for a missing store."""
    try:
        query = _read_query(args)
    except ValueError as exc:
        return fail("query", str(exc), 2)
    try:
        store = _open(args)
    except DataError as exc:
        return fail("query", str(exc), 1)
    try:
        out = execute(store, query, args.format)
    except SyntaxError as exc:
        return fail("query", f"SPARQL syntax error: {describe_syntax_error(str(exc), query).detail}", 2)
    except ValueError as exc:
        return fail("query", str(exc), 2)
    except (OSError, RuntimeError) as exc:
        return fail("query", f"query failed: {exc}", 2)
    sys.stdout.buffer.write(out)
    if out and not out.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    sys.stdout.flush()
    return 0
