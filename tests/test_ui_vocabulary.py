"""The query editor's completions come from the served build (issue 12, part 5): the UI config of /
lists the ontology's classes and properties (read from ontology/*.ttl here, not pasted) and the
terms the data uses, so YASQE completes them without asking another host (Chromium checks the
typing in tests/test_ui_editor_browser.py)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import requests
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"


def ontology_terms() -> tuple[set[str], set[str]]:
    graph = Graph()
    for path in sorted(ONTOLOGY.glob("*.ttl")):
        graph.parse(path, format="turtle")
    classes = {str(c) for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    properties = {str(p) for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
                  for p in graph.subjects(RDF.type, kind) if isinstance(p, URIRef)}
    return classes, properties


def served_config(base: str) -> dict:
    page = requests.get(base + "/", timeout=60).text
    return json.loads(re.search(r'id="eccp-ui-config">(.*?)</script>', page, re.S).group(1))


def test_the_editor_gets_every_ontology_class_and_property(built_server: str) -> None:
    classes, properties = ontology_terms()
    assert len(classes) > 10 and len(properties) > 10
    vocabulary = served_config(built_server)["vocabulary"]
    assert classes - set(vocabulary["class"]) == set()
    assert properties - set(vocabulary["property"]) == set()
    # and the terms the data uses, from other vocabularies
    assert str(RDFS.label) in vocabulary["property"] or "http://www.w3.org/2004/02/skos/core#prefLabel" in vocabulary["property"]
    assert "http://www.w3.org/2004/02/skos/core#Concept" in vocabulary["class"]
    assert all(term.startswith(("http://", "https://", "urn:")) for kind in vocabulary.values() for term in kind)
