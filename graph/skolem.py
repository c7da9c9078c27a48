"""Replacing blank nodes by stable IRIs, so rebuilding from the same input gives the same quads.

Blank-node labels are arbitrary per parse (pyshacl's report, OWL restrictions, RDF lists), which
would make two builds of the same input differ and break the build id. Each graph is first
canonicalised with W3C RDF Dataset Canonicalization (RDFC-1.0, pyoxigraph's
`Dataset.canonicalize`), whose labels (``c14n0``, ``c14n1``, ...) depend only on the graph's
content and shape, then every blank node becomes a skolem IRI
``B .well-known/genid/{scope}-{label}`` (RDF 1.1 section 3.5). The scope (e.g. the named graph's
path) keeps equal-looking blank nodes of different graphs apart.

Why RDFC-1.0 over rdflib's RGDA1 (used before): it is the W3C Recommendation, so another tool
reproduces our labels, and it runs in Rust."""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph

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
    dataset = ox.Dataset(ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)

    def term(node):
        if isinstance(node, ox.BlankNode):
            return ox.NamedNode(str(minter.skolem(f"{prefix}-{node.value}")))
        return node

    triples = [ox.Triple(term(q.subject), q.predicate, term(q.object)) for q in dataset]
    out.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return out
