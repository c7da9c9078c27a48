"""SHACL shapes: every node shape fires, with its severity, on a failing example; the real data has
no violations and exactly the source contradictions the factsheet contains, as warnings.

The failing examples are small edits of the real Italy 2023 graph, each on a different focus node,
so one pyshacl run checks them all (validation takes seconds; one run per shape would take minutes
on a shared machine). Each case asserts a result for *its* focus node from *its* shape.

pyshacl is the reference engine here; the build's default engine (oxigraph: SHACL as SPARQL over
pyoxigraph) and pyshacl-turbo must give the same report, real data and failing examples alike (the last tests)."""
from __future__ import annotations

import functools
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from eccp_kg import loaders
from eccp_kg.data import PATH as DATA
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.validate import DEFAULT_ENGINE, ENGINES, engine_validate, findings_of
from eccp_kg.loaders.links import load_links
from eccp_kg.graph.namespaces import DCTERMS, ECCP, ECCPSH, NUTS, PROV, QB, RDF, RDFS, SCHEMA, SH, SKOS, TIME, VOID, XSD
from eccp_kg.ontology import PATH as ONTOLOGY
from eccp_kg.shapes import PATH as SHAPES
from tests.prepared_sparql import prepared_queries

M = Minter.default()
IT = M.for_edition("IT", "2023")
NATIONAL = IT.stated("policy", "cluster-tecnologici-nazionali-national-technology-clusters")
LOMBARDY = IT.stated("policy", "regional-technology-clusters-lombardy")


def figure(policy: URIRef, key: str) -> URIRef:
    """A printed figure of a Table 3 policy (policy_figures.csv)."""
    return URIRef(f"{policy}/figure/{key}")


@functools.cache
def shapes_graph() -> Graph:
    """Parsed once: results name blank property shapes by the node ids of this very graph."""
    graph = Graph()
    for path in sorted(Path(SHAPES).glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def ontology_graph() -> Graph:
    graph = Graph()
    for path in sorted(Path(ONTOLOGY).glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def real_data() -> Graph:
    """What the build validates: every edition, the code lists and the link sets (the ontology goes in ont_graph)."""
    graph = loaders.load_codelists(None, M)
    for edition in loaders.discover_editions():
        graph += loaders.load_edition(edition, M)
    graph += load_links(DATA, M)
    return graph


def run(data: Graph, inference: str = "none", engine: str = "pyshacl") -> Graph:
    with prepared_queries():  # pyshacl's per-focus-node queries parsed once each (tests/prepared_sparql.py)
        return engine_validate(engine)(data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(),
                                       inference=inference, advanced=True, allow_warnings=True)[1]


def first(graph: Graph, cls: URIRef) -> URIRef:
    return sorted(s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef))[0]


def nth(graph: Graph, cls: URIRef, n: int) -> URIRef:
    return sorted(s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef))[n]


def drop(graph: Graph, s: Node, p: URIRef) -> Node:
    graph.remove((s, p, None))
    return s


def put(graph: Graph, s: Node, p: URIRef, o: Node) -> Node:
    graph.set((s, p, o))
    return s


@dataclass(frozen=True)
class Case:
    shape: str  # local name of the node shape under test
    severity: URIRef
    mutate: Callable[[Graph], Node]  # breaks the graph, returns the focus node that must be reported
    value: Node | None = None  # the sh:value the result must name, where the focus node fires anyway
    path: URIRef | None = None  # the sh:resultPath it must name, where two cases share a focus node


V, W = SH.Violation, SH.Warning
CASES = [
    Case("FactsheetShape", V, lambda g: drop(g, IT.factsheet(), DCTERMS.title)),
    Case("ReferenceShape", V, lambda g: drop(g, IT.stated("reference", "1"), DCTERMS.bibliographicCitation)),
    Case("FootnoteShape", V, lambda g: drop(g, IT.stated("footnote", "1"), ECCP.text)),
    Case("ExhibitShape", V, lambda g: drop(g, first(g, ECCP.Exhibit), DCTERMS.isPartOf)),
    Case("ConceptSchemeShape", V, lambda g: drop(g, M.scheme("units"), SKOS.prefLabel)),
    Case("ConceptShape", V, lambda g: drop(g, M.concept("units", "percent"), SKOS.inScheme)),
    Case("ConceptShape", V, lambda g: drop(g, M.concept("member-types", "smes"), SKOS.notation), path=SKOS.notation),
    # two concepts of one code list with one notation (SPARQL constraint): both are reported
    Case("ConceptShape", V, lambda g: put(g, M.concept("beneficiary-types", "start-ups"), SKOS.notation, Literal("smes")),
         value=Literal("smes")),
    Case("IndustrialEcosystemShape", V, lambda g: put(g, M.ecosystem("textile"), SKOS.notation, Literal("13"))),
    Case("NaceDivisionShape", V, lambda g: put(g, M.nace("C14"), SKOS.notation, Literal("C1"))),
    Case("CountryShape", V, lambda g: put(g, M.country_iri("EL"), SKOS.notation, Literal("GRC"))),
    Case("NutsRegionShape", V, lambda g: put(g, M.nuts("ITC1"), SKOS.notation, Literal("it-c1"))),
    Case("LocationShape", V, lambda g: drop(g, M.country_iri("EU"), SKOS.prefLabel)),
    Case("CooperationProgrammeShape", V, lambda g: put(g, M.programme("innosup-1"), SKOS.broader, M.country_iri("EL"))),
    Case("FundingPeriodShape", V, lambda g: drop(g, M.concept("funding-periods", "2021-2027"), TIME.hasEnd)),
    Case("ContextStatementShape", V, lambda g: put(g, IT.stated("statement", "employment", "retail"), ECCP.ecosystem,
                                                   M.ecosystem("space"))),
    Case("ProperIntervalShape", V, lambda g: drop(g, first(g, TIME.ProperInterval), TIME.hasBeginning)),
    Case("InstantShape", V, lambda g: put(g, first(g, TIME.Instant), TIME.inXSDgYear, Literal("2013"))),
    Case("DataSetShape", V, lambda g: drop(g, IT.stated("dataset", "member-composition"), QB.structure)),
    # rank out of 1..5
    Case("ObservationShape", V, lambda g: put(g, IT.stated("observation", "sectoral-agglomerations", "itc2", "1"),
                                              ECCP.rank, Literal(7, datatype=XSD.positiveInteger))),
    # missing provenance link to the factsheet
    Case("ObservationShape", V, lambda g: drop(g, IT.stated("observation", "sectoral-agglomerations", "itc3", "1"),
                                               PROV.wasDerivedFrom)),
    # a component of the structure without a value (SPARQL constraint)
    Case("ObservationShape", V, lambda g: drop(g, IT.stated("observation", "ecosystem-cluster-organisations", "health"),
                                               ECCP.clusterOrganisationCount)),
    # a measure-dimension observation without the value its qb:measureType names
    Case("ObservationShape", V, lambda g: drop(g, IT.stated("observation", "programme-figures", "escp", "consortia"),
                                               ECCP.consortiumCount)),
    # a qb:measureType that is not a measure of the structure
    Case("ObservationShape", V, lambda g: put(g, IT.stated("observation", "employment-comparison", "retail", "employment-rank"),
                                              QB.measureType, ECCP.rank)),
    # unknown code-list concept
    Case("SectoralAgglomerationShape", V, lambda g: put(g, IT.stated("observation", "sectoral-agglomerations", "itc1", "2"),
                                                        ECCP.naceDivision, M.nace("Z99"))),
    Case("EcosystemAgglomerationShape", V, lambda g: put(g, IT.stated("observation", "ecosystem-agglomerations", "itc1", "1"),
                                                         ECCP.ecosystem, M.ecosystem("space"))),
    Case("ClusterOrganisationShape", V, lambda g: drop(g, M.organisation("IT", "Aerospace"), RDFS.label)),
    Case("OrganisationShape", V, lambda g: drop(g, M.organisation("IT", "miur"), RDFS.label)),
    Case("OrganisationShape", V, lambda g: put(g, M.organisation("IT", "regione-lombardia"), ECCP.country, M.nuts("ITC4")),
         path=ECCP.country),
    # an organisation that says only that it is one (SPARQL constraint)
    Case("OrganisationShape", V, lambda g: g.remove((M.organisation("IT", "universita-statale-di-milano"), RDF.type, ECCP.University))
         and M.organisation("IT", "universita-statale-di-milano")),
    # words the paragraph does not print (SPARQL constraint)
    Case("MentionShape", V, lambda g: put(g, nth(g, ECCP.Mention, 0), ECCP.printedAs, Literal("Ministry of Magic")),
         value=Literal("Ministry of Magic")),
    Case("MentionShape", V, lambda g: drop(g, nth(g, ECCP.Mention, 1), ECCP.mentionOf), path=ECCP.mentionOf),
    # a mention of a thing the graph does not describe (SPARQL constraint)
    Case("MentionShape", V, lambda g: put(g, nth(g, ECCP.Mention, 2), ECCP.mentionOf, M.organisation("IT", "nobody")),
         value=M.organisation("IT", "nobody")),
    Case("TechnologyClusterShape", V, lambda g: drop(g, M.organisation("IT", "Agrifood"), ECCP.recognisedUnder)),
    Case("EuroclusterShape", V, lambda g: put(g, M.eurocluster("EPICENTRE"), ECCP.coversEcosystem, M.ecosystem("space"))),
    Case("ProgrammeParticipationShape", V, lambda g: drop(g, IT.stated("participation", "euroclusters"), ECCP.programme)),
    Case("StatedListShape", V, lambda g: drop(g, IT.stated("list", "euroclusters"), RDFS.label)),
    # two items at one position (SPARQL constraint)
    Case("ListOwnerShape", V, lambda g: put(g, IT.stated("list", "pnrr-cluster-areas", "item", "2"), ECCP.position,
                                            Literal(1, datatype=XSD.positiveInteger)) and IT.stated("list", "pnrr-cluster-areas")),
    Case("ListedItemShape", V, lambda g: put(g, IT.stated("list", "national-op-fields", "item", "1"), ECCP.printedAs,
                                             Literal(3))),
    Case("ClusterPolicyShape", V, lambda g: put(g, NATIONAL, ECCP.hasObjective, M.concept("policy-objectives", "world-peace")),
         path=ECCP.hasObjective),
    Case("ClusterPolicyShape", V, lambda g: drop(g, NATIONAL, ECCP.sourceLocator), path=ECCP.sourceLocator),
    Case("StatementShape", V, lambda g: drop(g, first(g, ECCP.ContextStatement), ECCP.text)),
    Case("PolicyStatementShape", V, lambda g: drop(g, first(g, ECCP.PolicyStatement), ECCP.aboutPolicy)),
    Case("ClusterPolicyContributionShape", V, lambda g: drop(g, first(g, ECCP.ClusterPolicyContribution), ECCP.policyArea)),
    Case("PolicyDocumentShape", V, lambda g: put(g, first(g, ECCP.PolicyDocument), ECCP.mentionsClusters, Literal("yes"))),
    Case("AssessmentCriterionShape", V, lambda g: drop(g, first(g, ECCP.AssessmentCriterion), SKOS.definition)),
    Case("AssessmentLevelShape", V, lambda g: drop(g, first(g, ECCP.AssessmentLevel), ECCP.levelOrder)),
    # the level of another criterion (SPARQL constraint)
    Case("CriterionAssessmentShape", V, lambda g: put(g, IT.stated("assessment", "continuity"), ECCP.level,
                                                      M.concept("state-of-play-levels", "policy-scope-1"))),
    Case("SemesterChallengeShape", V, lambda g: drop(g, first(g, ECCP.SemesterChallenge), ECCP.policyArea)),
    Case("LinksetShape", V, lambda g: drop(g, first(g, VOID.Linkset), VOID.linkPredicate)),
    # a region link of the wrong form (lower case): reported on the link set, naming the link
    # (not the country link set: LinksetShape's case above breaks the first link set, which is that one)
    Case("LinkTargetShape", V, lambda g: g.add((M.nuts("ITC2"), SKOS.exactMatch, NUTS["itc2"]))
         and M.dataset("linkset", "nuts"), value=NUTS["itc2"]),
    # a link into no authority the project links to
    Case("LinkInLinksetShape", V, lambda g: g.add((M.nuts("ITC1"), SKOS.exactMatch, URIRef("http://example.org/nuts/ITC1")))
         and M.nuts("ITC1")),
    # a region the data uses without its NUTS link
    Case("LinkedShape", W, lambda g: g.remove((M.nuts("ITC3"), SKOS.exactMatch, NUTS["ITC3"])) and M.nuts("ITC3"),
         value=M.dataset("linkset", "nuts")),
    Case("LinkedShape", W, lambda g: g.remove((M.nace("C14"), SKOS.broadMatch, None)) and M.nace("C14"),
         value=M.dataset("linkset", "nace-section")),
    # source contradictions
    Case("StatedCountVersusListedShape", W, lambda g: put(g, IT.stated("observation", "sectoral-agglomeration-counts", "itc3"),
                                                          ECCP.agglomerationCount, Literal(3, datatype=XSD.nonNegativeInteger))),
    Case("StatedTotalVersusSumShape", W, lambda g: put(g, IT.stated("observation", "ecosystem-agglomeration-counts", "total"),
                                                       ECCP.agglomerationCount, Literal(20, datatype=XSD.nonNegativeInteger))),
    Case("StatedItemCountShape", W, lambda g: put(g, IT.stated("list", "euroclusters"), ECCP.statedItemCount,
                                                  Literal(17, datatype=XSD.nonNegativeInteger))),
    Case("ListedTwiceShape", W, lambda g: put(g, IT.stated("participation", "euroclusters", "partner", "2"), ECCP.item,
                                              M.country_iri("SK")) and IT.stated("participation", "euroclusters")),
    Case("SharesOverHundredShape", W, lambda g: put(g, IT.stated("observation", "member-composition", "EU", "smes"),
                                                    ECCP.share, Literal("90", datatype=XSD.decimal))
         and IT.stated("dataset", "member-composition"), value=M.country_iri("EU")),
    # "from 22 different EU member states" next to INNOSUP-1's list: 21 different countries, 17 of them members
    Case("StatedMemberStatesShape", W, lambda g: put(g, IT.stated("participation", "innosup-1"), ECCP.statedMemberStateCount,
                                                     Literal(22, datatype=XSD.nonNegativeInteger))),
    Case("PrintedFigureShape", V, lambda g: drop(g, figure(NATIONAL, "starting-year"), ECCP.statedIn)),
    Case("PrintedFigureShape", V, lambda g: put(g, figure(NATIONAL, "history-round-1-year"), SCHEMA.value, Literal("2013"))),
    Case("MonetaryAmountShape", V, lambda g: drop(g, figure(NATIONAL, "budget-total"), SCHEMA.currency)),
    # EUR 50.000 each of EUR 500.000, if the count were the nine clusters: 500000 / 9 != 50000 (all exact)
    Case("PerItemAmountShape", W, lambda g: put(g, figure(LOMBARDY, "instruments-per-project"), ECCP.itemCount,
                                                figure(LOMBARDY, "history-ltcs"))),
    # "Eight of the 12 ... a further 5" would add up to 13
    Case("PartsVersusWholeShape", W, lambda g: put(g, figure(NATIONAL, "history-round-2-clusters"), SCHEMA.value,
                                                   Literal(5, datatype=XSD.integer)) and figure(NATIONAL, "history-clusters")),
    # "ten technology clusters" next to the nine listed
    Case("FigureVersusListedShape", W, lambda g: put(g, figure(LOMBARDY, "focus-clusters"), SCHEMA.value,
                                                     Literal(10, datatype=XSD.integer)), value=LOMBARDY),
    Case("ProgrammePartsShape", W, lambda g: put(g, IT.stated("participation", "escp-4x"), ECCP.partnershipCount,
                                                 Literal(20, datatype=XSD.nonNegativeInteger)) and IT.stated("participation", "escp")),
]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shapes_graph()


@pytest.fixture(scope="module")
def clean_report() -> Graph:
    return run(real_data())


@pytest.fixture(scope="module")
def broken_data() -> tuple[Graph, list[Node]]:
    data = real_data()
    focus = [case.mutate(data) for case in CASES]
    return data, focus


@pytest.fixture(scope="module")
def broken(broken_data: tuple[Graph, list[Node]]) -> tuple[Graph, list[Node]]:
    data, focus = broken_data
    return run(data), focus


def results(report: Graph, focus: Node | None = None, severity: URIRef | None = None,
            value: Node | None = None) -> list[Node]:
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if value is not None and report.value(result, SH.value) != value:
            continue
        if focus is not None and report.value(result, SH.focusNode) != focus:
            continue
        if severity is not None and report.value(result, SH.resultSeverity) != severity:
            continue
        found.append(result)
    return found


def belongs_to(shapes: Graph, source: Node, node_shape: URIRef) -> bool:
    """Whether a result's sh:sourceShape is the node shape or one of its property shapes."""
    return source == node_shape or (node_shape, SH.property, source) in shapes


def test_every_class_the_data_uses_has_its_own_node_shape(shapes: Graph) -> None:
    used = {o for o in real_data().objects(None, RDF.type)}
    targeted = set(shapes.objects(None, SH.targetClass))
    assert sorted(used - targeted) == []


def test_every_node_shape_has_a_failing_example(shapes: Graph) -> None:
    declared = {s for s in shapes.subjects(RDF.type, SH.NodeShape)}
    covered = {ECCPSH[case.shape] for case in CASES}
    assert declared - covered == set()
    assert covered - declared == set()


@pytest.mark.parametrize("index", range(len(CASES)), ids=[f"{c.shape}-{i}" for i, c in enumerate(CASES)])
def test_shape_fires_on_its_failing_example(index: int, broken: tuple[Graph, list[Node]], shapes: Graph,
                                            clean_report: Graph) -> None:
    case = CASES[index]
    report, focus = broken
    node_shape = ECCPSH[case.shape]
    assert (node_shape, RDF.type, SH.NodeShape) in shapes
    mine = [r for r in results(report, focus[index], case.severity, case.value)
            if belongs_to(shapes, report.value(r, SH.sourceShape), node_shape)
            and (case.path is None or report.value(r, SH.resultPath) == case.path)]
    assert mine, f"{case.shape} did not report {focus[index]} as {case.severity}"
    # and it did not fire there before the edit
    before = [r for r in results(clean_report, focus[index], case.severity, case.value)
              if belongs_to(shapes, clean_report.value(r, SH.sourceShape), node_shape)]
    assert before == []
    assert all(str(report.value(r, SH.resultMessage) or "") for r in mine)


def test_real_data_has_no_violations(clean_report: Graph) -> None:
    violations = results(clean_report, severity=SH.Violation)
    shown = [(str(clean_report.value(r, SH.focusNode)), str(clean_report.value(r, SH.resultMessage))) for r in violations]
    assert shown == []


def test_real_data_warnings_are_the_factsheet_contradictions(clean_report: Graph) -> None:
    warnings = {(clean_report.value(r, SH.focusNode), str(clean_report.value(r, SH.resultMessage)))
                for r in results(clean_report, severity=SH.Warning)}
    focus = {f for f, _ in warnings}
    assert focus == {
        IT.stated("observation", "sectoral-agglomeration-counts", "itg2"),  # Sardinia: 4 stated, 3 listed
        IT.stated("observation", "ecosystem-agglomeration-counts", "itf3"),  # Campania: 0 stated, Textile listed
        IT.stated("participation", "escp"),  # "2 different EU member states", 22 codes
        IT.stated("participation", "innosup-1"),  # EL listed twice
        IT.stated("dataset", "member-composition"),  # 87 + 8 + 9 = 104 %
        figure(NATIONAL, "instruments-per-cluster"),  # about EUR 40 million per cluster, EUR 310 million / 12
    }
    messages = " ".join(m for _, m in warnings)
    for words in ("Sardinia", "is 4 but the table lists 3", "Campania", "states 2 items but 22", "EL is listed twice",
                  "104", "states 22 items but 22 are printed (21 distinct, 1 repeated)",
                  "states 2 different EU member states, but the 22 different countries it lists include 19 EU members on 2023-12-21",
                  "'About EUR 40 million per technology cluster' (Table 3, INSTRUMENTS, National cluster policy column, "
                  "Explanation) is 40000000 per item, but", "= 310000000 divided by", "= 12 gives 25833333."):
        assert words in messages
    escp = [m for f, m in warnings if f == IT.stated("participation", "escp") and "member states" in m]
    assert len(escp) == 1 and sorted(escp[0].split("not members then: ")[1].rstrip(").").split(", ")) == ["RS", "TR", "UK"]


def test_eu_membership_is_taken_on_the_date_of_the_data() -> None:
    """The ESCP list checked as if the data were extracted before Brexit: the UK counts as a member then."""
    full = real_data()
    data = loaders.load_codelists(None, M)
    escp = IT.stated("participation", "escp")
    for triple in full.triples((escp, None, None)):
        data.add(triple)
    for item in full.objects(escp, ECCP.listedItem):
        data += full.triples((item, None, None))
    data.add((IT.factsheet(), RDF.type, ECCP.Factsheet))
    data.add((IT.factsheet(), ECCP.extractionDate, Literal("2020-01-31", datatype=XSD.date)))
    report = run(data)
    messages = [str(report.value(r, SH.resultMessage)) for r in results(report, escp, SH.Warning)
                if report.value(r, SH.sourceShape) == ECCPSH.StatedMemberStatesShape
                or (ECCPSH.StatedMemberStatesShape, SH.sparql, report.value(r, SH.sourceShape)) in shapes_graph()]
    assert len(messages) == 1 and "include 20 EU members on 2020-01-31 (not members then: " in messages[0]
    assert "UK" not in messages[0].split("not members then: ")[1]


def test_rdfs_inference_changes_nothing(clean_report: Graph) -> None:
    """The build may validate with inference 'rdfs': the entailed types raise no new finding."""
    inferred = run(real_data(), "rdfs")
    assert results(inferred, severity=SH.Violation) == []
    warned = {inferred.value(r, SH.focusNode) for r in results(inferred, severity=SH.Warning)}
    assert warned == {clean_report.value(r, SH.focusNode) for r in results(clean_report, severity=SH.Warning)}


def test_a_second_edition_adds_its_own_warnings_and_no_violation(tmp_path: Path, clean_report: Graph) -> None:
    """Shared things (Euroclusters, regions, clusters) listed by two editions are not contradictions:
    a copy of it/2023 filed as it/2099 gives each warning once per edition and nothing else."""
    data_dir = tmp_path / "data"
    shutil.copytree(DATA, data_dir, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    shutil.copytree(data_dir / "it/2023", data_dir / "it/2099")
    toml = data_dir / "it/2099/factsheet.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('edition = "2023"', 'edition = "2099"'), encoding="utf-8")
    graph = loaders.load_codelists(data_dir, M)
    editions = loaders.discover_editions(data_dir)
    assert [(e.country, e.edition) for e in editions] == [("IT", "2023"), ("IT", "2099")]
    for edition in editions:
        graph += loaders.load_edition(edition, M)
    report = run(graph)
    assert [str(report.value(r, SH.resultMessage)) for r in results(report, severity=SH.Violation)] == []
    later = M.for_edition("IT", "2099")
    expected = {clean_report.value(r, SH.focusNode) for r in results(clean_report, severity=SH.Warning)}
    expected |= {URIRef(str(f).replace("/id/it/2023/", "/id/it/2099/")) for f in expected}
    assert {report.value(r, SH.focusNode) for r in results(report, severity=SH.Warning)} == expected
    assert later.stated("participation", "innosup-1") in expected


def test_pyshacl_is_the_reference_and_not_the_default() -> None:
    assert ENGINES == ("oxigraph", "turbo", "pyshacl") and DEFAULT_ENGINE == "oxigraph"
    with pytest.raises(ValueError, match="--shacl-engine: expected one of oxigraph, turbo, pyshacl, got 'jena'"):
        engine_validate("jena")


@pytest.mark.parametrize("engine", [e for e in ENGINES if e != "pyshacl"])
def test_fast_engine_gives_the_reference_report_on_real_data(engine: str, clean_report: Graph) -> None:
    fast = run(real_data(), engine=engine)
    assert findings_of(fast) == findings_of(clean_report)
    assert isomorphic(fast, clean_report)


@pytest.mark.parametrize("engine", [e for e in ENGINES if e != "pyshacl"])
def test_fast_engine_gives_the_reference_report_on_every_failing_example(
        engine: str, broken_data: tuple[Graph, list[Node]], broken: tuple[Graph, list[Node]]) -> None:
    """Every negative example at once: the same results, messages, values and shapes, and the same graph."""
    data, _focus = broken_data
    reference, _ = broken
    fast = run(data, engine=engine)
    assert len(findings_of(reference)) > len(CASES)  # each case fired (asserted one by one above)
    assert findings_of(fast) == findings_of(reference)
    assert isomorphic(fast, reference)
