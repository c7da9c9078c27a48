"""A small stand-in for the loader API (one table of counts, an ontology and shapes of its own) and the
project fixture the build-pipeline tests (test_build*.py) run it in, so the pipeline's guarantees are
tested independently of the real source tables."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from eccp_kg.pipeline import build_graph
from eccp_kg.graph.errors import SourceError
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.namespaces import ECCP, PREFIXES, PROV, RDF, SKOS, sparql_prologue
from eccp_kg.graph.store import graph_counts, open_store


BASE = "https://example.org/kg/"

ONTOLOGY = """
@prefix eccp: <https://w3id.org/eccp-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
eccp:Count a owl:Class ; rdfs:label "count" ;
  rdfs:subClassOf [ a owl:Restriction ; owl:onProperty eccp:value ; owl:cardinality 1 ] .
eccp:value a owl:DatatypeProperty ; rdfs:label "value" ; rdfs:range xsd:integer .
"""

# Negative values are errors (Violation); values over 100 are kept but flagged (Warning).
SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix eccp: <https://w3id.org/eccp-kg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
eccp:CountShape a sh:NodeShape ; sh:targetClass eccp:Count ;
  sh:property [ sh:path eccp:value ; sh:datatype xsd:integer ; sh:minCount 1 ; sh:minInclusive 0 ] ;
  sh:property [ sh:path eccp:value ; sh:maxInclusive 100 ; sh:severity sh:Warning ;
                sh:message "count above 100 as printed" ] .
"""


@dataclass(frozen=True)
class Edition:
    country: str
    edition: str
    path: Path


class StandIn:
    """The loader API of docs/architecture.md over one tiny table: data/{cc}/{edition}/counts.csv."""

    @staticmethod
    def load_codelists(data_dir: Path, minter: Minter) -> Graph:
        g = Graph()
        scheme = minter.scheme("regions")
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        return g

    @staticmethod
    def discover_editions(data_dir: Path) -> list[Edition]:
        return [Edition(p.parent.name, p.name, p) for p in sorted(Path(data_dir).glob("*/*")) if p.is_dir()]

    @staticmethod
    def load_edition(edition: Edition, minter: Minter) -> Graph:
        scoped = minter.for_edition(edition.country, edition.edition)
        g = Graph()
        path = edition.path / "counts.csv"
        with path.open(newline="", encoding="utf-8") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    value = int(row["value"])
                except ValueError:
                    raise SourceError(path, line, "value", "an integer", row["value"]) from None
                node = scoped.stated("count", row["region"])
                g.add((node, RDF.type, ECCP.Count))
                g.add((node, ECCP.value, Literal(value)))
                g.add((node, PROV.wasDerivedFrom, scoped.factsheet()))
        return g

    @staticmethod
    def load_links(data_dir: Path, minter: Minter) -> Graph:
        g = Graph()
        g.add((minter.nuts("ITC4"), SKOS.exactMatch, URIRef(PREFIXES["nuts"] + "ITC4")))
        return g


@pytest.fixture()
def project(tmp_path: Path) -> SimpleNamespace:
    """A data folder with one edition (it/2023), an ontology folder and a shapes folder."""
    data = tmp_path / "data"
    (data / "it" / "2023").mkdir(parents=True)
    ont = tmp_path / "ontology"
    ont.mkdir()
    (ont / "eccp.ttl").write_text(ONTOLOGY, encoding="utf-8")
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    (shapes / "counts.ttl").write_text(SHAPES, encoding="utf-8")
    ns = SimpleNamespace(data=data, ontology=ont, shapes=shapes, out=tmp_path / "build", tmp=tmp_path)
    write_counts(ns, [("ITC4", "8"), ("ITF2", "150")])
    return ns


def write_counts(project: SimpleNamespace, rows: list[tuple[str, str]]) -> None:
    with (project.data / "it" / "2023" / "counts.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["region", "value"])
        w.writerows(rows)


def run_build(project: SimpleNamespace, out: Path | None = None, **kw):
    return build_graph(
        out or project.out,
        project.data,
        base=BASE,
        loaders=StandIn,
        ontology_dir=project.ontology,
        shapes_dir=project.shapes,
        **kw,
    )


def snapshot(out: Path) -> tuple[int, dict[str, int], bytes, bytes]:
    """What must not change when a build fails: store size, counts, a dump and build-info.json."""
    store = open_store(out / "store")
    counts = graph_counts(store)
    return len(store), counts, (out / "dumps" / "eccp-kg.nq").read_bytes(), (out / "build-info.json").read_bytes()


def select(store: ox.Store, query: str, **bindings) -> list[tuple]:
    subs = {ox.Variable(k): v for k, v in bindings.items()}
    rows = store.query(sparql_prologue() + query, use_default_graph_as_union=True, substitutions=subs)
    return [tuple(None if t is None else t.value for t in row) for row in rows]
