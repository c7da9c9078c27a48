"""Table 5 (section 4.2): European Semester challenges and what cluster policy can contribute.

Policy areas are concepts of an edition-scoped scheme labelled as printed; each challenge is an
eccp:SemesterChallenge and each 'Cluster policy' cell an eccp:ClusterPolicyContribution."""
from __future__ import annotations

from typing import Iterator

from rdflib import Literal, URIRef

from ..graph.iris import slug
from ..graph.namespaces import ECCP, RDFS, SKOS
from .common import Context, Triple, concept_in, concept_scheme, en, positive
from .tables import Tables

SCHEME = "semester-policy-areas"


def area_iri(ctx: Context, label: str) -> URIRef:
    """A Semester policy area, keyed by the slug of its printed name."""
    return ctx.minter.concept(SCHEME, label)


def load(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """Policy areas, their cluster-policy cells and challenges, and the clusters a cell lists."""
    areas = {row["policy_area"] for row in tables.get("semester_policy_areas")}
    if areas:
        yield from concept_scheme(ctx.minter, SCHEME, "European Semester policy areas")
    for row in tables.get("semester_policy_areas"):
        area = area_iri(ctx, row["policy_area"])
        yield from concept_in(ctx.minter, area, SCHEME, row["policy_area"])
        yield area, SKOS.notation, Literal(slug(row["policy_area"]))
        yield area, ECCP.position, positive(row["position"])
        iri = ctx.minter.stated("semester-contribution", row["policy_area"])
        yield from ctx.typed(iri, ECCP.ClusterPolicyContribution, row)
        yield iri, ECCP.policyArea, area
        yield iri, ECCP.text, Literal(row["cluster_policy"])
        yield iri, ECCP.country, ctx.country
    for row in tables.get("semester_challenges"):
        if row["policy_area"] not in areas:
            raise row.error("policy_area", "a policy area of semester_policy_areas.csv", row["policy_area"])
        iri = ctx.minter.stated("semester-challenge", row["policy_area"], str(row["position"]))
        yield from ctx.typed(iri, ECCP.SemesterChallenge, row)
        yield iri, RDFS.label, en(row["text"])
        yield iri, ECCP.text, Literal(row["text"])
        yield iri, ECCP.position, positive(row["position"])
        yield iri, ECCP.policyArea, area_iri(ctx, row["policy_area"])
        yield iri, ECCP.country, ctx.country
    for row in tables.get("semester_listed_clusters"):
        if row["policy_area"] not in areas:
            raise row.error("policy_area", "a policy area of semester_policy_areas.csv", row["policy_area"])
        contribution = ctx.minter.stated("semester-contribution", row["policy_area"])
        item = ctx.minter.stated("semester-contribution", row["policy_area"], "item", str(row["position"]))
        yield from ctx.typed(item, ECCP.ListedItem, row)
        yield contribution, ECCP.listedItem, item
        yield item, ECCP.position, positive(row["position"])
        yield item, ECCP.printedAs, Literal(row["name"])
        yield item, ECCP.participant, Literal(row["participant"])

