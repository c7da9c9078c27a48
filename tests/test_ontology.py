"""The ontology: one namespace and a version IRI, every term documented, every term the data and the
shapes use declared (in eccp.ttl or, for reused vocabularies, in reused.ttl), and an OWL RL closure of
ontology + data without inconsistencies."""
from __future__ import annotations

from pathlib import Path

import owlrl
import pytest
from owlrl.Namespaces import ERRNS
from rdflib import BNode, Graph, Literal, URIRef

from eccp_kg import loaders
from eccp_kg.data import PATH as DATA
from eccp_kg.graph.iris import Minter
from eccp_kg.loaders.links import load_links
from eccp_kg.graph.namespaces import ECCP, ONTOLOGY_IRI, ONTOLOGY_VERSION, OWL, PREFIXES, QB, RDF, RDFS, SKOS, VANN
from eccp_kg.ontology import PATH as ONTOLOGY
from eccp_kg.shapes import PATH as SHAPES

#: the language itself: usable without a declaration
BUILT_IN = {RDF.type, RDFS.label, RDFS.comment}
TERM_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property,
              QB.DataStructureDefinition}


def parse(*names: str) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(Path(ONTOLOGY) / name, format="turtle")
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return parse("eccp.ttl")


@pytest.fixture(scope="module")
def reused() -> Graph:
    return parse("reused.ttl")


@pytest.fixture(scope="module")
def data() -> Graph:
    """Everything the build loads besides the ontology: code lists, every edition, the link sets."""
    minter = Minter.default()
    graph = loaders.load_codelists(None, minter)
    for edition in loaders.discover_editions():
        graph += loaders.load_edition(edition, minter)
    graph += load_links(DATA, minter)
    return graph


def declared(graph: Graph) -> set[URIRef]:
    return {s for t in TERM_TYPES for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)}


def used_terms(graph: Graph) -> set[URIRef]:
    """Every class (object of rdf:type) and property (predicate) a graph uses."""
    terms = set()
    for _s, p, o in graph:
        terms.add(p)
        if p == RDF.type and isinstance(o, URIRef):
            terms.add(o)
    return terms


def test_ontology_header(ontology: Graph) -> None:
    iri = URIRef(ONTOLOGY_IRI)
    assert (iri, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(iri, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{ONTOLOGY_VERSION}")
    assert str(ontology.value(iri, VANN.preferredNamespacePrefix)) == "eccp"
    assert str(ontology.value(iri, VANN.preferredNamespaceUri)) == PREFIXES["eccp"] == str(ECCP)
    assert ontology.value(iri, URIRef(PREFIXES["dcterms"] + "title")) is not None


def test_every_declared_term_is_in_the_namespace_and_documented(ontology: Graph) -> None:
    terms = declared(ontology)
    assert len(terms) > 80
    outside = sorted(t for t in terms if not t.startswith(str(ECCP)))
    assert outside == []
    undocumented = sorted(
        t for t in terms
        if ontology.value(t, RDFS.label) is None
        or (ontology.value(t, RDFS.comment) is None and ontology.value(t, SKOS.definition) is None))
    assert undocumented == []


def test_every_eccp_term_mentioned_is_declared(ontology: Graph) -> None:
    """A typo like eccp:SectoralAgglomerations in a subClassOf or range would otherwise go unnoticed."""
    mentioned = {t for triple in ontology for t in triple if isinstance(t, URIRef) and t.startswith(str(ECCP))}
    assert sorted(mentioned - declared(ontology)) == []


def test_reused_terms_are_declared_not_redefined(reused: Graph) -> None:
    terms = declared(reused)
    assert terms and not [t for t in terms if t.startswith(str(ECCP))]
    assert sorted(t for t in terms if reused.value(t, RDFS.isDefinedBy) is None) == []
    copied = [(s, p) for s, p, _o in reused if p in (RDFS.label, RDFS.comment, RDFS.subClassOf, RDFS.domain, RDFS.range)]
    assert copied == []


def test_every_class_and_property_the_data_uses_is_declared(data: Graph, ontology: Graph, reused: Graph) -> None:
    known = declared(ontology) | declared(reused) | BUILT_IN
    assert sorted(used_terms(data) - known) == []


def test_every_eccp_term_the_shapes_use_is_declared(ontology: Graph) -> None:
    shapes = Graph()
    for path in sorted(Path(SHAPES).glob("*.ttl")):
        shapes.parse(path, format="turtle")
    mentioned = {t for triple in shapes for t in triple if isinstance(t, URIRef) and t.startswith(str(ECCP))}
    for text in shapes.objects(None, URIRef(PREFIXES["sh"] + "select")):
        mentioned |= {ECCP[name] for name in _eccp_names(str(text))}
    assert sorted(mentioned - declared(ontology)) == []


def _eccp_names(query: str) -> set[str]:
    import re

    return set(re.findall(r"\beccp:([A-Za-z][A-Za-z0-9]*)", query))


def test_the_declaration_check_catches_an_undeclared_term(data: Graph, ontology: Graph, reused: Graph) -> None:
    broken = Graph()
    broken += data
    broken.add((URIRef("https://example.org/x"), ECCP.undeclaredThing, Literal(1)))
    known = declared(ontology) | declared(reused) | BUILT_IN
    assert used_terms(broken) - known == {ECCP.undeclaredThing}


def closure_errors(graph: Graph) -> list[str]:
    """OWL RL closure in place; the inconsistencies owlrl reports plus any member of owl:Nothing."""
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    errors = [str(graph.value(s, ERRNS.error)) for s in graph.subjects(RDF.type, ERRNS.ErrorMessage)]
    errors += [f"{s} is an owl:Nothing" for s in graph.subjects(RDF.type, OWL.Nothing)]
    return errors


def test_owl_rl_closure_of_ontology_and_data_is_consistent(data: Graph, ontology: Graph, reused: Graph) -> None:
    graph = Graph()
    for part in (ontology, reused, data):
        graph += part
    before = len(graph)
    assert closure_errors(graph) == []
    assert len(graph) > before  # the closure did run: subclass and domain/range entailments were added
    assert (Minter.default().for_edition("IT", "2023").factsheet(), RDF.type, URIRef(PREFIXES["prov"] + "Entity")) in graph


def test_owl_rl_closure_reports_a_disjointness_clash(ontology: Graph, reused: Graph) -> None:
    """The consistency check can fail: an individual that is both a policy and a statement."""
    graph = Graph()
    graph += ontology
    graph += reused
    thing = URIRef("https://example.org/both")
    graph.add((thing, RDF.type, ECCP.ClusterPolicy))
    graph.add((thing, RDF.type, ECCP.PolicyStatement))
    errors = closure_errors(graph)
    assert errors and any("both" in e for e in errors)


def test_data_structure_definitions_name_declared_components(ontology: Graph, reused: Graph) -> None:
    known = declared(ontology) | declared(reused)
    dsds = set(ontology.subjects(RDF.type, QB.DataStructureDefinition))
    assert len(dsds) >= 7
    for dsd in dsds:
        components = [c for spec in ontology.objects(dsd, QB.component) for p in (QB.dimension, QB.measure, QB.attribute)
                      for c in ontology.objects(spec, p)]
        assert any(True for spec in ontology.objects(dsd, QB.component) if ontology.value(spec, QB.measure)), dsd
        assert [c for c in components if c not in known] == []
        assert all(isinstance(spec, BNode) for spec in ontology.objects(dsd, QB.component))
