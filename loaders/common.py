"""What every table loader shares: the edition being loaded, code-list lookups, provenance and literals.

A table loader is a pure function `(tables, ctx) -> Iterator[Triple]`; the context carries no
state that loaders change, only the minter, the factsheet IRI and read-only lookups built from
the code lists, so the same rows always give the same triples."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..graph.iris import Minter
from ..graph.namespaces import ECCP, PROV, RDF, SKOS, XSD
from .tables import Row, Schemas, TableSchema, Tables

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Edition:
    """One factsheet edition found on disk: data/{cc}/{edition}/factsheet.toml and its tables."""

    country: str  # Eurostat code as in factsheet.toml, e.g. "IT"
    edition: str  # e.g. "2023"
    path: Path  # the edition folder
    data_dir: Path  # the data folder it was found under (holds schemas.toml and codelists/)
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Lookups:
    """Read-only maps from printed labels and codes to code-list keys, built from data/codelists."""

    ecosystem_by_label: Mapping[str, str] = field(default_factory=dict)  # printed label -> ecosystem slug
    nace_codes: frozenset[str] = frozenset()
    country_codes: frozenset[str] = frozenset()
    programmes: frozenset[str] = frozenset()
    programme_labels: Mapping[str, str] = field(default_factory=dict)  # slug -> acronym or label
    programme_names: Mapping[str, frozenset[str]] = field(default_factory=dict)  # slug -> label and acronym
    categories: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (scheme, slug) -> label

    def ecosystem(self, row: Row, column: str) -> str:
        """The ecosystem slug of a printed label, or a SourceError naming the cell."""
        label = row[column]
        if label not in self.ecosystem_by_label:
            raise row.error(column, "an ecosystem label listed in codelists/ecosystem_labels.csv", label)
        return self.ecosystem_by_label[label]

    def check(self, row: Row, column: str, known: Iterable[str], what: str) -> str:
        """The cell's value if the code list knows it, else a SourceError naming the cell."""
        value = row[column]
        if value not in known:
            raise row.error(column, f"a code of {what}", value)
        return value


@dataclass(frozen=True)
class Context:
    """Everything a table loader needs to mint and describe one edition's statements."""

    edition: Edition
    minter: Minter  # scoped to the edition
    lookups: Lookups
    tables: Tables
    schemas: Schemas

    def tables_schema(self, name: str) -> TableSchema:
        """The declared schema of a table (e.g. to read a column's bounds)."""
        return self.schemas.tables[name]

    @property
    def factsheet(self) -> URIRef:
        """The source document every statement of the edition is derived from."""
        return self.minter.factsheet()

    @property
    def country(self) -> URIRef:
        """The country the factsheet is about (from factsheet.toml)."""
        return self.minter.country_iri(self.edition.country)

    @property
    def period(self) -> Literal:
        """The reference period of the edition's statistics (factsheet.toml reference_year)."""
        year = self.edition.meta.get("reference_year") or self.edition.edition
        return Literal(f"{int(year):04d}", datatype=XSD.gYear)

    def provenance(self, subject: URIRef, row: Row | None, locator: str | None = None) -> Iterator[Triple]:
        """Tie a statement to the factsheet it is derived from and the place it is printed."""
        yield subject, PROV.wasDerivedFrom, self.factsheet
        where = locator if locator is not None else (row.get("source") if row is not None else None)
        if where:
            yield subject, ECCP.sourceLocator, Literal(where)

    def typed(self, subject: URIRef, cls: URIRef, row: Row | None, locator: str | None = None) -> Iterator[Triple]:
        """The class of a new edition-scoped node plus its provenance: never one without the other."""
        yield subject, RDF.type, cls
        yield from self.provenance(subject, row, locator)


def lit(value: Any, datatype: URIRef | None = None) -> Literal:
    """A typed literal for a checked cell value (int, Decimal, date, bool or str)."""
    if datatype is not None:
        return Literal(str(value) if datatype == XSD.gYear else value, datatype=datatype)
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, Decimal):
        return Literal(value, datatype=XSD.decimal)
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    return Literal(value)


def count(value: int) -> Literal:
    """A stated count (xsd:nonNegativeInteger)."""
    return Literal(value, datatype=XSD.nonNegativeInteger)


def positive(value: int) -> Literal:
    """A rank or position (xsd:positiveInteger)."""
    return Literal(value, datatype=XSD.positiveInteger)


def year(value: Any) -> Literal:
    """A year as xsd:gYear, so SPARQL compares it as a date, not a number."""
    return Literal(f"{int(value):04d}", datatype=XSD.gYear)


def en(text: str) -> Literal:
    """An English label (the factsheets are in English)."""
    return Literal(text, lang="en")


def concept_scheme(minter: Minter, key: str, label: str) -> Iterator["Triple"]:
    """A local code list, B id/scheme/{key}: every loader declares its schemes this one way."""
    yield minter.scheme(key), RDF.type, SKOS.ConceptScheme
    yield minter.scheme(key), SKOS.prefLabel, en(label)


def concept_in(minter: Minter, iri: URIRef, key: str, label: str) -> Iterator["Triple"]:
    """A concept of the code list `key`, labelled as printed."""
    yield iri, RDF.type, SKOS.Concept
    yield iri, SKOS.prefLabel, en(label)
    yield iri, SKOS.inScheme, minter.scheme(key)

