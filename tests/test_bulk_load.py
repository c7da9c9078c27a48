"""The store-writing child process (graph/bulk_load.py): it loads, writes the JSON-LD (the graphs rendered
ahead by `jsonld-parts` and the rest, byte for byte what rendering them all at the end gives), compacts on `end`,
reports a bad file as an error naming the store, abandons the store when the build goes away, and a failed
build (graph/build.py Staging) stops it and removes the build folder."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from eccp_kg.graph.build import Staging, as_quads
from eccp_kg.graph.bulk_load import StoreWriter
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.jsonld import write_document
from eccp_kg.graph.store import sorted_nquads
from eccp_kg.graph.triples import TripleText

NT = (b'<https://example.org/s> <https://example.org/p> "x .\\n y" .\n'
      b'<https://example.org/s> <https://example.org/q> <https://example.org/o> .\n')
G1, G2 = "https://example.org/g/1", "https://example.org/g/2"


def test_as_quads_names_the_graph_on_every_line_and_keeps_escaped_newlines() -> None:
    quads = list(ox.parse(as_quads(NT, G1), format=ox.RdfFormat.N_QUADS))
    assert [q.graph_name for q in quads] == [ox.NamedNode(G1)] * 2
    assert quads[0].object == ox.Literal("x .\n y")


def test_the_child_loads_writes_the_jsonld_from_parts_and_compacts(tmp_path: Path) -> None:
    source, extra = tmp_path / "a.nq", tmp_path / "b.nq"
    source.write_bytes(as_quads(NT, G1))
    extra.write_bytes(as_quads(NT, G2))
    writer = StoreWriter(tmp_path / "store", source)
    # G1's JSON-LD is rendered ahead (as the build has it done beside SHACL), G2's only by `jsonld`
    writer.send("jsonld-parts", str(tmp_path / "parts"), str(source))
    writer.send("load", str(extra))
    writer.send("jsonld", str(tmp_path / "child.jsonld"), "https://example.org/ns/context.jsonld")
    writer.wait()
    assert not (tmp_path / "parts").exists()  # the document took the parts and deleted them
    writer.finish()
    assert writer.process.returncode == 0
    memory = ox.Store()
    memory.load(as_quads(NT, G1) + as_quads(NT, G2), format=ox.RdfFormat.N_QUADS)
    written = ox.Store.read_only(str(tmp_path / "store"))
    assert sorted_nquads(written) == sorted_nquads(memory) and len(written) == 4
    write_document(memory, tmp_path / "memory.jsonld", "https://example.org/ns/context.jsonld")
    assert (tmp_path / "child.jsonld").read_bytes() == (tmp_path / "memory.jsonld").read_bytes()


def test_a_bad_file_fails_with_the_store_and_the_parse_error(tmp_path: Path) -> None:
    source = tmp_path / "a.nq"
    source.write_bytes(as_quads(NT, G1))
    (tmp_path / "bad.nq").write_bytes(b"<https://example.org/s> <https://example.org/p> .\n")
    writer = StoreWriter(tmp_path / "store", source)
    writer.send("load", str(tmp_path / "bad.nq"))
    with pytest.raises(RuntimeError, match=r"writing the store .*store failed \(exit 1\): load .*bad.nq: "
                                           r"SyntaxError: .*line 1 column 49"):
        writer.finish()


def test_stdin_closed_before_end_abandons_the_store(tmp_path: Path) -> None:
    source = tmp_path / "a.nq"
    source.write_bytes(as_quads(NT, G1))
    child = subprocess.run([sys.executable, "-m", "eccp_kg.graph.bulk_load", str(tmp_path / "store"), str(source)],
                           input=b"", capture_output=True, timeout=60)
    assert child.returncode == 3
    assert b"abandoned" in child.stderr


def test_a_failed_build_stops_the_child_and_removes_its_folder(tmp_path: Path) -> None:
    minter = Minter("https://example.org/")
    graphs = {URIRef(G1): TripleText(NT, 2)}
    with pytest.raises(KeyError):
        with Staging(tmp_path / "out", graphs, minter) as staging:
            folder, process = staging.folder, staging.writer.process
            assert (folder / Staging.SOURCE_QUADS).read_bytes() == as_quads(NT, G1)
            raise KeyError("a SHACL violation, say")
    assert process.poll() is not None  # stopped, not left loading
    assert not folder.exists()


def test_graph_parts_give_the_document_rendering_everything_at_the_end_gives(tmp_path: Path) -> None:
    """Graphs rendered ahead from the sources' N-Quads are taken as rendered: the document is the same bytes
    as one rendered from the store at the end, with the store's terms (Oxigraph keeps "01"^^xsd:positiveInteger
    as "1"^^xsd:integer and "1.50" as "1.5"), a graph loaded later (the validation report) is rendered by the
    document itself, and a graph whose quads are split in the file is refused."""
    from eccp_kg.graph.jsonld import GraphParts

    xsd = "http://www.w3.org/2001/XMLSchema#"
    typed = (f'<https://example.org/s> <https://example.org/n> "01"^^<{xsd}positiveInteger> .\n'
             f'<https://example.org/s> <https://example.org/d> "1.50"^^<{xsd}decimal> .\n').encode("utf-8")
    sources = tmp_path / "sources.nq"
    sources.write_bytes(as_quads(NT + typed, G1) + as_quads(NT, G2))
    parts = GraphParts(tmp_path / "parts")
    assert parts.render_nquads(sources) == 2 and sorted(parts.spans) == [G1, G2]
    store = ox.Store()
    store.load(sources.read_bytes(), format=ox.RdfFormat.N_QUADS)
    store.load(b"<https://example.org/t> <https://example.org/p> \"late\" .\n", format=ox.RdfFormat.N_TRIPLES,
               to_graph=ox.NamedNode("https://example.org/g/0"))
    context = "https://example.org/ns/context.jsonld"
    write_document(store, tmp_path / "parts.jsonld", context, parts=parts)
    write_document(store, tmp_path / "whole.jsonld", context)
    document = (tmp_path / "parts.jsonld").read_bytes()
    assert document == (tmp_path / "whole.jsonld").read_bytes()
    assert b'"late"' in document and b'"@value": "1.5"' in document and b"xsd:integer" in document
    split = tmp_path / "split.nq"
    split.write_bytes(as_quads(NT, G1) + as_quads(NT, G2) + as_quads(typed, G1))
    with pytest.raises(ValueError, match="are not together"):
        GraphParts(tmp_path / "parts-2").render_nquads(split)
