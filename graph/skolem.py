"""Replacing blank nodes by stable IRIs, so rebuilding from the same input gives the same quads.

Blank-node labels are arbitrary per parse (pyshacl's report, OWL restrictions, RDF lists), which
would make two builds of the same input differ and break the build id. Each graph is first
canonicalised (rdflib's RGDA1 implementation labels blank nodes by the structure around them), then
every blank node becomes a skolem IRI ``B .well-known/genid/{scope}-{label}`` (RDF 1.1 section 3.5).
The scope (e.g. the named graph's path) keeps equal-looking blank nodes of different graphs apart."""
from __future__ import annotations

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph

from .iris import Minter, slug
from .namespaces import bind_all


def skolemise(graph: Graph, minter: Minter, scope: str) -> Graph:
    """A copy of `graph` whose blank nodes are skolem IRIs derived from content; IRIs and literals unchanged."""
    out = Graph()
    bind_all(out)
    if not any(isinstance(term, BNode) for triple in graph for term in triple):
        for triple in graph:
            out.add(triple)
        return out
    prefix = slug(scope) or "graph"
    mapping: dict[BNode, object] = {}

    def term(node):
        if isinstance(node, BNode):
            if node not in mapping:
                # canonical labels are long hex digests; 32 hex digits (128 bits) is plenty inside one graph
                mapping[node] = minter.skolem(f"{prefix}-{str(node)[-32:]}")
            return mapping[node]
        return node

    for s, p, o in to_canonical_graph(graph):
        out.add((term(s), p, term(o)))
    return out
