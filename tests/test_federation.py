"""Federation (issue 4): a REAL second SPARQL server (the Oxigraph server from PyPI, on 127.0.0.1)
holds a small sample of the EU's NUTS / NACE graphs and of Wikidata's NUTS codes; our real
server (`eccp-kg serve`, with that endpoint on its SERVICE allowlist) joins our regions and NACE
divisions with it through the link set, running the example queries of queries/linking/ exactly
as docs/linking.md shows them, with only the public endpoint IRIs swapped for the local one."""
from __future__ import annotations

import csv
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests

from eccp_kg import loaders
from eccp_kg.data import PATH as DATA_DIR
from eccp_kg.graph.iris import Minter
from eccp_kg.graph.namespaces import SKOS
from eccp_kg.loaders.links import load_links
from eccp_kg.queries import PATH as QUERIES_DIR

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "linking"
SAMPLES = (FIXTURES / "nuts-sample.trig", FIXTURES / "nace-sample.ttl", FIXTURES / "wikidata-sample.ttl")
LINKING = QUERIES_DIR / "linking"
DATA_LINKS = Path(__file__).resolve().parent.parent / "data" / "links"
#: The public endpoints the example queries are written for (docs/linking.md).
EU_ODP = "https://data.europa.eu/data/sparql"  # the EU open data portal (NUTS graph)
CELLAR = "https://publications.europa.eu/webapi/rdf/sparql"  # the Publications Office (NACE Rev. 2)
WIKIDATA = "https://query.wikidata.org/sparql"
PUBLIC = (EU_ODP, CELLAR, WIKIDATA)
OXIGRAPH = str(Path(sys.executable).with_name("oxigraph"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    """`oxigraph serve` over the samples (loaded first with `oxigraph load`); yields its query URL."""
    location = tmp_path_factory.mktemp("oxigraph") / "db"
    subprocess.run([OXIGRAPH, "load", "--location", str(location), "--file", *map(str, SAMPLES)],
                   check=True, capture_output=True, timeout=120)
    port = _free_port()
    log = (location.parent / "oxigraph.log").open("wb")
    proc = subprocess.Popen([OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(600):  # readiness poll, not a timed assertion
            if proc.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited: {(location.parent / 'oxigraph.log').read_text()}")
            try:
                if requests.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()


@pytest.fixture(scope="module")
def our_data(tmp_path_factory) -> Path:
    """Our graph as the build lays it out (code lists, the edition, the link set), as N-Quads."""
    minter = Minter.default()
    store = ox.Store()
    graphs = {minter.graph("codelists"): loaders.load_codelists(DATA_DIR, minter), minter.graph("links"): load_links(DATA_DIR, minter)}
    for edition in loaders.discover_editions(DATA_DIR):
        graphs[minter.for_edition(edition.country, edition.edition).edition_graph()] = loaders.load_edition(edition, minter)
    for name, graph in graphs.items():
        store.load(graph.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
    path = tmp_path_factory.mktemp("ours") / "eccp-kg.nq"
    store.dump(str(path), format=ox.RdfFormat.N_QUADS)
    return path


@pytest.fixture(scope="module")
def ours(our_data, remote, start_server, tmp_path_factory):
    """Our real server with the remote endpoint (and only it) on the SERVICE allowlist."""
    server = start_server(["--data", str(our_data), "--workers", "1", "--service-allowlist", remote], tmp_path_factory.mktemp("serve"))
    try:
        yield server.url
    finally:
        server.stop()


def run_example(ours: str, remote: str, name: str) -> list[dict[str, str]]:
    """Run queries/linking/NAME.rq on our server, public endpoints pointed at the local sample."""
    text = (LINKING / name).read_text(encoding="utf-8")
    assert any(endpoint in text for endpoint in PUBLIC), f"{name} names no public endpoint"
    for endpoint in PUBLIC:
        text = text.replace(endpoint, remote)
    r = requests.post(ours + "/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"}, timeout=120)
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def sample() -> rdflib.Dataset:
    g = rdflib.Dataset()
    for path in SAMPLES:
        g.parse(path)
    return g


def test_every_linking_query_states_its_question_and_is_tested_here():
    files = sorted(p.name for p in LINKING.glob("*.rq"))
    assert files == ["eu-nace-titles.rq", "eu-nuts-names.rq", "links-by-kind.rq", "wikidata-nuts-codes.rq"]
    for name in files:
        assert (LINKING / name).read_text(encoding="utf-8").startswith("# Question: ")


def test_remote_is_a_real_sparql_server(remote):
    r = requests.get(remote, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                     headers={"Accept": "application/sparql-results+json"}, timeout=30)
    # the default graph of `oxigraph serve` is not the union: the NUTS sample is in its named graph
    wikidata_and_nace = sum(1 for q in sample().quads() if str(q[3]) != "http://data.europa.eu/nuts")
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == wikidata_and_nace


def test_our_graph_alone_has_no_eu_names(ours):
    """Negative control: the EU names in the joined results can only come from the remote."""
    q = 'ASK { ?s ?p "Lombardia" }'
    r = requests.get(ours + "/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert r.status_code == 200 and r.json()["boolean"] is False


def test_regions_join_eu_nuts_names_through_the_link_set(ours, remote):
    rows = run_example(ours, remote, "eu-nuts-names.rq")
    g = sample()
    expected = {str(s).rsplit("/", 1)[1]: str(o) for s, _, o, _ in g.quads((None, SKOS.prefLabel, None, None)) if "/nuts/code/" in str(s)}
    got = {r["code"]: r["nutsName"] for r in rows}
    assert got == expected  # all 21 Italian NUTS-2 regions of the factsheet
    lombardy = next(r for r in rows if r["code"] == "ITC4")
    assert (lombardy["printedName"], lombardy["nutsName"]) == ("Lombardy", "Lombardia")


def test_nace_divisions_join_eu_titles_and_sections(ours, remote):
    rows = run_example(ours, remote, "eu-nace-titles.rq")
    by_code = {r["code"]: r for r in rows}
    assert len(rows) == len(by_code) == 16
    assert by_code["C14"]["naceTitle"] == "Manufacture of wearing apparel"
    assert by_code["C14"]["sectionTitle"] == "Manufacturing"
    assert by_code["T97"]["sectionTitle"].startswith("Activities of households as employers")


def test_wikidata_agrees_with_our_region_links(ours, remote):
    rows = run_example(ours, remote, "wikidata-nuts-codes.rq")
    assert len(rows) == 20 and "ITH2" not in {r["code"] for r in rows}  # Trento: no confirmed item, no link
    assert all(r["agrees"] == "true" for r in rows)
    assert {r["code"]: r["item"] for r in rows}["ITC4"] == "http://www.wikidata.org/entity/Q1210"


def test_linkset_descriptions_query_runs_locally(ours):
    text = (LINKING / "links-by-kind.rq").read_text(encoding="utf-8")
    r = requests.post(ours + "/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"}, timeout=60)
    rows = {b["linkset"]["value"].rsplit("/", 1)[1]: int(b["triples"]["value"]) for b in r.json()["results"]["bindings"]}
    links = {name: list(csv.DictReader((DATA_LINKS / f"{name}.csv").open(encoding="utf-8")))
             for name in ("nuts_regions", "nace_divisions", "countries")}
    linked = {name: sum(1 for row in table if row["authority_iri"]) for name, table in links.items()}
    wikidata = sum(1 for name in ("nuts_regions", "countries") for row in links[name] if row["wikidata_qid"])
    assert {kind: rows.get(kind) for kind in ("nuts", "nace", "country", "wikidata")} == {"nuts": linked["nuts_regions"], "nace": linked["nace_divisions"],
                    "country": linked["countries"], "wikidata": wikidata}


def test_endpoint_not_on_the_allowlist_is_refused_and_never_called(ours, remote):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.setblocking(False)
        other = f"http://127.0.0.1:{listener.getsockname()[1]}/query"
        text = (LINKING / "eu-nuts-names.rq").read_text(encoding="utf-8").replace(EU_ODP, other)
        r = requests.post(ours + "/sparql", data={"query": text}, headers={"Accept": "application/json"}, timeout=60)
        assert r.status_code == 403
        assert other in r.json()["error"]["detail"] and "allowlist" in r.json()["error"]["detail"]
        with pytest.raises(BlockingIOError):
            listener.accept()
    # the public endpoint itself is not on this server's allowlist either: nothing leaves the machine
    text = (LINKING / "eu-nuts-names.rq").read_text(encoding="utf-8")
    assert requests.post(ours + "/sparql", data={"query": text}, timeout=60).status_code == 403


def test_the_example_in_docs_is_the_query_file():
    docs = (Path(__file__).resolve().parent.parent / "docs" / "linking.md").read_text(encoding="utf-8")
    block = docs.split("```sparql\n", 1)[1].split("```", 1)[0]
    text = (LINKING / "eu-nuts-names.rq").read_text(encoding="utf-8")
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
    assert block == body
