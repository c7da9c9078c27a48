"""The shared code lists (data/codelists/*.csv) as SKOS concept schemes, one graph for all factsheets.

Every code list is a skos:ConceptScheme; its concepts carry skos:prefLabel, skos:notation where a
code exists, skos:inScheme/skos:topConceptOf and the source note of the row (eccp:sourceLocator).
Every concept has a skos:notation a user can type (ecosystems: short upper-case codes such as AGRI;
Table 3 categories: short slugs such as internationalisation); every label variant printed in a
factsheet is a skos:altLabel, so no query needs to match label text."""
from __future__ import annotations

from typing import Iterator

from rdflib import Literal, URIRef

from ..graph.iris import Minter
from ..graph.namespaces import ECCP, RDF, SKOS, TIME
from .common import Lookups, Triple, concept_in, concept_scheme, en, lit, positive, year
from .tables import Row, Schemas, Tables

SCHEMES = {  # scheme key -> label
    "ecosystems": "Industrial ecosystems",
    "nace-divisions": "NACE Rev. 2 divisions as printed in the factsheets",
    "programmes": "EU cluster cooperation and funding programmes",
    "countries": "Countries",
    "funding-periods": "EU funding periods",
    "policy-levels": "Levels of cluster policy",
    "policy-objectives": "Standardised cluster policy objectives",
    "policy-focus": "Standardised cluster policy focus",
    "responsible-roles": "Standardised responsibilities of policy authorities",
    "beneficiary-types": "Standardised beneficiary types",
    "financial-instruments": "Standardised cluster support instruments",
    "policy-periods": "Standardised policy periods",
    "evaluation-availability": "Standardised availability of policy evaluations",
    "eu-priorities": "EU priorities a cluster policy may be aligned with",
    "figure-measures": "What a figure printed in a policy table states",
    "figure-qualifiers": "How the text qualifies a printed figure",
}


def _concept(minter: Minter, iri: URIRef, scheme: str, cls: URIRef | None, label: str, source: str | None) -> Iterator[Triple]:
    yield from concept_in(minter, iri, scheme, label)
    if cls is not None:
        yield iri, RDF.type, cls
    yield iri, SKOS.topConceptOf, minter.scheme(scheme)
    yield minter.scheme(scheme), SKOS.hasTopConcept, iri
    if source:
        yield iri, ECCP.sourceLocator, Literal(source)


def eu_membership(iri: URIRef, r: Row) -> Iterator[Triple]:
    """EU membership dates as data (for checks such as "N different EU member states" on a date)."""
    since, until = r["eu_member_from"], r["eu_member_until"]
    if until is not None and since is None:
        raise r.error("eu_member_from", "the date membership began, since eu_member_until is given")
    if until is not None and until <= since:
        raise r.error("eu_member_until", f"a date after eu_member_from ({since.isoformat()})", until.isoformat())
    if since is not None:
        yield iri, ECCP.euMemberFrom, lit(since)
    if until is not None:
        yield iri, ECCP.euMemberUntil, lit(until)
    yield iri, ECCP.euMembershipSource, Literal(r["eu_membership_source"])


def lookups(tables: Tables) -> Lookups:
    """Label and code maps the edition loaders check printed values against."""
    return Lookups(
        ecosystem_by_label={r["label"]: r["ecosystem"] for r in tables.get("ecosystem_labels")}
        | {r["label"]: r["slug"] for r in tables.get("ecosystems")},
        nace_codes=frozenset(r["code"] for r in tables.get("nace_divisions")),
        country_codes=frozenset(r["code"] for r in tables.get("countries")),
        programmes=frozenset(r["slug"] for r in tables.get("programmes")),
        programme_labels={r["slug"]: r["acronym"] or r["label"] for r in tables.get("programmes")},
        programme_names={r["slug"]: frozenset(n for n in (r["label"], r["acronym"]) if n) for r in tables.get("programmes")},
        categories={(r["scheme"], r["slug"]): r["label"] for r in tables.get("policy_categories")},
    )


def load(tables: Tables, schemas: Schemas, minter: Minter) -> Iterator[Triple]:
    """Every code list as SKOS; cross-references between lists are checked (SourceError on a miss)."""
    for key, label in SCHEMES.items():
        yield from concept_scheme(minter, key, label)
    ecosystems = {r["slug"] for r in tables.get("ecosystems")}
    for r in tables.get("ecosystems"):
        iri = minter.ecosystem(r["slug"])
        yield from _concept(minter, iri, "ecosystems", ECCP.IndustrialEcosystem, r["label"], r["source"])
        yield iri, SKOS.notation, Literal(r["code"])
        yield iri, ECCP.position, positive(r["number"])
        if r["alt_label"]:
            yield iri, SKOS.altLabel, en(r["alt_label"])
    preferred = {r["slug"]: r["label"] for r in tables.get("ecosystems")}
    for r in tables.get("ecosystem_labels"):
        if r["ecosystem"] not in ecosystems:
            raise r.error("ecosystem", "an ecosystem slug of codelists/ecosystems.csv", r["ecosystem"])
        if r["label"] != preferred[r["ecosystem"]]:  # every printed variant, findable by label search
            yield minter.ecosystem(r["ecosystem"]), SKOS.altLabel, en(r["label"])
    labels: dict[str, list[str]] = {}
    for r in tables.get("nace_labels"):
        labels.setdefault(r["code"], []).append(r["label"])
    nace = {r["code"] for r in tables.get("nace_divisions")}
    for r in tables.get("nace_labels"):
        if r["code"] not in nace:
            raise r.error("code", "a NACE division of codelists/nace_divisions.csv", r["code"])
    for r in tables.get("nace_divisions"):
        iri = minter.nace(r["code"])
        names = labels.get(r["code"]) or [r["code"]]
        yield from _concept(minter, iri, "nace-divisions", ECCP.NaceDivision, names[0], r["source"])
        yield iri, SKOS.notation, Literal(r["code"])
        for other in names[1:]:
            yield iri, SKOS.altLabel, en(other)
    programmes = {r["slug"] for r in tables.get("programmes")}
    for r in tables.get("programmes"):
        iri = minter.programme(r["slug"])
        yield from _concept(minter, iri, "programmes", ECCP.CooperationProgramme, r["label"], r["source"])
        yield iri, SKOS.notation, Literal(r["acronym"] or r["slug"])
        if r["acronym"]:
            yield iri, SKOS.altLabel, en(r["acronym"])
        if r["parent"]:
            if r["parent"] not in programmes:
                raise r.error("parent", "a programme slug of codelists/programmes.csv", r["parent"])
            yield iri, SKOS.broader, minter.programme(r["parent"])
        if r["funding_period"]:
            period = minter.concept("funding-periods", r["funding_period"])
            yield iri, ECCP.fundingPeriod, period
            yield from _concept(minter, period, "funding-periods", ECCP.FundingPeriod, r["funding_period"], None)
            yield period, SKOS.notation, Literal(r["funding_period"])
            yield period, RDF.type, TIME.ProperInterval
            for prop, value in ((TIME.hasBeginning, r["start_year"]), (TIME.hasEnd, r["end_year"])):
                if value is not None:
                    instant = minter.concept("years", str(value))
                    yield period, prop, instant
                    yield instant, RDF.type, TIME.Instant
                    yield instant, TIME.inXSDgYear, year(value)
                    yield instant, SKOS.prefLabel, en(str(value))
    for r in tables.get("countries"):
        iri = minter.country_iri(r["code"])
        yield from _concept(minter, iri, "countries", ECCP.Country, r["name"], r["source"])
        yield iri, SKOS.notation, Literal(r["code"])
        yield from eu_membership(iri, r)
    seen: dict[tuple[str, str], int] = {}
    for r in tables.get("policy_categories"):
        if (r["scheme"], r["notation"]) in seen:
            raise r.error("notation", f"a notation unique in scheme {r['scheme']} (line {seen[(r['scheme'], r['notation'])]} has it)", r["notation"])
        seen[(r["scheme"], r["notation"])] = r.line
        iri = minter.concept(r["scheme"], r["slug"])
        yield from _concept(minter, iri, r["scheme"], None, r["label"], r["source"])
        yield iri, SKOS.notation, Literal(r["notation"])
    for scheme, columns in ENUM_SCHEMES.items():
        yield from enum_scheme(minter, schemas, scheme, columns)


#: code lists whose codes are the allowed values of schemas.toml enums: scheme -> (table, column) ...
ENUM_SCHEMES: dict[str, tuple[tuple[str, str], ...]] = {
    "policy-levels": (("policies", "level"),),
    "figure-measures": (("policy_figures", "measure"),),
    "figure-qualifiers": (("policy_figures", "qualifier"), ("policy_figures", "split")),
}


def enum_scheme(minter: Minter, schemas: Schemas, scheme: str, columns: tuple[tuple[str, str], ...]) -> Iterator[Triple]:
    """One concept per allowed value, in declared order: notation = the value as the CSV writes it,
    IRI key = the value with '_' as '-' (so the data, the graph and a user's query spell it the same)."""
    values = []
    for table, name in columns:
        spec = schemas.tables.get(table)
        column = next((c for c in spec.columns if c.name == name), None) if spec else None
        values += [v for v in (column.values if column else ()) if v not in values]
    for position, value in enumerate(values, 1):
        iri = minter.concept(scheme, value.replace("_", "-"))
        yield from _concept(minter, iri, scheme, None, value.replace("_", " "), None)
        yield iri, SKOS.notation, Literal(value)
        yield iri, ECCP.position, positive(position)
