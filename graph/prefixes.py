"""Every prefix the project uses, as plain strings, declared once (no rdflib import).

Why a module of its own: query worker processes (server/worker.py) need the prefix table for
predeclared prefixes and serialisation, and must start without importing rdflib (about a
quarter of a second of CPU per start; a worker is started again each time a query is stopped).
eccp_kg.graph.namespaces re-exports these names beside rdflib Namespace objects."""
from __future__ import annotations

#: The ontology namespace (fixed: it names terms, not data, and does not move with the base IRI).
ONTOLOGY_IRI = "https://w3id.org/eccp-kg/ontology"
ONTOLOGY_VERSION = "0.1.0"
#: The SHACL shapes namespace (shape IRIs only; fixed like the ontology's).
SHAPES_IRI = "https://w3id.org/eccp-kg/shapes"

#: Default base IRI for minted resources; override with ECCP_KG_BASE_IRI or --base-iri.
DEFAULT_BASE_IRI = "https://w3id.org/eccp-kg/"

# prefix -> namespace IRI. Order matters only for display (Turtle headers, YASGUI).
PREFIXES: dict[str, str] = {
    "eccp": ONTOLOGY_IRI + "#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xkos": "http://rdf-vocabulary.ddialliance.org/xkos#",
    "org": "http://www.w3.org/ns/org#",
    "qb": "http://purl.org/linked-data/cube#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "void": "http://rdfs.org/ns/void#",
    "time": "http://www.w3.org/2006/time#",
    "sh": "http://www.w3.org/ns/shacl#",
    "eccpsh": SHAPES_IRI + "#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vann": "http://purl.org/vocab/vann/",
    "nuts": "http://data.europa.eu/nuts/code/",
    "nace": "http://data.europa.eu/ux2/nace2/",
    "country": "http://publications.europa.eu/resource/authority/country/",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "schema": "https://schema.org/",
}
