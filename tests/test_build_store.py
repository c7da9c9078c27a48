"""The store side of a build: export formats and graph filter (graph/dumps.py), stable scoped skolem IRIs
(graph/skolem.py), the content hash, and opening a missing store."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph

from eccp_kg.graph.dumps import export
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.skolem import skolemise
from eccp_kg.graph.store import content_hash, open_store
from tests.stand_in_build import BASE, run_build
from tests.stand_in_build import project  # noqa: F401  (fixtures)


def test_export_formats_graph_filter_and_errors(project):
    run_build(project)
    store = open_store(project.out / "store")
    graph = BASE + "graph/it/2023"
    nt = export(store, "ntriples", graph=graph).decode()
    assert len(nt.strip().splitlines()) == 6
    trig = export(store, "trig", graph=graph).decode()
    assert f"<{graph}>" in trig or "graph/it/2023" in trig
    rdfxml = export(store, "rdfxml", graph=graph)  # every format of graph/formats.py exports
    assert len(list(ox.parse(rdfxml, format=ox.RdfFormat.RDF_XML))) == 6
    assert export(store, "turtle") == export(store, "turtle")
    with pytest.raises(LookupError, match="no named graph <https://example.org/kg/graph/nope>"):
        export(store, "turtle", graph=BASE + "graph/nope")
    with pytest.raises(ValueError, match="--format: expected one of"):
        export(store, "yaml")


def test_skolemise_is_stable_and_scoped():
    data = "@prefix ex: <http://e/> . ex:a ex:p [ ex:q ( 1 2 ) ] ."
    m = Minter(BASE)
    one = skolemise(Graph().parse(data=data, format="turtle"), m, "x")
    two = skolemise(Graph().parse(data=data, format="turtle"), m, "x")
    other = skolemise(Graph().parse(data=data, format="turtle"), m, "y")
    assert set(one) == set(two) and len(one) == 6
    assert not any(isinstance(t, BNode) for tr in one for t in tr)
    assert set(one) != set(other)
    # the same graph written another way (other labels, other order) gets the same IRIs (RDFC-1.0 labels)
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    reordered = "\n".join([f"_:z2 <{rdf}rest> <{rdf}nil> .", "_:z0 <http://e/q> _:z1 .", f"_:z1 <{rdf}first> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .",
                           f"_:z2 <{rdf}first> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer> .", f"_:z1 <{rdf}rest> _:z2 .", "<http://e/a> <http://e/p> _:z0 ."])
    assert set(skolemise(Graph().parse(data=reordered, format="nt"), m, "x")) == set(one)
    assert {str(t) for tr in one for t in tr if str(t).startswith(BASE)} == {BASE + f".well-known/genid/x-c14n{i}" for i in range(3)}


def test_content_hash_ignores_excluded_graphs():
    store = ox.Store()
    s, p = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p")
    store.add(ox.Quad(s, p, ox.Literal("1"), ox.NamedNode("http://e/g")))
    before = content_hash(store, ["http://e/meta"])
    store.add(ox.Quad(s, p, ox.Literal("now"), ox.NamedNode("http://e/meta")))
    assert content_hash(store, ["http://e/meta"]) == before
    assert content_hash(store) != before


def test_open_store_names_the_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no pyoxigraph store here"):
        open_store(tmp_path / "nothing")
