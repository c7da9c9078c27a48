"""VoID statistics of a built store: distinct subjects/objects, classes and properties, with partitions.

A SPARQL client deciding how to query an unfamiliar endpoint looks at these numbers first (which
classes exist and how many instances each has, which properties are used how often). They are
computed once at build time over the data graphs (everything but B graph/meta) and stored in the
VoID description, so the endpoint never has to run the expensive aggregate queries itself."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import pyoxigraph as ox


@dataclass
class Statistics:
    """Dataset-level counts and the per-class / per-property partitions, sorted by IRI."""

    distinct_subjects: int = 0
    distinct_objects: int = 0
    classes: dict[str, int] = field(default_factory=dict)  # class IRI -> instances (void:entities)
    properties: dict[str, int] = field(default_factory=dict)  # property IRI -> triples


def _ask(store: ox.Store, query: str, graphs: list[ox.NamedNode]) -> list[ox.QuerySolution]:
    return list(store.query(query, default_graph=graphs))


def statistics(store: ox.Store, graphs: Iterable[str]) -> Statistics:
    """Statistics over the union of `graphs` (named-graph IRIs) of `store`."""
    default = [ox.NamedNode(g) for g in sorted(graphs)]
    if not default:
        return Statistics()
    totals = _ask(store, "SELECT (COUNT(DISTINCT ?s) AS ?s) (COUNT(DISTINCT ?o) AS ?o) WHERE { ?s ?p ?o }", default)[0]
    classes = _ask(
        store,
        "SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c FILTER(isIRI(?c)) } GROUP BY ?c",
        default,
    )
    properties = _ask(store, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p", default)
    return Statistics(
        distinct_subjects=int(totals["s"].value),
        distinct_objects=int(totals["o"].value),
        classes=dict(sorted((row["c"].value, int(row["n"].value)) for row in classes)),
        properties=dict(sorted((row["p"].value, int(row["n"].value)) for row in properties)),
    )
