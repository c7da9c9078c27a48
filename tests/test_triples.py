"""Loaded graphs held as N-Triples (graph/triples.py) and the store's sorted N-Quads (graph/store.py): the
fast paths of the build give exactly the quads, build id and dumps of the rdflib path they replace."""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from eccp_kg import loaders
from eccp_kg.graph.namespaces import XSD
from eccp_kg.graph.shacl_sparql import DATATYPE_GRAPH
from eccp_kg.graph.build import nquads_chunks
from eccp_kg.graph.store import canonical_nquads, sorted_nquads, write_sorted_nquads
from eccp_kg.graph.triples import TripleText
from eccp_kg.loaders.links import load_links
from eccp_kg.pipeline import build_graph

S, P = URIRef("https://example.org/s"), URIRef("https://example.org/p")
HOSTILE = [
    (S, P, Literal('two\nlines, a "quote", a back\\slash and \u00e9\u4e2d')),
    (S, P, Literal("Italia", lang="it")),
    (S, P, Literal(3, datatype=XSD.positiveInteger)),
    (S, P, Literal("2023", datatype=XSD.gYear)),
    (S, P, URIRef("https://example.org/o")),
]


def test_triple_text_is_what_rdflib_writes() -> None:
    text = TripleText.of(HOSTILE + HOSTILE[:2])  # repeated triples count once, as in a Graph
    graph = Graph()
    for triple in HOSTILE:
        graph.add(triple)
    assert len(text) == len(graph) == 5
    mine = set(ox.parse(text.nt, format=ox.RdfFormat.N_TRIPLES))
    theirs = set(ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))
    assert mine == theirs
    assert set(text) == set(graph)
    typed = list(ox.parse(text.typed, format=ox.RdfFormat.N_QUADS))
    assert [q.graph_name.value for q in typed] == [DATATYPE_GRAPH + str(XSD.positiveInteger)]


def test_a_graph_with_blank_nodes_stays_an_rdflib_graph_to_be_skolemised() -> None:
    held = TripleText.of([*HOSTILE, (S, P, BNode())])
    assert isinstance(held, Graph) and len(held) == 6


def test_sorted_nquads_is_the_canonical_text() -> None:
    store = ox.Store()
    for i, (s, p, o) in enumerate(HOSTILE):
        store.load(Graph().add((s, p, o)).serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
                   to_graph=ox.NamedNode(f"https://example.org/g/{i % 2}"))
    expected = "".join(line + "\n" for line in canonical_nquads(store)).encode("utf-8")
    assert sorted_nquads(store) == expected
    assert b"/g/1>" not in sorted_nquads(store, ["https://example.org/g/1"])


def _hostile_store() -> ox.Store:
    store = ox.Store()
    for i, (s, p, o) in enumerate(HOSTILE):
        store.add(ox.Quad(ox.NamedNode(str(s)), ox.NamedNode(str(p)), ox.Literal("x"), ox.DefaultGraph()))
        store.load(Graph().add((s, p, o)).serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
                   to_graph=ox.NamedNode(f"https://example.org/g/{i % 3}"))
    store.add(ox.Quad(ox.BlankNode("b1"), ox.NamedNode(str(P)), ox.BlankNode("b2"), ox.NamedNode("https://example.org/g/9")))
    return store


def test_sorted_nquads_has_the_default_graph_and_blank_nodes_as_canonical_nquads_does() -> None:
    store = _hostile_store()
    expected = "".join(line + "\n" for line in canonical_nquads(store)).encode("utf-8")
    assert sorted_nquads(store) == expected
    masked = "".join(line + "\n" for line in canonical_nquads(store, mask_blank_nodes=True)).encode("utf-8")
    assert sorted_nquads(store, mask_blank_nodes=True) == masked


def test_write_sorted_nquads_writes_the_text_and_returns_its_hash(tmp_path: Path) -> None:
    import hashlib

    store = _hostile_store()
    digest = write_sorted_nquads(store, tmp_path / "x.nq")
    assert (tmp_path / "x.nq").read_bytes() == sorted_nquads(store)
    assert digest == hashlib.sha256(sorted_nquads(store)).hexdigest()


def test_nquads_chunks_cut_only_at_line_ends(tmp_path: Path) -> None:
    store = _hostile_store()
    path = tmp_path / "x.nq"
    write_sorted_nquads(store, path)
    text = path.read_bytes()
    for size in (1, 7, 50, len(text) - 1, len(text), 10 * len(text)):
        chunks = list(nquads_chunks(path, size))
        assert b"".join(chunks) == text
        assert all(chunk.endswith(b"\n") for chunk in chunks)
        assert sum(len(list(ox.parse(c, format=ox.RdfFormat.N_QUADS))) for c in chunks) == len(store)
    (tmp_path / "open.nq").write_bytes(text + b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .")
    assert b"".join(nquads_chunks(tmp_path / "open.nq", 9)).endswith(b"<https://example.org/o> .")


class GraphLoaders:
    """The project's loaders without load_edition_triples: every edition goes through an rdflib Graph."""

    load_codelists = staticmethod(loaders.load_codelists)
    discover_editions = staticmethod(loaders.discover_editions)
    load_edition = staticmethod(loaders.load_edition)
    load_links = staticmethod(load_links)


def test_the_text_path_builds_the_store_the_rdflib_path_builds(tmp_path: Path, built_graph) -> None:
    """Same build id (the hash of every quad but B graph/meta) and byte-identical dumps either way; the
    text path is the run's build (conftest `built_graph`: the default pipeline over the shipped data)."""
    fast = built_graph
    slow = build_graph(tmp_path / "slow", loaders=GraphLoaders)
    assert fast.build_id == slow.build_id and fast.graphs == slow.graphs
    for name in ("eccp-kg.nq", "eccp-kg.ttl", "eccp-kg.jsonld"):
        assert (fast.dumps_dir / name).read_bytes() == (slow.dumps_dir / name).read_bytes(), name
    info = json.loads((Path(fast.out_dir) / "build-info.json").read_text(encoding="utf-8"))
    assert info["build_id"] == fast.build_id


def test_jsonld_written_a_graph_at_a_time_is_what_json_dumps_writes() -> None:
    """document_chunks streams the dump; its text must be json.dumps(document, indent=1) of the whole."""
    from eccp_kg.graph.jsonld import compact_dump

    quads = [ox.Quad(ox.NamedNode(str(s)), ox.NamedNode(str(p)), ox.Literal(str(o)) if isinstance(o, Literal)
                     else ox.NamedNode(str(o)), ox.NamedNode(f"https://example.org/g/{i % 2}") if i % 3 else ox.DefaultGraph())
             for i, (s, p, o) in enumerate(HOSTILE)]
    for given in (quads, []):
        text = compact_dump(given, "https://example.org/ns/context.jsonld")
        assert text == (json.dumps(json.loads(text), indent=1, ensure_ascii=False) + "\n").encode("utf-8")
