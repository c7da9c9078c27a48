"""Table 3 figures: every amount, year, date and count a policy cell prints, as a typed value.

Each row of policy_figures.csv becomes an eccp:PrintedFigure (an amount is also a
schema:MonetaryAmount with schema:currency) on the policy, or on the policy document it describes,
with schema:value typed by its unit (xsd:decimal, xsd:integer, xsd:gYear, xsd:gYearMonth,
xsd:date), its qualifier ("at least", "about") and the way a total was split as concepts, the words
as printed and the cell it is printed in. The relations a derived figure has to others (a per-item
amount of a total, a part of a count, a count of the clusters listed) are kept as links between
figures, so the SHACL warnings can compare them; nothing is computed or corrected here."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Iterator

from rdflib import Literal, URIRef

from ..graph.namespaces import ECCP, RDF, SCHEMA, XSD
from .common import Context, Triple, positive
from .policies import policy_iri
from .tables import Row, Tables

#: unit -> (datatype of schema:value, parser that raises ValueError on a bad value, expected form)
UNITS = {
    "EUR": (XSD.decimal, lambda v: Decimal(v) if re.fullmatch(r"[0-9]+(\.[0-9]+)?", v) else _bad(), "a plain decimal like 1500000"),
    "count": (XSD.integer, lambda v: int(v) if re.fullmatch(r"[0-9]+", v) else _bad(), "an integer like 12"),
    "year": (XSD.gYear, lambda v: v if re.fullmatch(r"[0-9]{4}", v) else _bad(), "a year like 2013"),
    "year_month": (XSD.gYearMonth, lambda v: v if re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", v) else _bad(), "a month like 2001-03"),
    "date": (XSD.date, lambda v: dt.date.fromisoformat(v).isoformat(), "a date like 2014-03-17"),
}
MEASURES_SCHEME = "figure-measures"
QUALIFIERS_SCHEME = "figure-qualifiers"
#: policy_figures column -> property linking a figure to another figure of the same policy
RELATIONS = {"per_item_of": ECCP.perItemOf, "item_count": ECCP.itemCount, "part_of": ECCP.partOf}


def _bad() -> None:
    raise ValueError


def code_iri(ctx: Context, scheme: str, value: str) -> URIRef:
    """A concept of a code list built from a schemas.toml enum (value as in the CSV, '_' as '-')."""
    return ctx.minter.concept(scheme, value.replace("_", "-"))


def figure_iri(ctx: Context, policy: str, figure: str) -> URIRef:
    """A figure is keyed by its policy and its slug."""
    return ctx.minter.stated("policy", policy, "figure", figure)


def typed_value(row: Row) -> Literal:
    """The value cell as the literal its unit requires, or a SourceError naming the cell."""
    datatype, parse, expected = UNITS[row["unit"]]
    try:
        value = parse(row["value"])
    except (ValueError, InvalidOperation):
        raise row.error("value", f"{expected} (unit {row['unit']})", row["value"]) from None
    return Literal(str(value), datatype=datatype) if datatype != XSD.integer else Literal(value, datatype=datatype)


def load(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """Every printed figure of Table 3, checked against the cell it is printed in."""
    rows = tables.get("policy_figures")
    cells = {(r["policy"], r["section"], r["position"]): r for r in tables.get("policy_cells")}
    documents = {r["key"] for r in tables.get("policy_documents")}
    keys = {(r["policy"], r["figure"]) for r in rows}
    for row in rows:
        cell = cells.get((row["policy"], row["section"], row["cell"]))
        if cell is None:
            raise row.error("cell", f"a cell of policy_cells.csv ({row['policy']}, {row['section']}, position {row['cell']})", row["cell"])
        if row["printed"] not in cell["text"]:
            raise row.error("printed", "words printed in that cell of policy_cells.csv", row["printed"])
        iri = figure_iri(ctx, row["policy"], row["figure"])
        owner = policy_iri(ctx, row["policy"])
        if row["document"]:
            if row["document"] not in documents:
                raise row.error("document", "a key of policy_documents.csv", row["document"])
            owner = ctx.minter.stated("document", row["document"])
        yield from ctx.typed(iri, ECCP.PrintedFigure, row)
        yield owner, ECCP.figure, iri
        yield iri, SCHEMA.value, typed_value(row)
        if row["unit"] == "EUR":
            yield iri, RDF.type, SCHEMA.MonetaryAmount
            yield iri, SCHEMA.currency, Literal(row["unit"])
        yield iri, ECCP.measure, code_iri(ctx, MEASURES_SCHEME, row["measure"])
        yield iri, ECCP.qualifier, code_iri(ctx, QUALIFIERS_SCHEME, row["qualifier"])
        if row["split"]:
            yield iri, ECCP["split"], code_iri(ctx, QUALIFIERS_SCHEME, row["split"])
        if row["round"] is not None:
            yield iri, ECCP.round, positive(row["round"])
        yield iri, ECCP.printedAs, Literal(row["printed"])
        yield iri, ECCP.statedIn, ctx.minter.stated("policy", row["policy"], "cell", row["section"], str(row["cell"]))
        for column, prop in RELATIONS.items():
            if row[column]:
                if (row["policy"], row[column]) not in keys:
                    raise row.error(column, f"a figure of the same policy in policy_figures.csv", row[column])
                yield iri, prop, figure_iri(ctx, row["policy"], row[column])
        if row["counts_listed"]:
            yield iri, ECCP.countsListedItemsOf, policy_iri(ctx, row["policy"])
