"""A loaded graph without blank nodes, held as N-Triples bytes instead of an rdflib Graph.

Why: an edition's loaders yield a few thousand rdflib triples; at a million triples an rdflib Graph
costs about 1 KB and 25 us per triple to fill, and the build then copied every graph into a union,
skolemised a copy and serialised it again. Written once as N-Triples (each distinct term rendered
once), a graph costs ~150 bytes a triple and Oxigraph loads it in Rust, into the validation store and
into the build's store alike. Blank nodes need skolemising from content, so a graph with any stays an
rdflib Graph (the ontology, the SHACL report)."""
from __future__ import annotations

from typing import Iterable, Iterator

from rdflib import BNode, Graph, Literal
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Node

from .shacl_sparql import DATATYPE_GRAPH, INTEGER_TYPES

Triple = tuple[Node, Node, Node]


class TripleText:
    """N-Triples of a graph without blank nodes (`nt`), its size, and the N-Quads the SHACL engine keeps
    for literals Oxigraph folds into xsd:integer (`typed`, see graph/shacl_sparql.py)."""

    def __init__(self, nt: bytes, count: int, typed: bytes = b""):
        self.nt, self.count, self.typed = nt, count, typed

    @classmethod
    def of(cls, triples: Iterable[Triple]) -> "TripleText | Graph":
        """The distinct triples as text; an rdflib Graph instead if any term is a blank node.

        Distinct by line: equal triples give equal lines, and hashing a line (a str, in C) is much cheaper
        than hashing a triple of rdflib terms (Literal.__hash__ is Python)."""
        given = triples if isinstance(triples, list) else list(triples)
        rendered: dict[Node, str] = {}
        lines: dict[str, None] = {}
        typed: list[str] = []
        for triple in given:
            parts = []
            for term in triple:
                text = rendered.get(term)
                if text is None:
                    if isinstance(term, BNode):
                        graph = Graph()
                        for t in dict.fromkeys(given):
                            graph.add(t)
                        return graph
                    # rdflib's own N-Triples literal writer (Literal.n3 may write a long string in triple quotes)
                    text = rendered[term] = _quoteLiteral(term) if isinstance(term, Literal) else term.n3()
                parts.append(text)
            line = " ".join(parts)
            if line in lines:
                continue
            lines[line] = None
            obj = triple[2]
            if isinstance(obj, Literal) and obj.datatype in INTEGER_TYPES:
                typed.append(f"{line} <{DATATYPE_GRAPH}{obj.datatype}>")
        return cls(_text(lines), len(lines), _text(typed))

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Triple]:
        """The triples as rdflib terms (for the per-focus-node engines, which take rdflib graphs)."""
        return iter(Graph().parse(data=self.nt, format="nt"))


def _text(lines: Iterable[str]) -> bytes:
    return "".join(f"{line} .\n" for line in lines).encode("utf-8")
