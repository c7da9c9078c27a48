"""Competency queries over two editions of one country: the latest edition answers, the older one is
replaced in B graph/latest, not dropped (a build with an invented it/2099 beside it/2023)."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from eccp_kg.graph.namespaces import PREFIXES
from tests.competency import COMPARING, TESTED, run


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory) -> ox.Store:
    """A build with a second, invented edition it/2099 beside it/2023 (a copy with Lombardy's first
    agglomeration relabelled), to check that the queries answer from the latest edition only."""
    import shutil

    from eccp_kg.pipeline import build_graph
    from eccp_kg.graph.sources import default_data_dir
    from eccp_kg.graph.store import open_store

    data = tmp_path_factory.mktemp("editions") / "data"
    shutil.copytree(default_data_dir(), data, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    later = data / "it" / "2099"
    shutil.copytree(data / "it" / "2023", later)
    toml = later / "factsheet.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('edition = "2023"', 'edition = "2099"'), encoding="utf-8")
    table = later / "sectoral_agglomerations.csv"
    text = table.read_text(encoding="utf-8")
    assert text.count("Households as employers act.") > 1
    lines = text.splitlines(keepends=True)
    i = next(n for n, line in enumerate(lines) if "ITC4" in line and "T97" in line)
    lines[i] = lines[i].replace("Households as employers act.", "Households as employers (later edition)")
    table.write_text("".join(lines), encoding="utf-8")
    result = build_graph(tmp_path_factory.mktemp("editions-build") / "build", data)
    assert {g.rsplit("graph/", 1)[1] for g in result.graphs} >= {"it/2023", "it/2099"}
    return open_store(result.store_path)


def test_the_latest_edition_is_one_triple_per_country_in_its_own_graph(two_editions):
    """B graph/latest names it/2099 once the build loads it; it/2023 is replaced by it, not dropped."""
    rows = list(two_editions.query(
        "SELECT ?g ?f ?old WHERE { GRAPH ?g { ?it eccp:latestFactsheet ?f . ?f eccp:isLatestEdition true . "
        "?old dcterms:isReplacedBy ?f } ?it skos:notation 'IT' }", prefixes=PREFIXES, use_default_graph_as_union=True))
    assert [(r["g"].value.rsplit("/", 2)[-1], r["f"].value.rsplit("/", 2)[-2:], r["old"].value.rsplit("/", 1)[-1])
            for r in rows] == [("latest", ["it", "2099"], "2023")]


def test_a_later_edition_is_added_beside_and_answers_come_from_it(two_editions):
    rows = run(two_editions, "lombardy-top-sectoral-agglomerations")
    assert [(r["edition"], r["rank"], r["nace"]) for r in rows] == [("2099", n, c) for n, c in
                                                                  enumerate(["T97", "C14", "M74", "M69", "C28"], 1)]
    assert rows[0]["label"] == "Households as employers (later edition)"
    registered = run(two_editions, "cluster-organisations-registered")
    assert [(r["edition"], r["count"]) for r in registered] == [("2023", 97), ("2099", 97)]
    for name in TESTED - {"cluster-organisations-registered"} - COMPARING:
        assert {r["edition"] for r in run(two_editions, name)} == {"2099"}, name
    assert run(two_editions, "partners-gained-and-lost") == []  # both editions list the same partners
    assert [r["countries"] for r in run(two_editions, "countries-state-of-play-compared")] == [1, 1, 1, 1]
