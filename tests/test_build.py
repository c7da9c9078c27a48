"""The build pipeline (eccp_kg.pipeline, graph.build, dumps, describe) against a small stand-in for the
loader API (tests/stand_in_build.py): what a build writes, warnings stored, reproducible build id, VoID/DCAT
description. Failures: test_build_failures.py; publishing: test_build_publish.py; progress:
test_build_progress.py; the store, export and skolemisation: test_build_store.py."""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from eccp_kg.graph.build import read_build_info
from eccp_kg.pipeline import build_graph, check_sources
from eccp_kg.graph.dumps import export
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.jsonld import context_document
from eccp_kg.graph.namespaces import DCAT, DCTERMS, ECCP, PREFIXES, PROV, RDF, SKOS, VOID
from eccp_kg.graph.store import graph_counts, open_store
from tests.stand_in_build import BASE, StandIn, run_build, select, write_counts
from tests.stand_in_build import project  # noqa: F401  (fixtures)


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


def test_without_a_links_loader_there_is_no_links_graph(project):
    class NoLinks:
        load_codelists = StandIn.load_codelists
        discover_editions = StandIn.discover_editions
        load_edition = StandIn.load_edition

    result = build_graph(project.out, project.data, base=BASE, loaders=NoLinks,
                         ontology_dir=project.ontology, shapes_dir=project.shapes)
    assert BASE + "graph/links" not in result.graphs and BASE + "graph/it/2023" in result.graphs
