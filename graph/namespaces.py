"""Every prefix and namespace the project uses, declared once.

Loaders, shapes, the server (Turtle output, YASGUI prefixes), queries and tests all
read `PREFIXES` (declared in graph/prefixes.py as plain strings, re-exported here beside the
rdflib Namespace objects); nothing else spells a namespace IRI. The instance namespace depends
on the configured base IRI, so it is built by `graph.iris.Minter`, not here."""
from __future__ import annotations

from rdflib import Namespace as _Namespace, URIRef

# the plain strings live in graph/prefixes.py (no rdflib: query workers import that one)
from .prefixes import DEFAULT_BASE_IRI, ONTOLOGY_IRI, ONTOLOGY_VERSION, PREFIXES, SHAPES_IRI  # noqa: F401 - re-exported

class Namespace(_Namespace):
    """rdflib's Namespace with each attribute term made once (kept in the instance): the loaders write
    ECCP.x, RDF.type... hundreds of thousands of times, and rdflib builds a new URIRef each time."""

    def __getattr__(self, name: str) -> URIRef:
        term = super().__getattr__(name)
        self.__dict__[name] = term
        return term


#: The ontology namespace (fixed: it names terms, not data, and does not move with the base IRI).
ECCP = Namespace(ONTOLOGY_IRI + "#")
#: The SHACL shapes namespace (shape IRIs only; fixed like the ontology's).
ECCPSH = Namespace(SHAPES_IRI + "#")

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
