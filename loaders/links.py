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

The mapping tables' schema is declared here, once (``SCHEMAS``); a cell that does not fit raises
`SourceError` naming file, line, column and the expected form.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD as RDFLIB_XSD

from eccp_kg.graph.errors import SourceError
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.namespaces import COUNTRY, DCTERMS, NACE, NUTS, RDF, SKOS, VOID, WD, bind_all

#: Folder of the mapping tables, relative to the data folder.
LINKS_DIR = "links"

# Dataset IRIs of the link targets (the objects' datasets, for void:objectsTarget).
NUTS_2021_SCHEME = URIRef("http://data.europa.eu/nuts/scheme/2021")
NACE_SCHEME = NACE["nace2"]
COUNTRY_TABLE = URIRef(str(COUNTRY).rstrip("/"))
WIKIDATA = WD["Q2013"]  # the Wikidata item for Wikidata itself


@dataclass(frozen=True)
class Column:
    """One column of a mapping table: a regular expression the whole cell must match."""

    name: str
    pattern: str
    expected: str
    required: bool = True

    def check(self, file: Path, line: int, value: str) -> str:
        """The cell, stripped, or a SourceError saying what was expected."""
        value = value.strip()
        if not value:
            if self.required:
                raise SourceError(file, line, self.name, f"a value ({self.expected})", value)
            return ""
        if not re.fullmatch(self.pattern, value):
            raise SourceError(file, line, self.name, self.expected, value)
        return value


@dataclass(frozen=True)
class TableSchema:
    """A mapping table: its file name, columns in order, and the column that must be unique."""

    file: str
    columns: tuple[Column, ...]
    key: str


_SOURCE = Column("source", r".{10,}", "a citation of where the mapping comes from (10+ characters)")
_NOTE = Column("note", r".*", "free text", required=False)
_QID = Column("wikidata_qid", r"Q[1-9][0-9]*", "a confirmed Wikidata item id like Q38, or empty", required=False)

#: The mapping tables in data/links/, declared once.
SCHEMAS: dict[str, TableSchema] = {
    "nuts": TableSchema(
        "nuts_regions.csv",
        (
            Column("nuts_code", r"[A-Z]{2}[A-Z0-9]{1,3}", "a NUTS code like ITC4"),
            Column("nuts_level", r"[0-3]", "a NUTS level 0-3"),
            Column("nuts_version", r"20(10|13|16|21|24)", "a NUTS version year: 2010, 2013, 2016, 2021 or 2024"),
            Column("authority_iri", r"http://data\.europa\.eu/nuts/code/[A-Z0-9]+", "http://data.europa.eu/nuts/code/{nuts_code}"),
            _QID,
            _SOURCE,
            _NOTE,
        ),
        key="nuts_code",
    ),
    "nace": TableSchema(
        "nace_divisions.csv",
        (
            Column("eccp_code", r"[A-U][0-9]{2}", "a NACE division as ECCP prints it: section letter + 2 digits, like C14"),
            Column("division", r"[0-9]{2}", "the 2-digit NACE Rev. 2 division, like 14"),
            Column("section", r"[A-U]", "the NACE Rev. 2 section letter A-U"),
            Column("authority_iri", r"http://data\.europa\.eu/ux2/nace2/[0-9]{2}", "http://data.europa.eu/ux2/nace2/{division}"),
            Column("section_iri", r"http://data\.europa\.eu/ux2/nace2/[A-U]", "http://data.europa.eu/ux2/nace2/{section}"),
            _SOURCE,
        ),
        key="eccp_code",
    ),
    "country": TableSchema(
        "countries.csv",
        (
            Column("eurostat_code", r"[A-Z]{2}", "a 2-letter Eurostat country code like IT, EL, UK"),
            Column("iso_alpha3", r"[A-Z]{3}", "an ISO 3166-1 alpha-3 code like ITA"),
            Column(
                "authority_iri",
                r"http://publications\.europa\.eu/resource/authority/country/[A-Z]{3}",
                "http://publications.europa.eu/resource/authority/country/{iso_alpha3}, or empty if unconfirmed",
                required=False,
            ),
            _QID,
            _SOURCE,
            _NOTE,
        ),
        key="eurostat_code",
    ),
}

#: Eurostat codes that differ from ISO 3166-1 alpha-2; the table must map them to these alpha-3 codes.
EUROSTAT_EXCEPTIONS: dict[str, str] = {"EL": "GRC", "UK": "GBR"}


def read_table(data_dir: Path, kind: str) -> list[dict[str, str]]:
    """Rows of one mapping table, checked against its schema: header, cell forms, unique keys,
    and IRIs that agree with the codes in the same row."""
    schema = SCHEMAS[kind]
    path = Path(data_dir) / LINKS_DIR / schema.file
    shown = Path(Path(data_dir).name) / LINKS_DIR / schema.file  # e.g. data/links/countries.csv: no machine paths
    if not path.is_file():
        raise SourceError(shown, None, None, f"the mapping table {schema.file} in the data folder's {LINKS_DIR}/")
    names = [c.name for c in schema.columns]
    rows: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header != names:
            raise SourceError(shown, 1, None, "the header " + ",".join(names), ",".join(header or []))
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(names):
                raise SourceError(shown, line, None, f"{len(names)} cells ({','.join(names)})", f"{len(cells)} cells")
            row = {col.name: col.check(shown, line, cell) for col, cell in zip(schema.columns, cells)}
            key = row[schema.key]
            if key in seen:
                raise SourceError(shown, line, schema.key, f"a unique {schema.key} (first on line {seen[key]})", key)
            seen[key] = line
            _check_consistent(kind, shown, line, row)
            rows.append(row)
    return rows


def _check_consistent(kind: str, file: Path, line: int, row: dict[str, str]) -> None:
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


def _describe_linkset(
    g: Graph, minter: Minter, key: str, title: str, predicate: URIRef, target: URIRef, triples: int, *tables: str
) -> None:
    """A void:Linkset for one kind of link, as a subset of the dataset."""
    ls = minter.dataset("linkset", key)
    dataset = minter.dataset()
    g.add((dataset, VOID.subset, ls))
    g.add((ls, RDF.type, VOID.Linkset))
    g.add((ls, DCTERMS.title, Literal(title, lang="en")))
    g.add((ls, VOID.subjectsTarget, dataset))
    g.add((ls, VOID.objectsTarget, target))
    g.add((ls, VOID.linkPredicate, predicate))
    g.add((ls, VOID.triples, Literal(triples, datatype=RDFLIB_XSD.integer)))
    for table in tables:
        g.add((ls, DCTERMS.source, Literal(f"data/{LINKS_DIR}/{SCHEMAS[table].file}")))


def load_links(data_dir: Path, minter: Minter) -> Graph:
    """Every link set as triples, plus their void:Linkset descriptions (for ``B graph/links``)."""
    g = Graph()
    bind_all(g)
    counts: dict[str, int] = {k: 0 for k in ("nuts", "nace", "nace-section", "country", "wikidata")}

    def link(s: URIRef, p: URIRef, o: URIRef, kind: str) -> None:
        g.add((s, p, o))
        counts[kind] += 1

    for row in read_table(data_dir, "nuts"):
        region = minter.nuts(row["nuts_code"])
        link(region, SKOS.exactMatch, URIRef(row["authority_iri"]), "nuts")
        if row["wikidata_qid"]:
            link(region, SKOS.exactMatch, WD[row["wikidata_qid"]], "wikidata")
    for row in read_table(data_dir, "nace"):
        division = minter.nace(row["eccp_code"])
        link(division, SKOS.exactMatch, URIRef(row["authority_iri"]), "nace")
        link(division, SKOS.broadMatch, URIRef(row["section_iri"]), "nace-section")
    for row in read_table(data_dir, "country"):
        country = minter.country_iri(row["eurostat_code"])
        if row["authority_iri"]:
            link(country, SKOS.exactMatch, URIRef(row["authority_iri"]), "country")
        if row["wikidata_qid"]:
            link(country, SKOS.exactMatch, WD[row["wikidata_qid"]], "wikidata")

    _describe_linkset(g, minter, "nuts", "Regions to EU NUTS 2021 codes", SKOS.exactMatch, NUTS_2021_SCHEME, counts["nuts"], "nuts")
    _describe_linkset(g, minter, "nace", "NACE divisions to EU Vocabularies NACE Rev. 2", SKOS.exactMatch, NACE_SCHEME, counts["nace"], "nace")
    _describe_linkset(
        g, minter, "nace-section", "NACE divisions to their NACE Rev. 2 sections", SKOS.broadMatch, NACE_SCHEME, counts["nace-section"], "nace"
    )
    _describe_linkset(
        g, minter, "country", "Countries to the EU country authority table", SKOS.exactMatch, COUNTRY_TABLE, counts["country"], "country"
    )
    _describe_linkset(
        g, minter, "wikidata", "Regions and countries to Wikidata items", SKOS.exactMatch, WIKIDATA, counts["wikidata"], "nuts", "country"
    )
    return g
