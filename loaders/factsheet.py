"""The factsheet edition itself (factsheet.toml), its tables and figures, footnotes and references.

The factsheet is an eccp:Factsheet (prov:Entity, foaf:Document, dcat:Resource); every other
statement of the edition points to it with prov:wasDerivedFrom."""
from __future__ import annotations

from typing import Iterator

from rdflib import Literal, URIRef

from ..graph.namespaces import DCTERMS, ECCP, RDF, RDFS, SKOS, XSD
from .common import Context, Triple, en, lit, positive, year
from .tables import Tables


def load(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """The factsheet node from factsheet.toml, then its references, footnotes, tables and figures."""
    meta, iri = ctx.edition.meta, ctx.factsheet
    yield iri, RDF.type, ECCP.Factsheet  # the source itself: no prov:wasDerivedFrom
    if meta.get("source_file"):
        yield iri, ECCP.sourceLocator, Literal(meta["source_file"])
    title = f"{meta.get('title', 'Country factsheet')} {meta.get('country_name', ctx.edition.country)} {ctx.edition.edition}"
    yield iri, RDFS.label, en(title)
    yield iri, DCTERMS.title, en(meta.get("title", title))
    yield iri, ECCP.edition, Literal(ctx.edition.edition)
    yield iri, DCTERMS.spatial, ctx.country
    yield iri, ECCP.country, ctx.country
    if meta.get("publisher"):
        yield iri, DCTERMS.publisher, Literal(meta["publisher"])
    if meta.get("reference_year"):
        yield iri, DCTERMS.issued, year(meta["reference_year"])
    if meta.get("legal_notice"):
        yield iri, DCTERMS.rights, Literal(meta["legal_notice"])
    if meta.get("license"):
        yield iri, DCTERMS.license, URIRef(meta["license"])
    if meta.get("data_extraction_date"):
        yield iri, ECCP.extractionDate, Literal(meta["data_extraction_date"].isoformat(), datatype=XSD.date)
    for row in tables.get("references"):
        ref = ctx.minter.stated("reference", str(row["position"]))
        yield from ctx.typed(ref, ECCP.Reference, row)
        yield iri, DCTERMS.references, ref
        yield ref, DCTERMS.bibliographicCitation, Literal(row["text"])
        yield ref, RDFS.label, Literal(row["text"])
        yield ref, ECCP.position, positive(row["position"])
        if row["url"]:
            yield ref, ECCP.url, Literal(row["url"], datatype=XSD.anyURI)
        if row["accessed"]:
            yield ref, ECCP.accessNote, Literal(row["accessed"])
        if row["accessed_date"]:
            yield ref, ECCP.accessedDate, lit(row["accessed_date"])
    for row in tables.get("footnotes"):
        note = ctx.minter.stated("footnote", str(row["number"]))
        yield from ctx.typed(note, ECCP.Footnote, row)
        yield note, ECCP.position, positive(row["number"])
        yield note, ECCP.text, Literal(row["text"])
        yield note, ECCP.section, Literal(row["anchor"])
        if row["url"]:
            yield note, ECCP.url, Literal(row["url"], datatype=XSD.anyURI)
    for row in tables.get("factsheet_tables"):
        exhibit = ctx.minter.stated("exhibit", row["key"])
        yield from ctx.typed(exhibit, ECCP.Exhibit, row)
        yield exhibit, RDFS.label, en(row["number"])
        yield exhibit, DCTERMS.title, en(row["caption"])
        yield exhibit, ECCP.position, positive(row["position"])
        if row["source_line"]:
            yield exhibit, ECCP.sourceLine, Literal(row["source_line"])
        if row["note"]:
            yield exhibit, SKOS.note, Literal(row["note"])
        yield exhibit, DCTERMS.isPartOf, iri
