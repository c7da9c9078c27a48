"""Section 1 and section 2.1 prose: policy documents, printed lists, employment statements, paragraphs.

Policy documents named in the policy context become eccp:PolicyDocument with what the text says of
them; the short lists printed in the prose (PNRR cluster areas, national OP fields, Semester focus
areas) are eccp:StatedLists; every remaining paragraph is an eccp:ContextStatement so nothing
printed is lost."""
from __future__ import annotations

from typing import Iterator

from rdflib import Literal

from ..graph.namespaces import ECCP, RDF, RDFS, SKOS
from .common import Context, Triple, count, en, positive
from .cube import dataset, measured
from .tables import Tables

#: printed-list tables -> label of the list
LISTS = {
    "pnrr_cluster_areas": "Cluster areas named by the National recovery and resilience plan",
    "national_op_fields": "Fields mentioned in the national Operational Programmes",
    "semester_focus_areas": "Areas the European Semester focuses on",
}


def load(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """Section 1 and 2.1 prose, then every remaining paragraph."""
    yield from documents(tables, ctx)
    yield from printed_lists(tables, ctx)
    yield from employment(tables, ctx)
    for row in tables.get("paragraphs"):
        iri = ctx.minter.stated("paragraph", row["section"], str(row["position"]))
        yield from ctx.typed(iri, ECCP.ContextStatement, row)
        yield iri, ECCP.section, Literal(row["section"])
        yield iri, ECCP.position, positive(row["position"])
        yield iri, ECCP.text, Literal(row["text"])


def documents(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """The plans and programmes section 1 names, with what the text says about them."""
    for row in tables.get("policy_documents"):
        iri = ctx.minter.stated("document", row["key"])
        yield from ctx.typed(iri, ECCP.PolicyDocument, row)
        yield iri, RDFS.label, en(row["name"])
        if row["acronym"]:
            yield iri, SKOS.altLabel, Literal(row["acronym"])
        if row["mentions_clusters"]:
            yield iri, ECCP.mentionsClusters, Literal(row["mentions_clusters"] == "yes")
        if row["count"] is not None:
            yield iri, RDF.value, count(row["count"])
        yield iri, ECCP.text, Literal(row["statement"])


def printed_lists(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """The short lists printed inside section 1 sentences, in order."""
    for table, label in LISTS.items():
        key = table.replace("_", "-")
        for row in tables.get(table):
            listing = ctx.minter.stated("list", key)
            if row["position"] == 1:
                yield from ctx.typed(listing, ECCP.StatedList, row)
                yield listing, RDFS.label, en(label)
            item = ctx.minter.stated("list", key, "item", str(row["position"]))
            yield from ctx.typed(item, ECCP.ListedItem, row)
            yield listing, ECCP.listedItem, item
            yield item, ECCP.position, positive(row["position"])
            yield item, ECCP.printedAs, Literal(row["label"])


def employment(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """Each employment statement, and what it states per ecosystem as observations (rank, higher than EU27)."""
    rows = tables.get("employment_statements")
    if rows:
        ds, triples = dataset(ctx, "employment-comparison", "EmploymentComparisonStructure",
                              "Employment by industrial ecosystem, as the text states it", rows[0]["source"])
        yield from triples
    for row in rows:
        ecosystem = ctx.lookups.ecosystem(row, "ecosystem_label")
        dims = {ECCP.ecosystem: ctx.minter.ecosystem(ecosystem)}
        if row["employment_rank"] is not None:
            yield from measured(ctx, ds, ctx.country, row, ECCP.employmentRank, positive(row["employment_rank"]),
                                dims, ecosystem, "employment-rank")
        yield from measured(ctx, ds, ctx.country, row, ECCP.higherShareThanEU27, Literal(row["higher_share_than_eu27"]),
                            dims, ecosystem, "higher-share-than-eu27")
    for row in rows:
        ecosystem = ctx.lookups.ecosystem(row, "ecosystem_label")
        iri = ctx.minter.stated("statement", "employment", ecosystem)
        yield from ctx.typed(iri, ECCP.ContextStatement, row)
        yield iri, ECCP.ecosystem, ctx.minter.ecosystem(ecosystem)
        yield iri, ECCP.printedAs, Literal(row["ecosystem_label"])
        yield iri, ECCP.text, Literal(row["statement"])
        yield iri, ECCP.higherShareThanEU27, Literal(row["higher_share_than_eu27"])
        if row["employment_rank"] is not None:
            yield iri, ECCP.employmentRank, positive(row["employment_rank"])
        if row["eu27_comparison"]:
            yield iri, ECCP.comparison, Literal(row["eu27_comparison"])
