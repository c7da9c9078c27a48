"""One resource per thing mentioned: organisations the text names, and every reviewed mention of a known thing.

organisations.csv gives the authorities and universities the text names (MIUR, Regione Lombardia,
...) as org:Organization plus eccp:PublicAuthority or eccp:University, with only what the factsheet
states. Each row of mentions.csv is an eccp:Mention: the thing named (eccp:mentionOf), the
paragraph, Table 3 cell, reference or statement whose text names it (eccp:mentionedIn), the words as
printed (eccp:printedAs) and the locator; a printed variant that is not already the thing's label
becomes a skos:altLabel of it. The `cluster` column of semester_listed_clusters.csv points a
Table 5 list item at the Table 3 cluster it names (eccp:item).

Every reference is checked: an unknown resource or row, printed words that are not in that row's
text (or fewer times than `occurrence`), and a duplicate row (the table's key) each raise a
SourceError naming file, line and column."""
from __future__ import annotations

import re
from typing import Callable, Iterator

from rdflib import Literal, URIRef

from ..graph.namespaces import DCTERMS, ECCP, ORG, RDF, RDFS, SKOS
from .common import Context, Triple, en, lit
from .policies import policy_iri
from .tables import Row, Tables

KINDS = {"public_authority": ECCP.PublicAuthority, "university": ECCP.University}

#: table -> (its key columns, the column holding its text, the IRI its loader mints for a row)
TEXTS: dict[str, tuple[tuple[str, ...], str, Callable[[Context, Row], URIRef]]] = {
    "paragraphs": (("section", "position"), "text",
                   lambda ctx, r: ctx.minter.stated("paragraph", r["section"], str(r["position"]))),
    "policy_cells": (("policy", "section", "position"), "text",
                     lambda ctx, r: ctx.minter.stated("policy", r["policy"], "cell", r["section"], str(r["position"]))),
    "references": (("position",), "text", lambda ctx, r: ctx.minter.stated("reference", str(r["position"]))),
    "footnotes": (("number",), "text", lambda ctx, r: ctx.minter.stated("footnote", str(r["number"]))),
    "state_of_play_assessments": (("criterion", "position"), "text",
                                  lambda ctx, r: ctx.minter.stated("statement", "state-of-play", r["criterion"], str(r["position"]))),
    "semester_policy_areas": (("policy_area",), "cluster_policy",
                              lambda ctx, r: ctx.minter.stated("semester-contribution", r["policy_area"])),
    "semester_challenges": (("policy_area", "position"), "text",
                            lambda ctx, r: ctx.minter.stated("semester-challenge", r["policy_area"], str(r["position"]))),
}
SEPARATOR = " | "


def row_key(table: str, row: Row) -> str:
    """A row's key as mentions.csv writes it: its key values joined by ' | ' in schema order."""
    return SEPARATOR.join(str(row[k]) for k in TEXTS[table][0])


def occurrences(words: str, text: str) -> list[int]:
    """Where `words` stand in `text` as whole words (not inside a longer word or hyphenated code)."""
    return [m.start() for m in re.finditer(r"(?<![\w-])" + re.escape(words) + r"(?![\w-])", text)]


def cluster_iri(ctx: Context, name: str) -> URIRef:
    """A Table 3 cluster, minted as loaders/policies.py mints it from its printed name."""
    return ctx.minter.organisation(ctx.edition.country, name.rstrip(" ,.;"))


def resources(tables: Tables, ctx: Context) -> dict[str, dict[str, tuple[URIRef, set[str]]]]:
    """kind -> key -> (the thing's IRI, the labels it already has), for every thing a mention may name."""
    clusters = {r["name"]: (cluster_iri(ctx, r["name"]), {r["name"], r["acronym"]}) for r in tables.get("policy_clusters")}
    return {
        "organisation": {r["key"]: (ctx.minter.organisation(ctx.edition.country, r["key"]), {r["name"], r["acronym"]})
                         for r in tables.get("organisations")},
        "cluster": clusters,
        "document": {r["key"]: (ctx.minter.stated("document", r["key"]), {r["name"], r["acronym"]})
                     for r in tables.get("policy_documents")},
        "programme": {slug: (ctx.minter.programme(slug), set(ctx.lookups.programme_names.get(slug, ())))
                      for slug in ctx.lookups.programmes},
        "policy": {r["key"]: (policy_iri(ctx, r["key"]), {r["name"]}) for r in tables.get("policies")},
    }


def load(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """Organisations, the mentions of known things and the Table 5 clusters' link to Table 3."""
    for row in tables.get("organisations"):
        iri = ctx.minter.organisation(ctx.edition.country, row["key"])
        yield from ctx.typed(iri, ORG.Organization, row)
        yield iri, RDF.type, KINDS[row["kind"]]
        yield iri, RDFS.label, en(row["name"])
        yield iri, SKOS.prefLabel, en(row["name"])
        if row["acronym"]:
            yield iri, SKOS.altLabel, Literal(row["acronym"])
        yield iri, ECCP.country, ctx.country
        if row["nuts_code"]:
            yield iri, DCTERMS.spatial, ctx.minter.nuts(row["nuts_code"])
    known = resources(tables, ctx)
    for row in tables.get("semester_listed_clusters"):
        if row["cluster"]:
            if row["cluster"] not in known["cluster"]:
                raise row.error("cluster", "a cluster name of policy_clusters.csv", row["cluster"])
            item = ctx.minter.stated("semester-contribution", row["policy_area"], "item", str(row["position"]))
            yield item, ECCP.item, known["cluster"][row["cluster"]][0]
    yield from mentions(tables, ctx, known)


def mentions(tables: Tables, ctx: Context, known: dict) -> Iterator[Triple]:
    """Each reviewed mention, checked against the row whose text it is in."""
    rows = {table: {row_key(table, r): r for r in tables.get(table)} for table in TEXTS}
    for m in tables.get("mentions"):
        if m["resource"] not in known[m["kind"]]:
            raise m.error("resource", f"a known {m['kind']} ({_where(m['kind'])})", m["resource"])
        resource, labels = known[m["kind"]][m["resource"]]
        table = m["table"]
        if m["row"] not in rows[table]:
            raise m.error("row", f"the key of a row of {table}.csv ({' | '.join(TEXTS[table][0])})", m["row"])
        row = rows[table][m["row"]]
        found = occurrences(m["printed"], row[TEXTS[table][1]])
        if len(found) < m["occurrence"]:
            where = f"{row.file}:{row.line} column '{TEXTS[table][1]}'"
            if not found:
                raise m.error("printed", f"words printed in that row's text ({where})", m["printed"])
            raise m.error("occurrence", f"at most {len(found)} (the times '{m['printed']}' is printed in {where})",
                          m["occurrence"])
        iri = ctx.minter.stated("mention", table, *m["row"].split(SEPARATOR), m["printed"], str(m["occurrence"]))
        yield from ctx.typed(iri, ECCP.Mention, m)
        yield iri, ECCP.mentionOf, resource
        yield iri, ECCP.mentionedIn, TEXTS[table][2](ctx, row)
        yield iri, ECCP.printedAs, lit(m["printed"])
        if m["printed"] not in labels:
            yield resource, SKOS.altLabel, Literal(m["printed"])  # no language: printed Italian and English alike


def _where(kind: str) -> str:
    return {"organisation": "a key of organisations.csv", "cluster": "a name of policy_clusters.csv",
            "document": "a key of policy_documents.csv", "programme": "a slug of codelists/programmes.csv",
            "policy": "a key of policies.csv"}[kind]
