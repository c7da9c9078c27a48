"""Tables 1 and 2 (section 2.2): regionally relevant agglomerations, as Data Cube observations.

Four data sets per edition: the stated number of sectoral and of ecosystem agglomerations per
region (plus the country totals the text states, with refArea = the country), and the ranked
agglomerations each table lists. A ranked agglomeration is an eccp:SectoralAgglomeration /
eccp:EcosystemAgglomeration (subclasses of qb:Observation) whose measure is eccp:rank. Counts are
kept as stated even when they differ from the items listed; SHACL warns about the difference."""
from __future__ import annotations

from typing import Iterator

from rdflib import Literal

from ..graph.namespaces import ECCP, QB, RDF, SKOS
from .common import Context, Triple, concept_in, concept_scheme, count, en, positive
from .cube import dataset, observation, printed
from .tables import Row, Tables

#: table name -> (data set key, structure, label, locator, ranked table, its data set key, kind)
TABLES = {
    "sectoral": ("sectoral_agglomeration_counts", "sectoral-agglomeration-counts", "sectoral_agglomerations",
                 "sectoral-agglomerations", "SectoralAgglomerationStructure", ECCP.SectoralAgglomeration,
                 "Table 1", "sectoral_agglomerations"),
    "ecosystem": ("ecosystem_agglomeration_counts", "ecosystem-agglomeration-counts", "ecosystem_agglomerations",
                  "ecosystem-agglomerations", "EcosystemAgglomerationStructure", ECCP.EcosystemAgglomeration,
                  "Table 2", "ecosystem_agglomerations"),
}


def regions(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """NUTS regions named in the edition's tables, as concepts labelled as printed.

    The preferred label is the one printed in the ecosystem table (whose cells have no line
    breaks), other printed spellings become skos:altLabel."""
    labels: dict[str, list[str]] = {}
    for name in ("ecosystem_agglomeration_counts", "sectoral_agglomeration_counts"):
        for row in tables.get(name):
            labels.setdefault(row["nuts_code"], [])
            if row["region_label"] not in labels[row["nuts_code"]]:
                labels[row["nuts_code"]].append(row["region_label"])
    for code, names in sorted(labels.items()):
        iri = ctx.minter.nuts(code)
        yield iri, RDF.type, ECCP.NutsRegion
        yield from concept_in(ctx.minter, iri, "nuts-regions", names[0])
        yield iri, SKOS.notation, Literal(code)
        yield iri, ECCP.country, ctx.country
        for other in names[1:]:
            yield iri, SKOS.altLabel, en(other)
    if labels:
        yield from concept_scheme(ctx.minter, "nuts-regions", "NUTS regions named in the factsheets")


def _counts(tables: Tables, ctx: Context, kind: str, totals: dict[str, Row]) -> Iterator[Triple]:
    table, key, ranked_table, ranked_key, structure, cls, locator, total_measure = TABLES[kind]
    rows = tables.get(table)
    ranked = tables.get(ranked_table)
    if not rows and not ranked:
        return
    what = "sectoral" if kind == "sectoral" else "ecosystem"
    counts_ds, triples = dataset(ctx, key, "AgglomerationCountStructure",
                                 f"Number of regionally relevant {what} agglomerations by region", locator)
    yield from triples
    ranked_ds, triples = dataset(ctx, ranked_key, structure, f"Top regionally relevant {what} agglomerations by region", locator)
    yield from triples
    yield counts_ds, ECCP.listedIn, ranked_ds
    rank_column = next(c for c in ctx.tables_schema(ranked_table).columns if c.name == "rank")
    if rank_column.max is not None:
        yield ranked_ds, ECCP.maxListed, positive(int(rank_column.max))
    for row in rows:
        obs, triples = observation(ctx, counts_ds, QB.Observation, ctx.minter.nuts(row["nuts_code"]), row, row["nuts_code"])
        yield from triples
        yield obs, ECCP.agglomerationCount, count(row["agglomeration_count"])
        yield obs, ECCP.printedLabel, Literal(row["region_label"])
        yield obs, ECCP.position, positive(row["position"])
    total = totals.get(total_measure)
    if total is not None:
        obs, triples = observation(ctx, counts_ds, QB.Observation, ctx.country, total, "total")
        yield from triples
        yield obs, ECCP.agglomerationCount, count(total["value"])
        yield obs, ECCP.printedAs, Literal(total["text"])
    for row in ranked:
        if kind == "sectoral":
            if not row["nace_code"]:
                continue  # '-' or empty cell: no agglomeration printed at this rank
            code = ctx.lookups.check(row, "nace_code", ctx.lookups.nace_codes, "codelists/nace_divisions.csv")
            dim, value, label = ECCP.naceDivision, ctx.minter.nace(code), row["nace_label"]
        else:
            if not row["ecosystem_label"]:
                continue
            dim, value, label = ECCP.ecosystem, ctx.minter.ecosystem(ctx.lookups.ecosystem(row, "ecosystem_label")), row["ecosystem_label"]
        obs, triples = observation(ctx, ranked_ds, cls, ctx.minter.nuts(row["nuts_code"]), row, row["nuts_code"], str(row["rank"]))
        yield from triples
        yield obs, dim, value
        yield obs, ECCP.rank, positive(row["rank"])
        yield from printed(obs, label)
        yield obs, ECCP.printedAs, Literal(row["cell"])


def load(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """Tables 1 and 2, the stated totals and the section 2.2 statements."""
    totals = {row["measure"]: row for row in tables.get("agglomeration_totals")}
    yield from regions(tables, ctx)
    yield from _counts(tables, ctx, "sectoral", totals)
    yield from _counts(tables, ctx, "ecosystem", totals)
    for measure in ("nace_activities", "ecosystems"):
        row = totals.get(measure)
        if row is not None:
            iri = ctx.minter.stated("statement", "agglomeration-totals", measure)
            yield from ctx.typed(iri, ECCP.ContextStatement, row)
            yield iri, ECCP.text, Literal(row["text"])
            yield iri, ECCP.field, Literal(measure)
            yield iri, RDF.value, count(row["value"])
    yield from statements(tables, ctx)


def statements(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """Section 2.2 statements, each with the regions, divisions and ecosystems it names, in order."""
    seen: set[str] = set()
    for row in tables.get("agglomeration_statements"):
        iri = ctx.minter.stated("statement", row["statement"])
        if row["statement"] not in seen:
            seen.add(row["statement"])
            yield from ctx.typed(iri, ECCP.ContextStatement, row)
            yield iri, ECCP.text, Literal(row["text"])
        item = ctx.minter.stated("statement", row["statement"], "item", str(row["position"]))
        yield from ctx.typed(item, ECCP.ListedItem, row)
        yield iri, ECCP.listedItem, item
        yield item, ECCP.position, positive(row["position"])
        yield item, ECCP.printedAs, Literal(row["label"])
        target = _mention(row, ctx)
        if target is not None:
            yield item, ECCP.item, target


def _mention(row: Row, ctx: Context):
    kind, code = row["kind"], row["code"]
    if kind == "nace_division" and code:
        return ctx.minter.nace(code)
    if kind == "nuts2" and code:
        return ctx.minter.nuts(code)
    if kind == "ecosystem":
        return ctx.minter.ecosystem(ctx.lookups.ecosystem(row, "label"))
    return None
