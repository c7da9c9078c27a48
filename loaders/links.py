"""Link sets from our shared resources (regions, NACE divisions, countries) to the EU's and Wikidata's.

Why a separate loader: the links are not stated by any factsheet; they come from mapping tables in
data/links/ that cite their own sources (the NUTS regulation, the EU Publications Office authority
tables, Wikidata). The build puts what `load_links` returns in the named graph ``B graph/links``, so
users can query with or without them, and each link set is described as a ``void:Linkset``.

Predicates (the reasons are in docs/linking.md):

* ``skos:exactMatch`` for every link: our NACE divisions and countries are code-list concepts, and
  the EU targets are SKOS concepts too; our NUTS-2 regions are the regions *as the factsheet uses
  them* (NUTS 2021) while a NUTS code IRI spans NUTS versions whose boundaries moved without a code
  change, and Wikidata items are administrative regions and states with their own history.
  ``owl:sameAs`` would claim identity and merge every statement of both sides under OWL reasoning.
* ``skos:broadMatch`` from a NACE division to its NACE section (the section is broader).

The mapping tables' schemas are declared in data/schemas.toml (scope "links") and read by
loaders/tables.py like every other source table; a cell that does not fit raises `SourceError`
naming file, line, column and the expected form.
"""
from __future__ import annotations

from pathlib import Path
from dataclasses import dataclass
from typing import Any, Mapping

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD as RDFLIB_XSD

from eccp_kg.graph.errors import SourceError
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.namespaces import COUNTRY, DCTERMS, ECCP, NACE, NUTS, RDF, SKOS, VOID, WD, bind_all

from . import tables
from .tables import Row, Schemas, TableSchema, load_schemas

#: The schemas of every source table, link tables included (see loaders/__init__.py).
SCHEMAS_FILE = "schemas.toml"
#: Folder of the mapping tables, relative to the data folder.
LINKS_DIR = "links"

# Dataset IRIs of the link targets (the objects' datasets, for void:objectsTarget).
NUTS_2021_SCHEME = URIRef("http://data.europa.eu/nuts/scheme/2021")
NACE_SCHEME = NACE["nace2"]
COUNTRY_TABLE = URIRef(str(COUNTRY).rstrip("/"))
WIKIDATA = WD["Q2013"]  # the Wikidata item for Wikidata itself


#: Link-table kind -> its table in data/schemas.toml (scope "links"), where the columns are declared.
TABLE_NAMES: dict[str, str] = {"nuts": "link_nuts_regions", "nace": "link_nace_divisions", "country": "link_countries"}


def _schemas(data_dir: Path) -> Schemas:
    return load_schemas(Path(data_dir) / SCHEMAS_FILE)


def schema(data_dir: Path, kind: str) -> TableSchema:
    """The declared schema of one mapping table (data/schemas.toml, like every other table)."""
    return _schemas(data_dir).tables[TABLE_NAMES[kind]]


#: Eurostat codes that differ from ISO 3166-1 alpha-2; the table must map them to these alpha-3 codes.
EUROSTAT_EXCEPTIONS: dict[str, str] = {"EL": "GRC", "UK": "GBR"}


def read_table(data_dir: Path, kind: str, schemas: Schemas | None = None) -> list[Row]:
    """Rows of one mapping table, checked by loaders/tables.py against data/schemas.toml (header,
    cell forms, unique key), then the IRIs in each row against the codes in the same row."""
    table = (schemas or _schemas(data_dir)).tables[TABLE_NAMES[kind]]
    path = Path(data_dir) / LINKS_DIR / table.file
    shown = Path(Path(data_dir).name) / LINKS_DIR / table.file  # e.g. data/links/countries.csv: no machine paths
    rows = tables.read_table(path, table, str(shown))
    for row in rows:
        _check_consistent(kind, shown, row.line, row)
    return rows


def _check_consistent(kind: str, file: Path, line: int, row: Mapping[str, Any]) -> None:
    """The IRIs in a row must be the ones its codes determine (catches copy-paste slips)."""
    expected: dict[str, str] = {}
    if kind == "nuts":
        expected["authority_iri"] = str(NUTS[row["nuts_code"]])
    elif kind == "nace":
        if row["eccp_code"][0] != row["section"]:
            raise SourceError(file, line, "section", f"the section letter of {row['eccp_code']}", row["section"])
        if row["eccp_code"][1:] != row["division"]:
            raise SourceError(file, line, "division", f"the digits of {row['eccp_code']}", row["division"])
        expected["authority_iri"] = str(NACE[row["division"]])
        expected["section_iri"] = str(NACE[row["section"]])
    elif kind == "country":
        if row["authority_iri"]:
            expected["authority_iri"] = str(COUNTRY[row["iso_alpha3"]])
        must = EUROSTAT_EXCEPTIONS.get(row["eurostat_code"])
        if must and row["iso_alpha3"] != must:
            raise SourceError(file, line, "iso_alpha3", f"{must} for Eurostat code {row['eurostat_code']}", row["iso_alpha3"])
    for column, iri in expected.items():
        if row[column] != iri:
            raise SourceError(file, line, column, iri, row[column])


@dataclass(frozen=True)
class Linkset:
    """One kind of link, declared once: what it links, with which predicate, into which authority.

    `space` and `pattern` are the authority's IRI space and the exact form of a target IRI; they go
    into the void:Linkset description (eccp:objectSpace, eccp:objectPattern) so the SHACL shapes can
    check every link against them, and `covers` names the class every instance of which must have a
    link in this set (none for Wikidata: an unconfirmed item is left out)."""

    key: str
    title: str
    predicate: URIRef
    target: URIRef
    space: str
    pattern: str
    tables: tuple[str, ...]
    covers: URIRef | None = None


#: The link sets, in the order they are described.
LINKSETS: tuple[Linkset, ...] = (
    Linkset("nuts", "Regions to EU NUTS 2021 codes", SKOS.exactMatch, NUTS_2021_SCHEME,
            str(NUTS), r"^http://data\.europa\.eu/nuts/code/[A-Z]{2}[A-Z0-9]{0,3}$", ("nuts",), ECCP.NutsRegion),
    Linkset("nace", "NACE divisions to EU Vocabularies NACE Rev. 2", SKOS.exactMatch, NACE_SCHEME,
            str(NACE), r"^http://data\.europa\.eu/ux2/nace2/[0-9]{2}$", ("nace",), ECCP.NaceDivision),
    Linkset("nace-section", "NACE divisions to their NACE Rev. 2 sections", SKOS.broadMatch, NACE_SCHEME,
            str(NACE), r"^http://data\.europa\.eu/ux2/nace2/[A-U]$", ("nace",), ECCP.NaceDivision),
    Linkset("country", "Countries to the EU country authority table", SKOS.exactMatch, COUNTRY_TABLE,
            str(COUNTRY), r"^http://publications\.europa\.eu/resource/authority/country/[A-Z]{3}$", ("country",), ECCP.Country),
    Linkset("wikidata", "Regions and countries to Wikidata items", SKOS.exactMatch, WIKIDATA,
            str(WD), r"^http://www\.wikidata\.org/entity/Q[1-9][0-9]*$", ("nuts", "country")),
)


def _describe_linkset(g: Graph, minter: Minter, files: Mapping[str, str], linkset: Linkset, triples: int) -> None:
    """A void:Linkset for one kind of link, as a subset of the dataset, with its target's IRI form."""
    ls = minter.dataset("linkset", linkset.key)
    dataset = minter.dataset()
    g.add((dataset, VOID.subset, ls))
    g.add((ls, RDF.type, VOID.Linkset))
    g.add((ls, DCTERMS.title, Literal(linkset.title, lang="en")))
    g.add((ls, VOID.subjectsTarget, dataset))
    g.add((ls, VOID.objectsTarget, linkset.target))
    g.add((ls, VOID.linkPredicate, linkset.predicate))
    g.add((ls, VOID.triples, Literal(triples, datatype=RDFLIB_XSD.integer)))
    g.add((ls, ECCP.objectSpace, Literal(linkset.space)))
    g.add((ls, ECCP.objectPattern, Literal(linkset.pattern)))
    if linkset.covers is not None:
        g.add((ls, ECCP.linksEvery, linkset.covers))
    for table in linkset.tables:
        g.add((ls, DCTERMS.source, Literal(f"data/{LINKS_DIR}/{files[table]}")))


def load_links(data_dir: Path, minter: Minter) -> Graph:
    """Every link set as triples, plus their void:Linkset descriptions (for ``B graph/links``)."""
    g = Graph()
    bind_all(g)
    schemas = _schemas(data_dir)
    files = {kind: schemas.tables[name].file for kind, name in TABLE_NAMES.items()}
    counts: dict[str, int] = {ls.key: 0 for ls in LINKSETS}

    def link(s: URIRef, p: URIRef, o: URIRef, kind: str) -> None:
        g.add((s, p, o))
        counts[kind] += 1

    for row in read_table(data_dir, "nuts", schemas):
        region = minter.nuts(row["nuts_code"])
        link(region, SKOS.exactMatch, URIRef(row["authority_iri"]), "nuts")
        if row["wikidata_qid"]:
            link(region, SKOS.exactMatch, WD[row["wikidata_qid"]], "wikidata")
    for row in read_table(data_dir, "nace", schemas):
        division = minter.nace(row["eccp_code"])
        link(division, SKOS.exactMatch, URIRef(row["authority_iri"]), "nace")
        link(division, SKOS.broadMatch, URIRef(row["section_iri"]), "nace-section")
    for row in read_table(data_dir, "country", schemas):
        country = minter.country_iri(row["eurostat_code"])
        if row["authority_iri"]:
            link(country, SKOS.exactMatch, URIRef(row["authority_iri"]), "country")
        if row["wikidata_qid"]:
            link(country, SKOS.exactMatch, WD[row["wikidata_qid"]], "wikidata")

    for linkset in LINKSETS:
        _describe_linkset(g, minter, files, linkset, counts[linkset.key])
    return g
