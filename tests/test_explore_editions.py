"""The explorer over a graph with a later edition of the same factsheet: the later edition's numbers
replace the earlier ones, never add up with them."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from eccp_kg.graph.iris import base_iri
from tests.exploring import matrix, page, partner_lists, table, text, top5
from tests.exploring import explore_client, store_dir  # noqa: F401  (fixtures)


# --- a later edition ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def two_editions_client(store_dir: Path):
    """The real graph plus a made-up later edition: the it/2023 graph copied as it/2024, minus the
    last Eurocluster partner listing. The explorer must show 2024 alone, never the two added up."""
    from types import SimpleNamespace

    import pyoxigraph as ox

    from eccp_kg.graph.iris import Minter
    from eccp_kg.graph.sources import latest_graph
    from eccp_kg.server.app import create_app

    source = ox.Store.read_only(str(store_dir))
    store = ox.Store()
    store.extend(source.quads_for_pattern(None, None, None, None))
    edition = ox.NamedNode(base_iri() + "graph/it/2023")
    dropped = f"id/it/2024/participation/euroclusters/partner/{len(partner_lists()['euroclusters'])}>"
    lines = []
    for quad in source.quads_for_pattern(None, None, None, edition):
        line = str(quad).replace("/it/2023", "/it/2024")
        line = line.replace('#edition> "2023"', '#edition> "2024"')
        if dropped not in line:
            lines.append(line + " .\n")
    store.load("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    # what a build derives from the editions it loads: B graph/latest now names it/2024
    latest = ox.NamedNode(base_iri() + "graph/latest")
    assert list(store.quads_for_pattern(None, None, None, latest)), "the build names each country's latest edition"
    store.remove_graph(latest)
    derived = latest_graph([SimpleNamespace(country="IT", edition=e) for e in ("2023", "2024")], Minter.default())
    store.load(derived.serialize(format="nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=latest)
    return create_app({"TESTING": True, "IN_PROCESS": True}, store=store).test_client()


def test_a_later_edition_replaces_the_numbers_instead_of_adding_to_them(two_editions_client):
    lists = partner_lists()
    doc = page(two_editions_client, "/explore/partnerships")
    got = matrix(doc)
    later = Counter(lists["euroclusters"][:-1])  # the 2024 copy lacks the last listing
    assert {c: n["euroclusters"] for c, n in got.items() if "euroclusters" in n} == dict(later)
    assert {c: n["innosup-1"] for c, n in got.items() if "innosup-1" in n} == dict(Counter(lists["innosup-1"]))
    doc = page(two_editions_client, "/explore/regions")
    cells = [c for c in doc.find(".//tr[@id='sectoral-ITC4']") if c.get("data-rank")]
    assert [text(c.find(".//abbr")) for c in cells] == top5("ITC4")
    doc = page(two_editions_client, "/explore/policies")
    listed = [len(c.findall(".//li")) for c in list(doc.find(".//tr[@id='aspect-policy-objectives']"))[1:]]
    per_policy = Counter(r["policy"] for r in table("policy_cells") if r["section"] == "POLICY OBJECTIVES")
    assert listed == [per_policy[r["key"]] for r in sorted(table("policies"), key=lambda r: int(r["column"]))]
    assert len(listed) == 2  # two policies, not four
