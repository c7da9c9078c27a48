"""The backend seam over the Oxigraph server: every differential test of tests/backend_differential.py with
the build pushed into `oxigraph serve --union-default-graph`, plus what concerns this engine alone (an
Oxigraph server holding more than the build) and the checks that need no engine."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import requests

from bench import servers
from tests.backend_differential import *  # noqa: F403  (the shared tests and the `sites` fixture, collected here)
from tests.backend_differential import QUERY_FILES, backend_fixture, post, serve

pytestmark = pytest.mark.slow
backend = backend_fixture("oxigraph")


def test_the_compared_queries_have_answers(sites: dict[str, str]) -> None:
    """Equal empty answers prove nothing: all but the queries that compare two editions (the build has
    one) must return rows."""
    empty = [p.name for p in QUERY_FILES if "SELECT" in p.read_text(encoding="utf-8")
             and not post(sites["embedded"], p.read_text(encoding="utf-8")).json()["results"]["bindings"]]
    assert len(empty) <= 2, empty


def test_an_engine_holding_another_graph_gets_the_builds_graphs_named(served_build: Path, sites: dict[str, str]) -> None:
    """An Oxigraph server whose union default graph holds more than the build (one graph more) is not
    asked with its own default graph: the answers stay the embedded store's."""
    with servers.oxigraph_store() as engine:
        pushed = subprocess.run([servers.venv_tool("eccp-kg"), "push", servers.gsp_url(engine), "--store",
                                 str(served_build / "store"), "--quiet"], capture_output=True, text=True)
        assert pushed.returncode == 0, pushed.stderr
        extra = requests.put(servers.gsp_url(engine), params={"graph": "urn:x-test:not-the-build"},
                             data="<urn:x-test:a> <urn:x-test:b> <urn:x-test:c> .\n",
                             headers={"Content-Type": "application/n-triples"}, timeout=60)
        assert extra.status_code in (200, 201, 204), extra.text
        with serve(["--backend", engine.endpoint], "oxigraph-plus-one") as front:
            base = front.endpoint.removesuffix("/sparql")
            assert requests.get(base + "/health", timeout=60).json()["backend_default_graph"] == "named graphs"
            for query in ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                          "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"):
                assert post(base, query, "text/csv").text == post(sites["embedded"], query, "text/csv").text


def test_an_unreachable_backend_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{servers.free_port()}/sparql"
    done = subprocess.run([servers.venv_tool("eccp-kg"), "serve", "--backend", url, "--port", str(servers.free_port())],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"--backend {url}: cannot read the build's B graph/meta" in done.stderr
    assert "cannot be reached" in done.stderr
