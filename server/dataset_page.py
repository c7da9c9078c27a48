"""/dataset for people: a compact summary of the VoID + DCAT description (issue 12, part 7).

Why: the description holds ~600 triples (one class and one property partition per class and
property used); listed subject by subject they made a 36,000 px page with the dataset's own title
at heading 199. Readers want what Fuseki's dataset page gives: title, licence, endpoint,
downloads, and one statistics table per kind (graphs, classes, properties, link sets). The RDF
forms of /dataset stay complete. All queries bind the graphs and the dataset by `substitutions`."""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from eccp_kg.graph.namespaces import sparql_prologue

from .terms import term_view

_P = sparql_prologue()
_LABEL = "skos:prefLabel|rdfs:label|dcterms:title"

Q_FIELDS = _P + """SELECT ?meta ?dataset ?p ?o WHERE {
  GRAPH ?meta { ?dataset a void:Dataset ; ?p ?o FILTER(!isBlank(?o)) FILTER NOT EXISTS { ?other void:subset ?dataset } }
}"""
Q_GRAPHS = _P + f"""SELECT ?meta ?links ?dataset ?graph (SAMPLE(?n) AS ?triples) (SAMPLE(?l) AS ?label) WHERE {{
  GRAPH ?meta {{ ?dataset void:subset ?graph . OPTIONAL {{ ?graph void:triples ?n }} OPTIONAL {{ ?graph {_LABEL} ?l }} }}
  FILTER NOT EXISTS {{ GRAPH ?links {{ ?graph a void:Linkset }} }}
}} GROUP BY ?meta ?links ?dataset ?graph ORDER BY ?graph"""
Q_CLASSES = _P + """SELECT ?meta ?dataset ?class (SAMPLE(?n) AS ?entities) WHERE {
  GRAPH ?meta { ?dataset void:classPartition ?part . ?part void:class ?class . OPTIONAL { ?part void:entities ?n } }
} GROUP BY ?meta ?dataset ?class ORDER BY DESC(?entities) ?class"""
Q_PROPERTIES = _P + """SELECT ?meta ?dataset ?property (SAMPLE(?n) AS ?triples) WHERE {
  GRAPH ?meta { ?dataset void:propertyPartition ?part . ?part void:property ?property . OPTIONAL { ?part void:triples ?n } }
} GROUP BY ?meta ?dataset ?property ORDER BY DESC(?triples) ?property"""
Q_DISTRIBUTIONS = _P + f"""SELECT ?meta ?dataset ?url (SAMPLE(?m) AS ?media) (SAMPLE(?b) AS ?bytes) (SAMPLE(?t) AS ?title) WHERE {{
  GRAPH ?meta {{ ?dataset dcat:distribution ?d . ?d dcat:downloadURL ?url .
    OPTIONAL {{ ?d dcat:mediaType ?m }} OPTIONAL {{ ?d dcat:byteSize ?b }} OPTIONAL {{ ?d {_LABEL} ?t }} }}
}} GROUP BY ?meta ?dataset ?url ORDER BY ?url"""
Q_LINKSETS = _P + f"""SELECT ?links ?linkset (SAMPLE(?l) AS ?label) (SAMPLE(?pred) AS ?predicate) (SAMPLE(?target) AS ?objects) (SAMPLE(?n) AS ?triples) WHERE {{
  GRAPH ?links {{ ?linkset a void:Linkset . OPTIONAL {{ ?linkset void:linkPredicate ?pred }}
    OPTIONAL {{ ?linkset void:objectsTarget ?target }} OPTIONAL {{ ?linkset void:triples ?n }} OPTIONAL {{ ?linkset {_LABEL} ?l }} }}
}} GROUP BY ?links ?linkset ORDER BY ?linkset"""

#: The dataset's headline fields, in the order the page shows them: (label, property IRI).
FIELDS: tuple[tuple[str, str], ...] = (
    ("Licence", "http://purl.org/dc/terms/license"),
    ("SPARQL endpoint", "http://rdfs.org/ns/void#sparqlEndpoint"),
    ("Derived from", "http://www.w3.org/ns/prov#wasDerivedFrom"),
    ("Covers", "http://purl.org/dc/terms/spatial"),
    ("Modified", "http://purl.org/dc/terms/modified"),
    ("Vocabulary", "http://rdfs.org/ns/void#vocabulary"),
    ("IRIs under", "http://rdfs.org/ns/void#uriSpace"),
    ("Triples", "http://rdfs.org/ns/void#triples"),
    ("Distinct subjects", "http://rdfs.org/ns/void#distinctSubjects"),
    ("Distinct objects", "http://rdfs.org/ns/void#distinctObjects"),
    ("Classes", "http://rdfs.org/ns/void#classes"),
    ("Properties", "http://rdfs.org/ns/void#properties"),
)
_TITLE = "http://purl.org/dc/terms/title"
_DESCRIPTION = "http://purl.org/dc/terms/description"


def _int(term: Any) -> int | None:
    try:
        return int(term.value) if isinstance(term, ox.Literal) else None
    except ValueError:
        return None


def summary(select: Any, meta: ox.NamedNode, links: ox.NamedNode) -> dict[str, Any]:
    """Everything the page shows, as template data (terms as TermView, counts as int)."""
    graphs = {"meta": meta, "links": links}
    fields = select(Q_FIELDS, {"meta": meta})
    dataset = fields[0]["dataset"] if fields else None
    by_p: dict[str, list[Any]] = {}
    for r in fields:
        if r["dataset"] == dataset:
            by_p.setdefault(r["p"].value, []).append(r["o"])
    first = lambda iri: (by_p.get(iri) or [None])[0]  # noqa: E731
    if dataset is None:
        return {"iri": None, "title": None, "description": None, "fields": [], "graphs": [], "classes": [],
                "properties": [], "distributions": [], "linksets": []}
    bound = {**graphs, "dataset": dataset}
    one = {"meta": meta, "dataset": dataset}
    return {
        "iri": term_view(dataset),
        "title": first(_TITLE).value if first(_TITLE) is not None else None,
        "description": first(_DESCRIPTION).value if first(_DESCRIPTION) is not None else None,
        "fields": [(label, [term_view(o) for o in by_p[iri]]) for label, iri in FIELDS if iri in by_p],
        "graphs": [(term_view(r["graph"], r.get("label")), _int(r.get("triples"))) for r in select(Q_GRAPHS, bound)],
        "classes": [(term_view(r["class"]), _int(r.get("entities"))) for r in select(Q_CLASSES, one)],
        "properties": [(term_view(r["property"]), _int(r.get("triples"))) for r in select(Q_PROPERTIES, one)],
        "distributions": [{"url": term_view(r["url"]), "media": r["media"].value if r.get("media") else "",
                           "bytes": _int(r.get("bytes")), "title": r["title"].value if r.get("title") else ""}
                          for r in select(Q_DISTRIBUTIONS, one)],
        "linksets": [(term_view(r["linkset"], r.get("label")), term_view(r["predicate"]) if r.get("predicate") else None,
                      term_view(r["objects"]) if r.get("objects") else None, _int(r.get("triples")))
                     for r in select(Q_LINKSETS, {"links": links})],
    }
