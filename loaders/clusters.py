"""Section 2.3 landscape: cluster organisations on the ECCP, member composition, regions named, per ecosystem.

The registered total and the per-ecosystem counts are qb:Observations (measure
eccp:clusterOrganisationCount); the member composition is a data set of shares for the country
and for the EU comparison printed beside it. The regions named as having most / fewest cluster
organisations are eccp:StatedLists in printed order."""
from __future__ import annotations

from typing import Iterator

from rdflib import Literal

from ..graph.iris import slug
from ..graph.namespaces import DCTERMS, ECCP, QB, RDF, RDFS, SDMX_ATTRIBUTE, SKOS, XSD
from .common import Context, Triple, concept_in, concept_scheme, count, en, positive
from .cube import dataset, observation
from .tables import Tables

EU_AREA = "EU"  # the EU comparison printed beside the country's shares ("EU: 83%")


def load(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """Everything section 2.3 says about the cluster organisations of the country."""
    yield from figures(tables, ctx)
    yield from by_ecosystem(tables, ctx)
    yield from named_regions(tables, ctx)


def figures(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """The registered total (with the extraction date) and the member shares beside the EU's."""
    rows = tables.get("cluster_organisation_figures")
    if not rows:
        return
    total_ds, triples = dataset(ctx, "cluster-organisations", "ClusterOrganisationCountStructure",
                                "Cluster organisations registered on the ECCP", rows[0]["source"])
    yield from triples
    shares = [r for r in rows if r["unit"] == "percent"]
    if shares:
        share_ds, triples = dataset(ctx, "member-composition", "MemberCompositionStructure",
                                    "Member organisations of cluster organisations by type", shares[0]["source"])
        yield from triples
        unit = ctx.minter.concept("units", "percent")
        yield from concept_in(ctx.minter, unit, "units", "percent")
        yield unit, SKOS.notation, Literal("percent")
        yield from concept_scheme(ctx.minter, "units", "Units of measure")
        eu = ctx.minter.country_iri(EU_AREA)
        yield eu, RDF.type, DCTERMS.Location
        yield eu, SKOS.prefLabel, en(EU_AREA)
    for row in rows:
        if row["measure"] == "registered_on_eccp":
            obs, triples = observation(ctx, total_ds, QB.Observation, ctx.country, row, "total")
            yield from triples
            yield obs, ECCP.clusterOrganisationCount, count(int(row["value"]))
            yield obs, ECCP.printedAs, Literal(row["text"])
            extracted = ctx.edition.meta.get("data_extraction_date")
            if extracted:
                yield obs, ECCP.extractionDate, Literal(extracted.isoformat(), datatype=XSD.date)
            continue
        member_type = ctx.minter.concept("member-types", slug(row["label"] or row["measure"]))
        yield from concept_in(ctx.minter, member_type, "member-types", row["label"] or row["measure"])
        yield member_type, SKOS.notation, Literal(slug(row["label"] or row["measure"]))
        yield from concept_scheme(ctx.minter, "member-types", "Member types of cluster organisations")
        for area, key, value in ((ctx.country, ctx.edition.country, row["value"]), (eu, EU_AREA, row["eu_value"])):
            if value is None:
                continue
            obs, triples = observation(ctx, share_ds, QB.Observation, area, row, key, slug(row["label"] or row["measure"]))
            yield from triples
            yield obs, ECCP.memberType, member_type
            yield obs, ECCP.share, Literal(value)
            yield obs, SDMX_ATTRIBUTE.unitMeasure, unit
            yield obs, ECCP.printedAs, Literal(row["text"])





def by_ecosystem(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """Cluster organisations per ecosystem, in printed order, labels as printed."""
    rows = tables.get("cluster_organisations_by_ecosystem")
    if not rows:
        return
    ds, triples = dataset(ctx, "ecosystem-cluster-organisations", "EcosystemClusterOrganisationStructure",
                          "Cluster organisations by industrial ecosystem", rows[0]["source"])
    yield from triples
    for row in rows:
        ecosystem = ctx.lookups.ecosystem(row, "ecosystem_label")
        obs, triples = observation(ctx, ds, QB.Observation, ctx.country, row, ecosystem)
        yield from triples
        yield obs, ECCP.ecosystem, ctx.minter.ecosystem(ecosystem)
        yield obs, ECCP.clusterOrganisationCount, count(row["count"])
        yield obs, ECCP.printedLabel, Literal(row["ecosystem_label"])
        yield obs, ECCP.printedAs, Literal(f"{row['ecosystem_label']} ({row['count']} {row['count_word']})")
        yield obs, ECCP.position, positive(row["position"])


def named_regions(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """The regions named as having the most / fewest cluster organisations, one list each."""
    for row in tables.get("cluster_organisation_regions"):
        listing = ctx.minter.stated("list", "cluster-organisation-regions", row["ranking"])
        yield from ctx.typed(listing, ECCP.StatedList, row)
        yield listing, RDFS.label, en(f"Regions with the {row['ranking']} cluster organisations registered on the ECCP")
        item = ctx.minter.stated("list", "cluster-organisation-regions", row["ranking"], "item", str(row["position"]))
        yield from ctx.typed(item, ECCP.ListedItem, row)
        yield listing, ECCP.listedItem, item
        yield item, ECCP.position, positive(row["position"])
        yield item, ECCP.printedAs, Literal(row["region_label"])
        yield item, ECCP.item, ctx.minter.nuts(row["nuts_code"])
