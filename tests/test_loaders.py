"""Loaders, good input: the triples the factsheet states, minted from natural keys, for whichever country
and edition the data says. Bad input (file, line, column and the expected form): test_loaders_bad_cells.py
(cells, references, figures) and test_loaders_bad_files.py (CSV files, factsheet.toml, the factsheet text, schemas).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from eccp_kg import loaders
from eccp_kg.data import PATH as DATA
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.namespaces import ECCP, PROV, RDF, RDFS, SDMX_DIMENSION, SKOS, XSD
from eccp_kg.loaders.tables import load_schemas
from tests.loading import BASE, edit
from tests.loading import data  # noqa: F401  (fixtures)


# ---------------------------------------------------------------- good input


@pytest.fixture(scope="module")
def italy() -> Graph:
    return loaders.load_edition(next(e for e in loaders.discover_editions() if e.country == "IT"), Minter(BASE))


def test_every_declared_edition_table_is_present() -> None:
    schemas = load_schemas(DATA / "schemas.toml")
    edition = next(e for e in loaders.discover_editions() if e.country == "IT")
    missing = [t.file for t in schemas.scoped("edition") if not (edition.path / t.file).is_file()]
    assert missing == []
    missing = [t.file for t in schemas.scoped("codelist") if not (DATA / "codelists" / t.file).is_file()]
    assert missing == []


def test_every_edition_statement_is_derived_from_the_factsheet(italy: Graph) -> None:
    factsheet = URIRef(BASE + "id/factsheet/it/2023")
    assert (factsheet, RDF.type, ECCP.Factsheet) in italy
    scoped = {s for s in italy.subjects() if isinstance(s, URIRef) and s.startswith(BASE + "id/it/2023/")}
    assert len(scoped) > 500
    assert [s for s in scoped if (s, PROV.wasDerivedFrom, factsheet) not in italy] == []
    assert [s for s in scoped if italy.value(s, ECCP.sourceLocator) is None] == []


def test_lombardy_top_five_in_rank_order(italy: Graph) -> None:
    lombardy = URIRef(BASE + "id/nuts/ITC4")
    rows = italy.query(
        "SELECT ?rank ?nace WHERE { ?o a eccp:SectoralAgglomeration ; sdmx-dimension:refArea ?r ;"
        " eccp:rank ?rank ; eccp:naceDivision ?nace } ORDER BY ?rank",
        initBindings={"r": lombardy},
    )
    assert [(int(r), str(n).rsplit("/", 1)[1]) for r, n in rows] == [
        (1, "T97"), (2, "C14"), (3, "M74"), (4, "M69"), (5, "C28")]


def test_stated_counts_are_kept_next_to_listed_items(italy: Graph) -> None:
    sardinia = URIRef(BASE + "id/it/2023/observation/sectoral-agglomeration-counts/itg2")
    assert italy.value(sardinia, ECCP.agglomerationCount) == Literal(4, datatype=XSD.nonNegativeInteger)
    listed = list(italy.subjects(SDMX_DIMENSION.refArea, URIRef(BASE + "id/nuts/ITG2")))
    ranked = [o for o in listed if (o, RDF.type, ECCP.SectoralAgglomeration) in italy]
    assert len(ranked) == 3
    total = URIRef(BASE + "id/it/2023/observation/sectoral-agglomeration-counts/total")
    assert int(italy.value(total, ECCP.agglomerationCount)) == 94



def test_partner_list_keeps_order_and_duplicates(italy: Graph) -> None:
    innosup = URIRef(BASE + "id/it/2023/participation/innosup-1")
    items = sorted((int(italy.value(i, ECCP.position)), str(italy.value(i, ECCP.printedAs)))
                   for i in italy.objects(innosup, ECCP.listedItem))
    assert len(items) == 22 and int(italy.value(innosup, ECCP.statedItemCount)) == 22
    assert [p for p, code in items if code == "EL"] == [13, 15]
    escp = URIRef(BASE + "id/it/2023/participation/escp")
    assert int(italy.value(escp, ECCP.statedItemCount)) == 2
    assert len(list(italy.objects(escp, ECCP.listedItem))) == 22


def test_programme_figures_and_employment_are_observations(italy: Graph) -> None:
    rows = italy.query(
        "SELECT ?programme ?measure ?value WHERE { ?o qb:dataSet ?ds ; eccp:programme ?programme ;"
        " qb:measureType ?measure ; ?measure ?value . ?ds qb:structure eccp:ProgrammeFigureStructure }")
    figures = {(str(p).rsplit("/", 1)[1], str(m).rsplit("#", 1)[1]): int(v) for p, m, v in rows}
    assert figures[("escp", "consortiumCount")] == 69
    assert figures[("escp", "partnerCountryCount")] == 2
    assert figures[("innosup-1", "partnerCountryCount")] == 22
    assert figures[("euroclusters", "partnershipCount")] == 18
    assert len(figures) == 10
    ranks = italy.query(
        "SELECT ?eco ?rank WHERE { ?o qb:measureType eccp:employmentRank ; eccp:employmentRank ?rank ;"
        " eccp:ecosystem ?eco } ORDER BY ?rank")
    assert [str(e).rsplit("/", 1)[1] for e, _ in ranks] == ["retail", "proximity-social-economy-and-civil-security", "construction"]


def test_technology_clusters_and_member_counts(italy: Graph) -> None:
    clusters = set(italy.subjects(RDF.type, ECCP.TechnologyCluster))
    assert len(clusters) == 21
    counts = {str(italy.value(italy.value(o, ECCP.technologyCluster), RDFS.label)): int(italy.value(o, ECCP.memberCount))
              for o in italy.subjects(ECCP.memberCount, None)}
    assert len(counts) == 9 and counts["Lombardy Energy Cleantech Cluster"] == 140


def test_policy_years_and_categories(italy: Graph) -> None:
    national = URIRef(BASE + "id/it/2023/policy/cluster-tecnologici-nazionali-national-technology-clusters")
    assert italy.value(national, ECCP.startingYear) == Literal("2013", datatype=XSD.gYear)
    assert len(list(italy.objects(national, ECCP.hasObjective))) == 14
    assert italy.value(national, ECCP.endingYear) is None  # printed '-'


def test_loading_twice_gives_the_same_triples() -> None:
    edition = next(e for e in loaders.discover_editions() if e.country == "IT")
    first = loaders.load_edition(edition, Minter(BASE))
    second = loaders.load_edition(edition, Minter(BASE))
    assert set(first) == set(second)


def test_country_and_edition_come_from_the_data(data: Path) -> None:
    """Filed as another country and edition, the same tables mint nothing under id/it/2023."""
    (data / "mt").mkdir()
    shutil.move(str(data / "it/2023"), str(data / "mt/2099"))
    shutil.rmtree(data / "it")
    toml = data / "mt/2099/factsheet.toml"
    edit(toml, 2, '"IT"', '"MT"')
    line = next(i for i, t in enumerate(toml.read_text(encoding="utf-8").split("\n"), 1) if t.startswith("edition"))
    edit(toml, line, '"2023"', '"2099"')
    (edition,) = loaders.discover_editions(data)
    assert (edition.country, edition.edition) == ("MT", "2099")
    graph = loaders.load_edition(edition, Minter(BASE))
    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    assert not [i for i in iris if "/id/it/" in i or "/factsheet/it/" in i]
    assert BASE + "id/factsheet/mt/2099" in iris
    assert any(i.startswith(BASE + "id/mt/2099/observation/") for i in iris)


def test_every_minted_iri_is_under_the_configured_base(italy: Graph) -> None:
    minted = {str(t) for triple in italy for t in triple
              if isinstance(t, URIRef) and "/id/" in str(t) and "w3id.org/eccp-kg/ontology" not in str(t)}
    assert minted and all(i.startswith(BASE) for i in minted)


def test_code_lists_are_skos(data: Path) -> None:
    graph = loaders.load_codelists(data, Minter(BASE))
    ecosystems = set(graph.subjects(RDF.type, ECCP.IndustrialEcosystem))
    assert len(ecosystems) == 14
    assert all((e, SKOS.inScheme, URIRef(BASE + "id/scheme/ecosystems")) in graph for e in ecosystems)
    assert (URIRef(BASE + "id/programme/escp-4i"), SKOS.broader, URIRef(BASE + "id/programme/escp")) in graph
