"""Dereferencing (issue 4): every minted IRI resolves on the REAL app over HTTP (werkzeug's server on 127.0.0.1),
HTML for browsers, RDF by Accept or suffix, 404/406 in the one error shape, values escaped;
the ontology (pyLODE), the dataset description and the dumps."""
from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, unquote

import pyoxigraph as ox
import pytest
import rdflib
import requests
from werkzeug.serving import make_server

from eccp_kg.data import PATH as DATA_DIR
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.namespaces import NUTS, SKOS, WD
from eccp_kg.loaders.links import load_links
from eccp_kg.server.app import create_app

B = "https://w3id.org/eccp-kg/"
ONT = "https://w3id.org/eccp-kg/ontology"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
XSS = "<script>alert('x')</script> & more"

# Made-up test data in the project's IRI pattern: it states nothing about the factsheet.
TRIG = f"""
@prefix eccp: <{ONT}#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix void: <http://rdfs.org/ns/void#> .
<{B}graph/ontology> {{
  <{ONT}> a owl:Ontology ; owl:versionIRI <{ONT}/0.1.0> ; dcterms:title "Test ontology"@en .
  eccp:Region a owl:Class ; rdfs:label "Test region class"@en ; rdfs:comment "{XSS}" .
  eccp:locatedIn a owl:ObjectProperty ; rdfs:label "located in"@en .
}}
<{B}graph/codelists> {{
  <{B}id/nuts/ITC4> a eccp:Region ; skos:prefLabel "Test Lombardy"@en ; skos:notation "ITC4" .
  <{B}id/country/IT> skos:prefLabel "Test Italy"@en .
}}
<{B}graph/it/2023> {{
  <{B}id/it/2023/observation/x1> eccp:locatedIn <{B}id/nuts/ITC4> ; rdfs:label "{XSS}" .
  <{B}.well-known/genid/abc123> rdfs:label "a skolemised node" .
}}
<{B}graph/meta> {{
  <{B}id/dataset> a void:Dataset , dcat:Dataset ; dcterms:title "Test dataset"@en ;
      dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
      void:sparqlEndpoint <http://127.0.0.1/sparql> .
}}
"""


def make_store(base: str = B) -> ox.Store:
    """The test data (rewritten to `base`) plus the real link sets in graph/links."""
    store = ox.Store()
    store.load(TRIG.replace(B, base).encode(), format=ox.RdfFormat.TRIG)
    links = load_links(DATA_DIR, Minter(base))
    store.load(links.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(base + "graph/links"))
    return store


@contextmanager
def running(app):
    """The app under werkzeug's threaded HTTP server on a free 127.0.0.1 port, shut down on exit
    (waitress's close() left its loop running, so every use waited out the 10 s join timeout)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the test server did not stop"


@pytest.fixture(scope="module")
def dumps(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("build")
    (root / "dumps").mkdir()
    (root / "dumps" / "eccp-kg.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    (root / "dumps" / "eccp-kg.nq").write_text("<urn:a> <urn:b> <urn:c> <urn:g> .\n", encoding="utf-8")
    (root / "secret.txt").write_text("TOP-SECRET", encoding="utf-8")
    return root / "dumps"


@pytest.fixture(scope="module")
def server(dumps):
    app = create_app({"TESTING": True, "IN_PROCESS": True, "BASE_IRI": B, "DUMPS_DIR": str(dumps)}, store=make_store())
    with running(app) as url:
        yield url


def get(url: str, accept: str | None = None, **kw) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(url, headers=headers, timeout=30, allow_redirects=False, **kw)


# --- resources -------------------------------------------------------------------------------


def test_resource_html_has_label_type_statements_both_ways_and_links(server):
    r = get(server + "/id/nuts/ITC4", BROWSER)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    page = r.text
    assert "<h1 class=\"eccp-label\">Test Lombardy</h1>" in page
    assert "Test region class" in page  # the type, by its label
    assert 'href="/ontology#Region"' in page
    # outgoing: the link set, clickable, to the EU's IRI and Wikidata
    assert f'href="{NUTS["ITC4"]}"' in page and 'rel="external"' in page
    assert f'href="{WD["Q1210"]}"' in page
    # incoming: the observation, linked on this server, with the property's label
    assert 'href="/id/it/2023/observation/x1"' in page and "located in" in page
    # the graph each statement comes from
    assert 'href="/graph/links"' in page and 'href="/graph/codelists"' in page
    # a link to the query UI with a DESCRIBE of it
    describe = "/?query=" + quote(f"DESCRIBE <{B}id/nuts/ITC4>", safe="")
    assert f'href="{describe}"' in page
    assert "Accept" in r.headers["Vary"]


def test_describe_link_opens_a_describe_query(server):
    page = get(server + "/id/nuts/ITC4", BROWSER).text
    start = page.index('href="/?query=') + len('href="/?query=')
    query = unquote(page[start:page.index('"', start)])
    assert query == f"DESCRIBE <{B}id/nuts/ITC4>"


@pytest.mark.parametrize(
    ("path", "accept", "media", "rdflib_format"),
    [
        ("/id/nuts/ITC4", "text/turtle", "text/turtle", "turtle"),
        ("/id/nuts/ITC4", None, "text/turtle", "turtle"),  # curl's */*: machines first
        ("/id/nuts/ITC4", "application/ld+json", "application/ld+json", "json-ld"),
        ("/id/nuts/ITC4", "application/n-triples", "application/n-triples", "nt"),
        ("/id/nuts/ITC4", "application/rdf+xml", "application/rdf+xml", "xml"),
        ("/id/nuts/ITC4.ttl", BROWSER, "text/turtle", "turtle"),  # the suffix wins over Accept
        ("/id/nuts/ITC4.jsonld", None, "application/ld+json", "json-ld"),
        ("/id/nuts/ITC4.nt", None, "application/n-triples", "nt"),
    ],
)
def test_resource_rdf_by_accept_and_suffix(server, path, accept, media, rdflib_format):
    r = get(server + path, accept)
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == media
    g = rdflib.Graph().parse(data=r.text, format=rdflib_format)
    itc4 = rdflib.URIRef(B + "id/nuts/ITC4")
    assert (itc4, SKOS.exactMatch, NUTS["ITC4"]) in g  # outgoing, from graph/links
    assert (itc4, SKOS.prefLabel, rdflib.Literal("Test Lombardy", lang="en")) in g
    assert (rdflib.URIRef(B + "id/it/2023/observation/x1"), rdflib.URIRef(ONT + "#locatedIn"), itc4) in g  # incoming


def test_turtle_uses_the_project_prefixes(server):
    text = get(server + "/id/nuts/ITC4.ttl").text
    assert "@prefix skos: <http://www.w3.org/2004/02/skos/core#>" in text and "skos:exactMatch" in text


def test_html_suffix_gives_html_even_to_machines(server):
    r = get(server + "/id/nuts/ITC4.html", "text/turtle")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")


def test_unknown_iri_is_404_in_the_one_error_shape(server):
    r = get(server + "/id/nuts/ZZ99", "application/json")
    assert r.status_code == 404
    body = r.json()["error"]
    assert body["status"] == 404 and body["iri"] == B + "id/nuts/ZZ99" and "not in the graph" in body["detail"]
    r = get(server + "/id/nuts/ZZ99", BROWSER)
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("text/html") and "not in the graph" in r.text
    assert get(server + "/id/nuts/ZZ99.ttl").status_code == 404


def test_unacceptable_accept_is_406(server):
    r = get(server + "/id/nuts/ITC4", "image/png")
    assert r.status_code == 406
    assert "text/turtle" in r.json()["error"]["available"]


def test_values_are_escaped(server):
    page = get(server + "/id/it/2023/observation/x1", BROWSER).text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in page


def test_skolem_iris_resolve(server):
    r = get(server + "/.well-known/genid/abc123", "text/turtle")
    assert r.status_code == 200 and "a skolemised node" in r.text
    assert get(server + "/.well-known/genid/nope", "text/turtle").status_code == 404


# --- named graphs ------------------------------------------------------------------------------


def test_named_graph_rdf_is_its_triples(server):
    r = get(server + "/graph/links.nt")
    assert r.status_code == 200
    g = rdflib.Graph().parse(data=r.text, format="nt")
    assert (rdflib.URIRef(B + "id/country/EL"), SKOS.exactMatch, rdflib.URIRef("http://publications.europa.eu/resource/authority/country/GRC")) in g
    assert not any(str(p).endswith("prefLabel") for p in g.predicates())  # labels live in graph/codelists


def test_named_graph_html_lists_its_subjects(server):
    r = get(server + "/graph/codelists", BROWSER)
    assert r.status_code == 200
    assert 'href="/id/nuts/ITC4"' in r.text and "Test Lombardy" in r.text
    assert '<span class="eccp-triple-count">4</span>' in r.text


def test_unknown_graph_is_404(server):
    r = get(server + "/graph/xx/1999", "application/json")
    assert r.status_code == 404 and "not a named graph" in r.json()["error"]["detail"]


# --- ontology --------------------------------------------------------------------------------


def test_ontology_html_is_pylode_documentation_and_safe(server):
    r = get(server + "/ontology", BROWSER)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "Test region class" in r.text and "located in" in r.text and "pyLODE" in r.text
    assert "<script>alert" not in r.text  # the comment is shown, not run
    assert "&lt;script&gt;" in r.text
    assert "script-src 'none'" in r.headers["Content-Security-Policy"]
    # the term IRIs our pages link to (/ontology#Region) land on the term, not on a label-made anchor
    assert 'id="Region"' in r.text and 'id="locatedIn"' in r.text


def test_ontology_turtle_by_accept_suffix_and_version_iri(server):
    for path, accept in (("/ontology", "text/turtle"), ("/ontology.ttl", None), ("/ontology/0.1.0", "text/turtle")):
        r = get(server + path, accept)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle"), path
        g = rdflib.Graph().parse(data=r.text, format="turtle")
        assert (rdflib.URIRef(ONT + "#Region"), rdflib.RDFS.label, rdflib.Literal("Test region class", lang="en")) in g
    assert get(server + "/ontology/9.9.9", "application/json").status_code == 404


def test_no_ontology_anywhere_is_404(tmp_path):
    store = ox.Store()
    store.load(f"<{B}id/x> <{B}id/y> <{B}id/z> <{B}graph/meta> .".encode(), format=ox.RdfFormat.N_QUADS)
    app = create_app({"TESTING": True, "IN_PROCESS": True, "BASE_IRI": B, "ONTOLOGY_DIR": str(tmp_path)}, store=store)
    with running(app) as url:
        r = get(url + "/ontology", "application/json")
    assert r.status_code == 404 and "no ontology" in r.json()["error"]["detail"]


# --- dataset description --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/dataset", "/.well-known/void", "/dataset.ttl"])
def test_dataset_description_rdf(server, path):
    r = get(server + path, "text/turtle")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    ds = rdflib.URIRef(B + "id/dataset")
    assert (ds, rdflib.RDF.type, rdflib.URIRef("http://rdfs.org/ns/void#Dataset")) in g
    assert (ds, rdflib.URIRef("http://purl.org/dc/terms/license"), rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")) in g
    # the link sets' descriptions come along from graph/links, but not the links themselves
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    nuts_ls = rdflib.URIRef(B + "id/dataset/linkset/nuts")
    assert (ds, void.subset, nuts_ls) in g and (nuts_ls, void.linkPredicate, SKOS.exactMatch) in g
    assert not list(g.triples((None, SKOS.exactMatch, None)))


def test_dataset_description_jsonld_and_html(server):
    r = get(server + "/.well-known/void", "application/ld+json")
    assert r.status_code == 200
    assert any("Test dataset" in json.dumps(item) for item in r.json())
    page = get(server + "/dataset", BROWSER).text
    assert "Test dataset" in page and 'href="https://creativecommons.org/licenses/by/4.0/"' in page
    assert "Regions to EU NUTS 2021 codes" in page  # a void:Linkset from graph/links
    assert 'href="/download/eccp-kg.ttl"' in page


# --- downloads ------------------------------------------------------------------------------


def test_download_index_and_files(server):
    page = get(server + "/download/").text
    assert "eccp-kg.ttl" in page and "eccp-kg.nq" in page and "secret" not in page
    r = get(server + "/download/eccp-kg.nq")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/n-quads")
    assert r.text == "<urn:a> <urn:b> <urn:c> <urn:g> .\n"
    assert get(server + "/download/eccp-kg.ttl").headers["Content-Type"].startswith("text/turtle")


def test_jsonld_context_is_published_for_the_dump(server):
    """The @context the JSON-LD dump names by IRI, served at base + ns/context.jsonld, CORS-open."""
    r = get(server + "/ns/context.jsonld")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/ld+json")
    assert r.headers["Access-Control-Allow-Origin"] == "*" and r.headers.get("ETag")
    context = r.json()["@context"]
    assert context["eccp"] == "https://w3id.org/eccp-kg/ontology#" and context["skos"] == "http://www.w3.org/2004/02/skos/core#"
    again = requests.get(server + "/ns/context.jsonld", headers={"If-None-Match": r.headers["ETag"]}, timeout=30)
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/download/../secret.txt",
        "/download/%2e%2e/secret.txt",
        "/download/..%2fsecret.txt",
        "/download/%2e%2e%2fsecret.txt",
        "/download/..%5csecret.txt",
        "/download//etc/passwd",
        "/download/%2fetc%2fpasswd",
        "/download/nope.ttl",
        "/download/.hidden",
    ],
)
def test_download_refuses_traversal_and_unknown_files(server, path):
    # requests would normalise "..": send the path as written
    session = requests.Session()
    req = requests.Request("GET", server + "/download/x").prepare()
    req.url = server + path
    r = session.send(req, timeout=30, allow_redirects=False)
    if r.status_code == 308:  # werkzeug merges "//" first; the merged path must still be refused
        assert r.headers["Location"].startswith(server + "/download/")
        r = get(r.headers["Location"])
    assert r.status_code == 404, (r.status_code, r.headers.get("Location"))
    assert "TOP-SECRET" not in r.text and "root:" not in r.text


def test_downloads_without_a_dumps_folder_are_an_empty_list(tmp_path):
    app = create_app({"TESTING": True, "IN_PROCESS": True, "BASE_IRI": B, "DUMPS_DIR": str(tmp_path / "none")}, store=make_store())
    with running(app) as url:
        assert "No dumps" in get(url + "/download/").text
        assert get(url + "/download/eccp-kg.ttl", "application/json").status_code == 404


# --- the configured base IRI -----------------------------------------------------------------


@pytest.mark.parametrize("configured", [True, False], ids=["--base-iri", "read-from-the-data"])
def test_another_base_iri_maps_to_the_same_server_paths(configured):
    """The base comes from --base-iri when given, else from the served data's own B graph/meta."""
    base = "https://example.org/kg/"
    config = {"BASE_IRI": base} if configured else {}
    app = create_app({"TESTING": True, "IN_PROCESS": True, **config}, store=make_store(base))
    with running(app) as url:
        r = get(url + "/id/nuts/ITC4", "text/turtle")
        assert r.status_code == 200
        g = rdflib.Graph().parse(data=r.text, format="turtle")
        assert (rdflib.URIRef(base + "id/nuts/ITC4"), SKOS.exactMatch, NUTS["ITC4"]) in g
        page = get(url + "/id/nuts/ITC4", BROWSER).text
        assert 'href="/id/it/2023/observation/x1"' in page and 'href="/graph/links"' in page
        assert get(url + "/graph/links.ttl").status_code == 200
        # the default base's IRIs are not this server's
        assert get(url + "/id/nuts/ZZ99", "text/turtle").status_code == 404


def test_triples_in_the_default_graph_resolve_too():
    """`eccp-kg serve --data file.ttl` puts triples in the store's default graph, not a named one."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(B + "id/x/only-default"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Only here")))
    app = create_app({"TESTING": True, "IN_PROCESS": True, "BASE_IRI": B}, store=store)
    with running(app) as url:
        r = get(url + "/id/x/only-default", BROWSER)
        assert r.status_code == 200 and "Only here" in r.text and "default graph" in r.text
        assert "Only here" in get(url + "/id/x/only-default.nt").text


def test_pages_revalidate_with_etag_until_the_next_build(server):
    first = get(server + "/id/nuts/ITC4", "text/turtle")
    assert first.headers["ETag"] and "max-age" in first.headers["Cache-Control"]
    again = requests.get(server + "/id/nuts/ITC4", headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]}, timeout=30)
    assert again.status_code == 304 and again.content == b""
    html = get(server + "/id/nuts/ITC4", BROWSER)
    assert html.headers["ETag"] != first.headers["ETag"]  # another representation, another tag
    stale = requests.get(server + "/id/nuts/ITC4", headers={"Accept": "text/turtle", "If-None-Match": '"other-build"'}, timeout=30)
    assert stale.status_code == 200 and stale.text == first.text
    assert "ETag" not in get(server + "/id/nuts/ZZ99", "text/turtle").headers  # errors are not cached
