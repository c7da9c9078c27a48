"""Names printed in several places: one resource per thing, every mention linked to it.

organisations.csv declares the organisations the text names that no other table makes a resource
(a ministry, a regional government, a university); mentions.csv lists every place a known resource
(a policy, a technology cluster, a policy document, a programme, an organisation) is named, with
the name exactly as printed. Each mention is an eccp:Mention (eccp:mentionOf the resource,
eccp:printedAs, eccp:sourceLocator), and every printed variant that differs from the resource's
own label is also its skos:altLabel, so a user finds the resource by any printed name."""
from __future__ import annotations

from typing import Iterator

from rdflib import Literal, URIRef

from ..graph.namespaces import ECCP, ORG, RDF, RDFS, SKOS
from .common import Context, Triple, en, positive
from .policies import policy_iri
from .tables import Row, Tables

#: organisations.csv kind -> class beside org:Organization
KINDS = {"public_authority": ECCP.PublicAuthority, "university": ECCP.University}


def organisation_iri(ctx: Context, key: str) -> URIRef:
    """An organisation the factsheet names, keyed by the slug of its name (shared across editions)."""
    return ctx.minter.organisation(ctx.edition.country, key)


def load(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """The named organisations, then every mention linked to its resource."""
    organisations = {}
    for row in tables.get("organisations"):
        iri = organisation_iri(ctx, row["key"])
        organisations[row["key"]] = (iri, row["name"])
        yield from ctx.typed(iri, ORG.Organization, row)
        yield iri, RDF.type, KINDS[row["kind"]]
        yield iri, RDFS.label, en(row["name"])
        yield iri, SKOS.prefLabel, en(row["name"])
        if row["acronym"]:
            yield iri, SKOS.altLabel, en(row["acronym"])
        yield iri, ECCP.country, ctx.minter.country_iri(row["country_code"])
    known = resources(tables, ctx, organisations)
    for row in tables.get("mentions"):
        found = known.get((row["kind"], row["resource"]))
        if found is None:
            raise row.error("resource", f"a {row['kind']} the edition's tables name ({_where(row['kind'])})", row["resource"])
        resource, labels = found
        mention = ctx.minter.stated("mention", row["kind"], row["resource"], str(row["position"]))
        yield from ctx.typed(mention, ECCP.Mention, row)
        yield mention, ECCP.mentionOf, resource
        yield mention, ECCP.position, positive(row["position"])
        yield mention, ECCP.printedAs, Literal(row["printed"])
        if row["printed"] not in labels:
            yield resource, SKOS.altLabel, en(row["printed"])


def _where(kind: str) -> str:
    return {"policy": "a key of policies.csv", "technology_cluster": "a name of policy_clusters.csv",
            "policy_document": "a key of policy_documents.csv", "programme": "a slug of codelists/programmes.csv",
            "organisation": "a key of organisations.csv"}[kind]


def resources(tables: Tables, ctx: Context, organisations: dict[str, tuple[URIRef, str]]) -> dict[tuple[str, str], tuple[URIRef, set[str]]]:
    """(kind, key) -> (IRI, its own labels) for every resource a mention may name."""
    known: dict[tuple[str, str], tuple[URIRef, set[str]]] = {}
    for row in tables.get("policies"):
        known[("policy", row["key"])] = (policy_iri(ctx, row["key"]), {row["name"]})
    for row in tables.get("policy_clusters"):
        known[("technology_cluster", row["name"])] = (cluster_iri(ctx, row["name"]), {row["name"]})
    for row in tables.get("policy_documents"):
        known[("policy_document", row["key"])] = (ctx.minter.stated("document", row["key"]), {row["name"], row["acronym"] or ""})
    for slug in ctx.lookups.programmes:
        known[("programme", slug)] = (ctx.minter.programme(slug), set(ctx.lookups.programme_names.get(slug, ())))
    for key, (iri, name) in organisations.items():
        known[("organisation", key)] = (iri, {name})
    return known


def cluster_iri(ctx: Context, name: str) -> URIRef:
    """A technology cluster, keyed by its Table 3 name without trailing punctuation (as policies.py mints it)."""
    return ctx.minter.organisation(ctx.edition.country, name.rstrip(" ,.;"))


def cluster_by_name(ctx: Context, tables: Tables, row: Row, column: str) -> URIRef:
    """The Table 3 cluster a cell names by its policy_clusters.csv name, or a SourceError naming the cell."""
    names = {r["name"] for r in tables.get("policy_clusters")}
    if row[column] not in names:
        raise row.error(column, "a cluster name of policy_clusters.csv", row[column])
    return cluster_iri(ctx, row[column])
