"""The named graphs of one build (`Sources`), where the shipped sources live, and Turtle parsing.

`graph` is the bottom layer and imports no loader: the pipeline (eccp_kg.pipeline) runs the
loaders and fills a `Sources`. Each source lands in its documented named graph: B graph/ontology,
B graph/codelists, B graph/{cc}/{edition}, B graph/latest (each country's latest edition, derived
here from the editions loaded), B graph/links."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from rdflib import Graph, Literal, URIRef

from eccp_kg.data import PATH as DATA_DIR
from eccp_kg.ontology import PATH as ONTOLOGY_DIR
from eccp_kg.shapes import PATH as SHAPES_DIR

from .errors import SourceError
from .iris import Minter
from .namespaces import DCTERMS, ECCP, bind_all


def default_data_dir() -> Path:
    """Where the source tables live when --data is not given: the installed eccp_kg.data package."""
    return DATA_DIR


def default_ontology_dir() -> Path:
    """ontology/*.ttl as installed (the eccp_kg.ontology package)."""
    return ONTOLOGY_DIR


def default_shapes_dir() -> Path:
    """shapes/*.ttl as installed (the eccp_kg.shapes package)."""
    return SHAPES_DIR


def parse_turtle_files(paths: Iterable[Path], what: str) -> Graph:
    """Parse Turtle files into one graph; a syntax error names the file and line."""
    graph = Graph()
    bind_all(graph)
    for path in sorted(paths):
        try:
            graph.parse(path, format="turtle")
        except SyntaxError as exc:  # rdflib's BadSyntax is a SyntaxError
            line = getattr(exc, "lines", None)
            why = getattr(exc, "_why", None) or str(exc)
            raise SourceError(path, line + 1 if isinstance(line, int) else None, None, f"valid Turtle ({what}): {why}") from exc
    return graph


@dataclass
class Sources:
    """The named graphs one build assembles, in build order, plus the editions they came from."""

    minter: Minter
    graphs: dict[URIRef, Any] = field(default_factory=dict)  # rdflib Graph or graph.triples.TripleText
    editions: list[Any] = field(default_factory=list)
    edition_graphs: list[URIRef] = field(default_factory=list)

    @property
    def ontology_iri(self) -> URIRef:
        return self.minter.graph("ontology")

    @property
    def codelists_iri(self) -> URIRef:
        return self.minter.graph("codelists")

    @property
    def links_iri(self) -> URIRef:
        return self.minter.graph("links")

    @property
    def latest_iri(self) -> URIRef:
        return self.minter.graph("latest")

    def ontology_parts(self) -> list[Any]:
        """Ontology + code lists: what SHACL may look up but does not itself check."""
        return [g for g in (self.graphs.get(self.ontology_iri), self.graphs.get(self.codelists_iri)) if g is not None]

    def data_parts(self) -> list[Any]:
        """Every edition graph, the code lists and the link sets: what SHACL checks.

        The code lists are checked data too, and must be in the data graph: pyshacl copies only
        class and property axioms from ont_graph, so concepts found only there would be unknown."""
        return [g for g in (*(self.graphs[g] for g in self.edition_graphs), self.graphs.get(self.codelists_iri),
                            self.graphs.get(self.links_iri), self.graphs.get(self.latest_iri)) if g is not None]

    def ontology_graph(self) -> Graph:
        return union(*self.ontology_parts())

    def data_graph(self) -> Graph:
        return union(*self.data_parts())


def union(*graphs: Any) -> Graph:
    """One rdflib Graph of graphs (rdflib Graphs or graph.triples.TripleText)."""
    out = Graph()
    bind_all(out)
    for graph in graphs:
        if graph is not None:
            for triple in graph:
                out.add(triple)
    return out


def edition_order(edition: str) -> tuple[int, str]:
    """Editions are years ("2023"); a later year is a later edition, whatever else sorts as text."""
    return (int(edition), edition) if edition.isdigit() else (-1, edition)


def latest_graph(editions: Iterable[Any], minter: Minter) -> Graph:
    """B graph/latest: each country's latest factsheet edition, so queries need no MAX subquery.

    `?country eccp:latestFactsheet ?factsheet` (one per country) and `?factsheet eccp:isLatestEdition
    true`; an older edition gets `dcterms:isReplacedBy` its successor. Derived from the editions a
    build loads, so adding an edition moves it without editing anything else."""
    graph = Graph()
    bind_all(graph)
    by_country: dict[str, list[str]] = {}
    for edition in editions:
        by_country.setdefault(str(edition.country), []).append(str(edition.edition))
    for country, found in sorted(by_country.items()):
        ordered = sorted(set(found), key=edition_order)
        factsheets = [minter.for_edition(country, e).factsheet() for e in ordered]
        graph.add((minter.country_iri(country), ECCP.latestFactsheet, factsheets[-1]))
        graph.add((factsheets[-1], ECCP.isLatestEdition, Literal(True)))
        for older, newer in zip(factsheets, factsheets[1:]):
            graph.add((older, DCTERMS.isReplacedBy, newer))
    return graph
