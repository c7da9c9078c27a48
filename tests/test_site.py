"""One site (issue 12, part 7), in-process over the REAL build: every HTML page has the same header
and navigation, a favicon, a viewport; /dataset is a compact summary; SHACL shapes resolve at
their IRIs; error pages are pages of the site; and the small bugs the issue lists stay fixed."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import html5lib
import pyoxigraph as ox
import pytest

from eccp_kg.server.site import NAV
from tests.exploring import explore_client, store_dir  # noqa: F401  (fixtures)

HTML = {"Accept": "text/html"}
PAGES = ["/", "/queries", "/explore", "/explore/regions", "/dataset", "/ontology", "/shapes", "/id/nuts/ITC4",
         "/graph/it/2023", "/download/", "/no/such/page", "/explore/partnerships?programme=nope"]
VOID = "http://rdfs.org/ns/void#"


def parse(response):
    return html5lib.parse(response.get_data(as_text=True), namespaceHTMLElements=False)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_site_header_viewport_and_favicon(explore_client, path):
    r = explore_client.get(path, headers=HTML)
    assert r.mimetype == "text/html", path
    doc = parse(r)
    headers = doc.findall(".//header[@class='eccp-header']")
    assert len(headers) == 1, path
    links = [a.get("href") for a in headers[0].findall(".//nav[@class='eccp-nav']//a")]
    assert links == [target for _, target in NAV], path
    assert doc.find(".//meta[@name='viewport']") is not None, path
    icon = doc.find(".//link[@rel='icon']")
    assert icon is not None and explore_client.get(icon.get("href")).status_code == 200, path
    sheets = [link.get("href") for link in doc.findall(".//link[@rel='stylesheet']")]
    assert "/static/site/site.css" in sheets, path
    assert len(doc.findall(".//h1")) >= 1 and doc.find(".//main") is not None, path


def test_navigation_marks_the_section_and_every_link_answers(explore_client):
    doc = parse(explore_client.get("/explore/regions", headers=HTML))
    current = [a.text for a in doc.findall(".//nav[@class='eccp-nav']//a[@aria-current]")]
    assert current == ["Explore"]
    for _, target in NAV:
        headers = {"Accept": "text/turtle"} if target == "/sparql" else HTML
        assert explore_client.get(target, headers=headers).status_code == 200, target


def test_favicon_ico_answers(explore_client):
    r = explore_client.get("/favicon.ico")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml" and b"<svg" in r.data


def test_error_page_is_a_site_page_with_lists_read_as_text(explore_client):
    r = explore_client.get("/explore/partnerships?programme=nope", headers=HTML)
    assert r.status_code == 400
    doc = parse(r)
    dd = {dt.text: dd.text for dt, dd in zip(doc.findall(".//dt"), doc.findall(".//dd"))}
    assert dd["allowed"] == "escp, innosup-1, euroclusters"  # not ['escp', ...]
    assert "[" not in r.get_data(as_text=True).split("<main", 1)[1]
    assert "Back to the query page" not in r.get_data(as_text=True)


def test_ontology_page_is_framed_with_one_title(explore_client):
    r = explore_client.get("/ontology", headers=HTML)
    doc = parse(r)
    titles = ["".join(h.itertext()) for h in doc.findall(".//h1")]
    assert len(titles) == 1 and "eccp-kg ontology" in titles[0]
    assert titles[0].count("eccp-kg ontology") == 1  # the label is not run into the title any more
    assert "/static/site/ontology.css" in [link.get("href") for link in doc.findall(".//link[@rel='stylesheet']")]


# --- /dataset --------------------------------------------------------------------------------
def void_value(store_dir: Path, prop: str) -> int:
    store = ox.Store.read_only(str(store_dir))
    q = f"SELECT ?n WHERE {{ GRAPH ?g {{ ?d a <{VOID}Dataset> ; <{VOID}{prop}> ?n FILTER NOT EXISTS {{ ?x <{VOID}subset> ?d }} }} }}"
    return int(next(iter(store.query(q)))["n"].value)


def test_dataset_page_is_a_compact_summary(explore_client, store_dir):
    r = explore_client.get("/dataset", headers=HTML)
    body = r.get_data(as_text=True)
    doc = parse(r)
    h1 = doc.findall(".//h1")
    assert len(h1) == 1 and "knowledge graph" in "".join(h1[0].itertext())
    assert len(doc.findall(".//h2")) <= 8  # a summary, not one heading per partition (~200 before)
    facts = {dt.text: "".join(dd.itertext()) for dt, dd in zip(doc.findall(".//dl[@id='dataset-facts']/dt"),
                                                                 doc.findall(".//dl[@id='dataset-facts']/dd"))}
    assert "creativecommons.org/licenses/by/4.0" in facts["Licence"]
    assert "sparql" in facts["SPARQL endpoint"]
    classes = doc.findall(".//table[@id='classes']/tbody/tr")
    properties = doc.findall(".//table[@id='properties']/tbody/tr")
    assert len(classes) == void_value(store_dir, "classes")
    assert len(properties) == void_value(store_dir, "properties")
    counts = [int("".join(tr[1].itertext())) for tr in properties]
    assert counts == sorted(counts, reverse=True)
    downloads = [a.get("href") for a in doc.findall(".//ul[@id='distributions']//a")]
    assert downloads and all(explore_client.get(h).status_code == 200 for h in downloads)
    assert len(body) < 80_000


# --- SHACL shapes at their IRIs ---------------------------------------------------------------
def test_every_shape_a_validation_result_names_resolves(explore_client, store_dir):
    store = ox.Store.read_only(str(store_dir))
    shapes = {r["s"].value for r in store.query(
        "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?r <http://www.w3.org/ns/shacl#sourceShape> ?s FILTER(isIRI(?s)) } }")}
    assert shapes, "the build's validation graph names no shape"
    doc = parse(explore_client.get("/shapes", headers=HTML))
    anchors = {el.get("id") for el in doc.iter() if el.get("id")}
    for iri in shapes:
        assert iri.startswith("https://w3id.org/eccp-kg/shapes#"), iri
        assert iri.split("#", 1)[1] in anchors, iri
    turtle = explore_client.get("/shapes.ttl")
    assert turtle.mimetype == "text/turtle" and "sh:NodeShape" in turtle.get_data(as_text=True)


def test_validation_result_pages_link_shapes_that_resolve(explore_client, store_dir):
    store = ox.Store.read_only(str(store_dir))
    results = [r["r"].value for r in store.query(
        "SELECT DISTINCT ?r WHERE { GRAPH ?g { ?r <http://www.w3.org/ns/shacl#sourceShape> ?s FILTER(isIRI(?r)) } } LIMIT 3")]
    assert results, "validation results are not IRIs with pages"
    anchors = {el.get("id") for el in parse(explore_client.get("/shapes", headers=HTML)).iter() if el.get("id")}
    base = "https://w3id.org/eccp-kg/"
    links = set()
    for iri in results:
        path = "/" + iri[len(base):] if iri.startswith(base) else None
        assert path, iri
        page = parse(explore_client.get(path, headers=HTML))
        links |= {a.get("href") for a in page.iter("a") if (a.get("href") or "").startswith("/shapes#")}
    assert links and all(h.split("#", 1)[1] in anchors for h in links)


# --- bugs the issue lists ---------------------------------------------------------------------
def test_406_available_lists_the_formats_the_detail_names(explore_client):
    r = explore_client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "format": "csv"})
    err = r.get_json()["error"]
    assert r.status_code == 406 and "CONSTRUCT" in err["detail"]
    assert "text/turtle" in err["available"] and not any("sparql-results" in m for m in err["available"])
    r = explore_client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"},
                           headers={"Accept": "text/turtle"})
    err = r.get_json()["error"]
    assert r.status_code == 406 and "application/sparql-results+json" in err["available"]
    assert "text/turtle" not in err["available"]


def test_timeout_message_says_stopped_once():
    from eccp_kg.server.evaluator import timeout_outcome

    detail = timeout_outcome("it did not finish within 3 s", 3).detail
    assert detail.count("stopped") == 1
    pool = (Path(__file__).resolve().parent.parent / "server" / "pool.py").read_text(encoding="utf-8")
    assert "and was stopped\", timeout)" not in pool


def test_report_without_store_does_not_suggest_an_option_it_lacks(tmp_path):
    script = Path(sys.executable).with_name("eccp-kg")
    done = subprocess.run([str(script), "report", "--out", str(tmp_path / "r"), "--store", str(tmp_path / "none")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "--data" not in done.stderr and "eccp-kg build" in done.stderr


def test_a_closed_pipe_ends_the_cli_quietly(monkeypatch, capsys):
    from eccp_kg import cli

    def closed(args):
        raise BrokenPipeError(32, "Broken pipe")

    parser = cli.build_parser()
    args = parser.parse_args(["report", "--out", "x"])
    args.func = closed
    monkeypatch.setattr(cli, "build_parser", lambda: type("P", (), {"parse_args": lambda self, argv: args})())
    assert cli.main(["report", "--out", "x"]) == 141
    assert "Traceback" not in capsys.readouterr().err


def test_query_cli_into_a_closed_pipe_prints_no_traceback(store_dir):
    script = Path(sys.executable).with_name("eccp-kg")
    proc = subprocess.Popen([str(script), "query", "--store", str(store_dir), "--format", "ntriples",
                             "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(10)
    proc.stdout.close()  # like `| head -c 10`
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert proc.returncode in (0, 141)


