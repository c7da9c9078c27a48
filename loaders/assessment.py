"""Section 4.1, Table 4 and the Annex: the state-of-play framework and the country's assessment.

Criteria and levels are SKOS concepts (eccp:AssessmentCriterion, eccp:AssessmentLevel) with the
Annex wording as preferred label and description; the wording Table 4 prints for a level is kept
as skos:altLabel. The level Table 4 marks as the country's is an eccp:CriterionAssessment."""
from __future__ import annotations

from typing import Iterator

from rdflib import Literal, URIRef

from ..graph.namespaces import ECCP, RDFS, SKOS
from .common import Context, Triple, concept_in, concept_scheme, en, positive
from .tables import Tables

CRITERIA, LEVELS = "state-of-play-criteria", "state-of-play-levels"


def criterion_iri(ctx: Context, criterion: str) -> URIRef:
    """A criterion is a concept shared by every factsheet scored on the same framework."""
    return ctx.minter.concept(CRITERIA, criterion)


def level_iri(ctx: Context, criterion: str, position: int) -> URIRef:
    """A level is keyed by its criterion and its printed order (1 = lowest), as in the Annex."""
    return ctx.minter.concept(LEVELS, f"{criterion}-{position}")


def load(tables: Tables, ctx: Context) -> Iterator[Triple]:
    """The framework (Annex), the country's level per criterion (Table 4) and the section 4.1 texts."""
    criteria = {row["criterion"] for row in tables.get("framework_criteria")}
    if criteria:
        for key, label in ((CRITERIA, "State-of-play criteria"), (LEVELS, "State-of-play levels")):
            yield from concept_scheme(ctx.minter, key, label)
    for row in tables.get("framework_criteria"):
        iri = criterion_iri(ctx, row["criterion"])
        yield from ctx.typed(iri, ECCP.AssessmentCriterion, row)
        yield from concept_in(ctx.minter, iri, CRITERIA, row["label"])
        yield iri, SKOS.definition, en(row["description"])
        yield iri, SKOS.notation, Literal(row["criterion"])
        yield iri, ECCP.position, positive(row["position"])
    for row in tables.get("framework_levels"):
        if row["criterion"] not in criteria:
            raise row.error("criterion", "a criterion of framework_criteria.csv", row["criterion"])
        iri = level_iri(ctx, row["criterion"], row["position"])
        yield from ctx.typed(iri, ECCP.AssessmentLevel, row)
        yield from concept_in(ctx.minter, iri, LEVELS, row["label"])
        yield iri, ECCP.criterion, criterion_iri(ctx, row["criterion"])
        yield iri, ECCP.levelOrder, positive(row["position"])
        yield iri, SKOS.notation, Literal(f"{row['criterion']}-{row['position']}")
    for row in tables.get("state_of_play"):
        if row["criterion"] not in criteria:
            raise row.error("criterion", "a criterion of framework_criteria.csv", row["criterion"])
        level = level_iri(ctx, row["criterion"], row["position"])
        yield level, SKOS.altLabel, en(row["level_label"])
        yield criterion_iri(ctx, row["criterion"]), SKOS.altLabel, en(row["criterion_label"])
        if row["selected"]:
            iri = ctx.minter.stated("assessment", row["criterion"])
            yield from ctx.typed(iri, ECCP.CriterionAssessment, row)
            yield iri, RDFS.label, en(f"{ctx.edition.meta.get('country_name', ctx.edition.country)}: {row['criterion_label']}")
            yield iri, ECCP.criterion, criterion_iri(ctx, row["criterion"])
            yield iri, ECCP.level, level
            yield iri, ECCP.country, ctx.country
            yield iri, ECCP.printedAs, Literal(row["level_label"])
    for row in tables.get("state_of_play_assessments"):
        iri = ctx.minter.stated("statement", "state-of-play", row["criterion"], str(row["position"]))
        yield from ctx.typed(iri, ECCP.ContextStatement, row)
        yield iri, ECCP.section, Literal(row["heading"])
        yield iri, ECCP.position, positive(row["position"])
        yield iri, ECCP.text, Literal(row["text"])
        if row["criterion"] in criteria:
            yield iri, ECCP.criterion, criterion_iri(ctx, row["criterion"])
