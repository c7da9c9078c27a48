"""Loaders, organisations and mentions (loaders/mentions.py): what a row becomes, and every way a row can be
wrong stopping the load with file, line and column."""
from __future__ import annotations

import csv
from pathlib import Path

from rdflib import Literal

from eccp_kg.data import PATH as DATA
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.namespaces import DCTERMS, ECCP, ORG, RDF, SKOS
from eccp_kg.loaders.mentions import TEXTS
from tests.loading import BASE, EDITION, edit, load, raises
from tests.loading import data  # noqa: F401  (fixtures)

M = Minter(BASE).for_edition("IT", "2023")
MENTIONS = EDITION + "mentions.csv"


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / "it" / "2023" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# ---------------------------------------------------------------- what the rows become


def test_organisations_are_typed_as_stated(data: Path) -> None:
    graph = load(data)
    kinds = {"public_authority": ECCP.PublicAuthority, "university": ECCP.University}
    for row in rows("organisations.csv"):
        iri = M.organisation("IT", row["key"])
        assert {ORG.Organization, kinds[row["kind"]]} <= set(graph.objects(iri, RDF.type)), row["key"]
        assert str(graph.value(iri, SKOS.prefLabel)) == row["name"]
        assert (iri, ECCP.country, M.country_iri("IT")) in graph
        assert (graph.value(iri, DCTERMS.spatial) == M.nuts(row["nuts_code"])) if row["nuts_code"] else \
            graph.value(iri, DCTERMS.spatial) is None


def test_a_mention_row_is_a_mention_of_its_resource_in_its_row_node(data: Path) -> None:
    graph = load(data)
    row = rows("mentions.csv")[0]  # MIUR, in the paragraph on continuity
    assert (row["kind"], row["resource"], row["table"]) == ("organisation", "miur", "paragraphs")
    section, position = row["row"].split(" | ")
    mention = M.stated("mention", "paragraphs", section, position, row["printed"], row["occurrence"])
    assert graph.value(mention, RDF.type) == ECCP.Mention
    assert graph.value(mention, ECCP.mentionOf) == M.organisation("IT", "miur")
    assert graph.value(mention, ECCP.mentionedIn) == M.stated("paragraph", section, position)
    assert graph.value(mention, ECCP.printedAs) == Literal(row["printed"])
    assert str(graph.value(mention, ECCP.sourceLocator)) == row["source"]


def test_a_printed_variant_is_an_alt_label_and_the_label_itself_is_not_repeated(data: Path) -> None:
    graph = load(data)
    miur = M.organisation("IT", "miur")
    variants = {r["printed"] for r in rows("mentions.csv") if r["resource"] == "miur"}
    (name,) = [r["name"] for r in rows("organisations.csv") if r["key"] == "miur"]
    assert name in variants and "MIUR" in variants
    alt = {str(a) for a in graph.objects(miur, SKOS.altLabel)}
    assert alt == variants - {name}  # the acronym is its altLabel already
    assert Literal(name) not in set(graph.objects(miur, SKOS.altLabel))


def test_table5_clusters_point_to_the_table3_clusters(data: Path) -> None:
    graph = load(data)
    for row in rows("semester_listed_clusters.csv"):
        item = M.stated("semester-contribution", row["policy_area"], "item", row["position"])
        cluster = graph.value(item, ECCP.item)
        assert cluster == M.organisation("IT", row["cluster"].rstrip(" ,.;"))
        assert graph.value(cluster, RDF.type) is not None  # a Table 3 cluster the graph describes
        assert str(graph.value(item, ECCP.printedAs)) == row["name"]  # kept as printed in Table 5
    # the point of the column: Table 5 prints names Table 3 prints otherwise ('High' missing, a trailing comma)
    assert any(r["name"] != r["cluster"] for r in rows("semester_listed_clusters.csv"))


def test_every_table_a_mention_may_point_into_is_a_declared_enum_value() -> None:
    from eccp_kg.loaders.tables import load_schemas

    schema = load_schemas(DATA / "schemas.toml").tables["mentions"]
    (table,) = [c for c in schema.columns if c.name == "table"]
    assert set(table.values) == set(TEXTS)


# ---------------------------------------------------------------- bad rows


def test_unknown_resource_is_named(data: Path) -> None:
    edit(data / "it/2023/mentions.csv", 2, "organisation,miur,", "organisation,miur-x,")
    err = raises(data)
    assert (err.file, err.line, err.column, err.got) == (MENTIONS, 2, "resource", "miur-x")
    assert "organisations.csv" in err.expected


def test_a_resource_of_another_kind_is_unknown(data: Path) -> None:
    edit(data / "it/2023/mentions.csv", 2, "organisation,miur,", "document,miur,")
    err = raises(data)
    assert (err.line, err.column, err.got) == (2, "resource", "miur")
    assert "policy_documents.csv" in err.expected


def test_unknown_row_is_named(data: Path) -> None:
    edit(data / "it/2023/mentions.csv", 2, "Continuity | 1,", "Continuity | 9,")
    err = raises(data)
    assert (err.file, err.line, err.column) == (MENTIONS, 2, "row")
    assert err.got.endswith("Continuity | 9") and "paragraphs.csv" in err.expected


def test_printed_words_not_in_the_row_are_named(data: Path) -> None:
    edit(data / "it/2023/mentions.csv", 2, ",MIUR,1,", ",MIUX,1,")
    err = raises(data)
    assert (err.file, err.line, err.column, err.got) == (MENTIONS, 2, "printed", "MIUX")
    assert "data/it/2023/paragraphs.csv:" in err.expected  # the row it was looked for in


def test_an_occurrence_beyond_the_printed_ones_is_named(data: Path) -> None:
    edit(data / "it/2023/mentions.csv", 2, ",MIUR,1,", ",MIUR,2,")
    err = raises(data)
    assert (err.file, err.line, err.column, err.got) == (MENTIONS, 2, "occurrence", 2)
    assert "at most 1" in err.expected


def test_duplicate_mention_names_both_lines(data: Path) -> None:
    path = data / "it/2023/mentions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + [lines[1].replace("organisation,miur,", "organisation,regione-lombardia,")]) + "\n",
                    encoding="utf-8")
    err = raises(data)
    assert (err.file, err.line) == (MENTIONS, len(lines) + 1)
    assert err.column == "table,row,printed,occurrence" and "already on line 2" in err.expected


def test_unknown_table5_cluster_is_named(data: Path) -> None:
    edit(data / "it/2023/semester_listed_clusters.csv", 2, ",High Technology Cluster Agrifood Lombardy,",
         ",Technology Cluster Agrifood Lombardy,")
    err = raises(data)
    assert (err.file, err.line, err.column) == (EDITION + "semester_listed_clusters.csv", 2, "cluster")
    assert "policy_clusters.csv" in err.expected
