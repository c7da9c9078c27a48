"""The build pipeline (eccp_kg.pipeline, graph.build, store, dumps, describe, skolem, progress) against a small stand-in
for the loader API, so its guarantees are tested independently of the real source tables:
atomic swap, failure leaves the old build untouched, warnings stored, reproducible build id,
VoID/DCAT description, export."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from eccp_kg.graph.build import read_build_info
from eccp_kg.pipeline import ValidationFailed, build_graph, check_sources
from eccp_kg.graph.dumps import export
from eccp_kg.graph.errors import SourceError
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.jsonld import context_document
from eccp_kg.graph.namespaces import DCAT, DCTERMS, ECCP, PREFIXES, PROV, RDF, SKOS, VOID, sparql_prologue
from eccp_kg.graph.progress import Progress
from eccp_kg.graph.skolem import skolemise
from eccp_kg.graph.store import content_hash, graph_counts, open_store

BASE = "https://example.org/kg/"

ONTOLOGY = """
@prefix eccp: <https://w3id.org/eccp-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
eccp:Count a owl:Class ; rdfs:label "count" ;
  rdfs:subClassOf [ a owl:Restriction ; owl:onProperty eccp:value ; owl:cardinality 1 ] .
eccp:value a owl:DatatypeProperty ; rdfs:label "value" ; rdfs:range xsd:integer .
"""

# Negative values are errors (Violation); values over 100 are kept but flagged (Warning).
SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix eccp: <https://w3id.org/eccp-kg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
eccp:CountShape a sh:NodeShape ; sh:targetClass eccp:Count ;
  sh:property [ sh:path eccp:value ; sh:datatype xsd:integer ; sh:minCount 1 ; sh:minInclusive 0 ] ;
  sh:property [ sh:path eccp:value ; sh:maxInclusive 100 ; sh:severity sh:Warning ;
                sh:message "count above 100 as printed" ] .
"""


@dataclass(frozen=True)
class Edition:
    country: str
    edition: str
    path: Path


class StandIn:
    """The loader API of docs/architecture.md over one tiny table: data/{cc}/{edition}/counts.csv."""

    @staticmethod
    def load_codelists(data_dir: Path, minter: Minter) -> Graph:
        g = Graph()
        scheme = minter.scheme("regions")
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        return g

    @staticmethod
    def discover_editions(data_dir: Path) -> list[Edition]:
        return [Edition(p.parent.name, p.name, p) for p in sorted(Path(data_dir).glob("*/*")) if p.is_dir()]

    @staticmethod
    def load_edition(edition: Edition, minter: Minter) -> Graph:
        scoped = minter.for_edition(edition.country, edition.edition)
        g = Graph()
        path = edition.path / "counts.csv"
        with path.open(newline="", encoding="utf-8") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    value = int(row["value"])
                except ValueError:
                    raise SourceError(path, line, "value", "an integer", row["value"]) from None
                node = scoped.stated("count", row["region"])
                g.add((node, RDF.type, ECCP.Count))
                g.add((node, ECCP.value, Literal(value)))
                g.add((node, PROV.wasDerivedFrom, scoped.factsheet()))
        return g

    @staticmethod
    def load_links(data_dir: Path, minter: Minter) -> Graph:
        g = Graph()
        g.add((minter.nuts("ITC4"), SKOS.exactMatch, URIRef(PREFIXES["nuts"] + "ITC4")))
        return g


@pytest.fixture()
def project(tmp_path: Path) -> SimpleNamespace:
    """A data folder with one edition (it/2023), an ontology folder and a shapes folder."""
    data = tmp_path / "data"
    (data / "it" / "2023").mkdir(parents=True)
    ont = tmp_path / "ontology"
    ont.mkdir()
    (ont / "eccp.ttl").write_text(ONTOLOGY, encoding="utf-8")
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    (shapes / "counts.ttl").write_text(SHAPES, encoding="utf-8")
    ns = SimpleNamespace(data=data, ontology=ont, shapes=shapes, out=tmp_path / "build", tmp=tmp_path)
    write_counts(ns, [("ITC4", "8"), ("ITF2", "150")])
    return ns


def write_counts(project: SimpleNamespace, rows: list[tuple[str, str]]) -> None:
    with (project.data / "it" / "2023" / "counts.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["region", "value"])
        w.writerows(rows)


def run_build(project: SimpleNamespace, out: Path | None = None, **kw):
    return build_graph(
        out or project.out,
        project.data,
        base=BASE,
        loaders=StandIn,
        ontology_dir=project.ontology,
        shapes_dir=project.shapes,
        **kw,
    )


def snapshot(out: Path) -> tuple[int, dict[str, int], bytes, bytes]:
    """What must not change when a build fails: store size, counts, a dump and build-info.json."""
    store = open_store(out / "store")
    counts = graph_counts(store)
    return len(store), counts, (out / "dumps" / "eccp-kg.nq").read_bytes(), (out / "build-info.json").read_bytes()


def select(store: ox.Store, query: str, **bindings) -> list[tuple]:
    subs = {ox.Variable(k): v for k, v in bindings.items()}
    rows = store.query(sparql_prologue() + query, use_default_graph_as_union=True, substitutions=subs)
    return [tuple(None if t is None else t.value for t in row) for row in rows]


def test_build_writes_store_dumps_and_build_info(project):
    result = run_build(project)
    store = open_store(project.out / "store")
    graphs = {g.value for g in store.named_graphs()}
    assert graphs == {BASE + f"graph/{n}" for n in ("ontology", "codelists", "it/2023", "latest", "links", "validation", "meta")}
    info = read_build_info(project.out)
    assert info["graphs"] == graph_counts(store) == result.graphs
    assert info["triples"] == len(store)
    assert info["build_id"] == result.build_id and len(result.build_id) == 64
    assert info["warnings"] == 1
    names = {d["file"] for d in info["dumps"]}
    assert names == {"eccp-kg.ttl", "eccp-kg.nq", "eccp-kg.jsonld"}
    # N-Quads dump = every graph but meta, graphs kept
    nq = ox.Store()
    nq.load(path=str(project.out / "dumps" / "eccp-kg.nq"), format=ox.RdfFormat.N_QUADS)
    assert len(nq) == len(store) - result.graphs[BASE + "graph/meta"]
    # Turtle dump = union of the same graphs, with project prefixes
    ttl = (project.out / "dumps" / "eccp-kg.ttl").read_text(encoding="utf-8")
    assert "@prefix eccp: <https://w3id.org/eccp-kg/ontology#> ." in ttl
    union = {q.triple for q in nq}
    assert len(Graph().parse(data=ttl, format="turtle")) == len(union)
    # JSON-LD dump = the same quads, compacted with the published context it names by IRI
    dump = json.loads((project.out / "dumps" / "eccp-kg.jsonld").read_text(encoding="utf-8"))
    assert dump["@context"] == BASE + "ns/context.jsonld"
    keys = {key for graph in dump["@graph"] for node in graph["@graph"] for key in node}
    assert "rdfs:label" in keys and not [k for k in keys if k.startswith("http")]  # every property a CURIE
    dump["@context"] = context_document()["@context"]  # what a processor fetches from the server
    jsonld = ox.Store()
    jsonld.load(json.dumps(dump).encode("utf-8"), format=ox.RdfFormat.JSON_LD)
    assert set(jsonld) == set(nq)
    # no staging folders left behind
    assert sorted(p.name for p in project.out.iterdir()) == [".build.lock", ".builds", "build-info.json", "current", "dumps", "store"]


def test_jsonld_dump_is_deterministic_and_expands_back_to_the_quads(project):
    """Two exports of the same store are byte-identical; named graphs stay named graphs."""
    run_build(project)
    store = open_store(project.out / "store")
    first, second = export(store, "jsonld"), export(store, "jsonld")
    assert first == second
    doc = json.loads(first)
    assert doc["@context"].endswith("/ns/context.jsonld")
    named = {node["@id"] for node in doc["@graph"] if "@graph" in node}
    assert BASE + "graph/it/2023" in named
    ids = [node["@id"] for node in doc["@graph"]]
    assert ids == sorted(ids)


def test_warnings_are_kept_in_the_validation_graph(project):
    result = run_build(project)
    assert result.validation.violations == 0 and result.validation.warnings == 1
    store = open_store(project.out / "store")
    rows = select(
        store,
        "SELECT ?focus ?msg WHERE { GRAPH ?g { ?r a sh:ValidationResult ; sh:resultSeverity sh:Warning ;"
        " sh:focusNode ?focus ; sh:resultMessage ?msg } }",
    )
    focus = Minter(BASE).for_edition("it", "2023").stated("count", "ITF2")
    assert rows == [(str(focus), "count above 100 as printed")]
    # the report lives in B graph/validation and has no blank nodes (skolemised)
    graph = ox.NamedNode(BASE + "graph/validation")
    quads = list(store.quads_for_pattern(None, None, None, graph))
    assert quads and not any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object))


def failed_rebuild(project: SimpleNamespace, rows: list[tuple[str, str]], error: type[Exception]) -> Exception:
    """Build, change the table to `rows`, rebuild expecting `error`; the first build must be untouched."""
    run_build(project)
    before = snapshot(project.out)
    write_counts(project, rows)
    with pytest.raises(error) as info:
        run_build(project)
    assert snapshot(project.out) == before
    assert sorted(p.name for p in project.out.iterdir()) == [".build.lock", ".builds", "build-info.json", "current", "dumps", "store"]
    return info.value


def test_violation_stops_the_build_and_keeps_the_old_one(project):
    failure = failed_rebuild(project, [("ITC4", "8"), ("ITF2", "-3")], ValidationFailed)
    assert failure.outcome.violations == 1
    report = failure.outcome.format()
    assert report.startswith("VIOLATION <https://example.org/kg/id/it/2023/count/itf2>\n")
    assert "path: eccp:value" in report and "value: -3" in report and "sh:MinInclusiveConstraintComponent" in report


def test_bad_row_stops_the_build_with_file_line_column_and_keeps_the_old_one(project):
    message = str(failed_rebuild(project, [("ITC4", "8"), ("ITF2", "many")], SourceError))
    assert "counts.csv:3:" in message and "'value'" in message and "an integer" in message and "'many'" in message


def test_bad_ontology_turtle_names_file_and_line(project):
    (project.ontology / "broken.ttl").write_text("@prefix ex: <http://e/> .\n\nex:a ex:b .\n", encoding="utf-8")
    with pytest.raises(SourceError) as info:
        run_build(project)
    assert "broken.ttl:3" in str(info.value) and "Turtle" in str(info.value)
    assert not project.out.exists() or not (project.out / "store").exists()


def test_no_shapes_is_an_error(project):
    for f in project.shapes.glob("*.ttl"):
        f.unlink()
    with pytest.raises(SourceError, match="SHACL shapes"):
        run_build(project)


def test_rebuild_gives_the_same_quads_and_build_id(project):
    first = run_build(project, out=project.tmp / "a")
    second = run_build(project, out=project.tmp / "b")
    assert first.build_id == second.build_id
    assert (project.tmp / "a/dumps/eccp-kg.nq").read_bytes() == (project.tmp / "b/dumps/eccp-kg.nq").read_bytes()
    # the ontology's OWL restriction (a blank node) became the same skolem IRI in both builds
    skolems = [q.subject.value for q in open_store(project.tmp / "a/store").quads_for_pattern(None, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(PREFIXES["owl"] + "Restriction"), None)]
    assert len(skolems) == 1 and skolems[0].startswith(BASE + ".well-known/genid/ontology-")
    # a changed row changes the id
    write_counts(project, [("ITC4", "9"), ("ITF2", "150")])
    assert run_build(project, out=project.tmp / "c").build_id != first.build_id


def test_rebuild_in_place_swaps_in_the_new_store(project):
    run_build(project)
    write_counts(project, [("ITC4", "8"), ("ITF2", "150"), ("ITC1", "3")])
    result = run_build(project)
    store = open_store(project.out / "store")
    assert result.graphs[BASE + "graph/it/2023"] == 9
    c = BASE + "id/it/2023/count/itc1"
    assert select(store, "SELECT ?c ?v WHERE { ?c eccp:value ?v }", c=ox.NamedNode(c)) == [(c, "3")]


def test_void_and_dcat_description(project):
    result = run_build(project, public_url="http://127.0.0.1:8123/")
    g = Graph().parse(project.out / "dumps" / "void.ttl", format="turtle")
    m = Minter(BASE)
    ds = m.dataset()
    assert (ds, RDF.type, VOID.Dataset) in g and (ds, RDF.type, DCAT.Dataset) in g
    assert g.value(ds, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert g.value(ds, VOID.sparqlEndpoint) == URIRef("http://127.0.0.1:8123/sparql")
    assert g.value(ds, PROV.wasDerivedFrom) == m.for_edition("it", "2023").factsheet()
    assert g.value(ds, DCTERMS.spatial) == m.country_iri("IT")
    assert g.value(ds, DCTERMS.modified) is not None
    subsets = {str(s): int(g.value(s, VOID.triples)) for s in g.objects(ds, VOID.subset)}
    meta = BASE + "graph/meta"
    assert subsets == {k: v for k, v in result.graphs.items() if k != meta}
    assert int(g.value(ds, VOID.triples)) == sum(subsets.values())
    dists = list(g.objects(ds, DCAT.distribution))
    assert len(dists) == 3
    for dist in dists:
        url = str(g.value(dist, DCAT.downloadURL))
        assert url.startswith("http://127.0.0.1:8123/download/")
        path = project.out / "dumps" / url.rsplit("/", 1)[1]
        assert int(g.value(dist, DCAT.byteSize)) == path.stat().st_size
        assert str(g.value(dist, DCAT.mediaType)).startswith("https://www.iana.org/assignments/media-types/")
    services = list(g.subjects(RDF.type, DCAT.DataService))
    assert len(services) == 1 and g.value(services[0], DCAT.endpointURL) == URIRef("http://127.0.0.1:8123/sparql")
    # statistics over the data graphs: the stand-in edition has two eccp:Count with one eccp:value each
    parts = {g.value(p, VOID["class"]): int(g.value(p, VOID.entities)) for p in g.objects(ds, VOID.classPartition)}
    assert parts[ECCP.Count] == 2 and parts[SKOS.ConceptScheme] == 1
    props = {g.value(p, VOID.property): int(g.value(p, VOID.triples)) for p in g.objects(ds, VOID.propertyPartition)}
    assert props[ECCP.value] == 2 and props[SKOS.exactMatch] == 1
    assert int(g.value(ds, VOID.classes)) == len(parts) and int(g.value(ds, VOID.properties)) == len(props)
    assert sum(props.values()) == sum(subsets.values())  # no triple is in two graphs here
    assert Minter(BASE).dataset("class", "eccp-count") in set(g.objects(ds, VOID.classPartition))
    # the same description is in B graph/meta of the store
    store = open_store(project.out / "store")
    assert result.graphs[meta] == len(g)
    assert select(store, "SELECT ?e WHERE { ?d void:sparqlEndpoint ?e }") == [("http://127.0.0.1:8123/sparql",)]


def test_endpoint_defaults_to_the_base_iri(project):
    """The server maps the base IRI to its root (B id/... dereferences at /id/...), so B sparql is the endpoint."""
    run_build(project)
    g = Graph().parse(project.out / "dumps" / "void.ttl", format="turtle")
    assert g.value(Minter(BASE).dataset(), VOID.sparqlEndpoint) == URIRef(BASE + "sparql")


def test_bad_public_url_is_rejected_before_anything_is_written(project):
    with pytest.raises(ValueError, match="--public-url: expected an absolute http"):
        run_build(project, public_url="example.org")
    assert not (project.out / "store").exists()


def test_check_sources_validates_without_writing(project):
    write_counts(project, [("ITF2", "-1")])
    _sources, outcome = check_sources(project.data, BASE, None, StandIn, project.ontology, project.shapes)
    assert outcome.violations == 1 and not outcome.ok
    assert "1 violation(s), 0 warning(s), 0 info(s)" in outcome.summary()
    assert not project.out.exists()


def test_progress_lines_without_tty(project):
    stream = io.StringIO()
    run_build(project, progress=Progress(stream))
    text = stream.getvalue()
    assert "\r" not in text
    stages = [line.split(" ... ")[0] for line in text.splitlines()]
    assert stages == [
        "[1] ontology", "[2] code lists", "[3] edition it/2023", "[4] latest editions", "[5] link sets",
        "[6] SHACL validation", "[7] store", "[8] dumps", "[9] swap in",
    ]
    assert "[3] edition it/2023 ... 6 triples (" in text


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_updates_in_place_on_a_tty_and_reports_failure():
    stream = FakeTTY()
    progress = Progress(stream)
    with pytest.raises(RuntimeError):
        with progress.stage("loading") as st:
            st.detail = "never shown"
            raise RuntimeError("boom")
    assert stream.getvalue().startswith("\r[1] loading ... running\r")
    assert "[1] loading ... FAILED (" in stream.getvalue()
    quiet = io.StringIO()
    with Progress(quiet, quiet=True).stage("x"):
        pass
    assert quiet.getvalue() == ""


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


def test_without_a_links_loader_there_is_no_links_graph(project):
    class NoLinks:
        load_codelists = StandIn.load_codelists
        discover_editions = StandIn.discover_editions
        load_edition = StandIn.load_edition

    result = build_graph(project.out, project.data, base=BASE, loaders=NoLinks,
                         ontology_dir=project.ontology, shapes_dir=project.shapes)
    assert BASE + "graph/links" not in result.graphs and BASE + "graph/it/2023" in result.graphs


def test_publish_is_one_rename_and_a_failed_one_keeps_the_live_build(tmp_path, monkeypatch):
    from eccp_kg.graph import layout

    out = tmp_path / "out"
    out.mkdir()
    first = layout.new_build_dir(out)
    (first / "store").mkdir()
    (first / "store" / "CURRENT").write_text("old")
    layout.publish(out, first)
    assert (out / "store" / "CURRENT").read_text() == "old"
    second = layout.new_build_dir(out)
    (second / "store").mkdir()
    (second / "store" / "CURRENT").write_text("new")
    real_replace, calls = layout.os.replace, []

    def replace(src, dst):
        calls.append(dst)
        raise OSError("disk trouble")

    monkeypatch.setattr(layout.os, "replace", replace)
    with pytest.raises(OSError, match="disk trouble"):
        layout.publish(out, second)
    assert calls == [out / "current"]  # the only step that changes what is live
    assert (out / "store" / "CURRENT").read_text() == "old"
    monkeypatch.setattr(layout.os, "replace", real_replace)
    layout.publish(out, second)
    assert (out / "store" / "CURRENT").read_text() == "new"
    layout.prune(out)
    assert [p.name for p in (out / "store").resolve().parent.parent.iterdir()] == [second.name]
    assert not list(out.glob(".current-*"))


def test_a_build_folder_of_the_old_layout_is_migrated(project):
    run_build(project)
    live = (project.out / "store").resolve().parent
    for name in ("store", "dumps", "build-info.json"):  # turn it into the pre-layout shape
        (project.out / name).unlink()
        (live / name).rename(project.out / name)
    (project.out / "current").unlink()
    before = snapshot(project.out)
    from eccp_kg.graph.layout import ensure_layout

    ensure_layout(project.out)
    assert (project.out / "store").is_symlink() and snapshot(project.out) == before
    run_build(project)
    assert sorted(p.name for p in project.out.iterdir()) == [".build.lock", ".builds", "build-info.json", "current", "dumps", "store"]
    assert len(list((project.out / ".builds").iterdir())) == 2  # legacy (the previous build) and the new one


def test_a_second_build_into_the_same_folder_is_refused_and_stale_staging_is_cleaned(project):
    from eccp_kg.graph.store import build_lock

    run_build(project)
    before = snapshot(project.out)
    with build_lock(project.out):
        with pytest.raises(RuntimeError, match="another eccp-kg build is writing here"):
            run_build(project)
    assert snapshot(project.out) == before
    # a build killed half-way leaves hidden staging folders; the next build removes them
    (project.out / ".store-killed").mkdir()
    (project.out / ".dumps-killed" / "x").mkdir(parents=True)
    (project.out / ".builds" / "build-killed" / "store").mkdir(parents=True)
    run_build(project)
    assert sorted(p.name for p in project.out.iterdir()) == [".build.lock", ".builds", "build-info.json", "current", "dumps", "store"]


def test_a_missing_data_folder_is_named(project):
    with pytest.raises(SourceError, match=r"nowhere: expected a folder of source tables \(--data\)"):
        build_graph(project.out, project.tmp / "nowhere", base=BASE, loaders=StandIn,
                    ontology_dir=project.ontology, shapes_dir=project.shapes)
