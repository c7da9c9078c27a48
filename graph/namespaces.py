"""Every prefix and namespace the project uses, declared once.

Loaders, shapes, the server (Turtle output, YASGUI prefixes), queries and tests all
read `PREFIXES`; nothing else spells a namespace IRI. The instance namespace depends
on the configured base IRI, so it is built by `graph.iris.Minter`, not here."""
from __future__ import annotations

from rdflib import Namespace

#: The ontology namespace (fixed: it names terms, not data, and does not move with the base IRI).
ONTOLOGY_IRI = "https://w3id.org/eccp-kg/ontology"
ONTOLOGY_VERSION = "0.1.0"
ECCP = Namespace(ONTOLOGY_IRI + "#")
#: The SHACL shapes namespace (shape IRIs only; fixed like the ontology's).
SHAPES_IRI = "https://w3id.org/eccp-kg/shapes"
ECCPSH = Namespace(SHAPES_IRI + "#")

#: Default base IRI for minted resources; override with ECCP_KG_BASE_IRI or --base-iri.
DEFAULT_BASE_IRI = "https://w3id.org/eccp-kg/"

# prefix -> namespace IRI. Order matters only for display (Turtle headers, YASGUI).
PREFIXES: dict[str, str] = {
    "eccp": str(ECCP),
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

RDF = Namespace(PREFIXES["rdf"])
RDFS = Namespace(PREFIXES["rdfs"])
OWL = Namespace(PREFIXES["owl"])
XSD = Namespace(PREFIXES["xsd"])
SKOS = Namespace(PREFIXES["skos"])
XKOS = Namespace(PREFIXES["xkos"])
ORG = Namespace(PREFIXES["org"])
QB = Namespace(PREFIXES["qb"])
SDMX_DIMENSION = Namespace(PREFIXES["sdmx-dimension"])
SDMX_ATTRIBUTE = Namespace(PREFIXES["sdmx-attribute"])
SDMX_MEASURE = Namespace(PREFIXES["sdmx-measure"])
DCTERMS = Namespace(PREFIXES["dcterms"])
DCAT = Namespace(PREFIXES["dcat"])
PROV = Namespace(PREFIXES["prov"])
VOID = Namespace(PREFIXES["void"])
TIME = Namespace(PREFIXES["time"])
SH = Namespace(PREFIXES["sh"])
SD = Namespace(PREFIXES["sd"])
FOAF = Namespace(PREFIXES["foaf"])
SCHEMA = Namespace(PREFIXES["schema"])
VANN = Namespace(PREFIXES["vann"])
NUTS = Namespace(PREFIXES["nuts"])
NACE = Namespace(PREFIXES["nace"])
COUNTRY = Namespace(PREFIXES["country"])
WD = Namespace(PREFIXES["wd"])
WDT = Namespace(PREFIXES["wdt"])


def sparql_prologue(prefixes: dict[str, str] | None = None) -> str:
    """PREFIX lines for a SPARQL query (used by the UI, the CLI and tests)."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or PREFIXES).items())


def bind_all(graph) -> None:  # rdflib.Graph or Dataset
    """Bind every project prefix on an rdflib graph so Turtle output is readable."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
