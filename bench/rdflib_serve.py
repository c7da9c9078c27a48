"""rdflib-endpoint over an N-Quads file, loaded through pyoxigraph's parser: the peer of the benchmarks.

Why: `rdflib-endpoint serve FILE` parses the file with rdflib's own N-Quads parser, which took about
30 minutes for the 1M build's dump on this shared machine (17.0 s against 4.9 s here for the 100k
dump, the same run). This reads the same file with pyoxigraph's parser and adds the quads to the same
rdflib store (`Dataset(default_union=True)`, rdflib's default in-memory store, one context per named
graph), then serves it with rdflib-endpoint's own app (`SparqlEndpoint`) on uvicorn, as its CLI does:
the endpoint and the query engine are rdflib-endpoint's, only the parsing before it is faster. The
loaded quads are the ones rdflib's parser gives (on the 100k dump: 177,777 quads, equal sets of N3
forms; tests/test_bench_endpoints.py), but for blank-node labels (rdflib's parser draws fresh ones;
these keep the file's). Literals typed xsd:string become plain literals, which is how rdflib reads
the dump: pyoxigraph writes them without the datatype.

Usage: `python -m bench.rdflib_serve FILE.nq --host 127.0.0.1 --port PORT`."""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.graph import Graph

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class Terms:
    """pyoxigraph terms to rdflib terms, each distinct term built once (a 1M dump repeats most)."""

    def __init__(self) -> None:
        self._seen: dict[object, object] = {}

    def __call__(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | BNode | Literal:
        key = (type(term), str(term))
        found = self._seen.get(key)
        if found is None:
            if isinstance(term, ox.NamedNode):
                found = URIRef(term.value)
            elif isinstance(term, ox.BlankNode):
                found = BNode(term.value)
            elif term.language:
                found = Literal(term.value, lang=term.language)
            else:
                datatype = term.datatype.value
                found = Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
            self._seen[key] = found
        return found


def load(path: str) -> Dataset:
    """The file's quads in an rdflib Dataset whose default graph is the union of its named graphs."""
    dataset = Dataset(default_union=True)
    terms = Terms()
    graphs: dict[str, Graph] = {}

    def context(name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> Graph:
        key = str(name)
        if key not in graphs:
            graphs[key] = dataset.default_context if isinstance(name, ox.DefaultGraph) else dataset.graph(terms(name))
        return graphs[key]

    quads: Iterator = ((terms(q.subject), terms(q.predicate), terms(q.object), context(q.graph_name))
                       for q in ox.parse(path=path, format=ox.RdfFormat.N_QUADS))
    dataset.addN(quads)
    return dataset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rdflib_serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="an N-Quads file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    import uvicorn
    from rdflib_endpoint import SparqlEndpoint

    started = time.monotonic()
    dataset = load(args.file)
    print(f"loaded {args.file} in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
    uvicorn.run(SparqlEndpoint(graph=dataset), host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
