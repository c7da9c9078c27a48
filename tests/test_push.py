"""`eccp-kg push`: a build goes into real remote stores through the SPARQL 1.1 Graph Store Protocol.

The engines are the real ones, started on free 127.0.0.1 ports by bench/servers.py: the Oxigraph
server (PyPI `oxigraph`, GSP at /store, no auth) and Virtuoso Open Source 7 (Debian's
virtuoso-opensource, private database, GSP at /sparql-graph-crud-auth with digest auth). What lands
is read back with SPARQL through each engine's own query endpoint. HTTP basic auth is checked against
a small Graph Store stand-in, because neither engine here asks for basic."""
from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from bench import servers
from eccp_kg.data import PATH as DATA
from eccp_kg.pipeline import build_graph

pytestmark = pytest.mark.slow
ENGINES = ("oxigraph", "virtuoso")
COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@pytest.fixture(scope="module")
def engine(request: pytest.FixtureRequest):
    """One running engine per module and name (started on first use, stopped at the end)."""
    started: dict[str, tuple[object, servers.Server]] = {}

    def get(name: str) -> servers.Server:
        if name not in started:
            context = servers.virtuoso() if name == "virtuoso" else servers.oxigraph_store()
            started[name] = (context, context.__enter__())
        return started[name][1]

    yield get
    for context, _server in started.values():
        context.__exit__(None, None, None)


def credentials(server: servers.Server) -> list[str]:
    return ["--user", servers.VIRTUOSO_USER[0], "--password", servers.VIRTUOSO_USER[1]] if server.name == "virtuoso" else []


def push(server: servers.Server | None, build: Path, *extra: str, url: str | None = None) -> subprocess.CompletedProcess:
    target = url or servers.gsp_url(server)  # type: ignore[arg-type]
    cmd = [servers.venv_tool("eccp-kg"), "push", target, "--store", str(build / "store"), *extra]
    if server is not None and url is None:
        cmd += credentials(server)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def remote_graphs(server: servers.Server, base: str) -> dict[str, int]:
    """Triples per named graph under our base IRI (Virtuoso keeps system graphs of its own besides)."""
    answer = requests.post(server.endpoint, data={"query": COUNTS},
                           headers={"Accept": "application/sparql-results+json"}, timeout=60)
    answer.raise_for_status()
    rows = answer.json()["results"]["bindings"]
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows if r["g"]["value"].startswith(base)}


def info(build: Path) -> dict:
    return json.loads((build / "build-info.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def second_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real data plus a copy of it/2023 filed as it/2099: one more named graph than the real build."""
    root = tmp_path_factory.mktemp("second-build")
    data = root / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    shutil.copytree(data / "it/2023", data / "it/2099")
    toml = data / "it/2099/factsheet.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('edition = "2023"', 'edition = "2099"'), encoding="utf-8")
    return Path(build_graph(root / "build", data_dir=data).out_dir)


@pytest.mark.parametrize("name", ENGINES)
def test_push_keeps_graph_names_and_twice_leaves_the_same_store(name: str, engine, served_build: Path) -> None:
    server = engine(name)
    expected = info(served_build)
    first = push(server, served_build)
    assert first.returncode == 0, first.stderr
    assert f"pushed {expected['triples']} triples in {len(expected['graphs'])} graphs" in first.stdout
    assert "[1/" in first.stderr and "PUT <" + expected["base_iri"] in first.stderr  # progress, one line per graph
    assert remote_graphs(server, expected["base_iri"]) == expected["graphs"]
    again = push(server, served_build)
    assert again.returncode == 0, again.stderr
    assert remote_graphs(server, expected["base_iri"]) == expected["graphs"]
    # the build id travels in B graph/meta, for servers that serve the remote store
    query = f"SELECT ?v WHERE {{ GRAPH <{expected['base_iri']}graph/meta> {{ ?d <http://www.w3.org/2002/07/owl#versionInfo> ?v }} }}"
    answer = requests.post(server.endpoint, data={"query": query}, headers={"Accept": "application/sparql-results+json"},
                           timeout=60).json()
    assert [b["v"]["value"] for b in answer["results"]["bindings"]] == [expected["build_id"]]


@pytest.mark.parametrize("name", ENGINES)
def test_a_new_build_replaces_the_old_ones_graphs(name: str, engine, served_build: Path, second_build: Path) -> None:
    server = engine(name)
    bigger, real = info(second_build), info(served_build)
    assert set(bigger["graphs"]) - set(real["graphs"]) == {real["base_iri"] + "graph/it/2099"}
    assert push(server, second_build).returncode == 0
    assert remote_graphs(server, real["base_iri"]) == bigger["graphs"]
    back = push(server, served_build)
    assert back.returncode == 0, back.stderr
    assert "DELETE <" + real["base_iri"] + "graph/it/2099>" in back.stderr
    assert "1 old graph(s) deleted" in back.stdout
    assert remote_graphs(server, real["base_iri"]) == real["graphs"]


def test_wrong_password_names_the_graph_and_the_engines_answer(engine, served_build: Path) -> None:
    server = engine("virtuoso")
    done = push(None, served_build, "--user", "dba", "--password", "not-the-password", url=servers.gsp_url(server))
    assert done.returncode == 1
    meta = info(served_build)["base_iri"] + "graph/meta"
    assert f"eccp-kg push: error: GET <{meta}> at {servers.gsp_url(server)}?graph=" in done.stderr
    assert "the engine answered HTTP 401" in done.stderr


def test_an_engine_refusing_a_request_is_named(engine, served_build: Path) -> None:
    server = engine("oxigraph")  # its query endpoint is no Graph Store
    done = push(None, served_build, url=server.endpoint)
    assert done.returncode == 1
    assert "the engine answered HTTP 4" in done.stderr and "graph/meta>" in done.stderr


def test_an_unreachable_store_is_named(served_build: Path) -> None:
    url = f"http://127.0.0.1:{servers.free_port()}/store"
    done = push(None, served_build, url=url)
    assert done.returncode == 1
    assert f"at {url}?graph=" in done.stderr and "cannot reach the Graph Store" in done.stderr


def test_bad_arguments_are_refused(served_build: Path) -> None:
    done = push(None, served_build, "--user", "dba", url="http://127.0.0.1:1/store")
    assert done.returncode == 1 and "--user and --password go together" in done.stderr
    done = push(None, served_build, url="ftp://example.org/store")
    assert done.returncode == 1 and "expected an http:// or https:// Graph Store URL" in done.stderr
    done = push(None, served_build.parent / "nowhere", url="http://127.0.0.1:1/store")
    assert done.returncode == 1 and "--store:" in done.stderr


class BasicGraphStore(BaseHTTPRequestHandler):
    """A Graph Store that asks for HTTP basic auth (user u, password p) and keeps PUT bodies in memory."""

    graphs: dict[str, bytes] = {}
    challenges = 0
    unsigned_puts = 0

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _graph(self) -> str:
        return parse_qs(urlsplit(self.path).query)["graph"][0]

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") == "Basic " + base64.b64encode(b"u:p").decode():
            return True
        if self.command == "PUT":
            type(self).unsigned_puts += 1
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        type(self).challenges += 1
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="test"')
        self.send_header("Content-Length", "0")
        self.end_headers()
        return False

    def do_GET(self) -> None:
        if self._authorised():
            body = self.graphs.get(self._graph())
            self.send_response(404 if body is None else 200)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

    def do_PUT(self) -> None:
        if self._authorised():
            self.graphs[self._graph()] = self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()


def test_basic_auth_when_the_engine_asks_for_it(served_build: Path) -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BasicGraphStore)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/store"
        done = push(None, served_build, "--user", "u", "--password", "p", url=url)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert done.returncode == 0, done.stderr
    assert set(BasicGraphStore.graphs) == set(info(served_build)["graphs"])
    assert BasicGraphStore.challenges == 1  # only the first (bodiless) request was challenged
    assert BasicGraphStore.unsigned_puts == 0
