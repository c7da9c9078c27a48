"""Table 3 (section 3): the cluster policies, every cell, and the technology clusters they list.

Each policy is an eccp:ClusterPolicy. A bold standardised category ticks a concept of the
matching code list (objectives, focus, responsibilities, beneficiary types, instruments, period,
evaluation, EU priorities); every cell, categories included, is also kept verbatim as an
eccp:PolicyStatement with its section, row label (field) and position, so nothing printed is lost.
The starting and ending years become xsd:gYear values and a time:ProperInterval."""
from __future__ import annotations

import re
from typing import Iterator

from rdflib import Literal, URIRef

from ..graph.namespaces import DCTERMS, ECCP, QB, RDF, RDFS, SDMX_DIMENSION, SKOS, TIME
from .common import Context, Triple, count, en, positive, year
from .cube import dataset
from .tables import Row, Tables

#: Table 3 section (as printed, the ECCP template) -> (code list scheme of its bold categories, property)
SECTIONS = {
    "POLICY OBJECTIVES": ("policy-objectives", ECCP.hasObjective),
    "POLICY FOCUS": ("policy-focus", ECCP.hasFocus),
    "RESPONSIBLE AUTHORITIES": ("responsible-roles", ECCP.hasResponsibility),
    "BENEFICIARIES": ("beneficiary-types", ECCP.hasBeneficiaryType),
    "INSTRUMENTS": ("financial-instruments", ECCP.hasInstrument),
    "HISTORY": ("policy-periods", ECCP.policyPeriod),
    "POLICY EVALUATION": ("evaluation-availability", ECCP.evaluationAvailability),
    "POLICY ALIGNMENT WITH THE EU PRIORITIES": ("eu-priorities", ECCP.alignedWithPriority),
}
#: row labels of the template whose value is a year
YEAR_FIELDS = {"Starting year": ECCP.startingYear, "Ending year": ECCP.endingYear}


def load(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """Policies, every cell of Table 3, the policy periods and the listed clusters."""
    keys = set()
    for row in tables.get("policies"):
        keys.add(row["key"])
        yield from policy(row, ctx)
    for row in tables.get("policy_cells"):
        if row["policy"] not in keys:
            raise row.error("policy", "a policy key of policies.csv", row["policy"])
        yield from cell(row, ctx)
    yield from periods(tables, ctx)
    yield from clusters(tables, ctx, keys)


def policy_iri(ctx: Context, key: str) -> URIRef:
    """A policy is keyed by the slug of its name within the edition."""
    return ctx.minter.stated("policy", key)


def policy(row: Row, ctx: Context) -> Iterator[Triple]:
    """One policy column: name, type as printed, level and area."""
    iri = policy_iri(ctx, row["key"])
    yield from ctx.typed(iri, ECCP.ClusterPolicy, row)
    yield iri, RDFS.label, en(row["name"])
    yield iri, ECCP.policyType, Literal(row["policy_type"])
    yield iri, ECCP.position, positive(row["column"])
    level = ctx.minter.concept("policy-levels", row["level"])
    yield iri, ECCP.policyLevel, level
    yield iri, DCTERMS.spatial, ctx.minter.nuts(row["nuts_code"]) if row["nuts_code"] else ctx.country
    yield iri, ECCP.country, ctx.country


def cell(row: Row, ctx: Context) -> Iterator[Triple]:
    """One Table 3 cell: kept verbatim, and a category ticks its code-list concept."""
    iri = policy_iri(ctx, row["policy"])
    stmt = ctx.minter.stated("policy", row["policy"], "cell", row["section"], str(row["position"]))
    yield from ctx.typed(stmt, ECCP.PolicyStatement, row)
    yield stmt, ECCP.aboutPolicy, iri
    yield stmt, ECCP.section, Literal(row["section"])
    if row["row_label"]:
        yield stmt, ECCP.field, Literal(row["row_label"])
    yield stmt, ECCP.position, positive(row["position"])
    yield stmt, ECCP.text, Literal(row["text"])
    if row["kind"] == "category":
        scheme, prop = SECTIONS[row["section"]]
        if not row["category"]:
            raise row.error("category", "a concept slug for a bold category cell")
        if (scheme, row["category"]) not in ctx.lookups.categories:
            raise row.error("category", f"a concept of scheme '{scheme}' in codelists/policy_categories.csv", row["category"])
        concept = ctx.minter.concept(scheme, row["category"])
        yield iri, prop, concept
        yield stmt, ECCP.item, concept
        if row["text"] != ctx.lookups.categories[(scheme, row["category"])]:  # e.g. 'Cross-sectoral'
            yield concept, SKOS.altLabel, en(row["text"])
    if row["kind"] == "value" and row["row_label"] in YEAR_FIELDS and re.fullmatch(r"[0-9]{4}", row["text"]):
        yield iri, YEAR_FIELDS[row["row_label"]], year(row["text"])


def periods(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """A time:ProperInterval per policy with a stated starting (and maybe ending) year."""
    for row in tables.get("policy_cells"):
        if row["kind"] != "value" or row["row_label"] not in YEAR_FIELDS or not re.fullmatch(r"[0-9]{4}", row["text"]):
            continue
        interval = ctx.minter.stated("policy", row["policy"], "period")
        instant = ctx.minter.stated("policy", row["policy"], "period", row["row_label"])
        yield from ctx.typed(interval, TIME.ProperInterval, row)
        yield policy_iri(ctx, row["policy"]), DCTERMS.temporal, interval
        yield interval, TIME.hasBeginning if row["row_label"] == "Starting year" else TIME.hasEnd, instant
        yield from ctx.typed(instant, TIME.Instant, row)
        yield instant, TIME.inXSDgYear, year(row["text"])


def clusters(tables: Tables, ctx: Context, keys: set[str]) -> Iterator[Triple]:
    """The technology clusters each policy lists, in printed order, with stated member counts."""
    rows = tables.get("policy_clusters")
    if not rows:
        return
    with_members = [r for r in rows if r["member_count"] is not None]
    ds = None
    if with_members:
        ds, triples = dataset(ctx, "technology-cluster-members", "TechnologyClusterMemberStructure",
                              "Members of technology clusters", with_members[0]["source"])
        yield from triples
    for row in rows:
        if row["policy"] not in keys:
            raise row.error("policy", "a policy key of policies.csv", row["policy"])
        cluster = ctx.minter.organisation(ctx.edition.country, row["name"].rstrip(" ,.;"))
        yield from ctx.typed(cluster, ECCP.TechnologyCluster, row)
        yield cluster, RDF.type, ECCP.ClusterOrganisation
        yield cluster, RDFS.label, en(row["name"])
        if row["acronym"]:
            yield cluster, SKOS.altLabel, Literal(row["acronym"])
        yield cluster, ECCP.recognisedUnder, policy_iri(ctx, row["policy"])
        item = ctx.minter.stated("policy", row["policy"], "cluster", str(row["position"]))
        yield from ctx.typed(item, ECCP.ListedItem, row)
        yield policy_iri(ctx, row["policy"]), ECCP.listedItem, item
        yield item, ECCP.position, positive(row["position"])
        yield item, ECCP.printedAs, Literal(row["item"])
        yield item, ECCP.item, cluster
        if row["member_count"] is not None and ds is not None:
            obs = ctx.minter.stated("observation", "technology-cluster-members", row["policy"], str(row["position"]))
            yield from ctx.typed(obs, QB.Observation, row)
            yield obs, QB.dataSet, ds
            yield obs, ECCP.technologyCluster, cluster
            yield obs, SDMX_DIMENSION.refPeriod, ctx.period
            yield obs, ECCP.memberCount, count(row["member_count"])

