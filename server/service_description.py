"""The SPARQL 1.1 Service Description of /sparql (sd: and VoID vocabularies), as RDF triples.

Clients (and people) discover from it what the endpoint speaks and what it holds: query
language, result formats, features, the dataset with its named graphs and triple counts."""
from __future__ import annotations

import pyoxigraph as ox

from eccp_kg.graph.namespaces import PREFIXES

from eccp_kg.graph.dataset import Dataset

from eccp_kg.graph.sparql_prologue import PREDECLARED

_RDF = PREFIXES["rdf"]
_SD = PREFIXES["sd"]
_VOID = PREFIXES["void"]
_DCTERMS = PREFIXES["dcterms"]
_SH = PREFIXES["sh"]

#: Formats the endpoint can answer in, as their W3C format IRIs (taken from pyoxigraph).
_RESULT_FORMAT_IRIS = [f.iri for f in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV)]
_GRAPH_FORMAT_IRIS = [f.iri for f in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD)]


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _count(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(PREFIXES["xsd"] + "integer"))


def predeclared_prefixes(svc: ox.NamedNode) -> list[ox.Triple]:
    """The prefixes every query may use undeclared, in SHACL's prefix vocabulary
    (`sh:declare [ sh:prefix "skos" ; sh:namespace "..."^^xsd:anyURI ]`, as SPARQL-based shapes do)."""
    triples = []
    for prefix, namespace in PREDECLARED.items():
        decl = ox.BlankNode()
        triples += [
            ox.Triple(svc, _n(_SH + "declare"), decl),
            ox.Triple(decl, _n(_SH + "prefix"), ox.Literal(prefix)),
            ox.Triple(decl, _n(_SH + "namespace"), ox.Literal(namespace, datatype=_n(PREFIXES["xsd"] + "anyURI"))),
        ]
    return triples


def describe_service(endpoint: str, dataset: Dataset, federation: bool) -> list[ox.Triple]:
    """Triples describing the endpoint at `endpoint` over `dataset`.

    `federation` says whether SERVICE is allowed to some endpoints (sd:BasicFederatedQuery)."""
    a = _n(_RDF + "type")
    svc = _n(endpoint)
    triples = [
        ox.Triple(svc, a, _n(_SD + "Service")),
        ox.Triple(svc, _n(_SD + "endpoint"), svc),
        ox.Triple(svc, _n(_SD + "supportedLanguage"), _n(_SD + "SPARQL11Query")),
        ox.Triple(svc, _n(_SD + "feature"), _n(_SD + "UnionDefaultGraph")),
        ox.Triple(svc, _n(_DCTERMS + "title"), ox.Literal("eccp-kg SPARQL endpoint (read-only)")),
    ]
    if federation:
        triples.append(ox.Triple(svc, _n(_SD + "feature"), _n(_SD + "BasicFederatedQuery")))
    for iri in _RESULT_FORMAT_IRIS + _GRAPH_FORMAT_IRIS:
        triples.append(ox.Triple(svc, _n(_SD + "resultFormat"), _n(iri)))
    triples += predeclared_prefixes(svc)

    ds = ox.BlankNode()
    triples += [
        ox.Triple(svc, _n(_SD + "defaultDataset"), ds),
        ox.Triple(ds, a, _n(_SD + "Dataset")),
        ox.Triple(ds, a, _n(_VOID + "Dataset")),
        ox.Triple(ds, _n(_VOID + "triples"), _count(len(dataset))),
    ]
    default = ox.BlankNode()
    union_size = dataset.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
    triples += [
        ox.Triple(ds, _n(_SD + "defaultGraph"), default),
        ox.Triple(default, a, _n(_SD + "Graph")),
        ox.Triple(default, _n(_DCTERMS + "description"), ox.Literal("The union of all named graphs.")),
        ox.Triple(default, _n(_VOID + "triples"), union_size),
    ]
    counts = dataset.graph_triple_counts()
    for name in dataset.named_graphs():
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(ds, _n(_SD + "namedGraph"), named),
            ox.Triple(named, a, _n(_SD + "NamedGraph")),
            ox.Triple(named, _n(_SD + "name"), _n(name)),
            ox.Triple(named, _n(_SD + "graph"), graph),
            ox.Triple(graph, a, _n(_SD + "Graph")),
            ox.Triple(graph, _n(_VOID + "triples"), _count(counts.get(name, 0))),
        ]
    return triples
