"""The trusted in-process Dataset (graph/dataset.py) and its error paths."""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from eccp_kg.graph.dataset import DataError, Dataset, base_iri_for, build_id_for, format_for, load_data_files, open_store_read_only

B = "https://w3id.org/eccp-kg/"
SKOS = "http://www.w3.org/2004/02/skos/core#"


@pytest.fixture()
def dataset(fixture_store) -> Dataset:
    return Dataset(fixture_store)


def test_select_binds_values_with_substitutions(dataset):
    q = f"SELECT ?c ?l WHERE {{ ?c <{SKOS}prefLabel> ?l }} ORDER BY ?l"
    rows = dataset.select(q, {"c": ox.NamedNode(B + "id/ecosystem/alpha")})
    assert [r["l"].value for r in rows] == ["Alfa e Beta", "Alpha & Beta"]
    hostile = 'x" } ; DROP ALL ; SELECT * { "'
    assert dataset.select(q, {"?c": ox.Literal(hostile)}) == []  # a value never becomes query text


def test_unbound_variables_are_absent(dataset):
    rows = dataset.select(f"SELECT ?c ?missing WHERE {{ ?c <{SKOS}notation> ?n OPTIONAL {{ ?c <{SKOS}nope> ?missing }} }}")
    assert rows and all(set(r) == {"c"} for r in rows)


def test_construct_and_ask(dataset):
    triples = dataset.construct(f"CONSTRUCT WHERE {{ ?c <{SKOS}notation> ?n }}")
    assert len(triples) == 2 and all(isinstance(t, ox.Triple) for t in triples)
    assert dataset.ask("ASK { ?s ?p 42 }") is True
    assert dataset.ask("ASK { ?s ?p ?o }", {"o": ox.Literal("no such value")}) is False


@pytest.mark.parametrize(
    "method, query",
    [("select", "ASK {}"), ("construct", "SELECT * {}"), ("ask", "CONSTRUCT WHERE {}")],
)
def test_wrong_query_form_is_a_type_error(dataset, method, query):
    with pytest.raises(TypeError, match=method):
        getattr(dataset, method)(query)


def test_description(dataset):
    assert dataset.named_graphs() == [B + "graph/codelists", B + "graph/it/2023", B + "graph/meta"]
    assert dataset.graph_triple_counts() == {B + "graph/codelists": 11, B + "graph/it/2023": 8, B + "graph/meta": 2}
    assert len(dataset) == 21


def test_build_id_is_stable_and_content_based(fixture_data_files):
    a = load_data_files(fixture_data_files)
    b = load_data_files(fixture_data_files)  # fresh blank-node labels
    assert build_id_for(None, a) == build_id_for(None, b)
    b.add(ox.Quad(ox.NamedNode(B + "x"), ox.NamedNode(B + "p"), ox.Literal("1")))
    assert build_id_for(None, a) != build_id_for(None, b)


def test_build_id_from_build_info(tmp_path, fixture_store):
    (tmp_path / "store").mkdir()
    (tmp_path / "build-info.json").write_text(json.dumps({"build_id": "abc123"}), encoding="utf-8")
    assert build_id_for(tmp_path / "store", fixture_store) == "abc123"
    (tmp_path / "build-info.json").write_text("{not json", encoding="utf-8")
    assert build_id_for(tmp_path / "store", fixture_store).startswith("sha256-")


def test_data_file_errors(tmp_path):
    with pytest.raises(DataError, match=r"unknown RDF file suffix '\.csv'; expected one of"):
        format_for(tmp_path / "x.csv")
    with pytest.raises(DataError, match="no such file"):
        load_data_files([tmp_path / "missing.ttl"])
    bad = tmp_path / "bad.nt"
    bad.write_text("<http://a> <http://b> .\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.nt: N-Triples syntax error: .*line 1 column"):
        load_data_files([bad])


def test_every_suffix_loads(tmp_path, fixture_store):
    for suffix, fmt in [(".ttl", ox.RdfFormat.TURTLE), (".nt", ox.RdfFormat.N_TRIPLES), (".nq", ox.RdfFormat.N_QUADS),
                        (".trig", ox.RdfFormat.TRIG), (".rdf", ox.RdfFormat.RDF_XML), (".jsonld", ox.RdfFormat.JSON_LD)]:
        path = tmp_path / f"data{suffix}"
        if fmt.supports_datasets:
            fixture_store.dump(str(path), format=fmt)
        else:
            fixture_store.dump(str(path), format=fmt, from_graph=ox.NamedNode(B + "graph/meta"))
        assert len(load_data_files([path])) == (21 if fmt.supports_datasets else 2), suffix


def test_store_errors(tmp_path):
    with pytest.raises(DataError, match="no store directory"):
        open_store_read_only(tmp_path / "nothing")
    (tmp_path / "notastore").mkdir()
    (tmp_path / "notastore" / "CURRENT").write_text("garbage\n", encoding="utf-8")
    with pytest.raises(DataError, match="cannot open the store read-only"):
        open_store_read_only(tmp_path / "notastore")


def test_base_iri_comes_from_the_build(tmp_path, fixture_store):
    """build-info.json's base_iri, else the one B graph/meta of the data, else unknown (None)."""
    store_dir = tmp_path / "build" / "store"
    store_dir.mkdir(parents=True)
    (tmp_path / "build" / "build-info.json").write_text(json.dumps({"base_iri": "https://example.org/x"}))
    assert base_iri_for(store_dir, ox.Store()) == "https://example.org/x/"
    assert base_iri_for(None, fixture_store) == B  # the fixture's B graph/meta
    assert Dataset(fixture_store).base_iri == B
    two = ox.Store()
    for base in ("https://a.example/", "https://b.example/"):
        two.add(ox.Quad(ox.NamedNode(base + "d"), ox.NamedNode(base + "p"), ox.Literal("x"), ox.NamedNode(base + "graph/meta")))
    assert base_iri_for(None, two) is None and base_iri_for(None, ox.Store()) is None  # ambiguous / nothing to go by
