"""RDF Data Cube helpers: every statistic is a qb:Observation in an edition-scoped qb:DataSet.

Data sets are minted per edition (B id/{cc}/{edition}/dataset/{key}) and point to a
qb:DataStructureDefinition declared in the ontology, so every edition shares one structure."""
from __future__ import annotations

from rdflib import Literal, URIRef

from ..graph.namespaces import DCTERMS, ECCP, QB, RDF, RDFS, SDMX_DIMENSION
from .common import Context, Triple, en
from .tables import Row


def dataset(ctx: Context, key: str, structure: str, label: str, locator: str) -> tuple[URIRef, list[Triple]]:
    """A qb:DataSet of this edition with its structure, label and provenance."""
    iri = ctx.minter.stated("dataset", key)
    triples: list[Triple] = [
        *ctx.typed(iri, QB.DataSet, None, locator),
        (iri, QB.structure, ECCP[structure]),
        (iri, RDFS.label, en(label)),
        (iri, DCTERMS.source, ctx.factsheet),
    ]
    return iri, triples


def observation(ctx: Context, data_set: URIRef, cls: URIRef, area: URIRef, row: Row | None, *key: str,
                locator: str | None = None) -> tuple[URIRef, list[Triple]]:
    """An observation of `data_set` about `area` in the edition's reference period.

    The IRI is B id/{cc}/{edition}/observation/{data set key}/{key...}: natural keys only."""
    ds_key = str(data_set).rsplit("/", 1)[-1]
    iri = ctx.minter.stated("observation", ds_key, *key)
    triples: list[Triple] = [*ctx.typed(iri, cls, row, locator), (iri, QB.dataSet, data_set),
                             (iri, SDMX_DIMENSION.refArea, area), (iri, SDMX_DIMENSION.refPeriod, ctx.period)]
    if cls != QB.Observation:
        triples.append((iri, RDF.type, QB.Observation))  # explicit: queries run without inference
    return iri, triples


def printed(iri: URIRef, text: str | None) -> list[Triple]:
    """The label of a coded cell as printed (nothing for an empty cell)."""
    return [(iri, ECCP.printedLabel, Literal(text))] if text else []


def measured(ctx: Context, data_set: URIRef, area: URIRef, row: Row, measure: URIRef, value: Literal,
             dimensions: dict[URIRef, URIRef], *key: str) -> list[Triple]:
    """One observation of a measure-dimension data set: qb:measureType names its single measure."""
    obs, triples = observation(ctx, data_set, QB.Observation, area, row, *key)
    triples += [(obs, QB.measureType, measure), (obs, measure, value)]
    triples += [(obs, dim, dim_value) for dim, dim_value in dimensions.items()]
    return triples
