"""Section 2.3 cooperation: programme figures, partner-country lists as printed, the Euroclusters.

One eccp:ProgrammeParticipation per programme the edition gives figures for, carrying the stated
counts and one eccp:ListedItem per printed position of its partner-country list (order and
duplicates kept: EL printed twice gives two items). The stated number of partner countries is
eccp:statedItemCount next to the items, so a mismatch stays visible and SHACL warns about it."""
from __future__ import annotations

from typing import Iterator

from rdflib import Literal, URIRef

from ..graph.namespaces import ECCP, RDF, RDFS, SKOS
from .common import Context, Triple, count, en, positive
from .cube import dataset, measured
from .tables import Tables

#: programme_figures measure -> property on the participation
MEASURES = {
    "consortia": ECCP.consortiumCount,
    "partnerships": ECCP.partnershipCount,
    "euroclusters": ECCP.partnershipCount,
    "partner_countries": ECCP.statedItemCount,
    "cluster_organisations": ECCP.clusterOrganisationCount,
    "ecosystems_covered": ECCP.ecosystemCount,
}


#: programme_figures measure -> measure of the programme-figures data set
OBSERVED = {**MEASURES, "partner_countries": ECCP.partnerCountryCount}


def participation_iri(ctx: Context, programme: str) -> URIRef:
    """The country's participation in one programme, as this edition states it."""
    return ctx.minter.stated("participation", programme)


def load(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """Participations with stated counts and partner lists, then the Eurocluster list."""
    programmes: list[str] = []
    figures = tables.get("programme_figures")
    partners = tables.get("programme_partner_countries")
    for row in [*figures, *partners]:
        if row["programme"] not in programmes:
            ctx.lookups.check(row, "programme", ctx.lookups.programmes, "codelists/programmes.csv")
            programmes.append(row["programme"])
    first_row = {}
    for row in [*figures, *partners]:
        first_row.setdefault(row["programme"], row)
    for programme in programmes:
        iri = participation_iri(ctx, programme)
        yield from ctx.typed(iri, ECCP.ProgrammeParticipation, first_row[programme])
        yield iri, ECCP.programme, ctx.minter.programme(programme)
        yield iri, ECCP.country, ctx.country
        name = ctx.lookups.programme_labels.get(programme, programme)
        yield iri, RDFS.label, en(f"{ctx.edition.meta.get('country_name', ctx.edition.country)} in {name}")
    if figures:
        ds, triples = dataset(ctx, "programme-figures", "ProgrammeFigureStructure",
                              "Stated figures of the cooperation programmes", figures[0]["source"])
        yield from triples
    for row in figures:
        iri = participation_iri(ctx, row["programme"])
        yield iri, MEASURES[row["measure"]], count(row["value"])
        if row["counts"] and row["measure"] != "partner_countries":
            raise row.error("counts", "empty unless measure is partner_countries", row["counts"])
        if row["counts"] == "eu_member_states":
            yield iri, ECCP.statedMemberStateCount, count(row["value"])
        yield from measured(ctx, ds, ctx.country, row, OBSERVED[row["measure"]], count(row["value"]),
                            {ECCP.programme: ctx.minter.programme(row["programme"])}, row["programme"], row["measure"])
        # the words as printed, one statement per figure
        stmt = ctx.minter.stated("participation", row["programme"], "figure", row["measure"])
        yield from ctx.typed(stmt, ECCP.ContextStatement, row)
        yield stmt, ECCP.text, Literal(row["text"])
        yield stmt, ECCP.field, Literal(row["measure"])
        yield stmt, RDF.value, count(row["value"])
        yield stmt, ECCP.aboutParticipation, iri
    for row in partners:
        iri = participation_iri(ctx, row["programme"])
        code = row["country_code"]
        ctx.lookups.check(row, "country_code", ctx.lookups.country_codes, "codelists/countries.csv")
        item = ctx.minter.stated("participation", row["programme"], "partner", str(row["position"]))
        yield from ctx.typed(item, ECCP.ListedItem, row)
        yield iri, ECCP.listedItem, item
        yield item, ECCP.position, positive(row["position"])
        yield item, ECCP.printedAs, Literal(code)
        yield item, ECCP.item, ctx.minter.country_iri(code)
    yield from euroclusters(tables, ctx)


def euroclusters(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """The printed list of Euroclusters (a stated list with the stated number) and their ecosystems."""
    rows = tables.get("euroclusters")
    if not rows:
        return
    stated = [r for r in tables.get("programme_figures") if r["measure"] == "euroclusters"]
    programme = [ctx.minter.programme(r["programme"]) for r in stated]
    listing = ctx.minter.stated("list", "euroclusters")
    yield from ctx.typed(listing, ECCP.StatedList, rows[0])
    yield listing, RDFS.label, en("Euroclusters with cluster organisations of the country")
    for row in stated:
        yield listing, ECCP.statedItemCount, count(row["value"])
    names = set()
    for row in rows:
        names.add(row["name"])
        cluster = ctx.minter.eurocluster(row["name"])
        yield from ctx.typed(cluster, ECCP.Eurocluster, row)
        yield cluster, SKOS.prefLabel, en(row["name"])
        yield cluster, RDFS.label, en(row["name"])
        for p in programme:
            yield cluster, ECCP.programme, p
        item = ctx.minter.stated("list", "euroclusters", "item", str(row["position"]))
        yield from ctx.typed(item, ECCP.ListedItem, row)
        yield listing, ECCP.listedItem, item
        yield item, ECCP.position, positive(row["position"])
        yield item, ECCP.printedAs, Literal(row["name"])
        yield item, ECCP.item, cluster
    for row in tables.get("eurocluster_ecosystems"):
        if row["eurocluster"] not in names:
            raise row.error("eurocluster", "a Eurocluster name listed in euroclusters.csv", row["eurocluster"])
        cluster = ctx.minter.eurocluster(row["eurocluster"])
        ecosystem = ctx.minter.ecosystem(ctx.lookups.ecosystem(row, "ecosystem_label"))
        yield cluster, ECCP.coversEcosystem, ecosystem
        item = ctx.minter.stated("eurocluster-ecosystem", row["eurocluster"], str(row["position"]))
        yield from ctx.typed(item, ECCP.ListedItem, row)
        yield cluster, ECCP.listedItem, item
        yield item, ECCP.position, positive(row["position"])
        yield item, ECCP.printedAs, Literal(row["ecosystem_label"])
        yield item, ECCP.item, ecosystem
